"""Courses' own URLs (pages themselves are served by Wagtail): enrolment and learning."""

from django.urls import include, path

app_name = "courses"

urlpatterns = [
    path("", include("courses.urls_enrollment")),
    path("", include("courses.urls_learning")),
]

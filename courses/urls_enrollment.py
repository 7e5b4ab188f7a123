"""Enrolment URLs: self-enrolment, tutors enrolling students and classrooms, progress."""

from django.urls import path

from .views import catalog, enrollment

urlpatterns = [
    path("courses/<int:pk>/enroll/", enrollment.SelfEnrollView.as_view(), name="enroll"),
    path(
        "courses/<int:pk>/enroll/students/",
        enrollment.EnrollStudentsView.as_view(),
        name="enroll_students",
    ),
    path(
        "courses/<int:pk>/enroll/classroom/",
        enrollment.EnrollClassroomView.as_view(),
        name="enroll_classroom",
    ),
    path(
        "enrollments/<int:pk>/cancel/",
        enrollment.EnrollmentCancelView.as_view(),
        name="enrollment_cancel",
    ),
    path("progress/", enrollment.ProgressView.as_view(), name="progress"),
    path("courses/", catalog.CatalogRedirectView.as_view(), name="catalog"),
]

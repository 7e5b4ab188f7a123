"""URLs of the Gradebook app (mounted at /gradebook/)."""

from django.urls import path

from . import views

app_name = "gradebook"

urlpatterns = [
    path("", views.GradebookIndexView.as_view(), name="index"),
    path("courses/<int:pk>/", views.CourseGridView.as_view(), name="course_grid"),
    path("courses/<int:pk>/export.csv", views.CourseGridCsvView.as_view(), name="course_grid_csv"),
    path(
        "courses/<int:pk>/students/<int:student_pk>/",
        views.StudentCourseView.as_view(),
        name="student_course",
    ),
    path(
        "courses/<int:pk>/students/<int:student_pk>/export.csv",
        views.StudentCourseCsvView.as_view(),
        name="student_course_csv",
    ),
]

"""URLs of the Assignments app, mounted at /assignments/ (namespace "assignments")."""

from django.urls import path

from .views import student, tutor

app_name = "assignments"

urlpatterns = [
    # tutors
    path("assign/", tutor.AssignView.as_view(), name="assign"),
    path("given/", tutor.GivenListView.as_view(), name="given"),
    path("queue/", tutor.QueueView.as_view(), name="queue"),
    path("submissions/<int:pk>/", tutor.SubmissionDetailView.as_view(), name="submission_detail"),
    path(
        "submissions/<int:pk>/grade/",
        tutor.SubmissionGradeView.as_view(),
        name="submission_grade",
    ),
    path(
        "submissions/<int:pk>/return/",
        tutor.SubmissionReturnView.as_view(),
        name="submission_return",
    ),
    # students and parents
    path("mine/", student.MyAssignmentsView.as_view(), name="mine"),
    path("children/", student.ChildrenAssignmentsView.as_view(), name="children"),
    path("<int:pk>/", student.AssignmentDetailView.as_view(), name="detail"),
    path("<int:pk>/work/", student.AssignmentSaveView.as_view(), name="save"),
    # files
    path("files/<int:pk>/", student.FileDownloadView.as_view(), name="file_download"),
    path("files/<int:pk>/remove/", student.FileRemoveView.as_view(), name="file_remove"),
]

"""Learning URLs: progress, quiz attempts, essay grading."""

from django.urls import path

from courses.views import learning as views

urlpatterns = [
    path(
        "lessons/<int:pk>/complete/",
        views.LessonCompleteView.as_view(),
        name="lesson_complete",
    ),
    path(
        "quizzes/<int:pk>/<str:block_id>/start/",
        views.QuizStartView.as_view(),
        name="quiz_start",
    ),
    path(
        "quizzes/attempts/<int:pk>/",
        views.AttemptDetailView.as_view(),
        name="attempt_detail",
    ),
    path(
        "quizzes/attempts/<int:pk>/submit/",
        views.AttemptSubmitView.as_view(),
        name="attempt_submit",
    ),
    path("grading/", views.GradingListView.as_view(), name="grading"),
    path(
        "grading/<int:pk>/<str:question_id>/",
        views.EssayGradeView.as_view(),
        name="essay_grade",
    ),
]

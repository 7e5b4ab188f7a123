from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses.assignments"
    label = "assignments"
    verbose_name = _("Assignments")

    def ready(self):
        """Connect the quiz receiver in one visible place: a graded quiz attempt counts
        into the student's assignments of that page (`services.on_quiz_attempt_graded`)."""
        from courses.signals import quiz_attempt_graded

        from . import services

        quiz_attempt_graded.connect(
            services.on_quiz_attempt_graded, dispatch_uid="assignments.quiz_attempt_graded"
        )

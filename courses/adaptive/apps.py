from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses.adaptive"
    label = "adaptive"
    verbose_name = _("Adaptive rules")

    def ready(self):
        """Connect the receivers that evaluate rules and send parents' alerts.

        In one visible place: a graded quiz attempt fires quiz_below rules and low-grade
        alerts; a graded submission low-grade alerts; a completed lesson may complete a
        course. Missed assignments and overdue alerts come from the periodic job
        (`courses.adaptive.tasks`), not from a signal.
        """
        from courses.assignments.signals import submission_graded
        from courses.signals import lesson_completed, quiz_attempt_graded

        from . import alerts, services

        quiz_attempt_graded.connect(
            services.on_quiz_attempt_graded, dispatch_uid="adaptive.rules.quiz_attempt_graded"
        )
        quiz_attempt_graded.connect(
            alerts.on_quiz_attempt_graded, dispatch_uid="adaptive.alerts.quiz_attempt_graded"
        )
        submission_graded.connect(
            alerts.on_submission_graded, dispatch_uid="adaptive.alerts.submission_graded"
        )
        lesson_completed.connect(
            alerts.on_lesson_completed, dispatch_uid="adaptive.alerts.lesson_completed"
        )

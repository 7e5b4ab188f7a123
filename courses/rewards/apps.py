from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses.rewards"
    label = "rewards"
    verbose_name = _("Rewards")

    def ready(self):
        from courses.signals import lesson_completed, quiz_attempt_graded

        from . import receivers

        lesson_completed.connect(receivers.on_lesson_completed, dispatch_uid="rewards.lesson")
        quiz_attempt_graded.connect(receivers.on_quiz_attempt_graded, dispatch_uid="rewards.quiz")
        try:
            # The assignments app may be deployed without its signals module yet; awards
            # for on-time submissions start as soon as it exists.
            from courses.assignments.signals import submission_submitted
        except ImportError:
            return
        submission_submitted.connect(
            receivers.on_submission_submitted, dispatch_uid="rewards.submission"
        )

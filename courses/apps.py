"""The courses app: Wagtail pages for the course tree, lesson blocks, learner state."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        """Connect the moderation and translation receivers (`courses.services`).

        They are connected here, in one visible place, rather than by import side effects:
        a moderator's approval or rejection notifies the tutor who submitted the page, and a
        catalog or tutor section created by translation gets the same workflow and
        permissions as its source.
        """
        from wagtail.signals import copy_for_translation_done, workflow_approved, workflow_rejected

        from .services import moderation, sections

        workflow_approved.connect(
            moderation.on_workflow_approved, dispatch_uid="courses.workflow_approved"
        )
        workflow_rejected.connect(
            moderation.on_workflow_rejected, dispatch_uid="courses.workflow_rejected"
        )
        copy_for_translation_done.connect(
            sections.on_copy_for_translation_done,
            dispatch_uid="courses.copy_for_translation_done",
        )

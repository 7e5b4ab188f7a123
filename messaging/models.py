"""Messaging. For now the notifications core other apps use through `services.notify`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a user should know about: shown in-app with a badge, and sent by e-mail."""

    class Kind(models.TextChoices):
        TUTOR_REQUEST_RECEIVED = "tutor_request.received", _("Tutor request received")
        TUTOR_REQUEST_ACCEPTED = "tutor_request.accepted", _("Tutor request accepted")
        TUTOR_REQUEST_DECLINED = "tutor_request.declined", _("Tutor request declined")
        TUTOR_LINK_ENDED = "tutor_link.ended", _("Tutoring ended")
        CLASSROOM_ADDED = "classroom.added", _("Added to a classroom")
        FAMILY_INVITATION = "family.invitation", _("Family invitation")
        FAMILY_LINKED = "family.linked", _("Family linked")
        ACCOUNT = "account", _("Account")
        COURSE_APPROVED = "course.approved", _("Course page approved")
        COURSE_REJECTED = "course.rejected", _("Course page changes requested")
        ASSIGNMENT_ASSIGNED = "assignment.assigned", _("Work assigned")
        ASSIGNMENT_SUBMITTED = "assignment.submitted", _("Work handed in")
        ASSIGNMENT_GRADED = "assignment.graded", _("Work graded")
        ASSIGNMENT_RETURNED = "assignment.returned", _("Work returned for another try")
        ASSIGNMENT_OVERDUE = "assignment.overdue", _("Work overdue")
        HELP_REQUESTED = "help.requested", _("Help requested")
        HELP_ASSIGNED = "help.assigned", _("Help request assigned")
        HELP_ACCEPTED = "help.accepted", _("Help request accepted")
        HELP_DECLINED = "help.declined", _("Help request declined")
        HELP_DELIVERED = "help.delivered", _("Help delivered")
        HELP_CHANGES = "help.changes", _("Changes asked for")
        HELP_CLOSED = "help.closed", _("Help request closed")
        REWARD = "reward", _("Points and coins")
        ALERT_LOW_GRADE = "alert.low_grade", _("Low grade")
        ALERT_COURSE_COMPLETED = "alert.course_completed", _("Course completed")
        LESSON_SCHEDULED = "lesson.scheduled", _("Lesson scheduled")
        LESSON_CHANGED = "lesson.changed", _("Lesson changed")
        LESSON_CANCELLED = "lesson.cancelled", _("Lesson cancelled")
        LESSON_REMINDER = "lesson.reminder", _("Lesson reminder")
        BOOKING_REQUESTED = "booking.requested", _("Lesson booking requested")
        BOOKING_CONFIRMED = "booking.confirmed", _("Lesson booking confirmed")
        BOOKING_DECLINED = "booking.declined", _("Lesson booking declined")
        BOOKING_EXPIRED = "booking.expired", _("Lesson booking expired")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="messaging_notif_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

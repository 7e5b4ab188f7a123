"""What the assignment services share: constants, the event record, the row lock, the
grade notification."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.models import Notification
from messaging.services import notify
from people.models import Guardianship

from ..models import (
    Assignment,
    Submission,
    SubmissionEvent,
)

logger = logging.getLogger(__name__)

logger = logging.getLogger(__name__)
#: The largest number of points an assignment may be worth.
MAX_POINTS_LIMIT = Decimal("1000")
INSTRUCTIONS_MAX_LENGTH = 10_000
TEXT_MAX_LENGTH = 50_000
FEEDBACK_MAX_LENGTH = 20_000
CENT = Decimal("0.01")


def _conflict(message: str) -> ValidationError:
    return ValidationError(message, code="conflict")


def _record(submission: Submission, *, actor, from_status: str, to_status: str, note="", at=None):
    return SubmissionEvent.objects.create(
        submission=submission,
        actor=actor,
        at=at or timezone.now(),
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _lock(assignment: Assignment) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("assignment__tutor", "assignment__student")
        .get(assignment_id=assignment.pk)
    )


def _number(value: Decimal) -> str:
    """2.50 → "2.5", 10.00 → "10"."""
    text = format(value.normalize(), "f") if value is not None else ""
    return text


def _notify_graded(submission: Submission) -> None:
    """Tell the student and their parents the grade."""
    assignment = submission.assignment
    title = assignment.title
    points = submission.points
    max_points = assignment.max_points
    student = assignment.student
    link = reverse("assignments:detail", args=[assignment.pk])
    notify(
        recipient=student,
        kind=Notification.Kind.ASSIGNMENT_GRADED,
        text=lambda: (
            _("“%(title)s” was graded: %(points)s of %(max)s points.")
            % {"title": title, "points": _number(points), "max": _number(max_points)}
        ),
        link=link,
    )
    student_name = student.display_name
    for guardianship in Guardianship.objects.filter(student=student).select_related("parent"):
        notify(
            recipient=guardianship.parent,
            kind=Notification.Kind.ASSIGNMENT_GRADED,
            text=lambda: (
                _("%(student)s’s “%(title)s” was graded: %(points)s of %(max)s points.")
                % {
                    "student": student_name,
                    "title": title,
                    "points": _number(points),
                    "max": _number(max_points),
                }
            ),
            link=link,
        )

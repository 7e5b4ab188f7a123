"""Tutor–student links: a student asks, the tutor answers, either side ends it.

Each step notifies the other side through messaging.notify.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.models import Notification
from messaging.services import notify

from ..models import ClassroomMembership, TutorStudent, User
from ..permissions import (
    can_answer_request,
    can_end_link,
    can_request_tutor,
    can_withdraw_request,
)


def tutor_request_create(*, student: User, tutor: User, message: str = "") -> TutorStudent:
    """A student asks a listed tutor to teach them. The tutor is notified.

    Raises PermissionDenied when the student may not ask this tutor, and ValidationError
    (code "duplicate") when a request is already pending or the link is already active.
    The database's partial unique constraint settles two requests racing each other.
    """
    if not can_request_tutor(student, tutor):
        raise PermissionDenied(_("You cannot send a request to this tutor."))
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError({"message": _("The message is too long (2000 characters at most).")})
    duplicate = ValidationError(
        _("You already have a pending request or an active link with this tutor."),
        code="duplicate",
    )
    if TutorStudent.objects.filter(
        tutor=tutor, student=student, status__in=TutorStudent.OPEN_STATUSES
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            link = TutorStudent.objects.create(
                tutor=tutor, student=student, requested_by=student, message=message
            )
            notify(
                recipient=tutor,
                kind=Notification.Kind.TUTOR_REQUEST_RECEIVED,
                text=lambda: (
                    _("%(student)s asked you to be their tutor.")
                    % {"student": student.display_name}
                ),
                link=reverse("people:requests"),
            )
    except IntegrityError as exc:
        raise duplicate from exc
    return link


def _answer(link: TutorStudent, by: User, status: str) -> TutorStudent:
    if not can_answer_request(by, link):
        raise PermissionDenied(_("Only the tutor who was asked can answer this request."))
    with transaction.atomic():
        locked = TutorStudent.objects.select_for_update().get(pk=link.pk)
        if locked.status != TutorStudent.Status.REQUESTED:
            raise ValidationError(_("This request has already been answered."), code="conflict")
        locked.status = status
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        tutor_name = by.display_name
        if status == TutorStudent.Status.ACTIVE:
            notify(
                recipient=locked.student,
                kind=Notification.Kind.TUTOR_REQUEST_ACCEPTED,
                text=lambda: (
                    _("%(tutor)s accepted your request. You can now learn together.")
                    % {"tutor": tutor_name}
                ),
                link=reverse("people:dashboard"),
            )
        else:
            notify(
                recipient=locked.student,
                kind=Notification.Kind.TUTOR_REQUEST_DECLINED,
                text=lambda: _("%(tutor)s declined your request.") % {"tutor": tutor_name},
                link=reverse("people:directory"),
            )
    return locked


def tutor_request_accept(*, link: TutorStudent, by: User) -> TutorStudent:
    """The tutor accepts a pending request: the link becomes active; the student is told."""
    return _answer(link, by, TutorStudent.Status.ACTIVE)


def tutor_request_decline(*, link: TutorStudent, by: User) -> TutorStudent:
    """The tutor declines a pending request; the student is told."""
    return _answer(link, by, TutorStudent.Status.DECLINED)


@transaction.atomic
def tutor_request_withdraw(*, link: TutorStudent, by: User) -> TutorStudent:
    """The student withdraws a request the tutor has not answered yet."""
    if not can_withdraw_request(by, link):
        raise PermissionDenied(_("Only the student who asked can withdraw a pending request."))
    locked = TutorStudent.objects.select_for_update().get(pk=link.pk)
    if locked.status != TutorStudent.Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."), code="conflict")
    locked.status = TutorStudent.Status.ENDED
    locked.ended_at = timezone.now()
    locked.ended_by = by
    locked.save(update_fields=["status", "ended_at", "ended_by"])
    return locked


@transaction.atomic
def tutor_link_end(*, link: TutorStudent, by: User) -> TutorStudent:
    """End an active link (either side or staff). The student leaves the tutor's classrooms."""
    if not can_end_link(by, link):
        raise PermissionDenied(_("You cannot end this tutoring link."))
    locked = TutorStudent.objects.select_for_update().get(pk=link.pk)
    if locked.status != TutorStudent.Status.ACTIVE:
        raise ValidationError(_("This link is no longer active."), code="conflict")
    locked.status = TutorStudent.Status.ENDED
    locked.ended_at = timezone.now()
    locked.ended_by = by
    locked.save(update_fields=["status", "ended_at", "ended_by"])
    ClassroomMembership.objects.filter(
        classroom__tutor_id=locked.tutor_id, student_id=locked.student_id
    ).delete()
    # Imported here: scheduling imports people (models, permissions).
    from scheduling.services.classrooms import on_tutor_link_ended

    on_tutor_link_ended(tutor=locked.tutor, student=locked.student, by=by)
    by_name = by.display_name
    for party in (locked.tutor, locked.student):
        if party.pk == by.pk:
            continue
        notify(
            recipient=party,
            kind=Notification.Kind.TUTOR_LINK_ENDED,
            text=lambda: _("%(name)s ended the tutoring link.") % {"name": by_name},
            link=reverse("people:dashboard"),
        )
    return locked

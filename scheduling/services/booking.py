"""Booking: a linked student (or their parent) books a free slot; the tutor confirms or
declines; stale requests expire.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.models import Notification
from people.models import User
from people.permissions import has_active_link

from ..locking import guard_overlaps
from ..models import LessonChange, ScheduledLesson, SchedulePolicy
from ..permissions import can_book_with, can_manage_lesson
from ..selectors import slot_fits_availability
from . import lessons as lesson_services
from .reminders import reminders_plan

logger = logging.getLogger(__name__)

Status = ScheduledLesson.Status
#: A request the tutor has not answered within this long expires.
REQUEST_TTL = timedelta(hours=48)


def booking_request(
    *, by: User, tutor: User, student: User, start: datetime, end: datetime, now=None
) -> ScheduledLesson:
    """Book [start, end) with the tutor for the student; `by` is the student or a parent.

    The slot must lie in the tutor's availability and outside their time off, respect the
    policy's minimum notice and horizon, and be free for the tutor and the student
    (SlotTaken otherwise; under concurrency the database decides, and exactly one of
    several simultaneous requests for a slot wins). The lesson is "requested" and the tutor
    is notified, or "scheduled" at once (with reminders) when the tutor auto-confirms.
    """
    now = now or timezone.now()
    if not can_book_with(by, tutor, student):
        raise PermissionDenied(_("You cannot book lessons with this tutor."))
    lesson_services.check_times(start, end)
    policy = SchedulePolicy.for_tutor(tutor)
    if start < now + timedelta(hours=policy.booking_notice_hours):
        raise ValidationError(
            {
                "start": _("Book at least %(hours)s hours ahead.")
                % {"hours": policy.booking_notice_hours}
            },
            code="notice",
        )
    if start > now + timedelta(days=policy.booking_horizon_days):
        raise ValidationError(
            {
                "start": _("Book at most %(days)s days ahead.")
                % {"days": policy.booking_horizon_days}
            },
            code="horizon",
        )
    if not slot_fits_availability(tutor, start, end):
        raise ValidationError(
            {"start": _("The tutor is not available at this time.")}, code="unavailable"
        )
    status = Status.SCHEDULED if policy.auto_confirm else Status.REQUESTED
    participant_ids = [student.pk]
    with guard_overlaps(
        lesson_services.taken_after_refusal(tutor, participant_ids, start, end, viewer=by)
    ):
        lesson = lesson_services.insert_lesson(
            by=by,
            tutor=tutor,
            start=start,
            end=end,
            student=student,
            classroom=None,
            status=status,
            participant_ids=participant_ids,
            policy=policy,
        )
        if status == Status.REQUESTED:
            lesson_services.notify_each(
                [tutor],
                Notification.Kind.BOOKING_REQUESTED,
                lesson,
                lambda u: (
                    _("%(who)s asks for a lesson on %(when)s. Confirm or decline it.")
                    % {"who": student.display_name, "when": lesson_services.when_for(lesson, u)}
                ),
            )
        else:
            lesson_services.notify_each(
                [tutor],
                Notification.Kind.LESSON_SCHEDULED,
                lesson,
                lambda u: (
                    _("%(who)s booked a lesson on %(when)s.")
                    % {"who": student.display_name, "when": lesson_services.when_for(lesson, u)}
                ),
            )
        if status == Status.SCHEDULED and by.pk != student.pk:
            lesson_services.notify_each(
                [student],
                Notification.Kind.LESSON_SCHEDULED,
                lesson,
                lambda u: (
                    _("%(who)s booked a lesson for you with %(tutor)s on %(when)s.")
                    % {
                        "who": by.display_name,
                        "tutor": tutor.display_name,
                        "when": lesson_services.when_for(lesson, u),
                    }
                ),
            )
    return lesson


def _booker_and_student(lesson: ScheduledLesson) -> list[User]:
    people = [lesson.student]
    if lesson.created_by_id and lesson.created_by_id != lesson.student_id:
        people.append(lesson.created_by)
    return people


def booking_confirm(*, by: User, lesson: ScheduledLesson, now=None) -> ScheduledLesson:
    """The tutor confirms a requested lesson that has not started: it becomes scheduled,
    reminders are planned and the student (and the parent who booked) are notified."""
    now = now or timezone.now()
    if not can_manage_lesson(by, lesson):
        raise PermissionDenied(_("Only the lesson's tutor can confirm it."))
    with guard_overlaps(lambda: ValidationError(_("This booking could not be confirmed."))):
        current = lesson_services.locked(lesson)
        if current.status != Status.REQUESTED:
            raise ValidationError(_("This booking has already been answered."), code="conflict")
        if current.has_started(now):
            raise ValidationError(_("This booking has expired."), code="expired")
        if current.student_id is not None and not has_active_link(current.tutor, current.student):
            raise ValidationError(
                _("This booking cannot be confirmed: the tutoring link has ended."),
                code="not_linked",
            )
        current.status = Status.SCHEDULED
        current.save(update_fields=["status", "updated_at"])
        lesson_services.sync_participants(current)
        reminders_plan(current, now=now)
        lesson_services.record(
            current,
            by,
            LessonChange.Action.CONFIRMED,
            {"status": [Status.REQUESTED, Status.SCHEDULED]},
        )
        lesson_services.notify_each(
            _booker_and_student(current),
            Notification.Kind.BOOKING_CONFIRMED,
            current,
            lambda u: (
                _("%(tutor)s confirmed the lesson on %(when)s.")
                % {
                    "tutor": current.tutor.display_name,
                    "when": lesson_services.when_for(current, u),
                }
            ),
        )
    return current


def booking_decline(
    *, by: User, lesson: ScheduledLesson, reason: str = "", now=None
) -> ScheduledLesson:
    """The tutor declines a requested lesson: the slot is freed, the student is notified."""
    if not can_manage_lesson(by, lesson):
        raise PermissionDenied(_("Only the lesson's tutor can decline it."))
    reason = (reason or "").strip()
    with transaction.atomic():
        current = lesson_services.locked(lesson)
        if current.status != Status.REQUESTED:
            raise ValidationError(_("This booking has already been answered."), code="conflict")
        current.status = Status.DECLINED
        current.cancel_reason = reason
        current.save(update_fields=["status", "cancel_reason", "updated_at"])
        lesson_services.sync_participants(current)
        reminders_plan(current, now=now)
        lesson_services.record(
            current,
            by,
            LessonChange.Action.DECLINED,
            {"status": [Status.REQUESTED, Status.DECLINED]},
            reason,
        )
        lesson_services.notify_each(
            _booker_and_student(current),
            Notification.Kind.BOOKING_DECLINED,
            current,
            lambda u: (
                _("%(tutor)s declined the lesson on %(when)s.")
                % {
                    "tutor": current.tutor.display_name,
                    "when": lesson_services.when_for(current, u),
                }
            ),
        )
    return current


def bookings_expire_stale(now: datetime | None = None) -> int:
    """Expire requested lessons that started already or were asked more than 48 hours ago.

    The daily job's only automatic change: each is set "expired" (its slot freed) in its
    own transaction under a row lock, with a history row and a notification to the student
    (and the parent who booked). Returns how many expired; safe to run twice.
    """
    now = now or timezone.now()
    stale = ScheduledLesson.objects.filter(status=Status.REQUESTED).filter(
        Q(start__lte=now) | Q(created_at__lte=now - REQUEST_TTL)
    )
    expired = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            current = (
                ScheduledLesson.objects.select_for_update(of=("self",))
                .select_related("tutor", "student", "created_by")
                .filter(pk=pk, status=Status.REQUESTED)
                .first()
            )
            if current is None:
                continue
            current.status = Status.EXPIRED
            current.save(update_fields=["status", "updated_at"])
            lesson_services.sync_participants(current)
            reminders_plan(current, now=now)
            lesson_services.record(
                current,
                None,
                LessonChange.Action.EXPIRED,
                {"status": [Status.REQUESTED, Status.EXPIRED]},
            )
            lesson_services.notify_each(
                _booker_and_student(current),
                Notification.Kind.BOOKING_EXPIRED,
                current,
                lambda u, lesson=current: (
                    _("Your lesson request with %(tutor)s for %(when)s expired without an answer.")
                    % {
                        "tutor": lesson.tutor.display_name,
                        "when": lesson_services.when_for(lesson, u),
                    }
                ),
            )
            expired += 1
    if expired:
        logger.info("expired %s stale booking request(s)", expired)
    return expired

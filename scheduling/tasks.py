"""Background work for scheduling, run by django-q2 workers (inline in development/tests).

- `send_due_reminders(now=None)`: every minute. Sends each due, pending Reminder exactly
  once, however late: a reminder that fell due while no worker ran is sent on the next
  run, unless its lesson has started (EXPIRED) or is no longer going ahead (CANCELLED).
- `expire_stale_bookings()`: every hour. Booking requests the tutor never answered, past
  their start, expire (scheduling.services.booking.bookings_expire_stale).

Both are idempotent, so a worker restart, a retried task or django-q2's `catch_up` replay
of missed runs does no harm. The two django-q2 Schedule rows are created (idempotently)
by `ensure_schedules()`, which scheduling.apps runs after every `migrate`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from messaging.models import Notification
from messaging.services import notify

from .calendar import zone
from .models import Reminder, ScheduledLesson

logger = logging.getLogger(__name__)

REMINDERS_TASK = "scheduling.tasks.send_due_reminders"
EXPIRY_TASK = "scheduling.tasks.expire_stale_bookings"
REMINDERS_SCHEDULE = "scheduling: send due lesson reminders"
EXPIRY_SCHEDULE = "scheduling: expire stale booking requests"
#: At most this many reminders per run; the next run (a minute later) takes the rest.
BATCH_SIZE = 500


def _reminder_text(reminder: Reminder) -> str:
    """The reminder in the recipient's language (active) and time zone."""
    lesson = reminder.lesson
    user = reminder.user
    with timezone.override(zone(user.timezone)):
        when = formats.date_format(timezone.localtime(lesson.start), "DATETIME_FORMAT")
    other = lesson.tutor if user.pk != lesson.tutor_id else (lesson.student or lesson.classroom)
    if other is None:
        return gettext("Reminder: your lesson starts at %(when)s.") % {"when": when}
    return gettext("Reminder: your lesson with %(name)s starts at %(when)s.") % {
        "name": getattr(other, "display_name", None) or str(other),
        "when": when,
    }


def _send_one(reminder_id: int, now: dt.datetime) -> str:
    """Claim one reminder and act on it; returns the status it ended in ('' if not ours).

    The claim is a conditional UPDATE (… WHERE status = 'pending'): of two workers racing
    for the same row, the database lets exactly one change it (on PostgreSQL the second
    waits for the first's row lock, re-reads the row and updates nothing). The notification
    is written in the same transaction, so a failure to notify undoes the claim and the
    next run tries again; a claimed row is never sent twice.
    """
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.SENT, sent_at=now
        )
        if not claimed:
            return ""
        reminder = Reminder.objects.select_related(
            "user", "lesson", "lesson__tutor", "lesson__student", "lesson__classroom"
        ).get(pk=reminder_id)
        lesson = reminder.lesson
        outcome = Reminder.Status.SENT
        if lesson.status != ScheduledLesson.Status.SCHEDULED:
            outcome = Reminder.Status.CANCELLED
        elif lesson.start <= now:
            outcome = Reminder.Status.EXPIRED
        elif not reminder.user.is_active:
            outcome = Reminder.Status.CANCELLED
        if outcome != Reminder.Status.SENT:
            Reminder.objects.filter(pk=reminder_id).update(status=outcome, sent_at=None)
            return outcome
        notify(
            recipient=reminder.user,
            kind=Notification.Kind.LESSON_REMINDER,
            text=lambda: _reminder_text(reminder),
            link=reverse("scheduling:lesson_detail", args=[lesson.pk]),
        )
        return outcome


def send_due_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every pending reminder due by `now` (default: the current time), once each.

    Returns how many ended in each status, e.g. {"sent": 3, "expired": 1}. Safe to run
    concurrently in several workers: each row is claimed by one of them only.
    """
    now = now or timezone.now()
    due = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )
    counts: dict[str, int] = {}
    for reminder_id in due:
        outcome = _send_one(reminder_id, now)
        if outcome:
            counts[str(outcome)] = counts.get(str(outcome), 0) + 1
    if counts:
        logger.info("lesson reminders: %s", counts)
    return counts


def expire_stale_bookings() -> int:
    """Expire booking requests nobody answered in time (S-core's service); returns how many."""
    from .services.booking import bookings_expire_stale

    expired = bookings_expire_stale()
    count = expired if isinstance(expired, int) else len(expired or ())
    if count:
        logger.info("expired %s stale booking request(s)", count)
    return count


def ensure_schedules(using: str = "default") -> list:
    """Create the django-q2 schedules of this app once; a second call changes nothing.

    Looked up by name, so an operator may change the interval in the admin without a
    later `migrate` putting it back.
    """
    from django_q.models import Schedule

    wanted = (
        (REMINDERS_SCHEDULE, REMINDERS_TASK, {"schedule_type": Schedule.MINUTES, "minutes": 1}),
        (EXPIRY_SCHEDULE, EXPIRY_TASK, {"schedule_type": Schedule.HOURLY}),
    )
    schedules = []
    for name, func, timing in wanted:
        schedule = Schedule.objects.using(using).filter(name=name).first()
        if schedule is None:
            schedule = Schedule.objects.using(using).create(
                name=name, func=func, repeats=-1, **timing
            )
        schedules.append(schedule)
    return schedules

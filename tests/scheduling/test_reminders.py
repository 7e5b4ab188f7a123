"""Reminders: stop the worker, move the clock, and each reminder is sent exactly once.

Lessons are created through the real service (which plans the Reminder rows); the task
is then run with `now` far past some due times, as if the worker had been down.
"""

import datetime as dt

import pytest
from django.utils import timezone
from django_q.models import Schedule

from messaging.models import Notification
from scheduling import tasks
from scheduling.models import Reminder, ScheduledLesson
from scheduling.services.availability import reminder_offsets_set
from scheduling.services.lessons import lesson_create

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def statuses(lesson) -> dict:
    return {(r.user_id, r.offset_minutes): r.status for r in Reminder.objects.filter(lesson=lesson)}


def reminder_notifications(user=None) -> int:
    notes = Notification.objects.filter(kind=Notification.Kind.LESSON_REMINDER)
    if user is not None:
        notes = notes.filter(recipient=user)
    return notes.count()


def test_worker_down_then_each_reminder_once_late_or_expired(tutor, student):
    t0 = timezone.now()
    soon = lesson_create(
        by=tutor, tutor=tutor, student=student, start=t0 + 3 * HOUR, end=t0 + 4 * HOUR
    )
    later = lesson_create(
        by=tutor, tutor=tutor, student=student, start=t0 + 50 * HOUR, end=t0 + 51 * HOUR
    )
    # The rows exist before they are due: 60 min for `soon` (24 h was already past),
    # both offsets for `later`, for the tutor and the student.
    assert set(statuses(soon)) == {(tutor.pk, 60), (student.pk, 60)}
    assert set(statuses(later)) == {(u, m) for u in (tutor.pk, student.pk) for m in (1440, 60)}
    assert reminder_notifications() == 0

    # The worker was down for 30 hours: `soon` has started, `later`'s 24-hour reminder is late.
    counts = tasks.send_due_reminders(now=t0 + 30 * HOUR)
    assert counts == {"expired": 2, "sent": 2}
    assert set(statuses(soon).values()) == {Reminder.Status.EXPIRED}
    later_rows = statuses(later)
    assert later_rows[(tutor.pk, 1440)] == later_rows[(student.pk, 1440)] == Reminder.Status.SENT
    assert later_rows[(tutor.pk, 60)] == later_rows[(student.pk, 60)] == Reminder.Status.PENDING
    assert reminder_notifications(tutor) == 1 and reminder_notifications(student) == 1

    # A second run (or a second worker) sends nothing again.
    assert tasks.send_due_reminders(now=t0 + 30 * HOUR) == {}
    assert reminder_notifications() == 2

    # The hour-before reminders, on time.
    assert tasks.send_due_reminders(now=t0 + 49.5 * HOUR) == {"sent": 2}
    assert reminder_notifications() == 4
    assert tasks.send_due_reminders(now=t0 + 60 * HOUR) == {}
    note = Notification.objects.filter(recipient=student).order_by("-created_at").first()
    assert tutor.display_name in note.text and note.link.endswith(f"/schedule/lessons/{later.pk}/")


def test_a_claimed_reminder_is_not_sent_by_a_second_worker(tutor, student):
    t0 = timezone.now()
    lesson = lesson_create(
        by=tutor, tutor=tutor, student=student, start=t0 + 3 * HOUR, end=t0 + 4 * HOUR
    )
    reminder = Reminder.objects.filter(lesson=lesson, user=student).get()
    now = t0 + 2.5 * HOUR
    assert tasks._send_one(reminder.pk, now) == Reminder.Status.SENT
    assert tasks._send_one(reminder.pk, now) == ""  # the other worker's claim finds nothing
    assert reminder_notifications(student) == 1
    reminder.refresh_from_db()
    assert reminder.sent_at == now


def test_a_reminder_of_a_lesson_no_longer_scheduled_is_cancelled_not_sent(tutor, student):
    t0 = timezone.now()
    lesson = lesson_create(
        by=tutor, tutor=tutor, student=student, start=t0 + 3 * HOUR, end=t0 + 4 * HOUR
    )
    # Changed past the services (as a crash between two steps could leave it).
    ScheduledLesson.objects.filter(pk=lesson.pk).update(
        status=ScheduledLesson.Status.CANCELLED_TUTOR
    )
    assert tasks.send_due_reminders(now=t0 + 2.5 * HOUR) == {"cancelled": 2}
    assert reminder_notifications() == 0


def test_changing_offsets_replans_future_reminders(tutor, student):
    t0 = timezone.now()
    lesson = lesson_create(
        by=tutor, tutor=tutor, student=student, start=t0 + 50 * HOUR, end=t0 + 51 * HOUR
    )
    reminder_offsets_set(by=student, user=student, offsets=[120])
    rows = statuses(lesson)
    assert rows[(student.pk, 120)] == Reminder.Status.PENDING
    assert rows[(student.pk, 60)] == rows[(student.pk, 1440)] == Reminder.Status.CANCELLED
    assert rows[(tutor.pk, 60)] == Reminder.Status.PENDING


def test_schedules_are_created_once():
    Schedule.objects.filter(name__startswith="scheduling:").delete()
    first = tasks.ensure_schedules()
    again = tasks.ensure_schedules()
    assert [s.pk for s in first] == [s.pk for s in again]
    reminders = Schedule.objects.get(name=tasks.REMINDERS_SCHEDULE)
    assert reminders.func == "scheduling.tasks.send_due_reminders"
    assert reminders.schedule_type == Schedule.MINUTES and reminders.minutes == 1
    expiry = Schedule.objects.get(name=tasks.EXPIRY_SCHEDULE)
    assert expiry.schedule_type == Schedule.HOURLY and expiry.repeats == -1


def test_expiry_job_expires_stale_requests(tutor, student):
    from tests.scheduling.ui_world import make_lesson

    stale = make_lesson(
        tutor,
        student,
        start=timezone.now() - HOUR,
        status=ScheduledLesson.Status.REQUESTED,
    )
    assert tasks.expire_stale_bookings() == 1
    stale.refresh_from_db()
    assert stale.status == ScheduledLesson.Status.EXPIRED
    assert tasks.expire_stale_bookings() == 0

"""Reminder rows for a lesson, planned in the same transaction as the lesson write.

The rows exist before they fall due; scheduling.tasks sends each one exactly once.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..models import DEFAULT_REMINDER_OFFSETS, CalendarSettings, Reminder, ScheduledLesson


def _recipients(lesson: ScheduledLesson) -> list[int]:
    student_ids = list(lesson.participants.values_list("student_id", flat=True))
    return [lesson.tutor_id, *student_ids]


def reminders_plan(lesson: ScheduledLesson, *, now=None) -> None:
    """Create, move or cancel the lesson's Reminder rows to match its state and time.

    A scheduled lesson that has not started gets one row per participant (the tutor and
    each student) and per offset of that user's CalendarSettings (default 24 h and 1 h),
    due at start − offset; offsets already past when planning are not created. A moved
    lesson's rows move (and become pending again, even if the old one was sent); rows no
    longer wanted, and all pending rows of a lesson that is not scheduled, are cancelled.
    Call inside the transaction that writes the lesson.
    """
    now = now or timezone.now()
    existing = {(r.user_id, r.offset_minutes): r for r in lesson.reminders.all()}
    wanted: dict[tuple[int, int], object] = {}
    if lesson.status == ScheduledLesson.Status.SCHEDULED and lesson.start > now:
        users = _recipients(lesson)
        offsets = dict(
            CalendarSettings.objects.filter(user_id__in=users).values_list(
                "user_id", "reminder_offsets"
            )
        )
        for user_id in users:
            for minutes in offsets.get(user_id, DEFAULT_REMINDER_OFFSETS) or []:
                due = lesson.start - timedelta(minutes=int(minutes))
                if due > now:
                    wanted[(user_id, int(minutes))] = due
    to_create = []
    for key, due in wanted.items():
        row = existing.get(key)
        if row is None:
            to_create.append(
                Reminder(lesson=lesson, user_id=key[0], offset_minutes=key[1], due_at=due)
            )
        elif row.due_at != due or row.status == Reminder.Status.CANCELLED:
            row.due_at = due
            row.status = Reminder.Status.PENDING
            row.sent_at = None
            row.save(update_fields=["due_at", "status", "sent_at"])
    if to_create:
        Reminder.objects.bulk_create(to_create)
    stale = [
        row.pk
        for key, row in existing.items()
        if key not in wanted and row.status == Reminder.Status.PENDING
    ]
    if stale:
        Reminder.objects.filter(pk__in=stale).update(status=Reminder.Status.CANCELLED)

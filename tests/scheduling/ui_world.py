"""Helpers for the scheduling page tests (S-ui): lessons written straight to the tables.

`make_lesson` skips the services on purpose, for tests about reading (calendars, feeds,
reminders): it writes the lesson and its participant rows the way the services do, so
the selectors see what they would see in production. Tests about writing go through the
pages and so through the services.
"""

from __future__ import annotations

import datetime as dt

from scheduling.models import LessonParticipant, Reminder, ScheduledLesson

UTC = dt.UTC


def at(*args) -> dt.datetime:
    """An aware UTC datetime: at(2026, 3, 2, 10) is 2 March 2026, 10:00 UTC."""
    return dt.datetime(*args, tzinfo=UTC)


def make_lesson(
    tutor,
    student=None,
    *,
    start: dt.datetime,
    minutes: int = 60,
    classroom=None,
    status=ScheduledLesson.Status.SCHEDULED,
    **fields,
) -> ScheduledLesson:
    lesson = ScheduledLesson.objects.create(
        tutor=tutor,
        student=student,
        classroom=classroom,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        status=status,
        **fields,
    )
    students = [student] if student is not None else list(classroom.students.all())
    LessonParticipant.objects.bulk_create(
        [
            LessonParticipant(
                lesson=lesson,
                student=s,
                start=lesson.start,
                end=lesson.end,
                blocking=lesson.is_blocking,
            )
            for s in students
        ]
    )
    return lesson


def make_reminder(lesson, user, offset_minutes: int) -> Reminder:
    return Reminder.objects.create(
        lesson=lesson,
        user=user,
        offset_minutes=offset_minutes,
        due_at=lesson.start - dt.timedelta(minutes=offset_minutes),
    )


def page_objects(actors: dict) -> dict:
    """The permission matrix's objects for the scheduling pages beyond S-core's lesson,
    booking and linked student: one weekly window and one time off of tenant A's tutor,
    and that tutor as the one `student` books with."""
    from scheduling.models import Availability, TimeOff

    tutor = actors["tutor"]
    window = Availability.objects.create(
        tutor=tutor, weekday=0, start_time=dt.time(9), end_time=dt.time(12)
    )
    start = dt.datetime.now(UTC).replace(microsecond=0) + dt.timedelta(days=20)
    time_off = TimeOff.objects.create(tutor=tutor, start=start, end=start + dt.timedelta(days=1))
    return {
        "availability_window": {"pk": window.pk},
        "time_off": {"pk": time_off.pk},
        "bookable_tutor": {"pk": tutor.pk},
    }

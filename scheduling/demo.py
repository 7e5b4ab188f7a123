"""Demo scheduling data: a realistic month for each demo tutor, built through the services.

`seed_scheduling(students_by_tutor=..., classrooms_by_tutor=..., report=...)` is meant to
be called by `people.demo.demo_seed` once the demo tutors, students and classrooms exist
(before it marks the demo notifications as e-mailed). For each tutor it creates:

- weekly availability (Mon–Fri 09:00–13:00 and 15:00–19:00 in the tutor's time zone) and
  booking rules (Anna: students may not cancel within 2 hours of the start, the seed's
  rule; Ben: bookings confirmed automatically);
- the last three weeks: one-to-one lessons recorded as held, one cancelled late by the
  student (chargeable), one no-show, and yesterday's lesson left unmarked;
- the next three weeks: one-to-one lessons, a classroom lesson, one lesson cancelled by the
  tutor, and one weekly series of six lessons;
- one booking request waiting for the tutor (the first student books a free slot).

Past events are written with the services' `now=` argument set to the moment they would
have happened, so their history rows, prices and outcomes are those the real flow gives.

Idempotent: a tutor who already has lessons gets no new ones, and availability or a policy
that exists is left alone, so a second run creates nothing and reports nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from .calendar import combine_local, zone
from .models import Availability, ScheduledLesson, SchedulePolicy
from .selectors import free_slots
from .services.availability import availability_add, schedule_policy_update
from .services.booking import booking_request
from .services.lessons import lesson_cancel, lesson_create, lesson_mark
from .services.series import series_create

logger = logging.getLogger(__name__)

WINDOWS = ((dt.time(9), dt.time(13)), (dt.time(15), dt.time(19)))
#: (weekday, local start, student index) of the weekly one-to-one pattern.
PATTERN = ((0, dt.time(10), 0), (1, dt.time(16), 1), (3, dt.time(11), 2))
SERIES_WEEKDAY = 2  # Wednesday
SERIES_TIME = dt.time(17)
CLASSROOM_WEEKDAY = 4  # Friday
CLASSROOM_TIME = dt.time(15, 30)
LESSON = dt.timedelta(hours=1)


class _Report:
    def add(self, what: str, count: int = 1) -> None:
        pass


def _at(day: dt.date, time: dt.time, tz) -> dt.datetime | None:
    return combine_local(day, time, tz)


def _policy(tutor, index: int, report) -> None:
    if SchedulePolicy.objects.filter(tutor=tutor).exists():
        return
    if index == 0:
        schedule_policy_update(by=tutor, tutor=tutor, cancel_notice_hours=24, cancel_cutoff_hours=2)
    else:
        schedule_policy_update(by=tutor, tutor=tutor, auto_confirm=True, booking_notice_hours=12)
    report.add("tutor booking policies")


def _availability(tutor, report) -> None:
    if Availability.objects.filter(tutor=tutor).exists():
        return
    for weekday in range(5):
        for start, end in WINDOWS:
            availability_add(by=tutor, tutor=tutor, weekday=weekday, start_time=start, end_time=end)
            report.add("availability windows")


def _past(tutor, students, monday, tz, now, report) -> None:
    """Three weeks of held lessons, one late cancellation, one no-show, one unmarked."""
    for weeks_ago in (3, 2, 1):
        week = monday - dt.timedelta(weeks=weeks_ago)
        for weekday, time, index in PATTERN:
            if index >= len(students):
                continue
            start = _at(week + dt.timedelta(days=weekday), time, tz)
            if start is None or start + LESSON > now:
                continue
            student = students[index]
            late_cancel = weeks_ago == 2 and index == 1
            no_show = weeks_ago == 1 and index == 2
            if not (late_cancel or no_show):
                # Created after the fact: recorded as held, without notifications.
                lesson_create(
                    by=tutor, tutor=tutor, student=student, start=start, end=start + LESSON
                )
                report.add("lessons held")
                continue
            lesson = lesson_create(
                by=tutor,
                tutor=tutor,
                student=student,
                start=start,
                end=start + LESSON,
                now=start - dt.timedelta(days=5),
            )
            if late_cancel:
                lesson_cancel(
                    by=student,
                    lesson=lesson,
                    reason="Sorry, I have a school trip I forgot about.",
                    now=start - dt.timedelta(hours=5),
                )
                report.add("late cancellations")
            else:
                lesson_mark(by=tutor, lesson=lesson, outcome="no_show", now=start + LESSON)
                report.add("no-shows")
    # Yesterday's lesson, not marked yet: the tutor's calendar lists it.
    yesterday = now.astimezone(tz).date() - dt.timedelta(days=1)
    start = _at(yesterday, dt.time(18), tz)
    if start is not None and students:
        lesson_create(
            by=tutor,
            tutor=tutor,
            student=students[0],
            start=start,
            end=start + LESSON,
            now=start - dt.timedelta(days=3),
        )
        report.add("lessons waiting to be marked")


def _future(tutor, students, classroom, monday, tz, now, report) -> None:
    """Three weeks of lessons ahead, a classroom lesson, a tutor cancellation, a series."""
    for weeks_ahead in (1, 2, 3):
        week = monday + dt.timedelta(weeks=weeks_ahead)
        for weekday, time, index in PATTERN:
            if index == 1 or index >= len(students):
                continue  # the second student has the weekly series instead
            start = _at(week + dt.timedelta(days=weekday), time, tz)
            if start is None:
                continue
            lesson = lesson_create(
                by=tutor,
                tutor=tutor,
                student=students[index],
                start=start,
                end=start + LESSON,
                is_online=index == 0,
                location="" if index == 0 else "Library, room 2",
            )
            report.add("lessons scheduled")
            if weeks_ahead == 3 and index == 2:
                lesson_cancel(by=tutor, lesson=lesson, reason="I am at a conference that day.")
                report.add("lessons cancelled by the tutor")
        if classroom is not None and classroom.students.exists() and weeks_ahead == 1:
            start = _at(week + dt.timedelta(days=CLASSROOM_WEEKDAY), CLASSROOM_TIME, tz)
            if start is not None:
                lesson_create(
                    by=tutor, tutor=tutor, classroom=classroom, start=start, end=start + LESSON
                )
                report.add("classroom lessons scheduled")
    if len(students) > 1:
        first = monday + dt.timedelta(weeks=1, days=SERIES_WEEKDAY)
        series_create(
            by=tutor,
            tutor=tutor,
            student=students[1],
            first_date=first,
            start_time=SERIES_TIME,
            duration_minutes=60,
            weekdays=[SERIES_WEEKDAY],
            interval_weeks=1,
            count=6,
            timezone_name=str(tz),
        )
        report.add("weekly series")


def _pending_booking(tutor, students, now, report) -> None:
    """The last student asks for a slot about a week ahead; the tutor has not answered."""
    if not students:
        return
    student = students[-1]
    tutor_tz = zone(tutor.timezone)
    start_date = (now + dt.timedelta(days=6)).astimezone(tutor_tz).date()
    slots = free_slots(tutor, student, start_date, 7, now=now)
    if not slots:
        return
    start, end = slots[len(slots) // 2]
    lesson = booking_request(by=student, tutor=tutor, student=student, start=start, end=end)
    if lesson.status == ScheduledLesson.Status.REQUESTED:
        report.add("booking requests waiting")
    else:
        report.add("bookings confirmed automatically")


def seed_scheduling(
    *,
    students_by_tutor: dict,
    classrooms_by_tutor: dict | None = None,
    report=None,
    now: dt.datetime | None = None,
) -> None:
    """Create each demo tutor's month of lessons (see the module docstring); idempotent.

    `students_by_tutor` maps each tutor (in a stable order: the first gets the 2-hour
    cancellation cut-off, the second auto-confirm) to their linked students;
    `classrooms_by_tutor` optionally maps a tutor to one of their classrooms.
    """
    report = report or _Report()
    now = now or timezone.now()
    classrooms_by_tutor = classrooms_by_tutor or {}
    for index, (tutor, students) in enumerate(students_by_tutor.items()):
        _policy(tutor, index, report)
        _availability(tutor, report)
        if ScheduledLesson.objects.filter(tutor=tutor).exists():
            continue
        tz = zone(tutor.timezone)
        today = now.astimezone(tz).date()
        monday = today - dt.timedelta(days=today.weekday())
        students = list(students)
        _past(tutor, students, monday, tz, now, report)
        _future(tutor, students, classrooms_by_tutor.get(tutor), monday, tz, now, report)
        _pending_booking(tutor, students, now, report)
        logger.info("demo lessons seeded for %s", tutor)

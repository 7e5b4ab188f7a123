"""Helpers for the scheduling core tests (owned by S-core).

`make_lesson` writes a lesson and its participant rows directly (test set-up, no rules);
the services are what the tests exercise. `at(days, hour)` gives an aware UTC time on a
whole hour, `days` from now.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from people.models import TutorProfile
from scheduling.models import Availability, LessonParticipant, ScheduledLesson
from tests import factories


def at(days: float = 3, hour: int = 10, minute: int = 0) -> datetime:
    """An aware UTC datetime `days` days from today at hour:minute (UTC)."""
    base = timezone.now().replace(hour=hour, minute=minute, second=0, microsecond=0)
    return base + timedelta(days=days)


def set_rate(tutor, rate: str = "40.00", currency: str = "EUR") -> None:
    TutorProfile.objects.filter(user=tutor).update(hourly_rate=Decimal(rate), currency=currency)


def open_all_week(tutor, start: time = time(0, 0), end: time = time(23, 59)) -> None:
    """Availability every day, in the tutor's timezone."""
    Availability.objects.bulk_create(
        [Availability(tutor=tutor, weekday=d, start_time=start, end_time=end) for d in range(7)]
    )


def make_lesson(
    tutor,
    student=None,
    *,
    classroom=None,
    start: datetime | None = None,
    minutes: int = 60,
    status: str = ScheduledLesson.Status.SCHEDULED,
    **fields,
) -> ScheduledLesson:
    """A lesson row with its participants, written directly (no rules applied)."""
    start = start or at(3, 10)
    lesson = ScheduledLesson.objects.create(
        tutor=tutor,
        student=student,
        classroom=classroom,
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
        created_by=tutor,
        **fields,
    )
    if student is not None:
        ids = [student.pk]
    else:
        ids = list(classroom.memberships.values_list("student_id", flat=True))
    LessonParticipant.objects.bulk_create(
        [
            LessonParticipant(
                lesson=lesson,
                student_id=pk,
                start=lesson.start,
                end=lesson.end,
                blocking=lesson.is_blocking,
            )
            for pk in ids
        ]
    )
    return lesson


def linked_student(tutor, **kwargs):
    """A new student with an active link to the tutor."""
    student = factories.StudentFactory(**kwargs)
    factories.TutorStudentFactory(tutor=tutor, student=student)
    return student


def classroom_of(tutor, size: int = 3):
    """A classroom of the tutor with `size` linked students."""
    classroom = factories.ClassroomFactory(tutor=tutor)
    for _ in range(size):
        factories.ClassroomMembershipFactory(classroom=classroom, student=linked_student(tutor))
    return classroom


def api_objects(actors: dict) -> dict:
    """The permission matrix's scheduling objects (see tests/matrix/scheduling.py)."""
    lesson = make_lesson(actors["tutor"], actors["student"], start=at(3, 10))
    booking = make_lesson(
        actors["tutor"],
        actors["student"],
        start=at(4, 10),
        status=ScheduledLesson.Status.REQUESTED,
    )
    return {
        "scheduled_lesson": {"pk": lesson.pk},
        "booking": {"pk": booking.pk},
        "linked_student": {"student_pk": actors["student"].pk},
    }

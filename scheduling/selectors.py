"""Reads for scheduling: calendars by role, conflicts, free slots, unmarked lessons."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    Availability,
    LessonParticipant,
    ScheduledLesson,
    SchedulePolicy,
    TimeOff,
)
from .permissions import lessons_visible_to

LIST_RELATED = ("tutor", "student", "classroom", "subject", "course", "series")


def _with_related(lessons: QuerySet[ScheduledLesson]) -> QuerySet[ScheduledLesson]:
    return lessons.select_related(*LIST_RELATED).prefetch_related(
        Prefetch(
            "participants",
            queryset=LessonParticipant.objects.select_related("student").order_by(
                "student__last_name", "student__first_name", "student_id"
            ),
        )
    )


def lessons_for(user, start: datetime, end: datetime) -> QuerySet[ScheduledLesson]:
    """The lessons the user may see that overlap [start, end), ordered by start.

    Tutor: their own; student: theirs, classroom lessons included; parent: their children's;
    manager/admin: all. Related rows are joined or prefetched: two queries however many.
    """
    lessons = lessons_visible_to(user).filter(start__lt=end, end__gt=start)
    return _with_related(lessons).order_by("start", "pk")


def upcoming_lessons(user, *, now: datetime | None = None) -> QuerySet[ScheduledLesson]:
    """The user's lessons that have not ended yet and still hold their slot, soonest first."""
    now = now or timezone.now()
    lessons = lessons_visible_to(user).filter(
        end__gt=now,
        status__in=[ScheduledLesson.Status.REQUESTED, ScheduledLesson.Status.SCHEDULED],
    )
    return _with_related(lessons).order_by("start", "pk")


def booking_requests_for(tutor, *, now: datetime | None = None) -> QuerySet[ScheduledLesson]:
    """The tutor's booking requests still waiting for an answer, soonest first."""
    now = now or timezone.now()
    return (
        ScheduledLesson.objects.filter(
            tutor=tutor, status=ScheduledLesson.Status.REQUESTED, start__gt=now
        )
        .select_related("student", "subject")
        .order_by("start", "pk")
    )


def student_schedule(viewer, student, start: datetime, end: datetime) -> QuerySet[ScheduledLesson]:
    """One student's lessons overlapping [start, end) as the viewer may see them.

    A tutor sees only the lessons the student has with them.
    """
    lessons = lessons_for(viewer, start, end).filter(
        Exists(LessonParticipant.objects.filter(lesson=OuterRef("pk"), student=student))
    )
    return lessons


def conflicts_for(
    tutor, students: Iterable, start: datetime, end: datetime, exclude=None
) -> QuerySet[ScheduledLesson]:
    """Blocking lessons overlapping [start, end) of the tutor or of any of the students.

    `exclude` is a lesson, a lesson id, or an iterable of ids (the lessons being moved).
    """
    student_ids = [getattr(s, "pk", s) for s in students]
    overlap = Q(start__lt=end, end__gt=start)
    busy_student = Exists(
        LessonParticipant.objects.filter(
            lesson=OuterRef("pk"),
            student_id__in=student_ids,
            blocking=True,
            start__lt=end,
            end__gt=start,
        )
    )
    lessons = ScheduledLesson.objects.filter(
        overlap, status__in=ScheduledLesson.BLOCKING_STATUSES
    ).filter(Q(tutor=tutor) | busy_student)
    if exclude is not None:
        if isinstance(exclude, ScheduledLesson):
            ids = [exclude.pk]
        elif isinstance(exclude, int):
            ids = [exclude]
        else:
            ids = list(exclude)
        lessons = lessons.exclude(pk__in=ids)
    return lessons.select_related("tutor", "student", "classroom").order_by("start")


def unmarked_lessons(tutor, *, now: datetime | None = None) -> QuerySet[ScheduledLesson]:
    """The tutor's lessons that have ended but are still "scheduled": mark them."""
    now = now or timezone.now()
    return _with_related(
        ScheduledLesson.objects.filter(
            tutor=tutor, status=ScheduledLesson.Status.SCHEDULED, end__lte=now
        )
    ).order_by("start", "pk")


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_to_utc(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time (a time skipped by DST moves forward)."""
    aware = datetime.combine(day, at).replace(tzinfo=zone)
    # Round-trip through UTC normalises a non-existent local time (the DST gap).
    return aware.astimezone(zoneinfo.ZoneInfo("UTC"))


def slot_fits_availability(tutor, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside one of the tutor's weekly windows (tutor's local time)
    and outside their time off."""
    zone = _zone(tutor)
    local_start = start.astimezone(zone)
    local_end = end.astimezone(zone)
    if local_end.date() != local_start.date():
        return False
    windows = Availability.objects.filter(tutor=tutor, weekday=local_start.weekday())
    if not any(
        w.start_time <= local_start.time() and local_end.time() <= w.end_time for w in windows
    ):
        return False
    return not TimeOff.objects.filter(tutor=tutor, start__lt=end, end__gt=start).exists()


def free_slots(
    tutor,
    student,
    start_date: date,
    days: int,
    *,
    duration_minutes: int = 60,
    step_minutes: int = 30,
    now: datetime | None = None,
) -> list[tuple[datetime, datetime]]:
    """Bookable (start, end) pairs in UTC for `days` days from `start_date` (tutor's dates).

    Candidates start every `step_minutes` inside the tutor's weekly availability (in the
    tutor's timezone, so DST is respected), and are dropped when they fall inside time off,
    overlap a blocking lesson of the tutor or of the student, start before the policy's
    minimum notice or after its horizon. Four queries, whatever the range.
    """
    now = now or timezone.now()
    policy = SchedulePolicy.for_tutor(tutor)
    earliest = now + timedelta(hours=policy.booking_notice_hours)
    latest = now + timedelta(days=policy.booking_horizon_days)
    zone = _zone(tutor)
    windows: dict[int, list[Availability]] = {}
    for window in Availability.objects.filter(tutor=tutor):
        windows.setdefault(window.weekday, []).append(window)
    range_start = local_to_utc(start_date, time(0), zone)
    range_end = local_to_utc(start_date + timedelta(days=days), time(0), zone)
    time_off = list(
        TimeOff.objects.filter(tutor=tutor, start__lt=range_end, end__gt=range_start).values_list(
            "start", "end"
        )
    )
    student_ids = [student.pk] if student is not None else []
    busy = list(
        conflicts_for(tutor, student_ids, range_start, range_end).values_list("start", "end")
    )
    blocked = time_off + busy
    duration = timedelta(minutes=duration_minutes)
    step = timedelta(minutes=step_minutes)
    slots: list[tuple[datetime, datetime]] = []
    for offset in range(days):
        day = start_date + timedelta(days=offset)
        for window in windows.get(day.weekday(), []):
            cursor = datetime.combine(day, window.start_time)
            window_end = datetime.combine(day, window.end_time)
            while cursor + duration <= window_end:
                slot_start = local_to_utc(cursor.date(), cursor.time(), zone)
                slot_end = slot_start + duration
                cursor += step
                if slot_start < earliest or slot_start > latest:
                    continue
                if any(s < slot_end and e > slot_start for s, e in blocked):
                    continue
                slots.append((slot_start, slot_end))
    return sorted(set(slots))

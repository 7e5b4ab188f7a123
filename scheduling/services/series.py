"""Recurring lessons: create a series, edit this / this and following / all, skip a date.

Occurrences are computed with dateutil.rrule on naive local datetimes in the series'
timezone and only then converted to UTC, so a weekly 17:00 lesson stays at 17:00 local
time across a DST change (its UTC time moves by an hour). Every occurrence is a real
ScheduledLesson row that can be moved, cancelled or marked on its own.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil import rrule
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from messaging.models import Notification
from people.models import User
from people.roles import Role

from ..errors import SlotTaken
from ..locking import guard_overlaps
from ..models import LessonChange, LessonSeries, ScheduledLesson
from ..permissions import can_manage_lesson
from ..selectors import conflicts_for, local_to_utc
from . import lessons as lesson_services
from .reminders import reminders_plan

Status = ScheduledLesson.Status
SCOPES = ("this", "following", "all")
MAX_OCCURRENCES = 200
MAX_SPAN_DAYS = 366


def occurrences(series: LessonSeries) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every occurrence of the series, skipped dates left out."""
    zone = zoneinfo.ZoneInfo(series.timezone)
    dtstart = datetime.combine(series.first_date, series.start_time)
    rule = rrule.rrule(
        rrule.WEEKLY,
        interval=series.interval_weeks,
        byweekday=sorted(set(series.weekdays)),
        dtstart=dtstart,
        until=datetime.combine(series.until, time.max) if series.until else None,
        count=series.count if not series.until else None,
    )
    skipped = set(series.skipped_dates or [])
    duration = timedelta(minutes=series.duration_minutes)
    result = []
    for local in rule:
        if len(result) >= MAX_OCCURRENCES:
            break
        if local.date().isoformat() in skipped:
            continue
        start = local_to_utc(local.date(), local.time(), zone)
        result.append((start, start + duration))
    return result


def _validate_series(series: LessonSeries) -> None:
    errors = {}
    if not series.weekdays or any(
        not isinstance(d, int) or d < 0 or d > 6 for d in series.weekdays
    ):
        errors["weekdays"] = _("Choose at least one weekday.")
    if (series.until is None) == (series.count is None):
        errors["until"] = _("End the series either on a date or after a number of lessons.")
    if series.count is not None and not 1 <= series.count <= MAX_OCCURRENCES:
        errors["count"] = _("A series has between 1 and %(max)s lessons.") % {
            "max": MAX_OCCURRENCES
        }
    if series.until is not None and (
        series.until < series.first_date
        or series.until > series.first_date + timedelta(days=MAX_SPAN_DAYS)
    ):
        errors["until"] = _("The series ends after its first date and within a year.")
    if not 1 <= series.interval_weeks <= 8:
        errors["interval_weeks"] = _("Repeat every 1 to 8 weeks.")
    if not 5 <= series.duration_minutes <= 12 * 60:
        errors["duration_minutes"] = _("A lesson lasts between 5 minutes and 12 hours.")
    try:
        zoneinfo.ZoneInfo(series.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = _("Unknown timezone.")
    if errors:
        raise ValidationError(errors)


def series_create(
    *,
    by: User,
    tutor: User,
    first_date: date,
    start_time: time,
    duration_minutes: int,
    weekdays: list[int],
    interval_weeks: int = 1,
    until: date | None = None,
    count: int | None = None,
    timezone_name: str = "",
    student: User | None = None,
    classroom=None,
    subject=None,
    course=None,
    is_online: bool = True,
    location: str = "",
    now: datetime | None = None,
) -> LessonSeries:
    """A tutor schedules a recurring lesson; every occurrence is created as a lesson row.

    Repeats every `interval_weeks` weeks on `weekdays` (0 = Monday) from `first_date` at
    the local `start_time` in `timezone_name` (default: the tutor's timezone), until a
    date or for `count` lessons. All occurrences are checked for overlaps first: one
    conflict refuses the whole series (SlotTaken naming it) and nothing is created. The
    students are notified once for the series.
    """
    now = now or timezone.now()
    if not (by.is_authenticated and by.pk == tutor.pk and tutor.role == Role.TUTOR):
        raise PermissionDenied(_("Only the tutor schedules their own lessons."))
    series = LessonSeries(
        tutor=tutor,
        student=student,
        classroom=classroom,
        subject=subject,
        course=course,
        weekdays=sorted({int(d) for d in weekdays or []}),
        interval_weeks=interval_weeks,
        first_date=first_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        timezone=timezone_name or tutor.timezone or "UTC",
        until=until,
        count=count,
        is_online=is_online,
        location=(location or "").strip(),
        created_by=by,
    )
    _validate_series(series)
    slots = occurrences(series)
    if not slots:
        raise ValidationError(_("This series has no lessons."), code="empty")
    if slots[0][0] < now:
        raise ValidationError({"first_date": _("A series cannot start in the past.")}, code="past")
    participant_ids = lesson_services.participant_ids_for(tutor, student, classroom)
    lesson_services.check_course(tutor, course)

    def refused():
        for start, end in slots:
            found = list(conflicts_for(tutor, participant_ids, start, end)[:1])
            if found:
                return SlotTaken(found, viewer=by)
        return SlotTaken(viewer=by)

    with guard_overlaps(refused):
        for start, end in slots:
            lesson_services.raise_if_taken(tutor, participant_ids, start, end, viewer=by)
        series.save()
        created = [
            lesson_services.insert_lesson(
                by=by,
                tutor=tutor,
                start=start,
                end=end,
                student=student,
                classroom=classroom,
                status=Status.SCHEDULED,
                participant_ids=participant_ids,
                subject=subject,
                course=course,
                series=series,
                is_online=is_online,
                location=location,
            )
            for start, end in slots
        ]
        first = created[0]
        lesson_services.notify_each(
            lesson_services.lesson_students(first),
            Notification.Kind.LESSON_SCHEDULED,
            first,
            lambda u: (
                ngettext(
                    "%(tutor)s scheduled %(count)s lesson with you, from %(when)s.",
                    "%(tutor)s scheduled %(count)s lessons with you, from %(when)s.",
                    len(created),
                )
                % {
                    "tutor": tutor.display_name,
                    "count": len(created),
                    "when": lesson_services.when_for(first, u),
                }
            ),
        )
    return series


def _targets(lesson: ScheduledLesson, scope: str, now: datetime) -> list[ScheduledLesson]:
    if scope == "this" or lesson.series_id is None:
        return [lesson]
    rows = ScheduledLesson.objects.filter(
        series_id=lesson.series_id, status=Status.SCHEDULED, start__gt=now
    )
    if scope == "following":
        rows = rows.filter(start__gte=lesson.start)
    return list(rows.select_for_update().order_by("start"))


def series_edit(
    *,
    by: User,
    lesson: ScheduledLesson,
    scope: str,
    reason: str = "",
    now: datetime | None = None,
    **fields,
) -> list[ScheduledLesson]:
    """Edit one occurrence ("this"), it and the later ones ("following") or every future
    one ("all") of a series; returns the lessons changed.

    `fields` are those of lesson_update, given for `lesson`. For several occurrences a new
    start/end is applied as a change of local time of day, of weekday shift and of
    duration, computed in the series' timezone (so DST is respected); the other fields
    are copied. Only scheduled occurrences that have not started change. "following"
    splits the series: the old one ends the day before, a new one carries the rest.
    Overlaps are checked for every moved occurrence (SlotTaken; nothing changes).
    """
    now = now or timezone.now()
    if scope not in SCOPES:
        raise ValidationError(_("Choose this lesson, this and following, or all."))
    if scope == "this" or lesson.series_id is None:
        return [
            lesson_services.lesson_update(by=by, lesson=lesson, reason=reason, now=now, **fields)
        ]
    unknown = set(fields) - set(lesson_services.EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    if not can_manage_lesson(by, lesson):
        raise PermissionDenied(_("Only the lesson's tutor can change it."))
    if fields.get("course") is not None:
        lesson_services.check_course(lesson.tutor, fields["course"])
    series = lesson.series
    zone = zoneinfo.ZoneInfo(series.timezone)
    old_local = lesson.start.astimezone(zone)
    new_start = fields.pop("start", lesson.start)
    new_end = fields.pop("end", None) or (new_start + (lesson.end - lesson.start))
    lesson_services.check_times(new_start, new_end)
    new_local = new_start.astimezone(zone)
    day_shift = new_local.date() - old_local.date()
    duration = new_end - new_start
    moved = new_start != lesson.start or new_end != lesson.end
    changed: list[ScheduledLesson] = []

    with guard_overlaps(lambda: SlotTaken(viewer=by)):
        targets = _targets(lesson, scope, now)
        if lesson.pk not in {t.pk for t in targets}:
            raise ValidationError(
                _("Only scheduled lessons that have not started can be changed."),
                code="conflict",
            )
        plan = []
        for target in targets:
            if moved:
                local_date = target.start.astimezone(zone).date() + day_shift
                start = local_to_utc(local_date, new_local.time(), zone)
                end = start + duration
            else:
                start, end = target.start, target.end
            plan.append((target, start, end))
        ids = [t.pk for t in targets]
        # The other lessons are checked below; the moved ones must not overlap each other.
        ordered = sorted((start, end) for _target, start, end in plan)
        for (_start, previous_end), (next_start, _end) in zip(ordered, ordered[1:], strict=False):
            if next_start < previous_end:
                raise SlotTaken(viewer=by, message=_("The moved lessons would overlap each other."))
        for target, start, end in plan:
            if start < now:
                raise ValidationError(
                    {"start": _("A lesson cannot be moved into the past.")}, code="past"
                )
            students = list(target.participants.values_list("student_id", flat=True))
            lesson_services.raise_if_taken(
                target.tutor, students, start, end, exclude=ids, viewer=by
            )
        # Free every target's slot first, so that occurrences moving onto each other's
        # old times do not trip the database constraint halfway through.
        if moved:
            ScheduledLesson.objects.filter(pk__in=ids).update(status=Status.CANCELLED_TUTOR)
            for target in targets:
                target.participants.update(blocking=False)
        for target, start, end in plan:
            changes = {}
            if moved:
                if target.start != start:
                    changes["start"] = [
                        lesson_services.history_value(target.start),
                        lesson_services.history_value(start),
                    ]
                if target.end != end:
                    changes["end"] = [
                        lesson_services.history_value(target.end),
                        lesson_services.history_value(end),
                    ]
                if changes:
                    new_price = (
                        target.price
                        * Decimal((end - start).total_seconds())
                        / Decimal((target.end - target.start).total_seconds())
                    ).quantize(lesson_services.CENT, ROUND_HALF_UP)
                    if new_price != target.price:
                        changes["price"] = [str(target.price), str(new_price)]
                        target.price = new_price
                target.start, target.end = start, end
            for name, value in fields.items():
                if getattr(target, name) != value:
                    changes[name] = lesson_services.history_change(
                        name, getattr(target, name), value
                    )
                    setattr(target, name, value)
            target.status = Status.SCHEDULED
            if target.is_online and not target.meeting_url:
                target.meeting_url = lesson_services.meeting_url_for(target.tutor)
            target.location = (target.location or "").strip()
            target.full_clean(
                exclude=["tutor", "student", "classroom", "subject", "course", "series"]
            )
            target.save()
            lesson_services.sync_participants(target)
            if changes:
                if moved:
                    reminders_plan(target, now=now)
                lesson_services.record(target, by, LessonChange.Action.EDITED, changes, reason)
                changed.append(target)
        _update_series(series, lesson, scope, new_local, duration, fields, by, moved)
        if changed:
            first = changed[0]
            lesson_services.notify_each(
                lesson_services.lesson_students(first),
                Notification.Kind.LESSON_CHANGED,
                first,
                lambda u: (
                    ngettext(
                        "%(tutor)s changed %(count)s lesson, from %(when)s.",
                        "%(tutor)s changed %(count)s lessons, from %(when)s.",
                        len(changed),
                    )
                    % {
                        "tutor": first.tutor.display_name,
                        "count": len(changed),
                        "when": lesson_services.when_for(first, u),
                    }
                ),
            )
    return changed


def _update_series(series, lesson, scope, new_local, duration, fields, by, moved) -> None:
    """Keep the series row describing its future lessons (split it for "following")."""
    copied = {
        k: v for k, v in fields.items() if k in ("subject", "course", "is_online", "location")
    }
    minutes = int(duration.total_seconds() // 60)
    if scope == "all":
        if moved:
            series.start_time = new_local.time().replace(tzinfo=None)
            series.duration_minutes = minutes
        for name, value in copied.items():
            setattr(series, name, value)
        series.save()
        return
    zone = zoneinfo.ZoneInfo(series.timezone)
    split_date = lesson.start.astimezone(zone).date() if not moved else new_local.date()
    later = list(
        ScheduledLesson.objects.filter(series=series, start__gte=lesson.start).order_by("-start")
    )
    last_date = later[0].start.astimezone(zone).date() if later else split_date
    old_until = series.until
    series.until = min(split_date, lesson.start.astimezone(zone).date()) - timedelta(days=1)
    series.count = None
    if series.until < series.first_date:
        series.until = series.first_date
    series.save()
    new_series = LessonSeries.objects.create(
        tutor=series.tutor,
        student=series.student,
        classroom=series.classroom,
        subject=copied.get("subject", series.subject),
        course=copied.get("course", series.course),
        weekdays=series.weekdays,
        interval_weeks=series.interval_weeks,
        first_date=split_date,
        start_time=new_local.time().replace(tzinfo=None) if moved else series.start_time,
        duration_minutes=minutes if moved else series.duration_minutes,
        timezone=series.timezone,
        until=max(last_date, old_until or last_date),
        count=None,
        is_online=copied.get("is_online", series.is_online),
        location=copied.get("location", series.location),
        skipped_dates=[d for d in series.skipped_dates if d >= split_date.isoformat()],
        created_by=by,
    )
    ScheduledLesson.objects.filter(series=series, start__gte=lesson.start).update(series=new_series)


def occurrence_skip(
    *, by: User, lesson: ScheduledLesson, reason: str = "", now: datetime | None = None
) -> ScheduledLesson:
    """Skip one date of a series: the occurrence is cancelled by the tutor (never chargeable),
    the date is remembered on the series and the students are notified."""
    now = now or timezone.now()
    if not can_manage_lesson(by, lesson):
        raise PermissionDenied(_("Only the lesson's tutor can skip a date."))
    if lesson.series_id is None:
        raise ValidationError(_("This lesson is not part of a series."), code="invalid")
    with guard_overlaps(lambda: SlotTaken()):
        current = lesson_services.locked(lesson)
        if current.status != Status.SCHEDULED or current.has_started(now):
            raise ValidationError(
                _("Only a scheduled lesson that has not started can be skipped."),
                code="conflict",
            )
        series = LessonSeries.objects.select_for_update().get(pk=current.series_id)
        day = current.start.astimezone(zoneinfo.ZoneInfo(series.timezone)).date().isoformat()
        if day not in series.skipped_dates:
            series.skipped_dates = sorted([*series.skipped_dates, day])
            series.save(update_fields=["skipped_dates"])
        changes = {"status": [current.status, Status.CANCELLED_TUTOR]}
        current.status = Status.CANCELLED_TUTOR
        current.chargeable = False
        current.cancelled_at = now
        current.cancelled_by = by
        current.cancel_reason = reason or ""
        current.save()
        lesson_services.sync_participants(current)
        reminders_plan(current, now=now)
        lesson_services.record(current, by, LessonChange.Action.SKIPPED, changes, reason)
        lesson_services.notify_each(
            lesson_services.lesson_students(current),
            Notification.Kind.LESSON_CANCELLED,
            current,
            lambda u: (
                _("%(tutor)s cancelled the lesson of %(when)s.")
                % {
                    "tutor": current.tutor.display_name,
                    "when": lesson_services.when_for(current, u),
                }
            ),
        )
    return current

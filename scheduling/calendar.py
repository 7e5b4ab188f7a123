"""Calendar grids: the days of a week or a month in the viewer's time zone, with lessons.

Everything here is plain Python over lessons that were already fetched (one query by the
selector), so a week with a hundred lessons costs what a week with five does.

Days are built with `zoneinfo` from the viewer's time zone: a day's bounds are its local
midnights converted to UTC, so the Sunday on which clocks go back is 25 hours long and the
one on which they go forward 23, and every lesson is shown at its own local time (its
UTC start converted with the zone's rules for that instant, not for "today").
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

UTC = dt.UTC

#: Colours for the children of a parent (and for tutors in a manager's view): enough
#: for a family, each readable with dark text; the legend names them.
PALETTE = ("c0", "c1", "c2", "c3", "c4", "c5")

WEEK = "week"
MONTH = "month"


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The ZoneInfo for an IANA name; UTC for an empty or unknown one."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The aware instant a local day starts, in UTC (correct across a DST change)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(UTC)


def combine_local(day: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime | None:
    """A local date and wall-clock time as an aware UTC instant.

    None when the wall-clock time does not exist that day (the hour skipped when clocks
    go forward): converting there and back does not give the same local time.
    For an ambiguous time (the hour repeated when clocks go back) the first occurrence
    is taken (fold=0).
    """
    local = dt.datetime.combine(day, time, tzinfo=tz)
    instant = local.astimezone(UTC)
    back = instant.astimezone(tz)
    if (back.date(), back.time().replace(tzinfo=None)) != (day, time.replace(tzinfo=None)):
        return None
    return instant


#: The years the calendar pages and the API accept: far enough, and far from date overflow.
MIN_YEAR = 1970
MAX_YEAR = 2100


def year_in_range(day: dt.date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def parse_day(value: str | None, default: dt.date) -> dt.date:
    """A `YYYY-MM-DD` query parameter, or `default` when it is missing, malformed, not a
    real date (2026-02-30) or outside MIN_YEAR..MAX_YEAR (9999-12-31 would overflow)."""
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except (ValueError, OverflowError):
        return default
    return day if year_in_range(day) else default


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + (day.month - 1) + months
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """The days a calendar page shows, their UTC bounds, and where prev/next/today go."""

    view: str
    anchor: dt.date
    days: tuple[dt.date, ...]
    start: dt.datetime  # UTC, the first day's local midnight
    end: dt.datetime  # UTC, the local midnight after the last day
    previous: dt.date
    next: dt.date
    month_first: dt.date | None = None

    @property
    def first(self) -> dt.date:
        return self.days[0]

    @property
    def last(self) -> dt.date:
        return self.days[-1]


def week_period(day: dt.date, tz: dt.tzinfo) -> Period:
    """The ISO week (Monday–Sunday) holding `day`, bounded by local midnights."""
    monday = week_start(day)
    days = tuple(monday + dt.timedelta(days=i) for i in range(7))
    return Period(
        view=WEEK,
        anchor=day,
        days=days,
        start=local_midnight(days[0], tz),
        end=local_midnight(days[-1] + dt.timedelta(days=1), tz),
        previous=monday - dt.timedelta(days=7),
        next=monday + dt.timedelta(days=7),
    )


def month_period(day: dt.date, tz: dt.tzinfo) -> Period:
    """The month holding `day`, padded to whole weeks (Monday–Sunday) as a grid shows it."""
    first = day.replace(day=1)
    following = _add_months(first, 1)
    grid_start = week_start(first)
    last = following - dt.timedelta(days=1)
    grid_end = week_start(last) + dt.timedelta(days=6)
    days = tuple(grid_start + dt.timedelta(days=i) for i in range((grid_end - grid_start).days + 1))
    return Period(
        view=MONTH,
        anchor=day,
        days=days,
        start=local_midnight(days[0], tz),
        end=local_midnight(days[-1] + dt.timedelta(days=1), tz),
        previous=_add_months(first, -1),
        next=following,
        month_first=first,
    )


def period_for(view: str, day: dt.date, tz: dt.tzinfo) -> Period:
    return month_period(day, tz) if view == MONTH else week_period(day, tz)


@dataclass
class Entry:
    """One lesson as a calendar shows it: local times, colour, conflict flag."""

    lesson: object
    local_start: dt.datetime
    local_end: dt.datetime
    colour: str = ""
    who: str = ""
    conflicts: list = field(default_factory=list)

    @property
    def has_conflict(self) -> bool:
        return bool(self.conflicts)

    @property
    def crosses_midnight(self) -> bool:
        return self.local_end.date() != self.local_start.date()


@dataclass
class Day:
    date: dt.date
    is_today: bool
    in_month: bool
    entries: list[Entry] = field(default_factory=list)


def _blocking(lesson) -> bool:
    return bool(getattr(lesson, "is_blocking", True))


def _people(lesson) -> set:
    """Who a lesson occupies, as ('tutor', id) / ('student', id) keys."""
    keys = {("tutor", lesson.tutor_id)}
    if getattr(lesson, "student_id", None):
        keys.add(("student", lesson.student_id))
    for student_id in getattr(lesson, "participant_ids", ()) or ():
        keys.add(("student", student_id))
    return keys


def find_conflicts(entries: list[Entry]) -> None:
    """Flag entries whose blocking lessons overlap another one of the same tutor or student.

    A sweep over the entries sorted by start: each entry is compared only with the ones
    still running when it starts, so a normal week costs next to nothing.
    """
    active: list[Entry] = []
    for entry in sorted(entries, key=lambda e: (e.lesson.start, e.lesson.end)):
        if not _blocking(entry.lesson):
            continue
        active = [other for other in active if other.lesson.end > entry.lesson.start]
        mine = _people(entry.lesson)
        for other in active:
            if mine & _people(other.lesson):
                entry.conflicts.append(other.lesson)
                other.conflicts.append(entry.lesson)
        active.append(entry)


def build_days(
    period: Period,
    lessons,
    tz: dt.tzinfo,
    today: dt.date,
    colour_of=None,
    who_of=None,
) -> list[Day]:
    """The period's days, each with its lessons (by local start date) in start order.

    `colour_of(lesson)` and `who_of(lesson)` give a lesson's colour class and the name the
    legend shows (a parent's child, a manager's tutor); both optional.
    """
    by_date: dict[dt.date, list[Entry]] = defaultdict(list)
    entries = []
    for lesson in lessons:
        entry = Entry(
            lesson=lesson,
            local_start=lesson.start.astimezone(tz),
            local_end=lesson.end.astimezone(tz),
            colour=colour_of(lesson) if colour_of else "",
            who=who_of(lesson) if who_of else "",
        )
        entries.append(entry)
        by_date[entry.local_start.date()].append(entry)
    find_conflicts(entries)
    month = period.month_first.month if period.month_first else None
    days = []
    for day in period.days:
        day_entries = sorted(by_date.get(day, []), key=lambda e: e.local_start)
        days.append(
            Day(
                date=day,
                is_today=day == today,
                in_month=month is None or day.month == month,
                entries=day_entries,
            )
        )
    return days


def weeks_of(days: list[Day]) -> list[list[Day]]:
    """Days in rows of seven, for a month grid."""
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def colour_map(keys) -> dict:
    """A stable colour class for each key (child or tutor id), in the order given."""
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}

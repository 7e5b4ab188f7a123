"""Progress over time as a small server-rendered SVG chart (no chart library, no CDN).

`progress_chart` turns the dates a student completed a course's items into a step line of
"percent of the course done" from the day they enrolled to today; the template
`courses/includes/progress_chart.html` draws it. Everything here is plain arithmetic on
dates, so it is cheap to test and needs no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

#: Drawing area in SVG user units; the SVG scales to its container's width.
WIDTH = 300
HEIGHT = 90
#: Room at the left for the 0/50/100 labels and at the bottom for the dates.
PAD_LEFT = 28
PAD_BOTTOM = 16
PAD_TOP = 6
PAD_RIGHT = 6
#: More days than this are drawn one point per week, so a line never has hundreds of points.
DAILY_LIMIT = 90


@dataclass(frozen=True)
class ProgressChart:
    """What the template needs: the polyline, the axis labels and a text summary."""

    points: str  # "x,y x,y …" for <polyline points="…">
    area: str  # the same line closed along the bottom, for a light fill
    start: date
    end: date
    percent: int
    completed: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PAD_LEFT
    right: int = WIDTH - PAD_RIGHT
    top: int = PAD_TOP
    bottom: int = HEIGHT - PAD_BOTTOM

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _sample_days(start: date, end: date) -> list[date]:
    span = (end - start).days
    step = 1 if span <= DAILY_LIMIT else 7
    days = [start + timedelta(days=offset) for offset in range(0, span + 1, step)]
    if days[-1] != end:
        days.append(end)
    return days


def progress_chart(
    *, start: date, completions: Iterable[date], total: int, today: date
) -> ProgressChart:
    """The step line of the share of `total` items completed on each day since `start`.

    Completions before `start` (an item done before a re-enrolment) count from the first
    day; completions after `today` cannot happen and are ignored. With no items the line
    stays at zero.
    """
    end = max(today, start)
    done = sorted(day for day in completions if day <= end)
    days = _sample_days(start, end)
    span = max((end - start).days, 1)
    x_size = WIDTH - PAD_RIGHT - PAD_LEFT
    y_bottom = HEIGHT - PAD_BOTTOM
    y_size = y_bottom - PAD_TOP

    coordinates = []
    index = 0
    for day in days:
        while index < len(done) and done[index] <= day:
            index += 1
        share = min(index / total, 1.0) if total else 0.0
        x = PAD_LEFT + x_size * (day - start).days / span
        y = y_bottom - y_size * share
        coordinates.append((round(x, 1), round(y, 1)))
    if len(coordinates) == 1:  # enrolled today: a flat line across the chart
        coordinates.append((float(WIDTH - PAD_RIGHT), coordinates[0][1]))

    line = " ".join(f"{x},{y}" for x, y in coordinates)
    area = f"{coordinates[0][0]},{y_bottom} {line} {coordinates[-1][0]},{y_bottom}"
    completed = min(len(done), total) if total else 0
    return ProgressChart(
        points=line,
        area=area,
        start=start,
        end=end,
        percent=round(100 * completed / total) if total else 0,
        completed=completed,
        total=total,
    )


def attach_progress_charts(enrollments, *, today: date | None = None) -> None:
    """Set `progress_chart` on each enrolment (annotated by `progress_enrollments` with
    `items_total`), from one query of completion times, in the active time zone's days."""
    from django.utils import timezone

    from .selectors import completion_times

    enrollments = list(enrollments)
    grouped: dict[tuple[int, object], list[date]] = defaultdict(list)
    for student_id, course_key, completed_at in completion_times(enrollments=enrollments):
        grouped[(student_id, course_key)].append(timezone.localdate(completed_at))
    today = today or timezone.localdate()
    for enrollment in enrollments:
        enrollment.progress_chart = progress_chart(
            start=timezone.localdate(enrollment.created_at),
            completions=grouped[(enrollment.student_id, enrollment.course_translation_key)],
            total=enrollment.items_total,
            today=today,
        )

"""One timeline per student, joining what the apps built on `people` know about them.

Each app registers a source in its own `timeline` module, imported the first time a
timeline is built:

    register_source("courses", course_events)

A source is `fn(student_ids: list[int], limit: int) -> list[TimelineEvent]`: the newest
`limit` events of each of those students at most, in a fixed number of queries however
many students or events there are. `timeline_for` merges the sources, newest first.

Parents see their children's timelines (dashboard and the child's page); staff see any
student's. A source returns everything about the student; callers decide who may look.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class TimelineEvent:
    student_id: int
    at: datetime
    kind: str  # progress, grade, assignment, lesson, invoice, help, reward: a CSS hook
    text: str  # rendered in the active language by the source
    link: str = ""
    upcoming: bool = False  # a future lesson or due date, shown apart from the past


Source = Callable[[list[int], int], list[TimelineEvent]]


def newest_per_student(
    queryset: QuerySet,
    *,
    limit: int,
    at: str,
    student: str = "student_id",
    upcoming: bool = False,
) -> QuerySet:
    """`queryset` cut to the first `limit` rows of EACH student, in one query.

    Rows are numbered per student (a ROW_NUMBER() window partitioned by `student`) by the
    time field `at`: newest first, or soonest first for `upcoming` events; the primary
    key breaks ties. A plain `[:limit * n]` would let one busy student fill the whole
    slice and hide a sibling's events. The result is ordered by student, then that order.
    """
    time = F(at).asc() if upcoming else F(at).desc()
    tie = F("pk").asc() if upcoming else F("pk").desc()
    return (
        queryset.annotate(
            timeline_rank=Window(RowNumber(), partition_by=F(student), order_by=[time, tie])
        )
        .filter(timeline_rank__lte=limit)
        .order_by(student, time, tie)
    )


_SOURCES: dict[str, Source] = {}


def register_source(key: str, source: Source) -> None:
    """Add (or replace, by key) a timeline source; called by an app's `timeline` module."""
    _SOURCES[key] = source


_DISCOVERED = False


def discover() -> None:
    """Import every installed app's `timeline` module once, so their sources register."""
    global _DISCOVERED
    if not _DISCOVERED:
        autodiscover_modules("timeline")
        _DISCOVERED = True


def timeline_for(student_ids, *, limit: int = 10) -> dict[int, list[TimelineEvent]]:
    """Each student's newest `limit` events from every source, newest first.

    Upcoming events (a lesson next week) sort before past ones by their time, soonest
    first, so a parent sees what comes next at the top.
    """
    discover()
    student_ids = list(student_ids)
    merged: dict[int, list[TimelineEvent]] = defaultdict(list)
    if not student_ids:
        return merged
    for key in sorted(_SOURCES):
        for event in _SOURCES[key](student_ids, limit):
            merged[event.student_id].append(event)
    for student_id, events in merged.items():
        upcoming = sorted((e for e in events if e.upcoming), key=lambda e: e.at)
        past = sorted((e for e in events if not e.upcoming), key=lambda e: e.at, reverse=True)
        merged[student_id] = upcoming[:limit] + past[:limit]
    return merged

"""Scheduling on the dashboards: the next lessons, and the tutor's lessons to mark."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from people.dashboard import Panel, head, register
from people.roles import Role

from .models import ScheduledLesson
from .selectors import booking_requests_for, lessons_for, unmarked_lessons, upcoming_lessons


def next_lessons_panel(user) -> dict:
    data = {"upcoming": head(upcoming_lessons(user), size=5)}
    if user.role == Role.TUTOR:
        data["unmarked"] = head(unmarked_lessons(user), size=5)
        data["requested"] = head(booking_requests_for(user), size=5)
    return data


def todays_lessons_panel(user) -> dict:
    """Managers and admins: the school's lessons today (in the viewer's timezone)."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = datetime.combine(today, time.min, tzinfo=zone)
    lessons = lessons_for(user, start, start + timedelta(days=1)).exclude(
        status__in=ScheduledLesson.CANCELLED_STATUSES
    )
    return {"today": head(lessons, size=10), "count": lessons.count()}


register(
    Panel(
        key="scheduling.todays_lessons",
        roles=frozenset({Role.MANAGER, Role.ADMIN}),
        template="scheduling/dashboard/today.html",
        build=todays_lessons_panel,
        order=15,
    )
)
register(
    Panel(
        key="scheduling.next_lessons",
        roles=frozenset({Role.STUDENT, Role.PARENT, Role.TUTOR}),
        template="scheduling/dashboard/next_lessons.html",
        build=next_lessons_panel,
        order=5,
    )
)

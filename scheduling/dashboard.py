"""Scheduling on the dashboards: the next lessons, and the tutor's lessons to mark."""

from __future__ import annotations

from people.dashboard import Panel, head, register
from people.roles import Role

from .models import ScheduledLesson
from .selectors import unmarked_lessons, upcoming_lessons


def next_lessons_panel(user) -> dict:
    data = {"upcoming": head(upcoming_lessons(user), size=5)}
    if user.role == Role.TUTOR:
        data["unmarked"] = head(unmarked_lessons(user), size=5)
        data["requested"] = head(
            upcoming_lessons(user).filter(status=ScheduledLesson.Status.REQUESTED), size=5
        )
    return data


register(
    Panel(
        key="scheduling.next_lessons",
        roles=frozenset({Role.STUDENT, Role.PARENT, Role.TUTOR}),
        template="scheduling/dashboard/next_lessons.html",
        build=next_lessons_panel,
        order=5,
    )
)

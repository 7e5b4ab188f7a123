"""The gradebook on the student's dashboard: the latest grades."""

from __future__ import annotations

from people.dashboard import Panel, register
from people.roles import Role

from .selectors import recent_grades_for


def recent_grades_panel(user) -> dict:
    return {"grades": recent_grades_for(user, limit=5)}


register(
    Panel(
        key="gradebook.recent",
        roles=frozenset({Role.STUDENT}),
        template="gradebook/dashboard/recent.html",
        build=recent_grades_panel,
        order=40,
    )
)

"""Help requests on the dashboards: new ones for staff, the tutor's to answer, the
family's open ones."""

from __future__ import annotations

from people.dashboard import Panel, head, register
from people.roles import Role

from .selectors import (
    new_requests_for_staff,
    requests_awaiting_answer,
    requests_for_family,
    requests_for_tutor,
)


def staff_panel(user) -> dict:
    new = new_requests_for_staff()
    return {"count": new.count(), "requests": head(new, size=5), "mode": "staff"}


def tutor_panel(user) -> dict:
    return {
        "awaiting": head(requests_awaiting_answer(user), size=5),
        "requests": head(requests_for_tutor(user), size=5),
        "mode": "tutor",
    }


def family_panel(user) -> dict:
    return {"requests": head(requests_for_family(user), size=5), "mode": "family"}


register(
    Panel(
        key="helprequests.staff",
        roles=frozenset({Role.MANAGER, Role.ADMIN}),
        template="helprequests/dashboard/panel.html",
        build=staff_panel,
        order=10,
    )
)
register(
    Panel(
        key="helprequests.tutor",
        roles=frozenset({Role.TUTOR}),
        template="helprequests/dashboard/panel.html",
        build=tutor_panel,
        order=15,
    )
)
register(
    Panel(
        key="helprequests.family",
        roles=frozenset({Role.STUDENT, Role.PARENT}),
        template="helprequests/dashboard/panel.html",
        build=family_panel,
        order=60,
    )
)

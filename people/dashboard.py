"""Panels other apps add to the dashboards, so `people` does not import the apps built on it.

An app registers its panels in its own `dashboard` module, which is imported the first
time a dashboard is built (like Django's admin modules):

    register(Panel(key="courses.progress", roles=frozenset({Role.STUDENT}), order=30,
                   template="courses/dashboard/progress.html", build=progress_panel))

`build(user)` returns the panel's template context, or None to leave the panel out (an
empty, friendly state is better than None where the viewer would expect the panel). Each
builder must run a fixed number of queries whatever the amount of data: show the head of
a list (`head()`) and link to the full page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

#: How many rows each dashboard list shows before "see all".
DASHBOARD_LIST_SIZE = 10


def head(queryset, size: int = DASHBOARD_LIST_SIZE) -> dict:
    """The first `size` rows and whether there are more, in one query (no COUNT)."""
    rows = list(queryset[: size + 1])
    return {"rows": rows[:size], "more": len(rows) > size}


@dataclass(frozen=True, kw_only=True)
class Panel:
    key: str
    roles: frozenset[str]
    template: str
    build: Callable[..., dict | None]
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace, by key) a panel; called by an app's `dashboard` module."""
    _PANELS[panel.key] = panel


def discover() -> None:
    """Import every installed app's `dashboard` module once, so their panels register."""
    global _DISCOVERED
    if not _DISCOVERED:
        autodiscover_modules("dashboard")
        _DISCOVERED = True


_DISCOVERED = False


def panels_for(user) -> list[dict]:
    """The panels of `user`'s role in order, each as {"key", "template", "data"}."""
    discover()
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key)):
        if str(user.role) not in panel.roles:
            continue
        data = panel.build(user)
        if data is not None:
            shown.append({"key": panel.key, "template": panel.template, "data": data})
    return shown


def children_timeline_panel(user) -> dict:
    """A parent's children, each with their newest events from every app (people.timeline)."""
    from .models import Guardianship
    from .timeline import timeline_for

    children = [
        guardianship.student
        for guardianship in Guardianship.objects.filter(parent=user)
        .select_related("student")
        .order_by("student__first_name", "student__pk")[:DASHBOARD_LIST_SIZE]
    ]
    events = timeline_for([child.pk for child in children], limit=6)
    return {"children": [(child, events.get(child.pk, [])) for child in children]}


def _register_panels() -> None:
    from .roles import Role

    register(
        Panel(
            key="people.children_timeline",
            roles=frozenset({Role.PARENT}),
            template="people/dashboard/timeline.html",
            build=children_timeline_panel,
            order=10,
        )
    )


_register_panels()

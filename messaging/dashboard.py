"""Messaging's panel on the dashboards: the newest unread notifications."""

from __future__ import annotations

from people.dashboard import Panel, head, register
from people.roles import Role

from .selectors import notifications_for


def unread_panel(user) -> dict:
    """The newest unread notifications (the count is the header badge's, already shown)."""
    return {"unread": head(notifications_for(user).filter(read_at__isnull=True), size=5)}


register(
    Panel(
        key="messaging.unread",
        roles=frozenset({Role.STUDENT, Role.PARENT, Role.TUTOR}),
        template="messaging/dashboard/unread.html",
        build=unread_panel,
        order=90,
    )
)

"""Rewards on the dashboards: a student's points and coins, a parent's children's."""

from __future__ import annotations

from people.dashboard import Panel, register
from people.roles import Role

from .selectors import balances_for, children_with_balances


def student_panel(user) -> dict:
    return {"balances": balances_for(user)}


def parent_panel(user) -> dict:
    return {"children": list(children_with_balances(user)[:10])}


register(
    Panel(
        key="rewards.student",
        roles=frozenset({Role.STUDENT}),
        template="rewards/dashboard/panel.html",
        build=student_panel,
        order=70,
    )
)
register(
    Panel(
        key="rewards.parent",
        roles=frozenset({Role.PARENT}),
        template="rewards/dashboard/panel.html",
        build=parent_panel,
        order=70,
    )
)

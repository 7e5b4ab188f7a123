"""Assignments on the dashboards: what a student has due, what a tutor has to grade."""

from __future__ import annotations

from people.dashboard import Panel, head, register
from people.roles import Role

from .selectors import assignments_due_soon, assignments_overdue, grading_queue


def student_work_panel(user) -> dict:
    return {
        "due_soon": assignments_due_soon(student=user, days=7, limit=5),
        "overdue": assignments_overdue(student=user, limit=5),
    }


def tutor_grading_panel(user) -> dict:
    return {"queue": head(grading_queue(tutor=user), size=5)}


register(
    Panel(
        key="assignments.student_work",
        roles=frozenset({Role.STUDENT}),
        template="assignments/dashboard/student.html",
        build=student_work_panel,
        order=20,
    )
)
register(
    Panel(
        key="assignments.tutor_grading",
        roles=frozenset({Role.TUTOR}),
        template="assignments/dashboard/tutor.html",
        build=tutor_grading_panel,
        order=10,
    )
)

"""Every role's dashboard runs the same number of queries with more data in every app.

The demo school (`seed_demo`) gives each dashboard realistic content; then each app gets
several times more rows for the same people (lessons, assignments and hand-ins, grades,
help requests, ledger entries, lesson completions) and each dashboard is measured again.
The figures are printed for the closing notes (`pytest -s`).
"""

from __future__ import annotations

import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.assignments.demo import demo_pages
from courses.assignments.services import assignment_create, submission_grade, submission_submit
from courses.helprequests.models import HelpRequest
from courses.helprequests.services import help_request_create
from courses.rewards.services import points_award
from people import demo
from people.models import Guardianship, Subject, TutorStudent, User
from people.roles import Role
from scheduling.services.lessons import lesson_create

DASHBOARD = reverse("people:dashboard")
ROLES = ("student", "parent", "tutor", "manager", "admin")


def _queries(client) -> int:
    client.get(DASHBOARD)  # warm per-process caches (site root, locales)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(queries)


def _actors() -> dict[str, User]:
    parent = User.objects.filter(email__endswith=demo.DEMO_DOMAIN, role=Role.PARENT).first()
    child = Guardianship.objects.filter(parent=parent).first().student
    tutor = TutorStudent.objects.filter(student=child, status=TutorStudent.Status.ACTIVE)
    return {
        "student": child,
        "parent": parent,
        "tutor": tutor.first().tutor,
        "manager": User.objects.get(email=demo.MANAGER.email),
        "admin": User.objects.get(email=demo.ADMIN.email),
    }


def _grow(actors: dict[str, User], times: int) -> None:
    """`times` more of everything the dashboards show, for the same people."""
    tutor, student = actors["tutor"], actors["student"]
    now = timezone.now()
    pages = demo_pages(tutor)
    subject = Subject.objects.first()
    for n in range(times):
        start = (now + timedelta(days=40 + n)).replace(hour=9, minute=0, second=0, microsecond=0)
        lesson_create(
            by=tutor, tutor=tutor, student=student, start=start, end=start + timedelta(hours=1)
        )
        work = assignment_create(
            by=tutor,
            student=student,
            page=pages[n % len(pages)],
            due_at=now + timedelta(days=2, hours=n),
            max_points=Decimal("10"),
            quiz_only=False,
        )
        graded = assignment_create(
            by=tutor,
            student=student,
            page=pages[n % len(pages)],
            due_at=now + timedelta(days=3, hours=n),
            max_points=Decimal("10"),
            quiz_only=False,
        )
        submission_submit(by=student, assignment=graded, text="Done.")
        submission_grade(by=tutor, submission=graded.submission, points=Decimal("7"))
        submission_submit(by=student, assignment=work, text="Handed in.")
        help_request_create(
            by=student,
            student=student,
            kind=HelpRequest.Kind.HOMEWORK,
            subject=subject,
            title=f"Question {n}",
            description="Please explain.",
            deadline=now + timedelta(days=5),
        )
        points_award(student=student, amount=5, reason="adjustment", idempotency_key=f"grow-{n}")


@pytest.mark.django_db
def test_dashboards_do_not_grow_with_the_data(client, capsys):
    demo.demo_seed()
    actors = _actors()
    before = {}
    for role in ROLES:
        client.force_login(actors[role])
        before[role] = _queries(client)
    _grow(actors, times=8)
    after = {}
    for role in ROLES:
        client.force_login(actors[role])
        after[role] = _queries(client)
    with capsys.disabled():
        sys.stdout.write("\ndashboard queries, demo school → with 8× more of each kind of row:\n")
        for role in ROLES:
            sys.stdout.write(f"  {role:8} {before[role]:3} → {after[role]:3}\n")
    assert after == before

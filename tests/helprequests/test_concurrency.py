"""State changes under concurrency (PostgreSQL): the row lock lets exactly one step win.

Threads released together by a barrier each take a step on the same request on their own
database connection; `select_for_update` makes the others wait and then see the winner's
state, so they get a conflict and leave nothing behind. SQLite ignores the lock (and
serialises writers anyway), so these run on PostgreSQL only (the CI run).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from wagtail.models import Locale

from courses.helprequests import services
from courses.helprequests.models import HelpRequest, HelpRequestEvent
from tests import factories, threads

ATTEMPTS = 8
pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"
)


def run_together(jobs):
    """Each job in its own thread, all released at once: "ok", the ValidationError's code,
    or the repr of anything else."""
    return [
        r.code if isinstance(r, ValidationError) else repr(r) if isinstance(r, Exception) else "ok"
        for r in threads.run_together(jobs)
    ]


def _assigned_request():
    # The previous test of this module emptied every table, the default locale included.
    Locale.objects.get_or_create(language_code="en")
    student = factories.StudentFactory()
    tutor = factories.TutorFactory()
    manager = factories.ManagerFactory()
    help_request = services.help_request_create(
        by=student,
        student=student,
        kind=HelpRequest.Kind.HOMEWORK,
        subject=factories.SubjectFactory(),
        title="Race",
        description="Two answers at once.",
        deadline=timezone.now() + timedelta(days=1),
    )
    services.help_request_assign(help_request=help_request, by=manager, primary_tutor=tutor)
    return HelpRequest.objects.get(pk=help_request.pk), student, tutor


@pg_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_record_one_step():
    help_request, _student, tutor = _assigned_request()
    results = run_together(
        [
            lambda: services.help_request_accept(help_request=help_request, by=tutor)
            for _ in range(ATTEMPTS)
        ]
    )
    assert results.count("ok") == 1, results
    assert results.count("conflict") == ATTEMPTS - 1, results
    assert HelpRequestEvent.objects.filter(to_status="accepted").count() == 1


@pg_only
@pytest.mark.django_db(transaction=True)
def test_accept_and_cancel_at_once_leave_one_consistent_outcome():
    help_request, student, tutor = _assigned_request()
    jobs = []
    for i in range(ATTEMPTS):
        if i % 2:
            jobs.append(lambda: services.help_request_accept(help_request=help_request, by=tutor))
        else:
            jobs.append(lambda: services.help_request_cancel(help_request=help_request, by=student))
    results = run_together(jobs)
    assert results.count("ok") == 1, results
    assert results.count("conflict") == ATTEMPTS - 1, results
    final = HelpRequest.objects.get(pk=help_request.pk)
    assert final.status in ("accepted", "cancelled")
    last = HelpRequestEvent.objects.filter(request=final).order_by("-pk").first()
    assert last.to_status == final.status
    assert HelpRequestEvent.objects.filter(request=final).count() == 3

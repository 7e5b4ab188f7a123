"""State changes under concurrency (PostgreSQL): the row lock lets exactly one step win.

Threads released together by a barrier each take a step on the same request on their own
database connection; `select_for_update` makes the others wait and then see the winner's
state, so they get a conflict and leave nothing behind. SQLite ignores the lock (and
serialises writers anyway), so these run on PostgreSQL only (the CI run).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from wagtail.models import Locale

from courses.helprequests import services
from courses.helprequests.models import HelpRequest, HelpRequestEvent
from tests import factories

ATTEMPTS = 8
pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"
)


@pytest.fixture(scope="module", autouse=True)
def _keep_migrated_rows(django_db_setup, django_db_blocker):
    """Put back what the data migrations made once this module's tests are done.

    A transactional test ends by emptying every table, the rows the migrations made
    included (Wagtail's locale and root page, the role groups); a reused test database
    would then break the next run. Snapshot before, reload after (as tests/e2e and
    tests/scheduling do). Module scope: torn down after the last test's own flush.
    """
    if connection.vendor != "postgresql":  # the tests below are skipped there
        yield
        return
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(snapshot)
        tables = set(connection.introspection.table_names())
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in tables
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def run_together(jobs):
    """Run each job in its own thread, all released at once; return their outcomes."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            job()
            results[index] = "ok"
        except ValidationError as error:
            results[index] = error.code
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            results[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


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

"""Row locks of the submission services lock the submission row only (PostgreSQL).

`select_for_update()` with `select_related` would lock the joined rows too (the tutor's and
the student's user rows), so a grade would block logins and profile edits; the services
lock with `of=("self",)`. SQLite ignores row locks, so this runs on PostgreSQL only.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from courses.assignments.models import Submission
from courses.assignments.services.common import _lock
from courses.assignments.services.quiz import _count_quiz
from tests.assignments.conftest import give

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _locking_sql(queries) -> list[str]:
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]


def _only_the_submission_is_locked(sql: str) -> None:
    table = Submission._meta.db_table
    assert f'FOR UPDATE OF "{table}"' in sql, sql
    assert sql.rstrip().endswith(f'FOR UPDATE OF "{table}"'), sql


def test_the_services_lock_lock_only_the_submission_row(world):
    assignment = give(world)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _lock(assignment)
    [sql] = _locking_sql(queries.captured_queries)
    assert "JOIN" in sql  # the users are joined, yet not locked
    _only_the_submission_is_locked(sql)


def test_counting_a_quiz_locks_only_the_submission_row(world):
    assignment = give(world)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _count_quiz(assignment.pk, trigger=None)
    _only_the_submission_is_locked(_locking_sql(queries.captured_queries)[0])

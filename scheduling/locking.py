"""Serialising scheduling writers, and turning the database's overlap refusal into SlotTaken.

PostgreSQL: nothing to serialise. The exclusion constraints (migration 0002) are the final
guard: of two transactions inserting overlapping blocking rows, the second waits for the
first and then fails with an exclusion violation (SQLSTATE 23P01), which `guard_overlaps`
turns into SlotTaken after the whole write (lesson, participants, reminders, history,
notifications) has been rolled back.

SQLite: there are no range types, so the services check for overlaps and then insert. That
is correct only if no other writer can commit between the check and the insert. Django
opens SQLite transactions as DEFERRED, so a plain check would run under a shared lock and
two writers could both pass it. `serialise_writers` therefore starts every scheduling
write with an UPDATE of the single SchedulingLock row: the UPDATE takes SQLite's RESERVED
(write) lock at once, which is the effect of BEGIN IMMEDIATE for this transaction only,
without changing the connection's isolation for the rest of the project. Other writers
wait on that lock (the busy timeout) until this transaction commits or rolls back, and
then see its rows in their own check. SQLite has a single writer anyway, so this costs no
parallelism it could have had.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction

EXCLUSION_VIOLATION = "23P01"


def serialise_writers() -> None:
    """Take the scheduling write lock for the current transaction (SQLite only).

    Must run inside `transaction.atomic()`, before the overlap check.
    """
    if connection.vendor != "sqlite":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("serialise_writers() must run inside transaction.atomic().")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE scheduling_schedulinglock SET counter = counter + 1 WHERE id = 1")
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT OR IGNORE INTO scheduling_schedulinglock (id, counter) VALUES (1, 1)"
            )


def is_exclusion_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION or (
        getattr(cause, "pgcode", None) == EXCLUSION_VIOLATION
    )


@contextmanager
def guard_overlaps(on_overlap: Callable[[], Exception]):
    """Run a scheduling write in its own transaction; an exclusion violation → on_overlap().

    `on_overlap` builds the SlotTaken to raise (it runs after the rollback, so it can query
    the winner's now-committed lesson to name it).
    """
    try:
        with transaction.atomic():
            serialise_writers()
            yield
    except IntegrityError as error:
        if is_exclusion_violation(error):
            raise on_overlap() from error
        raise

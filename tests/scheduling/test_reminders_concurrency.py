"""Two (and more) reminder workers at once, on PostgreSQL: each reminder is sent once.

The workers are threads with their own database connections, released together by a
barrier, each running `send_due_reminders` over the same due rows. The conditional
UPDATE … WHERE status = 'pending' lets exactly one claim each row.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from messaging.models import Notification
from scheduling import tasks
from scheduling.models import Reminder
from scheduling.services.lessons import lesson_create
from tests import factories

WORKERS = 6

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]


def test_racing_workers_send_each_reminder_once():
    tutor = factories.ListedTutorFactory()
    students = [factories.StudentFactory() for _ in range(3)]
    t0 = timezone.now()
    # A starts in 3 hours (its hour-before reminder falls due at +2 h), B and C in 30 and 32
    # hours (their day-before reminders fall due at +6 h and +8 h).
    for student, hours in zip(students, (3, 30, 32), strict=True):
        factories.TutorStudentFactory(tutor=tutor, student=student)
        start = t0 + dt.timedelta(hours=hours)
        lesson_create(
            by=tutor, tutor=tutor, student=student, start=start, end=start + dt.timedelta(hours=1)
        )
    later = t0 + dt.timedelta(hours=12)  # the worker was down until now
    barrier = threading.Barrier(WORKERS)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(tasks.send_due_reminders(now=later))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    sent = sum(r.get("sent", 0) for r in results)
    expired = sum(r.get("expired", 0) for r in results)
    # A has started by +12 h: its two reminders expire; B's and C's day-before ones are sent.
    assert (sent, expired) == (4, 2)
    assert Notification.objects.filter(kind=Notification.Kind.LESSON_REMINDER).count() == 4
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=later).exists()

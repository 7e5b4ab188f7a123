"""No double booking under concurrency.

PostgreSQL (the CI run): threads released together by a barrier book the same slot, each
on its own database connection; the exclusion constraints let exactly one win and the
others get SlotTaken / HTTP 409 with nothing left behind. SQLite: the serialised check
(scheduling.locking) makes a second writer wait and then see the first one's lesson.
"""

from __future__ import annotations

import threading
import time as time_module
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from messaging.models import Notification
from scheduling.errors import SlotTaken
from scheduling.models import (
    LessonChange,
    LessonParticipant,
    Reminder,
    ScheduledLesson,
    SchedulePolicy,
)
from scheduling.services import lessons as lesson_services
from scheduling.services.booking import booking_request
from scheduling.services.lessons import lesson_create
from tests import factories, threads
from tests.scheduling.factories import at, linked_student, make_lesson, open_all_week

ATTEMPTS = 24
pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL-only"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite serialisation")
Status = ScheduledLesson.Status


def run_together(jobs):
    """Each job in its own thread, all released at once: the job's result, ("taken",
    message) for a SlotTaken, ("error", repr) for anything else."""
    return [
        ("taken", r.messages[0])
        if isinstance(r, SlotTaken)
        else ("error", repr(r))
        if isinstance(r, Exception)
        else r
        for r in threads.run_together(jobs)
    ]


@pytest.fixture
def busy_tutor(db):
    tutor = factories.TutorFactory()
    open_all_week(tutor)
    SchedulePolicy.objects.create(tutor=tutor, auto_confirm=True)  # winners get reminders
    return tutor


def assert_one_winner(winner_count=1):
    assert ScheduledLesson.objects.count() == winner_count
    lesson = ScheduledLesson.objects.get()
    assert LessonParticipant.objects.count() == 1
    assert LessonParticipant.objects.get().lesson == lesson
    assert LessonChange.objects.count() == 1
    assert Reminder.objects.exclude(lesson=lesson).count() == 0
    assert Reminder.objects.count() == 4  # tutor and student, 24 h and 1 h
    assert Notification.objects.filter(recipient=lesson.tutor).count() == 1
    return lesson


def service_job(tutor, student, start, minutes=60):
    def job():
        lesson = booking_request(
            by=student,
            tutor=tutor,
            student=student,
            start=start,
            end=start + timedelta(minutes=minutes),
        )
        return ("ok", lesson.pk)

    return job


@pg_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_service_bookings_of_one_slot(busy_tutor):
    students = [linked_student(busy_tutor) for _ in range(ATTEMPTS)]
    start = at(3, 10)
    results = run_together([service_job(busy_tutor, s, start) for s in students])
    outcomes = [r[0] for r in results]
    assert outcomes.count("ok") == 1, results
    assert outcomes.count("taken") == ATTEMPTS - 1, results
    lesson = assert_one_winner()
    assert lesson.status == Status.SCHEDULED


@pg_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_service_bookings_of_partly_overlapping_slots(busy_tutor):
    students = [linked_student(busy_tutor) for _ in range(ATTEMPTS)]
    first, second = at(3, 10), at(3, 10, 30)  # 10:00–11:00 and 10:30–11:30
    jobs = [service_job(busy_tutor, s, first if i % 2 else second) for i, s in enumerate(students)]
    results = run_together(jobs)
    outcomes = [r[0] for r in results]
    assert outcomes.count("ok") == 1, results
    assert outcomes.count("taken") == ATTEMPTS - 1, results
    assert_one_winner()


@pg_only
@pytest.mark.django_db(transaction=True)
def test_one_student_booked_with_many_tutors_at_once(db):
    """The participant constraint: the same student, a different tutor in each thread."""
    student = factories.StudentFactory()
    tutors = []
    for _ in range(ATTEMPTS):
        tutor = factories.TutorFactory()
        factories.TutorStudentFactory(tutor=tutor, student=student)
        open_all_week(tutor)
        tutors.append(tutor)
    start = at(3, 10)
    results = run_together([service_job(t, student, start) for t in tutors])
    outcomes = [r[0] for r in results]
    assert outcomes.count("ok") == 1, results
    assert outcomes.count("taken") == ATTEMPTS - 1, results
    assert ScheduledLesson.objects.count() == 1
    assert LessonParticipant.objects.count() == 1


def api_job(user, tutor, start, minutes=60):
    client = Client()
    client.force_login(user)
    body = {
        "tutor": tutor.pk,
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=minutes)).isoformat(),
    }

    def job():
        response = client.post(
            reverse("scheduling:api_lessons_book"),
            body,
            content_type="application/json",
            HTTP_ACCEPT="application/json",
        )
        return (response.status_code, response.json())

    return job


@pg_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_api_bookings_of_one_slot(busy_tutor):
    students = [linked_student(busy_tutor) for _ in range(ATTEMPTS)]
    start = at(3, 10)
    results = run_together([api_job(s, busy_tutor, start) for s in students])
    codes = [r[0] for r in results]
    assert codes.count(201) == 1, results
    assert codes.count(409) == ATTEMPTS - 1, results
    assert all(body["detail"] for code, body in results if code == 409)
    assert_one_winner()


@pg_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_api_bookings_of_partly_overlapping_slots(busy_tutor):
    students = [linked_student(busy_tutor) for _ in range(ATTEMPTS)]
    first, second = at(3, 10), at(3, 10, 30)
    results = run_together(
        [api_job(s, busy_tutor, first if i % 2 else second) for i, s in enumerate(students)]
    )
    codes = [r[0] for r in results]
    assert codes.count(201) == 1, results
    assert codes.count(409) == ATTEMPTS - 1, results
    assert_one_winner()


@pg_only
@pytest.mark.django_db(transaction=True)
def test_exclusion_constraints_reject_raw_inserts(tutor, student):
    blocking = make_lesson(tutor, student, start=at(3, 10))
    overlap = {"start": at(3, 10, 30), "end": at(3, 11, 30)}
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledLesson.objects.create(tutor=tutor, student=student, **overlap)
    other_tutor = factories.TutorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        lesson = ScheduledLesson.objects.create(tutor=other_tutor, student=student, **overlap)
        LessonParticipant.objects.create(lesson=lesson, student=student, **overlap)
    # Cancelled lessons do not hold the slot; adjacent lessons do not overlap.
    ScheduledLesson.objects.create(
        tutor=tutor, student=student, status=Status.CANCELLED_TUTOR, **overlap
    )
    ScheduledLesson.objects.create(
        tutor=tutor, student=student, start=blocking.end, end=blocking.end + timedelta(hours=1)
    )
    assert ScheduledLesson.objects.count() == 3


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_second_writer_waits_and_then_sees_the_overlap(tutor, student, monkeypatch):
    """Writer A pauses after its overlap check, holding the lock; writer B must wait for A
    to commit and then refuse. Without the lock B's check would pass while A is paused."""
    checked, release = threading.Event(), threading.Event()
    real_price_for = lesson_services.price_for

    def paused_price_for(*args, **kwargs):
        if threading.current_thread().name == "writer-a":
            checked.set()
            release.wait(timeout=10)
        return real_price_for(*args, **kwargs)

    monkeypatch.setattr(lesson_services, "price_for", paused_price_for)
    start = at(3, 10)
    results = {}

    def write(name):
        try:
            lesson_create(
                by=tutor, tutor=tutor, student=student, start=start, end=start + timedelta(hours=1)
            )
            results[name] = "ok"
        except SlotTaken:
            results[name] = "taken"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[name] = repr(error)
        finally:
            connection.close()

    writer_a = threading.Thread(target=write, args=("a",), name="writer-a")
    writer_a.start()
    assert checked.wait(timeout=10)
    writer_b = threading.Thread(target=write, args=("b",), name="writer-b")
    writer_b.start()
    time_module.sleep(0.5)  # B is now blocked on the lock, not past its check
    assert "b" not in results
    release.set()
    writer_a.join(timeout=20)
    writer_b.join(timeout=20)
    assert results == {"a": "ok", "b": "taken"}
    assert ScheduledLesson.objects.count() == 1


@pytest.mark.django_db
def test_serialised_check_refuses_an_overlap(tutor, student):
    lesson_create(by=tutor, tutor=tutor, student=student, start=at(3, 10), end=at(3, 11))
    with pytest.raises(SlotTaken):
        lesson_create(
            by=tutor, tutor=tutor, student=student, start=at(3, 10, 30), end=at(3, 11, 30)
        )
    assert ScheduledLesson.objects.count() == 1

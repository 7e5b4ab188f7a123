"""Booking: free slots, requests, auto-confirm, confirm/decline, expiry of stale requests."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from messaging.models import Notification
from scheduling.errors import SlotTaken
from scheduling.models import LessonChange, Reminder, ScheduledLesson, SchedulePolicy, TimeOff
from scheduling.selectors import free_slots
from scheduling.services.booking import (
    booking_confirm,
    booking_decline,
    booking_request,
    bookings_expire_stale,
)
from tests import factories
from tests.scheduling.factories import at, linked_student, make_lesson, open_all_week

pytestmark = pytest.mark.django_db
Status = ScheduledLesson.Status


@pytest.fixture
def open_tutor(tutor):
    open_all_week(tutor)
    return tutor


def book(by, tutor, student, start=None, minutes=60):
    start = start or at(3, 10)
    return booking_request(
        by=by, tutor=tutor, student=student, start=start, end=start + timedelta(minutes=minutes)
    )


def test_request_waits_for_the_tutor(open_tutor, student):
    lesson = book(student, open_tutor, student)
    assert lesson.status == Status.REQUESTED and lesson.created_by == student
    assert not lesson.reminders.exists()
    assert lesson.participants.get().blocking
    assert Notification.objects.filter(
        recipient=open_tutor, kind=Notification.Kind.BOOKING_REQUESTED
    ).exists()


def test_auto_confirm_schedules_with_reminders(open_tutor, student):
    SchedulePolicy.objects.create(tutor=open_tutor, auto_confirm=True)
    lesson = book(student, open_tutor, student)
    assert lesson.status == Status.SCHEDULED
    assert lesson.reminders.filter(status=Reminder.Status.PENDING).count() == 4


def test_parent_books_for_their_child(open_tutor, student, parent):
    lesson = book(parent, open_tutor, student)
    assert lesson.student == student and lesson.created_by == parent


def test_who_may_book(open_tutor, student, other_parent, other_student):
    with pytest.raises(PermissionDenied):
        book(other_parent, open_tutor, student)  # not their child
    with pytest.raises(PermissionDenied):
        book(other_student, open_tutor, other_student)  # not linked
    with pytest.raises(PermissionDenied):
        book(open_tutor, open_tutor, student)  # tutors schedule, they do not book
    assert not ScheduledLesson.objects.exists()


def test_notice_horizon_availability_and_time_off(open_tutor, student):
    with pytest.raises(ValidationError):
        book(student, open_tutor, student, start=timezone.now() + timedelta(hours=5))
    with pytest.raises(ValidationError):
        book(student, open_tutor, student, start=at(40, 10))
    TimeOff.objects.create(tutor=open_tutor, start=at(3, 0), end=at(4, 0))
    with pytest.raises(ValidationError):
        book(student, open_tutor, student, start=at(3, 10))
    assert not ScheduledLesson.objects.exists()


def test_outside_availability_is_refused(tutor, student):
    open_all_week(tutor, time(9), time(12))
    with pytest.raises(ValidationError):
        book(student, tutor, student, start=at(3, 11, 30))  # ends 12:30
    book(student, tutor, student, start=at(3, 11))


def test_taken_slot_is_refused_without_naming_the_other_student(open_tutor, student):
    anna = linked_student(open_tutor, first_name="Anna")
    make_lesson(open_tutor, anna, start=at(3, 10))
    with pytest.raises(SlotTaken) as caught:
        book(student, open_tutor, student, start=at(3, 10, 30))
    assert "Anna" not in caught.value.messages[0]


def test_confirm_and_decline(open_tutor, student, parent):
    lesson = book(parent, open_tutor, student)
    with pytest.raises(PermissionDenied):
        booking_confirm(by=student, lesson=lesson)
    booking_confirm(by=open_tutor, lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.status == Status.SCHEDULED
    assert lesson.reminders.count() == 4
    assert lesson.changes.filter(action=LessonChange.Action.CONFIRMED).exists()
    for user in (student, parent):
        assert Notification.objects.filter(
            recipient=user, kind=Notification.Kind.BOOKING_CONFIRMED
        ).exists()
    with pytest.raises(ValidationError):
        booking_confirm(by=open_tutor, lesson=lesson)
    with pytest.raises(ValidationError):
        booking_decline(by=open_tutor, lesson=lesson)

    other = book(student, open_tutor, student, start=at(5, 10))
    booking_decline(by=open_tutor, lesson=other, reason="away")
    other.refresh_from_db()
    assert (other.status, other.cancel_reason) == (Status.DECLINED, "away")
    assert not other.participants.get().blocking
    assert Notification.objects.filter(
        recipient=student, kind=Notification.Kind.BOOKING_DECLINED
    ).exists()
    book(student, open_tutor, student, start=at(5, 10))  # the slot is free again


def test_stale_requests_expire_and_the_student_is_told(tutor, student):
    old = make_lesson(tutor, student, start=at(5, 10), status=Status.REQUESTED)
    ScheduledLesson.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=49)
    )
    started = make_lesson(
        tutor, student, start=timezone.now() - timedelta(minutes=1), status=Status.REQUESTED
    )
    fresh = make_lesson(tutor, student, start=at(6, 10), status=Status.REQUESTED)
    confirmed = make_lesson(tutor, student, start=at(-1, 10))
    assert bookings_expire_stale() == 2
    statuses = dict(ScheduledLesson.objects.values_list("pk", "status"))
    assert statuses[old.pk] == statuses[started.pk] == Status.EXPIRED
    assert statuses[fresh.pk] == Status.REQUESTED
    assert statuses[confirmed.pk] == Status.SCHEDULED  # nothing else is marked automatically
    assert (
        Notification.objects.filter(
            recipient=student, kind=Notification.Kind.BOOKING_EXPIRED
        ).count()
        == 2
    )
    assert not old.participants.get().blocking
    assert bookings_expire_stale() == 0


def test_free_slots(tutor, student):
    tutor.timezone = "Europe/Kyiv"
    tutor.save()
    open_all_week(tutor, time(9), time(12))
    day = (timezone.now() + timedelta(days=3)).astimezone(tutor_zone(tutor)).date()
    slots = free_slots(tutor, student, day, 1)
    local = [s.astimezone(tutor_zone(tutor)).time() for s, _ in slots]
    assert local == [time(9), time(9, 30), time(10), time(10, 30), time(11)]
    busy_start = slots[2][0]  # 10:00 local
    make_lesson(tutor, linked_student(tutor), start=busy_start)
    TimeOff.objects.create(tutor=tutor, start=slots[0][0], end=slots[0][0] + timedelta(minutes=30))
    local = [s.astimezone(tutor_zone(tutor)).time() for s, _ in free_slots(tutor, student, day, 1)]
    assert local == [time(11)]


def test_free_slots_respect_notice_and_horizon(tutor, student):
    open_all_week(tutor)
    today = timezone.now().date()
    slots = free_slots(tutor, student, today, 40)
    assert slots
    assert min(s for s, _ in slots) >= timezone.now() + timedelta(hours=24)
    assert max(s for s, _ in slots) <= timezone.now() + timedelta(days=28)


def tutor_zone(tutor):
    import zoneinfo

    return zoneinfo.ZoneInfo(tutor.timezone)


def test_free_slots_count_queries(tutor, student, django_assert_num_queries):
    open_all_week(tutor, time(9), time(17))
    for days in (3, 5):
        make_lesson(tutor, student, start=at(days, 10))
    with django_assert_num_queries(4):
        free_slots(tutor, student, date.today(), 14)
    for days in range(6, 14):
        make_lesson(tutor, factories.StudentFactory(), start=at(days, 10))
    with django_assert_num_queries(4):
        free_slots(tutor, student, date.today(), 14)


def test_own_overlap_is_named_as_your_lesson(open_tutor, student):
    second_tutor = factories.TutorFactory()
    factories.TutorStudentFactory(tutor=second_tutor, student=student)
    make_lesson(second_tutor, student, start=at(3, 10))
    with pytest.raises(SlotTaken) as caught:
        book(student, open_tutor, student, start=at(3, 10, 30))
    assert "your lesson" in caught.value.messages[0]

"""Reminder rows are planned with the lesson: per participant and offset, moved, cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scheduling.models import CalendarSettings, Reminder, ScheduledLesson
from scheduling.services.lessons import lesson_cancel, lesson_create, lesson_update
from scheduling.services.reminders import reminders_plan
from tests.scheduling.factories import at, classroom_of

pytestmark = pytest.mark.django_db


def create(tutor, student, start):
    return lesson_create(
        by=tutor, tutor=tutor, student=student, start=start, end=start + timedelta(hours=1)
    )


def test_classroom_lesson_plans_one_row_per_member_and_tutor(tutor):
    classroom = classroom_of(tutor, 3)
    CalendarSettings.objects.create(user=tutor, reminder_offsets=[15])
    start = at(3, 10)
    lesson = lesson_create(
        by=tutor, tutor=tutor, classroom=classroom, start=start, end=start + timedelta(hours=1)
    )
    rows = list(lesson.reminders.values_list("user_id", "offset_minutes"))
    assert sorted(rows) == sorted(
        [(tutor.pk, 15)]
        + [
            (pk, m)
            for pk in classroom.memberships.values_list("student_id", flat=True)
            for m in (1440, 60)
        ]
    )


def test_offsets_already_past_are_not_planned(tutor, student):
    lesson = create(tutor, student, timezone.now() + timedelta(hours=3))
    assert set(lesson.reminders.values_list("offset_minutes", flat=True)) == {60}


def test_a_moved_lesson_moves_its_reminders_and_a_sent_one_is_due_again(tutor, student):
    lesson = create(tutor, student, at(3, 10))
    sent = lesson.reminders.get(user=student, offset_minutes=1440)
    Reminder.objects.filter(pk=sent.pk).update(status=Reminder.Status.SENT, sent_at=timezone.now())
    new_start = at(5, 10)
    lesson_update(by=tutor, lesson=lesson, start=new_start, end=new_start + timedelta(hours=1))
    sent.refresh_from_db()
    assert (sent.status, sent.due_at, sent.sent_at) == (
        Reminder.Status.PENDING,
        new_start - timedelta(days=1),
        None,
    )
    assert lesson.reminders.count() == 4


def test_unchanged_plan_keeps_sent_rows_sent(tutor, student):
    lesson = create(tutor, student, at(3, 10))
    Reminder.objects.filter(lesson=lesson).update(status=Reminder.Status.SENT)
    reminders_plan(lesson)
    assert set(lesson.reminders.values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_cancel_cancels_pending_reminders_only(tutor, student):
    lesson = create(tutor, student, at(3, 10))
    Reminder.objects.filter(lesson=lesson, offset_minutes=1440, user=tutor).update(
        status=Reminder.Status.SENT
    )
    lesson_cancel(by=tutor, lesson=lesson)
    statuses = sorted(lesson.reminders.values_list("status", flat=True))
    assert statuses == sorted([Reminder.Status.SENT] + [Reminder.Status.CANCELLED] * 3)


def test_dropped_offset_is_cancelled_on_the_next_plan(tutor, student):
    lesson = create(tutor, student, at(3, 10))
    CalendarSettings.objects.create(user=student, reminder_offsets=[60])
    reminders_plan(ScheduledLesson.objects.get(pk=lesson.pk))
    row = lesson.reminders.get(user=student, offset_minutes=1440)
    assert row.status == Reminder.Status.CANCELLED

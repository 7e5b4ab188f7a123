"""Classroom membership changes reach the participants of the classroom's future lessons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from people.models import TutorStudent
from people.services.classrooms import classroom_member_add, classroom_member_remove
from people.services.links import tutor_link_end
from scheduling.models import LessonChange, Reminder, ScheduledLesson
from scheduling.selectors import lessons_for
from scheduling.services.booking import booking_confirm
from tests import factories
from tests.scheduling.factories import at, classroom_of, linked_student, make_lesson

pytestmark = pytest.mark.django_db

Status = ScheduledLesson.Status


def participants(lesson):
    return set(lesson.participants.values_list("student_id", flat=True))


def pending_reminders(lesson, user):
    return lesson.reminders.filter(user=user, status=Reminder.Status.PENDING).count()


def window(lesson):
    return lesson.start - timedelta(hours=1), lesson.end + timedelta(hours=1)


def test_new_member_joins_future_lessons_with_reminders(tutor):
    classroom = classroom_of(tutor, 2)
    future = make_lesson(tutor, classroom=classroom, start=at(3, 10))
    newcomer = linked_student(tutor)
    classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)
    assert newcomer.pk in participants(future)
    assert pending_reminders(future, newcomer) == 2  # 24 h and 1 h by default
    assert future in lessons_for(newcomer, *window(future))


def test_past_and_ended_lessons_are_untouched(tutor):
    classroom = classroom_of(tutor, 2)
    past = make_lesson(tutor, classroom=classroom, start=at(-3, 10), status=Status.COMPLETED)
    cancelled = make_lesson(
        tutor, classroom=classroom, start=at(4, 10), status=Status.CANCELLED_TUTOR
    )
    leaving = classroom.memberships.first().student
    newcomer = linked_student(tutor)
    classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)
    classroom_member_remove(classroom=classroom, student=leaving, by=tutor)
    for lesson in (past, cancelled):
        assert newcomer.pk not in participants(lesson)
        assert leaving.pk in participants(lesson)


def test_removed_member_leaves_future_lessons_and_reminders_are_cancelled(tutor):
    classroom = classroom_of(tutor, 2)
    leaving = classroom.memberships.first().student
    # Plan reminders through the service by joining a newcomer (re-plans the lesson).
    future = make_lesson(tutor, classroom=classroom, start=at(3, 10))
    classroom_member_add(classroom=classroom, students=[linked_student(tutor)], by=tutor)
    assert pending_reminders(future, leaving) == 2
    classroom_member_remove(classroom=classroom, student=leaving, by=tutor)
    assert leaving.pk not in participants(future)
    assert pending_reminders(future, leaving) == 0
    assert future not in lessons_for(leaving, *window(future))
    assert len(participants(future)) == 2


def test_ended_link_takes_the_student_out_of_classroom_lessons(tutor):
    classroom = classroom_of(tutor, 2)
    leaving = classroom.memberships.first().student
    future = make_lesson(tutor, classroom=classroom, start=at(3, 10))
    classroom_member_add(classroom=classroom, students=[linked_student(tutor)], by=tutor)
    link = TutorStudent.objects.get(tutor=tutor, student=leaving)
    tutor_link_end(link=link, by=tutor)
    assert leaving.pk not in participants(future)
    assert pending_reminders(future, leaving) == 0
    assert future not in lessons_for(leaving, *window(future))


def test_a_clash_skips_the_lesson_for_that_student(tutor):
    classroom = classroom_of(tutor, 1)
    clashing = make_lesson(tutor, classroom=classroom, start=at(3, 10))
    free = make_lesson(tutor, classroom=classroom, start=at(4, 10))
    newcomer = linked_student(tutor)
    other_tutor = factories.TutorFactory()
    factories.TutorStudentFactory(tutor=other_tutor, student=newcomer)
    make_lesson(other_tutor, newcomer, start=at(3, 10, 30))
    classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)
    assert newcomer.pk not in participants(clashing)
    assert newcomer.pk in participants(free)
    assert classroom.memberships.filter(student=newcomer).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraint")
def test_the_database_refusal_is_caught_in_a_savepoint(tutor, monkeypatch):
    """The check misses the clash (patched out): the exclusion constraint refuses it."""
    import scheduling.services.classrooms as resync

    classroom = classroom_of(tutor, 1)
    clashing = make_lesson(tutor, classroom=classroom, start=at(3, 10))
    free = make_lesson(tutor, classroom=classroom, start=at(4, 10))
    newcomer = linked_student(tutor)
    other_tutor = factories.TutorFactory()
    factories.TutorStudentFactory(tutor=other_tutor, student=newcomer)
    make_lesson(other_tutor, newcomer, start=at(3, 10, 30))
    monkeypatch.setattr(resync, "conflicts_for", lambda *a, **k: ScheduledLesson.objects.none())
    classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)
    assert newcomer.pk not in participants(clashing)
    assert newcomer.pk in participants(free)


def test_ended_link_declines_pending_requests_and_confirm_is_refused(tutor, student):
    request = make_lesson(tutor, student, start=at(3, 10), status=Status.REQUESTED)
    link = TutorStudent.objects.get(tutor=tutor, student=student)
    tutor_link_end(link=link, by=student)
    request.refresh_from_db()
    assert request.status == Status.DECLINED
    assert not request.participants.filter(blocking=True).exists()
    assert LessonChange.objects.filter(lesson=request, action=LessonChange.Action.DECLINED).exists()


def test_confirm_refuses_a_booking_whose_link_ended(tutor, student):
    request = make_lesson(tutor, student, start=at(3, 10), status=Status.REQUESTED)
    # The link ends behind the services' back (e.g. a data fix): confirm still refuses.
    TutorStudent.objects.filter(tutor=tutor, student=student).update(
        status=TutorStudent.Status.ENDED
    )
    with pytest.raises(ValidationError) as caught:
        booking_confirm(by=tutor, lesson=request)
    assert "link" in caught.value.messages[0]
    request.refresh_from_db()
    assert request.status == Status.REQUESTED

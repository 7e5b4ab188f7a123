"""Classroom assignments (later members included on request) and quiz tasks that count."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses.assignments.models import (
    Assignment,
    ClassroomAssignment,
    SubmissionEvent,
    SubmissionStatus,
)
from courses.assignments.services import (
    assignments_for_classroom,
    submission_grade,
    submission_save_draft,
    submission_submit,
)
from courses.assignments.signals import submission_graded
from courses.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from messaging.models import Notification
from people.services.classrooms import classroom_member_add, classroom_member_remove
from tests import factories
from tests.assignments.conftest import give, in_days, text_file
from tests.courses.factories import TaskPageFactory
from tests.courses.learning_world import QUIZ_ID, body_with, publish, quiz_block

pytestmark = pytest.mark.django_db

RIGHT = {"q-single": 1, "q-short": "chlorophyll"}  # 4 of 4
HALF = {"q-single": 1, "q-short": "ink"}  # 2 of 4
WRONG = {"q-single": 0, "q-short": "ink"}  # 0 of 4


# --- classrooms ----------------------------------------------------------------------------


@pytest.fixture
def classroom(tutor, student):
    classroom = factories.ClassroomFactory(tutor=tutor, name="Year 9")
    factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    return classroom


def linked_student(tutor, email):
    student = factories.StudentFactory(email=email)
    factories.TutorStudentFactory(tutor=tutor, student=student)
    return student


def test_a_classroom_gets_one_assignment_per_member(world, tutor, student, classroom):
    second = linked_student(tutor, "second@example.test")
    factories.ClassroomMembershipFactory(classroom=classroom, student=second)
    group = assignments_for_classroom(
        by=tutor, classroom=classroom, page=world.task, due_at=in_days(5), max_points=20
    )
    made = Assignment.objects.filter(group_key=group.group_key)
    assert {a.student_id for a in made} == {student.pk, second.pk}
    assert all(a.classroom_id == classroom.pk for a in made)
    assert all(a.source == Assignment.Source.CLASSROOM for a in made)
    assert all(a.submission.status == SubmissionStatus.DRAFT for a in made)
    assert Notification.objects.filter(kind=Notification.Kind.ASSIGNMENT_ASSIGNED).count() == 2


def test_later_members_get_the_work_when_the_tutor_asked(world, tutor, classroom):
    kept = assignments_for_classroom(
        by=tutor,
        classroom=classroom,
        page=world.task,
        due_at=in_days(5),
        max_points=20,
        include_future_members=True,
    )
    assignments_for_classroom(
        by=tutor, classroom=classroom, page=world.lesson, due_at=in_days(5), max_points=20
    )
    newcomer = linked_student(tutor, "newcomer@example.test")
    classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)
    theirs = Assignment.objects.filter(student=newcomer)
    assert [a.group_key for a in theirs] == [kept.group_key]
    assert theirs.get().submission.status == SubmissionStatus.DRAFT
    # removed and added again: still one
    classroom_member_remove(classroom=classroom, student=newcomer, by=tutor)
    classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)
    assert Assignment.objects.filter(student=newcomer).count() == 1


def test_work_past_its_due_date_is_not_given_to_later_members(world, tutor, classroom):
    group = assignments_for_classroom(
        by=tutor,
        classroom=classroom,
        page=world.task,
        due_at=in_days(1),
        max_points=20,
        include_future_members=True,
    )
    ClassroomAssignment.objects.filter(pk=group.pk).update(due_at=in_days(-1))
    newcomer = linked_student(tutor, "late@example.test")
    classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)
    assert not Assignment.objects.filter(student=newcomer).exists()


def test_an_unpublished_page_does_not_block_adding_members(world, tutor, classroom):
    assignments_for_classroom(
        by=tutor,
        classroom=classroom,
        page=world.task,
        due_at=in_days(3),
        max_points=20,
        include_future_members=True,
    )
    world.task.unpublish()
    newcomer = linked_student(tutor, "added@example.test")
    assert len(classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)) == 1
    assert not Assignment.objects.filter(student=newcomer).exists()


def test_only_the_classrooms_tutor_gives_it_work(world, other_tutor, classroom):
    with pytest.raises(PermissionDenied):
        assignments_for_classroom(
            by=other_tutor, classroom=classroom, page=world.task, due_at=in_days(3), max_points=5
        )
    assert not ClassroomAssignment.objects.exists()


def test_an_empty_classroom_needs_later_members(world, tutor):
    empty = factories.ClassroomFactory(tutor=tutor, name="Empty")
    with pytest.raises(ValidationError):
        assignments_for_classroom(
            by=tutor, classroom=empty, page=world.task, due_at=in_days(3), max_points=5
        )
    group = assignments_for_classroom(
        by=tutor,
        classroom=empty,
        page=world.task,
        due_at=in_days(3),
        max_points=5,
        include_future_members=True,
    )
    assert not Assignment.objects.filter(group_key=group.group_key).exists()


# --- quizzes count -------------------------------------------------------------------------


def take_quiz(world, answers, page=None):
    page = page or world.quiz_task
    attempt, _created = quiz_attempt_start(student=world.student, page=page, block_id=QUIZ_ID)
    return quiz_attempt_submit(
        attempt=attempt, data=answers, course_translation_key=world.course.translation_key
    )


def test_a_quiz_only_task_is_handed_in_and_graded_by_the_attempt(world, student, parent):
    graded = []
    submission_graded.connect(
        lambda sender, submission, **kw: graded.append(submission.points),
        dispatch_uid="test-quiz-graded",
        weak=False,
    )
    try:
        assignment = give(world, page=world.quiz_task, max_points=10)
        attempt = take_quiz(world, HALF)
    finally:
        submission_graded.disconnect(dispatch_uid="test-quiz-graded")
    submission = assignment.submission
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.GRADED
    assert submission.quiz_attempt == attempt
    assert submission.points == submission.quiz_points == Decimal("5.00")
    assert submission.graded_by is None and not submission.is_late
    notes = list(submission.events.values_list("to_status", "note"))
    assert notes[-2:] == [
        (SubmissionStatus.SUBMITTED, SubmissionEvent.Note.QUIZ),
        (SubmissionStatus.GRADED, SubmissionEvent.Note.QUIZ_GRADED),
    ]
    assert graded == [Decimal("5.00")]
    assert Notification.objects.filter(
        recipient=parent, kind=Notification.Kind.ASSIGNMENT_GRADED
    ).exists()


def test_the_best_attempt_counts_by_default(world):
    assignment = give(world, page=world.quiz_task, max_points=10)
    take_quiz(world, HALF)
    best = take_quiz(world, RIGHT)
    take_quiz(world, WRONG)
    submission = assignment.submission
    submission.refresh_from_db()
    assert submission.quiz_attempt == best
    assert submission.points == Decimal("10.00")


def test_the_last_attempt_counts_when_the_task_says_so(world):
    page = publish(
        TaskPageFactory(
            parent=world.course,
            title="Last counts",
            body=body_with(quiz_block()),
            quiz_counting="last",
        )
    )
    assignment = give(world, page=page, max_points=8)
    take_quiz(world, RIGHT, page=page)
    last = take_quiz(world, WRONG, page=page)
    submission = assignment.submission
    submission.refresh_from_db()
    assert submission.quiz_attempt == last
    assert submission.points == Decimal("0.00")
    assert submission.status == SubmissionStatus.GRADED


def test_attempts_before_the_assignment_do_not_count(world):
    give(world, page=world.task)  # enrols the student
    take_quiz(world, RIGHT)
    assignment = give(world, page=world.quiz_task, max_points=10)
    assert assignment.submission.status == SubmissionStatus.DRAFT
    take_quiz(world, HALF)
    assignment.submission.refresh_from_db()
    assert assignment.submission.points == Decimal("5.00")


def test_without_quiz_only_the_points_wait_for_the_tutor(world, student, tutor):
    assignment = give(world, page=world.quiz_task, max_points=10, quiz_only=False)
    take_quiz(world, RIGHT)
    submission = assignment.submission
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.quiz_points == Decimal("10.00")
    # the quiz alone is enough to hand in
    submission = submission_submit(by=student, assignment=assignment)
    graded = submission_grade(by=tutor, submission=submission, points=9)
    take_quiz(world, WRONG)  # the tutor's grade stands
    graded.refresh_from_db()
    assert graded.points == Decimal("9.00") and graded.quiz_points == Decimal("10.00")


def test_a_late_attempt_does_not_hand_in_work_that_refuses_lateness(world):
    assignment = give(world, page=world.quiz_task, due_at=in_days(1), max_points=10)
    past = assignment.due_at - timedelta(days=2)
    assignment.__class__.objects.filter(pk=assignment.pk).update(
        due_at=past, created_at=past - timedelta(days=1)
    )
    take_quiz(world, RIGHT)
    assignment.submission.refresh_from_db()
    assert assignment.submission.status == SubmissionStatus.DRAFT
    assert assignment.submission.quiz_points == Decimal("10.00")


def _due_date_passes(assignment):
    """Move the due date of `assignment` into the past."""
    past = timezone.now() - timedelta(minutes=5)
    Assignment.objects.filter(pk=assignment.pk).update(due_at=past)
    return past


def test_attempts_after_the_due_date_do_not_regrade_graded_quiz_work(world):
    assignment = give(world, page=world.quiz_task, due_at=in_days(1), max_points=10)
    on_time = take_quiz(world, HALF)
    _due_date_passes(assignment)
    take_quiz(world, RIGHT)  # late, and lateness is refused: ignored
    submission = assignment.submission
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.GRADED
    assert submission.quiz_attempt == on_time
    assert submission.points == submission.quiz_points == Decimal("5.00")
    assert not submission.is_late
    assert not submission.events.filter(note=SubmissionEvent.Note.QUIZ_REGRADED).exists()


def test_late_attempts_regrade_and_mark_late_when_late_work_is_accepted(world):
    assignment = give(
        world, page=world.quiz_task, due_at=in_days(1), max_points=10, allow_late=True
    )
    take_quiz(world, HALF)
    _due_date_passes(assignment)
    late = take_quiz(world, RIGHT)
    submission = assignment.submission
    submission.refresh_from_db()
    assert submission.quiz_attempt == late
    assert submission.points == Decimal("10.00")
    assert submission.is_late
    assert submission.events.filter(note=SubmissionEvent.Note.QUIZ_REGRADED).exists()


def test_a_draft_with_text_stays_a_draft_on_a_quiz_only_task_until_the_attempt(world, student):
    assignment = give(world, page=world.quiz_task)
    submission_save_draft(by=student, assignment=assignment, text="notes", files=[text_file()])
    take_quiz(world, RIGHT)
    assignment.submission.refresh_from_db()
    assert assignment.submission.status == SubmissionStatus.GRADED

"""Awards from the learning events: once per event, scaled by score, with their links."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from courses.models import AttemptStatus
from courses.rewards.models import PointsEntry, Reason, RewardRates
from courses.rewards.selectors import balances_for, recent_entries
from courses.rewards.services import quiz_points_for
from courses.services.progress import lesson_complete
from courses.services.quizzes import essay_grade, quiz_attempt_start, quiz_attempt_submit
from courses.services.sections import tutor_section_ensure
from tests.courses.learning_world import (
    ESSAY,
    QUIZ_ID,
    SINGLE,
    body_with,
    enroll,
    make_course,
    quiz_block,
)

pytestmark = pytest.mark.django_db

RIGHT = {"q-single": 1, "q-short": "chlorophyll"}
HALF = {"q-single": 1, "q-short": "ink"}
WRONG = {"q-single": 0, "q-short": "ink"}


@pytest.fixture
def world(tutor, student):
    course, (lesson, second) = make_course(tutor_section_ensure(tutor=tutor), lessons=2)
    enroll(student, course)
    return {"course": course, "lesson": lesson, "second": second}


def complete(student, lesson, course):
    return lesson_complete(
        student=student,
        lesson_translation_key=lesson.translation_key,
        course_translation_key=course.translation_key,
    )


def submit(student, world, answers, lesson=None):
    lesson = lesson or world["lesson"]
    attempt, _created = quiz_attempt_start(student=student, page=lesson, block_id=QUIZ_ID)
    return quiz_attempt_submit(
        attempt=attempt, data=answers, course_translation_key=world["course"].translation_key
    )


def points_by_reason(student) -> dict:
    totals: dict = {}
    for reason, amount in PointsEntry.objects.filter(student=student).values_list(
        "reason", "amount"
    ):
        totals[reason] = totals.get(reason, 0) + amount
    return totals


def test_completing_a_lesson_awards_once(world, student):
    complete(student, world["lesson"], world["course"])
    complete(student, world["lesson"], world["course"])
    entry = PointsEntry.objects.get(student=student)
    assert (entry.amount, entry.reason) == (10, Reason.LESSON_COMPLETED)
    assert entry.page_translation_key == world["lesson"].translation_key
    complete(student, world["second"], world["course"])
    assert balances_for(student).points == 20
    assert balances_for(student).coins == 2


def test_the_lesson_rate_is_configurable(world, student):
    rates = RewardRates.load()
    rates.points_per_lesson = 3
    rates.save()
    complete(student, world["lesson"], world["course"])
    assert balances_for(student).points == 3


def test_points_roll_back_with_the_event(world, student):
    with pytest.raises(RuntimeError), transaction.atomic():
        complete(student, world["lesson"], world["course"])
        raise RuntimeError("the request failed")
    assert not PointsEntry.objects.exists()


@pytest.mark.parametrize(
    ("percent", "points"), [("100", 20), ("75", 15), ("50", 10), ("66.67", 13), ("0", 0)]
)
def test_quiz_points_scale_with_the_score(percent, points):
    assert quiz_points_for(percent, RewardRates(max_points_per_quiz=20)) == points


def test_a_passed_quiz_awards_by_score_and_a_better_attempt_tops_up(world, student):
    first = submit(student, world, HALF)
    assert first.status == AttemptStatus.GRADED and first.result["passed"]
    # 50 %: 10 quiz points, and the pass completes the lesson: 10 lesson points.
    assert points_by_reason(student) == {Reason.QUIZ_PASSED: 10, Reason.LESSON_COMPLETED: 10}
    quiz_entry = PointsEntry.objects.get(student=student, reason=Reason.QUIZ_PASSED)
    assert quiz_entry.source == first
    rows = recent_entries(student, limit=10)
    quiz_row = next(row for row in rows if row.reason == Reason.QUIZ_PASSED)
    assert quiz_row.link_url == reverse("courses:attempt_detail", kwargs={"pk": first.pk})
    assert quiz_row.link_label == world["lesson"].title and quiz_row.note == "50 %"
    lesson_row = next(row for row in rows if row.reason == Reason.LESSON_COMPLETED)
    assert lesson_row.link_url == world["lesson"].url
    submit(student, world, RIGHT)  # 100 %: tops up to 20
    submit(student, world, RIGHT)  # 100 % again: nothing more
    assert points_by_reason(student) == {Reason.QUIZ_PASSED: 20, Reason.LESSON_COMPLETED: 10}
    assert balances_for(student).coins == 3


def test_a_failed_quiz_awards_nothing(world, student):
    attempt = submit(student, world, WRONG)
    assert attempt.result["passed"] is False
    assert not PointsEntry.objects.exists()


def test_an_essay_quiz_awards_when_graded_and_not_again_on_regrading(tutor, student):
    course, (lesson,) = make_course(
        tutor_section_ensure(tutor=tutor), body=body_with(quiz_block(questions=[SINGLE, ESSAY]))
    )
    enroll(student, course)
    attempt, _created = quiz_attempt_start(student=student, page=lesson, block_id=QUIZ_ID)
    attempt = quiz_attempt_submit(
        attempt=attempt,
        data={"q-single": 1, "q-essay": "Light makes sugar."},
        course_translation_key=course.translation_key,
    )
    assert attempt.status == AttemptStatus.NEEDS_GRADING
    assert not PointsEntry.objects.exists()
    essay_grade(attempt=attempt, question_id="q-essay", points="4", by=tutor)
    assert points_by_reason(student) == {Reason.QUIZ_PASSED: 20, Reason.LESSON_COMPLETED: 10}
    essay_grade(attempt=attempt, question_id="q-essay", points="1", by=tutor)
    assert points_by_reason(student) == {Reason.QUIZ_PASSED: 20, Reason.LESSON_COMPLETED: 10}


HAS_ASSIGNMENTS = importlib.util.find_spec("courses.assignments.signals") is not None


@pytest.mark.skipif(not HAS_ASSIGNMENTS, reason="the assignments app has no signals yet")
@pytest.mark.parametrize(("on_time", "expected"), [(True, 15), (False, 0)])
def test_an_on_time_submission_awards_once(world, tutor, student, on_time, expected):
    from courses.assignments.models import Assignment, Submission
    from courses.assignments.signals import submission_submitted

    lesson = world["lesson"]
    assignment = Assignment.objects.create(
        tutor=tutor,
        student=student,
        page=lesson,
        page_translation_key=lesson.translation_key,
        course_translation_key=world["course"].translation_key,
        title=lesson.title,
        due_at=timezone.now() + dt.timedelta(days=1),
        max_points=10,
    )
    submission = Submission.objects.create(assignment=assignment, submitted_at=timezone.now())
    for _repeat in range(2):  # the signal may be sent again (a resubmission)
        submission_submitted.send(sender=Submission, submission=submission, on_time=on_time)
    assert balances_for(student).points == expected
    if expected:
        entry = PointsEntry.objects.get(student=student)
        assert entry.reason == Reason.SUBMISSION_ON_TIME
        assert entry.source == submission
        assert entry.page_translation_key == lesson.translation_key

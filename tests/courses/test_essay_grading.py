"""Essays wait for the owning tutor: the pending list, the grading form, the new score."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import AttemptStatus, LessonProgress, QuizAttempt
from tests.courses.learning_world import (
    ESSAY,
    QUIZ_ID,
    SINGLE,
    body_with,
    enroll,
    make_course,
    quiz_block,
)

ESSAY_TEXT = "Light, water and carbon dioxide become sugar and oxygen."


@pytest.fixture
def attempt(section, student, client_for):
    course, (lesson,) = make_course(
        section, body=body_with(quiz_block(questions=[SINGLE, ESSAY], pass_mark_percent=50))
    )
    enroll(student, course)
    client = client_for(student)
    client.get(lesson.url)
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    attempt = QuizAttempt.objects.get()
    client.post(
        reverse("courses:attempt_submit", kwargs={"pk": attempt.pk}),
        {"q-q-single": "0", "q-q-essay": ESSAY_TEXT},
    )
    client.logout()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_GRADING
    return attempt


def grade_url(attempt, question_id="q-essay"):
    return reverse("courses:essay_grade", kwargs={"pk": attempt.pk, "question_id": question_id})


LIST_URL = reverse("courses:grading")


def test_owning_tutor_lists_pending_essays(client_for, tutor, attempt):
    html = client_for(tutor).get(LIST_URL).content.decode()
    assert grade_url(attempt) in html and attempt.student.display_name in html


def test_other_tutor_sees_nothing_pending(client_for, other_tutor, attempt):
    response = client_for(other_tutor).get(LIST_URL)
    assert response.status_code == 200
    assert grade_url(attempt) not in response.content.decode()
    assert "No essay is waiting" in response.content.decode()


@pytest.mark.parametrize("actor", ["student", "parent", "manager", "admin_user"])
def test_grading_list_is_for_tutors(client_for, request, actor, attempt):
    assert client_for(request.getfixturevalue(actor)).get(LIST_URL).status_code == 403


def test_grading_list_anonymous_signs_in(client, attempt):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_grading_list_queries_do_not_grow(client_for, tutor, section, django_assert_num_queries):
    """A fixed number of queries for 1 or 6 pending essays."""
    from tests import factories

    course, (lesson,) = make_course(
        section, body=body_with(quiz_block(questions=[ESSAY])), title="Essays"
    )
    client = client_for(tutor)

    def add_pending(count):
        for _ in range(count):
            learner = factories.StudentFactory()
            QuizAttempt.objects.create(
                student=learner,
                page_translation_key=lesson.translation_key,
                quiz_block_id=QUIZ_ID,
                revision=lesson.live_revision,
                status=AttemptStatus.NEEDS_GRADING,
                submitted_at=lesson.last_published_at,
                score=0,
                result={"pending_question_ids": ["q-essay"]},
            )

    add_pending(1)
    client.get(LIST_URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(LIST_URL)
    add_pending(5)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(LIST_URL).content.decode()
    assert html.count("Grade</a>") == 6


def test_owning_tutor_grades_an_essay(client_for, tutor, student, attempt):
    client = client_for(tutor)
    page = client.get(grade_url(attempt))
    assert page.status_code == 200
    assert ESSAY_TEXT in page.content.decode() and "Up to 4 points" in page.content.decode()
    response = client.post(grade_url(attempt), {"points": "3.5", "feedback": "Clear and right."})
    assert response.status_code == 302 and response["Location"] == LIST_URL
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("3.50")
    essay = next(q for q in attempt.result["questions"] if q["question_id"] == "q-essay")
    assert essay["status"] == "graded" and essay["feedback"] == "Clear and right."
    assert attempt.result["is_final"] is True and attempt.result["passed"] is True
    # passing once graded completes the lesson
    assert LessonProgress.objects.get(student=student).completed_at is not None
    # the essay has left the pending list; the student sees the feedback
    assert grade_url(attempt) not in client.get(LIST_URL).content.decode()
    client.force_login(student)
    result = client.get(reverse("courses:attempt_detail", kwargs={"pk": attempt.pk}))
    assert "Clear and right." in result.content.decode()


def test_regrading_replaces_the_grade(client_for, tutor, attempt):
    client = client_for(tutor)
    client.post(grade_url(attempt), {"points": "4"})
    client.post(grade_url(attempt), {"points": "1", "feedback": "Reconsidered."})
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.00") and attempt.result["passed"] is False


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("5", "between 0 and 4"),
        ("4.01", "between 0 and 4"),
        ("-1", "greater than or equal to 0"),
        ("lots", "Enter a number"),
        ("", "required"),
    ],
)
def test_bad_points_are_refused_and_nothing_changes(client_for, tutor, attempt, points, message):
    before = (attempt.status, attempt.score, attempt.result)
    response = client_for(tutor).post(grade_url(attempt), {"points": points})
    assert response.status_code == 400
    assert message in response.content.decode()
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.result) == before


def test_control_characters_in_feedback_are_refused(client_for, tutor, attempt):
    response = client_for(tutor).post(grade_url(attempt), {"points": "2", "feedback": "a\x00b"})
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_GRADING


@pytest.mark.parametrize(
    "actor", ["other_tutor", "student", "other_student", "parent", "manager", "admin_user"]
)
def test_only_the_owning_tutor_grades(client_for, request, actor, attempt):
    client = client_for(request.getfixturevalue(actor))
    get = client.get(grade_url(attempt))
    post = client.post(grade_url(attempt), {"points": "4"})
    missing = client.post(
        reverse("courses:essay_grade", kwargs={"pk": 987654, "question_id": "q-essay"}),
        {"points": "4"},
    )
    expected = 404 if actor == "other_tutor" else 403
    assert get.status_code == post.status_code == missing.status_code == expected
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_GRADING


def test_grading_anonymous_signs_in(client, attempt):
    response = client.post(grade_url(attempt), {"points": "4"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_non_essay_question_is_404(client_for, tutor, attempt):
    client = client_for(tutor)
    assert client.get(grade_url(attempt, "q-single")).status_code == 404
    assert client.get(grade_url(attempt, "no-such")).status_code == 404


def test_open_attempt_is_not_gradable(client_for, tutor, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block(questions=[ESSAY])))
    enroll(student, course)
    client = client_for(student)
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    attempt = QuizAttempt.objects.get()
    client.force_login(tutor)
    assert client.get(grade_url(attempt)).status_code == 404

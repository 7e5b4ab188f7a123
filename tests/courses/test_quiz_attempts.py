"""Quiz attempts through HTTP: start, submit, grade once, limits, the revision seen, access.

Every refusal is checked for "nothing stored": the attempt stays open with no answers,
or no new attempt exists.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.blocks import answer_token
from courses.models import AttemptStatus, EnrollmentStatus, LessonProgress, QuizAttempt
from tests.courses.learning_world import (
    ESSAY,
    QUIZ_ID,
    SINGLE,
    body_with,
    enroll,
    make_course,
    publish,
    quiz_block,
)


@pytest.fixture
def world(section, student):
    course, (lesson,) = make_course(section)
    enroll(student, course)
    return {"course": course, "lesson": lesson}


def start_url(lesson, block_id=QUIZ_ID):
    return reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": block_id})


def submit_url(attempt):
    return reverse("courses:attempt_submit", kwargs={"pk": attempt.pk})


def detail_url(attempt):
    return reverse("courses:attempt_detail", kwargs={"pk": attempt.pk})


def start(client, lesson):
    response = client.post(start_url(lesson))
    assert response.status_code == 302, response.content
    return QuizAttempt.objects.get(status=AttemptStatus.IN_PROGRESS)


def assert_untouched(attempt):
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert attempt.submitted_at is None and attempt.answers == {} and attempt.result == {}
    assert attempt.score is None


RIGHT = {"q-q-single": "1", "q-q-short": "  Chlorophyll "}
WRONG = {"q-q-single": "0", "q-q-short": "ink"}


# --- the happy path -------------------------------------------------------------------------


def test_lesson_shows_start_button_not_questions_before_an_attempt(client_for, world, student):
    html = client_for(student).get(world["lesson"].url).content.decode()
    assert start_url(world["lesson"]) in html
    assert 'name="q-q-single"' not in html  # the timer starts with the attempt, not before


def test_start_creates_attempt_pinned_to_live_revision_and_page_renders_its_form(
    client_for, world, student
):
    client = client_for(student)
    lesson = world["lesson"]
    response = client.post(start_url(lesson))
    assert response.status_code == 302 and response["Location"].endswith(f"#quiz-{QUIZ_ID}")
    attempt = QuizAttempt.objects.get()
    assert attempt.student == student and attempt.attempt_number == 1
    assert attempt.revision_id == lesson.live_revision_id
    assert attempt.page_translation_key == lesson.translation_key
    assert attempt.quiz_block_id == QUIZ_ID
    html = client.get(lesson.url).content.decode()
    assert f'action="{submit_url(attempt)}"' in html
    assert 'name="q-q-single"' in html


def test_start_again_reuses_the_open_attempt(client_for, world, student):
    client = client_for(student)
    first = start(client, world["lesson"])
    assert client.post(start_url(world["lesson"])).status_code == 302
    assert QuizAttempt.objects.get() == first


def test_submit_grades_on_the_server_and_completes_the_lesson(client_for, world, student):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    response = client.post(submit_url(attempt), RIGHT)
    assert response.status_code == 302 and response["Location"] == detail_url(attempt)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("4.00")
    assert attempt.answers == {"q-single": 1, "q-short": "Chlorophyll"}
    assert attempt.result["passed"] is True and attempt.submitted_at is not None
    progress = LessonProgress.objects.get(student=student)
    assert progress.completed_at is not None
    page = client.get(detail_url(attempt)).content.decode()
    assert "4.00 of 4 points" in page and "Passed" in page


def test_failing_does_not_complete_the_lesson(client_for, world, student):
    client = client_for(student)
    client.get(world["lesson"].url)
    attempt = start(client, world["lesson"])
    assert client.post(submit_url(attempt), WRONG).status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.result["passed"] is False
    assert LessonProgress.objects.get(student=student).completed_at is None


def test_submitting_twice_grades_once(client_for, world, student):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    assert client.post(submit_url(attempt), WRONG).status_code == 302
    attempt.refresh_from_db()
    first = (attempt.score, attempt.submitted_at, attempt.answers)
    second = client.post(submit_url(attempt), RIGHT)
    assert second.status_code == 409
    assert "already submitted" in second.content.decode()
    attempt.refresh_from_db()
    assert (attempt.score, attempt.submitted_at, attempt.answers) == first


def test_max_attempts_refused_with_409(client_for, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block(max_attempts=2)))
    enroll(student, course)
    client = client_for(student)
    for _ in range(2):
        attempt = start(client, lesson)
        client.post(submit_url(attempt), WRONG)
    response = client.post(start_url(lesson))
    assert response.status_code == 409
    assert "used all 2 attempts" in response.content.decode()
    assert QuizAttempt.objects.count() == 2
    assert sorted(QuizAttempt.objects.values_list("attempt_number", flat=True)) == [1, 2]
    assert "You have used every attempt" in client.get(lesson.url).content.decode()


def test_submission_after_time_limit_is_refused_and_next_start_closes_it(
    client_for, section, student
):
    course, (lesson,) = make_course(section, body=body_with(quiz_block(time_limit_minutes=10)))
    enroll(student, course)
    client = client_for(student)
    attempt = start(client, lesson)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=11)
    )
    response = client.post(submit_url(attempt), RIGHT)
    assert response.status_code == 409 and "time limit" in response.content.decode()
    assert_untouched(attempt)
    # the lesson no longer offers the expired attempt's form
    assert submit_url(attempt) not in client.get(lesson.url).content.decode()
    assert client.post(start_url(lesson)).status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == 0
    assert QuizAttempt.objects.filter(status=AttemptStatus.IN_PROGRESS, attempt_number=2).exists()


def test_submission_within_time_limit_is_accepted(client_for, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block(time_limit_minutes=10)))
    enroll(student, course)
    client = client_for(student)
    attempt = start(client, lesson)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=9)
    )
    assert client.post(submit_url(attempt), RIGHT).status_code == 302


def test_grading_uses_the_revision_the_student_saw(client_for, world, student):
    client = client_for(student)
    lesson = world["lesson"]
    attempt = start(client, lesson)
    # The tutor swaps the correct option and publishes, while the attempt is open.
    changed = quiz_block()
    options = changed["value"]["questions"][0]["value"]["options"]
    options[0]["is_correct"], options[1]["is_correct"] = True, False
    lesson.body = body_with(changed)
    publish(lesson)
    lesson.refresh_from_db()
    assert lesson.live_revision_id != attempt.revision_id
    client.post(submit_url(attempt), RIGHT)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("4.00")  # graded against the old answer key


# --- malformed answers: 400, nothing stored ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q-q-single": "7"}, "no such option"),
        ({"q-q-single": "-1"}, "by its number"),
        ({"q-q-single": "one"}, "by its number"),
        ({"q-q-single": ["0", "1"]}, "several answers"),
        ({"q-q-short": "bad\x00byte"}, "control characters"),
        ({"q-q-short": "x" * 5001}, "too long"),
    ],
)
def test_malformed_form_answers_are_refused_with_400(client_for, world, student, data, message):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    response = client.post(submit_url(attempt), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_untouched(attempt)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "answers"),
        (b'{"answers": [1]}', "answers"),
        (json.dumps({"answers": {"q-single": [0]}}).encode(), "not several"),
        (json.dumps({"answers": {"q-single": True}}).encode(), "by its number"),
        (json.dumps({"answers": {"q-short": 5}}).encode(), "must be text"),
        (json.dumps({"answers": {"no-such": "1"}}).encode(), "no question"),
        (json.dumps({"answers": {"q-single": 99}}).encode(), "no such option"),
    ],
)
def test_malformed_json_answers_are_refused_with_400(client_for, world, student, body, message):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    response = client.post(
        submit_url(attempt), body, content_type="application/json", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert_untouched(attempt)


def test_empty_submission_is_graded_as_unanswered(client_for, world, student):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    assert client.post(submit_url(attempt), {}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == 0 and attempt.answers == {}


@pytest.mark.parametrize(
    "text", ["хлорофіл", "<script>alert(1)</script>", "'; DROP TABLE courses_quizattempt; --"]
)
def test_unicode_and_hostile_text_is_inert_data(client_for, world, student, text):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    assert client.post(submit_url(attempt), {"q-q-short": text}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.answers == {"q-short": text}
    html = client.get(detail_url(attempt)).content.decode()
    assert "<script>alert(1)</script>" not in html


# --- JSON variants ----------------------------------------------------------------------------


def test_json_start_and_submit(client_for, world, student):
    client = client_for(student)
    response = client.post(start_url(world["lesson"]), HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    data = response.json()
    attempt = QuizAttempt.objects.get(pk=data["attempt"])
    assert data["submit_url"] == submit_url(attempt) and data["seed"]
    assert [q["id"] for q in data["quiz"]["questions"]] == ["q-single", "q-short"]
    again = client.post(start_url(world["lesson"]), HTTP_ACCEPT="application/json")
    assert again.status_code == 200 and again.json()["attempt"] == attempt.pk
    result = client.post(
        data["submit_url"],
        {"answers": {"q-single": 1, "q-short": "chlorophyll"}},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert result.status_code == 200
    assert result.json()["score"]["points_awarded"] == "4.00"


def test_json_start_over_limit_is_409(client_for, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block(max_attempts=1)))
    enroll(student, course)
    client = client_for(student)
    client.post(submit_url(start(client, lesson)), {})
    response = client.post(start_url(lesson), HTTP_ACCEPT="application/json")
    assert response.status_code == 409 and "attempts" in response.json()["error"]


# --- access -------------------------------------------------------------------------------------


def test_state_changing_views_refuse_get(client_for, world, student):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    assert client.get(start_url(world["lesson"])).status_code == 405
    assert client.get(submit_url(attempt)).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, world, student):
    assert client.post(start_url(world["lesson"])).status_code == 302
    assert "/login/" in client.post(start_url(world["lesson"]))["Location"]
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize(
    "actor", ["other_student", "tutor", "other_tutor", "parent", "manager", "admin_user"]
)
def test_only_enrolled_students_start(client_for, world, request, actor):
    client = client_for(request.getfixturevalue(actor))
    assert client.post(start_url(world["lesson"])).status_code == 404
    assert not QuizAttempt.objects.exists()


def test_unknown_quiz_and_page_are_404(client_for, world, student):
    client = client_for(student)
    assert client.post(start_url(world["lesson"], "no-such-quiz")).status_code == 404
    missing = reverse("courses:quiz_start", kwargs={"pk": 987654, "block_id": QUIZ_ID})
    assert client.post(missing).status_code == 404


@pytest.mark.parametrize("status", [EnrollmentStatus.PAUSED, EnrollmentStatus.CANCELLED])
def test_paused_or_cancelled_enrollment_cannot_start_or_submit(client_for, world, student, status):
    client = client_for(student)
    attempt = start(client, world["lesson"])
    world["course"].enrollments.update(status=status)
    assert client.post(start_url(world["lesson"])).status_code == 404
    assert client.post(submit_url(attempt), RIGHT).status_code == 404
    assert_untouched(attempt)


def test_completed_enrollment_still_learns(client_for, world, student):
    world["course"].enrollments.update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    assert client_for(student).post(start_url(world["lesson"])).status_code == 302


def test_unpublished_lesson_cannot_be_started(client_for, world, student):
    world["lesson"].unpublish()
    assert client_for(student).post(start_url(world["lesson"])).status_code == 404


@pytest.mark.parametrize(
    "actor", ["other_student", "tutor", "other_tutor", "parent", "manager", "admin_user"]
)
def test_only_the_attempts_student_submits(client, world, student, request, actor):
    client.force_login(student)
    attempt = start(client, world["lesson"])
    enroll(request.getfixturevalue("other_student"), world["course"])
    client.force_login(request.getfixturevalue(actor))
    real = client.post(submit_url(attempt), RIGHT)
    missing = client.post(reverse("courses:attempt_submit", kwargs={"pk": 987654}), RIGHT)
    assert real.status_code == missing.status_code == 404
    assert_untouched(attempt)


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("student", 200),
        ("tutor", 200),
        ("parent", 200),
        ("manager", 200),
        ("admin_user", 200),
        ("other_student", 404),
        ("other_tutor", 404),
        ("other_parent", 404),
    ],
)
def test_result_page_access(client, world, student, request, actor, status):
    client.force_login(student)
    attempt = start(client, world["lesson"])
    client.post(submit_url(attempt), RIGHT)
    client.force_login(request.getfixturevalue(actor))
    assert client.get(detail_url(attempt)).status_code == status
    missing = reverse("courses:attempt_detail", kwargs={"pk": 987654})
    assert client.get(missing).status_code == 404


def test_result_page_anonymous_signs_in(client, world, student):
    client.force_login(student)
    attempt = start(client, world["lesson"])
    client.logout()
    response = client.get(detail_url(attempt))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_essay_makes_the_attempt_wait_for_the_tutor(client_for, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block(questions=[SINGLE, ESSAY])))
    enroll(student, course)
    client = client_for(student)
    client.get(lesson.url)
    attempt = start(client, lesson)
    client.post(submit_url(attempt), {"q-q-single": "1", "q-q-essay": "Light becomes sugar."})
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_GRADING
    assert attempt.result["pending_question_ids"] == ["q-essay"]
    assert attempt.score == Decimal("2.00")
    # passed is provisional while the essay waits: the lesson is not completed yet
    assert LessonProgress.objects.get(student=student).completed_at is None
    html = client.get(detail_url(attempt)).content.decode()
    assert "waiting for your tutor" in html


def test_ordering_and_matching_tokens_are_accepted_from_the_form(client_for, section, student):
    ordering = {
        "type": "ordering",
        "id": "q-order",
        "value": {"prompt": "<p>Order</p>", "items": ["A", "B", "C"], "points": "3"},
    }
    course, (lesson,) = make_course(section, body=body_with(quiz_block(questions=[ordering])))
    enroll(student, course)
    client = client_for(student)
    attempt = start(client, lesson)
    data = {f"q-q-order-{answer_token('q-order', 'item', i)}": str(i + 1) for i in range(3)}
    assert client.post(submit_url(attempt), data).status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.00")

"""Answer keys never leave the server: every response a student can get, end to end.

A published lesson holds a quiz with every question kind, each seeded with sentinel
answers (accepted answers, gap answers, the numeric value and tolerance, explanations,
the matching solution, the correct order). An enrolled student opens the lesson, starts
an attempt (HTML and JSON), submits (HTML and JSON) and reads the result; we also fetch
the Wagtail API v2, the catalog search and the sitemap. No sentinel and no correctness
flag may appear anywhere, except on the result page under the "answers after submit"
policy, after grading: there the key is shown, as the policy promises.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from courses.models import QuizAttempt
from tests.courses.learning_world import body_with, enroll, make_course

QUIZ_ID = "quiz-leak"
ORDER_ITEMS = [f"STEP-{letter}-ORDER" for letter in "DAFBEC"]
MATCH_RIGHTS = [f"RIGHT-{n}-MATCH" for n in (3, 1, 4, 2)]
#: Strings that only the answer key holds.
SENTINELS = [
    "SENTINEL-ACCEPTED-7f3a",
    "SENTINEL-ACCEPTED-ALT",
    "SENTINEL-GAP-ANSWER-1",
    "SENTINEL-GAP-ALT-9c1e",
    "SENTINEL-TF-EXPLAIN",
    "SENTINEL-EXPLAIN",
    "271828",
    "0.000314159",
]
#: JSON keys and words that would carry correctness.
KEY_WORDS = ["is_correct", "accepted_answers", "correct_answer", "explanation_html", "tolerance"]


def explained(kind, **fields):
    return {
        "prompt": f"<p>Prompt for {kind}</p>",
        "points": "2",
        "explanation": f"<p>SENTINEL-EXPLAIN-{kind}</p>",
        **fields,
    }


def sentinel_quiz(policy: str) -> dict:
    return {
        "type": "quiz",
        "id": QUIZ_ID,
        "value": {
            "title": "Sentinel quiz",
            "instructions": "<p>Answer.</p>",
            "settings": {
                "max_attempts": 0,
                "time_limit_minutes": 0,
                "pass_mark_percent": 60,
                "shuffle_questions": True,
                "shuffle_options": True,
                "review_policy": policy,
            },
            "questions": [
                {
                    "type": "single_choice",
                    "id": "q-single",
                    "value": explained(
                        "single_choice",
                        options=[
                            {"text": "Paris", "is_correct": True},
                            {"text": "Lyon", "is_correct": False},
                        ],
                    ),
                },
                {
                    "type": "multiple_choice",
                    "id": "q-multi",
                    "value": explained(
                        "multiple_choice",
                        options=[
                            {"text": "Red", "is_correct": True},
                            {"text": "Blue", "is_correct": True},
                            {"text": "Tuesday", "is_correct": False},
                        ],
                    ),
                },
                {
                    "type": "true_false",
                    "id": "q-tf",
                    "value": {
                        **explained("true_false", correct=True),
                        "explanation": "<p>SENTINEL-TF-EXPLAIN</p>",
                    },
                },
                {
                    "type": "short_answer",
                    "id": "q-short",
                    "value": explained(
                        "short_answer",
                        accepted_answers=["SENTINEL-ACCEPTED-7f3a", "SENTINEL-ACCEPTED-ALT"],
                        case_sensitive=True,
                    ),
                },
                {
                    "type": "numeric",
                    "id": "q-num",
                    "value": explained(
                        "numeric", value="271828.1828", tolerance="0.000314159", unit="km"
                    ),
                },
                {
                    "type": "matching",
                    "id": "q-match",
                    "value": explained(
                        "matching",
                        pairs=[
                            {"left": f"LEFT-{n}-MATCH", "right": right}
                            for n, right in enumerate(MATCH_RIGHTS, start=1)
                        ],
                    ),
                },
                {
                    "type": "ordering",
                    "id": "q-order",
                    "value": explained("ordering", items=ORDER_ITEMS),
                },
                {
                    "type": "fill_in_blanks",
                    "id": "q-blanks",
                    "value": explained(
                        "fill_in_blanks",
                        text="Capital: [[1]]; river: [[2]].",
                        gaps=[
                            {"answers": "SENTINEL-GAP-ANSWER-1|SENTINEL-GAP-ALT-9c1e"},
                            {"answers": "Seine"},
                        ],
                        case_sensitive=False,
                    ),
                },
                {
                    "type": "essay",
                    "id": "q-essay",
                    "value": explained("essay", min_words=0, max_words=0),
                },
            ],
        },
    }


#: A wrong answer to every question that echoes no part of the key.
WRONG_ANSWERS = {
    "q-q-single": "1",
    "q-q-tf": "false",
    "q-q-short": "nope",
    "q-q-num": "3",
    "q-q-blanks-1": "Lyon",
    "q-q-essay": "An essay with a few words.",
}


def assert_no_answer_key(text: str, where: str):
    for sentinel in SENTINELS + KEY_WORDS:
        assert sentinel not in text, f"{sentinel!r} leaked in {where}"
    for sequence in (ORDER_ITEMS, MATCH_RIGHTS):
        positions = [text.find(item) for item in sequence]
        if all(p >= 0 for p in positions):
            assert positions != sorted(positions), f"{sequence} in the correct order in {where}"


def _world(section, student, policy):
    course, (lesson,) = make_course(section, body=body_with(sentinel_quiz(policy)))
    enroll(student, course)
    return course, lesson


@pytest.fixture(params=["score_only", "never", "answers_after_due", "answers_after_submit"])
def policy(request):
    return request.param


def test_no_response_before_grading_carries_the_key(client_for, section, student, policy):
    _course, lesson = _world(section, student, policy)
    client = client_for(student)

    page = client.get(lesson.url)
    assert page.status_code == 200
    assert_no_answer_key(page.content.decode(), "lesson page before start")

    start = reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID})
    html_start = client.post(start)
    assert html_start.status_code == 302
    assert_no_answer_key(html_start.content.decode(), "quiz start (HTML)")
    json_start = client.post(start, HTTP_ACCEPT="application/json")
    assert json_start.status_code == 200
    assert_no_answer_key(json_start.content.decode(), "quiz start (JSON)")
    assert "Paris" in json_start.content.decode()  # the student view is there

    page = client.get(lesson.url).content.decode()
    assert 'name="q-q-single"' in page and "STEP-A-ORDER" in page  # the form is shown
    assert_no_answer_key(page, "lesson page with the attempt's form")


@pytest.mark.parametrize("policy", ["score_only", "never", "answers_after_due"])
def test_submit_and_result_hide_the_key_under_restrictive_policies(
    client_for, section, student, policy
):
    _course, lesson = _world(section, student, policy)
    client = client_for(student)
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    attempt = QuizAttempt.objects.get()
    submit = reverse("courses:attempt_submit", kwargs={"pk": attempt.pk})
    response = client.post(submit, WRONG_ANSWERS, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert_no_answer_key(text, f"submit response ({policy})")
    assert '"correct"' not in text
    for question in json.loads(text).get("questions", []):
        assert set(question) <= {"id", "kind", "answered", "answer", "status"}, question
    detail = reverse("courses:attempt_detail", kwargs={"pk": attempt.pk})
    for accept in ("text/html", "application/json"):
        body = client.get(detail, HTTP_ACCEPT=accept).content.decode()
        assert_no_answer_key(body, f"result page {accept} ({policy})")
        assert "Correct answer" not in body and '"correct"' not in body
    if policy == "never":
        assert "will share the result" in client.get(detail).content.decode()
        assert json.loads(text) == {}


def test_answers_after_submit_shows_the_key_only_after_grading(client_for, section, student):
    _course, lesson = _world(section, student, "answers_after_submit")
    client = client_for(student)
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    attempt = QuizAttempt.objects.get()
    detail = reverse("courses:attempt_detail", kwargs={"pk": attempt.pk})
    before = client.get(detail).content.decode()
    assert_no_answer_key(before, "result page of an open attempt")
    client.post(reverse("courses:attempt_submit", kwargs={"pk": attempt.pk}), WRONG_ANSWERS)
    after = client.get(detail).content.decode()
    for sentinel in ("SENTINEL-ACCEPTED-7f3a", "SENTINEL-GAP-ANSWER-1", "271828.1828"):
        assert sentinel in after
    assert "SENTINEL-EXPLAIN-short_answer" in after
    data = client.get(detail, HTTP_ACCEPT="application/json").json()
    single = next(q for q in data["review"]["questions"] if q["id"] == "q-single")
    assert single["correct"] is False and single["correct_answer"]["texts"] == ["Paris"]
    # the key is still absent from the lesson page itself
    assert_no_answer_key(client.get(lesson.url).content.decode(), "lesson page after grading")


def test_api_search_and_sitemap_carry_no_key(client_for, client, section, student):
    course, lesson = _world(section, student, "answers_after_submit")
    catalog_url = course.get_parent().get_parent().url
    for viewer in (None, student):
        if viewer is not None:
            client_for(viewer)
        responses = {
            "api detail": client.get(f"/api/v2/pages/{lesson.pk}/"),
            "api listing": client.get(
                "/api/v2/pages/", {"type": "courses.LessonPage", "fields": "body"}
            ),
            "api find": client.get("/api/v2/pages/find/", {"html_path": lesson.url}),
            "sitemap": client.get(reverse("sitemap")),
            "catalog search": client.get(catalog_url, {"q": "Prompt"}),
            "catalog search (quiz)": client.get(catalog_url, {"q": "Sentinel quiz"}),
        }
        # Searching for an answer echoes the query, but must find nothing.
        found = client.get(catalog_url, {"q": "SENTINEL-ACCEPTED-7f3a"}).content.decode()
        assert lesson.title not in found
        for where, response in responses.items():
            assert response.status_code < 500, where
            assert_no_answer_key(response.content.decode(), f"{where} as {viewer}")
    assert lesson.url not in client.get(reverse("sitemap")).content.decode()


def test_search_index_holds_no_key(section, student):
    """The search backend never indexed an answer: searching for one finds nothing."""
    from wagtail.models import Page

    _course, lesson = _world(section, student, "answers_after_submit")
    assert Page.objects.live().search("Prompt").count() >= 1  # the lesson text is indexed
    for sentinel in ("SENTINEL-ACCEPTED-7f3a", "SENTINEL-GAP-ALT-9c1e", "SENTINEL-EXPLAIN"):
        assert list(Page.objects.live().search(sentinel)) == [], sentinel


def test_tutor_preview_of_the_quiz_has_no_key(client_for, section, tutor, student):
    """Even the owner's view of the lesson renders the student view only."""
    _course, lesson = _world(section, student, "answers_after_submit")
    response = client_for(tutor).get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "only enrolled students can take this quiz" in html
    assert_no_answer_key(html, "lesson page as the owning tutor")


def test_api_representation_of_the_lesson_body_has_no_key(section, student):
    """Were the API ever to serve lessons, the body it would serialise holds no key."""
    _course, lesson = _world(section, student, "answers_after_submit")
    data = lesson.body.stream_block.get_api_representation(lesson.body)
    text = json.dumps(data)
    assert "Paris" in text and QUIZ_ID in text
    assert_no_answer_key(text, "API representation of the body")

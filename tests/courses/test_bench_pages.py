"""`manage.py bench_pages` and the rendered-block cache it measures.

The benchmark is not a timed test: here it runs with a handful of requests, and the test
checks that it reports both medians and their ratio, and that it leaves nothing behind.
The cache tests check what makes caching the lesson body safe: the viewer's own CSRF
token in the quiz form, an edit shown at once, one cache entry per language, and no
answer key in what is cached.
"""

from __future__ import annotations

import pickle
import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Revision

from courses.learning import lesson_context
from courses.models import CourseEnrollment, LessonPage, QuizAttempt
from people.models import User
from tests.courses.learning_world import QUIZ_ID, body_with, enroll, make_course, quiz_block

MEDIAN = r"median\s+(\d+\.\d+) ms"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_bench_pages_reports_medians_and_ratio_and_leaves_nothing(db):
    counts = (
        Page.objects.count(),
        Revision.objects.count(),
        User.objects.count(),
        CourseEnrollment.objects.count(),
        QuizAttempt.objects.count(),
    )
    out = StringIO()
    call_command("bench_pages", requests=5, warmup=1, stdout=out)
    text = out.getvalue()

    reference = re.search(r"reference \(plain Wagtail page\)\s+" + MEDIAN, text)
    ours = re.search(r"lesson \(enrolled student\)\s+" + MEDIAN, text)
    ratio = re.search(r"ratio \(lesson / reference\)\s+median\s+(\d+\.\d+)", text)
    assert reference and ours and ratio, text
    assert float(reference.group(1)) > 0 and float(ours.group(1)) > 0
    expected = float(ours.group(1)) / float(reference.group(1))
    assert float(ratio.group(1)) == pytest.approx(expected, abs=0.01)
    assert "20 blocks (a quiz of 9 questions), 5 timed requests" in text
    # Rolled back: no page, revision, account, enrolment or attempt is left.
    assert (
        Page.objects.count(),
        Revision.objects.count(),
        User.objects.count(),
        CourseEnrollment.objects.count(),
        QuizAttempt.objects.count(),
    ) == counts
    assert not LessonPage.objects.exists()


def test_bench_pages_refuses_nonsense_counts(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("bench_pages", requests=0, stdout=StringIO())


# --- the cache ---------------------------------------------------------------------------


def _open_attempt(client, lesson):
    response = client.post(
        reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID})
    )
    assert response.status_code in (302, 303)
    return QuizAttempt.objects.get(page_translation_key=lesson.translation_key)


def _csrf_value(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_cached_quiz_form_carries_the_viewers_own_csrf_token(client_for, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block(), texts=3))
    enroll(student, course)
    client = client_for(student)
    attempt = _open_attempt(client, lesson)

    first = client.get(lesson.url).content.decode()
    second = client.get(lesson.url).content.decode()  # served from the cache
    for html in (first, second):
        assert "placeholder" not in html
        assert reverse("courses:attempt_submit", kwargs={"pk": attempt.pk}) in html
        assert html.count('class="quiz-question') == 2
        assert "Carbon dioxide" in html and "Paragraph 2." in html
        assert "is_correct" not in html and "chlorophyll" not in html
    # The quiz form posts with a token the CSRF middleware accepts.
    token = next(iter(_csrf_value(second)))
    client.handler.enforce_csrf_checks = True
    response = client.post(
        reverse("courses:attempt_submit", kwargs={"pk": attempt.pk}),
        {"csrfmiddlewaretoken": token, "quiz": QUIZ_ID, "q-q-single": "1", "q-q-short": "x"},
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    # Another student's page carries another token: the cached form holds none.
    assert token not in _csrf_value(Client().get(reverse("people:login")).content.decode())


def test_cache_holds_no_answer_key(client_for, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block()))
    enroll(student, course)
    client = client_for(student)
    _open_attempt(client, lesson)
    client.get(lesson.url)
    stored = [pickle.loads(value) for value in cache._cache.values()]  # LocMemCache's entries
    assert any("Paragraph 0." in repr(value) for value in stored), "the lesson body was cached"
    text = repr(stored)
    for secret in ("is_correct", "chlorophyll", "Photosynthesis uses CO2"):
        assert secret not in text


def test_a_published_edit_shows_at_once(client_for, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block()))
    enroll(student, course)
    client = client_for(student)
    assert "Paragraph 0." in client.get(lesson.url).content.decode()

    lesson.body = body_with(quiz_block(), texts=0) + [
        {"type": "text", "value": {"text": "<p>A brand new paragraph.</p>"}, "id": "t-new"}
    ]
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert "A brand new paragraph." in html
    assert "Paragraph 0." not in html


def test_each_language_has_its_own_entry(rf, section, student):
    """Interface strings inside blocks are translated: one cache entry per language."""
    course, (lesson,) = make_course(section, body=body_with(quiz_block()))
    enroll(student, course)
    request = rf.get(lesson.url)
    request.user = student
    for language in ("en", "uk", "en"):
        with translation.override(language):
            context = lesson_context(request, lesson)
        html = [item["html"] for item in context["lesson_blocks"] if item["html"]]
        assert any("Paragraph 0." in part for part in html)
    assert len([key for key in cache._cache if "lesson-html" in key]) == 2


def test_previews_are_not_cached(rf, section, student):
    course, (lesson,) = make_course(section, body=body_with(quiz_block()))
    request = rf.get(lesson.url)
    request.user = student
    request.is_preview = True
    context = lesson_context(request, lesson)
    assert all(item["html"] is None for item in context["lesson_blocks"])
    assert all(item["block"] is not None for item in context["lesson_blocks"])
    assert not [key for key in cache._cache if "courses:" in key]

"""The course path of the issue's "Done means", in Chromium, from authoring to a quiz score.

A tutor submits a lesson for moderation in the Wagtail admin, an admin (a Moderator)
approves it there, and an enrolled student opens it in English and in Ukrainian, takes the
quiz in Ukrainian and sees their score. The course, the draft lesson with its quiz and the
enrolment are made with the services first, so that the browser spends its time on the
steps that matter; the Ukrainian translation is made with `copy_for_translation` once the
lesson is live. Every page the student sees is checked for answer keys.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from wagtail.models import Locale, WorkflowState

from courses.models import CoursePage, LessonPage, QuizAttempt
from courses.services.enrollment import enrollment_create
from courses.services.sections import tutor_section_ensure
from people import demo
from people.models import Level, Subject
from people.roles import Role
from people.services import user_create
from tests.e2e.steps import sign_in, start_over

pytestmark = pytest.mark.browser

QUIZ_ID = "quiz-path"
#: Texts only the server may know: none of them may reach the student's browser.
SECRETS = (
    "is_correct",
    "SENTINEL-ACCEPTED-ANSWER",
    "SENTINEL-EXPLANATION-SINGLE",
    "SENTINEL-EXPLANATION-SHORT",
)
#: Milliseconds to wait for a step that saves and redirects (the admin is slow to render).
SLOW_MS = 30_000


def lesson_body() -> list[dict]:
    """A heading, a text and a two-question quiz whose review shows the score only."""
    return [
        {"type": "heading", "value": {"text": "Photosynthesis", "level": "h2"}, "id": "h-1"},
        {"type": "text", "value": {"text": "<p>Plants make food from light.</p>"}, "id": "t-1"},
        {
            "type": "quiz",
            "id": QUIZ_ID,
            "value": {
                "title": "Check yourself",
                "instructions": "<p>Answer both questions.</p>",
                "settings": {
                    "max_attempts": 0,
                    "time_limit_minutes": 0,
                    "pass_mark_percent": 50,
                    "shuffle_questions": False,
                    "shuffle_options": False,
                    "review_policy": "score_only",
                },
                "questions": [
                    {
                        "type": "single_choice",
                        "id": "q-gas",
                        "value": {
                            "prompt": "<p>Which gas do plants take in?</p>",
                            "options": [
                                {"text": "Oxygen", "is_correct": False},
                                {"text": "Carbon dioxide", "is_correct": True},
                            ],
                            "points": "1",
                            "explanation": "<p>SENTINEL-EXPLANATION-SINGLE</p>",
                        },
                    },
                    {
                        "type": "short_answer",
                        "id": "q-pigment",
                        "value": {
                            "prompt": "<p>Name the green pigment.</p>",
                            "accepted_answers": ["SENTINEL-ACCEPTED-ANSWER"],
                            "case_sensitive": False,
                            "points": "1",
                            "explanation": "<p>SENTINEL-EXPLANATION-SHORT</p>",
                        },
                    },
                ],
            },
        },
    ]


def make_world() -> dict:
    """A tutor with a live course and a draft lesson, an admin, an enrolled student."""
    password = demo.DEMO_PASSWORD
    tutor = user_create(
        email="path-tutor@example.test",
        role=Role.TUTOR,
        password=password,
        first_name="Tamara",
        last_name="Tutor",
    )
    admin = user_create(
        email="path-admin@example.test",
        role=Role.ADMIN,
        password=password,
        first_name="Adam",
        last_name="Admin",
    )
    student = user_create(
        email="path-student@example.test",
        role=Role.STUDENT,
        password=password,
        first_name="Stepan",
        last_name="Student",
    )
    section = tutor_section_ensure(tutor=tutor)
    locale = Locale.get_default()
    subject = Subject.objects.create(locale=locale, name="Biology", slug="biology-path")
    course = CoursePage(
        title="Plants",
        slug="plants",
        summary="How plants live.",
        subject=subject,
        level=Level.objects.order_by("sort_order").first(),
        owner=tutor,
    )
    section.add_child(instance=course)
    course.save_revision(user=admin).publish()
    lesson = LessonPage(
        title="How plants eat", slug="how-plants-eat", live=False, owner=tutor, body=lesson_body()
    )
    course.add_child(instance=lesson)
    lesson.save_revision(user=tutor)
    enrollment_create(student=student, course=course, by=admin)
    return {"tutor": tutor, "admin": admin, "student": student, "course": course, "lesson": lesson}


def footer_action(page: Page, selector: str):
    """A button of the editor's footer action menu, opening its dropdown when needed."""
    toggle = page.locator("footer [data-w-dropdown-target='toggle']").first
    expect(toggle).to_be_visible()  # the editor has loaded
    button = page.locator(selector)
    if not button.is_visible():
        toggle.click()
    expect(button).to_be_visible()
    return button


def assert_no_answer_key(page: Page) -> None:
    html = page.content()
    for secret in SECRETS:
        assert secret not in html, f"{secret!r} reached the student on {page.url}"


def test_tutor_submits_admin_approves_student_learns_in_two_languages(browser_page: Page):
    world = make_world()
    lesson = world["lesson"]
    page = browser_page
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])

    # --- the tutor submits the lesson to moderation in the Wagtail editor --------------
    sign_in(page, world["tutor"].email)
    page.goto(edit_url)
    expect(page.locator("input[name='title']")).to_have_value("How plants eat")
    footer_action(page, "button[name='action-submit']").click()
    expect(page.locator(".messages")).to_contain_text("submitted", timeout=SLOW_MS)
    state = WorkflowState.objects.get(object_id=str(lesson.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by_id == world["tutor"].pk
    lesson.refresh_from_db()
    assert not lesson.live
    start_over(page)

    # --- an admin (a Moderator) approves it: it goes live ---------------------------------
    sign_in(page, world["admin"].email)
    page.goto(edit_url)
    approve = (
        "footer button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    )
    footer_action(page, approve).click()
    # Wagtail saves the page, then approves: "Page 'How plants eat' has been updated."
    expect(page.locator(".messages")).to_contain_text("How plants eat", timeout=SLOW_MS)
    lesson.refresh_from_db()
    assert lesson.live and lesson.live_revision_id is not None
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    start_over(page)

    # The Ukrainian translation of the live lesson (and of its course, section, catalog).
    ukrainian = Locale.objects.get(language_code="uk")
    uk_lesson = lesson.copy_for_translation(ukrainian, copy_parents=True)
    for ancestor in uk_lesson.get_ancestors().filter(locale=ukrainian, live=False):
        ancestor.specific.save_revision().publish()
    uk_lesson.title = "Як живляться рослини"
    uk_lesson.save_revision().publish()
    uk_lesson.refresh_from_db()
    uk_url = uk_lesson.get_url()
    assert uk_url.startswith("/uk/")

    # --- the enrolled student opens it in English ----------------------------------------
    sign_in(page, world["student"].email)
    page.goto(lesson.get_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("How plants eat")
    expect(page.locator(".lesson-body")).to_contain_text("Plants make food from light.")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_answer_key(page)

    # --- then in Ukrainian, where they start the quiz, answer and submit -----------------
    page.goto(uk_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Як живляться рослини")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    assert_no_answer_key(page)
    page.locator(f"#quiz-panel-{QUIZ_ID} form button[type='submit']").click()
    quiz_form = page.locator(f"#quiz-{QUIZ_ID} form.quiz-form")
    expect(quiz_form).to_be_visible(timeout=SLOW_MS)
    assert page.url.split("#")[0].endswith(uk_url)
    assert_no_answer_key(page)
    quiz_form.get_by_label("Carbon dioxide").check()
    quiz_form.locator("input[name='q-q-pigment']").fill("chlorophyll")
    quiz_form.locator("button[type='submit']").click()

    # --- their score (1 of 2: the pigment's accepted answer is the sentinel) ------------
    attempt = QuizAttempt.objects.get(student=world["student"], quiz_block_id=QUIZ_ID)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("courses:attempt_detail", args=[attempt.pk]))),
        timeout=SLOW_MS,
    )
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == 1
    assert attempt.page_translation_key == lesson.translation_key
    score = page.locator(".quiz-score")
    expect(score).to_be_visible()
    expect(score.locator("p").first).to_have_text(re.compile(r"^\s*1(?:[.,]0+)?\D+2(?:[.,]0+)?\D"))
    assert_no_answer_key(page)

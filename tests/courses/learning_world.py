"""Builders shared by the learning tests: published courses, quizzes, enrollments.

Pages are published through a real revision (`save_revision().publish()`), because
attempts pin `page.live_revision`. Enrollments are made directly on the model: these
tests are about progress and quizzes, not about the enrollment service.
"""

from __future__ import annotations

import copy

from courses.models import CourseEnrollment, EnrollmentSource, EnrollmentStatus
from tests.courses.factories import CoursePageFactory, LessonPageFactory

QUIZ_ID = "quiz-main"


def quiz_settings(**overrides) -> dict:
    settings = {
        "max_attempts": 0,
        "time_limit_minutes": 0,
        "pass_mark_percent": 50,
        "shuffle_questions": False,
        "shuffle_options": False,
        "review_policy": "answers_after_submit",
    }
    settings.update(overrides)
    return settings


SINGLE = {
    "type": "single_choice",
    "id": "q-single",
    "value": {
        "prompt": "<p>Which gas do plants take in?</p>",
        "options": [
            {"text": "Oxygen", "is_correct": False},
            {"text": "Carbon dioxide", "is_correct": True},
        ],
        "points": "2",
        "explanation": "<p>Photosynthesis uses CO2.</p>",
    },
}
SHORT = {
    "type": "short_answer",
    "id": "q-short",
    "value": {
        "prompt": "<p>Name the green pigment.</p>",
        "accepted_answers": ["chlorophyll"],
        "case_sensitive": False,
        "points": "2",
        "explanation": "",
    },
}
ESSAY = {
    "type": "essay",
    "id": "q-essay",
    "value": {
        "prompt": "<p>Explain photosynthesis.</p>",
        "min_words": 0,
        "max_words": 0,
        "points": "4",
        "explanation": "",
    },
}


def quiz_block(*, questions=None, block_id: str = QUIZ_ID, **settings) -> dict:
    """A raw quiz stream child."""
    return {
        "type": "quiz",
        "id": block_id,
        "value": {
            "title": "Check yourself",
            "instructions": "<p>Answer every question.</p>",
            "settings": quiz_settings(**settings),
            "questions": copy.deepcopy(questions if questions is not None else [SINGLE, SHORT]),
        },
    }


def body_with(*blocks, texts: int = 1) -> list[dict]:
    """A raw lesson body: a heading, `texts` text blocks, then `blocks`."""
    body = [{"type": "heading", "value": {"text": "Introduction", "level": "h2"}, "id": "h-1"}]
    body += [
        {"type": "text", "value": {"text": f"<p>Paragraph {n}.</p>"}, "id": f"t-{n}"}
        for n in range(texts)
    ]
    return body + list(blocks)


def publish(page):
    """Publish `page` through a revision so that `live_revision` is set."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page.specific


def make_course(section, *, lessons: int = 1, body=None, title: str = "Plants"):
    """A published course under `section` with `lessons` published lessons (same body)."""
    course = publish(CoursePageFactory(parent=section, title=title))
    items = [
        publish(
            LessonPageFactory(
                parent=course,
                title=f"{title} lesson {n + 1}",
                body=body if body is not None else body_with(quiz_block()),
            )
        )
        for n in range(lessons)
    ]
    return course, items


def enroll(student, course, *, status=EnrollmentStatus.ACTIVE) -> CourseEnrollment:
    """Enroll `student` in `course` (all translations) directly."""
    return CourseEnrollment.objects.create(
        student=student,
        course_translation_key=course.translation_key,
        course=course,
        status=status,
        source=EnrollmentSource.TUTOR,
        completed_at=None if status != EnrollmentStatus.COMPLETED else course.first_published_at,
    )

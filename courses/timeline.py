"""The courses' events on a student's timeline: lessons completed and quizzes graded.

Three queries for any number of students and events: completions, graded attempts, and
the titles of the pages they belong to (in the viewer's language where translated).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Page

from people.timeline import TimelineEvent, newest_per_student, register_source

from .models import AttemptStatus, LessonProgress, QuizAttempt


def _titles(keys: set) -> dict:
    """Page title per translation key, preferring the active language's translation."""
    language = translation.get_language() or ""
    titles: dict = {}
    rows = Page.objects.filter(translation_key__in=keys).values_list(
        "translation_key", "title", "locale__language_code"
    )
    for key, title, code in rows:
        if key not in titles or code == language:
            titles[key] = title
    return titles


def _percent(result: dict) -> str:
    try:
        return str(round(Decimal(result.get("percent"))))
    except (InvalidOperation, TypeError, ValueError):
        return ""


def course_events(student_ids: list[int], limit: int) -> list[TimelineEvent]:
    """Each student's newest `limit` completions and graded quizzes (window per student)."""
    completions = list(
        newest_per_student(
            LessonProgress.objects.filter(student_id__in=student_ids, completed_at__isnull=False),
            limit=limit,
            at="completed_at",
        ).values_list("student_id", "lesson_translation_key", "completed_at")
    )
    attempts = list(
        newest_per_student(
            QuizAttempt.objects.filter(student_id__in=student_ids, status=AttemptStatus.GRADED),
            limit=limit,
            at="submitted_at",
        ).values_list("student_id", "page_translation_key", "submitted_at", "result")
    )
    titles = _titles({row[1] for row in completions} | {row[1] for row in attempts})
    unknown = gettext("a removed lesson")
    events = [
        TimelineEvent(
            student_id=student_id,
            at=completed_at,
            kind="progress",
            text=gettext("Completed “%(title)s”") % {"title": titles.get(key, unknown)},
        )
        for student_id, key, completed_at in completions
    ]
    for student_id, key, submitted_at, result in attempts:
        percent = _percent(result or {})
        title = titles.get(key, unknown)
        text = (
            gettext("Quiz in “%(title)s”: %(percent)s%%") % {"title": title, "percent": percent}
            if percent
            else gettext("Quiz in “%(title)s” graded") % {"title": title}
        )
        events.append(
            TimelineEvent(student_id=student_id, at=submitted_at, kind="grade", text=text)
        )
    return events


register_source("courses", course_events)

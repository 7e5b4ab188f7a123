"""Quiz attempts: start, submit (graded on the server), and the tutor's essay grades.

An attempt is keyed by the page's translation key and the quiz block's stable stream id,
and pins the page revision the student was shown: grading always uses that revision's
answer key, even if the tutor has edited the quiz since.

The rules, and what enforces them under concurrent requests:

* at most `max_attempts` attempts, numbered 1, 2, ...: the attempt-number unique
  constraint (two concurrent starts cannot both take the same number);
* one open attempt per quiz: a partial unique constraint; starting again reuses it;
* submitting an attempt grades it once: the row is locked (PostgreSQL), its status is
  checked, and the update only applies while it is still open (on SQLite, where
  `select_for_update` does nothing, that conditional update is the guard);
* a submission after the time limit (server clock from `started_at`) is refused; the
  attempt is closed with no answers when the student starts the next one;
* malformed answers raise `GradingInputError` (a ValidationError → 400) before anything
  is stored.

Callers check access first (`courses.learning`); these services take the checked objects.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page

from courses.grading import QuizResult, apply_essay_grade, grade_quiz, parse_form_answers
from courses.learning import (
    attempt_deadline,
    attempt_expired,
    quiz_block_in,
    quiz_value_in_revision,
)
from courses.models import AttemptStatus, QuizAttempt
from courses.services.progress import lesson_complete
from courses.signals import quiz_attempt_graded

logger = logging.getLogger(__name__)


def _conflict(message: str) -> ValidationError:
    return ValidationError(message, code="conflict")


def _close_expired(attempt: QuizAttempt, quiz_value, *, now: datetime) -> None:
    """Close an open attempt whose time ran out: graded as if nothing was answered."""
    result = grade_quiz(quiz_value, {})
    deadline = attempt_deadline(attempt, quiz_value) or now
    closed = QuizAttempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
        status=AttemptStatus.GRADED,
        submitted_at=min(deadline, now),
        answers={},
        result=result.to_dict(),
        score=result.points_awarded,
    )
    if closed:
        attempt.refresh_from_db()
        quiz_attempt_graded.send(sender=QuizAttempt, attempt=attempt)
    logger.info("quiz attempt %s closed: time limit passed", attempt.pk)


def quiz_attempt_start(
    *, student, page: Page, block_id: str, now: datetime | None = None
) -> tuple[QuizAttempt, bool]:
    """Start an attempt at the quiz `block_id` of the live `page`; (attempt, created).

    Reuses the student's open attempt when there is one (still within its time). Refuses
    (ValidationError, code "conflict") when every allowed attempt is used. The attempt
    pins `page.live_revision`, the version the student is shown.
    """
    now = now or timezone.now()
    child = quiz_block_in(page, block_id)
    if child is None:
        raise ValidationError(gettext("This lesson has no such quiz."), code="invalid")
    revision = page.live_revision
    if revision is None or not page.live:
        raise _conflict(gettext("This lesson is not published."))
    max_attempts = int((child.value.get("settings") or {}).get("max_attempts") or 0)
    mine = QuizAttempt.objects.filter(
        student=student, page_translation_key=page.translation_key, quiz_block_id=str(block_id)
    )
    with transaction.atomic():
        open_attempt = mine.select_for_update().filter(status=AttemptStatus.IN_PROGRESS).first()
        if open_attempt is not None:
            seen = quiz_value_in_revision(open_attempt.revision, open_attempt.quiz_block_id)
            if not attempt_expired(open_attempt, seen, now=now):
                return open_attempt, False
            # Committed on its own: the attempt stays closed even if no new one may start.
            _close_expired(open_attempt, seen, now=now)
    with transaction.atomic():
        used = mine.count()
        if max_attempts and used >= max_attempts:
            raise _conflict(
                gettext("You have used all %(max)s attempts at this quiz.") % {"max": max_attempts}
            )
        number = (mine.aggregate(last=Max("attempt_number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    student=student,
                    page_translation_key=page.translation_key,
                    quiz_block_id=str(block_id),
                    revision=revision,
                    attempt_number=number,
                    started_at=now,
                )
        except IntegrityError:
            raise _conflict(
                gettext("Another attempt was started at the same time; reload the page.")
            ) from None
    logger.info("student %s started attempt %s (#%s)", student.pk, attempt.pk, number)
    return attempt, True


def _answers_from(quiz_value, data) -> dict:
    """Answers in `grade_quiz` format from a posted form (QueryDict) or a JSON mapping."""
    if hasattr(data, "getlist"):
        return parse_form_answers(quiz_value, data)
    if data is None or isinstance(data, Mapping):
        return dict(data or {})
    raise ValidationError(
        gettext("The answers must be sent as a mapping of question ids."), code="invalid"
    )


def quiz_attempt_submit(
    *,
    attempt: QuizAttempt,
    data,
    course_translation_key: uuid.UUID,
    now: datetime | None = None,
) -> QuizAttempt:
    """Grade the student's answers to their open `attempt` and close it.

    `data` is the posted quiz form (a QueryDict, parsed with `parse_form_answers`) or a
    mapping of answers in `grade_quiz` format (JSON). Grades against the revision the
    attempt pinned. Refuses, storing nothing: malformed answers (GradingInputError, 400),
    an attempt already submitted or past its time limit (code "conflict", 409). Passing
    a quiz with no essay pending completes the lesson.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            QuizAttempt.objects.select_for_update()
            .select_related("revision")
            .get(pk=attempt.pk, student_id=attempt.student_id)
        )
        if locked.status != AttemptStatus.IN_PROGRESS:
            raise _conflict(gettext("This attempt was already submitted; its first grade stands."))
        quiz_value = quiz_value_in_revision(locked.revision, locked.quiz_block_id)
        if quiz_value is None:
            raise _conflict(gettext("This quiz is no longer available."))
        if attempt_expired(locked, quiz_value, now=now):
            raise _conflict(
                gettext("The time limit of this attempt has passed; the answers were not accepted.")
            )
        result = grade_quiz(quiz_value, _answers_from(quiz_value, data))
        answers = {q.question_id: q.answer for q in result.questions if q.answer is not None}
        status = (
            AttemptStatus.NEEDS_GRADING if result.pending_question_ids else AttemptStatus.GRADED
        )
        updated = QuizAttempt.objects.filter(pk=locked.pk, status=AttemptStatus.IN_PROGRESS).update(
            answers=answers,
            result=result.to_dict(),
            score=result.points_awarded,
            status=status,
            submitted_at=now,
        )
        if not updated:
            raise _conflict(gettext("This attempt was already submitted; its first grade stands."))
        if status == AttemptStatus.GRADED:
            locked.refresh_from_db()
            quiz_attempt_graded.send(sender=QuizAttempt, attempt=locked)
        if result.is_final and result.passed:
            lesson_complete(
                student=locked.student,
                lesson_translation_key=locked.page_translation_key,
                course_translation_key=course_translation_key,
                now=now,
            )
    locked.refresh_from_db()
    logger.info("quiz attempt %s submitted: %s", locked.pk, locked.status)
    return locked


def essay_grade(
    *, attempt: QuizAttempt, question_id: str, points, feedback: str = "", by
) -> QuizAttempt:
    """The tutor's grade for one essay of `attempt`; the attempt's score is recomputed.

    `points` from 0 to the question's points (GradingInputError otherwise, nothing
    stored). Once no essay is pending the attempt is graded, and a pass completes the
    lesson. Grading again replaces the earlier grade. `by` is the owning tutor, checked
    by the caller (`courses.learning.get_gradable_attempt_for`).
    """
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status not in (AttemptStatus.NEEDS_GRADING, AttemptStatus.GRADED):
            raise _conflict(gettext("This attempt has not been submitted."))
        result = apply_essay_grade(
            QuizResult.from_dict(locked.result), question_id, points, feedback=feedback
        )
        locked.result = result.to_dict()
        locked.score = result.points_awarded
        locked.status = AttemptStatus.GRADED if result.is_final else AttemptStatus.NEEDS_GRADING
        locked.full_clean(exclude=["student", "revision"])
        locked.save(update_fields=["result", "score", "status"])
        if result.is_final:
            quiz_attempt_graded.send(sender=QuizAttempt, attempt=locked)
        if result.is_final and result.passed:
            page = Page.objects.filter(pk=locked.revision.object_id).first()
            course_key = (
                Page.objects.filter(path=page.path[: -Page.steplen])
                .values_list("translation_key", flat=True)
                .first()
                if page is not None
                else None
            )
            if course_key is not None:
                lesson_complete(
                    student=locked.student,
                    lesson_translation_key=locked.page_translation_key,
                    course_translation_key=course_key,
                )
    logger.info("essay %s of attempt %s graded by %s", question_id, locked.pk, by.pk)
    return locked

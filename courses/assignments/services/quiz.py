"""Quizzes count: the counted graded attempt of an assigned page goes into the submission."""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from courses.models import AttemptStatus, QuizAttempt, TaskPage
from courses.models.pages import QuizCounting

from ..models import (
    EDITABLE_STATUSES,
    Assignment,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)
from ..signals import submission_graded, submission_submitted
from .common import (
    CENT,
    _notify_graded,
    _record,
)

logger = logging.getLogger(__name__)


def _attempt_percent(attempt: QuizAttempt) -> Decimal | None:
    try:
        possible = Decimal(str((attempt.result or {}).get("points_possible")))
    except (InvalidOperation, TypeError, ValueError):
        return None
    if possible <= 0 or attempt.score is None:
        return None
    return attempt.score / possible


def _counting_rule(assignment: Assignment) -> str:
    rule = (
        TaskPage.objects.filter(translation_key=assignment.page_translation_key)
        .values_list("quiz_counting", flat=True)
        .first()
    )
    return rule or QuizCounting.BEST


def counted_attempt(assignment: Assignment, *, until=None) -> QuizAttempt | None:
    """The graded attempt that counts for `assignment`: among the student's graded
    attempts at the page's quizzes submitted since the assignment was made (and, with
    `until`, no later than that), the best (highest share of the points; the earliest of
    equals) or the last, per the task's `quiz_counting` (lessons: best)."""
    candidates = QuizAttempt.objects.filter(
        student_id=assignment.student_id,
        page_translation_key=assignment.page_translation_key,
        status=AttemptStatus.GRADED,
        submitted_at__gte=assignment.created_at,
    )
    if until is not None:
        candidates = candidates.filter(submitted_at__lte=until)
    attempts = [
        attempt
        for attempt in candidates.order_by("submitted_at", "pk")
        if _attempt_percent(attempt) is not None
    ]
    if not attempts:
        return None
    if _counting_rule(assignment) == QuizCounting.LAST:
        return attempts[-1]
    return max(attempts, key=lambda a: (_attempt_percent(a), -a.submitted_at.timestamp(), -a.pk))


def _scaled(attempt: QuizAttempt, max_points: Decimal) -> Decimal:
    return (_attempt_percent(attempt) * max_points).quantize(CENT, rounding=ROUND_HALF_UP)


def on_quiz_attempt_graded(sender, attempt: QuizAttempt, **kwargs) -> None:
    """Receiver of `courses.signals.quiz_attempt_graded`: count the attempt into the
    student's assignments of that page (see the module docstring). Idempotent."""
    assignments = Assignment.objects.filter(
        student_id=attempt.student_id,
        page_translation_key=attempt.page_translation_key,
        created_at__lte=attempt.submitted_at,
    ).values_list("pk", flat=True)
    for pk in assignments:
        _count_quiz(pk, attempt)


def _count_quiz(assignment_pk: int, trigger: QuizAttempt) -> None:
    now = timezone.now()
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("assignment__tutor", "assignment__student")
        .filter(assignment_id=assignment_pk)
        .first()
    )
    if submission is None:
        return  # an assignment made without the services has no submission to count into
    assignment = submission.assignment
    automatic_grade = submission.status == SubmissionStatus.GRADED and not submission.graded_by_id
    if not (submission.status in EDITABLE_STATUSES or (assignment.quiz_only and automatic_grade)):
        return  # the tutor's turn, or the tutor's grade: it stands
    regrading = assignment.quiz_only and automatic_grade
    if regrading and not assignment.allow_late:
        # graded work that refuses lateness: attempts after the due date change nothing
        if trigger.submitted_at is not None and trigger.submitted_at > assignment.due_at:
            return
        attempt = counted_attempt(assignment, until=assignment.due_at)
    else:
        attempt = counted_attempt(assignment)
    if attempt is None:
        return
    points = _scaled(attempt, assignment.max_points)
    submission.quiz_attempt = attempt
    submission.quiz_points = points
    submission.updated_at = now
    fields = ["quiz_attempt", "quiz_points", "updated_at"]
    if not assignment.quiz_only:
        submission.save(update_fields=fields)
        return
    student = assignment.student
    if automatic_grade:
        if submission.points != points:
            submission.points = points
            submission.graded_at = now
            # late work accepted: the grade now rests on an attempt after the due date
            submission.is_late = submission.is_late or attempt.submitted_at > assignment.due_at
            submission.save(update_fields=[*fields, "points", "graded_at", "is_late"])
            _record(
                submission,
                actor=None,
                from_status=SubmissionStatus.GRADED,
                to_status=SubmissionStatus.GRADED,
                note=SubmissionEvent.Note.QUIZ_REGRADED,
                at=now,
            )
            submission_graded.send(sender=Submission, submission=submission)
        else:
            submission.save(update_fields=fields)
        return
    handed_in_at = trigger.submitted_at or now
    from_status = submission.status
    if from_status == SubmissionStatus.DRAFT:
        late = handed_in_at > assignment.due_at
        if late and not assignment.allow_late:
            submission.save(update_fields=fields)
            return  # too late to count: the work stays overdue
        submission.is_late = late
    submission.submitted_at = handed_in_at
    submission.status = SubmissionStatus.GRADED
    submission.points = points
    submission.graded_at = now
    submission.graded_by = None
    submission.save(
        update_fields=[
            *fields,
            "is_late",
            "submitted_at",
            "status",
            "points",
            "graded_at",
            "graded_by",
        ]
    )
    _record(
        submission,
        actor=student,
        from_status=from_status,
        to_status=SubmissionStatus.SUBMITTED,
        note=SubmissionEvent.Note.QUIZ_LATE if submission.is_late else SubmissionEvent.Note.QUIZ,
        at=handed_in_at,
    )
    _record(
        submission,
        actor=None,
        from_status=SubmissionStatus.SUBMITTED,
        to_status=SubmissionStatus.GRADED,
        note=SubmissionEvent.Note.QUIZ_GRADED,
        at=now,
    )
    submission_submitted.send(
        sender=Submission, submission=submission, on_time=not submission.is_late
    )
    submission_graded.send(sender=Submission, submission=submission)
    _notify_graded(submission)

"""Builders for gradebook and adaptive tests: graded attempts and graded assignments.

Attempts and assignments are made directly on the models: these tests are about reading
grades, not about grading (courses' and assignments' own tests cover that).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from courses.assignments.models import Assignment, Submission, SubmissionStatus
from courses.models import AttemptStatus, QuizAttempt
from tests.courses.learning_world import QUIZ_ID


def graded_attempt(
    student,
    lesson,
    *,
    score,
    possible="4",
    number=1,
    block_id=QUIZ_ID,
    status=AttemptStatus.GRADED,
    submitted_at=None,
) -> QuizAttempt:
    """A submitted attempt of `student` at `lesson`'s quiz with `score` of `possible` points."""
    score = Decimal(str(score))
    possible = Decimal(str(possible))
    return QuizAttempt.objects.create(
        student=student,
        page_translation_key=lesson.translation_key,
        quiz_block_id=block_id,
        revision=lesson.live_revision,
        attempt_number=number,
        status=status,
        submitted_at=submitted_at or timezone.now(),
        score=score,
        answers={},
        result={
            "questions": [],
            "points_awarded": str(score),
            "points_possible": str(possible),
            "graded_points_possible": str(possible),
            "percent": str((score * 100 / possible).quantize(Decimal("0.01"))),
            "pass_mark_percent": "50",
            "passed": score * 2 >= possible,
            "pending_question_ids": [],
            "is_final": True,
        },
    )


def make_assignment(
    tutor, student, page, course, *, due_at=None, max_points="10", title=None, **fields
) -> Assignment:
    """An assignment of `page` (of `course`) to `student`, with its DRAFT submission."""
    assignment = Assignment.objects.create(
        tutor=tutor,
        student=student,
        page=page,
        page_translation_key=page.translation_key,
        course_translation_key=course.translation_key,
        title=title or page.title,
        due_at=due_at or timezone.now() + timedelta(days=3),
        max_points=Decimal(max_points),
        created_by=tutor,
        **fields,
    )
    Submission.objects.create(assignment=assignment)
    return assignment


def grade_assignment(assignment, *, points, when=None) -> Submission:
    """Mark the assignment's submission graded with `points` (directly on the row)."""
    when = when or timezone.now()
    submission = assignment.submission
    submission.status = SubmissionStatus.GRADED
    submission.submitted_at = submission.submitted_at or when
    submission.points = Decimal(str(points))
    submission.graded_at = when
    submission.graded_by = assignment.tutor
    submission.save()
    return submission

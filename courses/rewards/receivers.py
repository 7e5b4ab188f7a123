"""Awards on the learning events (connected in `RewardsConfig.ready`).

Each receiver runs inside the transaction of the event that sent it, and the award
services are idempotent (one entry per idempotency key), so a repeated or replayed event
never awards twice, and a rolled-back event leaves no points behind.
"""

from __future__ import annotations

from . import services


def on_lesson_completed(sender, *, student, lesson_translation_key, **kwargs) -> None:
    """A first completion of a lesson or task earns the lesson points."""
    services.lesson_points_award(student=student, lesson_translation_key=lesson_translation_key)


def on_quiz_attempt_graded(sender, *, attempt, **kwargs) -> None:
    """A finally graded, passed attempt earns points scaled by its score."""
    services.quiz_points_award(attempt=attempt)


def on_submission_submitted(sender, *, submission, on_time, **kwargs) -> None:
    """An assignment handed in on time earns the on-time points (once per submission)."""
    if on_time:
        services.submission_points_award(submission=submission)

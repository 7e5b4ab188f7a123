"""Writes for assignments: giving work, handing it in, grading, returning, quiz counting.

Every service takes the acting user as `by`, checks who may act (PermissionDenied) and the
state under a row lock (ValidationError with code "conflict" for a move the current state
does not allow), and changes nothing when it refuses. Each state change of a submission is
kept as a `SubmissionEvent`, tells the other party through `messaging.services.notify`,
and sends this app's signals inside the transaction.

The submission's life:

    DRAFT ──submit──▶ SUBMITTED ──grade──▶ GRADED
                        │    ▲
                  return│    │submit
                        ▼    │
                       RETURNED

* A DRAFT is refused after the due date unless the assignment accepts late work; a late
  hand-in is marked `is_late`. Lateness is decided by the first hand-in: a resubmission
  after a return is never refused (the tutor asked for it) and keeps the first verdict.
* Quiz tasks: when the assigned page has a quiz, the student's graded attempts made since
  the assignment count automatically (`on_quiz_attempt_graded`): the best or the last one,
  as the task's `quiz_counting` says, scaled to the assignment's `max_points`. With
  `quiz_only` (the quiz is the whole work), that attempt also hands the work in and grades
  it, with no tutor step (a better or later attempt updates that automatic grade);
  otherwise the points are recorded for the tutor, who grades the whole.

Modules: `assigning` (one student, a classroom, later members), `work` (drafts, hand-ins,
files, grade, return), `quiz` (the quiz receiver), `common` (shared helpers). Everything
public is re-exported here: import from `courses.assignments.services`.
"""

from .assigning import (
    assignment_create,
    assignments_for_classroom,
    on_classroom_member_added,
    page_has_quiz,
)
from .common import FEEDBACK_MAX_LENGTH, INSTRUCTIONS_MAX_LENGTH, MAX_POINTS_LIMIT, TEXT_MAX_LENGTH
from .quiz import counted_attempt, on_quiz_attempt_graded
from .work import (
    submission_grade,
    submission_return,
    submission_save_draft,
    submission_submit,
)

__all__ = [
    "FEEDBACK_MAX_LENGTH",
    "INSTRUCTIONS_MAX_LENGTH",
    "MAX_POINTS_LIMIT",
    "TEXT_MAX_LENGTH",
    "assignment_create",
    "assignments_for_classroom",
    "counted_attempt",
    "on_classroom_member_added",
    "on_quiz_attempt_graded",
    "page_has_quiz",
    "submission_grade",
    "submission_return",
    "submission_save_draft",
    "submission_submit",
]

"""What the assignments app announces (rewards, the gradebook and alerts listen).

Sent inside the writing transaction, after the rows are saved, so a receiver's rows
commit or roll back with the event itself (like `courses.signals`). Receivers must be
idempotent and quick; connect them in your app's `ready()`.
"""

from django.dispatch import Signal

#: A student handed in their work (also a resubmission after a return, and a quiz-only
#: assignment submitted by its counted quiz attempt).
#: Arguments: submission (status SUBMITTED, or GRADED for a quiz-only one), on_time (bool:
#: not `submission.is_late`). May be sent more than once for one submission.
submission_submitted = Signal()

#: A submission received its grade: by the tutor, or automatically from the counted quiz
#: attempt of a quiz-only assignment (sent again when a better/later attempt changes an
#: automatic grade). Arguments: submission (status GRADED, `points` set).
submission_graded = Signal()

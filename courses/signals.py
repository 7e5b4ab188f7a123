"""What the learning side announces to the apps built on it (rewards, assignments, alerts).

Sent inside the writing transaction, once per event (the first completion, the final
grade), so a receiver's rows commit or roll back with the event itself. Receivers must be
idempotent and quick; they are connected in their app's `ready()`.
"""

from django.dispatch import Signal

#: A student completed a lesson or task for the first time.
#: Arguments: student, lesson_translation_key, course_translation_key, completed_at.
lesson_completed = Signal()

#: A quiz attempt received its final grade (no essay pending).
#: Arguments: attempt (a QuizAttempt with status GRADED and its `result`).
quiz_attempt_graded = Signal()

"""Courses models: the page tree (`pages`) and learner state (`learning`), re-exported."""

from .learning import (
    AttemptStatus,
    CourseEnrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
)
from .pages import (
    COURSE_TREE_PAGE_TYPES,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    TaskKind,
    TaskPage,
    TutorSectionPage,
)

__all__ = [
    "COURSE_TREE_PAGE_TYPES",
    "AttemptStatus",
    "CourseEnrollment",
    "CourseIndexPage",
    "CoursePage",
    "EnrollmentSource",
    "EnrollmentStatus",
    "LessonPage",
    "LessonProgress",
    "QuizAttempt",
    "TaskKind",
    "TaskPage",
    "TutorSectionPage",
]

"""Learner state: enrollments, lesson progress and quiz attempts.

None of it lives in page content (STYLE §9). Everything is keyed by a page's
`translation_key`, not its id, so that a student's enrollment, progress and attempts are
shared by every translation of the same course, lesson or quiz: a student who starts a
course in English and switches to Ukrainian keeps their place.

The invariants are database constraints with names, so that concurrent requests cannot
break them either: one enrollment per student and course, one progress row per student
and lesson, one open attempt per student and quiz, attempts numbered without gaps or
repeats.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EnrollmentStatus(models.TextChoices):
    """Where an enrollment stands; only "active" ones open the course's lessons."""

    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class EnrollmentSource(models.TextChoices):
    """Who enrolled the student."""

    SELF = "self", _("Self-enrolled")
    TUTOR = "tutor", _("Enrolled by the tutor")
    MANAGER = "manager", _("Enrolled by a manager")


class AttemptStatus(models.TextChoices):
    """An attempt is open until submitted; essays make it wait for the tutor's grade."""

    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    GRADED = "graded", _("Graded")
    NEEDS_GRADING = "needs_grading", _("Waiting for the tutor")


class CourseEnrollment(models.Model):
    """A student taking a course, in every translation of it.

    `course_translation_key` is the course's identity (the `translation_key` shared by
    all its translations) and carries the uniqueness rule. `course` points at the page
    the student enrolled through, in whatever locale, for joins and links; it is set to
    NULL if that page is deleted, and the enrollment stays, still reachable by key
    (`course_in(locale)` finds the translation to show). `tutor` is the course's tutor at
    enrollment time, kept so that a tutor's list of enrollments needs no tree walk.
    """

    Status = EnrollmentStatus
    Source = EnrollmentSource

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_enrollments",
        verbose_name=_("student"),
    )
    course_translation_key = models.UUIDField(_("course"), db_index=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("course page"),
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_enrollments_taught",
        verbose_name=_("tutor"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("course enrollment")
        verbose_name_plural = _("course enrollments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "course_translation_key"],
                name="courses_enrollment_one_per_student_course",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrollmentStatus.values),
                name="courses_enrollment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=EnrollmentSource.values),
                name="courses_enrollment_source_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=EnrollmentStatus.COMPLETED) | Q(completed_at__isnull=False),
                name="courses_enrollment_completed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["tutor", "status"], name="courses_enr_tutor_status_idx"),
            models.Index(
                fields=["course_translation_key", "status"], name="courses_enr_course_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.course_translation_key} ({self.status})"

    def course_in(self, locale=None):
        """The course page in `locale` (the active one by default), else the enrolled page.

        Returns None when no translation of the course exists any more.
        """
        from wagtail.models import Locale

        from .pages import CoursePage

        locale = locale or Locale.get_active()
        translations = CoursePage.objects.filter(translation_key=self.course_translation_key)
        return translations.filter(locale=locale).first() or self.course or translations.first()


class LessonProgress(models.Model):
    """How far a student got with one lesson (or task): viewed, and completed.

    Keyed by the lesson's translation key (shared by its translations) and carrying the
    course's, so that a course page can show per-lesson state and a percentage in one
    query.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("student"),
    )
    lesson_translation_key = models.UUIDField(_("lesson"))
    course_translation_key = models.UUIDField(_("course"))
    viewed_at = models.DateTimeField(_("first viewed at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        ordering = ["viewed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "lesson_translation_key"],
                name="courses_progress_one_per_student_lesson",
            ),
        ]
        indexes = [
            models.Index(
                fields=["student", "course_translation_key"],
                name="courses_progress_course_idx",
            ),
        ]

    def __str__(self) -> str:
        state = "completed" if self.completed_at else "viewed"
        return f"{self.student} · {self.lesson_translation_key} ({state})"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class QuizAttempt(models.Model):
    """One attempt of a student at one quiz block, graded against the revision they saw.

    The quiz is identified by the page's translation key and the quiz block's stream id
    (`quiz_block_id`), which wagtail-localize keeps across translations; `revision` is the
    page revision the student was shown, so grading uses exactly that answer key even if
    the tutor edits the quiz meanwhile (PROTECT: Wagtail's `purge_revisions` skips
    revisions still referenced). `attempt_number` counts a student's attempts at a quiz
    from 1; with the unique constraints it makes "at most N attempts" and "one open
    attempt at a time" hold under concurrent requests.
    """

    Status = AttemptStatus

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("student"),
    )
    page_translation_key = models.UUIDField(_("page"))
    quiz_block_id = models.CharField(_("quiz block"), max_length=64)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revision"),
    )
    attempt_number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "page_translation_key", "quiz_block_id", "attempt_number"],
                name="courses_attempt_number_unique",
            ),
            models.UniqueConstraint(
                fields=["student", "page_translation_key", "quiz_block_id"],
                condition=Q(status=AttemptStatus.IN_PROGRESS),
                name="courses_attempt_one_open_per_quiz",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttemptStatus.values),
                name="courses_attempt_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(attempt_number__gte=1), name="courses_attempt_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="courses_attempt_score_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(status=AttemptStatus.IN_PROGRESS) & Q(submitted_at__isnull=True))
                | (~Q(status=AttemptStatus.IN_PROGRESS) & Q(submitted_at__isnull=False)),
                name="courses_attempt_submitted_iff_not_open",
            ),
            models.CheckConstraint(
                condition=~Q(status=AttemptStatus.GRADED) | Q(score__isnull=False),
                name="courses_attempt_graded_has_score",
            ),
        ]
        indexes = [
            models.Index(
                fields=["student", "page_translation_key", "quiz_block_id"],
                name="courses_attempt_quiz_idx",
            ),
            models.Index(fields=["status"], name="courses_attempt_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.quiz_block_id} #{self.attempt_number} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

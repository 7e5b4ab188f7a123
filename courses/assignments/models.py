"""Homework: a tutor gives a task or lesson to a student, the student hands work in.

`Assignment` is one piece of work for one student (a classroom assignment makes one per
member, sharing a `group_key`; `ClassroomAssignment` remembers the act itself and whether
students who join the classroom later get it too). Each assignment has exactly one
`Submission`, created with it in DRAFT, whose status moves

    DRAFT → SUBMITTED → GRADED
                      ↘ RETURNED → SUBMITTED → …

and every move is kept as a `SubmissionEvent` (who, when, from → to). Files handed in are
`SubmissionFile`s stored through the storage API under generated names below
"submissions/<year>/"; the name the student gave is kept only for display.

Like courses' learner state, assignments are keyed by the page's `translation_key`
(`page_translation_key`) and the course's (`course_translation_key`), so every translation
of a task shares them; `page` points at the page that was assigned, for links and joins.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AssignmentSource(models.TextChoices):
    """Who made the assignment: a tutor directly, through a classroom, or an adaptive rule."""

    TUTOR = "tutor", _("Tutor")
    CLASSROOM = "classroom", _("Classroom")
    RULE = "rule", _("Adaptive rule")


class SubmissionStatus(models.TextChoices):
    """Where a student's work stands. Only DRAFT and RETURNED may be edited by the student."""

    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for another try")
    GRADED = "graded", _("Graded")


#: Statuses in which the student may still change their work.
EDITABLE_STATUSES = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


def submission_upload_to(instance: SubmissionFile, filename: str) -> str:
    """A generated storage name: "submissions/<year>/<uuid><ext>".

    The student's file name never reaches the storage (it is kept in `original_name`);
    only the extension is reused, and the upload service passes one derived from the
    sniffed content type, not the one the student typed.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 6:
        suffix = ""
    year = timezone.now().year
    return f"submissions/{year}/{uuid.uuid4().hex}{suffix}"


class ClassroomAssignment(models.Model):
    """A tutor's act of giving a page to a whole classroom.

    One `Assignment` per member is made at once, all with this row's `group_key`. With
    `include_future_members`, a student added to the classroom later receives the same
    assignment too (`services.on_classroom_member_added`).
    """

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="classroom_assignments_given",
        verbose_name=_("tutor"),
    )
    classroom = models.ForeignKey(
        "people.Classroom",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("classroom"),
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("page")
    )
    page_translation_key = models.UUIDField(_("page"))
    course_translation_key = models.UUIDField(_("course"))
    title = models.CharField(_("title"), max_length=255)
    instructions = models.TextField(_("instructions"), blank=True, max_length=10_000)
    due_at = models.DateTimeField(_("due"))
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2)
    allow_late = models.BooleanField(_("accept late work"), default=False)
    quiz_only = models.BooleanField(_("the quiz is the whole work"), default=False)
    include_future_members = models.BooleanField(_("also for students added later"), default=False)
    group_key = models.UUIDField(_("group"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("classroom assignment")
        verbose_name_plural = _("classroom assignments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="assignments_classroom_max_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.classroom}"


class Assignment(models.Model):
    """One page (a TaskPage or a LessonPage) given to one student, with a due date.

    `title` is copied from the page when assigned so lists need no page join. `group_key`
    is shared by the assignments of one classroom assignment (and is fresh for a single
    one); with the student and page it is the idempotency key, so repeating a classroom
    assignment for a member, or an adaptive rule firing twice with the same key, cannot
    make a second row. `reason` is shown to the student (e.g. why a rule assigned it).
    """

    Source = AssignmentSource

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments_given",
        verbose_name=_("tutor"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("student"),
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("page")
    )
    page_translation_key = models.UUIDField(_("page"))
    course_translation_key = models.UUIDField(_("course"))
    title = models.CharField(_("title"), max_length=255)
    instructions = models.TextField(_("instructions"), blank=True, max_length=10_000)
    due_at = models.DateTimeField(_("due"))
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2)
    allow_late = models.BooleanField(_("accept late work"), default=False)
    quiz_only = models.BooleanField(
        _("the quiz is the whole work"),
        default=False,
        help_text=_("The counted quiz attempt hands the work in and grades it automatically."),
    )
    classroom = models.ForeignKey(
        "people.Classroom",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_assignments",
        verbose_name=_("classroom"),
    )
    group_key = models.UUIDField(_("group"), default=uuid.uuid4, editable=False)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.TUTOR
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "page_translation_key", "group_key"],
                name="assignments_once_per_student_page_group",
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="assignments_max_points_positive"
            ),
            models.CheckConstraint(
                condition=Q(source__in=AssignmentSource.values),
                name="assignments_source_valid",
            ),
            models.CheckConstraint(
                condition=~Q(tutor=models.F("student")), name="assignments_not_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=["student", "due_at"], name="assignments_student_due_idx"),
            models.Index(fields=["tutor", "created_at"], name="assignments_tutor_created_idx"),
            models.Index(
                fields=["student", "page_translation_key"], name="assignments_student_page_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.student}"

    def is_past_due(self, now=None) -> bool:
        """True once the due date has passed."""
        return (now or timezone.now()) > self.due_at


class Submission(models.Model):
    """The student's work on one assignment, and the tutor's grade.

    Created with the assignment (DRAFT), so lists join one row per assignment. The student
    edits `text` and files while DRAFT or RETURNED; `submitted_at`/`is_late` are set at
    the first submission (a resubmission after a return keeps them: the tutor asked for
    it); `points`, `feedback`, `graded_at`, `graded_by` are the tutor's. When the task
    has a quiz, `quiz_attempt` is the counted graded attempt and `quiz_points` its score
    scaled to the assignment's `max_points`.
    """

    Status = SubmissionStatus

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="submission",
        verbose_name=_("assignment"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    text = models.TextField(_("answer"), blank=True, max_length=50_000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True, max_length=20_000)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("graded by"),
    )
    quiz_attempt = models.ForeignKey(
        "courses.QuizAttempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counted quiz attempt"),
    )
    quiz_points = models.DecimalField(
        _("quiz points"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SubmissionStatus.values),
                name="assignments_submission_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0),
                name="assignments_submission_points_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.GRADED)
                | (Q(points__isnull=False) & Q(graded_at__isnull=False)),
                name="assignments_submission_graded_has_points",
            ),
            models.CheckConstraint(
                condition=Q(status=SubmissionStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="assignments_submission_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="assignments_sub_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} ({self.status})"

    @property
    def is_editable(self) -> bool:
        """May the student still change the work (DRAFT or RETURNED)?"""
        return self.status in EDITABLE_STATUSES


class SubmissionFile(models.Model):
    """A file handed in with a submission, checked by content and stored under a new name."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files", verbose_name=_("submission")
    )
    file = models.FileField(_("file"), upload_to=submission_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class EventNote(models.TextChoices):
    """Why a step happened, when its statuses alone do not say it."""

    LATE = "late", _("handed in late")
    QUIZ = "quiz", _("handed in by a quiz attempt")
    QUIZ_LATE = "quiz_late", _("handed in late by a quiz attempt")
    QUIZ_GRADED = "quiz_graded", _("graded from the quiz")
    QUIZ_REGRADED = "quiz_regraded", _("another quiz attempt now counts")


class SubmissionEvent(models.Model):
    """One step in a submission's history: who moved it from which status to which, when.

    `from_status` is empty for the creation of the submission; `note` is an `EventNote`
    (or empty), shown translated.
    """

    Note = EventNote

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("submission")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(
        _("from"), max_length=16, choices=SubmissionStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=SubmissionStatus.choices)
    note = models.CharField(_("note"), max_length=32, choices=EventNote.choices, blank=True)

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["submission", "at"], name="assignments_event_sub_idx")]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_status or '∅'} → {self.to_status}"

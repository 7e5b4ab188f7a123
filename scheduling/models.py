"""Scheduling: lessons with a time, recurring series, availability, booking, reminders.

A `ScheduledLesson` is a lesson on the calendar (the courses app's `LessonPage` is lesson
*content*). Times are aware datetimes stored in UTC. No double booking is an invariant of
the database: on PostgreSQL two exclusion constraints (added by migration 0002, only on
PostgreSQL, because SQLite has no range types) refuse overlapping blocking lessons of one
tutor and overlapping blocking participations of one student; on SQLite the services
serialise writers and check before inserting (see `scheduling.locking`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.timezone import now as tz_now
from django.utils.translation import gettext_lazy as _

from people.models import Currency
from people.validators import validate_timezone

DEFAULT_REMINDER_OFFSETS = [1440, 60]


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def new_ical_token() -> str:
    return secrets.token_urlsafe(32)


class SchedulePolicy(models.Model):
    """Cancellation and booking rules: the school's default row (tutor null) or a tutor's own.

    `cancel_notice_hours`: a student or parent cancelling later than this before the start
    makes a late cancellation (chargeable if `late_cancel_chargeable`).
    `cancel_cutoff_hours`: inside this window before the start a student or parent cannot
    cancel at all (0 = no cutoff), e.g. 2 for "not within 2 hours of the start".
    """

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedule_policies",
        verbose_name=_("tutor"),
        help_text=_("Empty for the school's default policy."),
    )
    cancel_notice_hours = models.PositiveIntegerField(_("cancellation notice (hours)"), default=24)
    cancel_cutoff_hours = models.PositiveIntegerField(
        _("no cancellation by students within (hours)"),
        default=0,
        help_text=_("0 means students and parents may cancel until the start."),
    )
    late_cancel_chargeable = models.BooleanField(
        _("late cancellations are chargeable"), default=True
    )
    no_show_chargeable = models.BooleanField(_("no-shows are chargeable"), default=True)
    booking_notice_hours = models.PositiveIntegerField(
        _("minimum booking notice (hours)"), default=24
    )
    booking_horizon_days = models.PositiveIntegerField(_("booking horizon (days)"), default=28)
    auto_confirm = models.BooleanField(_("confirm bookings automatically"), default=False)
    fixed_meeting_url = models.URLField(_("fixed meeting link"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("schedule policy")
        verbose_name_plural = _("schedule policies")
        constraints = [
            # One row per tutor and a single default row (NULL tutor counts as 0 here, so
            # two default rows collide although NULLs are distinct in a plain UNIQUE).
            models.UniqueConstraint(
                Coalesce(F("tutor"), Value(0)), name="scheduling_schedulepolicy_one_per_tutor"
            ),
        ]

    def __str__(self) -> str:
        return str(self.tutor) if self.tutor_id else str(_("School default"))

    @classmethod
    def for_tutor(cls, tutor) -> SchedulePolicy:
        """The tutor's own policy, else the school's default row, else built-in defaults."""
        rows = {p.tutor_id: p for p in cls.objects.filter(Q(tutor=tutor) | Q(tutor__isnull=True))}
        return rows.get(tutor.pk) or rows.get(None) or cls(tutor=None)


class Availability(models.Model):
    """A weekly window in which a tutor may be booked, in the tutor's local time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="availabilities",
        verbose_name=_("tutor"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="scheduling_availability_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="scheduling_availability_weekday_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """A period (UTC) in which a tutor cannot be booked."""

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="time_off",
        verbose_name=_("tutor"),
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="scheduling_timeoff_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["tutor", "start"])]

    def __str__(self) -> str:
        return f"{self.tutor}: {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"


class LessonSeries(models.Model):
    """A recurring lesson: every `interval_weeks` weeks on `weekdays` at a local time.

    Occurrences are computed in `timezone` (the IANA zone at creation) so a weekly lesson
    keeps its local time across DST changes; each occurrence is a real ScheduledLesson.
    """

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_series",
        verbose_name=_("tutor"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("student"),
    )
    classroom = models.ForeignKey(
        "people.Classroom",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lesson_series",
        verbose_name=_("classroom"),
    )
    subject = models.ForeignKey(
        "people.Subject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    weekdays = models.JSONField(_("weekdays"), default=list)
    interval_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)
    first_date = models.DateField(_("first date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    timezone = models.CharField(_("timezone"), max_length=64, validators=[validate_timezone])
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of lessons"), null=True, blank=True)
    is_online = models.BooleanField(_("online"), default=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    skipped_dates = models.JSONField(_("skipped dates"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=tz_now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lesson series")
        verbose_name_plural = _("lesson series")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(student__isnull=False, classroom__isnull=True)
                    | Q(student__isnull=True, classroom__isnull=False)
                ),
                name="scheduling_lessonseries_student_xor_classroom",
            ),
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1), name="scheduling_lessonseries_interval"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="scheduling_lessonseries_duration"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=False) | Q(count__isnull=False),
                name="scheduling_lessonseries_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tutor} → {self.student or self.classroom} ({self.start_time:%H:%M})"


class ScheduledLesson(models.Model):
    """A lesson on the calendar: a tutor with one student or one classroom, start–end in UTC.

    Price and currency are frozen when scheduled; `chargeable` records the billing outcome
    of a cancellation or no-show (None while nothing decided it).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED_STUDENT = "cancelled_student", _("Cancelled by the student")
        CANCELLED_PARENT = "cancelled_parent", _("Cancelled by the parent")
        CANCELLED_TUTOR = "cancelled_tutor", _("Cancelled by the tutor")
        LATE_CANCELLED = "late_cancelled", _("Cancelled late")
        NO_SHOW = "no_show", _("No-show")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    # Statuses that occupy the slot (the exclusion constraints use the same list).
    BLOCKING_STATUSES = (Status.REQUESTED, Status.SCHEDULED, Status.COMPLETED)
    CANCELLED_STATUSES = (
        Status.CANCELLED_STUDENT,
        Status.CANCELLED_PARENT,
        Status.CANCELLED_TUTOR,
        Status.LATE_CANCELLED,
    )

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tutored_lessons",
        verbose_name=_("tutor"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheduled_lessons",
        verbose_name=_("student"),
    )
    classroom = models.ForeignKey(
        "people.Classroom",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheduled_lessons",
        verbose_name=_("classroom"),
    )
    subject = models.ForeignKey(
        "people.Subject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    series = models.ForeignKey(
        LessonSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("series"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    is_online = models.BooleanField(_("online"), default=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    tutor_notes = models.TextField(_("private notes"), blank=True, max_length=4000)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    chargeable = models.BooleanField(_("chargeable"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=tz_now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("scheduled lesson")
        verbose_name_plural = _("scheduled lessons")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="scheduling_lesson_end_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(student__isnull=False, classroom__isnull=True)
                    | Q(student__isnull=True, classroom__isnull=False)
                ),
                name="scheduling_lesson_student_xor_classroom",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="scheduling_lesson_price_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["tutor", "start"]),
            models.Index(fields=["student", "start"]),
            models.Index(fields=["status", "start"]),
        ]

    def __str__(self) -> str:
        who = self.student if self.student_id else self.classroom
        return f"{self.tutor} → {who} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_blocking(self) -> bool:
        return self.status in self.BLOCKING_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status in self.CANCELLED_STATUSES

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def has_started(self, now=None) -> bool:
        return (now or tz_now()) >= self.start


class LessonParticipant(models.Model):
    """One student taking part in a lesson, with the lesson's times copied for the overlap rule.

    `blocking` mirrors the lesson's `is_blocking`; the PostgreSQL exclusion constraint
    refuses two overlapping blocking rows of one student.
    """

    class Attendance(models.TextChoices):
        UNMARKED = "unmarked", _("Not marked")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    lesson = models.ForeignKey(
        ScheduledLesson, on_delete=models.CASCADE, related_name="participants"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_participations",
        verbose_name=_("student"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    blocking = models.BooleanField(default=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.UNMARKED
    )

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "student"], name="scheduling_participant_once"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="scheduling_participant_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["student", "start"])]

    def __str__(self) -> str:
        return f"{self.student} @ {self.lesson_id}"


class LessonChange(models.Model):
    """History of a lesson: who did what when, which fields changed ({field: [from, to]}), why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Marked completed")
        NO_SHOW = "no_show", _("Marked no-show")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        ATTENDANCE = "attendance", _("Attendance")
        SKIPPED = "skipped", _("Skipped")

    lesson = models.ForeignKey(ScheduledLesson, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=tz_now)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("lesson change")
        verbose_name_plural = _("lesson changes")

    def __str__(self) -> str:
        return f"{self.lesson_id} {self.action} {self.changed_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """A reminder planned for one user of one lesson, due `offset_minutes` before the start."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    lesson = models.ForeignKey(ScheduledLesson, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_reminders"
    )
    offset_minutes = models.PositiveIntegerField(_("minutes before"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "user", "offset_minutes"], name="scheduling_reminder_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.lesson_id} −{self.offset_minutes}min ({self.status})"


class CalendarSettings(models.Model):
    """A user's calendar settings: the secret iCal feed token and reminder offsets (minutes)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_settings"
    )
    ical_token = models.CharField(max_length=64, unique=True, default=new_ical_token)
    reminder_offsets = models.JSONField(
        _("reminders (minutes before)"), default=default_reminder_offsets, blank=True
    )

    class Meta:
        verbose_name = _("calendar settings")
        verbose_name_plural = _("calendar settings")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def for_user(cls, user) -> CalendarSettings:
        """The user's settings row, created with defaults on first use."""
        obj, _created = cls.objects.get_or_create(user=user)
        return obj

    def regenerate_token(self) -> str:
        """Revoke the current feed URL by giving it a new secret token."""
        self.ical_token = new_ical_token()
        self.save(update_fields=["ical_token"])
        return self.ical_token


class SchedulingLock(models.Model):
    """A single row that SQLite writers update first, so scheduling writes run one at a time.

    See `scheduling.locking.serialise_writers`. Unused on PostgreSQL.
    """

    counter = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"scheduling lock {self.counter}"

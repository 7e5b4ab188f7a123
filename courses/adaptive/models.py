"""Adaptive rules and the parents' alert settings.

`AdaptiveRule`: a tutor's "when a student scores below X % on quiz Q of my course (or
misses an assignment of task T), assign page L to them, due in N days". Pages are kept by
translation key (the same in every translation, like courses' learner state) with a
nullable pointer to the page for links and titles.

`AdaptiveRuleFiring`: the rule fired for a student. Unique per (rule, student): a rule
fires at most once per student, however often or concurrently it is triggered; the
assignment it made is kept for the tutor's list.

`ParentAlertSettings`: what a parent wants to hear about, for one child or for all their
children (student NULL). `AlertSent`: one row per alert sent, with a unique key per
recipient, so an alert is delivered once even when its event is seen again.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The longest due period a rule may set.
MAX_DUE_DAYS = 365


class RuleTrigger(models.TextChoices):
    """What makes a rule fire."""

    QUIZ_BELOW = "quiz_below", _("Quiz score below a threshold")
    ASSIGNMENT_MISSED = "assignment_missed", _("Assignment missed (due date passed)")


class AdaptiveRule(models.Model):
    """A tutor's rule on one of their courses: a trigger, and work to assign when it fires.

    * quiz_below: `trigger_page_translation_key` + `quiz_block_id` name a quiz of a lesson
      or task of the course; fires when a graded attempt's percentage is below
      `threshold_percent`.
    * assignment_missed: `trigger_page_translation_key` names a task (or lesson) of the
      course; fires when an assignment of that page passes its due date unsubmitted.

    The action assigns `action_page` (a lesson or task of the same course) due
    `due_in_days` days after firing, with `instructions`. Inactive rules never fire.
    """

    Trigger = RuleTrigger

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="adaptive_rules",
        verbose_name=_("tutor"),
    )
    course_translation_key = models.UUIDField(_("course"), db_index=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course page"),
    )
    trigger = models.CharField(_("trigger"), max_length=24, choices=Trigger.choices)
    trigger_page_translation_key = models.UUIDField(_("trigger page"))
    trigger_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trigger page"),
    )
    quiz_block_id = models.CharField(_("quiz"), max_length=64, blank=True)
    quiz_title = models.CharField(_("quiz title"), max_length=200, blank=True)
    threshold_percent = models.PositiveSmallIntegerField(
        _("below (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    action_page_translation_key = models.UUIDField(_("page to assign"))
    action_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("page to assign"),
    )
    due_in_days = models.PositiveSmallIntegerField(
        _("due in (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DUE_DAYS)],
    )
    max_points = models.DecimalField(
        _("maximum points"), max_digits=7, decimal_places=2, default=10
    )
    instructions = models.TextField(_("instructions"), blank=True, max_length=5_000)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("adaptive rule")
        verbose_name_plural = _("adaptive rules")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger__in=RuleTrigger.values), name="adaptive_rule_trigger_valid"
            ),
            models.CheckConstraint(
                condition=~Q(trigger=RuleTrigger.QUIZ_BELOW)
                | (
                    ~Q(quiz_block_id="")
                    & Q(threshold_percent__isnull=False)
                    & Q(threshold_percent__gte=1)
                    & Q(threshold_percent__lte=100)
                ),
                name="adaptive_rule_quiz_has_threshold",
            ),
            models.CheckConstraint(
                condition=Q(due_in_days__gte=1) & Q(due_in_days__lte=MAX_DUE_DAYS),
                name="adaptive_rule_due_bounded",
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="adaptive_rule_max_points_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["trigger", "trigger_page_translation_key", "is_active"],
                name="adaptive_rule_trigger_idx",
            ),
            models.Index(fields=["tutor", "is_active"], name="adaptive_rule_tutor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} → {self.action_page_translation_key}"


class AdaptiveRuleFiring(models.Model):
    """A rule fired for a student, once: the unique constraint makes it idempotent."""

    rule = models.ForeignKey(
        AdaptiveRule, on_delete=models.CASCADE, related_name="firings", verbose_name=_("rule")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="adaptive_firings",
        verbose_name=_("student"),
    )
    fired_at = models.DateTimeField(_("fired at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    assignment = models.ForeignKey(
        "assignments.Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adaptive_firings",
        verbose_name=_("assignment"),
    )

    class Meta:
        verbose_name = _("adaptive rule firing")
        verbose_name_plural = _("adaptive rule firings")
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "student"], name="adaptive_firing_once_per_rule_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} fired for {self.student_id}"


class ParentAlertSettings(models.Model):
    """Which alerts a parent wants, for one child (`student`) or all children (NULL).

    A child's own row wins over the all-children row.
    """

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_settings",
        verbose_name=_("parent"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("child"),
    )
    low_grade_below_percent = models.PositiveSmallIntegerField(
        _("grade below (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    notify_overdue = models.BooleanField(_("assignment overdue"), default=False)
    notify_course_completed = models.BooleanField(_("course completed"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("parent alert settings")
        verbose_name_plural = _("parent alert settings")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "student"], name="adaptive_alerts_once_per_parent_child"
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(student__isnull=True),
                name="adaptive_alerts_once_per_parent_all",
            ),
            models.CheckConstraint(
                condition=Q(low_grade_below_percent__isnull=True)
                | (Q(low_grade_below_percent__gte=1) & Q(low_grade_below_percent__lte=100)),
                name="adaptive_alerts_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} · {self.student or '*'}"


class AlertSent(models.Model):
    """An alert delivered to `recipient` under `key` (e.g. "overdue:<assignment id>").

    The unique (recipient, key) makes each alert go out once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    key = models.CharField(_("key"), max_length=200)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("alert sent")
        verbose_name_plural = _("alerts sent")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="adaptive_alert_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.key}"

"""Writes of adaptive rules: create, edit, deactivate, and fire them.

Firing is idempotent per (rule, student): `rule_fire` creates the `AdaptiveRuleFiring`
with `get_or_create` in a transaction, guarded by the (rule, student) unique constraint,
and the assignment with a group key derived from the rule and the student, so a second
trigger (or two at once) neither fires again nor makes a second assignment. If the
assignment cannot be made (the student is no longer the tutor's, the page was
unpublished) nothing is kept and the rule may fire at the next trigger.

Where rules are evaluated:
* quiz_below: `on_quiz_attempt_graded`, a receiver of `courses.signals.quiz_attempt_graded`
  (connected in `AdaptiveConfig.ready`), inside the grading transaction;
* assignment_missed: `fire_missed_assignment_rules`, run by the periodic job
  `courses.adaptive.tasks.evaluate_missed_assignments`.
"""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from courses.assignments.models import Assignment, AssignmentSource
from courses.assignments.services import assignment_create
from courses.models import CoursePage, LessonPage, QuizAttempt, TaskPage

from .models import MAX_DUE_DAYS, AdaptiveRule, AdaptiveRuleFiring, RuleTrigger
from .permissions import can_make_rules_on

logger = logging.getLogger(__name__)

#: The namespace of the assignments' group keys made by rules (uuid5 of rule and student).
RULE_GROUP_NAMESPACE = uuid.UUID("6f0b8f1e-1d43-4a53-9c55-4d0f6f0ad0a1")


# --- the pages and quizzes of a course ---------------------------------------------------


def course_item_pages(course: CoursePage) -> list[Page]:
    """The course's lessons and tasks (drafts too: rules may be prepared), in page order."""
    return list(
        Page.objects.child_of(course).type(LessonPage, TaskPage).order_by("path").specific()
    )


def quizzes_of(page) -> list[tuple[str, str]]:
    """(block id, title) of every quiz in the page's body, read from its stored JSON."""
    body = getattr(page, "body", None)
    if not body:
        return []
    return [
        (str(raw.get("id")), str((raw.get("value") or {}).get("title") or ""))
        for raw in body.raw_data
        if raw.get("type") == "quiz" and raw.get("id")
    ]


def _page_in_course(page, course: CoursePage, field: str):
    if page is None or not page.path.startswith(course.path) or page.depth != course.depth + 1:
        raise ValidationError({field: _("Choose a lesson or task of this course.")})
    specific = page.specific
    if not isinstance(specific, (LessonPage, TaskPage)):
        raise ValidationError({field: _("Choose a lesson or task of this course.")})
    return specific


def _validated(
    *,
    by,
    course: CoursePage,
    trigger: str,
    trigger_page,
    quiz_block_id: str,
    threshold_percent,
    action_page,
    due_in_days: int,
    max_points,
) -> dict:
    """Check a rule's terms; the cleaned fields, or ValidationError by field."""
    if not can_make_rules_on(by, course):
        raise PermissionDenied(gettext("Rules can only be made on your own courses."))
    if trigger not in RuleTrigger.values:
        raise ValidationError({"trigger": _("Choose a trigger.")})
    trigger_page = _page_in_course(trigger_page, course, "trigger_page")
    action_page = _page_in_course(action_page, course, "action_page")
    quiz_title = ""
    if trigger == RuleTrigger.QUIZ_BELOW:
        quizzes = dict(quizzes_of(trigger_page))
        if str(quiz_block_id) not in quizzes:
            raise ValidationError({"quiz_block_id": _("Choose a quiz of this lesson or task.")})
        quiz_title = quizzes[str(quiz_block_id)]
        if threshold_percent is None or not 1 <= int(threshold_percent) <= 100:
            raise ValidationError({"threshold_percent": _("Give a percentage from 1 to 100.")})
        threshold_percent = int(threshold_percent)
    else:
        quiz_block_id, threshold_percent = "", None
    if due_in_days is None or not 1 <= int(due_in_days) <= MAX_DUE_DAYS:
        raise ValidationError({"due_in_days": _("Give a number of days from 1 to 365.")})
    points = Decimal(str(max_points))
    if not Decimal(0) < points <= Decimal(1000):
        raise ValidationError({"max_points": _("Maximum points must be above 0 and at most 1000.")})
    return {
        "course": course,
        "course_translation_key": course.translation_key,
        "trigger": trigger,
        "trigger_page": trigger_page,
        "trigger_page_translation_key": trigger_page.translation_key,
        "quiz_block_id": str(quiz_block_id or ""),
        "quiz_title": quiz_title[:200],
        "threshold_percent": threshold_percent,
        "action_page": action_page,
        "action_page_translation_key": action_page.translation_key,
        "due_in_days": int(due_in_days),
        "max_points": points,
    }


def rule_create(
    *,
    by,
    course: CoursePage,
    trigger: str,
    trigger_page,
    action_page,
    due_in_days: int,
    max_points=Decimal(10),
    quiz_block_id: str = "",
    threshold_percent: int | None = None,
    instructions: str = "",
    is_active: bool = True,
) -> AdaptiveRule:
    """A new rule of tutor `by` on their own `course`.

    Both pages must be lessons or tasks of that course; a quiz_below rule names a quiz of
    its trigger page and a threshold from 1 to 100 %. PermissionDenied for a course that
    is not `by`'s; ValidationError (by field) for anything else wrong; nothing is stored.
    """
    fields = _validated(
        by=by,
        course=course,
        trigger=trigger,
        trigger_page=trigger_page,
        quiz_block_id=quiz_block_id,
        threshold_percent=threshold_percent,
        action_page=action_page,
        due_in_days=due_in_days,
        max_points=max_points,
    )
    rule = AdaptiveRule(
        tutor=by, instructions=(instructions or "").strip(), is_active=is_active, **fields
    )
    rule.full_clean()
    rule.save()
    logger.info("tutor %s created adaptive rule %s", by.pk, rule.pk)
    return rule


def rule_update(
    *,
    by,
    rule: AdaptiveRule,
    trigger: str,
    trigger_page,
    action_page,
    due_in_days: int,
    max_points=Decimal(10),
    quiz_block_id: str = "",
    threshold_percent: int | None = None,
    instructions: str = "",
    is_active: bool = True,
) -> AdaptiveRule:
    """Change the tutor's own rule (same checks as `rule_create`). Firings stay: a student
    the rule already fired for is not given the new work again."""
    if rule.tutor_id != getattr(by, "pk", None):
        raise PermissionDenied(gettext("This is not your rule."))
    course = rule.course
    if course is None:
        raise ValidationError(gettext("The course of this rule no longer exists."))
    fields = _validated(
        by=by,
        course=course,
        trigger=trigger,
        trigger_page=trigger_page,
        quiz_block_id=quiz_block_id,
        threshold_percent=threshold_percent,
        action_page=action_page,
        due_in_days=due_in_days,
        max_points=max_points,
    )
    with transaction.atomic():
        locked = AdaptiveRule.objects.select_for_update().get(pk=rule.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.instructions = (instructions or "").strip()
        locked.is_active = is_active
        locked.updated_at = timezone.now()
        locked.full_clean()
        locked.save()
    return locked


def rule_set_active(*, by, rule: AdaptiveRule, active: bool) -> AdaptiveRule:
    """Switch the tutor's own rule on or off; an inactive rule never fires."""
    if rule.tutor_id != getattr(by, "pk", None):
        raise PermissionDenied(gettext("This is not your rule."))
    AdaptiveRule.objects.filter(pk=rule.pk).update(is_active=active, updated_at=timezone.now())
    rule.is_active = active
    return rule


# --- firing ------------------------------------------------------------------------------


def rule_group_key(rule: AdaptiveRule, student) -> uuid.UUID:
    """The assignment group key of a rule's work for one student: stable, so idempotent."""
    return uuid.uuid5(RULE_GROUP_NAMESPACE, f"{rule.pk}:{student.pk}")


def rule_fire(
    *, rule: AdaptiveRule, student, reason: str, now: datetime | None = None
) -> AdaptiveRuleFiring | None:
    """Fire `rule` for `student` once: record the firing and assign the rule's page.

    Returns the new firing, or None when the rule is inactive, already fired for the
    student (now or concurrently), or the work could not be assigned (logged; nothing is
    kept, so a later trigger may try again). Runs in its own savepoint, so a caller's
    transaction (the quiz grading) is never broken by it.
    """
    now = now or timezone.now()
    if not rule.is_active:
        return None
    action_page = rule.action_page
    if action_page is None:
        logger.warning("adaptive rule %s has no page to assign any more", rule.pk)
        return None
    try:
        with transaction.atomic():
            firing, created = AdaptiveRuleFiring.objects.get_or_create(
                rule=rule, student=student, defaults={"fired_at": now, "reason": reason[:500]}
            )
            if not created:
                return None
            assignment = assignment_create(
                by=rule.tutor,
                student=student,
                page=action_page,
                due_at=now + timedelta(days=rule.due_in_days),
                max_points=rule.max_points,
                instructions=rule.instructions,
                allow_late=True,
                source=AssignmentSource.RULE,
                reason=reason,
                group_key=rule_group_key(rule, student),
                now=now,
            )
            firing.assignment = assignment
            firing.save(update_fields=["assignment"])
    except IntegrityError:
        logger.info("adaptive rule %s already fired for student %s", rule.pk, student.pk)
        return None
    except (ValidationError, PermissionDenied) as error:
        logger.warning(
            "adaptive rule %s could not assign work to student %s: %s", rule.pk, student.pk, error
        )
        return None
    logger.info("adaptive rule %s fired for student %s", rule.pk, student.pk)
    return firing


def attempt_percent(attempt: QuizAttempt) -> Decimal | None:
    """A graded attempt's percentage (from its result; computed from the score if absent)."""
    result = attempt.result or {}
    try:
        if result.get("percent") not in (None, ""):
            return Decimal(str(result["percent"]))
        possible = Decimal(str(result.get("points_possible") or 0))
    except ArithmeticError:
        return None
    if not possible or attempt.score is None:
        return None
    return attempt.score * 100 / possible


def _in_language_of(student, make_text) -> str:
    with translation.override(getattr(student, "preferred_language", None) or None):
        return str(make_text())


def evaluate_quiz_rules(*, attempt: QuizAttempt, now=None) -> list[AdaptiveRuleFiring]:
    """Fire the active quiz_below rules of the attempt's quiz whose threshold it is below.

    Only rules that have not fired for the student yet are considered (one query for the
    rules); each fires at most once per student.
    """
    percent = attempt_percent(attempt)
    if percent is None:
        return []
    rules = (
        AdaptiveRule.objects.filter(
            is_active=True,
            trigger=RuleTrigger.QUIZ_BELOW,
            trigger_page_translation_key=attempt.page_translation_key,
            quiz_block_id=attempt.quiz_block_id,
            threshold_percent__gt=percent,
        )
        .exclude(
            pk__in=Subquery(
                AdaptiveRuleFiring.objects.filter(student_id=attempt.student_id).values("rule_id")
            )
        )
        .select_related("tutor", "action_page")
        .order_by("pk")
    )
    student = attempt.student
    shown = formats.number_format(percent.quantize(Decimal("1")))
    fired = []
    for rule in rules:
        reason = _in_language_of(
            student,
            lambda rule=rule: (
                gettext("Scored %(percent)s %% on quiz “%(quiz)s”")
                % {"percent": shown, "quiz": rule.quiz_title or gettext("Quiz")}
            ),
        )
        firing = rule_fire(rule=rule, student=student, reason=reason, now=now)
        if firing is not None:
            fired.append(firing)
    return fired


def on_quiz_attempt_graded(sender, attempt, **kwargs) -> None:
    """Receiver of `courses.signals.quiz_attempt_graded`: evaluate quiz_below rules."""
    evaluate_quiz_rules(attempt=attempt)


def missed_assignments(*, rule: AdaptiveRule, now: datetime):
    """Assignments of the rule's trigger page, given by the rule's tutor, whose due date
    passed (after the rule was made) with nothing handed in, for students the rule has
    not fired for yet."""
    return (
        Assignment.objects.filter(
            tutor_id=rule.tutor_id,
            page_translation_key=rule.trigger_page_translation_key,
            due_at__lt=now,
            due_at__gte=rule.created_at,
            submission__submitted_at__isnull=True,
        )
        .exclude(student_id__in=Subquery(rule.firings.values("student_id")))
        .select_related("student")
        .order_by("due_at", "pk")
    )


def _in_timezone_of(user, moment: datetime) -> datetime:
    """`moment` in `user`'s own timezone (UTC when theirs is unknown)."""
    try:
        zone = zoneinfo.ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localtime(moment, zone)


def fire_missed_assignment_rules(*, now: datetime | None = None) -> int:
    """Fire every active assignment_missed rule for the students who missed its task.

    Idempotent (each rule fires once per student); returns how many firings were made.
    """
    now = now or timezone.now()
    count = 0
    rules = AdaptiveRule.objects.filter(
        is_active=True, trigger=RuleTrigger.ASSIGNMENT_MISSED
    ).select_related("tutor", "action_page")
    for rule in rules:
        seen = set()
        for assignment in missed_assignments(rule=rule, now=now):
            if assignment.student_id in seen:
                continue
            seen.add(assignment.student_id)
            title = assignment.title
            due = _in_timezone_of(assignment.student, assignment.due_at)
            reason = _in_language_of(
                assignment.student,
                lambda title=title, due=due: (
                    gettext("Missed “%(title)s” (due %(due)s)")
                    % {"title": title, "due": formats.date_format(due, "SHORT_DATE_FORMAT")}
                ),
            )
            if rule_fire(rule=rule, student=assignment.student, reason=reason, now=now):
                count += 1
    return count

"""Parents' alerts: a low grade, an overdue assignment, a completed course.

A parent chooses them per child or for all children (`ParentAlertSettings`; a child's own
row wins over the all-children row). Each alert is delivered once per recipient and
event: `alert_send_once` records an `AlertSent` row under a unique (recipient, key) in a
savepoint and notifies only when that row is new.

Where they come from:
* low grade: receivers of `courses.signals.quiz_attempt_graded` (key "grade:attempt:<id>")
  and `courses.assignments.signals.submission_graded` (key "grade:submission:<id>", or
  the counted attempt's key when the grade comes from a quiz, so it is not announced twice);
* course completed: receiver of `courses.signals.lesson_completed`, when every live
  lesson and task of the course is completed (key "course:<student id>:<course key>");
* overdue: `send_overdue_alerts`, run by the same periodic job as missed-assignment
  rules (key "overdue:<assignment id>"), for assignments overdue less than
  `OVERDUE_ALERT_WINDOW` (so turning the alert on does not flood a parent with old ones).
"""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from courses.assignments.models import Assignment
from courses.models import CoursePage, LessonProgress
from messaging.models import Notification
from messaging.services import notify
from people.models import Guardianship, User
from people.roles import Role

from .models import AlertSent, ParentAlertSettings

logger = logging.getLogger(__name__)

#: How long after its due date an unsubmitted assignment still raises an overdue alert.
OVERDUE_ALERT_WINDOW = timedelta(days=7)


# --- settings ---------------------------------------------------------------------------


def alert_settings_save(
    *,
    by,
    student=None,
    low_grade_below_percent: int | None,
    notify_overdue: bool,
    notify_course_completed: bool,
) -> ParentAlertSettings:
    """Save a parent's alert choices for one child (`student`) or all children (None).

    PermissionDenied unless `by` is a parent and `student` (when given) their child;
    ValidationError for a threshold outside 1–100.
    """
    if by is None or not by.is_active or by.role != Role.PARENT:
        raise PermissionDenied(gettext("Only parents choose alerts."))
    if student is not None and not Guardianship.objects.filter(parent=by, student=student).exists():
        raise PermissionDenied(gettext("You can only choose alerts for your own children."))
    if low_grade_below_percent is not None and not 1 <= int(low_grade_below_percent) <= 100:
        raise ValidationError(
            {"low_grade_below_percent": gettext("Give a percentage from 1 to 100.")}
        )
    with transaction.atomic():
        settings, _created = ParentAlertSettings.objects.select_for_update().get_or_create(
            parent=by, student=student
        )
        settings.low_grade_below_percent = low_grade_below_percent
        settings.notify_overdue = bool(notify_overdue)
        settings.notify_course_completed = bool(notify_course_completed)
        settings.updated_at = timezone.now()
        settings.full_clean(validate_constraints=False)
        settings.save()
    return settings


def alert_settings_of(parent) -> list[ParentAlertSettings]:
    """A parent's settings rows (all-children first, then per child by name)."""
    return list(
        ParentAlertSettings.objects.filter(parent=parent)
        .select_related("student")
        .order_by("student__first_name", "student__last_name", "pk")
    )


def parents_settings_for(student) -> list[tuple[User, ParentAlertSettings]]:
    """Each parent of `student` who chose any alerts, with the row that applies to the
    student (their own row, else the all-children row). Two queries."""
    rows = ParentAlertSettings.objects.filter(
        parent__guardianships__student=student, parent__is_active=True
    ).select_related("parent")
    chosen: dict[int, ParentAlertSettings] = {}
    for row in rows.filter(student__isnull=True):
        chosen[row.parent_id] = row
    for row in rows.filter(student=student):
        chosen[row.parent_id] = row
    return [(row.parent, row) for row in chosen.values()]


# --- delivery ---------------------------------------------------------------------------


def alert_send_once(*, recipient, key: str, kind: str, text, link: str = "") -> bool:
    """Notify `recipient` unless an alert under `key` already went to them; sent or not.

    The AlertSent row and the notification commit together; a concurrent duplicate hits
    the unique constraint and sends nothing.
    """
    try:
        with transaction.atomic():
            AlertSent.objects.create(recipient=recipient, key=key[:200])
            notify(recipient=recipient, kind=kind, text=text, link=link)
    except IntegrityError:
        return False
    return True


def _name(student) -> str:
    return student.get_full_name() or student.display_name


def _gradebook_link(course_translation_key, student) -> str:
    course = CoursePage.objects.filter(translation_key=course_translation_key).first()
    if course is None:
        return ""
    return reverse("gradebook:student_course", kwargs={"pk": course.pk, "student_pk": student.pk})


def _low_grade(*, student, percent: Decimal, title: str, key: str, link: str) -> int:
    sent = 0
    shown = formats.number_format(percent.quantize(Decimal("1")))
    name = _name(student)
    for parent, settings in parents_settings_for(student):
        threshold = settings.low_grade_below_percent
        if threshold is None or percent >= threshold:
            continue
        if alert_send_once(
            recipient=parent,
            key=key,
            kind=Notification.Kind.ALERT_LOW_GRADE,
            text=lambda: (
                gettext("%(name)s scored %(percent)s %% on “%(title)s”.")
                % {"name": name, "percent": shown, "title": title}
            ),
            link=link,
        ):
            sent += 1
    return sent


def on_quiz_attempt_graded(sender, attempt, **kwargs) -> None:
    """A graded quiz attempt below a parent's threshold alerts that parent (once)."""
    from wagtail.models import Page

    from .services import attempt_percent

    percent = attempt_percent(attempt)
    if percent is None:
        return
    page = Page.objects.filter(translation_key=attempt.page_translation_key).first()
    title = page.title if page is not None else gettext("Quiz")
    _low_grade(
        student=attempt.student,
        percent=percent,
        title=title,
        key=f"grade:attempt:{attempt.pk}",
        link=reverse("courses:attempt_detail", kwargs={"pk": attempt.pk}),
    )


def on_submission_graded(sender, submission, **kwargs) -> None:
    """A graded assignment below a parent's threshold alerts that parent (once)."""
    assignment = submission.assignment
    if submission.points is None or not assignment.max_points:
        return
    percent = submission.points * 100 / assignment.max_points
    # A grade taken from a quiz attempt shares the attempt's key: one alert, not two.
    key = (
        f"grade:attempt:{submission.quiz_attempt_id}"
        if submission.quiz_attempt_id
        else f"grade:submission:{submission.pk}"
    )
    _low_grade(
        student=assignment.student,
        percent=percent,
        title=assignment.title,
        key=key,
        link=_gradebook_link(assignment.course_translation_key, assignment.student),
    )


def course_completed_by(student, course_translation_key) -> CoursePage | None:
    """The course if `student` completed every live lesson and task of it, else None."""
    from wagtail.models import Page

    course = (
        CoursePage.objects.filter(translation_key=course_translation_key).order_by("pk").first()
    )
    if course is None:
        return None
    keys = set(Page.objects.child_of(course).live().values_list("translation_key", flat=True))
    if not keys:
        return None
    done = LessonProgress.objects.filter(
        student=student, lesson_translation_key__in=keys, completed_at__isnull=False
    ).count()
    return course if done >= len(keys) else None


def on_lesson_completed(sender, student, course_translation_key, **kwargs) -> None:
    """When the last lesson of a course is completed, alert the parents who asked (once)."""
    parents = [parent for parent, s in parents_settings_for(student) if s.notify_course_completed]
    if not parents:
        return
    course = course_completed_by(student, course_translation_key)
    if course is None:
        return
    name, title = _name(student), course.title
    link = reverse("gradebook:student_course", kwargs={"pk": course.pk, "student_pk": student.pk})

    def text() -> str:
        return gettext("%(name)s completed the course “%(title)s”.") % {
            "name": name,
            "title": title,
        }

    for parent in parents:
        alert_send_once(
            recipient=parent,
            key=f"course:{student.pk}:{course_translation_key}",
            kind=Notification.Kind.ALERT_COURSE_COMPLETED,
            text=text,
            link=link,
        )


def _assignment_link(assignment: Assignment) -> str:
    try:
        return reverse("assignments:detail", args=[assignment.pk])
    except NoReverseMatch:
        return ""


def _overdue_text(*, name: str, title: str, due: datetime, viewer) -> str:
    """The overdue alert, with the due time in the parent's own timezone."""
    try:
        zone = zoneinfo.ZoneInfo(viewer.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    shown = formats.date_format(timezone.localtime(due, zone), "SHORT_DATETIME_FORMAT")
    return gettext("%(name)s has not handed in “%(title)s” (due %(due)s).") % {
        "name": name,
        "title": title,
        "due": shown,
    }


def send_overdue_alerts(*, now: datetime | None = None) -> int:
    """Alert parents who chose it of each assignment overdue with nothing handed in, once.

    Only assignments overdue for less than `OVERDUE_ALERT_WINDOW`. Returns alerts sent.
    """
    now = now or timezone.now()
    overdue = (
        Assignment.objects.filter(
            due_at__lt=now,
            due_at__gte=now - OVERDUE_ALERT_WINDOW,
            submission__submitted_at__isnull=True,
            student__guardians_links__parent__alert_settings__notify_overdue=True,
        )
        .select_related("student")
        .distinct()
        .order_by("due_at", "pk")
    )
    sent = 0
    for assignment in overdue:
        student = assignment.student
        parents = [p for p, s in parents_settings_for(student) if s.notify_overdue]
        if not parents:
            continue
        name, title, due = _name(student), assignment.title, assignment.due_at
        keys = set(
            AlertSent.objects.filter(
                recipient__in=parents, key=f"overdue:{assignment.pk}"
            ).values_list("recipient_id", flat=True)
        )
        for parent in parents:
            if parent.pk in keys:
                continue
            if alert_send_once(
                recipient=parent,
                key=f"overdue:{assignment.pk}",
                kind=Notification.Kind.ASSIGNMENT_OVERDUE,
                text=partial(_overdue_text, name=name, title=title, due=due, viewer=parent),
                link=_assignment_link(assignment),
            ):
                sent += 1
    return sent

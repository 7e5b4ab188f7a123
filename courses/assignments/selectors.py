"""Reads for assignments: scoped lists with their related rows fetched up front.

Every list is built on `permissions.assignments_visible_to` (or a narrower filter of the
same rules) and annotated with `state`, the derived state students and parents see:

* "to_do": not handed in yet and not past due, or returned for another try;
* "overdue": not handed in and past the due date;
* "submitted": handed in, waiting for the tutor;
* "graded": graded.

Lists run a fixed number of queries whatever their length (pinned in
tests/assignments/test_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, CharField, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from courses.models import LessonPage, TaskPage, TutorSectionPage
from people.models import Classroom, TutorStudent, User
from people.roles import Role

from .models import Assignment, Submission, SubmissionEvent, SubmissionFile, SubmissionStatus
from .permissions import assignments_visible_to


class State:
    """The derived states of an assignment, for filters and tabs."""

    TO_DO = "to_do"
    OVERDUE = "overdue"
    SUBMITTED = "submitted"
    GRADED = "graded"

    CHOICES = (
        (TO_DO, _("To do")),
        (OVERDUE, _("Overdue")),
        (SUBMITTED, _("Submitted")),
        (GRADED, _("Graded")),
    )
    VALUES = tuple(value for value, _label in CHOICES)


def _state(now: datetime) -> Case:
    return Case(
        When(submission__status=SubmissionStatus.GRADED, then=Value(State.GRADED)),
        When(submission__status=SubmissionStatus.SUBMITTED, then=Value(State.SUBMITTED)),
        When(
            Q(submission__status=SubmissionStatus.DRAFT) & Q(due_at__lt=now),
            then=Value(State.OVERDUE),
        ),
        default=Value(State.TO_DO),
        output_field=CharField(),
    )


def with_state(assignments: QuerySet[Assignment], *, now: datetime | None = None):
    """Annotate `state` (see the module docstring) and fetch the submission with it."""
    return assignments.select_related("submission").annotate(state=_state(now or timezone.now()))


def filter_state(assignments: QuerySet[Assignment], state: str | None) -> QuerySet[Assignment]:
    """Keep the assignments in `state` (an annotated queryset; unknown states keep all)."""
    if state in State.VALUES:
        return assignments.filter(state=state)
    return assignments


def _list_order(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.order_by("due_at", "pk")


def student_assignments(*, student: User, state: str | None = None) -> QuerySet[Assignment]:
    """The student's own assignments with tutor and submission, due first; `state` filters."""
    assignments = with_state(Assignment.objects.filter(student=student)).select_related("tutor")
    return _list_order(filter_state(assignments, state))


def state_counts(assignments: QuerySet[Assignment]) -> dict[str, int]:
    """{state: count} for the tabs, in one query (states with none are 0)."""
    counts = dict.fromkeys(State.VALUES, 0)
    rows = with_state(assignments).order_by().values("state").annotate(n=Count("pk"))
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts


def student_state_counts(*, student: User) -> dict[str, int]:
    """How many of the student's assignments are in each state (one query)."""
    return state_counts(Assignment.objects.filter(student=student))


def children_assignments(
    *, parent: User, child: User | None = None, state: str | None = None
) -> QuerySet[Assignment]:
    """The parent's children's assignments (or one child's), with student, tutor and
    submission, due first; `state` filters."""
    assignments = Assignment.objects.filter(student__guardians_links__parent=parent)
    if child is not None:
        assignments = assignments.filter(student=child)
    assignments = with_state(assignments).select_related("student", "tutor")
    return _list_order(filter_state(assignments, state))


def children_of(parent: User) -> QuerySet[User]:
    """The parent's children, by name (for the child filter)."""
    return User.objects.filter(guardians_links__parent=parent).order_by(
        "last_name", "first_name", "pk"
    )


@dataclass(frozen=True)
class GivenFilters:
    """The tutor's filters on the work they gave."""

    state: str = ""
    student: int | None = None
    classroom: int | None = None


def tutor_assignments(*, tutor: User, filters: GivenFilters | None = None):
    """Work the tutor gave to students still linked to them, newest first, filtered."""
    filters = filters or GivenFilters()
    assignments = assignments_visible_to(tutor).filter(tutor=tutor)
    if filters.student:
        assignments = assignments.filter(student_id=filters.student)
    if filters.classroom:
        assignments = assignments.filter(classroom_id=filters.classroom)
    assignments = with_state(assignments).select_related("student", "classroom")
    return filter_state(assignments, filters.state).order_by("-created_at", "-pk")


def grading_queue(*, tutor: User) -> QuerySet[Submission]:
    """Handed-in work waiting for the tutor's grade, oldest hand-in first."""
    visible = assignments_visible_to(tutor).filter(tutor=tutor)
    return (
        Submission.objects.filter(
            status=SubmissionStatus.SUBMITTED, assignment__in=visible.values("pk")
        )
        .select_related("assignment__student")
        .annotate(file_count=Count("files"))
        .order_by("submitted_at", "pk")
    )


def grading_queue_count(*, tutor: User) -> int:
    """How many hand-ins wait for the tutor (one query; for dashboards and badges)."""
    return grading_queue(tutor=tutor).order_by().count()


def submission_files(submission: Submission) -> QuerySet[SubmissionFile]:
    return submission.files.order_by("uploaded_at", "pk")


def submission_history(submission: Submission) -> QuerySet[SubmissionEvent]:
    """The submission's state changes, oldest first, with who made them."""
    return submission.events.select_related("actor").order_by("at", "pk")


# --- for dashboards ------------------------------------------------------------------------


def assignments_due_soon(
    *, student: User, days: int = 7, limit: int = 5, now: datetime | None = None
) -> list[Assignment]:
    """The student's work still to hand in that is due within `days`, soonest first."""
    now = now or timezone.now()
    return list(
        Assignment.objects.filter(
            student=student,
            due_at__gte=now,
            due_at__lte=now + timedelta(days=days),
            submission__status__in=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
        )
        .select_related("submission", "tutor")
        .order_by("due_at", "pk")[:limit]
    )


def assignments_overdue(
    *, student: User, limit: int = 5, now: datetime | None = None
) -> list[Assignment]:
    """The student's work not handed in whose due date has passed, oldest due first."""
    return list(
        with_state(Assignment.objects.filter(student=student), now=now)
        .filter(state=State.OVERDUE)
        .select_related("tutor")
        .order_by("due_at", "pk")[:limit]
    )


def recent_grades(*, students, limit: int = 5) -> list[Submission]:
    """The latest graded work of `students` (a queryset or list of users), newest first."""
    return list(
        Submission.objects.filter(status=SubmissionStatus.GRADED, assignment__student__in=students)
        .select_related("assignment__student", "assignment__tutor")
        .order_by("-graded_at", "-pk")[:limit]
    )


def overdue_assignments_since(*, since: datetime, now: datetime | None = None):
    """Every assignment that became overdue in (since, now]: for alert and rule sweeps.

    Not handed in (DRAFT), due date between `since` and `now`; with student and tutor.
    """
    now = now or timezone.now()
    return (
        Assignment.objects.filter(
            submission__status=SubmissionStatus.DRAFT, due_at__gt=since, due_at__lte=now
        )
        .select_related("student", "tutor", "submission")
        .order_by("due_at", "pk")
    )


# --- the assign form ----------------------------------------------------------------------


def assignable_pages(*, tutor: User) -> QuerySet[Page]:
    """Live lessons and tasks of the tutor's courses (every locale), in tree order.

    Each is annotated with `course_title` (its parent course's title) in the same query.
    A lesson or task sits two levels below the tutor's section (section → course → item).
    """
    sections = list(TutorSectionPage.objects.filter(tutor=tutor).values_list("path", "depth"))
    if not sections:
        return Page.objects.none()
    condition = Q()
    for path, depth in sections:
        condition |= Q(path__startswith=path, depth=depth + 2)
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    course_title = Page.objects.filter(path=parent_path, live=True).values("title")[:1]
    return (
        Page.objects.live()
        .type(LessonPage, TaskPage)
        .filter(condition)
        .annotate(course_title=Subquery(course_title))
        .filter(course_title__isnull=False)
        .select_related("locale")
        .order_by("path")
    )


def assignable_students(*, tutor: User) -> QuerySet[User]:
    """The tutor's actively linked, active students, by name."""
    return (
        User.objects.filter(
            role=Role.STUDENT,
            is_active=True,
            tutor_links__tutor=tutor,
            tutor_links__status=TutorStudent.Status.ACTIVE,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def assignable_classrooms(*, tutor: User) -> QuerySet[Classroom]:
    return Classroom.objects.filter(tutor=tutor).order_by("name")

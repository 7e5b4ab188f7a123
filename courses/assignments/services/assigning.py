"""Giving work: one student, or a classroom (and its later members)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage, LessonPage, TaskPage
from courses.permissions import OPEN_ENROLLMENT_STATUSES, course_of, course_tutor_id
from messaging.models import Notification
from messaging.services import notify
from people.models import Classroom, TutorStudent, User
from people.roles import Role

from ..models import (
    Assignment,
    AssignmentSource,
    ClassroomAssignment,
    Submission,
    SubmissionStatus,
)
from ..permissions import can_assign
from .common import (
    CENT,
    INSTRUCTIONS_MAX_LENGTH,
    MAX_POINTS_LIMIT,
    _record,
)

logger = logging.getLogger(__name__)


def page_has_quiz(page) -> bool:
    """Whether the page's body holds a quiz block (its attempts then count)."""
    return any(child.block_type == "quiz" for child in getattr(page, "body", None) or [])


def _check_page(*, tutor: User, page) -> tuple[object, CoursePage]:
    """The specific live lesson or task page and its live course, owned by `tutor`."""
    specific = page.specific
    if not isinstance(specific, (LessonPage, TaskPage)):
        raise ValidationError({"page": _("Only lessons and tasks can be assigned.")})
    course = course_of(specific)
    if not specific.live or course is None or not course.live:
        raise ValidationError({"page": _("Only published lessons and tasks can be assigned.")})
    if course_tutor_id(course) != tutor.pk:
        raise ValidationError({"page": _("You can only assign lessons and tasks of your courses.")})
    return specific, course


def _check_terms(*, due_at: datetime, max_points, instructions: str, now: datetime) -> Decimal:
    if due_at is None or timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("Give a due date and time.")})
    if due_at <= now:
        raise ValidationError({"due_at": _("The due date must be in the future.")})
    try:
        points = Decimal(str(max_points)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({"max_points": _("Give the maximum points as a number.")}) from exc
    if not Decimal("0") < points <= MAX_POINTS_LIMIT:
        raise ValidationError({"max_points": _("Maximum points must be above 0 and at most 1000.")})
    if len(instructions or "") > INSTRUCTIONS_MAX_LENGTH:
        raise ValidationError(
            {"instructions": _("The instructions are too long (10000 characters at most).")}
        )
    return points


def _check_student(*, tutor: User, student: User) -> None:
    if student.role != Role.STUDENT or not student.is_active:
        raise ValidationError({"student": _("Work can only be given to active students.")})
    linked = TutorStudent.objects.filter(
        tutor=tutor, student=student, status=TutorStudent.Status.ACTIVE
    ).exists()
    if not linked:
        raise ValidationError({"student": _("You can only give work to your own students.")})


def _ensure_enrolled(*, student: User, course: CoursePage, tutor: User) -> None:
    """Enrol the student in the course when they cannot open it yet (the work needs it)."""
    from courses.models import CourseEnrollment
    from courses.services.enrollment import enrollment_create

    enrolled = CourseEnrollment.objects.filter(
        student=student,
        course_translation_key=course.translation_key,
        status__in=OPEN_ENROLLMENT_STATUSES,
    ).exists()
    if not enrolled:
        enrollment_create(student=student, course=course, by=tutor)


def _notify_assigned(assignment: Assignment) -> None:
    title = assignment.title
    tutor_name = assignment.tutor.display_name
    notify(
        recipient=assignment.student,
        kind=Notification.Kind.ASSIGNMENT_ASSIGNED,
        text=lambda: (
            _("%(tutor)s gave you new work: “%(title)s”.") % {"tutor": tutor_name, "title": title}
        ),
        link=reverse("assignments:detail", args=[assignment.pk]),
    )


def _create_one(
    *,
    tutor: User,
    student: User,
    page,
    course: CoursePage,
    due_at: datetime,
    instructions: str,
    max_points: Decimal,
    allow_late: bool,
    quiz_only: bool,
    source: str,
    reason: str,
    classroom: Classroom | None,
    group_key: uuid.UUID,
    by: User,
    now: datetime,
) -> tuple[Assignment, bool]:
    """Create one assignment with its DRAFT submission; (assignment, created).

    Idempotent on (student, page, group_key): an existing row is returned untouched.
    """
    key = {"student": student, "page_translation_key": page.translation_key, "group_key": group_key}
    existing = Assignment.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    _check_student(tutor=tutor, student=student)
    _ensure_enrolled(student=student, course=course, tutor=tutor)
    assignment = Assignment(
        tutor=tutor,
        page=page,
        course_translation_key=course.translation_key,
        title=page.title[:255],
        instructions=(instructions or "").strip(),
        due_at=due_at,
        max_points=max_points,
        allow_late=allow_late,
        quiz_only=quiz_only,
        classroom=classroom,
        source=source,
        reason=(reason or "")[:500],
        created_at=now,
        created_by=by,
        **key,
    )
    assignment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        # A concurrent call made the same assignment first.
        return Assignment.objects.get(**key), False
    submission = Submission.objects.create(assignment=assignment, updated_at=now)
    _record(submission, actor=by, from_status="", to_status=SubmissionStatus.DRAFT, at=now)
    _notify_assigned(assignment)
    return assignment, True


@transaction.atomic
def assignment_create(
    *,
    by: User,
    student: User,
    page,
    due_at: datetime,
    max_points,
    instructions: str = "",
    allow_late: bool = False,
    quiz_only: bool | None = None,
    source: str = AssignmentSource.TUTOR,
    reason: str = "",
    group_key: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Assignment:
    """Give one live lesson or task of `by`'s courses to one of their active students.

    `due_at` is an aware datetime (the form reads it in the tutor's timezone; it is stored
    in UTC) and must be in the future. `quiz_only` says the page's quiz is the whole work
    (graded automatically); None means "yes when the page has a quiz"; it is always False
    for a page without one. The student is enrolled in the course if they are not yet.
    With a `group_key` (an adaptive rule's idempotency key, for instance, with
    `source="rule"` and a `reason` shown to the student) a repeated call returns the
    existing assignment instead of making a second one. The student is notified.

    Raises PermissionDenied unless `by` is a tutor; ValidationError (by field) for a page
    that is not a live lesson/task of their courses, a student who is not theirs, a due
    date in the past, points outside 0 < points ≤ 1000, too long instructions.
    """
    if not can_assign(by):
        raise PermissionDenied(_("Only tutors give work."))
    now = now or timezone.now()
    specific, course = _check_page(tutor=by, page=page)
    points = _check_terms(due_at=due_at, max_points=max_points, instructions=instructions, now=now)
    has_quiz = page_has_quiz(specific)
    assignment, _created = _create_one(
        tutor=by,
        student=student,
        page=specific,
        course=course,
        due_at=due_at,
        instructions=instructions,
        max_points=points,
        allow_late=bool(allow_late),
        quiz_only=has_quiz if quiz_only is None else (has_quiz and bool(quiz_only)),
        source=source,
        reason=reason,
        classroom=None,
        group_key=group_key or uuid.uuid4(),
        by=by,
        now=now,
    )
    return assignment


@transaction.atomic
def assignments_for_classroom(
    *,
    by: User,
    classroom: Classroom,
    page,
    due_at: datetime,
    max_points,
    instructions: str = "",
    allow_late: bool = False,
    quiz_only: bool | None = None,
    include_future_members: bool = False,
    now: datetime | None = None,
) -> ClassroomAssignment:
    """Give a page to every member of `by`'s classroom: one Assignment per member.

    All of them share the new ClassroomAssignment's `group_key`. With
    `include_future_members`, students added to the classroom later get it too (see
    `on_classroom_member_added`). Members whose link with the tutor has ended are skipped.
    The same checks as `assignment_create` apply; an empty classroom is allowed only when
    later members will get the work.
    """
    if not can_assign(by) or classroom.tutor_id != by.pk:
        raise PermissionDenied(_("You can only give work to your own classrooms."))
    now = now or timezone.now()
    specific, course = _check_page(tutor=by, page=page)
    points = _check_terms(due_at=due_at, max_points=max_points, instructions=instructions, now=now)
    has_quiz = page_has_quiz(specific)
    members = list(
        User.objects.filter(
            classroom_memberships__classroom=classroom,
            tutor_links__tutor=by,
            tutor_links__status=TutorStudent.Status.ACTIVE,
            is_active=True,
        ).order_by("pk")
    )
    if not members and not include_future_members:
        raise ValidationError({"classroom": _("This classroom has no students yet.")})
    group = ClassroomAssignment.objects.create(
        tutor=by,
        classroom=classroom,
        page=specific,
        page_translation_key=specific.translation_key,
        course_translation_key=course.translation_key,
        title=specific.title[:255],
        instructions=(instructions or "").strip(),
        due_at=due_at,
        max_points=points,
        allow_late=bool(allow_late),
        quiz_only=has_quiz if quiz_only is None else (has_quiz and bool(quiz_only)),
        include_future_members=bool(include_future_members),
        created_at=now,
        created_by=by,
    )
    for student in members:
        _give_from_group(group, student=student, course=course, page=specific, by=by, now=now)
    return group


def _give_from_group(group: ClassroomAssignment, *, student, course, page, by, now):
    return _create_one(
        tutor=group.tutor,
        student=student,
        page=page,
        course=course,
        due_at=group.due_at,
        instructions=group.instructions,
        max_points=group.max_points,
        allow_late=group.allow_late,
        quiz_only=group.quiz_only,
        source=AssignmentSource.CLASSROOM,
        reason="",
        classroom=group.classroom,
        group_key=group.group_key,
        by=by,
        now=now,
    )


def on_classroom_member_added(*, classroom: Classroom, student: User) -> list[Assignment]:
    """Give a newly added member the classroom's work marked for later members.

    Called by `people.services.classrooms.classroom_member_add` inside its transaction.
    Only work still open (due date not passed) is given; each one in a savepoint, so a
    page unpublished meanwhile skips that work (logged) instead of failing the addition.
    Idempotent: a student added, removed and added again gets each work once.
    """
    now = timezone.now()
    given = []
    groups = ClassroomAssignment.objects.filter(
        classroom=classroom, include_future_members=True, due_at__gt=now
    ).select_related("tutor")
    for group in groups:
        try:
            with transaction.atomic():
                specific, course = _check_page(tutor=group.tutor, page=group.page)
                assignment, created = _give_from_group(
                    group, student=student, course=course, page=specific, by=group.tutor, now=now
                )
        except (ValidationError, PermissionDenied) as error:
            logger.info(
                "classroom assignment %s not given to student %s: %s", group.pk, student.pk, error
            )
            continue
        if created:
            given.append(assignment)
    return given

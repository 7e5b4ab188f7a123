"""Enrolments: a student taking a course, in every translation of it.

An enrolment is keyed by the course's `translation_key` (the database makes it unique per
student and key), so enrolling through the English page also opens the Ukrainian one.

Who may enrol whom:
  * a student enrols themselves in a live course that allows self-enrolment (source
    "self");
  * a tutor enrols their own actively linked students, or a whole classroom of theirs, in
    their own courses (source "tutor");
  * managers and admins enrol any student in any live course (source "manager").

Enrolling is idempotent: a second call returns the existing row unchanged, whatever its
status (an active, completed or paused enrolment stays as it is; resuming a paused one is
`enrollment_resume`). The one deliberate exception: enrolling again after a cancellation
re-activates the cancelled row (same row, new source), because the student, or someone
allowed to enrol them, asked for the course again; their progress and attempts, keyed by
student and page, were never deleted and carry on.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from people.models import Classroom, User
from people.permissions import has_active_link
from people.roles import Role

from ..models import CourseEnrollment, CoursePage, EnrollmentSource, EnrollmentStatus
from ..permissions import (
    _is_staff,
    can_manage_enrollments,
    can_self_enroll,
    course_tutor_id,
    is_course_owner,
)

logger = logging.getLogger(__name__)


def _source_for(by: User) -> EnrollmentSource:
    if _is_staff(by):
        return EnrollmentSource.MANAGER
    if by.role == Role.TUTOR:
        return EnrollmentSource.TUTOR
    return EnrollmentSource.SELF


def _check_may_enroll(*, student: User, course: CoursePage, by: User) -> None:
    """Raise ValidationError for a bad student or course, PermissionDenied for a bad actor."""
    if student.role != Role.STUDENT or not student.is_active:
        raise ValidationError(_("Only active students can be enrolled."), code="invalid")
    if not course.live:
        raise ValidationError(_("This course is not published."), code="invalid")
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Sign in to enrol."))
    if _is_staff(by):
        return
    if by.role == Role.STUDENT:
        if by.pk != student.pk:
            raise PermissionDenied(_("Students may only enrol themselves."))
        if not can_self_enroll(by, course):
            raise PermissionDenied(_("This course does not take enrolments from students."))
        return
    if by.role == Role.TUTOR:
        if not is_course_owner(by, course):
            raise PermissionDenied(_("You may only enrol students in your own courses."))
        if not has_active_link(by, student):
            raise ValidationError(
                _("%(name)s is not one of your students.") % {"name": student.get_full_name()},
                code="invalid",
            )
        return
    raise PermissionDenied(_("You may not enrol students."))


def _create_or_reactivate(
    *, student: User, course: CoursePage, source: EnrollmentSource, tutor_id: int | None
) -> CourseEnrollment:
    key = course.translation_key
    existing = CourseEnrollment.objects.filter(student=student, course_translation_key=key).first()
    if existing is None:
        enrollment = CourseEnrollment(
            student=student,
            course_translation_key=key,
            course=course,
            tutor_id=tutor_id,
            source=source,
            status=EnrollmentStatus.ACTIVE,
        )
        enrollment.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                enrollment.save()
        except IntegrityError:
            # A concurrent request enrolled the same student meanwhile: the constraint wins.
            existing = CourseEnrollment.objects.get(student=student, course_translation_key=key)
        else:
            logger.info("Enrolled student %s in course %s (%s).", student.pk, key, source)
            return enrollment
    if existing.status == EnrollmentStatus.CANCELLED:
        existing.status = EnrollmentStatus.ACTIVE
        existing.source = source
        existing.completed_at = None
        existing.course = existing.course or course
        existing.tutor_id = existing.tutor_id or tutor_id
        existing.save(update_fields=["status", "source", "completed_at", "course", "tutor"])
        logger.info("Re-activated enrolment %s.", existing.pk)
    return existing


@transaction.atomic
def enrollment_create(
    *,
    student: User,
    course: CoursePage,
    by: User,
    source: EnrollmentSource | str | None = None,
) -> CourseEnrollment:
    """Enrol `student` in `course` (every translation of it) on behalf of `by`; idempotent.

    `source` defaults to what `by` is (self / tutor / manager) and, when given, must match
    it: nobody can record an enrolment as coming from someone else. Returns the existing
    enrolment when there is one (re-activating a cancelled one, see the module docstring).
    Raises PermissionDenied when `by` may not enrol this student here, ValidationError for
    a non-student, an unpublished course, a student the tutor is not linked with, or a
    mismatched source.
    """
    _check_may_enroll(student=student, course=course, by=by)
    expected = _source_for(by)
    if source is not None and source != expected:
        raise ValidationError(_("That enrolment source does not match who is enrolling."))
    return _create_or_reactivate(
        student=student, course=course, source=expected, tutor_id=course_tutor_id(course)
    )


@transaction.atomic
def enrollment_create_for_classroom(
    *, classroom: Classroom, course: CoursePage, by: User
) -> list[CourseEnrollment]:
    """Enrol every member of `classroom` in `course`, all or nothing, in one transaction.

    The classroom must belong to the course's tutor; `by` is that tutor, a manager or an
    admin. Each member is enrolled as by `enrollment_create` (idempotent), so enrolling a
    classroom twice changes nothing. Raises PermissionDenied / ValidationError as it does;
    an empty classroom is a ValidationError.
    """
    if not can_manage_enrollments(by, course):
        raise PermissionDenied(_("You may only enrol students in your own courses."))
    tutor_id = course_tutor_id(course)
    if classroom.tutor_id != tutor_id or (not _is_staff(by) and classroom.tutor_id != by.pk):
        raise PermissionDenied(_("That classroom is not the course tutor's."))
    members = list(User.objects.filter(classroom_memberships__classroom=classroom).order_by("pk"))
    if not members:
        raise ValidationError(_("This classroom has no students yet."), code="invalid")
    return [enrollment_create(student=member, course=course, by=by) for member in members]


def _check_may_change(enrollment: CourseEnrollment, by: User, *, student_may: bool) -> None:
    if _is_staff(by):
        return
    if by.is_authenticated and by.role == Role.TUTOR and enrollment.tutor_id == by.pk:
        return
    if student_may and by.is_authenticated and enrollment.student_id == by.pk:
        return
    raise PermissionDenied(_("You may not change this enrolment."))


def _set_status(
    enrollment: CourseEnrollment, *, allowed_from: tuple[str, ...], to: str
) -> CourseEnrollment:
    # Lock and re-read the row so that two requests cannot both move it.
    locked = CourseEnrollment.objects.select_for_update().get(pk=enrollment.pk)
    if locked.status not in allowed_from:
        raise ValidationError(
            _("This enrolment is %(status)s.") % {"status": locked.get_status_display()},
            code="conflict",
        )
    updated = CourseEnrollment.objects.filter(pk=locked.pk, status=locked.status).update(status=to)
    if not updated:
        raise ValidationError(_("This enrolment changed meanwhile."), code="conflict")
    locked.status = to
    return locked


@transaction.atomic
def enrollment_cancel(*, enrollment: CourseEnrollment, by: User) -> CourseEnrollment:
    """Cancel an enrolment: the course's lessons close to the student at once.

    The student themselves, the course's tutor, managers and admins may cancel. Progress
    and attempts stay (enrolling again re-activates the row). A cancelled enrolment
    cannot be cancelled again (ValidationError code "conflict" → 409).
    """
    _check_may_change(enrollment, by, student_may=True)
    return _set_status(
        enrollment,
        allowed_from=(EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED, EnrollmentStatus.COMPLETED),
        to=EnrollmentStatus.CANCELLED,
    )


@transaction.atomic
def enrollment_pause(*, enrollment: CourseEnrollment, by: User) -> CourseEnrollment:
    """Pause an active enrolment (the course's tutor or staff): lessons close until resumed."""
    _check_may_change(enrollment, by, student_may=False)
    return _set_status(
        enrollment, allowed_from=(EnrollmentStatus.ACTIVE,), to=EnrollmentStatus.PAUSED
    )


@transaction.atomic
def enrollment_resume(*, enrollment: CourseEnrollment, by: User) -> CourseEnrollment:
    """Resume a paused enrolment (the course's tutor or staff)."""
    _check_may_change(enrollment, by, student_may=False)
    return _set_status(
        enrollment, allowed_from=(EnrollmentStatus.PAUSED,), to=EnrollmentStatus.ACTIVE
    )

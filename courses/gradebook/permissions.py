"""Who may read which gradebook.

* A course's grid (every enrolled student × every graded item): the tutor who owns the
  course (its section's tutor), managers and admins.
* One student's grades in one course: the student, their parents, the course's tutor and
  staff, and only while the student has an enrollment in the course (any status: grades
  of a finished or cancelled course stay readable).

Objects are fetched by helpers that answer 404 both for "missing" and "not yours", so
ids cannot be probed.
"""

from __future__ import annotations

from django.http import Http404

from courses.models import CourseEnrollment, CoursePage
from courses.permissions import is_course_owner
from people.models import Guardianship, User
from people.roles import Role


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _is_staff(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN))


def can_view_course_grid(user, course: CoursePage) -> bool:
    """The course's owning tutor, managers and admins see the whole class's grades."""
    return _is_staff(user) or is_course_owner(user, course)


def can_view_student_grades(user, student: User, course: CoursePage) -> bool:
    """Whether `user` may read `student`'s grades in `course` (enrollment checked by caller).

    The student themselves, a parent of theirs, the course's tutor, staff.
    """
    if not _active(user):
        return False
    if _is_staff(user):
        return True
    if user.role == Role.STUDENT:
        return user.pk == student.pk
    if user.role == Role.PARENT:
        return Guardianship.objects.filter(parent=user, student=student).exists()
    if user.role == Role.TUTOR:
        return is_course_owner(user, course)
    return False


def _course(pk) -> CoursePage:
    try:
        return CoursePage.objects.select_related("locale").get(pk=pk)
    except (CoursePage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such course.") from exc


def get_grid_course_for(user, pk) -> CoursePage:
    """The course `pk` if `user` may see its grid; 404 for missing and not-yours alike."""
    course = _course(pk)
    if not can_view_course_grid(user, course):
        raise Http404("No such course.")
    return course


def get_student_course_for(user, pk, student_pk) -> tuple[CoursePage, User, CourseEnrollment]:
    """(course, student, enrollment) if `user` may read that student's grades in the course.

    404 for a missing course or student, a student not enrolled in the course (in any
    translation), and anyone who may not read them, alike.
    """
    course = _course(pk)
    enrollment = (
        CourseEnrollment.objects.filter(
            course_translation_key=course.translation_key,
            student_id=student_pk if str(student_pk).isdigit() else None,
            student__role=Role.STUDENT,
        )
        .select_related("student")
        .first()
    )
    if enrollment is None or not can_view_student_grades(user, enrollment.student, course):
        raise Http404("No such gradebook.")
    return course, enrollment.student, enrollment


def gradebook_children_of(parent) -> list[User]:
    """A parent's children, by name, for the child picker of the parent's gradebook."""
    if not _active(parent) or parent.role != Role.PARENT:
        return []
    return list(
        User.objects.filter(role=Role.STUDENT, guardians_links__parent=parent)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )

"""Who may see and do what with scheduled lessons.

A tutor sees their own lessons; a student the lessons they take part in (one-to-one and
classroom lessons); a parent their children's; managers and admins every lesson. Fetching
a lesson by id goes through `lesson_for`, which answers 404 both for a missing lesson and
for one the user may not see.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from people.models import Guardianship, User
from people.permissions import has_active_link, is_school_staff
from people.roles import Role

from .models import LessonParticipant, ScheduledLesson


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def lessons_visible_to(user) -> QuerySet[ScheduledLesson]:
    """The lessons the user may see, by role (see the module docstring)."""
    lessons = ScheduledLesson.objects.all()
    if not _active(user):
        return lessons.none()
    if is_school_staff(user):
        return lessons
    if user.role == Role.TUTOR:
        return lessons.filter(tutor=user)
    if user.role == Role.STUDENT:
        return lessons.filter(
            Exists(LessonParticipant.objects.filter(lesson=OuterRef("pk"), student=user))
        )
    if user.role == Role.PARENT:
        return lessons.filter(
            Exists(
                LessonParticipant.objects.filter(
                    lesson=OuterRef("pk"), student__guardians_links__parent=user
                )
            )
        )
    return lessons.none()


def lesson_for(user, pk) -> ScheduledLesson:
    """The lesson with id `pk` if the user may see it; 404 otherwise (missing or not theirs)."""
    try:
        return (
            lessons_visible_to(user)
            .select_related("tutor", "student", "classroom", "subject", "series")
            .get(pk=pk)
        )
    except (ScheduledLesson.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such lesson.")) from exc


def can_manage_lesson(user, lesson: ScheduledLesson) -> bool:
    """Only the lesson's tutor edits, marks, confirms or declines it."""
    return _active(user) and user.role == Role.TUTOR and lesson.tutor_id == user.pk


def sees_lesson_in_full(user, lesson: ScheduledLesson) -> bool:
    """The lesson's tutor and school staff see its price and every participant; a student
    or parent sees only themselves and their own children (`family_student_ids`)."""
    return user.pk == lesson.tutor_id or is_school_staff(user)


def family_student_ids(user) -> set[int]:
    """The students whose part of a lesson `user` may see: themselves, and a parent's
    children (one query for a parent)."""
    ids = {user.pk}
    if user.role == Role.PARENT:
        ids.update(Guardianship.objects.filter(parent=user).values_list("student_id", flat=True))
    return ids


def is_parent_of(user, student_id) -> bool:
    return (
        _active(user)
        and user.role == Role.PARENT
        and Guardianship.objects.filter(parent=user, student_id=student_id).exists()
    )


def can_cancel_lesson(user, lesson: ScheduledLesson) -> bool:
    """The tutor; for a one-to-one lesson also its student and a parent of the student.

    Who may act, not whether the policy allows it now: the service checks the status and
    the cancellation window under the row lock.
    """
    if can_manage_lesson(user, lesson):
        return True
    if not _active(user) or not lesson.student_id:
        return False
    return lesson.student_id == user.pk or is_parent_of(user, lesson.student_id)


def can_book_with(user, tutor: User, student: User) -> bool:
    """A student (for themselves) or their parent books with a tutor the student is linked to."""
    if not _active(user) or tutor is None or student is None:
        return False
    if tutor.role != Role.TUTOR or not tutor.is_active or student.role != Role.STUDENT:
        return False
    if user.pk == student.pk:
        allowed = user.role == Role.STUDENT
    else:
        allowed = is_parent_of(user, student.pk)
    return allowed and has_active_link(tutor, student)

"""Classrooms: a tutor's groups of their own, actively linked students.

Only the owning tutor changes a classroom. A student joins only while an active
TutorStudent link ties them to the classroom's tutor; ending that link
(`links.tutor_link_end`) takes them out of the tutor's classrooms again.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from messaging.models import Notification
from messaging.services import notify

from ..models import Classroom, ClassroomMembership, TutorStudent, User
from ..permissions import can_create_classroom, can_manage_classroom

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 2000


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the classroom a name.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": _("The name is too long (120 characters at most).")})
    return name


def _clean_description(description: str) -> str:
    # A TextField's max_length is not checked by full_clean(): check it here.
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {"description": _("The description is too long (2000 characters at most).")}
        )
    return description


def _name_taken_error() -> ValidationError:
    return ValidationError({"name": _("You already have a classroom with this name.")})


def _name_taken(tutor: User, name: str, exclude_pk=None) -> bool:
    """Whether the tutor already has a classroom of this name, ignoring case.

    Compared in Python with casefold(): SQLite's case-insensitive LIKE only folds ASCII,
    and names are often Ukrainian or Russian. A tutor has few classrooms.
    """
    qs = Classroom.objects.filter(tutor=tutor)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    wanted = name.casefold()
    return any(existing.casefold() == wanted for existing in qs.values_list("name", flat=True))


def _save(classroom: Classroom, **save_kwargs) -> None:
    """Save, turning the database's name-per-tutor constraint into a form error.

    The savepoint keeps the outer transaction usable when two requests race for a name.
    """
    try:
        with transaction.atomic():
            classroom.save(**save_kwargs)
    except IntegrityError as exc:
        raise _name_taken_error() from exc


@transaction.atomic
def classroom_create(*, tutor: User, name: str, description: str = "") -> Classroom:
    """Create a classroom owned by `tutor`.

    Names are unique per tutor, ignoring case; two tutors may use the same name.
    Raises PermissionDenied unless `tutor` is an active tutor, ValidationError for an
    empty, too long or already used name or a too long description.
    """
    if not can_create_classroom(tutor):
        raise PermissionDenied(_("Only tutors create classrooms."))
    name = _clean_name(name)
    description = _clean_description(description)
    if _name_taken(tutor, name):
        raise _name_taken_error()
    classroom = Classroom(tutor=tutor, name=name, description=description)
    classroom.full_clean(validate_constraints=False)
    _save(classroom)
    return classroom


@transaction.atomic
def classroom_update(
    *, classroom: Classroom, by: User, name: str, description: str = ""
) -> Classroom:
    """Rename a classroom or change its description (the owning tutor only).

    The same naming rules as `classroom_create` apply; keeping the current name (or
    changing only its case) is allowed.
    """
    if not can_manage_classroom(by, classroom):
        raise PermissionDenied(_("Only the classroom's tutor can change it."))
    name = _clean_name(name)
    description = _clean_description(description)
    if _name_taken(classroom.tutor, name, exclude_pk=classroom.pk):
        raise _name_taken_error()
    classroom.name = name
    classroom.description = description
    classroom.full_clean(validate_constraints=False)
    _save(classroom, update_fields=["name", "description"])
    return classroom


@transaction.atomic
def classroom_delete(*, classroom: Classroom, by: User) -> None:
    """Delete a classroom and its memberships (owner only); the students stay linked."""
    if not can_manage_classroom(by, classroom):
        raise PermissionDenied(_("Only the classroom's tutor can delete it."))
    classroom.delete()


@transaction.atomic
def classroom_member_add(
    *, classroom: Classroom, students: list[User], by: User
) -> list[ClassroomMembership]:
    """Add students to a classroom (owner only); each is told in the app.

    Every student must be actively linked to the classroom's tutor: one who is not
    (another tutor's student, an ended link, a non-student account) makes the whole call
    fail with a ValidationError and nothing changes. Students already in the classroom
    are skipped, so repeating a call is harmless; returns the memberships created now.
    The links are locked so that a link ended meanwhile cannot leave a member behind.
    """
    if not can_manage_classroom(by, classroom):
        raise PermissionDenied(_("Only the classroom's tutor can change its members."))
    unique = list({student.pk: student for student in students}.values())
    if not unique:
        raise ValidationError({"students": _("Choose at least one student.")})
    linked = set(
        TutorStudent.objects.select_for_update()
        .filter(
            tutor_id=classroom.tutor_id,
            student__in=[s.pk for s in unique],
            status=TutorStudent.Status.ACTIVE,
        )
        .values_list("student_id", flat=True)
    )
    if any(student.pk not in linked for student in unique):
        raise ValidationError(
            {"students": _("Only your own active students can join your classrooms.")}
        )
    present = set(
        classroom.memberships.filter(student__in=unique).values_list("student_id", flat=True)
    )
    created = []
    link = reverse("people:classroom_detail", args=[classroom.pk])
    classroom_name = classroom.name
    for student in unique:
        if student.pk in present:
            continue
        try:
            with transaction.atomic():
                membership = ClassroomMembership.objects.create(
                    classroom=classroom, student=student
                )
        except IntegrityError:
            # A concurrent request added the same student first: already done.
            logger.info("Student %s already in classroom %s", student.pk, classroom.pk)
            continue
        created.append(membership)
        # Imported here: courses.assignments imports people (models, permissions).
        from courses.assignments.services import on_classroom_member_added

        on_classroom_member_added(classroom=classroom, student=student)
        notify(
            recipient=student,
            kind=Notification.Kind.CLASSROOM_ADDED,
            text=lambda name=classroom_name: (
                _("You were added to the classroom “%(name)s”.") % {"name": name}
            ),
            link=link,
            email=False,
        )
    if created:
        # Imported here: scheduling imports people (models, permissions).
        from scheduling.services.classrooms import classroom_lessons_resync

        classroom_lessons_resync(classroom=classroom)
    return created


@transaction.atomic
def classroom_member_remove(*, classroom: Classroom, student: User, by: User) -> bool:
    """Remove a student from a classroom (owner only); returns whether they were a member.

    Removing someone who is not a member changes nothing, so a repeated click is harmless.
    """
    if not can_manage_classroom(by, classroom):
        raise PermissionDenied(_("Only the classroom's tutor can change its members."))
    deleted, _rows = classroom.memberships.filter(student=student).delete()
    if deleted:
        # Imported here: scheduling imports people (models, permissions).
        from scheduling.services.classrooms import classroom_lessons_resync

        classroom_lessons_resync(classroom=classroom)
    return deleted > 0

"""Classrooms: a tutor's groups of their own, actively linked students."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from messaging.models import Notification
from messaging.services import notify

from ..models import Classroom, ClassroomMembership, User
from ..permissions import can_create_classroom, can_manage_classroom, has_active_link


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the classroom a name.")})
    if len(name) > 120:
        raise ValidationError({"name": _("The name is too long (120 characters at most).")})
    return name


def _name_taken(tutor: User, name: str, exclude_pk=None) -> bool:
    qs = Classroom.objects.filter(tutor=tutor, name__iexact=name)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@transaction.atomic
def classroom_create(*, tutor: User, name: str, description: str = "") -> Classroom:
    """Create a classroom owned by `tutor`. Names are unique per tutor (case-insensitive)."""
    if not can_create_classroom(tutor):
        raise PermissionDenied(_("Only tutors create classrooms."))
    name = _clean_name(name)
    if _name_taken(tutor, name):
        raise ValidationError({"name": _("You already have a classroom with this name.")})
    classroom = Classroom(tutor=tutor, name=name, description=(description or "").strip())
    classroom.full_clean()
    try:
        with transaction.atomic():
            classroom.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("You already have a classroom with this name.")}) from exc
    return classroom


@transaction.atomic
def classroom_update(
    *, classroom: Classroom, by: User, name: str, description: str = ""
) -> Classroom:
    """Rename a classroom or change its description (owner only)."""
    if not can_manage_classroom(by, classroom):
        raise PermissionDenied(_("Only the classroom's tutor can change it."))
    name = _clean_name(name)
    if _name_taken(classroom.tutor, name, exclude_pk=classroom.pk):
        raise ValidationError({"name": _("You already have a classroom with this name.")})
    classroom.name = name
    classroom.description = (description or "").strip()
    classroom.full_clean()
    classroom.save(update_fields=["name", "description"])
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
    """Add students to a classroom. Each must be actively linked to the classroom's tutor.

    Students already in the classroom are skipped; returns the memberships created.
    """
    if not can_manage_classroom(by, classroom):
        raise PermissionDenied(_("Only the classroom's tutor can change its members."))
    if not students:
        raise ValidationError({"students": _("Choose at least one student.")})
    for student in students:
        if not has_active_link(classroom.tutor, student):
            raise ValidationError(
                {"students": _("Only your own active students can join your classrooms.")}
            )
    present = set(
        classroom.memberships.filter(student__in=students).values_list("student_id", flat=True)
    )
    created = []
    for student in students:
        if student.pk in present:
            continue
        created.append(ClassroomMembership.objects.create(classroom=classroom, student=student))
        classroom_name = classroom.name
        notify(
            recipient=student,
            kind=Notification.Kind.CLASSROOM_ADDED,
            text=lambda name=classroom_name: (
                _("You were added to the classroom “%(name)s”.") % {"name": name}
            ),
            link=reverse("people:classroom_detail", args=[classroom.pk]),
            email=False,
        )
    return created


@transaction.atomic
def classroom_member_remove(*, classroom: Classroom, student: User, by: User) -> bool:
    """Remove a student from a classroom; returns whether they were a member."""
    if not can_manage_classroom(by, classroom):
        raise PermissionDenied(_("Only the classroom's tutor can change its members."))
    deleted, _rows = classroom.memberships.filter(student=student).delete()
    return deleted > 0

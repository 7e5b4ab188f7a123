"""Who may see and do what with people. Every rule about tenancy lives here.

A tutor reaches a student only through an active TutorStudent link; a parent only their
own children; a student only themselves; managers and admins reach every student of the
school. Functions named `can_*` answer yes or no; functions named `*_visible_to` return
the scoped queryset; `get_*_for` fetch one object by id and raise Http404 both when it is
missing and when it is not the viewer's, so that ids cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Classroom, GuardianshipInvitation, TutorStudent, User
from .roles import MANAGER_ADMINISTERED_ROLES, Role


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_school_staff(user) -> bool:
    """Managers and admins: they see every student and tutor of the school."""
    return _active(user) and user.role in (Role.MANAGER, Role.ADMIN)


# --- students ---------------------------------------------------------------------------


def students_visible_to(user) -> QuerySet[User]:
    """The students the user may see: linked (tutor), children (parent), self, or all (staff)."""
    students = User.objects.filter(role=Role.STUDENT)
    if not _active(user):
        return students.none()
    if is_school_staff(user):
        return students
    if user.role == Role.TUTOR:
        return students.filter(
            tutor_links__tutor=user, tutor_links__status=TutorStudent.Status.ACTIVE
        ).distinct()
    if user.role == Role.PARENT:
        return students.filter(guardians_links__parent=user).distinct()
    if user.role == Role.STUDENT:
        return students.filter(pk=user.pk)
    return students.none()


def get_student_for(user, pk) -> User:
    """The student with id `pk` if the user may see them; 404 otherwise (missing or not theirs)."""
    try:
        return students_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such student.") from exc


def has_active_link(tutor, student) -> bool:
    """Whether an active tutor–student link joins the two."""
    return TutorStudent.objects.filter(
        tutor=tutor, student=student, status=TutorStudent.Status.ACTIVE
    ).exists()


# --- tutor requests and links -------------------------------------------------------------


def tutor_links_visible_to(user) -> QuerySet[TutorStudent]:
    """Links (and requests) the user is a party to; staff see all."""
    links = TutorStudent.objects.all()
    if not _active(user):
        return links.none()
    if is_school_staff(user):
        return links
    if user.role == Role.PARENT:
        return links.filter(student__guardians_links__parent=user)
    return links.filter(Q(tutor=user) | Q(student=user))


def get_tutor_link_for(user, pk) -> TutorStudent:
    """One link the user is a party to, or 404."""
    try:
        return tutor_links_visible_to(user).select_related("tutor", "student").get(pk=pk)
    except (TutorStudent.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such tutoring link.") from exc


def can_request_tutor(user, tutor: User) -> bool:
    """A signed-in student may ask a directory-listed, active tutor."""
    profile = getattr(tutor, "tutor_profile", None)
    return (
        _active(user)
        and user.role == Role.STUDENT
        and tutor.is_active
        and tutor.role == Role.TUTOR
        and profile is not None
        and profile.listed_in_directory
    )


def can_answer_request(user, link: TutorStudent) -> bool:
    """Only the tutor who was asked answers a request.

    Who may act, not whether the request is still pending: the service checks the state
    under a row lock, so a second answer is a conflict (409), not a refusal (403).
    """
    return _active(user) and link.tutor_id == user.pk


def can_withdraw_request(user, link: TutorStudent) -> bool:
    """The student who asked may withdraw their request (while pending: the service checks)."""
    return _active(user) and link.student_id == user.pk


def can_end_link(user, link: TutorStudent) -> bool:
    """Either side of a link may end it; so may school staff (while active: the service checks)."""
    return _active(user) and (user.pk in (link.tutor_id, link.student_id) or is_school_staff(user))


# --- classrooms ------------------------------------------------------------------------------


def classrooms_visible_to(user) -> QuerySet[Classroom]:
    """A tutor's own classrooms; a student's classrooms; staff see all."""
    classrooms = Classroom.objects.all()
    if not _active(user):
        return classrooms.none()
    if is_school_staff(user):
        return classrooms
    if user.role == Role.TUTOR:
        return classrooms.filter(tutor=user)
    if user.role == Role.STUDENT:
        return classrooms.filter(memberships__student=user)
    if user.role == Role.PARENT:
        return classrooms.filter(memberships__student__guardians_links__parent=user).distinct()
    return classrooms.none()


def get_classroom_for(user, pk) -> Classroom:
    """A classroom the user may see, or 404."""
    try:
        return classrooms_visible_to(user).select_related("tutor").get(pk=pk)
    except (Classroom.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such classroom.") from exc


def can_manage_classroom(user, classroom: Classroom) -> bool:
    """Only the owning tutor edits a classroom and its membership."""
    return _active(user) and user.role == Role.TUTOR and classroom.tutor_id == user.pk


def can_create_classroom(user) -> bool:
    return _active(user) and user.role == Role.TUTOR


# --- families ------------------------------------------------------------------------------


def family_invitations_visible_to(user) -> QuerySet[GuardianshipInvitation]:
    """Invitations the user sent (parent) or received (student)."""
    invitations = GuardianshipInvitation.objects.all()
    if not _active(user):
        return invitations.none()
    if user.role == Role.PARENT:
        return invitations.filter(parent=user)
    if user.role == Role.STUDENT:
        return invitations.filter(student=user)
    return invitations.none()


def get_family_invitation_for(user, pk) -> GuardianshipInvitation:
    """An invitation the user sent or received, or 404."""
    try:
        return family_invitations_visible_to(user).select_related("parent", "student").get(pk=pk)
    except (GuardianshipInvitation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such invitation.") from exc


def can_answer_family_invitation(user, invitation: GuardianshipInvitation) -> bool:
    """Only the invited student answers (while pending: the service checks, so a second
    answer is a conflict, not a refusal)."""
    return (
        _active(user)
        and user.role == Role.STUDENT
        and invitation.student_id is not None
        and invitation.student_id == user.pk
    )


def can_link_guardians(user) -> bool:
    """Admins and managers link parents to students directly."""
    return is_school_staff(user)


# --- accounts (staff tools) ----------------------------------------------------------------


def can_administer_account(user, target: User) -> bool:
    """Whether `user` may block, reset, deactivate or delete `target`'s account.

    Admins administer anyone but themselves; managers only students and parents.
    """
    if not is_school_staff(user) or target.pk == user.pk:
        return False
    if user.role == Role.ADMIN:
        return True
    return target.role in MANAGER_ADMINISTERED_ROLES


def roles_creatable_by(user) -> tuple[Role, ...]:
    """The roles of the accounts `user` may create."""
    if not is_school_staff(user):
        return ()
    if user.role == Role.ADMIN:
        return tuple(Role)
    return tuple(r for r in Role if r in MANAGER_ADMINISTERED_ROLES)


def can_change_role(user, target: User) -> bool:
    """Only admins change roles, and nobody changes their own."""
    return _active(user) and user.role == Role.ADMIN and target.pk != user.pk


def accounts_visible_to(user) -> QuerySet[User]:
    """Accounts listed in the staff tools: all for admins, students and parents for managers."""
    if not is_school_staff(user):
        return User.objects.none()
    if user.role == Role.ADMIN:
        return User.objects.all()
    return User.objects.filter(role__in=list(MANAGER_ADMINISTERED_ROLES))


def get_account_for(user, pk) -> User:
    """An account the staff member may administer, or 404."""
    try:
        return accounts_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such account.") from exc

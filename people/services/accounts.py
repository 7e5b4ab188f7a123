"""Account writes: creating users with their profile and groups, roles, staff actions.

Every staff action checks its permission here (not only in the view), runs in one
transaction and writes an audit entry through Wagtail's audit log.
"""

from __future__ import annotations

import secrets
import string

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.services.sections import tutor_section_sync

from .. import audit
from ..models import Guardianship, StudentProfile, TutorProfile, User
from ..permissions import (
    can_administer_account,
    can_change_role,
    can_link_guardians,
    roles_creatable_by,
)
from ..roles import ROLE_GROUPS, Role
from .family import family_invitations_attach


def generate_password(length: int = 16) -> str:
    """A random password that passes the validators: letters, digits and a symbol."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(length - 2))
        candidate = body + secrets.choice("!#%+-=?@") + secrets.choice(string.digits)
        if any(c.islower() for c in candidate) and any(c.isupper() for c in candidate):
            return candidate


def _role(value, field: str = "role") -> Role:
    """The Role for `value`, or a ValidationError on `field` when it is not one."""
    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationError({field: _("Choose a valid role.")}) from exc


def _sync_role_groups(user: User) -> None:
    """Put the user in exactly the Wagtail groups of their role; admins are superusers."""
    managed = {name for names in ROLE_GROUPS.values() for name in names}
    wanted = set(ROLE_GROUPS.get(Role(user.role), ()))
    current = list(user.groups.filter(name__in=managed))
    for group in current:
        if group.name not in wanted:
            user.groups.remove(group)
    missing = wanted - {g.name for g in current}
    if missing:
        user.groups.add(*Group.objects.filter(name__in=missing))
    is_admin = user.role == Role.ADMIN
    if user.is_superuser != is_admin or user.is_staff != is_admin:
        user.is_superuser = is_admin
        user.is_staff = is_admin
        user.save(update_fields=["is_superuser", "is_staff"])


def profile_ensure(user: User) -> None:
    """Create the role's profile row (tutor or student) if the user has none yet."""
    if user.role == Role.TUTOR:
        TutorProfile.objects.get_or_create(user=user)
    elif user.role == Role.STUDENT:
        StudentProfile.objects.get_or_create(user=user)


@transaction.atomic
def user_create(
    *,
    email: str,
    role: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
    preferred_language: str = "en",
    timezone_name: str = "UTC",
) -> User:
    """Create a user with their role's profile and groups.

    With `by` (a staff member) the role must be one `by` may create and the creation is
    audited; without it (self sign-up) the caller has already limited the role. A password
    of None makes an unusable password. Raises ValidationError for a missing or taken
    e-mail (code "duplicate"), an unknown role or a weak password, PermissionDenied for a
    role `by` may not create.
    """
    role = _role(role)
    if by is not None and role not in roles_creatable_by(by):
        raise PermissionDenied(_("You may not create accounts with this role."))
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": _("Enter an e-mail address.")})
    duplicate = ValidationError(
        {
            "email": ValidationError(
                _("An account with this e-mail address already exists."), code="duplicate"
            )
        }
    )
    if User.objects.filter(email__iexact=email).exists():
        raise duplicate
    user = User(
        email=email,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=preferred_language,
        timezone=timezone_name,
    )
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # another request took the e-mail meanwhile
        raise duplicate from exc
    _sync_role_groups(user)
    profile_ensure(user)
    tutor_section_sync(user=user)
    # Invitations a parent sent to this e-mail before the account existed.
    family_invitations_attach(student=user)
    if by is not None:
        log(instance=user, action=audit.ACCOUNT_CREATE, user=by, data={"role": role.value})
    return user


def _require_admin_rights(by: User, target: User) -> None:
    if not can_administer_account(by, target):
        raise PermissionDenied(_("You may not administer this account."))


@transaction.atomic
def user_set_role(*, user: User, role: str, by: User) -> User:
    """Change a user's role (admins only, never their own), moving their groups with it.

    The user leaves the Wagtail groups of the old role and joins those of the new one; an
    admin is a superuser and stops being one when demoted. Audited with both roles.
    """
    if not can_change_role(by, user):
        raise PermissionDenied(_("Only an admin may change roles, and never their own."))
    new_role = _role(role)
    old_role = user.role
    if new_role == old_role:
        return user
    user.role = new_role
    user.save(update_fields=["role"])
    _sync_role_groups(user)
    profile_ensure(user)
    tutor_section_sync(user=user)
    log(
        instance=user,
        action=audit.ACCOUNT_ROLE_CHANGE,
        user=by,
        data={"from": old_role, "to": new_role.value},
    )
    return user


@transaction.atomic
def user_block(*, user: User, by: User) -> User:
    """Stop a user signing in until unblocked. Their data stays."""
    _require_admin_rights(by, user)
    if user.blocked_at is None:
        user.blocked_at = timezone.now()
        user.is_active = False
        user.save(update_fields=["blocked_at", "is_active"])
        log(instance=user, action=audit.ACCOUNT_BLOCK, user=by)
    return user


@transaction.atomic
def user_unblock(*, user: User, by: User) -> User:
    """Let a blocked user sign in again (a deactivated account stays inactive)."""
    _require_admin_rights(by, user)
    if user.blocked_at is not None:
        user.blocked_at = None
        user.is_active = user.deactivated_at is None
        user.save(update_fields=["blocked_at", "is_active"])
        log(instance=user, action=audit.ACCOUNT_UNBLOCK, user=by)
    return user


@transaction.atomic
def user_reset_password(*, user: User, by: User) -> str:
    """Set a generated password and return it, to be shown once to the staff member.

    A login lock-out on the account's e-mail is lifted too, so the new password works at once.
    """
    _require_admin_rights(by, user)
    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    log(instance=user, action=audit.ACCOUNT_PASSWORD_RESET, user=by)
    transaction.on_commit(lambda: axes_reset(username=user.email.lower()))
    return password


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Soft-delete: the account can no longer sign in and leaves lists; its data stays."""
    _require_admin_rights(by, user)
    if user.deactivated_at is None:
        user.deactivated_at = timezone.now()
        user.is_active = False
        user.save(update_fields=["deactivated_at", "is_active"])
        log(instance=user, action=audit.ACCOUNT_DEACTIVATE, user=by)
    return user


@transaction.atomic
def user_delete(*, user: User, by: User, confirm_email: str) -> None:
    """Hard-delete an account and everything that cascades from it.

    The staff member confirms by typing the account's e-mail; a mismatch changes nothing.
    The audit entry is written before the row goes, and keeps the e-mail and role.
    """
    _require_admin_rights(by, user)
    if (confirm_email or "").strip().lower() != user.email.lower():
        raise ValidationError(
            {"confirm_email": _("Type the account's e-mail address exactly to confirm.")}
        )
    log(
        instance=user,
        action=audit.ACCOUNT_DELETE,
        user=by,
        data={"email": user.email, "role": user.role},
    )
    user.delete()


@transaction.atomic
def guardians_assign(*, parent: User, students: list[User], by: User) -> list[Guardianship]:
    """Link one parent to many students at once (admins and managers). Idempotent.

    Returns the guardianships created now; existing links are left as they are, so
    submitting the same choice twice creates nothing the second time. Each new link is
    audited on the student. Raises PermissionDenied for anyone but school staff and
    ValidationError when `parent` is not a parent or a chosen account is not a student.
    """
    if not can_link_guardians(by):
        raise PermissionDenied(_("Only managers and admins link parents to students."))
    if parent.role != Role.PARENT:
        raise ValidationError({"parent": _("Choose an account with the parent role.")})
    unique_students = list({s.pk: s for s in students}.values())
    if not unique_students:
        raise ValidationError({"students": _("Choose at least one student.")})
    if any(s.role != Role.STUDENT for s in unique_students):
        raise ValidationError({"students": _("Only students can be linked to a parent.")})
    existing = set(
        Guardianship.objects.filter(parent=parent, student__in=unique_students).values_list(
            "student_id", flat=True
        )
    )
    created = []
    for student in unique_students:
        if student.pk in existing:
            continue
        try:
            with transaction.atomic():
                guardianship = Guardianship.objects.create(
                    parent=parent, student=student, created_by=by
                )
        except IntegrityError:  # linked by a concurrent request meanwhile: nothing to do
            continue
        log(
            instance=student,
            action=audit.GUARDIANSHIP_CREATE,
            user=by,
            data={"parent_id": parent.pk, "parent": parent.email},
        )
        created.append(guardianship)
    return created

"""Profile and settings writes: what a signed-in person may change about themselves.

One service backs both the profile screen and `PUT /api/me/profile/`, so the rules —
which fields each role may change, that the role, e-mail, staff flags, points and coins
are never among them, and that bad input changes nothing — hold for both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant

from ..models import Language, Level, StudentProfile, Subject, TutorProfile, User
from ..roles import Role
from .accounts import profile_ensure

logger = logging.getLogger(__name__)

#: Fields of the User row every role may change about themselves.
ACCOUNT_FIELDS = ("first_name", "last_name", "timezone", "preferred_language", "avatar")

#: Plain and many-to-many fields of the role's profile row that its owner may change.
#: Roles missing here (parent, manager, admin) have no profile fields to change.
PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    Role.TUTOR: ("bio", "hourly_rate", "currency", "listed_in_directory"),
    Role.STUDENT: ("goals", "level", "grade"),
}
PROFILE_M2M_FIELDS: dict[str, dict[str, type[models.Model]]] = {
    Role.TUTOR: {"subjects": Subject, "levels": Level, "languages": Language},
    Role.STUDENT: {},
}
_TEXT_FIELDS = frozenset({"first_name", "last_name", "bio", "goals", "grade"})


def profile_fields_for(role: str) -> tuple[str, ...]:
    """Names of the profile fields a user of `role` may change (plain and many-to-many)."""
    return PROFILE_FIELDS.get(role, ()) + tuple(PROFILE_M2M_FIELDS.get(role, {}))


def default_locale_subjects():
    """The subjects tutors choose from: those of the site's default locale.

    The directory matches a subject's translations through its translation key, so one
    locale is enough; filtering by language code needs no Locale row to exist.
    """
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    return Subject.objects.filter(locale__language_code=code)


def _profile_model(role: str) -> type[models.Model] | None:
    return {Role.TUTOR: TutorProfile, Role.STUDENT: StudentProfile}.get(role)


def _resolve_many(field: str, model: type[models.Model], values) -> list[models.Model]:
    """Turn instances or primary keys into instances of `model`; unknown ids are an error."""
    if values is None:
        return []
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError({field: _("Give a list of choices.")})
    values = list(values)
    instances = [v for v in values if isinstance(v, model)]
    ids = [v for v in values if not isinstance(v, model)]
    if ids:
        try:
            found = list(model._default_manager.filter(pk__in=ids))
        except (TypeError, ValueError) as exc:
            raise ValidationError({field: _("One of the choices is not valid.")}) from exc
        if len(found) != len(set(map(str, ids))):
            raise ValidationError({field: _("One of the choices does not exist.")})
        instances.extend(found)
    if model is Subject:
        allowed = set(
            default_locale_subjects()
            .filter(pk__in=[s.pk for s in instances])
            .values_list("pk", flat=True)
        )
        if any(s.pk not in allowed for s in instances):
            raise ValidationError({field: _("One of the choices does not exist.")})
    return instances


def _resolve_level(value) -> Level | None:
    if value in (None, ""):
        return None
    if isinstance(value, Level):
        return value
    try:
        return Level.objects.get(pk=value)
    except (Level.DoesNotExist, TypeError, ValueError) as exc:
        raise ValidationError({"level": _("This level does not exist.")}) from exc


def _clean_rate(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hourly_rate": _("Enter a number.")}) from exc
    if not rate.is_finite():
        raise ValidationError({"hourly_rate": _("Enter a number.")})
    if rate < 0:
        raise ValidationError({"hourly_rate": _("The hourly rate cannot be negative.")})
    return rate


def _apply_avatar(user: User, value) -> str | None:
    """Set or clear the avatar in memory; return the old file's name to delete after commit.

    A file replaces the avatar; None, False or "" clear it.
    """
    old_name = user.avatar.name or None
    if value in (None, False, ""):
        if not old_name:
            return None
        user.avatar = None
        return old_name
    if not isinstance(value, File):
        raise ValidationError({"avatar": _("Upload a picture file.")})
    try:
        # The same check as the profile form's and the API's: Pillow must read it.
        forms.ImageField().to_python(value)
    except ValidationError as error:
        raise ValidationError({"avatar": error.messages}) from error
    user.avatar = value
    return old_name


def _delete_file_later(storage, name: str) -> None:
    def _delete():
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the replaced avatar %s", name, exc_info=True)

    transaction.on_commit(_delete)


@transaction.atomic
def profile_update(*, user: User, account_data: dict, profile_data: dict) -> User:
    """Change a user's own account settings and their role's profile, all or nothing.

    `account_data` may hold first_name, last_name, timezone, preferred_language and avatar
    (a file to replace it; None to clear it). `profile_data` may hold the role's profile
    fields (tutors: bio, hourly_rate, currency, listed_in_directory, subjects, levels,
    languages; students: goals, level, grade). A key that is absent leaves the value as it
    is; keys outside these lists — role, e-mail, staff flags, groups, points, coins, ids —
    are ignored, so no form or API body can change them. Many-to-many values (instances or
    ids) replace the current set.

    Works on a freshly locked copy of the user, so the caller's object is left untouched
    when the input is refused. Raises ValidationError (keyed by field) for bad input and
    saves nothing then. Returns the updated user.
    """
    ignored = (set(account_data) - set(ACCOUNT_FIELDS)) | (
        set(profile_data) - set(profile_fields_for(user.role))
    )
    if ignored:
        logger.debug("profile_update ignored fields %s for user %s", sorted(ignored), user.pk)

    target = User.objects.select_for_update().get(pk=user.pk)
    role = target.role

    old_avatar = None
    user_fields = []
    for name in ACCOUNT_FIELDS:
        if name not in account_data:
            continue
        value = account_data[name]
        if name == "avatar":
            old_avatar = _apply_avatar(target, value)
        else:
            value = "" if value is None else value
            if name in _TEXT_FIELDS:
                value = str(value).strip()
            setattr(target, name, value)
        user_fields.append(name)

    profile = None
    profile_fields = []
    m2m_values: dict[str, list[models.Model]] = {}
    profile_model = _profile_model(role)
    if profile_model is not None:
        profile_ensure(target)
        profile = profile_model.objects.select_for_update().get(user=target)
        for name in PROFILE_FIELDS[role]:
            if name not in profile_data:
                continue
            value = profile_data[name]
            if name == "hourly_rate":
                value = _clean_rate(value)
            elif name == "level":
                value = _resolve_level(value)
            elif name == "listed_in_directory":
                value = bool(value)
            elif name in _TEXT_FIELDS:
                value = "" if value is None else str(value).strip()
            setattr(profile, name, value)
            profile_fields.append(name)
        for name, model in PROFILE_M2M_FIELDS[role].items():
            if name in profile_data:
                m2m_values[name] = _resolve_many(name, model, profile_data[name])

    # Check everything before writing anything, and report all problems at once.
    errors: dict[str, list] = {}
    # An unchanged avatar is not re-validated: that would ask the storage for its size.
    user_exclude = ["password"] if "avatar" in user_fields else ["password", "avatar"]
    for obj, exclude in ((target, user_exclude), (profile, None)):
        if obj is None:
            continue
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    if user_fields:
        target.save(update_fields=user_fields)
        if old_avatar and old_avatar != target.avatar.name:
            _delete_file_later(target.avatar.storage, old_avatar)
    if profile is not None:
        if profile_fields:
            profile.save(update_fields=[*profile_fields, "updated_at"])
        for name, instances in m2m_values.items():
            getattr(profile, name).set(instances)
        if m2m_values and not profile_fields:
            profile.save(update_fields=["updated_at"])
    return target

"""Field validators shared by people's models and forms."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    """Accept only IANA time zone names known to this machine (e.g. "Europe/Kyiv")."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_avatar_size(file) -> None:
    """Refuse avatars larger than AVATAR_MAX_UPLOAD_SIZE bytes."""
    limit = settings.AVATAR_MAX_UPLOAD_SIZE
    if file and getattr(file, "size", 0) > limit:
        raise ValidationError(
            _("The picture is too large: at most %(mb)s MB."), params={"mb": limit // (1024 * 1024)}
        )

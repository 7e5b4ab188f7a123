"""Per-request activation of the signed-in user's time zone."""

import zoneinfo

from django.utils import timezone


class UserPreferencesMiddleware:
    """Show times in the viewer's time zone; anonymous visitors see UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.timezone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)

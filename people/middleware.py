"""Per-request activation of the viewer's time zone and, outside the page tree, UI language."""

import zoneinfo

from django.urls import Resolver404, resolve
from django.utils import timezone, translation

#: URL names whose language must stay the one LocaleMiddleware took from the path: the
#: translated page tree ("/about/" is English, "/uk/about/" Ukrainian) and its sitemap.
PATH_LANGUAGE_URL_NAMES = frozenset({"wagtail_serve", "sitemap"})


def _ui_language(request) -> str | None:
    """The language for an application page (/dashboard/, /me/profile/, …), or None.

    With `prefix_default_language=False`, Django's LocaleMiddleware treats every URL
    without a language prefix as a default-language page and ignores the language
    cookie. Application pages have no translated URLs, so they follow the cookie (set at
    sign-in, on the profile screen and by the language switcher), then Accept-Language.
    """
    if translation.get_language_from_path(request.path_info):
        return None
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if match.url_name in PATH_LANGUAGE_URL_NAMES:
        return None
    return translation.get_language_from_request(request, check_path=False)


class UserPreferencesMiddleware:
    """Show times in the viewer's time zone (anonymous visitors see UTC), and speak the
    viewer's chosen language on application pages."""

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
        language = _ui_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)

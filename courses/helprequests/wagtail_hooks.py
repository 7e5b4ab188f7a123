"""The Wagtail admin's way to the help requests: a menu item for managers and admins.

The requests themselves are handled on the site's own pages (/help/), where the step
forms live; the admin only links there. Dashboard panels can use the selectors
`new_requests_for_staff()` and `help_request_counts()`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .permissions import is_help_staff


class HelpRequestsMenuItem(MenuItem):
    """Shown to managers and admins only; tutors find their requests on the site."""

    def is_shown(self, request):
        return is_help_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_help_requests_menu_item():
    return HelpRequestsMenuItem(
        _("Help requests"),
        reverse("helprequests:list"),
        name="help-requests",
        icon_name="help",
        order=260,
    )

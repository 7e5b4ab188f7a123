"""Messaging in the Wagtail admin: a menu item to the signed-in user's notifications."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class NotificationsMenuItem(MenuItem):
    """Links staff and tutors from the admin to their own notifications on the site.

    Everyone who reaches the admin may see it; the page itself shows only the viewer's
    own notifications.
    """

    def is_shown(self, request):
        return request.user.is_authenticated


@hooks.register("register_admin_menu_item")
def register_notifications_menu_item():
    """Add "Notifications" to the admin sidebar, near the bottom."""
    return NotificationsMenuItem(
        _("Notifications"),
        reverse("messaging:notifications"),
        name="notifications",
        icon_name="mail",
        order=9000,
    )

"""Messaging pages: the viewer's notifications, opening one, marking all read.

Views stay thin: reads go through `selectors`, writes through `services`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views import View

from people.views.mixins import RoleRequiredMixin

from .selectors import get_notification_for, notifications_for
from .services import notifications_mark_read


class NotificationListView(RoleRequiredMixin, View):
    """The signed-in user's notifications, newest first, 25 to a page.

    The page is rendered first, with unread notifications marked as such so the user sees
    what is new, and only then are the notifications shown on this page marked read:
    the next visit (and the header badge) no longer count them. Notifications on other
    pages stay unread until they are shown.
    """

    template_name = "messaging/notification_list.html"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        paginator = Paginator(notifications_for(request.user), self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        notifications = list(page.object_list)
        response = TemplateResponse(
            request,
            self.template_name,
            {"page_obj": page, "paginator": paginator, "notifications": notifications},
        )
        response.render()
        unread_ids = [n.pk for n in notifications if not n.is_read]
        if unread_ids:
            notifications_mark_read(user=request.user, ids=unread_ids)
        return response


class NotificationOpenView(RoleRequiredMixin, View):
    """Mark one of the viewer's notifications read and go to its link (POST only).

    Only a safe local URL is followed; anything else (another host, `javascript:`, an empty
    link) lands on the notification list. Another user's notification is a 404.
    """

    def post(self, request, pk, *args, **kwargs):
        notification = get_notification_for(request.user, pk)
        notifications_mark_read(user=request.user, ids=[notification.pk])
        link = notification.link
        if link and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(link)
        return redirect("messaging:notifications")


class NotificationReadAllView(RoleRequiredMixin, View):
    """Mark every unread notification of the viewer read (POST only), then show the list."""

    def post(self, request, *args, **kwargs):
        count = notifications_mark_read(user=request.user)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d notification marked as read.",
                    "%(count)d notifications marked as read.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, gettext("All your notifications were already read."))
        return redirect(reverse("messaging:notifications"))

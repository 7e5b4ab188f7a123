"""Tutor requests and links: the list of one's requests and tutors/students, and the
accept / decline / withdraw / end actions (POST only).

Who may do what is decided by the services (people/services/links.py); these views only
fetch the link through `get_tutor_link_for` (404 when it is not the viewer's), call the
service and report the outcome as a message.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..permissions import get_tutor_link_for, is_school_staff
from ..roles import Role
from ..selectors import active_links_for, past_links_for, pending_requests_for
from ..services import (
    tutor_link_end,
    tutor_request_accept,
    tutor_request_decline,
    tutor_request_withdraw,
)
from .directory import query_string_without
from .mixins import RoleRequiredMixin, service_call

logger = logging.getLogger(__name__)

LINKS_PAGE_SIZE = 20


def redirect_back(request, default: str):
    """Redirect to the form's `next` field when it is a safe local URL, else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


class RequestListView(RoleRequiredMixin, TemplateView):
    """Pending requests, active links and past links of the viewer, each paginated.

    A tutor answers incoming requests and ends links with their students; a student
    withdraws their requests and ends links with their tutors; a parent sees their
    children's tutors read-only. Managers and admins see the whole school's requests and
    links read-only, except that they may end an active link (the service allows staff to).
    """

    template_name = "people/requests.html"
    allowed_roles = (Role.STUDENT, Role.PARENT, Role.TUTOR, Role.MANAGER, Role.ADMIN)

    sections = (
        ("pending", "pending_page", pending_requests_for),
        ("active", "active_page", active_links_for),
        ("past", "past_page", past_links_for),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for name, param, selector in self.sections:
            page_obj = Paginator(selector(user), LINKS_PAGE_SIZE).get_page(
                self.request.GET.get(param)
            )
            context[name] = {
                "page_obj": page_obj,
                "param": param,
                "query_string": query_string_without(self.request, param),
            }
        context.update(
            viewer_is_tutor=user.role == Role.TUTOR,
            viewer_is_student=user.role == Role.STUDENT,
            viewer_is_parent=user.role == Role.PARENT,
            viewer_is_staff=is_school_staff(user),
        )
        return context


class _LinkActionView(RoleRequiredMixin, View):
    """POST-only action on one link the viewer can see; the service checks the rest.

    PermissionDenied from the service becomes 403; a state conflict (already answered,
    no longer active) becomes an error message and a redirect, with nothing changed.
    """

    http_method_names = ["post"]

    def perform(self, *, link, by):
        raise NotImplementedError

    def success_message(self, link) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        link = get_tutor_link_for(request.user, pk)
        back = redirect_back(request, reverse("people:requests"))
        try:
            with service_call(request):
                link = self.perform(link=link, by=request.user)
        except ValidationError:
            return back
        logger.info("tutor link %s is now %s (by user %s)", link.pk, link.status, request.user.pk)
        messages.success(request, self.success_message(link))
        return back


class RequestAcceptView(_LinkActionView):
    """The asked tutor accepts a pending request; the student is notified."""

    def perform(self, *, link, by):
        return tutor_request_accept(link=link, by=by)

    def success_message(self, link) -> str:
        return _("%(student)s is now your student.") % {"student": link.student.display_name}


class RequestDeclineView(_LinkActionView):
    """The asked tutor declines a pending request; the student is notified."""

    def perform(self, *, link, by):
        return tutor_request_decline(link=link, by=by)

    def success_message(self, link) -> str:
        return _("You declined %(student)s's request.") % {"student": link.student.display_name}


class RequestWithdrawView(_LinkActionView):
    """The student withdraws their own pending request."""

    def perform(self, *, link, by):
        return tutor_request_withdraw(link=link, by=by)

    def success_message(self, link) -> str:
        return _("You withdrew your request to %(tutor)s.") % {"tutor": link.tutor.display_name}


class LinkEndView(_LinkActionView):
    """Either side of an active link (or school staff) ends it; the other side is notified."""

    def perform(self, *, link, by):
        return tutor_link_end(link=link, by=by)

    def success_message(self, link) -> str:
        return _("Tutoring between %(tutor)s and %(student)s has ended.") % {
            "tutor": link.tutor.display_name,
            "student": link.student.display_name,
        }

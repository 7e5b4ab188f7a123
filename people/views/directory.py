"""The public tutor directory, a tutor's public profile, and a student's request to a tutor."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..forms.directory import DirectoryFilterForm
from ..forms.links import TutorRequestForm
from ..models import TutorStudent
from ..roles import Role
from ..selectors import (
    directory_filter_options,
    directory_tutors,
    get_listed_tutor,
    open_link_between,
)
from ..services import tutor_request_create
from .mixins import RoleRequiredMixin, service_call

logger = logging.getLogger(__name__)

DIRECTORY_PAGE_SIZE = 20


def query_string_without(request, *names: str) -> str:
    """The request's GET parameters minus `names`, URL-encoded, for pagination links."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


class DirectoryView(TemplateView):
    """The public list of tutors who opted in, filtered by a GET form and paginated.

    Anyone may look, signed in or not. Invalid filter values show a form error and an
    empty result rather than an error page.
    """

    template_name = "people/directory.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DirectoryFilterForm(self.request.GET, options=directory_filter_options())
        if form.is_valid():
            tutors = directory_tutors(form.to_filters())
        else:
            tutors = directory_tutors().none()
        page_obj = Paginator(tutors, DIRECTORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            page_obj=page_obj,
            tutors=page_obj.object_list,
            query_string=query_string_without(self.request, "page"),
        )
        return context


def tutor_detail_context(request, profile, *, request_form=None) -> dict:
    """What the public profile shows; for a signed-in student, the request form or its state.

    A student with a pending request or an active link sees that state instead of the form.
    """
    user = request.user
    context = {"profile": profile, "tutor": profile.user, "is_student": False}
    if user.is_authenticated and user.role == Role.STUDENT:
        open_link = open_link_between(tutor=profile.user, student=user)
        context.update(
            is_student=True,
            open_link=open_link,
            link_is_active=open_link is not None and open_link.status == TutorStudent.Status.ACTIVE,
        )
        if open_link is None:
            context["request_form"] = request_form or TutorRequestForm()
    return context


class TutorDetailView(View):
    """A listed tutor's public profile; 404 for unlisted, inactive and non-tutor users."""

    template_name = "people/tutor_detail.html"

    def get(self, request, pk):
        profile = get_listed_tutor(pk)
        return render(request, self.template_name, tutor_detail_context(request, profile))


class TutorRequestView(RoleRequiredMixin, View):
    """A student asks a listed tutor to teach them (POST only).

    Anonymous visitors are sent to sign in and then back to the tutor's profile; other
    roles get 403. A duplicate request changes nothing and comes back as a message.
    """

    allowed_roles = (Role.STUDENT,)
    http_method_names = ["post"]

    def handle_no_permission(self):
        detail = reverse("people:tutor_detail", args=[self.kwargs["pk"]])
        return redirect_to_login(detail, self.get_login_url(), self.get_redirect_field_name())

    def post(self, request, pk):
        profile = get_listed_tutor(pk)
        form = TutorRequestForm(request.POST)
        if not form.is_valid():
            context = tutor_detail_context(request, profile, request_form=form)
            return render(request, TutorDetailView.template_name, context, status=400)
        detail_url = reverse("people:tutor_detail", args=[profile.user_id])
        try:
            with service_call(request):
                tutor_request_create(
                    student=request.user, tutor=profile.user, message=form.cleaned_data["message"]
                )
        except ValidationError:
            return redirect(detail_url)
        logger.info("student %s asked tutor %s", request.user.pk, profile.user_id)
        messages.success(
            request,
            _("Your request was sent to %(tutor)s. You will be told when they answer.")
            % {"tutor": profile.user.display_name},
        )
        return redirect(detail_url)

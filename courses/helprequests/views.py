"""Help-request pages: the list, the request form, the detail page with its actions, and
the permission-checked file download.

Thin views: requests are fetched through `permissions.get_help_request_for` (404 for a
missing request and for one the viewer may not see alike), every step goes through a
service. A step the viewer's role may never take is a 403 (PermissionDenied from the
service); a step the request's current state does not allow (someone was quicker) is an
error message and a redirect, with nothing changed; bad input re-renders the detail page
with the form's errors.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from people.models import Currency
from people.roles import Role
from people.views.directory import query_string_without
from people.views.mixins import RoleRequiredMixin, service_call

from . import forms, services
from .models import HelpRequest, HelpRequestFile, HelpRequestTutor
from .permissions import (
    assigned_tutor_ids,
    can_answer_assignment,
    can_assign,
    can_cancel,
    can_close,
    can_create_help_request,
    can_deliver,
    can_review_delivery,
    can_see_event_note,
    get_help_file_for,
    get_help_request_for,
)
from .selectors import help_request_detail, help_requests_for, steps_for

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
Status = HelpRequest.Status
ALL_ROLES = (Role.STUDENT, Role.PARENT, Role.TUTOR, Role.MANAGER, Role.ADMIN)


class HelpListView(RoleRequiredMixin, TemplateView):
    """Each role's "Help" list: own / children's / assigned / all requests, paginated.

    Filters by status and kind (a GET form); an invalid filter shows an error and an
    empty list.
    """

    template_name = "helprequests/list.html"
    allowed_roles = ALL_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        filters = forms.FilterForm(self.request.GET or None)
        if filters.is_bound and not filters.is_valid():
            requests = HelpRequest.objects.none()
        else:
            data = filters.cleaned_data if filters.is_bound else {}
            requests = help_requests_for(
                user, status=data.get("status", ""), kind=data.get("kind", "")
            )
        page_obj = Paginator(requests, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            filters=filters,
            page_obj=page_obj,
            query_string=query_string_without(self.request, "page"),
            can_create=can_create_help_request(user),
            viewer_is_student=user.role == Role.STUDENT,
            viewer_is_parent=user.role == Role.PARENT,
            viewer_is_staff=user.role in (Role.MANAGER, Role.ADMIN),
            viewer_is_tutor=user.role == Role.TUTOR,
            viewer_is_family=user.role in (Role.STUDENT, Role.PARENT),
        )
        return context


class HelpCreateView(RoleRequiredMixin, FormView):
    """A student asks for help (a parent for one of their children), with files."""

    template_name = "helprequests/form.html"
    form_class = forms.HelpRequestForm
    allowed_roles = (Role.STUDENT, Role.PARENT)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A parent with no linked child has nobody to ask for yet.
        context["nobody_to_ask_for"] = not context["form"].fields["student"].queryset.exists()
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with service_call(self.request, form):
                help_request = services.help_request_create(
                    by=self.request.user,
                    student=data["student"],
                    kind=data["kind"],
                    subject=data["subject"],
                    title=data["title"],
                    description=data["description"],
                    deadline=data["deadline"],
                    uploads=data.get("files") or [],
                )
        except ValidationError:
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your request was sent. A manager will find the right tutor.")
        )
        return redirect(help_request.get_absolute_url())


def _viewer_actions(user, help_request: HelpRequest) -> dict[str, bool]:
    """Which step forms the viewer sees on the detail page, for the request's state."""
    status = help_request.status
    return {
        "cancel": can_cancel(user, help_request) and status in HelpRequest.CANCELLABLE_STATUSES,
        "assign": can_assign(user, help_request) and status in HelpRequest.ASSIGNABLE_STATUSES,
        "answer": can_answer_assignment(user, help_request) and status == Status.ASSIGNED,
        "deliver": can_deliver(user, help_request) and status in HelpRequest.WORKING_STATUSES,
        "review": can_review_delivery(user, help_request) and status == Status.DELIVERED,
        "close": can_close(user, help_request) and status == Status.COMPLETED,
    }


def _initial_forms(help_request: HelpRequest) -> dict:
    """Blank step forms, each with its own id prefix (several share field names)."""
    assignments = list(help_request.assignments.all())
    primary = next((a.tutor for a in assignments if a.role == HelpRequestTutor.Role.PRIMARY), None)
    profile = getattr(primary, "tutor_profile", None) if primary else None
    initial = {
        "assign_form": {
            "primary_tutor": primary.pk if primary else None,
            "helpers": [a.tutor_id for a in assignments if a.role == HelpRequestTutor.Role.HELPER],
        },
        "close_form": {"currency": profile.currency if profile else Currency.EUR},
    }
    return {
        name: form_class(auto_id=f"{name}_%s", initial=initial.get(name))
        for name, form_class in STEP_FORMS.items()
    }


STEP_FORMS = {
    "cancel_form": forms.CancelForm,
    "assign_form": forms.AssignForm,
    "accept_form": forms.AcceptForm,
    "decline_form": forms.DeclineForm,
    "deliver_form": forms.DeliverForm,
    "review_form": forms.ReviewForm,
    "changes_form": forms.ChangesForm,
    "close_form": forms.CloseForm,
}


def _events_for(viewer, help_request: HelpRequest) -> list:
    """The history, each step with `shown_note`: its note, or "" where the viewer may not
    read it (decline reasons and assignment notes are not the family's business)."""
    tutor_ids = assigned_tutor_ids(help_request)
    events = list(help_request.events.all())
    for event in events:
        visible = can_see_event_note(viewer, help_request, event, tutor_ids=tutor_ids)
        event.shown_note = event.note if visible else ""
    return events


def render_detail(request, pk, *, bound: dict | None = None):
    """The detail page of request `pk` (404 if not the viewer's); `bound` replaces the
    blank step forms (a form with errors)."""
    help_request = help_request_detail(request.user, pk)
    files = list(help_request.files.all())
    context = {
        "help_request": help_request,
        "steps": steps_for(help_request),
        "assignments": list(help_request.assignments.all()),
        "brief_files": [f for f in files if f.purpose == HelpRequestFile.Purpose.BRIEF],
        "delivery_files": [f for f in files if f.purpose == HelpRequestFile.Purpose.DELIVERY],
        "events": _events_for(request.user, help_request),
        "actions": _viewer_actions(request.user, help_request),
        "is_cancelled": help_request.status == Status.CANCELLED,
        "is_changes_requested": help_request.status == Status.CHANGES_REQUESTED,
        "is_closed": help_request.status == Status.CLOSED,
        **_initial_forms(help_request),
        **(bound or {}),
    }
    return render(request, "helprequests/detail.html", context)


class HelpDetailView(RoleRequiredMixin, View):
    """The request, its step indicator, files and history, and the viewer's actions."""

    allowed_roles = ALL_ROLES

    def get(self, request, pk):
        return render_detail(request, pk)


class _StepView(RoleRequiredMixin, View):
    """POST one step of the state machine on a request the viewer can see."""

    http_method_names = ["post"]
    allowed_roles = ALL_ROLES
    form_class = None
    form_name = ""
    #: Who may take the step at all (a permissions.can_* function); the state is the
    #: service's business.
    permission = None

    def perform(self, *, help_request, by, data):
        raise NotImplementedError

    def success_message(self, help_request) -> str:
        raise NotImplementedError

    def success_url(self, help_request) -> str:
        return help_request.get_absolute_url()

    def post(self, request, pk):
        help_request = get_help_request_for(request.user, pk)
        if not self.permission(request.user, help_request):
            raise PermissionDenied
        form = self.form_class(request.POST, request.FILES, auto_id=f"{self.form_name}_%s")
        if not form.is_valid():
            return render_detail(request, pk, bound={self.form_name: form})
        try:
            with service_call(request, form):
                help_request = self.perform(
                    help_request=help_request, by=request.user, data=form.cleaned_data
                )
        except ValidationError as error:
            if getattr(error, "code", None) == "conflict":
                # The message went to the form; a conflict is better told on the page.
                for message in form.non_field_errors():
                    messages.error(request, message)
                return redirect(reverse("helprequests:detail", kwargs={"pk": pk}))
            return render_detail(request, pk, bound={self.form_name: form})
        logger.info(
            "help request %s is now %s (by user %s)",
            help_request.pk,
            help_request.status,
            request.user.pk,
        )
        messages.success(request, self.success_message(help_request))
        return redirect(self.success_url(help_request))


class CancelView(_StepView):
    form_class, form_name = forms.CancelForm, "cancel_form"
    permission = staticmethod(can_cancel)

    def perform(self, *, help_request, by, data):
        return services.help_request_cancel(help_request=help_request, by=by, note=data["note"])

    def success_message(self, help_request) -> str:
        return _("The request was cancelled.")


class AssignView(_StepView):
    form_class, form_name = forms.AssignForm, "assign_form"
    permission = staticmethod(can_assign)

    def perform(self, *, help_request, by, data):
        return services.help_request_assign(
            help_request=help_request,
            by=by,
            primary_tutor=data["primary_tutor"],
            helpers=list(data["helpers"]),
            note=data["note"],
        )

    def success_message(self, help_request) -> str:
        return _("%(tutor)s was asked to take this request.") % {
            "tutor": help_request.primary_tutor.display_name
        }


class AcceptView(_StepView):
    form_class, form_name = forms.AcceptForm, "accept_form"
    permission = staticmethod(can_answer_assignment)

    def perform(self, *, help_request, by, data):
        return services.help_request_accept(help_request=help_request, by=by)

    def success_message(self, help_request) -> str:
        return _("You accepted the request. The student has been told.")


class DeclineView(_StepView):
    form_class, form_name = forms.DeclineForm, "decline_form"
    permission = staticmethod(can_answer_assignment)

    def perform(self, *, help_request, by, data):
        return services.help_request_decline(
            help_request=help_request, by=by, reason=data["reason"]
        )

    def success_message(self, help_request) -> str:
        return _("You declined the request. The managers will find another tutor.")

    def success_url(self, help_request) -> str:
        # The tutor is no longer assigned and cannot open the request any more.
        return reverse("helprequests:list")


class DeliverView(_StepView):
    form_class, form_name = forms.DeliverForm, "deliver_form"
    permission = staticmethod(can_deliver)

    def perform(self, *, help_request, by, data):
        return services.help_request_deliver(
            help_request=help_request, by=by, note=data["note"], uploads=data.get("files") or []
        )

    def success_message(self, help_request) -> str:
        return _("Delivered. The student has been told.")


class CompleteView(_StepView):
    form_class, form_name = forms.ReviewForm, "review_form"
    permission = staticmethod(can_review_delivery)

    def perform(self, *, help_request, by, data):
        return services.help_request_complete(help_request=help_request, by=by, note=data["note"])

    def success_message(self, help_request) -> str:
        return _("Thank you! You accepted the delivery.")


class ChangesView(_StepView):
    form_class, form_name = forms.ChangesForm, "changes_form"
    permission = staticmethod(can_review_delivery)

    def perform(self, *, help_request, by, data):
        return services.help_request_ask_changes(
            help_request=help_request, by=by, note=data["note"]
        )

    def success_message(self, help_request) -> str:
        return _("Your request for changes was sent to the tutor.")


class CloseView(_StepView):
    form_class, form_name = forms.CloseForm, "close_form"
    permission = staticmethod(can_close)

    def perform(self, *, help_request, by, data):
        return services.help_request_close(
            help_request=help_request,
            by=by,
            hours=data["hours"],
            price=data["price"],
            currency=data["currency"],
            note=data["note"],
        )

    def success_message(self, help_request) -> str:
        return _("The request is closed and ready for billing.")


class FileDownloadView(RoleRequiredMixin, View):
    """A request's file, for those who may see the request: always as a download.

    Sent with the content type found when it was uploaded, `nosniff`, and a sandboxing
    Content-Security-Policy, so that a browser never runs it as a page.
    """

    allowed_roles = ALL_ROLES

    def get(self, request, pk):
        item = get_help_file_for(request.user, pk)
        try:
            handle = item.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            logger.warning("help-request file %s is missing from storage", item.pk)
            raise Http404("File not found.") from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

"""A tutor's weekly availability, time off and booking settings.

Windows are shown and entered in the tutor's own time zone (that is what the free-slot
selector reads them in); time off is entered in local dates and times and stored in UTC.
Writes go through scheduling.services.availability.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from people.roles import Role
from people.views.mixins import RoleRequiredMixin, service_call

from ..forms import AvailabilityForm, PolicyForm, TimeOffForm
from ..models import Availability, SchedulePolicy, TimeOff
from ..services.availability import (
    POLICY_FIELDS,
    availability_add,
    availability_delete,
    schedule_policy_update,
    school_policy_update,
    time_off_add,
    time_off_delete,
)
from .common import viewer_zone

#: Upcoming time off shown (the rest is far in the future and rare).
TIME_OFF_SHOWN = 50


def render_availability(request, *, window_form=None, time_off_form=None, status=200):
    tutor = request.user
    tz = viewer_zone(request)
    windows = list(Availability.objects.filter(tutor=tutor).order_by("weekday", "start_time"))
    time_off = list(
        TimeOff.objects.filter(tutor=tutor, end__gt=timezone.now()).order_by("start")[
            :TIME_OFF_SHOWN
        ]
    )
    by_day = [
        (label, [w for w in windows if w.weekday == value])
        for value, label in Availability.Weekday.choices
    ]
    return render(
        request,
        "scheduling/availability.html",
        {
            "by_day": by_day,
            "time_off": time_off,
            "window_form": window_form or AvailabilityForm(),
            "time_off_form": time_off_form or TimeOffForm(tz=tz),
            "viewer_timezone": str(tz),
        },
        status=status,
    )


class AvailabilityView(RoleRequiredMixin, View):
    """/schedule/availability/: the tutor's weekly windows and time off, with add forms."""

    allowed_roles = (Role.TUTOR,)

    def get(self, request):
        return render_availability(request)


class AvailabilityAddView(RoleRequiredMixin, View):
    """POST /schedule/availability/add/: one weekly window."""

    allowed_roles = (Role.TUTOR,)

    def post(self, request):
        form = AvailabilityForm(request.POST)
        if form.is_valid():
            try:
                with service_call(request, form):
                    availability_add(by=request.user, tutor=request.user, **form.cleaned_data)
            except ValidationError:
                pass
            else:
                messages.success(request, _("Availability added."))
                return redirect("scheduling:availability")
        return render_availability(request, window_form=form, status=400)


class AvailabilityDeleteView(RoleRequiredMixin, View):
    """POST /schedule/availability/<id>/delete/: the tutor's own window (404 otherwise)."""

    def post(self, request, pk):
        window = Availability.objects.filter(tutor=request.user, pk=pk).first()
        if window is None:
            raise Http404("No such window.")
        availability_delete(by=request.user, availability=window)
        messages.success(request, _("Availability removed."))
        return redirect("scheduling:availability")


class TimeOffAddView(RoleRequiredMixin, View):
    """POST /schedule/time-off/add/: a period off, in the tutor's local dates and times."""

    allowed_roles = (Role.TUTOR,)

    def post(self, request):
        form = TimeOffForm(request.POST, tz=viewer_zone(request))
        if form.is_valid() and "start" in form.cleaned_data:
            data = form.cleaned_data
            try:
                with service_call(request, form):
                    time_off_add(
                        by=request.user,
                        tutor=request.user,
                        start=data["start"],
                        end=data["end"],
                        note=data.get("note", ""),
                    )
            except ValidationError:
                pass
            else:
                messages.success(request, _("Time off added."))
                return redirect("scheduling:availability")
        return render_availability(request, time_off_form=form, status=400)


class TimeOffDeleteView(RoleRequiredMixin, View):
    """POST /schedule/time-off/<id>/delete/: the tutor's own time off (404 otherwise)."""

    def post(self, request, pk):
        time_off = TimeOff.objects.filter(tutor=request.user, pk=pk).first()
        if time_off is None:
            raise Http404("No such time off.")
        time_off_delete(by=request.user, time_off=time_off)
        messages.success(request, _("Time off removed."))
        return redirect("scheduling:availability")


class _PolicyFormView(RoleRequiredMixin, View):
    """A page with the cancellation and booking rules' form; subclasses say whose rules."""

    success_message = ""
    success_url = ""

    def current_policy(self) -> SchedulePolicy:
        raise NotImplementedError

    def save(self, fields: dict) -> None:
        raise NotImplementedError

    def extra_context(self) -> dict:
        return {}

    def render(self, form, status=200):
        context = {"form": form, **self.extra_context()}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        policy = self.current_policy()
        return self.render(PolicyForm(initial={f: getattr(policy, f) for f in POLICY_FIELDS}))

    def post(self, request):
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                with service_call(request, form):
                    self.save({f: form.cleaned_data[f] for f in POLICY_FIELDS})
            except ValidationError:
                pass
            else:
                messages.success(request, self.success_message)
                return redirect(self.success_url)
        return self.render(form, status=400)


class BookingSettingsView(_PolicyFormView):
    """/schedule/booking-settings/: auto-confirm, notice, horizon, cancellation rules."""

    allowed_roles = (Role.TUTOR,)
    template_name = "scheduling/booking_settings.html"
    success_message = _lazy("Booking settings saved.")
    success_url = "scheduling:booking_settings"

    def current_policy(self):
        return SchedulePolicy.for_tutor(self.request.user)

    def save(self, fields):
        schedule_policy_update(by=self.request.user, tutor=self.request.user, **fields)

    def extra_context(self):
        own = SchedulePolicy.objects.filter(tutor=self.request.user).exists()
        return {"uses_school_default": not own}


class SchoolPolicyView(_PolicyFormView):
    """/schedule/school-rules/: the school's default cancellation and booking rules, used by
    every tutor who has not set their own. Managers and admins."""

    allowed_roles = (Role.MANAGER, Role.ADMIN)
    template_name = "scheduling/school_policy.html"
    success_message = _lazy("The school's rules are saved.")
    success_url = "scheduling:school_policy"

    def current_policy(self):
        return SchedulePolicy.objects.filter(tutor__isnull=True).first() or SchedulePolicy()

    def save(self, fields):
        school_policy_update(by=self.request.user, **fields)

    def extra_context(self):
        return {"overriding": SchedulePolicy.objects.filter(tutor__isnull=False).count()}

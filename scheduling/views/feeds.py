"""The iCal feed (public by secret token) and the page where a user manages it and their
reminders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from people.views.mixins import RoleRequiredMixin, service_call

from ..forms import ReminderForm
from ..ical import FEED_FUTURE, FEED_PAST, build_feed
from ..models import CalendarSettings
from ..selectors import lessons_for
from ..services.availability import ical_token_regenerate, reminder_offsets_set


def ical_feed(request, token):
    """GET /schedule/ical/<token>.ics: the token's owner's lessons, as text/calendar.

    No session needed (calendar applications have none): the token is the credential. An
    unknown or revoked token, or an inactive owner, answers 404.
    """
    row = (
        CalendarSettings.objects.select_related("user")
        .filter(ical_token=token, user__is_active=True)
        .first()
    )
    if row is None or len(token) < 20:
        raise Http404("No such calendar.")
    now = timezone.now()
    lessons = lessons_for(row.user, now - FEED_PAST, now + FEED_FUTURE)
    body = build_feed(row.user, lessons, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tutorflow.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


class CalendarSettingsView(RoleRequiredMixin, View):
    """/schedule/settings/: the feed URL (copy, regenerate) and the reminder offsets."""

    template_name = "scheduling/calendar_settings.html"

    def render(self, form, status=200):
        row = CalendarSettings.for_user(self.request.user)
        feed_path = reverse("scheduling:ical_feed", args=[row.ical_token])
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "feed_url": self.request.build_absolute_uri(feed_path),
                "webcal_url": "webcal://" + self.request.get_host() + feed_path,
            },
            status=status,
        )

    def get(self, request):
        row = CalendarSettings.for_user(request.user)
        return self.render(ReminderForm(initial={"reminder_offsets": row.reminder_offsets}))

    def post(self, request):
        form = ReminderForm(request.POST)
        if form.is_valid():
            try:
                with service_call(request, form):
                    reminder_offsets_set(
                        by=request.user,
                        user=request.user,
                        offsets=form.cleaned_data["reminder_offsets"],
                    )
            except ValidationError:
                pass
            else:
                messages.success(request, _("Reminders saved."))
                return redirect("scheduling:calendar_settings")
        return self.render(form, status=400)


class IcalRegenerateView(RoleRequiredMixin, View):
    """POST /schedule/settings/ical/regenerate/: a new feed URL; the old one stops working."""

    def post(self, request):
        ical_token_regenerate(by=request.user, user=request.user)
        messages.success(
            request,
            _("Your calendar link was replaced. Subscribe again with the new one."),
        )
        return redirect("scheduling:calendar_settings")

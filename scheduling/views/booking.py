"""Booking: a linked student (or their parent) picks a free slot; the tutor answers.

The free slots come from `scheduling.selectors.free_slots` (availability minus time off,
lessons of the tutor and of the student, notice and horizon), shown in the viewer's time
zone. Booking calls `booking_request`, which checks everything again and refuses a slot
taken meanwhile (SlotTaken, shown as a message). With auto-confirm on, the lesson is
scheduled at once; otherwise it waits in the tutor's requests list.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from people.models import TutorStudent, User
from people.permissions import students_visible_to
from people.roles import Role
from people.views.mixins import RoleRequiredMixin, service_call

from ..calendar import parse_day, zone
from ..forms import BookingForm, CancelForm
from ..models import ScheduledLesson, SchedulePolicy
from ..permissions import can_book_with, can_manage_lesson, lesson_for
from ..selectors import booking_requests_for, free_slots
from .common import viewer_zone

#: Days of free slots shown per page (the policy's horizon still bounds them).
SLOT_DAYS = 14
SLOT_MINUTES = 60
REQUESTS_PER_PAGE = 25
FAMILY_ROLES = (Role.STUDENT, Role.PARENT)


def bookable_links(user):
    """Active tutor–student links the user may book on: their own, or their children's."""
    links = TutorStudent.objects.filter(status=TutorStudent.Status.ACTIVE).select_related(
        "tutor", "student"
    )
    if user.role == Role.STUDENT:
        return links.filter(student=user)
    if user.role == Role.PARENT:
        return links.filter(student__in=students_visible_to(user))
    return links.none()


class BookIndexView(RoleRequiredMixin, View):
    """/schedule/book/: the tutors the student (or each child) may book with."""

    allowed_roles = FAMILY_ROLES

    def get(self, request):
        links = list(
            bookable_links(request.user).order_by("student__first_name", "tutor__first_name")
        )
        return render(
            request,
            "scheduling/book_index.html",
            {"links": links, "is_parent": request.user.role == Role.PARENT},
        )


class BookSlotsView(RoleRequiredMixin, View):
    """/schedule/book/<tutor id>/: free slots, and POST to book one.

    The tutor must be linked to the student (a parent passes `student`, one of their
    children); any other tutor id answers 404, like a missing one.
    """

    allowed_roles = FAMILY_ROLES

    def setup_booking(self, request, pk):
        links = bookable_links(request.user).filter(tutor_id=pk)
        wanted = request.POST.get("student") or request.GET.get("student")
        if wanted:
            links = links.filter(student_id=wanted) if str(wanted).isdigit() else links.none()
        link = links.order_by("student__first_name", "pk").first()
        if link is None:
            raise Http404("No such tutor.")
        self.tutor, self.student = link.tutor, link.student
        if not can_book_with(request.user, self.tutor, self.student):
            raise Http404("No such tutor.")
        children = None
        if request.user.role == Role.PARENT:
            children = User.objects.filter(
                pk__in=bookable_links(request.user).filter(tutor_id=pk).values("student_id")
            )
        self.children = children

    def context(self, request, form=None):
        tutor_zone = zone(self.tutor.timezone)
        now = timezone.now()
        today_for_tutor = now.astimezone(tutor_zone).date()
        start_date = max(parse_day(request.GET.get("from"), today_for_tutor), today_for_tutor)
        slots = free_slots(self.tutor, self.student, start_date, SLOT_DAYS, now=now)
        tz = viewer_zone(request)
        local = [(s.astimezone(tz), s, e) for s, e in slots]
        days = [
            (day, [(ls, s, e) for ls, s, e in group])
            for day, group in groupby(local, key=lambda item: item[0].date())
        ]
        policy = SchedulePolicy.for_tutor(self.tutor)
        horizon_end = (now + dt.timedelta(days=policy.booking_horizon_days)).date()
        later = start_date + dt.timedelta(days=SLOT_DAYS)
        return {
            "tutor": self.tutor,
            "student": self.student,
            "children": self.children,
            "days": days,
            "policy": policy,
            "form": form,
            "start_date": start_date,
            "later": later if later <= horizon_end else None,
            "earlier": start_date - dt.timedelta(days=SLOT_DAYS)
            if start_date > today_for_tutor
            else None,
            "viewer_timezone": str(tz),
            "slot_minutes": SLOT_MINUTES,
        }

    def get(self, request, pk):
        self.setup_booking(request, pk)
        return render(request, "scheduling/book_slots.html", self.context(request))

    def post(self, request, pk):
        from ..services.booking import booking_request

        self.setup_booking(request, pk)
        form = BookingForm(request.POST, children=self.children)
        if not form.is_valid():
            return render(
                request, "scheduling/book_slots.html", self.context(request, form), status=400
            )
        start = form.cleaned_data["start"]
        student = form.cleaned_data.get("student") or self.student
        try:
            with service_call(request, form):
                lesson = booking_request(
                    by=request.user,
                    tutor=self.tutor,
                    student=student,
                    start=start,
                    end=start + dt.timedelta(minutes=SLOT_MINUTES),
                )
        except ValidationError:
            return render(
                request, "scheduling/book_slots.html", self.context(request, form), status=409
            )
        if lesson.status == ScheduledLesson.Status.SCHEDULED:
            messages.success(request, _("Booked: the lesson is on your calendar."))
        else:
            messages.success(request, _("Requested: the tutor will confirm the lesson."))
        return redirect(
            reverse("scheduling:calendar")
            + "?date="
            + lesson.start.astimezone(viewer_zone(request)).date().isoformat()
        )


class BookingRequestsView(RoleRequiredMixin, View):
    """/schedule/requests/: the tutor's booking requests still waiting, soonest first."""

    allowed_roles = (Role.TUTOR,)

    def get(self, request):
        pending = booking_requests_for(request.user)
        page = Paginator(pending, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "scheduling/booking_requests.html",
            {"page_obj": page, "requests": page.object_list, "decline_form": CancelForm()},
        )


class BookingAnswerView(RoleRequiredMixin, View):
    """POST /schedule/lessons/<id>/confirm/ or …/decline/: only the lesson's tutor."""

    action = "confirm"

    def post(self, request, pk):
        from ..services.booking import booking_confirm, booking_decline

        lesson = lesson_for(request.user, pk)
        if not can_manage_lesson(request.user, lesson):
            raise PermissionDenied
        try:
            with service_call(request):
                if self.action == "confirm":
                    booking_confirm(by=request.user, lesson=lesson)
                else:
                    booking_decline(
                        by=request.user, lesson=lesson, reason=request.POST.get("reason", "")[:2000]
                    )
        except ValidationError:
            pass
        else:
            messages.success(
                request,
                _("Booking confirmed.") if self.action == "confirm" else _("Booking declined."),
            )
        if request.POST.get("next") == "requests":
            return redirect("scheduling:booking_requests")
        return redirect("scheduling:lesson_detail", pk=lesson.pk)

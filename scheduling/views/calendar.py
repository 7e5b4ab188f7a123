"""Week and month calendars for every role.

Tutor: all their lessons, and the lessons they left unmarked. Student: theirs (classroom
lessons included). Parent: each child's, colour-coded, with a legend. Manager and admin:
the whole school, narrowed to one tutor with a filter, colour-coded by tutor.

A page runs a fixed number of queries: the lessons of the period in one query (with their
tutor, student, classroom and subject joined) and one for their participants, plus one
for the legend (a parent's children, the school's tutors) and two for a tutor's unmarked
lessons and booking requests; the grid is built in Python (scheduling.calendar).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from people.models import User
from people.permissions import is_school_staff, students_visible_to
from people.roles import Role
from people.views.mixins import RoleRequiredMixin

from ..calendar import MONTH, WEEK, build_days, colour_map, parse_day, period_for, weeks_of
from ..selectors import booking_requests_for, lessons_for, unmarked_lessons
from .common import lesson_title, viewer_zone

#: How many unmarked lessons the tutor's calendar lists (oldest first), with a count.
UNMARKED_SHOWN = 10


def calendar_lessons(user, start, end, *, tutor=None):
    """The lessons `user` may see that overlap [start, end), with their people joined
    (lessons_for selects the tutor, student, classroom and subject and prefetches the
    participants: two queries however many lessons)."""
    lessons = lessons_for(user, start, end)
    if tutor is not None:
        lessons = lessons.filter(tutor=tutor)
    return lessons


class CalendarView(RoleRequiredMixin, TemplateView):
    """/schedule/ (week) and /schedule/month/: `?date=YYYY-MM-DD`, staff also `?tutor=<id>`."""

    template_name = "scheduling/calendar.html"
    view = WEEK

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tz = viewer_zone(self.request)
        today = timezone.now().astimezone(tz).date()
        day = parse_day(self.request.GET.get("date"), today)
        period = period_for(self.view, day, tz)

        colour_of = who_of = None
        legend = []
        tutor_filter = None
        tutors = []
        if user.role == Role.PARENT:
            children = list(students_visible_to(user).order_by("first_name", "last_name", "pk"))
            colours = colour_map([child.pk for child in children])
            names = {child.pk: child.display_name for child in children}
            legend = [(colours[c.pk], c.display_name) for c in children]

            def children_in(lesson):
                return [i for i in lesson.participant_ids if i in colours]

            def colour_of(lesson):
                ids = children_in(lesson)
                return colours[ids[0]] if ids else ""

            def who_of(lesson):
                return ", ".join(names[i] for i in children_in(lesson))

        elif is_school_staff(user):
            tutors = list(
                User.objects.filter(role=Role.TUTOR, is_active=True).order_by(
                    "first_name", "last_name", "pk"
                )
            )
            colours = colour_map([t.pk for t in tutors])
            tutor_id = self.request.GET.get("tutor") or ""
            tutor_filter = next((t for t in tutors if str(t.pk) == tutor_id), None)
            shown = [tutor_filter] if tutor_filter else tutors
            legend = [(colours[t.pk], t.display_name) for t in shown]

            def colour_of(lesson):
                return colours.get(lesson.tutor_id, "")

            def who_of(lesson):
                return lesson.tutor.display_name

        lessons = list(calendar_lessons(user, period.start, period.end, tutor=tutor_filter))
        for lesson in lessons:
            lesson.title_for_viewer = lesson_title(lesson, user)
            lesson.participant_ids = [p.student_id for p in lesson.participants.all()]
        days = build_days(period, lessons, tz, today, colour_of=colour_of, who_of=who_of)

        query = {}
        if tutor_filter is not None:
            query["tutor"] = tutor_filter.pk
        context.update(
            view=self.view,
            period=period,
            days=days,
            weeks=weeks_of(days) if self.view == MONTH else None,
            today=today,
            legend=legend,
            tutors=tutors,
            tutor_filter=tutor_filter,
            lesson_count=len(lessons),
            conflict_count=sum(1 for d in days for e in d.entries if e.has_conflict),
            week_url=reverse("scheduling:calendar"),
            month_url=reverse("scheduling:calendar_month"),
            base_url=reverse(
                "scheduling:calendar_month" if self.view == MONTH else "scheduling:calendar"
            ),
            extra_query=f"&tutor={query['tutor']}" if query else "",
            is_tutor=user.role == Role.TUTOR,
            may_book=user.role in (Role.STUDENT, Role.PARENT),
            viewer_timezone=str(tz),
        )
        if user.role == Role.TUTOR:
            unmarked = list(
                unmarked_lessons(user).select_related("student", "classroom")[: UNMARKED_SHOWN + 1]
            )
            context["unmarked"] = unmarked[:UNMARKED_SHOWN]
            context["unmarked_more"] = len(unmarked) > UNMARKED_SHOWN
            context["pending_requests"] = booking_requests_for(user).count()
        return context


class MonthView(CalendarView):
    view = MONTH

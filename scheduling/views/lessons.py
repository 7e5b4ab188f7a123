"""Lesson pages: detail with history and actions, create (once or weekly), edit, cancel,
mark held / no-show, attendance, skip a series date, and the conflict preview.

Every lesson is fetched with `lesson_for` (404 for anyone who may not see it); actions
check `can_manage_lesson` / `can_cancel_lesson` (403 for someone who sees the lesson but
may not act); the services check the state and the policy again under the row lock, and
their ValidationError (SlotTaken included) becomes a form error or a message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View

from people.roles import Role
from people.views.mixins import RoleRequiredMixin, service_call

from ..errors import describe_conflict
from ..forms import AttendanceForm, CancelForm, LessonEditForm, LessonForm
from ..models import LessonChange, LessonParticipant, ScheduledLesson, SchedulePolicy
from ..permissions import (
    can_cancel_lesson,
    can_manage_lesson,
    family_student_ids,
    lesson_for,
    sees_lesson_in_full,
)
from ..selectors import conflicts_for
from .common import lesson_title, viewer_zone

#: History rows shown on a lesson page (the newest); a lesson rarely has more.
HISTORY_SHOWN = 50
#: History keys only the tutor sees (their values are never stored anyway).
PRIVATE_FIELDS = ("tutor_notes",)
MAX_CONFLICTS_SHOWN = 5


@dataclass(frozen=True)
class CancelTerms:
    """What cancelling now would mean for a student or parent (the service decides again)."""

    allowed: bool
    late: bool
    chargeable: bool
    notice_hours: int
    cutoff_hours: int


def cancel_terms(user, lesson, now=None) -> CancelTerms | None:
    """The policy as it applies to `user` cancelling `lesson` now; None for the tutor, who
    may always cancel and is never charged."""
    if can_manage_lesson(user, lesson):
        return None
    now = now or timezone.now()
    policy = SchedulePolicy.for_tutor(lesson.tutor)
    left = lesson.start - now
    within_cutoff = bool(policy.cancel_cutoff_hours) and left < dt.timedelta(
        hours=policy.cancel_cutoff_hours
    )
    late = left < dt.timedelta(hours=policy.cancel_notice_hours)
    is_request = lesson.status == ScheduledLesson.Status.REQUESTED
    return CancelTerms(
        allowed=lesson.is_blocking and left > dt.timedelta(0) and not within_cutoff,
        late=late and not is_request,
        chargeable=late and not is_request and policy.late_cancel_chargeable,
        notice_hours=policy.cancel_notice_hours,
        cutoff_hours=policy.cancel_cutoff_hours,
    )


def _students_of(tutor, data):
    student, classroom = data.get("student"), data.get("classroom")
    if student is not None:
        return [student]
    if classroom is not None:
        return list(classroom.students.all())
    return []


def conflict_messages(viewer, tutor, students, start, end, exclude=None) -> list[str]:
    conflicts = conflicts_for(tutor, students, start, end, exclude=exclude)
    return [describe_conflict(c, viewer) for c in conflicts[:MAX_CONFLICTS_SHOWN]]


class LessonObjectMixin:
    """Loads `self.lesson` through lesson_for; with `manage_required` only its tutor acts."""

    manage_required = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.lesson = lesson_for(request.user, kwargs["pk"])
        if self.manage_required and not can_manage_lesson(request.user, self.lesson):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LessonDetailView(RoleRequiredMixin, LessonObjectMixin, View):
    """/schedule/lessons/<id>/: time in the viewer's zone, status, link or place, people,
    history, and the actions the viewer may take."""

    def get(self, request, *args, **kwargs):
        return render_detail(request, self.lesson)


def _field_label(name: str) -> str:
    try:
        return str(ScheduledLesson._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a student id (attendance) or a retired field
        return name


def _value_label(name: str, value):
    if name in ("start", "end", "cancelled_at") and isinstance(value, str):
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(timezone.localtime(instant), "D j M Y, H:i")
    if name == "status" and value in ScheduledLesson.Status.values:
        return ScheduledLesson.Status(value).label
    if value in LessonParticipant.Attendance.values:
        return LessonParticipant.Attendance(value).label
    return value


#: The edit form's fields that make up the lesson's time.
TIME_FIELDS = ("date", "start_time", "duration_minutes")

#: History fields a student or parent does not see (the lesson page hides the price too).
FAMILY_HIDDEN_FIELDS = ("price", "currency")


def family_may_see(name: str, own_student_ids) -> bool:
    """Whether a student or parent sees this history field: not the money, and of the
    attendance changes (keyed by student id) only their own or their children's."""
    if name in FAMILY_HIDDEN_FIELDS:
        return False
    if name.isdigit():
        return int(name) in own_student_ids
    return True


def history_rows(
    changes: list, *, show_private: bool = False, names=None, own_student_ids=None
) -> list:
    """Each LessonChange with its {field: [from, to]} as translated (label, from, to);
    times in the viewer's zone (the one people.middleware activated).

    `own_student_ids` (for a student or parent: themselves and their children) limits the
    rows to what a family may see (see family_may_see); None shows everything."""
    for change in changes:
        change.rows = [
            (
                (names or {}).get(name) or _field_label(name),
                _value_label(name, pair[0]),
                _value_label(name, pair[1]),
            )
            for name, pair in (change.changes or {}).items()
            if isinstance(pair, list | tuple)
            and len(pair) == 2
            and (show_private or name not in PRIVATE_FIELDS)
            and (own_student_ids is None or family_may_see(name, own_student_ids))
        ]
    return changes


def render_detail(request, lesson, *, cancel_form=None, status=200):
    user = request.user
    now = timezone.now()
    manage = can_manage_lesson(user, lesson)
    started = lesson.has_started(now)
    participants = list(lesson.participants.select_related("student"))
    in_full = sees_lesson_in_full(user, lesson)
    own_student_ids = None if in_full else family_student_ids(user)
    history = history_rows(
        list(
            LessonChange.objects.filter(lesson=lesson)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")[:HISTORY_SHOWN]
        ),
        show_private=manage,
        # Attendance changes are keyed by the student's id.
        names={str(p.student_id): p.student.display_name for p in participants},
        own_student_ids=own_student_ids,
    )
    scheduled = lesson.status == ScheduledLesson.Status.SCHEDULED
    terms = cancel_terms(user, lesson, now) if can_cancel_lesson(user, lesson) else None
    context = {
        "lesson": lesson,
        "title": lesson_title(lesson, user),
        "manage": manage,
        "started": started,
        "participants": participants,
        "history": history,
        "may_edit": manage and scheduled and not started,
        "may_mark": manage and scheduled and started and not lesson.classroom_id,
        "may_attendance": manage and lesson.classroom_id and scheduled and started,
        "may_skip": manage and scheduled and not started and lesson.series_id,
        "may_answer": manage and lesson.status == ScheduledLesson.Status.REQUESTED,
        "may_cancel": can_cancel_lesson(user, lesson)
        and lesson.is_blocking
        and lesson.status != ScheduledLesson.Status.COMPLETED
        and (manage or (terms is not None and terms.allowed)),
        "cancel_terms": terms,
        "cancel_blocked": terms is not None and not terms.allowed and lesson.is_blocking,
        "cancel_form": cancel_form or CancelForm(),
        "show_join": lesson.is_online and lesson.meeting_url and lesson.is_blocking,
        "show_notes": manage,
        "attendance_form": AttendanceForm(participants=participants)
        if manage and lesson.classroom_id
        else None,
        "viewer_timezone": str(viewer_zone(request)),
        "sees_price": in_full,
    }
    return render(request, "scheduling/lesson_detail.html", context, status=status)


class LessonCreateView(RoleRequiredMixin, View):
    """/schedule/lessons/new/: a tutor schedules a lesson or a weekly series.

    "Check" re-renders the form with the conflicts found ("This overlaps Anna's lesson
    10:00–11:00"); "Save" calls the service, whose SlotTaken still lands on the form.
    """

    allowed_roles = (Role.TUTOR,)
    template_name = "scheduling/lesson_form.html"

    def form(self, data=None):
        initial = {}
        day = self.request.GET.get("date")
        if day:
            initial["date"] = day
        return LessonForm(
            data, tutor=self.request.user, tz=viewer_zone(self.request), initial=initial
        )

    def get(self, request):
        return self.render(self.form())

    def render(self, form, conflicts=None, checked=False, status=200):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={
                "form": form,
                "conflicts": conflicts or [],
                "checked": checked,
                "viewer_timezone": str(viewer_zone(self.request)),
            },
            status=status,
        )

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        if "check" in request.POST:
            conflicts = conflict_messages(
                request.user,
                request.user,
                _students_of(request.user, data),
                data["start"],
                data["end"],
            )
            return self.render(form, conflicts=conflicts, checked=True)
        try:
            with service_call(request, form):
                lesson = self.create(form)
        except ValidationError:
            return self.render(form, status=400)
        messages.success(request, _("Lesson scheduled."))
        return redirect("scheduling:lesson_detail", pk=lesson.pk)

    def create(self, form):
        data = form.cleaned_data
        common = {
            "by": self.request.user,
            "tutor": self.request.user,
            "student": data.get("student"),
            "classroom": data.get("classroom"),
            "subject": data.get("subject"),
            "is_online": data.get("is_online", False),
            "location": data.get("location", ""),
        }
        if form.is_series:
            from ..services.series import series_create

            local_start = data["start"].astimezone(viewer_zone(self.request))
            series = series_create(
                **common,
                weekdays=data["weekdays"],
                interval_weeks=data["interval_weeks"] or 1,
                first_date=local_start.date(),
                start_time=local_start.time().replace(tzinfo=None),
                duration_minutes=data["duration_minutes"],
                timezone_name=str(viewer_zone(self.request)),
                until=data.get("until"),
                count=data.get("count"),
            )
            first = series.lessons.order_by("start").first()
            return first
        from ..services.lessons import lesson_create

        return lesson_create(
            **common, start=data["start"], end=data["end"], tutor_notes=data.get("tutor_notes", "")
        )


class ConflictCheckView(RoleRequiredMixin, View):
    """GET /schedule/lessons/conflicts/?…: the lesson form's fields → {"conflicts": [...]}.

    Used by the form's script to warn while the tutor types; the same check as "Check".
    """

    allowed_roles = (Role.TUTOR,)

    def get(self, request):
        exclude = request.GET.get("exclude")
        lesson = None
        if exclude:
            lesson = lesson_for(request.user, exclude)
            if not can_manage_lesson(request.user, lesson):
                raise PermissionDenied
        if lesson is not None:
            form = LessonEditForm(request.GET, lesson=lesson, tz=viewer_zone(request))
        else:
            form = LessonForm(request.GET, tutor=request.user, tz=viewer_zone(request))
        if not form.is_valid() or "start" not in form.cleaned_data:
            return JsonResponse({"conflicts": [], "valid": False})
        data = form.cleaned_data
        if lesson is not None:
            students = [p.student for p in lesson.participants.select_related("student")]
        else:
            students = _students_of(request.user, data)
        conflicts = conflict_messages(
            request.user, request.user, students, data["start"], data["end"], exclude=lesson
        )
        return JsonResponse({"conflicts": conflicts, "valid": True})


class LessonEditView(RoleRequiredMixin, LessonObjectMixin, View):
    """/schedule/lessons/<id>/edit/: move or change a lesson that has not started; for a
    series occurrence: this one, this and the following, or all."""

    allowed_roles = (Role.TUTOR,)
    manage_required = True
    template_name = "scheduling/lesson_edit.html"

    def initial(self):
        lesson = self.lesson
        tz = viewer_zone(self.request)
        local = lesson.start.astimezone(tz)
        return {
            "date": local.date(),
            "start_time": local.time().replace(second=0, microsecond=0, tzinfo=None),
            "duration_minutes": int(lesson.duration.total_seconds() // 60),
            "subject": lesson.subject_id,
            "is_online": lesson.is_online,
            "location": lesson.location,
            "tutor_notes": lesson.tutor_notes,
        }

    def render(self, form, conflicts=None, checked=False, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "lesson": self.lesson,
                "conflicts": conflicts or [],
                "checked": checked,
                "viewer_timezone": str(viewer_zone(self.request)),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        form = LessonEditForm(initial=self.initial(), lesson=self.lesson, tz=viewer_zone(request))
        return self.render(form)

    def post(self, request, *args, **kwargs):
        lesson = self.lesson
        form = LessonEditForm(
            request.POST, initial=self.initial(), lesson=lesson, tz=viewer_zone(request)
        )
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        if "check" in request.POST:
            students = [p.student for p in lesson.participants.select_related("student")]
            conflicts = conflict_messages(
                request.user, lesson.tutor, students, data["start"], data["end"], exclude=lesson
            )
            return self.render(form, conflicts=conflicts, checked=True)
        fields = {}
        if set(form.changed_data) & set(TIME_FIELDS):
            # Only a real change of time moves the lesson: re-sending the shown (minute,
            # local) time would drop seconds or pick the other side of a repeated DST hour.
            fields.update(start=data["start"], end=data["end"])
        fields |= {
            "subject": data.get("subject"),
            "is_online": data.get("is_online", False),
            "location": data.get("location", ""),
            "tutor_notes": data.get("tutor_notes", ""),
        }
        try:
            with service_call(request, form):
                if lesson.series_id:
                    from ..services.series import series_edit

                    series_edit(by=request.user, lesson=lesson, scope=data["scope"], **fields)
                else:
                    from ..services.lessons import lesson_update

                    lesson_update(by=request.user, lesson=lesson, **fields)
        except ValidationError:
            return self.render(form, status=400)
        messages.success(request, _("Lesson saved."))
        return redirect("scheduling:lesson_detail", pk=lesson.pk)


class LessonCancelView(RoleRequiredMixin, LessonObjectMixin, View):
    """POST /schedule/lessons/<id>/cancel/: the tutor, or the student / a parent within the
    policy (the page says beforehand whether it would be late and chargeable)."""

    def get(self, request, *args, **kwargs):
        return redirect("scheduling:lesson_detail", pk=self.lesson.pk)

    def post(self, request, *args, **kwargs):
        lesson = self.lesson
        if not can_cancel_lesson(request.user, lesson):
            raise PermissionDenied
        form = CancelForm(request.POST)
        if not form.is_valid():
            return render_detail(request, lesson, cancel_form=form, status=400)
        from ..services.lessons import lesson_cancel

        try:
            with service_call(request):
                lesson_cancel(by=request.user, lesson=lesson, reason=form.cleaned_data["reason"])
        except ValidationError:
            return redirect("scheduling:lesson_detail", pk=lesson.pk)
        messages.success(request, _("Lesson cancelled."))
        return redirect("scheduling:lesson_detail", pk=lesson.pk)


class LessonMarkView(RoleRequiredMixin, LessonObjectMixin, View):
    """POST /schedule/lessons/<id>/mark/ outcome=completed|no_show: one click, the tutor."""

    manage_required = True

    def post(self, request, *args, **kwargs):
        from ..services.lessons import lesson_mark

        outcome = request.POST.get("outcome", "")
        if outcome not in ("completed", "no_show"):
            messages.error(request, _("Choose whether the lesson was held or a no-show."))
            return redirect("scheduling:lesson_detail", pk=self.lesson.pk)
        try:
            with service_call(request):
                lesson_mark(by=request.user, lesson=self.lesson, outcome=outcome)
        except ValidationError:
            pass
        else:
            messages.success(
                request,
                _("Marked as held.") if outcome == "completed" else _("Marked as a no-show."),
            )
        if request.POST.get("next") == "calendar":
            return redirect("scheduling:calendar")
        return redirect("scheduling:lesson_detail", pk=self.lesson.pk)


class LessonAttendanceView(RoleRequiredMixin, LessonObjectMixin, View):
    """POST /schedule/lessons/<id>/attendance/: ticked = present; the rest absent."""

    manage_required = True

    def post(self, request, *args, **kwargs):
        from ..services.lessons import attendance_set

        participants = list(self.lesson.participants.all())
        form = AttendanceForm(request.POST, participants=participants)
        if form.is_valid():
            try:
                with service_call(request):
                    attendance_set(
                        by=request.user, lesson=self.lesson, absent_student_ids=form.absent_ids()
                    )
            except ValidationError:
                pass
            else:
                messages.success(request, _("Attendance saved."))
        else:
            messages.error(request, _("Only the lesson's students can be marked."))
        return redirect("scheduling:lesson_detail", pk=self.lesson.pk)


class LessonSkipView(RoleRequiredMixin, LessonObjectMixin, View):
    """POST /schedule/lessons/<id>/skip/: drop this date of a series."""

    manage_required = True

    def post(self, request, *args, **kwargs):
        from ..services.series import occurrence_skip

        try:
            with service_call(request):
                occurrence_skip(by=request.user, lesson=self.lesson)
        except ValidationError:
            return redirect("scheduling:lesson_detail", pk=self.lesson.pk)
        messages.success(request, _("This date is skipped."))
        return redirect("scheduling:lesson_detail", pk=self.lesson.pk)

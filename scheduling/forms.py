"""Forms of the scheduling pages. They only shape input; the services enforce the rules.

Dates and times are entered as the viewer's local wall-clock time and turned into aware
UTC instants with the viewer's zone (`scheduling.calendar.combine_local`): a time that
does not exist that day (the hour skipped when clocks go forward) is a form error, not a
silently shifted lesson.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from people.models import Classroom, Subject, User
from people.permissions import students_visible_to

from .calendar import MAX_YEAR, MIN_YEAR, combine_local, year_in_range
from .models import Availability, SchedulePolicy
from .services.availability import POLICY_FIELDS, REMINDER_CHOICES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
MIN_MINUTES = 15
MAX_MINUTES = 8 * 60
MAX_OCCURRENCES = 100

SCOPE_THIS = "this"
SCOPE_FOLLOWING = "following"
SCOPE_ALL = "all"


def validate_year(day: dt.date) -> None:
    """Dates far in the past or future are refused (9999-12-31 would overflow later)."""
    if not year_in_range(day):
        raise forms.ValidationError(
            _("Use a date between the years %(min)s and %(max)s."),
            params={"min": MIN_YEAR, "max": MAX_YEAR},
            code="year_range",
        )


class PersonChoiceField(forms.ModelChoiceField):
    """People by name, with the e-mail to tell namesakes apart."""

    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


def _local_instant(form, day, time, tz, field="start_time"):
    instant = combine_local(day, time, tz)
    if instant is None:
        form.add_error(
            field,
            _("%(time)s does not exist on %(date)s in your time zone (the clocks change).")
            % {"time": time.strftime("%H:%M"), "date": day.isoformat()},
        )
    return instant


class LessonTimeMixin(forms.Form):
    """Date, local start time and duration → cleaned_data['start'] / ['end'] (UTC)."""

    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, validators=[validate_year])
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=60
    )

    def __init__(self, *args, tz, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        day, time, minutes = data.get("date"), data.get("start_time"), data.get("duration_minutes")
        if day and time and minutes:
            start = _local_instant(self, day, time, self.tz)
            if start is not None:
                data["start"] = start
                data["end"] = start + dt.timedelta(minutes=minutes)
        return data


class LessonForm(LessonTimeMixin):
    """A tutor schedules a lesson with one of their students or classrooms, once or weekly."""

    REPEAT_NONE = "none"
    REPEAT_WEEKLY = "weekly"
    ENDS_UNTIL = "until"
    ENDS_COUNT = "count"

    student = PersonChoiceField(label=_("Student"), queryset=User.objects.none(), required=False)
    classroom = forms.ModelChoiceField(
        label=_("or a classroom"), queryset=Classroom.objects.none(), required=False
    )
    subject = forms.ModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.none(), required=False
    )
    is_online = forms.BooleanField(label=_("Online lesson"), required=False, initial=True)
    location = forms.CharField(
        label=_("Location"),
        required=False,
        max_length=200,
        help_text=_("For lessons in person: where you meet."),
    )
    tutor_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you see these."),
    )
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=((REPEAT_NONE, _("Only once")), (REPEAT_WEEKLY, _("Weekly"))),
        initial=REPEAT_NONE,
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On"),
        choices=Availability.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to repeat on the first lesson's weekday."),
    )
    interval_weeks = forms.IntegerField(
        label=_("Every how many weeks"), min_value=1, max_value=8, initial=1, required=False
    )
    ends = forms.ChoiceField(
        label=_("Ends"),
        choices=((ENDS_COUNT, _("After a number of lessons")), (ENDS_UNTIL, _("On a date"))),
        initial=ENDS_COUNT,
        widget=forms.RadioSelect,
        required=False,
    )
    count = forms.IntegerField(
        label=_("Number of lessons"),
        min_value=1,
        max_value=MAX_OCCURRENCES,
        initial=10,
        required=False,
    )
    until = forms.DateField(
        label=_("Last date"), required=False, widget=DATE_WIDGET, validators=[validate_year]
    )

    def __init__(self, *args, tutor, **kwargs):
        super().__init__(*args, **kwargs)
        self.tutor = tutor
        self.fields["student"].queryset = students_visible_to(tutor).order_by(
            "first_name", "last_name", "email"
        )
        self.fields["classroom"].queryset = Classroom.objects.filter(tutor=tutor)
        profile = getattr(tutor, "tutor_profile", None)
        subjects = profile.subjects.all() if profile is not None else Subject.objects.none()
        self.fields["subject"].queryset = subjects

    def clean(self):
        data = super().clean()
        student, classroom = data.get("student"), data.get("classroom")
        if bool(student) == bool(classroom):
            self.add_error("student", _("Choose either a student or a classroom."))
        if not data.get("is_online") and not (data.get("location") or "").strip():
            self.add_error("location", _("Say where an in-person lesson takes place."))
        if data.get("repeat") == self.REPEAT_WEEKLY:
            if not data.get("interval_weeks"):
                data["interval_weeks"] = 1
            if not data.get("weekdays") and data.get("date"):
                data["weekdays"] = [data["date"].weekday()]
            if data.get("ends") == self.ENDS_UNTIL:
                if not data.get("until"):
                    self.add_error("until", _("Give the last date."))
                elif data.get("date") and data["until"] < data["date"]:
                    self.add_error("until", _("The last date is before the first lesson."))
                data["count"] = None
            else:
                if not data.get("count"):
                    self.add_error("count", _("Give the number of lessons."))
                data["until"] = None
        return data

    def fieldsets(self):
        """(legend, bound fields) groups for the template."""
        groups = (
            (_("Who"), ("student", "classroom", "subject")),
            (_("When"), ("date", "start_time", "duration_minutes")),
            (_("Repeat"), ("repeat", "weekdays", "interval_weeks", "ends", "count", "until")),
            (_("Where"), ("is_online", "location", "tutor_notes")),
        )
        return [(legend, [self[name] for name in names]) for legend, names in groups]

    @property
    def is_series(self) -> bool:
        return self.cleaned_data.get("repeat") == self.REPEAT_WEEKLY


class LessonEditForm(LessonTimeMixin):
    """Move a lesson or change its details; for a series occurrence, choose the scope."""

    subject = forms.ModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.none(), required=False
    )
    is_online = forms.BooleanField(label=_("Online lesson"), required=False)
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    tutor_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=(
            (SCOPE_THIS, _("This lesson only")),
            (SCOPE_FOLLOWING, _("This and the following lessons")),
            (SCOPE_ALL, _("All lessons of the series")),
        ),
        initial=SCOPE_THIS,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, lesson, **kwargs):
        super().__init__(*args, **kwargs)
        self.lesson = lesson
        profile = getattr(lesson.tutor, "tutor_profile", None)
        self.fields["subject"].queryset = (
            profile.subjects.all() if profile is not None else Subject.objects.none()
        )
        if not lesson.series_id:
            del self.fields["scope"]

    def clean(self):
        data = super().clean()
        if not data.get("is_online") and not (data.get("location") or "").strip():
            self.add_error("location", _("Say where an in-person lesson takes place."))
        data.setdefault("scope", SCOPE_THIS)
        if not data.get("scope"):
            data["scope"] = SCOPE_THIS
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the other people of the lesson."),
    )


class AttendanceForm(forms.Form):
    """Everyone is present unless unticked."""

    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        ids = [p.student_id for p in self.participants]
        field = self.fields["present"]
        field.queryset = User.objects.filter(pk__in=ids)
        field.initial = [
            p.student_id for p in self.participants if p.attendance != p.Attendance.ABSENT
        ]

    def absent_ids(self) -> list[int]:
        present = {u.pk for u in self.cleaned_data["present"]}
        return [p.student_id for p in self.participants if p.student_id not in present]


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=Availability.Weekday.choices, coerce=int
    )
    start_time = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Until"), widget=TIME_WIDGET)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The window must end after it starts."))
        return data


class TimeOffForm(forms.Form):
    """A period off in the tutor's local time (whole days by default)."""

    start_date = forms.DateField(
        label=_("From date"), widget=DATE_WIDGET, validators=[validate_year]
    )
    start_time = forms.TimeField(
        label=_("From time"), widget=TIME_WIDGET, required=False, initial=dt.time(0, 0)
    )
    end_date = forms.DateField(
        label=_("Until date"), widget=DATE_WIDGET, validators=[validate_year]
    )
    end_time = forms.TimeField(
        label=_("Until time"),
        widget=TIME_WIDGET,
        required=False,
        help_text=_("Empty: until the end of that day."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, tz, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not (data.get("start_date") and data.get("end_date")):
            return data
        start = _local_instant(
            self, data["start_date"], data.get("start_time") or dt.time(0, 0), self.tz
        )
        if data.get("end_time"):
            end = _local_instant(self, data["end_date"], data["end_time"], self.tz, "end_time")
        else:
            end = combine_local(data["end_date"] + dt.timedelta(days=1), dt.time(0, 0), self.tz)
        if start and end:
            if end <= start:
                self.add_error("end_date", _("Time off must end after it starts."))
            data["start"], data["end"] = start, end
        return data


#: The tutor's booking and cancellation settings: the model's fields (labels, help texts),
#: as a plain form, so that validating it does not check the policy table's uniqueness
#: for an unsaved row (the service creates or updates the tutor's own row).
PolicyForm = type(
    "PolicyForm",
    (forms.Form,),
    {
        **forms.fields_for_model(SchedulePolicy, fields=POLICY_FIELDS),
        "__doc__": "The tutor's booking and cancellation settings.",
        "__module__": __name__,
    },
)


def _offset_label(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(n)d day before", "%(n)d days before", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour before", "%(n)d hours before", hours) % {"n": hours}
    return ngettext("%(n)d minute before", "%(n)d minutes before", minutes) % {"n": minutes}


class ReminderForm(forms.Form):
    reminder_offsets = forms.TypedMultipleChoiceField(
        label=_("Remind me"),
        choices=(),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Reminders arrive as notifications (and e-mails)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminder_offsets"].choices = [(m, _offset_label(m)) for m in REMINDER_CHOICES]


class BookingForm(forms.Form):
    """One free slot (its UTC start, as the slot list gives it) and, for a parent, the child."""

    start = forms.DateTimeField(widget=forms.HiddenInput)
    student = PersonChoiceField(label=_("For"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, children=None, **kwargs):
        super().__init__(*args, **kwargs)
        if children is not None:
            self.fields["student"].queryset = children
            self.fields["student"].required = True
        else:
            del self.fields["student"]

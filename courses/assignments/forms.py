"""Forms of the assignment pages. They parse input; the services decide and check again."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .files import MAX_FILES_PER_SUBMISSION, accepted_kinds_text
from .selectors import (
    State,
    assignable_classrooms,
    assignable_pages,
    assignable_students,
    children_of,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DueDateInput(forms.DateTimeInput):
    """A browser date-and-time picker; the value is read in the viewer's timezone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class PageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.course_title} › {obj.title} ({obj.locale.language_code})"


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AssignForm(forms.Form):
    """The tutor's "Assign" form: a page of their courses, to a student or a classroom."""

    page = PageChoiceField(
        label=_("Lesson or task"), queryset=None, empty_label=_("Choose a lesson or task")
    )
    student = StudentChoiceField(
        label=_("Student"), queryset=None, required=False, empty_label=_("—")
    )
    classroom = forms.ModelChoiceField(
        label=_("or a classroom"), queryset=None, required=False, empty_label=_("—")
    )
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=DueDateInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("In your time zone."),
    )
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    max_points = forms.DecimalField(
        label=_("Maximum points"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        decimal_places=2,
        initial=Decimal("10"),
    )
    allow_late = forms.BooleanField(label=_("Accept work handed in late"), required=False)
    quiz_only = forms.BooleanField(
        label=_("If it has a quiz, the quiz is the whole work (graded automatically)"),
        required=False,
        initial=True,
    )
    include_future_members = forms.BooleanField(
        label=_("Classroom: also give it to students added later"), required=False
    )

    def __init__(self, *args, tutor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = assignable_pages(tutor=tutor)
        self.fields["student"].queryset = assignable_students(tutor=tutor)
        self.fields["classroom"].queryset = assignable_classrooms(tutor=tutor)

    def clean(self):
        data = super().clean()
        student, classroom = data.get("student"), data.get("classroom")
        if bool(student) == bool(classroom) and not self.has_error("student"):
            raise forms.ValidationError(_("Choose either one student or one classroom."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SubmissionForm(forms.Form):
    """The student's work: an answer, files to add, files to remove; draft or hand in."""

    ACTION_DRAFT = "draft"
    ACTION_SUBMIT = "submit"

    text = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    files = MultipleFileField(
        label=_("Add files"),
        required=False,
    )
    remove_files = forms.MultipleChoiceField(
        label=_("Remove files"), required=False, widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(
        choices=[(ACTION_DRAFT, _("Save draft")), (ACTION_SUBMIT, _("Hand in"))],
        required=False,
    )

    def __init__(self, *args, current_files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_files"].choices = [(str(f.pk), f.original_name) for f in current_files]
        self.fields["files"].help_text = _("Up to %(count)d files. Accepted: %(kinds)s.") % {
            "count": MAX_FILES_PER_SUBMISSION,
            "kinds": accepted_kinds_text(),
        }

    def clean_action(self):
        return self.cleaned_data.get("action") or self.ACTION_DRAFT


class GradeForm(forms.Form):
    points = forms.DecimalField(label=_("Points"), min_value=Decimal("0"), decimal_places=2)
    feedback = forms.CharField(
        label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, max_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        if max_points is not None:
            self.fields["points"].max_value = max_points
            self.fields["points"].widget.attrs["max"] = str(max_points)
            self.fields["points"].validators.append(MaxValueValidator(max_points))


class ReturnForm(forms.Form):
    feedback = forms.CharField(
        label=_("What should the student change?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class GivenFilterForm(forms.Form):
    """Filters of the tutor's list of work given."""

    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All"))] + list(State.CHOICES), required=False
    )
    student = StudentChoiceField(
        label=_("Student"), queryset=None, required=False, empty_label=_("All")
    )
    classroom = forms.ModelChoiceField(
        label=_("Classroom"), queryset=None, required=False, empty_label=_("All")
    )

    def __init__(self, *args, tutor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = assignable_students(tutor=tutor)
        self.fields["classroom"].queryset = assignable_classrooms(tutor=tutor)


class ChildFilterForm(forms.Form):
    """The parent's filter: one child, and a state."""

    child = StudentChoiceField(
        label=_("Child"), queryset=None, required=False, empty_label=_("All")
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All"))] + list(State.CHOICES), required=False
    )

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children_of(parent)

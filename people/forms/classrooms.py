"""Forms for classrooms: name and description, and picking students to add.

The forms only shape input; the services (people.services.classrooms) enforce the rules.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from ..models import User
from ..services.classrooms import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH


class ClassroomForm(forms.Form):
    """A classroom's name (unique per tutor, checked by the service) and description."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class StudentChoiceField(forms.ModelMultipleChoiceField):
    """Students shown by name, with the e-mail to tell namesakes apart."""

    def label_from_instance(self, obj: User) -> str:
        if obj.get_full_name():
            return f"{obj.get_full_name()} ({obj.email})"
        return obj.email


class ClassroomMembersForm(forms.Form):
    """Students to add to a classroom.

    `students` is what may be posted: the tutor's actively linked students (those already
    in the classroom included, so that a repeated submit is harmless). `offered` is what
    the checkboxes show: the ones not in the classroom yet. Any other id (another tutor's
    student, an ended link, garbage) is a field error before any service runs.
    """

    students = StudentChoiceField(
        label=_("Students"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one student."),
            "invalid_choice": _("Only your own active students can be added to your classrooms."),
            "invalid_pk_value": _("“%(pk)s” is not a valid student."),
        },
    )

    def __init__(self, *args, students: QuerySet[User], offered: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["students"]
        field.queryset = students
        # Validate against `students` but list only `offered`, lazily (one query, and only
        # when the form is rendered).
        shown = ModelChoiceIterator(field)
        shown.queryset = offered
        field.widget.choices = shown
        self.offered = offered

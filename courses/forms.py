"""Forms of the learning side: the catalog's filters and the tutor's enrolment forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from people.models import Classroom, User

from .selectors import CatalogFilters


class CatalogFilterForm(forms.Form):
    """The catalog's search box and filters (GET). Unknown values are simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    subject = forms.TypedChoiceField(
        label=_("Subject"), required=False, coerce=int, empty_value=None
    )
    level = forms.TypedChoiceField(label=_("Level"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)
    tutor = forms.TypedChoiceField(label=_("Tutor"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["subject"].choices = anything + [(s.pk, s.name) for s in options["subjects"]]
        self.fields["level"].choices = anything + [(lv.pk, str(lv)) for lv in options["levels"]]
        self.fields["language"].choices = anything + list(settings.WAGTAIL_CONTENT_LANGUAGES)
        self.fields["tutor"].choices = anything + list(options["tutors"])

    def filters(self) -> CatalogFilters:
        """The valid part of the input as filters (an invalid field counts as "any")."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return CatalogFilters(
            q=(data.get("q") or "").strip(),
            subject=data.get("subject"),
            level=data.get("level"),
            language=data.get("language") or "",
            tutor=data.get("tutor"),
        )


class EnrollStudentsForm(forms.Form):
    """A tutor (or staff) picks students to enrol in a course."""

    students = forms.ModelMultipleChoiceField(
        label=_("Students"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one student.")},
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["students"].label_from_instance = lambda user: (
            user.get_full_name() or str(user.pk)
        )


class EnrollClassroomForm(forms.Form):
    """A tutor (or staff) enrols a whole classroom of the course's tutor."""

    classroom = forms.ModelChoiceField(
        label=_("Classroom"),
        queryset=Classroom.objects.none(),
        empty_label=_("Choose a classroom"),
    )

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = classrooms

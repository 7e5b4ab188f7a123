"""Forms of the help-request pages. They parse input; the services decide the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.models import Locale

from people.models import Currency, Subject
from people.roles import Role

from . import files as file_policy
from .models import HelpRequest
from .permissions import students_user_may_request_for
from .selectors import active_tutors


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the upload policy in `clean`."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            uploads = [single(item, initial) for item in data if item]
        else:
            uploads = [single(data, initial)] if data else []
        # Refuse bad files here too, so the form shows which file and why.
        file_policy.check_uploads(uploads)
        return uploads


def _files_field(label):
    return MultipleFileField(
        label=label,
        help_text=ngettext_lazy(
            "Up to %(count)d file of at most %(size)s. Accepted: %(types)s.",
            "Up to %(count)d files of at most %(size)s each. Accepted: %(types)s.",
            "count",
        )
        % {
            "count": file_policy.MAX_FILES_PER_UPLOAD,
            "size": filesizeformat(settings.UPLOAD_MAX_BYTES),
            "types": file_policy.allowed_types_label(),
        },
        widget=MultipleFileInput(attrs={"multiple": True}),
    )


def subject_choices():
    """Subjects of the default locale (one per subject, whatever its translations), by name."""
    return Subject.objects.filter(locale=Locale.get_default()).order_by("name")


class HelpRequestForm(forms.Form):
    """What a student (or a parent, for a child) asks help with."""

    student = forms.ModelChoiceField(queryset=None, label=_("Who needs help?"), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of help"), choices=HelpRequest.Kind.choices)
    subject = forms.ModelChoiceField(queryset=None, label=_("Subject"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What do you need?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The task, what you tried, and what kind of help you expect."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("In your time zone."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        students = students_user_may_request_for(user)
        self.fields["student"].queryset = students
        self.fields["student"].label_from_instance = lambda u: u.display_name
        if user.role != Role.PARENT:
            # A student asks for themselves: no choice to make.
            self.fields["student"].initial = user.pk
            self.fields["student"].widget = forms.HiddenInput()
        self.fields["subject"].queryset = subject_choices()
        self.fields["files"] = _files_field(_("Files (optional)"))


class AssignForm(forms.Form):
    """Staff choose the primary tutor and optional helpers."""

    primary_tutor = forms.ModelChoiceField(queryset=None, label=_("Primary tutor"))
    helpers = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Helper tutors"),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    note = forms.CharField(
        label=_("Note for the tutors"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tutors = active_tutors()
        for name in ("primary_tutor", "helpers"):
            self.fields[name].queryset = tutors
            self.fields[name].label_from_instance = lambda u: u.display_name


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you declining?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeliverForm(forms.Form):
    note = forms.CharField(
        label=_("Notes for the student"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"] = _files_field(_("Files"))


class ReviewForm(forms.Form):
    """Accept the delivery, or ask for changes (then the note says what)."""

    note = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChangesForm(forms.Form):
    note = forms.CharField(
        label=_("What should be changed?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


class CloseForm(forms.Form):
    """Staff record the hours worked and the price before closing."""

    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )
    price = forms.DecimalField(
        label=_("Price"), min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class FilterForm(forms.Form):
    """The staff list's filters; unknown values are form errors, not server errors."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *HelpRequest.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *HelpRequest.Kind.choices]
    )


class AcceptForm(forms.Form):
    """The primary tutor's "accept": nothing to fill in, but CSRF-protected like the rest."""

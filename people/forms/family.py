"""Forms for families: a parent invites a child by e-mail."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FamilyInviteForm(forms.Form):
    """The e-mail address of the child's student account."""

    email = forms.EmailField(
        label=_("Your child's e-mail address"),
        help_text=_("The e-mail your child signs in to Tutorflow with."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

"""Forms for tutor requests."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import TutorStudent

MESSAGE_MAX_LENGTH = TutorStudent._meta.get_field("message").max_length


class TutorRequestForm(forms.Form):
    """A student's optional note to the tutor they ask to teach them."""

    message = forms.CharField(
        label=_("Message to the tutor (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would you like to learn, and when are you available?"),
    )

"""Forms of the rewards pages: confirming a purchase and the leaderboard choice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BuyForm(forms.Form):
    """The student confirms they spend the coins (the price is shown next to the box)."""

    confirm = forms.BooleanField(
        label=_("Yes, spend the coins on this item"),
        error_messages={"required": _("Tick the box to confirm the purchase.")},
    )


class LeaderboardOptInForm(forms.Form):
    """Whether the student's name and points appear on their tutors' leaderboards."""

    opted_in = forms.BooleanField(
        label=_("Show my name and points on my tutors' leaderboards"), required=False
    )

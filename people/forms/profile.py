"""Forms of the profile and settings screen: one for the account, one per role's profile.

The forms only check input and hand dictionaries to `people.services.profile.profile_update`;
they hold no instance, so a refused submission leaves the signed-in user untouched. Fields
that nobody may change about themselves (role, e-mail, staff flags, points, coins) are not
fields here and are never read from the request.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from functools import cache

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import Currency, Language, Level, Subject, User
from ..roles import Role
from ..services.profile import default_locale_subjects
from ..validators import validate_avatar_size, validate_timezone
from .accounts import describe_help_texts


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone this machine knows, sorted, as select choices."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


@dataclass
class FieldGroup:
    """A titled subset of a form's fields that `includes/form.html` can render on its own.

    It answers the three things the include asks a form for; non-field errors are shown
    with the first group only.
    """

    form: forms.BaseForm
    legend: str
    names: tuple[str, ...]
    show_form_errors: bool = False

    def non_field_errors(self):
        return self.form.non_field_errors() if self.show_form_errors else []

    def hidden_fields(self):
        return []

    def visible_fields(self):
        return [self.form[name] for name in self.names if name in self.form.fields]


class AccountForm(forms.Form):
    """Name, avatar, time zone and language: what every role may change about themselves."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    avatar = forms.ImageField(
        label=_("Avatar"),
        required=False,
        validators=[validate_avatar_size],
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        validators=[validate_timezone],
        help_text=_("Lesson times and deadlines are shown in this time zone."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language Tutorflow speaks to you in, on every device."),
    )

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "avatar": user.avatar or None,
                "timezone": user.timezone,
                "preferred_language": user.preferred_language,
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["avatar"].help_text = _(
            "A square picture looks best. JPEG, PNG, GIF or WebP, at most %(mb)s MB."
        ) % {"mb": max(1, settings.AVATAR_MAX_UPLOAD_SIZE // (1024 * 1024))}
        describe_help_texts(self)

    @property
    def groups(self) -> list[FieldGroup]:
        """The "Account" and "Preferences" sections of the screen."""
        return [
            FieldGroup(self, _("Account"), ("first_name", "last_name", "avatar"), True),
            FieldGroup(self, _("Preferences"), ("timezone", "preferred_language")),
        ]

    def account_data(self) -> dict:
        """The cleaned values for the service; the avatar only when it was changed.

        Django's clearable file field answers False when "clear" was ticked, a new file
        when one was uploaded, and the current file otherwise.
        """
        data = {
            name: self.cleaned_data[name]
            for name in ("first_name", "last_name", "timezone", "preferred_language")
        }
        avatar = self.cleaned_data.get("avatar")
        if avatar is False:
            data["avatar"] = None
        elif avatar is not None and avatar != self.user.avatar:
            data["avatar"] = avatar
        return data


class TutorProfileForm(forms.Form):
    """What a tutor tells students: subjects, levels, languages, rate, bio, directory listing."""

    legend = _("Teaching")

    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects"),
        queryset=Subject.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    levels = forms.ModelMultipleChoiceField(
        label=_("Levels taught"),
        queryset=Level.objects.all(),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages"),
        queryset=Language.objects.all(),
        required=False,
        help_text=_("The languages you teach in."),
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Leave empty to discuss the price with each student."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, initial=Currency.EUR
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown on your public page: your experience and how you teach."),
    )
    listed_in_directory = forms.BooleanField(
        label=_("Show me in the tutor directory"),
        required=False,
        help_text=_("Students can find you and ask you to teach them."),
    )

    def __init__(self, *args, user: User, **kwargs):
        subjects = default_locale_subjects().order_by("name")
        profile = getattr(user, "tutor_profile", None)
        if profile is not None:
            kwargs.setdefault(
                "initial",
                {
                    "subjects": list(
                        subjects.filter(tutor_profiles=profile).values_list("pk", flat=True)
                    ),
                    "levels": [level.pk for level in profile.levels.all()],
                    "languages": [language.pk for language in profile.languages.all()],
                    "hourly_rate": profile.hourly_rate,
                    "currency": profile.currency,
                    "bio": profile.bio,
                    "listed_in_directory": profile.listed_in_directory,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = subjects
        describe_help_texts(self)

    def profile_data(self) -> dict:
        """The cleaned values for the service."""
        return dict(self.cleaned_data)


class StudentProfileForm(forms.Form):
    """What a learner tells their tutors: level, grade and goals."""

    legend = _("Learning")

    level = forms.ModelChoiceField(
        label=_("Level"),
        queryset=Level.objects.all(),
        required=False,
        empty_label=_("— not set —"),
    )
    grade = forms.CharField(
        label=_("Grade or year"),
        required=False,
        max_length=32,
        help_text=_("For example “Year 9” or “2nd year of university”."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you want to achieve; your tutors see this."),
    )

    def __init__(self, *args, user: User, **kwargs):
        profile = getattr(user, "student_profile", None)
        if profile is not None:
            kwargs.setdefault(
                "initial",
                {"level": profile.level_id, "grade": profile.grade, "goals": profile.goals},
            )
        super().__init__(*args, **kwargs)
        describe_help_texts(self)

    def profile_data(self) -> dict:
        """The cleaned values for the service."""
        return dict(self.cleaned_data)


def profile_form_class(role: str) -> type[forms.Form] | None:
    """The role-specific profile form, or None for roles with only the common fields."""
    return {Role.TUTOR: TutorProfileForm, Role.STUDENT: StudentProfileForm}.get(role)

"""Forms for signing up and signing in.

The sign-up form only collects and checks input; the account itself is made by
`people.services.accounts.user_create`, so the rules (unique e-mail, strong password,
profile row and groups) hold for every way an account is created.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import User
from ..roles import SELF_SIGNUP_ROLES


def describe_help_texts(form: forms.BaseForm) -> None:
    """Point each widget with a help text at the help paragraph `includes/form.html` renders.

    The include gives the paragraph the id `<auto_id>_help`; setting the attribute on the
    widget keeps screen readers reading the help together with the field.
    """
    for name, field in form.fields.items():
        if field.help_text:
            field.widget.attrs.setdefault("aria-describedby", f"{form[name].auto_id}_help")


def default_language_code() -> str:
    """The active UI language when it is one we ship, else the site's default language."""
    shipped = {code for code, _name in settings.LANGUAGES}
    current = (translation.get_language() or "").split("-")[0]
    return current if current in shipped else settings.LANGUAGE_CODE


class SignupForm(forms.Form):
    """A visitor creates a student, parent or tutor account.

    Only `SELF_SIGNUP_ROLES` are offered: any other role posted is "not a valid choice".
    Nothing else a visitor might post (staff flags, groups, points, …) is a field here,
    so it is never read.
    """

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text=_("You sign in with this address; password reset links go there too."),
    )
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
    role = forms.ChoiceField(
        label=_("I am a"),
        choices=[(role.value, role.label) for role in SELF_SIGNUP_ROLES],
        help_text=_("Students learn, parents follow their children, tutors teach."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language Tutorflow speaks to you in."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Type the same password again, to be sure."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = default_language_code()
        # Built per request so that the validators' texts are in the visitor's language.
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        describe_help_texts(self)

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists."), code="duplicate"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            # Check against the person's own name and e-mail, as the service will.
            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, with the username field labelled and typed as an e-mail."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address and password do not match an active account. "
            "Note that the password is case-sensitive."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.label = _("E-mail")
        field.widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
        field.max_length = 254
        field.widget.attrs["maxlength"] = "254"

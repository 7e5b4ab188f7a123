"""Forms of the staff tools in the Wagtail admin (People menu) and the admin sign-in.

The forms only collect and shape input; the rules (who may create which role, who may
change a role, what a confirmation must match) are checked again by the services in
`people.services.accounts`, so a hand-made POST cannot get round them.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from ..models import User
from ..permissions import accounts_visible_to, roles_creatable_by
from ..roles import Role


class AdminLoginForm(LoginForm):
    """Wagtail's admin sign-in, refusing accounts that may not use the admin.

    Students and parents have their own sign-in on the site; their (correct) e-mail and
    password on the admin's form get a form error and no session, instead of a sign-in
    followed by "you do not have permission".
    """

    error_messages = {
        **LoginForm.error_messages,
        "no_admin_access": _(
            "This sign-in is for tutors and school staff. Please sign in on the website instead."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not (user.may_use_admin_area and user.has_perm("wagtailadmin.access_admin")):
            raise ValidationError(self.error_messages["no_admin_access"], code="no_admin_access")


class AccountCreateForm(forms.Form):
    """A new account made by staff. The role choices are the ones the creator may give."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="en"
    )

    def __init__(self, *args, creator: User, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles_creatable_by(creator)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        if Role.STUDENT in roles:
            self.fields["role"].initial = Role.STUDENT.value

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RoleChangeForm(forms.Form):
    """An admin's choice of a new role for someone else's account."""

    role = forms.ChoiceField(label=_("New role"), choices=Role.choices)


class AccountDeleteForm(forms.Form):
    """Hard-delete confirmation: the staff member types the account's e-mail address."""

    confirm_email = forms.CharField(
        label=_("Type the account's e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, account: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_confirm_email(self):
        value = self.cleaned_data["confirm_email"].strip()
        if value.lower() != self.account.email.lower():
            raise ValidationError(
                _("This does not match the account's e-mail address. Nothing was deleted."),
                code="mismatch",
            )
        return value


class StudentsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Students as ticked boxes, labelled with name and e-mail."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        if obj.get_full_name():
            return f"{obj.get_full_name()} <{obj.email}>"
        return obj.email


class GuardiansAssignForm(forms.Form):
    """The students (ticked) to link to one parent. Only students the staff member may see."""

    students = StudentsMultipleChoiceField(
        label=_("Students"),
        queryset=User.objects.none(),
        error_messages={"required": _("Tick at least one student.")},
    )

    def __init__(self, *args, staff: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = accounts_visible_to(staff).filter(role=Role.STUDENT)

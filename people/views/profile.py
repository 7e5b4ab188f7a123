"""The profile and settings screen: one page, one form per section, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..forms.profile import AccountForm, profile_form_class
from ..services.profile import profile_update
from .accounts import set_language_cookie
from .mixins import RoleRequiredMixin


class ProfileView(RoleRequiredMixin, TemplateView):
    """Any signed-in person edits their name, avatar, time zone and language, and — for
    tutors and students — their teaching or learning profile, on one screen.

    Both forms are checked first; only then does `profile_update` save everything in one
    transaction. Saving switches the language cookie to the chosen language.
    """

    template_name = "people/profile.html"

    def get_forms(self, data=None, files=None):
        user = self.request.user
        account_form = AccountForm(data, files, user=user)
        profile_class = profile_form_class(user.role)
        profile_form = profile_class(data, user=user) if profile_class else None
        return account_form, profile_form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "account_form" not in context:
            context["account_form"], context["profile_form"] = self.get_forms()
        return context

    def post(self, request, *args, **kwargs):
        account_form, profile_form = self.get_forms(request.POST, request.FILES)
        valid = account_form.is_valid()
        valid = (profile_form is None or profile_form.is_valid()) and valid
        if valid:
            try:
                user = profile_update(
                    user=request.user,
                    account_data=account_form.account_data(),
                    profile_data=profile_form.profile_data() if profile_form else {},
                )
            except ValidationError as error:
                self._add_service_errors(error, account_form, profile_form)
            else:
                translation.activate(user.preferred_language)
                messages.success(request, _("Your profile has been saved."))
                response = redirect("people:profile")
                return set_language_cookie(response, user.preferred_language)
        context = self.get_context_data(account_form=account_form, profile_form=profile_form)
        return self.render_to_response(context)

    @staticmethod
    def _add_service_errors(error, account_form, profile_form) -> None:
        """Show the service's field errors next to the fields, whichever form holds them."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                account_form.add_error(None, message)
            return
        for field, field_messages in error.message_dict.items():
            if profile_form is not None and field in profile_form.fields:
                target_form, target = profile_form, field
            elif field in account_form.fields:
                target_form, target = account_form, field
            else:
                target_form, target = account_form, None
            for message in field_messages:
                target_form.add_error(target, message)

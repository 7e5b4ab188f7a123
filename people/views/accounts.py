"""Signing up, in and out, and resetting or changing a password.

Django's auth views do the security-sensitive work (session rotation, safe redirects,
reset tokens); these subclasses add our templates, the e-mail sign-in form, the language
cookie and sign-up through `people.services.accounts.user_create`. Login throttling is
django-axes' job (see settings): it answers locked-out attempts before these views run.
"""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView

from ..forms.accounts import EmailAuthenticationForm, SignupForm
from ..services.accounts import user_create
from .mixins import service_call

logger = logging.getLogger(__name__)

#: Sign-up logs the new account in directly; name the backend since several are configured.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def set_language_cookie(response: HttpResponse, language_code: str) -> HttpResponse:
    """Make the UI speak `language_code` from the next request on (LocaleMiddleware reads it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language_code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The e-mail axes counts failures against, trimmed and lower-cased.

    Sign-in ignores the e-mail's case, so "Ann@x" and "ann@x" are one account; counting
    them apart would let a guesser multiply their attempts by changing the case.
    Wired in settings as AXES_USERNAME_CALLABLE.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return value.strip().lower() if isinstance(value, str) else value


def _safe_next(request) -> str | None:
    """The `next` parameter when it points back into this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class SignupView(FormView):
    """A visitor creates a student, parent or tutor account and is signed in at once.

    The account is made by `user_create`, which also creates the role's profile and
    groups. Signed-in people are sent to their dashboard instead.
    """

    template_name = "people/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("people:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _safe_next(self.request) or ""
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with service_call(self.request, form):
                user = user_create(
                    email=data["email"],
                    role=data["role"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    preferred_language=data["preferred_language"],
                )
        except ValidationError:
            return self.form_invalid(form)
        except IntegrityError:
            # Two sign-ups with the same address raced; the database kept one.
            form.add_error("email", _("An account with this e-mail address already exists."))
            return self.form_invalid(form)
        login(self.request, user, backend=MODEL_BACKEND)
        logger.info("New %s account %s signed up", user.role, user.pk)
        messages.success(self.request, _("Welcome to Tutorflow! Your account is ready."))
        response = HttpResponseRedirect(_safe_next(self.request) or resolve_url("people:dashboard"))
        return set_language_cookie(response, user.preferred_language)


class LoginView(auth_views.LoginView):
    """Sign in with e-mail and password; the session key is rotated by Django's login().

    Afterwards the language cookie follows the user's preferred language, and a safe
    `next` is honoured. django-axes counts failures and locks per e-mail and per IP.
    """

    template_name = "people/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return set_language_cookie(response, form.get_user().preferred_language)


class LogoutView(auth_views.LogoutView):
    """Sign out by POST only (Django answers GET with 405), then go to the home page."""

    next_page = "/"


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. Unknown addresses get the same answer and no mail."""

    template_name = "people/password_reset_form.html"
    email_template_name = "people/emails/password_reset_body.txt"
    subject_template_name = "people/emails/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """The "check your inbox" page, shown whether or not the address has an account."""

    template_name = "people/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the e-mailed link.

    Proving control of the mailbox also lifts a login lock on that e-mail, so the
    locked-out page's advice ("reset your password") really gets the owner back in.
    """

    template_name = "people/password_reset_confirm.html"
    success_url = reverse_lazy("people:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """The password was reset; invite the person to sign in."""

    template_name = "people/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in person changes their password; their session stays signed in."""

    template_name = "people/password_change_form.html"
    success_url = reverse_lazy("people:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """Confirms the password change."""

    template_name = "people/password_change_done.html"

"""Scaffolding: replaced by the real views."""

from django.http import HttpResponse
from django.views import View


class SignupView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class LoginView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class LogoutView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class PasswordResetView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class PasswordResetDoneView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class PasswordResetConfirmView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class PasswordResetCompleteView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class PasswordChangeView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class PasswordChangeDoneView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)

"""Scaffolding: replaced by the real views."""

from django.http import HttpResponse
from django.views import View


class FamilyView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class FamilyInviteView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class InvitationAcceptView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class InvitationDeclineView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class InvitationCancelView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)

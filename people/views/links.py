"""Scaffolding: replaced by the real views."""

from django.http import HttpResponse
from django.views import View


class RequestListView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class RequestAcceptView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class RequestDeclineView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class RequestWithdrawView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class LinkEndView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)

"""Scaffolding: replaced by the real views."""

from django.http import HttpResponse
from django.views import View


class NotificationListView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class NotificationOpenView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class NotificationReadAllView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)

"""Scaffolding: replaced by the real views."""

from django.http import HttpResponse
from django.views import View


class DashboardView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)

"""Scaffolding: replaced by the real views."""

from django.http import HttpResponse
from django.views import View


class ClassroomListView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class ClassroomCreateView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class ClassroomDetailView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class ClassroomEditView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class ClassroomDeleteView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class ClassroomMemberAddView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


class ClassroomMemberRemoveView(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)

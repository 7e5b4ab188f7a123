"""Adaptive pages: a tutor's rules (list, create, edit, deactivate), their firings, and a
parent's alert settings.

Thin views: objects through `courses.adaptive.permissions` (404 for missing and
not-yours alike), writes through `.services` and `.alerts`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from courses.selectors import tutor_courses
from people.roles import Role
from people.views.mixins import RoleRequiredMixin, service_call

from .alerts import alert_settings_of, alert_settings_save
from .forms import AlertSettingsForm, RuleForm
from .models import ParentAlertSettings
from .permissions import (
    children_of,
    firings_visible_to,
    get_child_for,
    get_rule_course_for,
    get_rule_for,
    rules_visible_to,
)
from .services import course_item_pages, rule_create, rule_set_active, rule_update

RULES_PAGE_SIZE = 20
FIRINGS_PAGE_SIZE = 30


class RuleListView(RoleRequiredMixin, TemplateView):
    """The tutor's rules, newest first, with how often each fired; links to add rules."""

    allowed_roles = (Role.TUTOR,)
    template_name = "adaptive/rule_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = (
            rules_visible_to(self.request.user)
            .annotate(fired=Count("firings"))
            .order_by("-created_at", "-id")
        )
        context["page_obj"] = Paginator(rules, RULES_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context["courses"] = tutor_courses(tutor=self.request.user)
        return context


class _RuleFormView(RoleRequiredMixin, TemplateView):
    """The rule form on GET, the service on POST (form errors: 400, nothing saved).

    Subclasses `load()` the course (and rule), `make_form()` and `save()` through a service.
    """

    allowed_roles = (Role.TUTOR,)
    template_name = "adaptive/rule_form.html"

    def get_course(self):
        raise NotImplementedError

    def make_form(self, data=None):
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.make_form())
        context.update(course=self.course, rule=getattr(self, "rule", None))
        return context

    def get(self, request, *args, **kwargs):
        self.load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                with service_call(request, form):
                    self.save(form)
            except ValidationError:
                pass
            else:
                messages.success(request, gettext("The rule is saved."))
                return redirect("adaptive:rules")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RuleCreateView(_RuleFormView):
    """A new rule on one of the tutor's own courses (404 for any other course)."""

    def load(self):
        self.course = get_rule_course_for(self.request.user, self.kwargs["pk"])
        self.pages = course_item_pages(self.course)

    def make_form(self, data=None):
        return RuleForm(data, pages=self.pages)

    def save(self, form):
        rule_create(by=self.request.user, course=self.course, **form.service_kwargs())


class RuleEditView(_RuleFormView):
    """Edit (or switch off) one of the tutor's own rules; other tutors get 404."""

    def load(self):
        self.rule = get_rule_for(self.request.user, self.kwargs["pk"])
        self.course = self.rule.course
        self.pages = course_item_pages(self.course) if self.course is not None else []

    def make_form(self, data=None):
        return RuleForm(data, pages=self.pages, initial=RuleForm.initial_for(self.rule))

    def save(self, form):
        rule_update(by=self.request.user, rule=self.rule, **form.service_kwargs())


class RuleDeactivateView(RoleRequiredMixin, View):
    """Switch one of the tutor's own rules off (POST); it stops firing at once."""

    allowed_roles = (Role.TUTOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        rule = get_rule_for(request.user, pk)
        rule_set_active(by=request.user, rule=rule, active=False)
        messages.success(request, gettext("The rule is switched off."))
        return redirect("adaptive:rules")


class FiringListView(RoleRequiredMixin, TemplateView):
    """When the tutor's rules fired, for whom, and the work they assigned (`?rule=` one)."""

    allowed_roles = (Role.TUTOR,)
    template_name = "adaptive/firing_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        firings = firings_visible_to(self.request.user).select_related(
            "rule", "rule__course", "student", "assignment"
        )
        rule = None
        if self.request.GET.get("rule"):
            rule = get_rule_for(self.request.user, self.request.GET["rule"])
            firings = firings.filter(rule=rule)
        context.update(
            rule=rule,
            page_obj=Paginator(firings, FIRINGS_PAGE_SIZE).get_page(self.request.GET.get("page")),
            query_string=f"rule={rule.pk}" if rule else "",
        )
        return context


class AlertSettingsView(RoleRequiredMixin, TemplateView):
    """A parent's alerts: for all children, or one child (`?student=`, their own; else 404)."""

    allowed_roles = (Role.PARENT,)
    template_name = "adaptive/alert_settings.html"

    def _scope(self):
        wanted = self.request.GET.get("student") or self.request.POST.get("student")
        return get_child_for(self.request.user, wanted) if wanted else None

    def _form(self, child, data=None):
        row = ParentAlertSettings.objects.filter(parent=self.request.user, student=child).first()
        initial = (
            {
                "low_grade_below_percent": row.low_grade_below_percent,
                "notify_overdue": row.notify_overdue,
                "notify_course_completed": row.notify_course_completed,
            }
            if row
            else {}
        )
        return AlertSettingsForm(data, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        child = self.child
        context.setdefault("form", self._form(child))
        context.update(
            child=child,
            children=list(children_of(self.request.user)),
            saved=alert_settings_of(self.request.user),
        )
        return context

    def get(self, request, *args, **kwargs):
        self.child = self._scope()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.child = self._scope()
        form = self._form(self.child, request.POST)
        if form.is_valid():
            try:
                with service_call(request, form):
                    alert_settings_save(by=request.user, student=self.child, **form.cleaned_data)
            except ValidationError:
                pass
            else:
                messages.success(request, gettext("Your alerts are saved."))
                url = request.path + (f"?student={self.child.pk}" if self.child else "")
                return redirect(url)
        return self.render_to_response(self.get_context_data(form=form), status=400)

"""Classroom pages: a tutor groups their own students; students, parents and staff look.

The views stay thin: reads go through people.selectors and people.permissions, writes
through people.services.classrooms, which enforce every rule again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from ..forms.classrooms import ClassroomForm, ClassroomMembersForm
from ..models import ClassroomMembership
from ..permissions import (
    can_create_classroom,
    can_manage_classroom,
    get_classroom_for,
    students_visible_to,
)
from ..roles import Role
from ..selectors import classroom_members, classrooms_for, students_addable_to
from ..services.classrooms import (
    classroom_create,
    classroom_delete,
    classroom_member_add,
    classroom_member_remove,
    classroom_update,
)
from .mixins import RoleRequiredMixin, service_call

CLASSROOMS_PER_PAGE = 20
MEMBERS_PER_PAGE = 25


class ClassroomObjectMixin:
    """Loads `self.classroom` through get_classroom_for (404 when missing or not visible).

    With `manage_required`, a visible classroom the user does not own answers 403. Put it
    after RoleRequiredMixin so that anonymous visitors are sent to sign in first.
    """

    manage_required = False

    def dispatch(self, request, *args, **kwargs):
        self.classroom = get_classroom_for(request.user, kwargs["pk"])
        if self.manage_required and not can_manage_classroom(request.user, self.classroom):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _members_form(classroom, data=None) -> ClassroomMembersForm:
    """The add-students form: any active student of the tutor may be posted (members too,
    so a repeated submit is harmless); only those not yet in the classroom are offered."""
    return ClassroomMembersForm(
        data,
        students=students_visible_to(classroom.tutor),
        offered=students_addable_to(classroom),
    )


def render_classroom_detail(request, classroom, *, member_form=None, status=200):
    """The classroom page: members (paginated) and, for the owner, the add-students form.

    Shared by the detail view and by the add-members endpoint, which shows the page again
    with the form's errors. Runs the same number of queries whatever the member count.
    """
    may_manage = can_manage_classroom(request.user, classroom)
    page = Paginator(classroom_members(classroom), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "classroom": classroom,
        "may_manage": may_manage,
        "page_obj": page,
        "memberships": page.object_list,
    }
    if may_manage:
        if member_form is None:
            member_form = _members_form(classroom)
        context["member_form"] = member_form
        context["has_addable"] = member_form.offered.exists()
    return render(request, "people/classroom_detail.html", context, status=status)


class ClassroomListView(RoleRequiredMixin, ListView):
    """/classrooms/: the classrooms the viewer may see, paginated, with member counts.

    Tutors see their own (and may create more); students the ones they are in; parents
    their children's (with which child is in each); managers and admins all of them.
    """

    template_name = "people/classroom_list.html"
    context_object_name = "classrooms"
    paginate_by = CLASSROOMS_PER_PAGE

    def get_queryset(self):
        user = self.request.user
        classrooms = classrooms_for(user)
        if user.role == Role.PARENT:
            children_rows = ClassroomMembership.objects.filter(
                student__guardians_links__parent=user
            ).select_related("student")
            classrooms = classrooms.prefetch_related(
                Prefetch("memberships", queryset=children_rows, to_attr="children_memberships")
            )
        return classrooms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_create"] = can_create_classroom(user)
        context["is_parent"] = user.role == Role.PARENT
        context["is_staff_view"] = user.role in (Role.MANAGER, Role.ADMIN)
        return context


class ClassroomCreateView(RoleRequiredMixin, FormView):
    """/classrooms/new/: a tutor creates a classroom (others get 403)."""

    allowed_roles = (Role.TUTOR,)
    template_name = "people/classroom_form.html"
    form_class = ClassroomForm

    def form_valid(self, form):
        try:
            with service_call(self.request, form):
                classroom = classroom_create(
                    tutor=self.request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
        except ValidationError:
            return self.form_invalid(form)
        messages.success(self.request, _("Classroom created."))
        return redirect("people:classroom_detail", pk=classroom.pk)


class ClassroomEditView(RoleRequiredMixin, ClassroomObjectMixin, FormView):
    """/classrooms/<id>/edit/: the owning tutor renames a classroom or edits its description."""

    allowed_roles = (Role.TUTOR,)
    manage_required = True
    template_name = "people/classroom_form.html"
    form_class = ClassroomForm

    def get_initial(self):
        return {"name": self.classroom.name, "description": self.classroom.description}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["classroom"] = self.classroom
        return context

    def form_valid(self, form):
        try:
            with service_call(self.request, form):
                classroom_update(
                    classroom=self.classroom,
                    by=self.request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
        except ValidationError:
            # The service may have set attributes before refusing: reload the real row.
            self.classroom.refresh_from_db()
            return self.form_invalid(form)
        messages.success(self.request, _("Classroom saved."))
        return redirect("people:classroom_detail", pk=self.classroom.pk)


class ClassroomDeleteView(RoleRequiredMixin, ClassroomObjectMixin, TemplateView):
    """/classrooms/<id>/delete/: GET asks for confirmation, POST deletes (owner only)."""

    allowed_roles = (Role.TUTOR,)
    manage_required = True
    template_name = "people/classroom_confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["classroom"] = self.classroom
        context["member_count"] = self.classroom.memberships.count()
        return context

    def post(self, request, *args, **kwargs):
        name = self.classroom.name
        classroom_delete(classroom=self.classroom, by=request.user)
        messages.success(request, _("Classroom “%(name)s” deleted.") % {"name": name})
        return redirect("people:classrooms")


class ClassroomDetailView(RoleRequiredMixin, ClassroomObjectMixin, View):
    """/classrooms/<id>/: members of a classroom the viewer may see (404 otherwise).

    The owning tutor also gets the add-students form and a remove button per member;
    everyone else reads only.
    """

    def get(self, request, *args, **kwargs):
        return render_classroom_detail(request, self.classroom)


class ClassroomMemberAddView(RoleRequiredMixin, ClassroomObjectMixin, View):
    """POST /classrooms/<id>/members/add/: the owner adds some of their active students.

    A student id that is not one of the tutor's active students (another tenant's, an
    ended link, unknown) is refused with a form error (400) and nothing changes; one
    already in the classroom is skipped.
    Non-owners get 403 for a classroom they can see, 404 for one they cannot.
    """

    manage_required = True

    def post(self, request, *args, **kwargs):
        form = _members_form(self.classroom, request.POST)
        if not form.is_valid():
            return render_classroom_detail(request, self.classroom, member_form=form, status=400)
        try:
            with service_call(request, form):
                created = classroom_member_add(
                    classroom=self.classroom,
                    students=list(form.cleaned_data["students"]),
                    by=request.user,
                )
        except ValidationError:
            return render_classroom_detail(request, self.classroom, member_form=form, status=400)
        if created:
            messages.success(
                request,
                ngettext("%(count)d student added.", "%(count)d students added.", len(created))
                % {"count": len(created)},
            )
        else:
            messages.info(request, _("The chosen students were already in the classroom."))
        return redirect(reverse("people:classroom_detail", args=[self.classroom.pk]))


class ClassroomMemberRemoveView(RoleRequiredMixin, ClassroomObjectMixin, View):
    """POST /classrooms/<id>/members/<student_id>/remove/: the owner removes a member.

    Removing someone who is not (or no longer) a member changes nothing and says so.
    """

    manage_required = True

    def post(self, request, *args, **kwargs):
        membership = (
            classroom_members(self.classroom).filter(student_id=kwargs["student_pk"]).first()
        )
        if membership is None:
            messages.info(request, _("This student is not in the classroom."))
        else:
            classroom_member_remove(
                classroom=self.classroom, student=membership.student, by=request.user
            )
            messages.success(
                request,
                _("%(name)s was removed from the classroom.")
                % {"name": membership.student.display_name},
            )
        return redirect(reverse("people:classroom_detail", args=[self.classroom.pk]))

"""The tutor's pages: give work, the work given, the grading queue, one submission."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView

from people.roles import Role
from people.views.mixins import RoleRequiredMixin, service_call

from ..forms import AssignForm, GivenFilterForm, GradeForm, ReturnForm
from ..models import SubmissionStatus
from ..permissions import can_grade, get_submission_for, is_gradable
from ..selectors import (
    GivenFilters,
    grading_queue,
    submission_files,
    submission_history,
    tutor_assignments,
)
from ..services import (
    assignment_create,
    assignments_for_classroom,
    submission_grade,
    submission_return,
)
from .common import PER_PAGE, query_string_without_page


class AssignView(RoleRequiredMixin, FormView):
    """/assignments/assign/: a tutor gives a lesson or task to a student or a classroom.

    `?page=`, `?student=` and `?classroom=` preselect the form (links from other pages).
    """

    allowed_roles = (Role.TUTOR,)
    template_name = "assignments/assign_form.html"
    form_class = AssignForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["tutor"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        for name in ("page", "student", "classroom"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        terms = {
            "by": self.request.user,
            "page": data["page"],
            "due_at": data["due_at"],
            "max_points": data["max_points"],
            "instructions": data["instructions"],
            "allow_late": data["allow_late"],
            "quiz_only": data["quiz_only"],
        }
        try:
            with service_call(self.request, form):
                if data["classroom"]:
                    group = assignments_for_classroom(
                        classroom=data["classroom"],
                        include_future_members=data["include_future_members"],
                        **terms,
                    )
                    count = group.classroom.member_assignments.filter(
                        group_key=group.group_key
                    ).count()
                    text = ngettext(
                        "“%(title)s” was given to %(count)d student of %(classroom)s.",
                        "“%(title)s” was given to %(count)d students of %(classroom)s.",
                        count,
                    ) % {"title": group.title, "count": count, "classroom": group.classroom.name}
                else:
                    assignment = assignment_create(student=data["student"], **terms)
                    text = _("“%(title)s” was given to %(student)s.") % {
                        "title": assignment.title,
                        "student": assignment.student.display_name,
                    }
        except ValidationError:
            return self.form_invalid(form)
        messages.success(self.request, text)
        return redirect("assignments:given")


class GivenListView(RoleRequiredMixin, View):
    """/assignments/given/: the work the tutor gave, newest first, filtered, paginated."""

    allowed_roles = (Role.TUTOR,)

    def get(self, request):
        form = GivenFilterForm(request.GET or None, tutor=request.user)
        filters = GivenFilters()
        if form.is_valid():
            data = form.cleaned_data
            filters = GivenFilters(
                state=data["state"] or "",
                student=data["student"].pk if data["student"] else None,
                classroom=data["classroom"].pk if data["classroom"] else None,
            )
        assignments = tutor_assignments(tutor=request.user, filters=filters)
        page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "assignments/given_list.html",
            {
                "filter_form": form,
                "page_obj": page,
                "assignments": page.object_list,
                "query_string": query_string_without_page(request),
            },
        )


class QueueView(RoleRequiredMixin, View):
    """/assignments/queue/: handed-in work waiting for the tutor, oldest first."""

    allowed_roles = (Role.TUTOR,)

    def get(self, request):
        page = Paginator(grading_queue(tutor=request.user), PER_PAGE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "assignments/queue.html",
            {"page_obj": page, "submissions": page.object_list},
        )


def render_submission(request, submission, *, grade_form=None, return_form=None, status=200):
    """The tutor's view of one submission: the work, files, history, grade/return forms."""
    assignment = submission.assignment
    may_grade = can_grade(request.user, assignment) and is_gradable(submission)
    if may_grade:
        grade_form = grade_form or GradeForm(
            max_points=assignment.max_points,
            initial={"points": submission.quiz_points} if submission.quiz_points else None,
        )
        return_form = return_form or ReturnForm(prefix="return")
    # a draft is the student's until handed in: neither its text nor its files are shown
    is_draft = submission.status == SubmissionStatus.DRAFT
    context = {
        "submission": submission,
        "assignment": assignment,
        "is_draft": is_draft,
        "files": [] if is_draft else submission_files(submission),
        "history": submission_history(submission),
        "may_grade": may_grade,
        "grade_form": grade_form,
        "return_form": return_form,
    }
    return render(request, "assignments/submission_detail.html", context, status=status)


class SubmissionDetailView(RoleRequiredMixin, View):
    """/assignments/submissions/<id>/: one piece of work, as the tutor (or staff) sees it.

    The student and their parents see the same work on the assignment's own page and are
    sent there.
    """

    def get(self, request, pk):
        submission = get_submission_for(request.user, pk)
        if request.user.role in (Role.STUDENT, Role.PARENT):
            return redirect("assignments:detail", pk=submission.assignment_id)
        return render_submission(request, submission)


class _VerdictView(RoleRequiredMixin, View):
    """POST only: the tutor who gave the work grades or returns it."""

    allowed_roles = (Role.TUTOR,)

    def _submission(self, request, pk):
        submission = get_submission_for(request.user, pk)
        if not can_grade(request.user, submission.assignment):
            raise PermissionDenied
        return submission


class SubmissionGradeView(_VerdictView):
    """/assignments/submissions/<id>/grade/: SUBMITTED → GRADED (points and feedback)."""

    def post(self, request, pk):
        submission = self._submission(request, pk)
        form = GradeForm(request.POST, max_points=submission.assignment.max_points)
        if form.is_valid():
            try:
                with service_call(request, form):
                    submission_grade(
                        by=request.user,
                        submission=submission,
                        points=form.cleaned_data["points"],
                        feedback=form.cleaned_data["feedback"],
                    )
            except ValidationError:
                submission.refresh_from_db()
            else:
                messages.success(request, _("Graded. The student and their parents were told."))
                return redirect("assignments:queue")
        return render_submission(request, submission, grade_form=form, status=400)


class SubmissionReturnView(_VerdictView):
    """/assignments/submissions/<id>/return/: SUBMITTED → RETURNED, with what to change."""

    def post(self, request, pk):
        submission = self._submission(request, pk)
        form = ReturnForm(request.POST, prefix="return")
        if form.is_valid():
            try:
                with service_call(request, form):
                    submission_return(
                        by=request.user,
                        submission=submission,
                        feedback=form.cleaned_data["feedback"],
                    )
            except ValidationError:
                submission.refresh_from_db()
            else:
                messages.success(request, _("Returned to the student for another try."))
                return redirect(reverse("assignments:queue"))
        return render_submission(request, submission, return_form=form, status=400)


__all__ = [
    "AssignView",
    "GivenListView",
    "QueueView",
    "SubmissionDetailView",
    "SubmissionGradeView",
    "SubmissionReturnView",
]

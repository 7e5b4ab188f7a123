"""The student's and the parent's pages: my assignments, one assignment, hand-in, files."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from people.roles import Role
from people.views.mixins import RoleRequiredMixin

from ..files import download_content_type
from ..forms import ChildFilterForm, SubmissionForm
from ..permissions import (
    can_edit_submission,
    can_work_on,
    get_assignment_for,
    get_submission_file_for,
    is_school_staff,
)
from ..selectors import (
    State,
    children_assignments,
    state_counts,
    student_assignments,
    submission_files,
    submission_history,
)
from ..services import submission_save_draft, submission_submit
from .common import PER_PAGE, error_answer, query_string_without_page, success_answer


class MyAssignmentsView(RoleRequiredMixin, View):
    """/assignments/mine/: the student's work in tabs: to do, overdue, submitted, graded."""

    allowed_roles = (Role.STUDENT,)

    def get(self, request):
        state = request.GET.get("state", "")
        if state not in State.VALUES:
            state = ""
        assignments = student_assignments(student=request.user, state=state or None)
        page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
        counts = state_counts(request.user.assignments.all())
        tabs = [
            {"value": value, "label": label, "count": counts[value], "current": value == state}
            for value, label in State.CHOICES
        ]
        return render(
            request,
            "assignments/my_list.html",
            {
                "tabs": tabs,
                "state": state,
                "total": sum(counts.values()),
                "page_obj": page,
                "assignments": page.object_list,
                "query_string": query_string_without_page(request),
            },
        )


class ChildrenAssignmentsView(RoleRequiredMixin, View):
    """/assignments/children/: a parent follows their children's work and grades."""

    allowed_roles = (Role.PARENT,)

    def get(self, request):
        form = ChildFilterForm(request.GET or None, parent=request.user)
        child, state = None, None
        if form.is_valid():
            child = form.cleaned_data["child"]
            state = form.cleaned_data["state"] or None
        assignments = children_assignments(parent=request.user, child=child, state=state)
        page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "assignments/children_list.html",
            {
                "filter_form": form,
                "page_obj": page,
                "assignments": page.object_list,
                "query_string": query_string_without_page(request),
            },
        )


def _task_link(assignment):
    """The assigned page in the viewer's language when translated, else as assigned."""
    page = assignment.page
    try:
        page = page.localized
    except AttributeError:
        pass
    return page.url if page.live else ""


class AssignmentDetailView(RoleRequiredMixin, View):
    """/assignments/<id>/: one assignment: instructions, the task, the work, the grade.

    The student gets the draft/hand-in form while the work is editable; the tutor, the
    student's parents and staff read it. 404 for everyone else.
    """

    def get(self, request, pk):
        assignment = get_assignment_for(request.user, pk)
        submission = assignment.submission
        files = list(submission_files(submission))
        may_edit = can_edit_submission(request.user, submission)
        context = {
            "assignment": assignment,
            "submission": submission,
            "files": files,
            "history": submission_history(submission),
            "may_edit": may_edit,
            "is_student": can_work_on(request.user, assignment),
            "is_tutor": assignment.tutor_id == request.user.pk,
            "is_staff_view": is_school_staff(request.user),
            "past_due": assignment.is_past_due(),
            "task_url": _task_link(assignment),
        }
        if may_edit:
            context["form"] = SubmissionForm(initial={"text": submission.text}, current_files=files)
        return render(request, "assignments/detail.html", context)


class AssignmentSaveView(RoleRequiredMixin, View):
    """/assignments/<id>/work/ (POST): the student saves a draft or hands the work in.

    Answers the upload script with JSON (400 bad input, 409 state conflict), a form post
    with a message and a redirect back to the assignment.
    """

    allowed_roles = (Role.STUDENT,)

    def post(self, request, pk):
        assignment = get_assignment_for(request.user, pk)
        if not can_work_on(request.user, assignment):
            raise Http404("No such assignment.")
        back = reverse("assignments:detail", args=[assignment.pk])
        form = SubmissionForm(
            request.POST,
            request.FILES,
            current_files=submission_files(assignment.submission),
        )
        if not form.is_valid():
            return error_answer(request, ValidationError(form.errors), back=back)
        data = form.cleaned_data
        work = {
            "by": request.user,
            "assignment": assignment,
            "text": data["text"],
            "files": data["files"],
            "remove_file_ids": [int(pk) for pk in data["remove_files"]],
        }
        try:
            if data["action"] == SubmissionForm.ACTION_SUBMIT:
                submission_submit(**work)
                text = _("Handed in. Your tutor has been told.")
            else:
                submission_save_draft(**work)
                text = _("Draft saved.")
        except ValidationError as error:
            return error_answer(request, error, back=back)
        return success_answer(request, text, to=back)


class FileRemoveView(RoleRequiredMixin, View):
    """/assignments/files/<id>/remove/ (POST): the student removes a file from a draft."""

    allowed_roles = (Role.STUDENT,)

    def post(self, request, pk):
        row = get_submission_file_for(request.user, pk)
        assignment = row.submission.assignment
        if not can_work_on(request.user, assignment):
            raise PermissionDenied
        back = reverse("assignments:detail", args=[assignment.pk])
        try:
            submission_save_draft(by=request.user, assignment=assignment, remove_file_ids=[row.pk])
        except ValidationError as error:
            return error_answer(request, error, back=back)
        return success_answer(
            request, _("“%(name)s” removed.") % {"name": row.original_name}, to=back
        )


class FileDownloadView(RoleRequiredMixin, View):
    """/assignments/files/<id>/: a handed-in file, always as a download.

    Only the student, their tutor, their parents and staff (404 for everyone else). Served
    as an attachment with the sniffed (never HTML) content type, `nosniff`, and a
    sandboxing Content-Security-Policy, so that no browser renders it as a page.
    """

    def get(self, request, pk):
        row = get_submission_file_for(request.user, pk)
        try:
            handle = row.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404("The file is missing.") from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=row.original_name,
            content_type=download_content_type(row.content_type),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

"""Enrolment views: self-enrolment, a tutor enrolling students or a classroom, cancelling,
and the read-only progress page of students and parents.

Thin: each finds its objects through `courses.permissions` (404 for missing and
not-yours alike), calls a service from `courses.services.enrollment` and redirects back to
the course page with a message. State changes are POST only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from people.models import Guardianship, User
from people.roles import Role
from people.views.mixins import RoleRequiredMixin, error_response, service_call

from ..charts import attach_progress_charts
from ..forms import EnrollClassroomForm, EnrollStudentsForm
from ..permissions import (
    course_tutor_id,
    get_course_for_enrolling,
    get_enrollment_for,
    get_live_course,
)
from ..selectors import enrollable_classrooms, enrollable_students, progress_enrollments
from ..services.enrollment import (
    enrollment_cancel,
    enrollment_create,
    enrollment_create_for_classroom,
)

STAFF = (Role.MANAGER, Role.ADMIN)


def _back_to(course):
    return redirect(course.get_url() or "/")


class SelfEnrollView(RoleRequiredMixin, View):
    """A student enrols themselves in a course that allows it (POST only)."""

    allowed_roles = (Role.STUDENT,)
    http_method_names = ["post"]

    def post(self, request, pk):
        course = get_live_course(pk)
        try:
            with service_call(request):
                enrollment_create(student=request.user, course=course, by=request.user)
        except ValidationError as error:
            return error_response(error)
        messages.success(request, _("You are enrolled. Enjoy the course!"))
        return _back_to(course)


class EnrollStudentsView(RoleRequiredMixin, View):
    """The course's tutor (or staff) enrols chosen students; all or nothing (POST only)."""

    allowed_roles = (Role.TUTOR, *STAFF)
    http_method_names = ["post"]

    def post(self, request, pk):
        course = get_course_for_enrolling(request.user, pk)
        form = EnrollStudentsForm(
            request.POST, students=enrollable_students(user=request.user, course=course)
        )
        if not form.is_valid():
            return error_response(ValidationError(list(form.errors.get("students", []))))
        try:
            with service_call(request, form):
                _enroll_all(form.cleaned_data["students"], course=course, by=request.user)
        except ValidationError as error:
            return error_response(error)
        count = len(form.cleaned_data["students"])
        messages.success(request, _("Enrolled %(count)d student(s).") % {"count": count})
        return _back_to(course)


def _enroll_all(students, *, course, by):
    with transaction.atomic():
        for student in students:
            enrollment_create(student=student, course=course, by=by)


class EnrollClassroomView(RoleRequiredMixin, View):
    """The course's tutor (or staff) enrols a whole classroom of the tutor's (POST only)."""

    allowed_roles = (Role.TUTOR, *STAFF)
    http_method_names = ["post"]

    def post(self, request, pk):
        course = get_course_for_enrolling(request.user, pk)
        form = EnrollClassroomForm(
            request.POST,
            classrooms=enrollable_classrooms(course=course, tutor_id=course_tutor_id(course)),
        )
        if not form.is_valid():
            return error_response(ValidationError(list(form.errors.get("classroom", []))))
        classroom = form.cleaned_data["classroom"]
        try:
            with service_call(request, form):
                enrolled = enrollment_create_for_classroom(
                    classroom=classroom, course=course, by=request.user
                )
        except ValidationError as error:
            return error_response(error)
        messages.success(
            request,
            _("Enrolled %(count)d student(s) of %(classroom)s.")
            % {"count": len(enrolled), "classroom": classroom.name},
        )
        return _back_to(course)


class EnrollmentCancelView(RoleRequiredMixin, View):
    """Cancel an enrolment: the student, the course's tutor or staff (POST only).

    A parent sees their child's enrolments but may not change them (403 from the service).
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        enrollment = get_enrollment_for(request.user, pk)
        try:
            with service_call(request):
                enrollment_cancel(enrollment=enrollment, by=request.user)
        except ValidationError as error:
            return error_response(error)
        messages.success(request, _("The enrolment was cancelled."))
        course = enrollment.course_in()
        return _back_to(course) if course is not None else redirect("courses:progress")


class ProgressView(RoleRequiredMixin, TemplateView):
    """Read-only course progress: a student's own, or each of a parent's children's.

    Parents see titles, states and percentages, never the lesson content itself: the
    lessons are for the enrolled student (see courses.permissions).
    """

    allowed_roles = (Role.STUDENT, Role.PARENT)
    template_name = "courses/enroll_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.role == Role.PARENT:
            students = User.objects.filter(
                pk__in=Guardianship.objects.filter(parent=user).values("student_id")
            )
        else:
            students = User.objects.filter(pk=user.pk)
        enrollments = progress_enrollments(students=students)
        page = Paginator(enrollments, 25).get_page(self.request.GET.get("page"))
        attach_progress_charts(page.object_list)
        context["enrollments"] = page
        context["is_parent"] = user.role == Role.PARENT
        return context

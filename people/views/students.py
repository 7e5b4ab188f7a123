"""A tutor's students, or every student of the school for managers and admins."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.generic import TemplateView

from ..forms.directory import StudentSearchForm
from ..models import StudentProfile
from ..permissions import get_student_for, is_school_staff
from ..roles import Role
from ..selectors import (
    guardians_of,
    school_students,
    student_active_links,
    student_classrooms,
    tutor_students,
)
from ..timeline import timeline_for
from .directory import query_string_without
from .mixins import RoleRequiredMixin

STUDENTS_PAGE_SIZE = 25

#: Who may open the student list. Students and parents get 403: a list of students is a
#: teaching and staff tool; they reach their own (or their child's) page directly.
STUDENT_LIST_ROLES = (Role.TUTOR, Role.MANAGER, Role.ADMIN)


class StudentListView(RoleRequiredMixin, TemplateView):
    """A tutor's actively linked students, or all students of the school for staff.

    Both lists are searchable by name or e-mail and paginated. A tutor's rows are links
    (`tutor_students`); staff rows are students with their active tutors.
    """

    template_name = "people/student_list.html"
    allowed_roles = STUDENT_LIST_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = StudentSearchForm(self.request.GET)
        q = form.cleaned_data["q"] if form.is_valid() else None
        is_tutor = user.role == Role.TUTOR
        if is_tutor:
            rows = tutor_students(user, q=q or "")
        else:
            rows = school_students(user, q=q or "")
        if q is None:  # an invalid search shows its error and no rows
            rows = rows.none()
        page_obj = Paginator(rows, STUDENTS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            is_tutor_view=is_tutor,
            page_obj=page_obj,
            query_string=query_string_without(self.request, "page"),
            searched=bool(q),
        )
        return context


class StudentDetailView(RoleRequiredMixin, TemplateView):
    """One student: contact, profile, guardians, classrooms and tutoring links.

    Any signed-in user may ask, and the student is fetched through `get_student_for`, so
    the answer is 404 for anyone who may not see them: a tutor sees only their active
    students, a parent their children, a student themselves, staff everyone. A tutor sees
    only their own classrooms and link; the others see all of the student's. Guardians'
    contact details show to the student's tutor, to staff and to the student; the "end"
    button to everyone but parents (the service lets either side, or staff, end a link).
    """

    template_name = "people/student_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        student = get_student_for(user, self.kwargs["pk"])
        try:
            profile = StudentProfile.objects.select_related("level").get(user=student)
        except StudentProfile.DoesNotExist:
            profile = None
        is_tutor = user.role == Role.TUTOR
        only_tutor = user if is_tutor else None
        show_guardians = is_tutor or is_school_staff(user) or user.pk == student.pk
        context.update(
            student=student,
            profile=profile,
            guardians=(
                guardians_of(student).order_by("parent__last_name", "parent__first_name")
                if show_guardians
                else None
            ),
            show_guardians=show_guardians,
            classrooms=student_classrooms(student, tutor=only_tutor),
            links=student_active_links(student, tutor=only_tutor),
            is_tutor_view=is_tutor,
            timeline=(
                None if is_tutor else timeline_for([student.pk], limit=20).get(student.pk, [])
            ),
            can_end_links=user.role != Role.PARENT,
            back_url=(
                reverse("people:students")
                if user.role in STUDENT_LIST_ROLES
                else reverse("people:dashboard")
            ),
        )
        return context

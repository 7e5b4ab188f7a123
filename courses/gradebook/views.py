"""Gradebook pages: the tutor's grid per course, a student's grades per course, CSV.

Thin views: objects through `courses.gradebook.permissions` (404 for missing and
not-yours alike), data through `courses.gradebook.selectors`, CSV through `.export`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.views import View
from django.views.generic import TemplateView

from courses.selectors import progress_enrollments, tutor_courses
from people.roles import Role
from people.views.mixins import RoleRequiredMixin

from .export import csv_filename, csv_response, grid_rows, student_rows
from .permissions import (
    get_grid_course_for,
    get_student_course_for,
    gradebook_children_of,
)
from .selectors import course_grid, grid_enrollments, student_course_grades

#: Students per page of a grid: the grid stays readable and its queries bounded.
GRID_PAGE_SIZE = 50
COURSES_PAGE_SIZE = 25


class GradebookIndexView(RoleRequiredMixin, TemplateView):
    """Where each role starts: a tutor's courses, a student's courses, a parent's child's.

    A parent picks a child (`?student=<id>`, one of their own; 404 otherwise).
    """

    allowed_roles = (Role.TUTOR, Role.STUDENT, Role.PARENT)
    template_name = "gradebook/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page_number = self.request.GET.get("page")
        if user.role == Role.TUTOR:
            courses = Paginator(tutor_courses(tutor=user), COURSES_PAGE_SIZE).get_page(page_number)
            context.update(is_tutor=True, courses=courses)
            return context
        child = user
        children = []
        if user.role == Role.PARENT:
            children = gradebook_children_of(user)
            wanted = self.request.GET.get("student")
            if wanted:
                child = next((c for c in children if str(c.pk) == wanted), None)
                if child is None:
                    raise Http404("No such child.")
            else:
                child = children[0] if children else None
        enrollments = (
            Paginator(
                progress_enrollments(students=[child.pk]).filter(course__isnull=False),
                COURSES_PAGE_SIZE,
            ).get_page(page_number)
            if child is not None
            else None
        )
        context.update(
            is_tutor=False,
            is_parent=user.role == Role.PARENT,
            children=children,
            child=child,
            enrollments=enrollments,
            query_string=f"student={child.pk}" if children and child else "",
        )
        return context


class CourseGridView(RoleRequiredMixin, TemplateView):
    """A course's grid: its students (paginated) × its graded items, with averages."""

    template_name = "gradebook/course_grid.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        course = get_grid_course_for(self.request.user, self.kwargs["pk"])
        page_obj = Paginator(grid_enrollments(course=course), GRID_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        students = [enrollment.student for enrollment in page_obj]
        context.update(
            course=course, page_obj=page_obj, grid=course_grid(course=course, students=students)
        )
        return context


class CourseGridCsvView(RoleRequiredMixin, View):
    """The whole grid (every student) as a CSV download, escaped for spreadsheets."""

    def get(self, request, pk):
        course = get_grid_course_for(request.user, pk)
        students = [enrollment.student for enrollment in grid_enrollments(course=course)]
        grid = course_grid(course=course, students=students)
        return csv_response(grid_rows(grid), filename=csv_filename(course))


class StudentCourseView(RoleRequiredMixin, TemplateView):
    """One student's graded items in one course: the student, their parents, the tutor."""

    template_name = "gradebook/student_course.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        course, student, enrollment = get_student_course_for(
            user, self.kwargs["pk"], self.kwargs["student_pk"]
        )
        context.update(
            course=course,
            student=student,
            enrollment=enrollment,
            grades=student_course_grades(student=student, course=course),
            is_own=student.pk == user.pk,
            index_query=f"?student={student.pk}" if user.role == Role.PARENT else "",
        )
        return context


class StudentCourseCsvView(RoleRequiredMixin, View):
    """One student's list as a CSV download."""

    def get(self, request, pk, student_pk):
        course, student, _enrollment = get_student_course_for(request.user, pk, student_pk)
        grades = student_course_grades(student=student, course=course)
        name = student.get_full_name() or f"student-{student.pk}"
        return csv_response(student_rows(grades), filename=csv_filename(course, suffix=name))

"""What the catalog and a course page show a viewer (called from the pages' get_context).

Wagtail serves these pages; the page classes hand their context to the functions here so
that the page models stay free of learning rules. Both run a fixed number of queries
however many courses or lessons there are.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.views.generic import RedirectView

from people.roles import Role

from ..forms import CatalogFilterForm, EnrollClassroomForm, EnrollStudentsForm
from ..models import EnrollmentStatus
from ..permissions import (
    OPEN_ENROLLMENT_STATUSES,
    can_manage_enrollments,
    can_self_enroll,
    course_tutor_id,
)
from ..selectors import (
    catalog_filter_options,
    catalog_search,
    course_enrolled_students,
    course_items,
    course_progress,
    enrollable_classrooms,
    enrollable_students,
    enrollment_get,
    live_catalog,
)

CATALOG_PAGE_SIZE = 20
STUDENTS_PAGE_SIZE = 25


def catalog_context(request, page) -> dict:
    """The catalog's filter form and one page of matching courses, with the query string."""
    form = CatalogFilterForm(request.GET or None, options=catalog_filter_options(catalog=page))
    courses = catalog_search(catalog=page, filters=form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "courses": Paginator(courses, CATALOG_PAGE_SIZE).get_page(request.GET.get("page")),
        "query_string": query.urlencode(),
    }


def course_context(request, page) -> dict:
    """The course page for this viewer: contents, their state, and what they may do.

    * an enrolled student: per-item state, percentage, "continue" link;
    * a student who may enrol: the enrol button; an anonymous visitor: sign in;
    * the owning tutor and staff: the enrolment forms and the enrolled students.
    """
    user = request.user
    items = course_items(course=page)
    enrollment = enrollment_get(student=user, course=page)
    is_open = enrollment is not None and enrollment.status in OPEN_ENROLLMENT_STATUSES
    context = {
        "items": items,
        "enrollment": enrollment,
        "enrollment_open": is_open,
        "progress": course_progress(student=user, course=page, items=items) if is_open else None,
        "may_self_enroll": not is_open and can_self_enroll(user, page),
        "login_url": f"{reverse('people:login')}?next={request.path}",
        "manages_enrollments": False,
        "is_student": user.is_authenticated and user.role == Role.STUDENT,
        "statuses": EnrollmentStatus,
    }
    if user.is_authenticated and can_manage_enrollments(user, page):
        students = course_enrolled_students(course=page)
        context.update(
            manages_enrollments=True,
            enrolled=Paginator(students, STUDENTS_PAGE_SIZE).get_page(
                request.GET.get("students_page")
            ),
            enroll_students_form=EnrollStudentsForm(
                students=enrollable_students(user=user, course=page)
            ),
            enroll_classroom_form=EnrollClassroomForm(
                classrooms=enrollable_classrooms(course=page, tutor_id=course_tutor_id(page))
            ),
        )
    return context


class CatalogRedirectView(RedirectView):
    """/learn/courses/: the live course catalog in the viewer's language, wherever it lives.

    The navigation links here so that base.html need not look the catalog up on every page.
    404 while no catalog is published.
    """

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        catalog = live_catalog()
        if catalog is None:
            raise Http404("No course catalog yet.")
        return catalog.localized.get_url(self.request) or "/"

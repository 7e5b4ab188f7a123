"""Query counts of the lists, pinned at two data sizes: they do not grow with the data.

Each page is requested once before counting, so that per-process caches (the site root
paths, content types) are warm and the count is the page's own.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.assignments.services import assignment_create, submission_submit
from tests import factories
from tests.assignments.conftest import in_days, make_world

pytestmark = pytest.mark.django_db

#: Pinned query counts: session, user and unread-notification count (base.html), the
#: page's own reads (count, page, state tabs or filter choices) and, for tutors, the
#: Wagtail user bar's permission and profile reads.
STUDENT_LIST_QUERIES = 8
TUTOR_QUEUE_QUERIES = 9
PARENT_LIST_QUERIES = 8
TUTOR_GIVEN_QUERIES = 11


def build(tutor, student, count: int, *, label: str = "Set"):
    """`count` assignments for `student` from `tutor`, every other one handed in."""
    world = make_world(tutor, student, title=f"{label} {count}")
    pages = [world.task, world.quiz_task, world.lesson]
    for n in range(count):
        assignment = assignment_create(
            by=tutor,
            student=student,
            page=pages[n % 3],
            due_at=in_days(n + 1),
            max_points=10,
            quiz_only=False,
        )
        if n % 2 == 0:
            submission_submit(by=student, assignment=assignment, text=f"Answer {n}")


def second_family(tutor):
    """Another linked student with a parent, so lists hold more than one child's work."""
    child = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=child)
    return child


@pytest.mark.parametrize("count", [3, 18])
def test_student_list(count, tutor, student, client_for, django_assert_num_queries):
    build(tutor, student, count)
    client = client_for(student)
    url = reverse("assignments:mine")
    client.get(url)
    with django_assert_num_queries(STUDENT_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["assignments"]) == min(count, 20)


@pytest.mark.parametrize("count", [3, 18])
def test_tutor_queue(count, tutor, student, client_for, django_assert_num_queries):
    build(tutor, student, count)
    build(tutor, second_family(tutor), count, label="Other")
    client = client_for(tutor)
    url = reverse("assignments:queue")
    client.get(url)
    with django_assert_num_queries(TUTOR_QUEUE_QUERIES):
        response = client.get(url)
    assert len(response.context["submissions"]) == min(2 * ((count + 1) // 2), 20)


@pytest.mark.parametrize("count", [3, 18])
def test_tutor_given_list(count, tutor, student, client_for, django_assert_num_queries):
    build(tutor, student, count)
    client = client_for(tutor)
    url = reverse("assignments:given")
    client.get(url)
    with django_assert_num_queries(TUTOR_GIVEN_QUERIES):
        client.get(url)


@pytest.mark.parametrize("count", [3, 18])
def test_parent_list(count, tutor, student, parent, client_for, django_assert_num_queries):
    build(tutor, student, count)
    sibling = second_family(tutor)
    factories.GuardianshipFactory(parent=parent, student=sibling)
    build(tutor, sibling, count, label="Sibling")
    client = client_for(parent)
    url = reverse("assignments:children")
    client.get(url)
    with django_assert_num_queries(PARENT_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["assignments"]) == min(2 * count, 20)

"""Pinned query counts: lists and dashboards run as many queries for 100 rows as for 10.

Each page is requested once to warm process-wide caches (content types, the default
locale, Wagtail's site lookup), then measured. Both sizes are held to the same pinned
number, so a change that adds a query per row fails, and so does one that adds a query
per page without updating the number here on purpose.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from people.models import TutorStudent
from tests import factories

pytestmark = pytest.mark.django_db

#: What every page costs a signed-in student or parent: session, user, the
#: unread-notifications badge, and Wagtail's user bar asking whether they may use the
#: admin (two permission queries).
SIGNED_IN_BASE = 5
#: Tutors and staff may use the admin, so the user bar also loads their Wagtail user
#: profile (twice: Wagtail's own doing).
STAFF_BASE = SIGNED_IN_BASE + 2

#: /tutors/ for an anonymous visitor: filter options (subjects, levels, languages), the
#: count, the page, and the subjects/levels/languages prefetches.
DIRECTORY_QUERIES = 8
#: /students/ for a tutor: the base, the count and the page (students, profiles, levels
#: joined).
TUTOR_STUDENT_LIST_QUERIES = STAFF_BASE + 2  # 9
#: /students/ for a manager: the base, the count, the page, and each student's tutors.
STAFF_STUDENT_LIST_QUERIES = STAFF_BASE + 3  # 10
#: /dashboard/ for a tutor: the base, request count and head, student count, classrooms;
#: the courses panel (essays, students with activity, their enrolments, section, courses),
#: the unread notifications, and the panels of scheduling (next lessons and their
#: participants, booking requests, lessons to mark), assignments (the grading queue) and
#: help requests (awaiting an answer, assigned).
TUTOR_DASHBOARD_QUERIES = STAFF_BASE + 4 + 5 + 1 + 6  # 23
#: /requests/ for a tutor: the base and three paginated sections (count and page each).
TUTOR_REQUESTS_QUERIES = STAFF_BASE + 6  # 13
#: /dashboard/ for a student: tutors, pending requests, classrooms, family invitations;
#: courses with progress (no enrolment here, so no completion query), unread
#: notifications, next lessons (and participants), work due soon and overdue, recent
#: grades (attempts, submissions), open help requests, points and coins.
STUDENT_DASHBOARD_QUERIES = SIGNED_IN_BASE + 4 + 1 + 1 + 7  # 18
#: /dashboard/ for a parent: children (with profiles) and their tutors, invitations sent;
#: the children's courses, unread notifications, and the children's timeline (children,
#: lesson completions, graded quizzes; page titles only when there are events), the
#: timeline's assignments (given, due, handed in) and lessons (upcoming, past), next
#: lessons (and participants), open help requests, the children's points and coins.
PARENT_DASHBOARD_QUERIES = SIGNED_IN_BASE + 3 + 1 + 1 + 3 + 9  # 22
#: /dashboard/ for a manager: two head counts and the oldest pending requests; content
#: awaiting moderation and students without a tutor, new help requests, today's lessons
#: (count and head each; with lessons today, one more for their participants).
MANAGER_DASHBOARD_QUERIES = STAFF_BASE + 3 + 4 + 2 + 2  # 18


def measure(client, url, django_assert_num_queries, expected):
    """Warm the caches with one request, then assert the second runs `expected` queries."""
    assert client.get(url).status_code == 200
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def offer(db):
    """Subjects, levels and languages every directory card shows two of."""
    return {
        "subjects": [factories.SubjectFactory() for _ in range(2)],
        "levels": [factories.LevelFactory() for _ in range(2)],
        "languages": [factories.LanguageFactory() for _ in range(2)],
    }


@pytest.mark.parametrize("rows", [10, 100])
def test_directory(client, offer, django_assert_num_queries, rows):
    for n in range(rows):
        tutor = factories.ListedTutorFactory(last_name=f"Tutor{n:03d}")
        tutor.avatar.name = f"avatars/t{n}.png"
        tutor.save()
        factories.tutor_profile(tutor, bio="About me. " * 20, hourly_rate=25, **offer)
    response = measure(
        client, reverse("people:directory"), django_assert_num_queries, DIRECTORY_QUERIES
    )
    cards = list(response.context["tutors"])
    assert len(cards) == min(rows, 20)
    assert all(len(card.subjects.all()) == 2 for card in cards)
    assert response.text.count('class="tag"') == 6 * len(cards)


@pytest.mark.parametrize("rows", [10, 100])
def test_tutor_student_list(client_for, django_assert_num_queries, rows):
    tutor = factories.TutorFactory()
    level = factories.LevelFactory()
    for _ in range(rows):
        student = factories.StudentFactory()
        student.student_profile.level = level
        student.student_profile.grade = "7"
        student.student_profile.save()
        factories.TutorStudentFactory(tutor=tutor, student=student)
    response = measure(
        client_for(tutor),
        reverse("people:students"),
        django_assert_num_queries,
        TUTOR_STUDENT_LIST_QUERIES,
    )
    assert response.context["page_obj"].paginator.count == rows
    assert response.text.count(str(level)) >= min(rows, 25)


@pytest.mark.parametrize("rows", [10, 100])
def test_staff_student_list(client_for, manager, django_assert_num_queries, rows):
    tutors = [factories.TutorFactory() for _ in range(3)]
    for n in range(rows):
        factories.TutorStudentFactory(tutor=tutors[n % 3], student=factories.StudentFactory())
    response = measure(
        client_for(manager),
        reverse("people:students"),
        django_assert_num_queries,
        STAFF_STUDENT_LIST_QUERIES,
    )
    assert response.context["page_obj"].paginator.count == rows


@pytest.mark.parametrize("rows", [10, 50])
def test_tutor_dashboard(client_for, django_assert_num_queries, rows):
    tutor = factories.TutorFactory()
    for n in range(rows):
        student = factories.StudentFactory()
        factories.TutorStudentFactory(tutor=tutor, student=student)
        factories.TutorStudentFactory(
            tutor=tutor, student=factories.StudentFactory(), status=TutorStudent.Status.REQUESTED
        )
        if n < 15:
            classroom = factories.ClassroomFactory(tutor=tutor)
            factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    response = measure(
        client_for(tutor),
        reverse("people:dashboard"),
        django_assert_num_queries,
        TUTOR_DASHBOARD_QUERIES,
    )
    assert response.context["request_count"] == rows
    assert response.context["student_count"] == rows


@pytest.mark.parametrize("rows", [10, 50])
def test_tutor_requests_page(client_for, django_assert_num_queries, rows):
    tutor = factories.TutorFactory()
    for status in TutorStudent.Status:
        for _ in range(rows):
            factories.TutorStudentFactory(
                tutor=tutor, student=factories.StudentFactory(), status=status
            )
    response = measure(
        client_for(tutor),
        reverse("people:requests"),
        django_assert_num_queries,
        TUTOR_REQUESTS_QUERIES,
    )
    assert response.context["pending"]["page_obj"].paginator.count == rows


@pytest.mark.parametrize("rows", [10, 50])
def test_student_dashboard(client_for, django_assert_num_queries, rows):
    student = factories.StudentFactory()
    for _ in range(rows):
        tutor = factories.ListedTutorFactory()
        factories.TutorStudentFactory(tutor=tutor, student=student)
        factories.TutorStudentFactory(
            tutor=factories.ListedTutorFactory(),
            student=student,
            status=TutorStudent.Status.REQUESTED,
        )
        classroom = factories.ClassroomFactory(tutor=tutor)
        factories.ClassroomMembershipFactory(classroom=classroom, student=student)
        factories.GuardianshipInvitationFactory(student=student)
    response = measure(
        client_for(student),
        reverse("people:dashboard"),
        django_assert_num_queries,
        STUDENT_DASHBOARD_QUERIES,
    )
    assert (
        len(response.context["tutors"]["rows"]) == 10
        and (rows > 10) == (response.context["tutors"]["more"])
    )


@pytest.mark.parametrize("rows", [10, 50])
def test_parent_dashboard(client_for, django_assert_num_queries, rows):
    parent = factories.ParentFactory()
    tutors = [factories.TutorFactory() for _ in range(3)]
    for n in range(rows):
        child = factories.StudentFactory()
        factories.GuardianshipFactory(parent=parent, student=child)
        for tutor in tutors[: 1 + n % 3]:
            factories.TutorStudentFactory(tutor=tutor, student=child)
    response = measure(
        client_for(parent),
        reverse("people:dashboard"),
        django_assert_num_queries,
        PARENT_DASHBOARD_QUERIES,
    )
    assert len(response.context["children"]["rows"]) == 10


@pytest.mark.parametrize("rows", [10, 50])
def test_manager_dashboard(client_for, manager, django_assert_num_queries, rows):
    tutor = factories.TutorFactory()
    for _ in range(rows):
        factories.TutorStudentFactory(
            tutor=tutor, student=factories.StudentFactory(), status=TutorStudent.Status.REQUESTED
        )
    response = measure(
        client_for(manager),
        reverse("people:dashboard"),
        django_assert_num_queries,
        MANAGER_DASHBOARD_QUERIES,
    )
    assert response.context["counts"]["pending_requests"] == rows

"""The student list (a tutor's students, or the school's for staff) and a student's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from people.models import TutorStudent
from tests import factories

ACTORS = ("anonymous", "student", "parent", "tutor", "other_tutor", "manager", "admin")


@pytest.fixture
def actor(request, client):
    """Sign in as the named fixture (or stay anonymous); returns (client, user)."""

    def _as(role):
        if role == "anonymous":
            return client, None
        user = request.getfixturevalue("admin_user" if role == "admin" else role)
        client.force_login(user)
        return client, user

    return _as


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


def listed_student_ids(response) -> list[int]:
    rows = response.context["page_obj"].object_list
    if response.context["is_tutor_view"]:
        return [link.student_id for link in rows]
    return [student.pk for student in rows]


def detail_url(student) -> str:
    return reverse("people:student_detail", args=[student.pk])


# --- the list -------------------------------------------------------------------------------

LIST_STATUS = {
    "student": 403,
    "parent": 403,
    "tutor": 200,
    "other_tutor": 200,
    "manager": 200,
    "admin": 200,
}


def test_student_list_sends_anonymous_visitors_to_sign_in(client):
    assert is_login_redirect(client.get(reverse("people:students")))


@pytest.mark.parametrize(("role", "status"), LIST_STATUS.items())
def test_student_list_by_role(actor, student, role, status):
    client, _user = actor(role)
    response = client.get(reverse("people:students"))
    assert response.status_code == status
    if status == 403:
        assert detail_url(student) not in response.text


def test_tutor_sees_only_active_students(client_for, tutor, student, other_tutor):
    level = factories.LevelFactory(code="uni", name="University")
    student.student_profile.level = level
    student.student_profile.grade = "Year 2"
    student.student_profile.save()
    ended = factories.TutorStudentFactory(
        tutor=tutor, student=factories.StudentFactory(), status=TutorStudent.Status.ENDED
    )
    asking = factories.TutorStudentFactory(
        tutor=tutor, student=factories.StudentFactory(), status=TutorStudent.Status.REQUESTED
    )
    theirs = TutorStudent.objects.get(tutor=other_tutor).student
    response = client_for(tutor).get(reverse("people:students"))
    assert listed_student_ids(response) == [student.pk]
    html = response.text
    assert detail_url(student) in html
    assert "University" in html and "Year 2" in html
    for outsider in (ended.student, asking.student, theirs):
        assert detail_url(outsider) not in html


def test_identically_named_students_stay_in_their_tenant(client_for, tutor, other_tutor):
    mine = factories.StudentFactory(first_name="Sam", last_name="Same", email="sam1@example.test")
    theirs = factories.StudentFactory(first_name="Sam", last_name="Same", email="sam2@example.test")
    factories.TutorStudentFactory(tutor=tutor, student=mine)
    factories.TutorStudentFactory(tutor=other_tutor, student=theirs)

    client = client_for(tutor)
    response = client.get(reverse("people:students"), {"q": "Sam Same"})
    assert listed_student_ids(response) == [mine.pk]
    assert detail_url(mine) in response.text
    assert detail_url(theirs) not in response.text
    assert "sam2@example.test" not in response.text
    assert client.get(detail_url(mine)).status_code == 200
    assert client.get(detail_url(theirs)).status_code == 404


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_staff_see_every_student_with_their_tutors(actor, tutor, student, other_tutor, role):
    client, _user = actor(role)
    unlinked = factories.StudentFactory()
    factories.TutorFactory()  # not a student: never listed
    response = client.get(reverse("people:students"))
    theirs = TutorStudent.objects.get(tutor=other_tutor).student
    assert set(listed_student_ids(response)) == {student.pk, theirs.pk, unlinked.pk}
    assert tutor.display_name in response.text and other_tutor.display_name in response.text


def test_staff_search_by_name_and_email(client_for, manager, db):
    ann = factories.StudentFactory(first_name="Ann", last_name="Zed", email="ann@school.test")
    bob = factories.StudentFactory(first_name="Bob", last_name="Zed", email="bob@home.test")
    client = client_for(manager)
    assert listed_student_ids(client.get(reverse("people:students"), {"q": "zed"})) == [
        ann.pk,
        bob.pk,
    ]
    assert listed_student_ids(client.get(reverse("people:students"), {"q": "ann zed"})) == [ann.pk]
    assert listed_student_ids(client.get(reverse("people:students"), {"q": "home.test"})) == [
        bob.pk
    ]
    nothing = client.get(reverse("people:students"), {"q": "nobody"})
    assert listed_student_ids(nothing) == [] and "No student matches" in nothing.text


def test_too_long_search_is_a_form_error_not_a_crash(client_for, manager, student):
    response = client_for(manager).get(reverse("people:students"), {"q": "x" * 101})
    assert response.status_code == 200
    assert "q" in response.context["form"].errors
    assert listed_student_ids(response) == []


def test_list_is_paginated(client_for, tutor, db):
    for n in range(30):
        factories.TutorStudentFactory(
            tutor=tutor, student=factories.StudentFactory(last_name=f"Zz{n:02d}")
        )
    client = client_for(tutor)
    first = client.get(reverse("people:students"))
    assert first.context["page_obj"].paginator.count == 31
    assert len(listed_student_ids(first)) == 25
    second = client.get(reverse("people:students"), {"page": 2, "q": "Zz"})
    assert len(listed_student_ids(second)) == 5
    assert "q=Zz&amp;page=1" in second.text


# --- a student's page ------------------------------------------------------------------------

# The `student` fixture: linked to `tutor`, child of `parent`. 404 means "not yours", the
# same answer as for an id that does not exist.
DETAIL_STATUS = {
    "student": 200,
    "parent": 200,
    "tutor": 200,
    "other_tutor": 404,
    "other_student": 404,
    "other_parent": 404,
    "manager": 200,
    "admin": 200,
}


def test_student_page_sends_anonymous_visitors_to_sign_in(client, student):
    assert is_login_redirect(client.get(detail_url(student)))


@pytest.mark.parametrize(("role", "status"), DETAIL_STATUS.items())
def test_student_page_by_role(actor, student, tutor, parent, role, status):
    client, _user = actor(role)
    response = client.get(detail_url(student))
    assert response.status_code == status
    if status == 200:
        assert response.context["student"] == student
        assert student.email in response.text
    missing = client.get(reverse("people:student_detail", args=[987654321]))
    assert missing.status_code == 404


def test_tutor_page_shows_profile_guardians_own_classrooms_and_end_button(
    client_for, tutor, student, parent, other_tutor
):
    profile = student.student_profile
    profile.level = factories.LevelFactory(code="high", name="High school")
    profile.grade = "Year 10 IB"
    profile.goals = "Pass the exam."
    profile.save()
    mine = factories.ClassroomFactory(tutor=tutor, name="Algebra group")
    factories.ClassroomMembershipFactory(classroom=mine, student=student)
    factories.ClassroomFactory(tutor=tutor, name="Not a member here")
    factories.TutorStudentFactory(tutor=other_tutor, student=student)
    theirs = factories.ClassroomFactory(tutor=other_tutor, name="Other tutor's group")
    factories.ClassroomMembershipFactory(classroom=theirs, student=student)
    link = TutorStudent.objects.get(tutor=tutor, student=student)
    other_link = TutorStudent.objects.get(tutor=other_tutor, student=student)

    response = client_for(tutor).get(detail_url(student))
    html = response.text
    assert "High school" in html and "Year 10 IB" in html and "Pass the exam." in html
    assert parent.email in html
    assert "Algebra group" in html
    assert "Not a member here" not in html and "Other tutor&#x27;s group" not in html
    assert reverse("people:link_end", args=[link.pk]) in html
    assert reverse("people:link_end", args=[other_link.pk]) not in html


def test_staff_page_shows_every_classroom_and_link(
    client_for, manager, tutor, student, other_tutor
):
    factories.TutorStudentFactory(tutor=other_tutor, student=student)
    theirs = factories.ClassroomFactory(tutor=other_tutor, name="Geometry")
    factories.ClassroomMembershipFactory(classroom=theirs, student=student)
    response = client_for(manager).get(detail_url(student))
    for link in TutorStudent.objects.filter(student=student):
        assert reverse("people:link_end", args=[link.pk]) in response.text
    assert "Geometry" in response.text


def test_parent_page_is_read_only_and_hides_guardians(client_for, parent, tutor, student):
    response = client_for(parent).get(detail_url(student))
    assert response.status_code == 200
    assert tutor.display_name in response.text
    link = TutorStudent.objects.get(tutor=tutor, student=student)
    assert reverse("people:link_end", args=[link.pk]) not in response.text
    assert parent.email not in response.text
    assert response.context["guardians"] is None


def test_ended_link_closes_the_student_page(client_for, tutor, student):
    client = client_for(tutor)
    link = TutorStudent.objects.get(tutor=tutor, student=student)
    response = client.post(
        reverse("people:link_end", args=[link.pk]), {"next": reverse("people:students")}
    )
    assert response["Location"] == reverse("people:students")
    assert client.get(detail_url(student)).status_code == 404
    assert listed_student_ids(client.get(reverse("people:students"))) == []


def test_non_numeric_and_non_student_ids_are_404(client_for, manager, tutor):
    client = client_for(manager)
    assert client.get(detail_url(tutor)).status_code == 404
    assert client.get("/students/abc/").status_code == 404

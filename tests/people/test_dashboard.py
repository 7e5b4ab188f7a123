"""The landing page: one dashboard per role, built only from the viewer's own data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from people.models import GuardianshipInvitation, TutorStudent
from tests import factories

DASHBOARD = "/dashboard/"

ROLE_TEMPLATES = {
    "student": "people/dashboard/student.html",
    "other_student": "people/dashboard/student.html",
    "parent": "people/dashboard/parent.html",
    "tutor": "people/dashboard/tutor.html",
    "other_tutor": "people/dashboard/tutor.html",
    "manager": "people/dashboard/manager.html",
    "admin_user": "people/dashboard/admin.html",
}


def test_url_is_the_named_one():
    assert reverse("people:dashboard") == DASHBOARD


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('people:login')}?next={DASHBOARD}"


@pytest.mark.parametrize(("fixture", "template"), ROLE_TEMPLATES.items())
def test_each_role_gets_its_own_page(request, client_for, fixture, template):
    user = request.getfixturevalue(fixture)
    response = client_for(user).get(DASHBOARD)
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert names[0] == template
    others = set(ROLE_TEMPLATES.values()) - {template}
    assert not others & set(names)


def test_dashboard_is_get_only(client_for, student):
    assert client_for(student).post(DASHBOARD).status_code == 405


def test_student_dashboard(client_for, student, tutor, other_tutor, other_student):
    pending = factories.TutorStudentFactory(
        tutor=other_tutor, student=student, status=TutorStudent.Status.REQUESTED
    )
    classroom = factories.ClassroomFactory(tutor=tutor, name="Tuesday group")
    factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    factories.ClassroomFactory(tutor=tutor, name="Not my group")
    inviting = factories.ParentFactory(first_name="Inviting", last_name="Mum")
    invitation = factories.GuardianshipInvitationFactory(parent=inviting, student=student)
    factories.GuardianshipInvitationFactory(
        parent=factories.ParentFactory(first_name="Old", last_name="Answer"),
        student=student,
        status=GuardianshipInvitation.Status.DECLINED,
    )
    # Someone else's data that must not show.
    factories.TutorStudentFactory(
        tutor=other_tutor, student=other_student, status=TutorStudent.Status.REQUESTED
    )

    response = client_for(student).get(DASHBOARD)
    context = response.context
    link = TutorStudent.objects.get(tutor=tutor, student=student)
    assert context["tutors"]["rows"] == [link]
    assert context["pending"]["rows"] == [pending]
    assert context["classrooms"]["rows"] == [classroom]
    assert context["invitations"]["rows"] == [invitation]
    html = response.text
    assert tutor.display_name in html and other_tutor.display_name in html
    assert reverse("people:classroom_detail", args=[classroom.pk]) in html
    assert "Not my group" not in html
    assert "Inviting Mum" in html and "Old Answer" not in html
    assert reverse("people:family") in html


def test_parent_dashboard_lists_children_with_their_tutors(
    client_for, parent, student, tutor, other_parent, other_student, other_tutor
):
    factories.TutorStudentFactory(tutor=other_tutor, student=other_student)
    second_child = factories.StudentFactory(first_name="Second", last_name="Child")
    factories.GuardianshipFactory(parent=parent, student=second_child)
    response = client_for(parent).get(DASHBOARD)
    children = [g.student for g in response.context["children"]["rows"]]
    assert set(children) == {student, second_child}
    html = response.text
    assert tutor.display_name in html
    assert reverse("people:student_detail", args=[student.pk]) in html
    assert reverse("people:student_detail", args=[other_student.pk]) not in html
    assert other_tutor.display_name not in html


def test_tutor_dashboard(client_for, tutor, student, other_tutor):
    asking = [
        factories.TutorStudentFactory(
            tutor=tutor,
            student=factories.StudentFactory(first_name="Asking", last_name=f"N{n}"),
            status=TutorStudent.Status.REQUESTED,
        )
        for n in range(12)
    ]
    factories.TutorStudentFactory(
        tutor=other_tutor,
        student=factories.StudentFactory(first_name="Theirs", last_name="Only"),
        status=TutorStudent.Status.REQUESTED,
    )
    classroom = factories.ClassroomFactory(tutor=tutor, name="Evening group")
    factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    factories.ClassroomFactory(tutor=other_tutor, name="Their group")

    response = client_for(tutor).get(DASHBOARD)
    context = response.context
    assert context["request_count"] == 12
    assert context["requests"]["rows"] == asking[:10] and context["requests"]["more"]
    assert context["student_count"] == 1
    assert context["classrooms"]["rows"] == [classroom]
    html = response.text
    assert 'data-count="requests">12<' in html and 'data-count="students">1<' in html
    assert "Evening group" in html and "Their group" not in html
    assert "Theirs Only" not in html
    assert reverse("wagtailadmin_home") in html
    assert reverse("people:requests") in html


@pytest.mark.parametrize("fixture", ["manager", "admin_user"])
def test_staff_dashboard_counts_the_school(request, client_for, fixture, tutor, other_tutor):
    factories.TutorStudentFactory(
        tutor=tutor, student=factories.StudentFactory(), status=TutorStudent.Status.REQUESTED
    )
    factories.ParentFactory()
    factories.StudentFactory(is_active=False)
    response = client_for(request.getfixturevalue(fixture)).get(DASHBOARD)
    counts = response.context["counts"]
    # students: `student`, other_tutor's student, the asking one (the inactive one is not)
    assert counts["students"] == 3
    assert counts["tutors"] == 2 and counts["listed_tutors"] == 2
    assert counts["parents"] == 1
    assert counts["pending_requests"] == 1 and counts["active_links"] == 2
    html = response.text
    assert 'data-count="students">3<' in html and 'data-count="pending_requests">1<' in html
    assert reverse("wagtailadmin_home") in html
    assert reverse("people:students") in html and reverse("people:requests") in html
    assert 'href="/admin/' in html

"""Tutor requests and links: the services, the request list and the POST-only actions."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from messaging.models import Notification
from people.models import ClassroomMembership, TutorStudent
from people.services import (
    tutor_link_end,
    tutor_request_accept,
    tutor_request_create,
    tutor_request_decline,
    tutor_request_withdraw,
)
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


@pytest.fixture
def asking_student(db):
    return factories.StudentFactory(first_name="Asking", last_name="Student")


@pytest.fixture
def pending(tutor, asking_student):
    """A request `asking_student` sent to `tutor`, not answered yet."""
    return factories.TutorStudentFactory(
        tutor=tutor, student=asking_student, status=TutorStudent.Status.REQUESTED, message="Hi!"
    )


@pytest.fixture
def own_pending(student, db):
    """A request the `student` fixture sent to a second listed tutor."""
    second = factories.ListedTutorFactory(first_name="Second", last_name="Tutor")
    return factories.TutorStudentFactory(
        tutor=second, student=student, status=TutorStudent.Status.REQUESTED
    )


@pytest.fixture
def link(tutor, student):
    """The active link the `tutor` fixture has with `student`."""
    return TutorStudent.objects.get(tutor=tutor, student=student)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


# --- services -------------------------------------------------------------------------------


def test_create_notifies_the_tutor(db):
    tutor = factories.ListedTutorFactory()
    student = factories.StudentFactory()
    link = tutor_request_create(student=student, tutor=tutor, message=" Algebra ")
    assert link.status == TutorStudent.Status.REQUESTED and link.message == "Algebra"
    notification = Notification.objects.get(recipient=tutor)
    assert notification.kind == Notification.Kind.TUTOR_REQUEST_RECEIVED
    assert student.display_name in notification.text


def test_create_refuses_duplicates_and_unlisted_tutors(db):
    tutor = factories.ListedTutorFactory()
    student = factories.StudentFactory()
    tutor_request_create(student=student, tutor=tutor)
    with pytest.raises(ValidationError) as excinfo:
        tutor_request_create(student=student, tutor=tutor)
    assert excinfo.value.code == "duplicate"
    with pytest.raises(PermissionDenied):
        tutor_request_create(student=student, tutor=factories.TutorFactory())
    with pytest.raises(PermissionDenied):
        tutor_request_create(student=factories.ParentFactory(), tutor=tutor)
    assert TutorStudent.objects.count() == 1


def test_accept_activates_and_notifies_the_student(pending, tutor, asking_student):
    link = tutor_request_accept(link=pending, by=tutor)
    assert link.status == TutorStudent.Status.ACTIVE and link.responded_at is not None
    notification = Notification.objects.get(recipient=asking_student)
    assert notification.kind == Notification.Kind.TUTOR_REQUEST_ACCEPTED


def test_decline_notifies_the_student(pending, tutor, asking_student):
    link = tutor_request_decline(link=pending, by=tutor)
    assert link.status == TutorStudent.Status.DECLINED
    notification = Notification.objects.get(recipient=asking_student)
    assert notification.kind == Notification.Kind.TUTOR_REQUEST_DECLINED


def test_second_answer_is_a_conflict_and_changes_nothing(pending, tutor, asking_student):
    first = tutor_request_accept(link=pending, by=tutor)
    pending.refresh_from_db()
    for answer in (tutor_request_accept, tutor_request_decline):
        with pytest.raises(ValidationError) as excinfo:
            answer(link=pending, by=tutor)
        assert excinfo.value.code == "conflict"
    pending.refresh_from_db()
    assert pending.status == TutorStudent.Status.ACTIVE
    assert pending.responded_at == first.responded_at
    assert Notification.objects.filter(recipient=asking_student).count() == 1


def test_stale_copy_answered_meanwhile_is_a_conflict(pending, tutor):
    stale = TutorStudent.objects.get(pk=pending.pk)
    tutor_request_decline(link=pending, by=tutor)
    with pytest.raises(ValidationError) as excinfo:
        tutor_request_accept(link=stale, by=tutor)
    assert excinfo.value.code == "conflict"
    assert TutorStudent.objects.get(pk=pending.pk).status == TutorStudent.Status.DECLINED


def test_only_the_asked_tutor_answers(pending, other_tutor, asking_student, manager):
    for user in (other_tutor, asking_student, manager):
        with pytest.raises(PermissionDenied):
            tutor_request_accept(link=pending, by=user)
    assert TutorStudent.objects.get(pk=pending.pk).status == TutorStudent.Status.REQUESTED


def test_withdraw_by_the_student_only(pending, tutor, asking_student):
    with pytest.raises(PermissionDenied):
        tutor_request_withdraw(link=pending, by=tutor)
    link = tutor_request_withdraw(link=pending, by=asking_student)
    assert link.status == TutorStudent.Status.ENDED and link.ended_by == asking_student
    pending.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        tutor_request_withdraw(link=pending, by=asking_student)
    assert excinfo.value.code == "conflict"


def test_end_removes_classroom_memberships_and_notifies_the_other_side(link, tutor, student):
    classroom = factories.ClassroomFactory(tutor=tutor)
    factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    ended = tutor_link_end(link=link, by=tutor)
    assert ended.status == TutorStudent.Status.ENDED and ended.ended_by == tutor
    assert not ClassroomMembership.objects.filter(classroom=classroom).exists()
    assert Notification.objects.get(recipient=student).kind == Notification.Kind.TUTOR_LINK_ENDED
    assert not Notification.objects.filter(recipient=tutor).exists()
    link.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        tutor_link_end(link=link, by=student)
    assert excinfo.value.code == "conflict"


def test_end_by_outsiders_is_refused(link, other_tutor, parent):
    for user in (other_tutor, parent):
        with pytest.raises(PermissionDenied):
            tutor_link_end(link=link, by=user)
    assert TutorStudent.objects.get(pk=link.pk).status == TutorStudent.Status.ACTIVE


# --- the request list ------------------------------------------------------------------------


def test_request_list_sends_anonymous_visitors_to_sign_in(client):
    assert is_login_redirect(client.get(reverse("people:requests")))


@pytest.mark.parametrize("role", ACTORS[1:])
def test_request_list_answers_every_signed_in_role(actor, pending, role):
    client, _user = actor(role)
    response = client.get(reverse("people:requests"))
    assert response.status_code == 200
    assert response.templates[0].name == "people/requests.html"


def test_tutor_sees_incoming_requests_and_students(client_for, tutor, pending, link):
    response = client_for(tutor).get(reverse("people:requests"))
    assert list(response.context["pending"]["page_obj"]) == [pending]
    assert list(response.context["active"]["page_obj"]) == [link]
    html = response.text
    assert reverse("people:request_accept", args=[pending.pk]) in html
    assert reverse("people:request_decline", args=[pending.pk]) in html
    assert reverse("people:link_end", args=[link.pk]) in html
    assert reverse("people:student_detail", args=[link.student_id]) in html
    assert reverse("people:request_withdraw", args=[pending.pk]) not in html
    assert "Hi!" in html


def test_student_sees_own_requests_and_tutors(client_for, student, link, own_pending, pending):
    response = client_for(student).get(reverse("people:requests"))
    assert list(response.context["pending"]["page_obj"]) == [own_pending]
    assert list(response.context["active"]["page_obj"]) == [link]
    html = response.text
    assert reverse("people:request_withdraw", args=[own_pending.pk]) in html
    assert reverse("people:link_end", args=[link.pk]) in html
    assert reverse("people:request_accept", args=[own_pending.pk]) not in html
    # Someone else's request to the same tutor is not shown.
    assert f'data-link-id="{pending.pk}"' not in html


def test_parent_sees_children_tutors_read_only(client_for, parent, link, own_pending, pending):
    response = client_for(parent).get(reverse("people:requests"))
    assert list(response.context["active"]["page_obj"]) == [link]
    assert list(response.context["pending"]["page_obj"]) == [own_pending]
    html = response.text
    assert link.tutor.display_name in html
    assert "<form" not in html.split('id="pending-heading"', 1)[1].split("</main>")[0]
    assert f'data-link-id="{pending.pk}"' not in html


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_staff_see_the_whole_school_and_may_only_end(actor, link, pending, other_tutor, role):
    client, _user = actor(role)
    response = client.get(reverse("people:requests"))
    other_link = TutorStudent.objects.get(tutor=other_tutor)
    assert list(response.context["pending"]["page_obj"]) == [pending]
    assert set(response.context["active"]["page_obj"]) == {link, other_link}
    html = response.text
    assert reverse("people:link_end", args=[other_link.pk]) in html
    assert reverse("people:request_accept", args=[pending.pk]) not in html


def test_history_lists_ended_and_declined_links_paginated(client_for, tutor, db):
    for n in range(22):
        factories.TutorStudentFactory(
            tutor=tutor,
            student=factories.StudentFactory(last_name=f"Past{n:02d}"),
            status=TutorStudent.Status.DECLINED if n % 2 else TutorStudent.Status.ENDED,
            responded_at=timezone.now(),
        )
    client = client_for(tutor)
    first = client.get(reverse("people:requests"))
    past = first.context["past"]["page_obj"]
    assert past.paginator.count == 22 and len(past.object_list) == 20
    assert "past_page=2" in first.text
    second = client.get(reverse("people:requests"), {"past_page": 2})
    assert len(second.context["past"]["page_obj"].object_list) == 2
    assert "Declined" in first.text and "Ended" in first.text


def test_withdrawn_request_shows_as_withdrawn(client_for, student, own_pending):
    tutor_request_withdraw(link=own_pending, by=student)
    response = client_for(student).get(reverse("people:requests"))
    assert list(response.context["past"]["page_obj"]) == [
        TutorStudent.objects.get(pk=own_pending.pk)
    ]
    assert "Withdrawn" in response.text


def test_identically_named_students_stay_in_their_tenant(client_for, tutor, other_tutor):
    mine = factories.StudentFactory(first_name="Sam", last_name="Same")
    theirs = factories.StudentFactory(first_name="Sam", last_name="Same")
    my_request = factories.TutorStudentFactory(
        tutor=tutor, student=mine, status=TutorStudent.Status.REQUESTED
    )
    their_request = factories.TutorStudentFactory(
        tutor=other_tutor, student=theirs, status=TutorStudent.Status.REQUESTED
    )
    response = client_for(tutor).get(reverse("people:requests"))
    assert list(response.context["pending"]["page_obj"]) == [my_request]
    assert reverse("people:request_accept", args=[my_request.pk]) in response.text
    assert reverse("people:request_accept", args=[their_request.pk]) not in response.text
    assert f'data-link-id="{their_request.pk}"' not in response.text


# --- actions: who may, and what happens ------------------------------------------------------

ACTION_URLS = ("request_accept", "request_decline", "request_withdraw", "link_end")


@pytest.mark.parametrize("name", ACTION_URLS)
def test_actions_are_post_only(client_for, tutor, student, pending, link, name):
    target = link if name == "link_end" else pending
    for user in (tutor, student):
        response = client_for(user).get(reverse(f"people:{name}", args=[target.pk]))
        assert response.status_code == 405
    assert TutorStudent.objects.get(pk=pending.pk).status == TutorStudent.Status.REQUESTED
    assert TutorStudent.objects.get(pk=link.pk).status == TutorStudent.Status.ACTIVE


@pytest.mark.parametrize("name", ACTION_URLS)
def test_actions_need_the_csrf_token(tutor, student, pending, link, name):
    target = link if name == "link_end" else pending
    client = Client(enforce_csrf_checks=True)
    client.force_login(tutor)
    assert client.post(reverse(f"people:{name}", args=[target.pk])).status_code == 403
    assert TutorStudent.objects.get(pk=target.pk).status == target.status


@pytest.mark.parametrize("name", ACTION_URLS)
def test_anonymous_actions_go_to_sign_in(client, pending, link, name):
    target = link if name == "link_end" else pending
    assert is_login_redirect(client.post(reverse(f"people:{name}", args=[target.pk])))
    assert TutorStudent.objects.get(pk=target.pk).status == target.status


# Expected status per actor for each action on the `pending` request (accept, decline,
# withdraw) or the `link` (end). 302 = done; 403 = may see it but may not do it;
# 404 = not theirs (indistinguishable from a missing id).
ACTION_TABLE = {
    "request_accept": {
        "tutor": 302,
        "asking_student": 403,
        "student": 404,
        "parent": 404,
        "other_tutor": 404,
        "manager": 403,
        "admin": 403,
    },
    "request_decline": {
        "tutor": 302,
        "asking_student": 403,
        "student": 404,
        "parent": 404,
        "other_tutor": 404,
        "manager": 403,
        "admin": 403,
    },
    "request_withdraw": {
        "tutor": 403,
        "asking_student": 302,
        "student": 404,
        "parent": 404,
        "other_tutor": 404,
        "manager": 403,
        "admin": 403,
    },
    "link_end": {
        "tutor": 302,
        "student": 302,
        "parent": 403,
        "asking_student": 404,
        "other_tutor": 404,
        "manager": 302,
        "admin": 302,
    },
}
EXPECTED_STATUS = {
    "request_accept": TutorStudent.Status.ACTIVE,
    "request_decline": TutorStudent.Status.DECLINED,
    "request_withdraw": TutorStudent.Status.ENDED,
    "link_end": TutorStudent.Status.ENDED,
}


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, table in ACTION_TABLE.items() for role in table]
)
def test_action_by_role(request, client, pending, link, name, role):
    target = link if name == "link_end" else pending
    user = request.getfixturevalue("admin_user" if role == "admin" else role)
    client.force_login(user)
    response = client.post(reverse(f"people:{name}", args=[target.pk]))
    expected = ACTION_TABLE[name][role]
    assert response.status_code == expected
    status = TutorStudent.objects.get(pk=target.pk).status
    if expected == 302:
        assert response["Location"] == reverse("people:requests")
        assert status == EXPECTED_STATUS[name]
        assert messages_of(response)
    else:
        assert status == target.status
        missing = client.post(reverse(f"people:{name}", args=[987654321]))
        if expected == 404:
            assert missing.status_code == 404


def test_accept_via_view_notifies_and_second_accept_is_a_conflict(
    client_for, tutor, pending, asking_student
):
    client = client_for(tutor)
    url = reverse("people:request_accept", args=[pending.pk])
    first = client.post(url)
    assert first.status_code == 302
    pending.refresh_from_db()
    answered_at = pending.responded_at
    assert pending.status == TutorStudent.Status.ACTIVE
    assert (
        Notification.objects.get(recipient=asking_student).kind
        == Notification.Kind.TUTOR_REQUEST_ACCEPTED
    )

    second = client.post(url)
    assert second.status_code == 302
    assert second["Location"] == reverse("people:requests")
    assert any("already been answered" in m for m in messages_of(second))
    pending.refresh_from_db()
    assert pending.status == TutorStudent.Status.ACTIVE and pending.responded_at == answered_at
    assert Notification.objects.filter(recipient=asking_student).count() == 1

    decline_after = client.post(reverse("people:request_decline", args=[pending.pk]))
    assert any("already been answered" in m for m in messages_of(decline_after))
    assert TutorStudent.objects.get(pk=pending.pk).status == TutorStudent.Status.ACTIVE


def test_decline_via_view_notifies_the_student(client_for, tutor, pending, asking_student):
    client_for(tutor).post(reverse("people:request_decline", args=[pending.pk]))
    assert TutorStudent.objects.get(pk=pending.pk).status == TutorStudent.Status.DECLINED
    assert (
        Notification.objects.get(recipient=asking_student).kind
        == Notification.Kind.TUTOR_REQUEST_DECLINED
    )


def test_ending_twice_is_a_conflict(client_for, tutor, link):
    client = client_for(tutor)
    client.post(reverse("people:link_end", args=[link.pk]))
    again = client.post(reverse("people:link_end", args=[link.pk]))
    assert again.status_code == 302
    assert any("no longer active" in m for m in messages_of(again))


def test_next_is_followed_only_when_local(client_for, tutor, link, pending):
    client = client_for(tutor)
    local = client.post(
        reverse("people:request_decline", args=[pending.pk]), {"next": reverse("people:students")}
    )
    assert local["Location"] == reverse("people:students")
    evil = client.post(
        reverse("people:link_end", args=[link.pk]), {"next": "https://evil.example/phish"}
    )
    assert evil["Location"] == reverse("people:requests")


def test_tutor_cannot_act_on_another_tenants_links(client_for, tutor, other_tutor):
    theirs = factories.TutorStudentFactory(
        tutor=other_tutor, student=factories.StudentFactory(), status=TutorStudent.Status.REQUESTED
    )
    their_active = TutorStudent.objects.get(tutor=other_tutor, status=TutorStudent.Status.ACTIVE)
    client = client_for(tutor)
    for name in ("request_accept", "request_decline"):
        assert client.post(reverse(f"people:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("people:link_end", args=[their_active.pk])).status_code == 404
    assert TutorStudent.objects.get(pk=theirs.pk).status == TutorStudent.Status.REQUESTED
    assert TutorStudent.objects.get(pk=their_active.pk).status == TutorStudent.Status.ACTIVE

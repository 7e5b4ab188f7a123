"""Families: invitation services (who may do what, idempotency, conflicts) and the views."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from messaging.models import Notification
from people.models import Guardianship, GuardianshipInvitation
from people.roles import Role
from people.services.accounts import user_create
from people.services.family import (
    family_invitation_answer,
    family_invitation_cancel,
    family_invitation_send,
)
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "student", "parent", "tutor", "other_tutor", "manager", "admin_user"]
LOGIN_URL = reverse("people:login")
CONFIRMATION = "If a student account uses this e-mail, they will see your invitation."
PENDING = GuardianshipInvitation.Status.PENDING
ACCEPTED = GuardianshipInvitation.Status.ACCEPTED
DECLINED = GuardianshipInvitation.Status.DECLINED
CANCELLED = GuardianshipInvitation.Status.CANCELLED


@pytest.fixture
def child(db):
    """A student not yet linked to `parent`."""
    return factories.StudentFactory(
        email="child@example.test", first_name="Chloe", last_name="Child"
    )


@pytest.fixture
def invitation(parent, child):
    """A pending invitation from `parent` (already guardian of `student`) to `child`."""
    return factories.GuardianshipInvitationFactory(parent=parent, student=child)


@pytest.fixture
def as_role(request, client):
    """as_role("parent") → the test client signed in as that fixture's user."""

    def _as(role):
        if role == "anonymous":
            return client
        client.force_login(request.getfixturevalue(role))
        return client

    return _as


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def status_of(invitation):
    invitation.refresh_from_db()
    return invitation.status


# --- services: send ----------------------------------------------------------------------------


def test_send_creates_a_pending_invitation_and_notifies_the_child(parent, child):
    invitation = family_invitation_send(parent=parent, email="  CHILD@example.test ")
    assert (invitation.parent, invitation.student, invitation.status) == (parent, child, PENDING)
    notification = Notification.objects.get(recipient=child)
    assert notification.kind == Notification.Kind.FAMILY_INVITATION
    assert notification.link == reverse("people:family")
    assert parent.display_name in notification.text


def test_send_is_idempotent_while_pending(parent, child):
    first = family_invitation_send(parent=parent, email=child.email)
    second = family_invitation_send(parent=parent, email=child.email)
    assert first.pk == second.pk
    assert GuardianshipInvitation.objects.filter(parent=parent, student=child).count() == 1
    assert Notification.objects.filter(recipient=child).count() == 1


@pytest.mark.parametrize(
    "email", ["nobody@example.test", "tutor@example.test", "manager@example.test"]
)
def test_send_to_a_non_student_waits_unaddressed(parent, tutor, manager, email):
    """Stored like any invitation (the parent cannot tell), but addressed to nobody."""
    invitation = family_invitation_send(parent=parent, email=email.upper())
    assert invitation.status == PENDING and invitation.email == email
    assert invitation.student is None
    assert not Notification.objects.exists()
    # Nobody can answer it: no student is addressed.
    with pytest.raises(PermissionDenied):
        family_invitation_answer(invitation=invitation, by=tutor, accept=True)


def test_a_student_signing_up_later_receives_the_invitation(parent):
    invitation = family_invitation_send(parent=parent, email="later@example.test")
    assert invitation.student is None
    newcomer = user_create(email="Later@example.test", role=Role.STUDENT, password=None)
    invitation.refresh_from_db()
    assert invitation.student == newcomer
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    family_invitation_answer(invitation=invitation, by=newcomer, accept=True)
    assert Guardianship.objects.filter(parent=parent, student=newcomer).exists()


def test_a_parent_cannot_invite_themselves(parent):
    with pytest.raises(ValidationError):
        family_invitation_send(parent=parent, email=parent.email)
    assert not GuardianshipInvitation.objects.exists()


def test_send_to_an_existing_child_stores_nothing(parent, student):
    assert family_invitation_send(parent=parent, email=student.email) is None
    assert not GuardianshipInvitation.objects.exists()


def test_send_needs_an_email(parent):
    with pytest.raises(ValidationError) as excinfo:
        family_invitation_send(parent=parent, email="  ")
    assert "email" in excinfo.value.message_dict


@pytest.mark.parametrize("role", ["student", "tutor", "manager", "admin_user"])
def test_only_parents_send(request, role, child):
    with pytest.raises(PermissionDenied):
        family_invitation_send(parent=request.getfixturevalue(role), email=child.email)
    assert not GuardianshipInvitation.objects.exists()


def test_a_declined_child_may_be_invited_again(parent, child):
    first = family_invitation_send(parent=parent, email=child.email)
    family_invitation_answer(invitation=first, by=child, accept=False)
    second = family_invitation_send(parent=parent, email=child.email)
    assert second.pk != first.pk and second.status == PENDING


# --- services: answer and cancel ----------------------------------------------------------------


def test_accept_creates_the_guardianship_and_notifies_the_parent(invitation, parent, child):
    answered = family_invitation_answer(invitation=invitation, by=child, accept=True)
    assert answered.status == ACCEPTED and answered.responded_at is not None
    assert Guardianship.objects.filter(parent=parent, student=child, created_by=child).exists()
    notification = Notification.objects.get(recipient=parent)
    assert notification.kind == Notification.Kind.FAMILY_LINKED
    assert "Chloe Child" in notification.text
    assert notification.link == reverse("people:family")


def test_decline_creates_nothing(invitation, parent, child):
    family_invitation_answer(invitation=invitation, by=child, accept=False)
    assert status_of(invitation) == DECLINED
    assert not Guardianship.objects.filter(parent=parent, student=child).exists()
    assert not Notification.objects.filter(recipient=parent).exists()


@pytest.mark.parametrize("role", ["parent", "student", "other_student", "tutor", "admin_user"])
def test_only_the_invited_child_answers(request, invitation, role):
    with pytest.raises(PermissionDenied):
        family_invitation_answer(
            invitation=invitation, by=request.getfixturevalue(role), accept=True
        )
    assert status_of(invitation) == PENDING
    assert not Guardianship.objects.filter(student=invitation.student).exists()


@pytest.mark.parametrize("accept", [True, False])
def test_answering_twice_is_a_conflict(invitation, parent, child, accept):
    family_invitation_answer(invitation=invitation, by=child, accept=accept)
    with pytest.raises(ValidationError) as excinfo:
        family_invitation_answer(invitation=invitation, by=child, accept=not accept)
    assert excinfo.value.code == "conflict"
    assert status_of(invitation) == (ACCEPTED if accept else DECLINED)
    assert Guardianship.objects.filter(parent=parent, student=child).exists() == accept


def test_a_stale_copy_cannot_answer_twice(invitation, child):
    stale = GuardianshipInvitation.objects.get(pk=invitation.pk)
    family_invitation_answer(invitation=invitation, by=child, accept=False)
    with pytest.raises(ValidationError) as excinfo:
        family_invitation_answer(invitation=stale, by=child, accept=True)
    assert excinfo.value.code == "conflict"
    assert status_of(invitation) == DECLINED
    assert not Guardianship.objects.filter(student=child).exists()


def test_accepting_a_cancelled_invitation_is_a_conflict(invitation, parent, child):
    family_invitation_cancel(invitation=invitation, by=parent)
    with pytest.raises(ValidationError) as excinfo:
        family_invitation_answer(invitation=invitation, by=child, accept=True)
    assert excinfo.value.code == "conflict"
    assert status_of(invitation) == CANCELLED
    assert not Guardianship.objects.filter(student=child).exists()


def test_cancel_by_the_sender(invitation, parent):
    family_invitation_cancel(invitation=invitation, by=parent)
    assert status_of(invitation) == CANCELLED
    with pytest.raises(ValidationError) as excinfo:
        family_invitation_cancel(invitation=invitation, by=parent)
    assert excinfo.value.code == "conflict"


@pytest.mark.parametrize("role", ["child", "other_parent", "tutor", "admin_user"])
def test_only_the_sender_cancels(request, invitation, role):
    with pytest.raises(PermissionDenied):
        family_invitation_cancel(invitation=invitation, by=request.getfixturevalue(role))
    assert status_of(invitation) == PENDING


# --- views: /family/ ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_family_page_by_role(as_role, role):
    response = as_role(role).get(reverse("people:family"))
    if role == "anonymous":
        assert_login_redirect(response)
    elif role in ("parent", "student"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_parent_page_shows_children_invitations_and_form(client_for, parent, student, child):
    pending = factories.GuardianshipInvitationFactory(parent=parent, student=child)
    declined_child = factories.StudentFactory(email="declined@example.test")
    factories.GuardianshipInvitationFactory(parent=parent, student=declined_child, status=DECLINED)
    response = client_for(parent).get(reverse("people:family"))
    html = response.content.decode()
    assert student.display_name in html
    assert reverse("people:student_detail", args=[student.pk]) in html
    assert "child@example.test" in html and "Pending" in html
    assert "declined@example.test" in html and "Declined" in html
    assert reverse("people:family_invitation_cancel", args=[pending.pk]) in html
    assert html.count("/cancel/") == 1  # only the pending one can be cancelled
    assert f'action="{reverse("people:family_invite")}"' in html
    assert 'name="email"' in html


def test_parent_page_shows_only_own_invitations(client_for, parent, other_parent, child):
    factories.GuardianshipInvitationFactory(parent=other_parent, student=child)
    response = client_for(parent).get(reverse("people:family"))
    assert "child@example.test" not in response.content.decode()
    assert list(response.context["invitations"]) == []


def test_student_page_shows_pending_invitations_and_guardians(
    client_for, student, parent, other_parent
):
    invitation = factories.GuardianshipInvitationFactory(parent=other_parent, student=student)
    factories.GuardianshipInvitationFactory(
        parent=factories.ParentFactory(first_name="Old", last_name="Answer"),
        student=student,
        status=DECLINED,
    )
    response = client_for(student).get(reverse("people:family"))
    html = response.content.decode()
    assert list(response.context["invitations"]) == [invitation]
    assert other_parent.email in html
    assert reverse("people:family_invitation_accept", args=[invitation.pk]) in html
    assert reverse("people:family_invitation_decline", args=[invitation.pk]) in html
    assert [g.parent for g in response.context["guardians"]] == [parent]
    assert parent.display_name in html
    assert "Old Answer" not in html


def test_sent_invitations_are_paginated(client_for, parent):
    for _ in range(23):
        factories.GuardianshipInvitationFactory(parent=parent)
    client = client_for(parent)
    first = client.get(reverse("people:family"))
    second = client.get(reverse("people:family"), {"page": 2})
    assert len(first.context["invitations"]) == 20
    assert len(second.context["invitations"]) == 3
    assert 'rel="next"' in first.content.decode()


def test_pending_invitations_are_paginated(client_for, student):
    for _ in range(21):
        factories.GuardianshipInvitationFactory(student=student)
    response = client_for(student).get(reverse("people:family"), {"page": 2})
    assert len(response.context["invitations"]) == 1


@pytest.mark.parametrize("role", ["parent", "student"])
def test_family_page_query_count_does_not_grow(
    request, client_for, role, django_assert_num_queries
):
    user = request.getfixturevalue(role)
    client = client_for(user)
    # session, user, children or guardians, invitation count, page of invitations,
    # unread badge, the Wagtail user bar's permission checks (user, group)
    expected = 8
    for count in (2, 15):
        while GuardianshipInvitation.objects.count() < count:
            if role == "parent":
                factories.GuardianshipInvitationFactory(parent=user)
                factories.GuardianshipFactory(parent=user)
            else:
                factories.GuardianshipInvitationFactory(student=user)
                factories.GuardianshipFactory(student=user)
        with django_assert_num_queries(expected):
            assert client.get(reverse("people:family")).status_code == 200


# --- views: invite --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_invite_by_role(as_role, role, child):
    response = as_role(role).post(reverse("people:family_invite"), {"email": child.email})
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "parent":
        assert response.status_code == 302
        assert response["Location"] == reverse("people:family")
        assert GuardianshipInvitation.objects.filter(student=child, status=PENDING).exists()
        return
    else:
        assert response.status_code == 403
    assert not GuardianshipInvitation.objects.exists()


def test_invite_answer_is_identical_for_known_and_unknown_emails(parent, child):
    def invite(email):
        client = Client()  # a fresh session each time, so no message carries over
        client.force_login(parent)
        response = client.post(reverse("people:family_invite"), {"email": email})
        return response, messages_of(response)

    known, known_messages = invite(child.email)
    unknown, unknown_messages = invite("ghost@example.test")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("people:family")
    assert known.content == unknown.content
    assert dict(known.headers) == dict(unknown.headers)
    assert known_messages == unknown_messages == [CONFIRMATION]
    # Both are stored the same way; only the real student is addressed (and notified).
    stored = dict(GuardianshipInvitation.objects.values_list("email", "student__email"))
    assert stored == {child.email: child.email, "ghost@example.test": None}
    # The parent's list shows both alike.
    page = Client()
    page.force_login(parent)
    listing = page.get(reverse("people:family")).content.decode()
    assert child.email in listing and "ghost@example.test" in listing


def test_invite_confirmation_is_shown_on_the_page(client_for, parent):
    response = client_for(parent).post(
        reverse("people:family_invite"), {"email": "ghost@example.test"}, follow=True
    )
    assert response.status_code == 200
    assert CONFIRMATION in response.content.decode()


def test_invite_a_malformed_email_is_a_form_error(client_for, parent):
    response = client_for(parent).post(reverse("people:family_invite"), {"email": "not-an-email"})
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert CONFIRMATION not in response.content.decode()
    assert not GuardianshipInvitation.objects.exists()


def test_invite_get_is_not_allowed(client_for, parent):
    assert client_for(parent).get(reverse("people:family_invite")).status_code == 405


def test_invite_needs_a_csrf_token(parent, child):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)
    response = client.post(reverse("people:family_invite"), {"email": child.email})
    assert response.status_code == 403
    assert not GuardianshipInvitation.objects.exists()


# --- views: accept, decline, cancel ---------------------------------------------------------------


def _url(action, invitation):
    return reverse(f"people:family_invitation_{action}", args=[invitation.pk])


@pytest.mark.parametrize("role", [*ROLES, "child", "other_parent", "other_student"])
def test_accept_by_role(as_role, role, invitation, parent, child):
    response = as_role(role).post(_url("accept", invitation))
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "child":
        assert response.status_code == 302
        assert status_of(invitation) == ACCEPTED
        assert Guardianship.objects.filter(parent=parent, student=child).exists()
        assert Notification.objects.filter(
            recipient=parent, kind=Notification.Kind.FAMILY_LINKED
        ).exists()
        return
    else:
        # The sending parent sees the invitation but may not answer it (403); people who
        # are no party to it get 404; staff and tutors are stopped at the door (403).
        expected = {"other_parent": 404, "other_student": 404, "student": 404}.get(role, 403)
        assert response.status_code == expected
    assert status_of(invitation) == PENDING
    assert not Guardianship.objects.filter(student=child).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.FAMILY_LINKED).exists()


@pytest.mark.parametrize("role", [*ROLES, "child", "other_parent"])
def test_decline_by_role(as_role, role, invitation, child):
    response = as_role(role).post(_url("decline", invitation))
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "child":
        assert response.status_code == 302
        assert status_of(invitation) == DECLINED
        assert not Guardianship.objects.filter(student=child).exists()
        return
    else:
        expected = {"other_parent": 404, "student": 404}.get(role, 403)
        assert response.status_code == expected
    assert status_of(invitation) == PENDING


@pytest.mark.parametrize("role", [*ROLES, "child", "other_parent"])
def test_cancel_by_role(as_role, role, invitation):
    response = as_role(role).post(_url("cancel", invitation))
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "parent":
        assert response.status_code == 302
        assert status_of(invitation) == CANCELLED
        return
    else:
        # The invited child sees it but may not cancel it (403).
        expected = {"other_parent": 404, "student": 404}.get(role, 403)
        assert response.status_code == expected
    assert status_of(invitation) == PENDING


@pytest.mark.parametrize("action", ["accept", "decline", "cancel"])
def test_invitation_actions_refuse_get(client_for, invitation, child, parent, action):
    user = parent if action == "cancel" else child
    assert client_for(user).get(_url(action, invitation)).status_code == 405
    assert status_of(invitation) == PENDING


def test_accept_missing_invitation_is_404(client_for, child):
    url = reverse("people:family_invitation_accept", args=[999999])
    assert client_for(child).post(url).status_code == 404


@pytest.mark.parametrize(("first", "second"), [("accept", "decline"), ("decline", "accept")])
def test_answering_twice_shows_a_conflict(client_for, invitation, parent, child, first, second):
    client = client_for(child)
    assert client.post(_url(first, invitation)).status_code == 302
    response = client.post(_url(second, invitation))
    assert response.status_code == 409
    assert "This invitation has already been answered." in response.content.decode()
    assert status_of(invitation) == (ACCEPTED if first == "accept" else DECLINED)
    assert Guardianship.objects.filter(parent=parent, student=child).exists() == (first == "accept")


def test_accepting_after_the_parent_cancelled_is_a_conflict(client_for, invitation, parent, child):
    assert client_for(parent).post(_url("cancel", invitation)).status_code == 302
    response = client_for(child).post(_url("accept", invitation))
    assert response.status_code == 409
    assert "This invitation has already been answered." in response.content.decode()
    assert status_of(invitation) == CANCELLED
    assert not Guardianship.objects.filter(student=child).exists()


def test_cancelling_twice_is_a_conflict(client_for, invitation, parent):
    client = client_for(parent)
    assert client.post(_url("cancel", invitation)).status_code == 302
    response = client.post(_url("cancel", invitation))
    assert response.status_code == 409
    assert status_of(invitation) == CANCELLED


def test_accept_shows_the_new_guardian(client_for, invitation, parent, child):
    response = client_for(child).post(_url("accept", invitation), follow=True)
    assert response.status_code == 200
    assert [g.parent for g in response.context["guardians"]] == [parent]
    assert list(response.context["invitations"]) == []


def test_accept_needs_a_csrf_token(invitation, child):
    client = Client(enforce_csrf_checks=True)
    client.force_login(child)
    assert client.post(_url("accept", invitation)).status_code == 403
    assert status_of(invitation) == PENDING

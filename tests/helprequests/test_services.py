"""Every step of the help-request state machine, by every role, in every state."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from courses.helprequests import services
from courses.helprequests.models import (
    HelpRequest,
    HelpRequestEvent,
    HelpRequestFile,
    HelpRequestTutor,
)
from courses.helprequests.permissions import help_requests_visible_to
from courses.helprequests.selectors import (
    help_request_counts,
    new_requests_for_staff,
    requests_awaiting_answer,
    requests_for_family,
    requests_for_tutor,
    requests_ready_for_billing,
)
from messaging.models import Notification
from tests import factories

from .conftest import PDF_BYTES, upload

Status = HelpRequest.Status
Kind = Notification.Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(student, parent, tutor, helper, manager, admin_user, other_tutor, other_parent):
    return {
        "student": student,
        "parent": parent,
        "tutor": tutor,
        "helper": helper,
        "manager": manager,
        "admin": admin_user,
        "other_tutor": other_tutor,
        "other_parent": other_parent,
        "unrelated_student": factories.StudentFactory(email="unrelated@example.test"),
    }


def _step(name, help_request, by, people):
    """Take step `name` with valid input."""
    if name == "cancel":
        return services.help_request_cancel(help_request=help_request, by=by)
    if name == "assign":
        return services.help_request_assign(
            help_request=help_request, by=by, primary_tutor=people["tutor"]
        )
    if name == "accept":
        return services.help_request_accept(help_request=help_request, by=by)
    if name == "decline":
        return services.help_request_decline(help_request=help_request, by=by, reason="Busy.")
    if name == "deliver":
        return services.help_request_deliver(help_request=help_request, by=by, note="Done.")
    if name == "complete":
        return services.help_request_complete(help_request=help_request, by=by)
    if name == "changes":
        return services.help_request_ask_changes(help_request=help_request, by=by, note="More.")
    if name == "close":
        return services.help_request_close(
            help_request=help_request,
            by=by,
            hours=Decimal("2"),
            price=Decimal("60"),
            currency="EUR",
        )
    raise AssertionError(name)


#: step → (the states it is legal in, the roles that may take it, the state it leads to)
STEPS = {
    "cancel": ({Status.NEW, Status.ASSIGNED}, {"student"}, Status.CANCELLED),
    "assign": ({Status.NEW, Status.ASSIGNED}, {"manager", "admin"}, Status.ASSIGNED),
    "accept": ({Status.ASSIGNED}, {"tutor"}, Status.ACCEPTED),
    "decline": ({Status.ASSIGNED}, {"tutor"}, Status.NEW),
    "deliver": (
        {Status.ACCEPTED, Status.CHANGES_REQUESTED},
        {"tutor", "helper"},
        Status.DELIVERED,
    ),
    "complete": ({Status.DELIVERED}, {"student"}, Status.COMPLETED),
    "changes": ({Status.DELIVERED}, {"student"}, Status.CHANGES_REQUESTED),
    "close": ({Status.COMPLETED}, {"manager", "admin"}, Status.CLOSED),
}
ACTORS = (
    "student",
    "parent",
    "tutor",
    "helper",
    "manager",
    "admin",
    "other_tutor",
    "other_parent",
    "unrelated_student",
)
TUTOR_STEPS = {"accept", "decline", "deliver"}


def _snapshot(help_request):
    fresh = HelpRequest.objects.get(pk=help_request.pk)
    return (
        fresh.status,
        fresh.primary_tutor_id,
        fresh.updated_at,
        HelpRequestEvent.objects.filter(request=fresh).count(),
        HelpRequestTutor.objects.filter(request=fresh).count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(
    ("step", "actor"),
    [(step, actor) for step, (_s, allowed, _t) in STEPS.items() for actor in sorted(allowed)],
)
def test_allowed_roles_take_the_step_in_a_legal_state(request_in, people, step, actor):
    legal, _allowed, target = STEPS[step]
    for state in sorted(legal):
        help_request = request_in(state)
        before = HelpRequestEvent.objects.filter(request=help_request).count()
        result = _step(step, help_request, people[actor], people)
        fresh = HelpRequest.objects.get(pk=help_request.pk)
        assert result.status == fresh.status == target
        event = HelpRequestEvent.objects.filter(request=fresh).order_by("-at", "-pk").first()
        assert HelpRequestEvent.objects.filter(request=fresh).count() == before + 1
        assert (event.from_status, event.to_status, event.actor) == (state, target, people[actor])


@pytest.mark.parametrize(
    ("step", "actor"),
    [
        (step, actor)
        for step, (_s, allowed, _t) in STEPS.items()
        for actor in ACTORS
        if actor not in allowed
    ],
)
def test_other_roles_are_refused_and_nothing_changes(request_in, people, step, actor):
    legal, _allowed, _target = STEPS[step]
    help_request = request_in(sorted(legal)[0])
    before = _snapshot(help_request)
    with pytest.raises(PermissionDenied):
        _step(step, help_request, people[actor], people)
    assert _snapshot(help_request) == before


@pytest.mark.parametrize(
    ("step", "state"),
    [
        (step, state)
        for step, (legal, _a, _t) in STEPS.items()
        for state in Status
        if state not in legal
    ],
)
def test_illegal_transitions_raise_a_clear_error_and_change_nothing(
    request_in, people, step, state
):
    _legal, allowed, _target = STEPS[step]
    help_request = request_in(state)
    before = _snapshot(help_request)
    actor = people[sorted(allowed)[0]]
    if step in TUTOR_STEPS and state in (Status.NEW, Status.CANCELLED):
        # Nobody is assigned: the tutor is not the request's tutor at all.
        with pytest.raises(PermissionDenied):
            _step(step, help_request, actor, people)
    else:
        with pytest.raises(ValidationError) as caught:
            _step(step, help_request, actor, people)
        assert caught.value.code == "conflict"
        assert str(state.label) in " ".join(caught.value.messages)
    assert _snapshot(help_request) == before


def test_the_whole_way_is_kept_as_history(request_in, people):
    help_request = request_in(Status.CHANGES_REQUESTED)
    services.help_request_deliver(help_request=help_request, by=people["helper"], note="v2")
    services.help_request_complete(help_request=help_request, by=people["student"], note="Thanks")
    services.help_request_close(
        help_request=help_request,
        by=people["admin"],
        hours=Decimal("2.25"),
        price=Decimal("67.50"),
        currency="GBP",
        note="Invoice with the March lessons.",
    )
    rows = list(
        HelpRequestEvent.objects.filter(request=help_request)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "actor__email")
    )
    assert rows == [
        ("", "new", "student@example.test"),
        ("new", "assigned", "manager@example.test"),
        ("assigned", "accepted", "tutor@example.test"),
        ("accepted", "delivered", "tutor@example.test"),
        ("delivered", "changes_requested", "student@example.test"),
        ("changes_requested", "delivered", "helper@example.test"),
        ("delivered", "completed", "student@example.test"),
        ("completed", "closed", "admin@example.test"),
    ]
    closed = HelpRequest.objects.get(pk=help_request.pk)
    assert (closed.hours, closed.price, closed.currency) == (
        Decimal("2.25"),
        Decimal("67.50"),
        "GBP",
    )
    assert closed.closed_at is not None and closed.is_ready_for_billing
    assert list(requests_ready_for_billing()) == [closed]
    closed.billed_at = timezone.now()
    closed.save()
    assert list(requests_ready_for_billing()) == []


def test_decline_returns_the_request_to_new_and_keeps_the_reason(request_in, people):
    help_request = request_in(Status.ASSIGNED)
    services.help_request_decline(
        help_request=help_request, by=people["tutor"], reason="I am away that week."
    )
    fresh = HelpRequest.objects.get(pk=help_request.pk)
    assert fresh.status == Status.NEW
    assert fresh.primary_tutor is None
    assert fresh.decline_reason == "I am away that week."
    assert not HelpRequestTutor.objects.filter(request=fresh).exists()
    assert fresh.events.last().note == "I am away that week."
    # No longer assigned: the tutor and the helper lose sight of it.
    assert not help_requests_visible_to(people["tutor"]).filter(pk=fresh.pk).exists()
    assert not help_requests_visible_to(people["helper"]).filter(pk=fresh.pk).exists()
    # A manager assigns someone else.
    services.help_request_assign(
        help_request=fresh, by=people["manager"], primary_tutor=people["other_tutor"]
    )
    assert HelpRequest.objects.get(pk=fresh.pk).primary_tutor == people["other_tutor"]


def test_reassigning_replaces_the_team(request_in, people):
    help_request = request_in(Status.ASSIGNED)
    services.help_request_assign(
        help_request=help_request, by=people["admin"], primary_tutor=people["helper"]
    )
    team = set(
        HelpRequestTutor.objects.filter(request=help_request).values_list("tutor__email", "role")
    )
    assert team == {("helper@example.test", "primary")}


def test_a_step_taken_twice_is_a_conflict(request_in, people):
    help_request = request_in(Status.ASSIGNED)
    stale = HelpRequest.objects.get(pk=help_request.pk)
    services.help_request_accept(help_request=help_request, by=people["tutor"])
    with pytest.raises(ValidationError) as caught:
        services.help_request_accept(help_request=stale, by=people["tutor"])
    assert caught.value.code == "conflict"


def test_a_replaced_primary_tutor_can_no_longer_answer(request_in, people):
    help_request = request_in(Status.ASSIGNED)
    stale = HelpRequest.objects.get(pk=help_request.pk)
    services.help_request_assign(
        help_request=help_request, by=people["manager"], primary_tutor=people["helper"]
    )
    # Checked against the locked row, not the caller's stale copy.
    with pytest.raises(PermissionDenied):
        services.help_request_accept(help_request=stale, by=people["tutor"])
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ASSIGNED


# --- who may ask --------------------------------------------------------------------------


def test_a_parent_asks_for_their_child_and_reviews_the_delivery(
    make_request, people, student, parent
):
    help_request = make_request(by=parent, for_student=student)
    assert (help_request.student, help_request.created_by) == (student, parent)
    services.help_request_assign(
        help_request=help_request, by=people["manager"], primary_tutor=people["tutor"]
    )
    services.help_request_accept(help_request=help_request, by=people["tutor"])
    Notification.objects.all().delete()
    services.help_request_deliver(help_request=help_request, by=people["tutor"], note="Done")
    delivered_to = set(
        Notification.objects.filter(kind=Kind.HELP_DELIVERED).values_list(
            "recipient__email", flat=True
        )
    )
    assert delivered_to == {"student@example.test", "parent@example.test"}
    services.help_request_complete(help_request=help_request, by=parent)
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.COMPLETED


def test_a_parent_whose_guardianship_was_removed_is_no_longer_a_requester(
    make_request, people, student, parent
):
    from courses.helprequests.permissions import can_cancel, can_review_delivery, is_requester
    from people.models import Guardianship

    help_request = make_request(by=parent, for_student=student)
    assert is_requester(parent, help_request)
    Guardianship.objects.filter(parent=parent, student=student).delete()
    assert not is_requester(parent, help_request)
    assert not can_cancel(parent, help_request) and not can_review_delivery(parent, help_request)
    assert is_requester(student, help_request)
    with pytest.raises(PermissionDenied):
        services.help_request_cancel(help_request=help_request, by=parent)
    services.help_request_assign(
        help_request=help_request, by=people["manager"], primary_tutor=people["tutor"]
    )
    Notification.objects.all().delete()
    services.help_request_accept(help_request=help_request, by=people["tutor"])
    services.help_request_deliver(help_request=help_request, by=people["tutor"], note="Done")
    with pytest.raises(PermissionDenied):
        services.help_request_complete(help_request=help_request, by=parent)
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert "student@example.test" in told and "parent@example.test" not in told


def test_a_parent_who_did_not_ask_cannot_review_or_cancel(make_request, people):
    help_request = make_request()  # asked by the student
    with pytest.raises(PermissionDenied):
        services.help_request_cancel(help_request=help_request, by=people["parent"])


@pytest.mark.parametrize("actor", ["other_parent", "unrelated_student", "tutor", "manager"])
def test_nobody_else_asks_for_a_student(make_request, people, actor):
    with pytest.raises(PermissionDenied):
        make_request(by=people[actor])
    assert not HelpRequest.objects.exists()


def test_request_input_is_checked(make_request):
    with pytest.raises(ValidationError) as caught:
        make_request(deadline=timezone.now() - timedelta(minutes=1))
    assert "deadline" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_request(title="   ")
    assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError):
        make_request(kind="gossip")
    assert not HelpRequest.objects.exists()
    assert not HelpRequestEvent.objects.exists()


def test_brief_files_are_stored_with_the_request(make_request):
    help_request = make_request(uploads=[upload("task.pdf", PDF_BYTES), upload()])
    files = list(help_request.files.order_by("pk"))
    assert [(f.original_name, f.content_type, f.purpose) for f in files] == [
        ("task.pdf", "application/pdf", HelpRequestFile.Purpose.BRIEF),
        ("notes.txt", "text/plain", HelpRequestFile.Purpose.BRIEF),
    ]
    assert all(default_storage.exists(f.file.name) for f in files)
    assert files[0].event == help_request.events.get()


def test_a_refused_file_stops_the_whole_request(make_request):
    with pytest.raises(ValidationError):
        make_request(uploads=[upload(), upload("x.pdf", b"<!DOCTYPE html><p>hi</p>")])
    assert not HelpRequest.objects.exists()
    assert not HelpRequestFile.objects.exists()


def test_stored_files_are_removed_when_the_write_fails(request_in, people, monkeypatch):
    help_request = request_in(Status.ACCEPTED)
    stored = []
    real_store = services.file_policy.store

    def store_and_remember(checked):
        name = real_store(checked)
        stored.append(name)
        return name

    def broken_notify(**kwargs):
        raise RuntimeError("notifications are down")

    monkeypatch.setattr(services.file_policy, "store", store_and_remember)
    monkeypatch.setattr(services, "notify", broken_notify)
    with pytest.raises(RuntimeError):
        services.help_request_deliver(
            help_request=help_request, by=people["tutor"], uploads=[upload()]
        )
    assert stored and not any(default_storage.exists(name) for name in stored)
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ACCEPTED
    assert not HelpRequestFile.objects.filter(purpose="delivery").exists()


# --- input of the staff and tutor steps -------------------------------------------------------


def test_assignment_needs_active_tutors(request_in, people):
    help_request = request_in(Status.NEW)
    for primary in (people["student"], people["manager"]):
        with pytest.raises(ValidationError) as caught:
            services.help_request_assign(
                help_request=help_request, by=people["manager"], primary_tutor=primary
            )
        assert "primary_tutor" in caught.value.message_dict
    inactive = factories.TutorFactory(is_active=False)
    with pytest.raises(ValidationError):
        services.help_request_assign(
            help_request=help_request, by=people["manager"], primary_tutor=inactive
        )
    with pytest.raises(ValidationError) as caught:
        services.help_request_assign(
            help_request=help_request,
            by=people["manager"],
            primary_tutor=people["tutor"],
            helpers=[people["parent"]],
        )
    assert "helpers" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.help_request_assign(
            help_request=help_request,
            by=people["manager"],
            primary_tutor=people["tutor"],
            helpers=[people["tutor"]],
        )
    assert "helpers" in caught.value.message_dict
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEW


def test_notes_are_required_where_they_explain_a_step(request_in, people):
    assigned = request_in(Status.ASSIGNED)
    with pytest.raises(ValidationError) as caught:
        services.help_request_decline(help_request=assigned, by=people["tutor"], reason=" ")
    assert "reason" in caught.value.message_dict
    accepted = request_in(Status.ACCEPTED)
    with pytest.raises(ValidationError) as caught:
        services.help_request_deliver(help_request=accepted, by=people["tutor"])
    assert "note" in caught.value.message_dict
    delivered = request_in(Status.DELIVERED)
    with pytest.raises(ValidationError):
        services.help_request_ask_changes(help_request=delivered, by=people["student"], note="")
    for request_, status in (
        (assigned, "assigned"),
        (accepted, "accepted"),
        (delivered, "delivered"),
    ):
        assert HelpRequest.objects.get(pk=request_.pk).status == status


@pytest.mark.parametrize(
    ("hours", "price", "currency", "field"),
    [
        (Decimal("0"), Decimal("10"), "EUR", "hours"),
        (Decimal("-1"), Decimal("10"), "EUR", "hours"),
        (None, Decimal("10"), "EUR", "hours"),
        (Decimal("1"), Decimal("-0.01"), "EUR", "price"),
        (Decimal("1"), None, "EUR", "price"),
        (Decimal("1"), Decimal("10"), "XXX", "currency"),
    ],
)
def test_closing_needs_hours_and_price(request_in, people, hours, price, currency, field):
    help_request = request_in(Status.COMPLETED)
    with pytest.raises(ValidationError) as caught:
        services.help_request_close(
            help_request=help_request,
            by=people["manager"],
            hours=hours,
            price=price,
            currency=currency,
        )
    assert field in caught.value.message_dict
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.COMPLETED


# --- notifications ------------------------------------------------------------------------------


def _recipients(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_each_step_notifies_the_next_person(make_request, people, django_assert_num_queries):
    second_manager = factories.ManagerFactory(email="manager2@example.test")
    factories.ManagerFactory(email="gone@example.test", is_active=False)
    help_request = make_request()
    assert _recipients(Kind.HELP_REQUESTED) == [
        "manager2@example.test",
        "manager@example.test",
    ]
    with django_assert_num_queries(1):
        assert {m.pk for m in services._managers()} == {people["manager"].pk, second_manager.pk}

    services.help_request_assign(
        help_request=help_request,
        by=people["manager"],
        primary_tutor=people["tutor"],
        helpers=[people["helper"]],
    )
    assert _recipients(Kind.HELP_ASSIGNED) == ["helper@example.test", "tutor@example.test"]

    services.help_request_accept(help_request=help_request, by=people["tutor"])
    assert _recipients(Kind.HELP_ACCEPTED) == ["student@example.test"]

    services.help_request_deliver(help_request=help_request, by=people["helper"], note="Here")
    assert _recipients(Kind.HELP_DELIVERED) == ["student@example.test"]

    services.help_request_ask_changes(help_request=help_request, by=people["student"], note="?")
    assert _recipients(Kind.HELP_CHANGES) == ["helper@example.test", "tutor@example.test"]

    services.help_request_deliver(help_request=help_request, by=people["tutor"], note="v2")
    Notification.objects.filter(kind=Kind.HELP_ACCEPTED).delete()
    services.help_request_complete(help_request=help_request, by=people["student"])
    assert _recipients(Kind.HELP_ACCEPTED) == [
        "helper@example.test",
        "manager2@example.test",
        "manager@example.test",
        "tutor@example.test",
    ]

    services.help_request_close(
        help_request=help_request,
        by=people["manager"],
        hours=Decimal("1"),
        price=Decimal("30"),
        currency="EUR",
    )
    assert _recipients(Kind.HELP_CLOSED) == ["student@example.test", "tutor@example.test"]
    link = help_request.get_absolute_url()
    assert set(Notification.objects.values_list("link", flat=True)) == {link}
    # Nobody outside the request heard of it.
    assert not Notification.objects.filter(
        recipient__in=[people["other_tutor"], people["other_parent"], people["admin"]]
    ).exists()


def test_a_decline_notifies_the_managers_and_a_cancel_the_tutor(request_in, people):
    declined = request_in(Status.ASSIGNED)
    services.help_request_decline(help_request=declined, by=people["tutor"], reason="Ill.")
    assert _recipients(Kind.HELP_DECLINED) == ["manager@example.test"]
    assert "Ill." in Notification.objects.get(kind=Kind.HELP_DECLINED).text
    cancelled = request_in(Status.ASSIGNED)
    services.help_request_cancel(help_request=cancelled, by=people["student"])
    assert _recipients(Kind.HELP_CLOSED) == ["tutor@example.test"]


# --- selectors --------------------------------------------------------------------------------


def test_selectors_for_dashboards(request_in, people):
    new = request_in(Status.NEW)
    assigned = request_in(Status.ASSIGNED)
    accepted = request_in(Status.ACCEPTED)
    closed = request_in(Status.CLOSED)
    assert list(new_requests_for_staff()) == [new]
    assert list(requests_awaiting_answer(people["tutor"])) == [assigned]
    assert list(requests_awaiting_answer(people["helper"])) == []
    assert list(requests_for_tutor(people["tutor"])) == [assigned, accepted]
    assert list(requests_for_tutor(people["other_tutor"])) == []
    assert set(requests_for_family(people["parent"])) == {new, assigned, accepted}
    assert list(requests_for_family(people["other_parent"])) == []
    counts = help_request_counts(people["manager"])
    assert (counts["new"], counts["assigned"], counts["closed"], counts["open"]) == (1, 1, 1, 3)
    assert help_request_counts(people["other_tutor"])["open"] == 0
    assert closed in help_requests_visible_to(people["admin"])

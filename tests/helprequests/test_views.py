"""The help-request pages for every role: lists, form, detail, steps, downloads, queries."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.helprequests import services
from courses.helprequests.models import (
    HelpRequest,
    HelpRequestEvent,
    HelpRequestFile,
    HelpRequestTutor,
)
from messaging.models import Notification
from tests import factories

from .conftest import PDF_BYTES, upload

Status = HelpRequest.Status
pytestmark = pytest.mark.django_db

MISSING = 987654321


def _future(days=3):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


# --- the request form ----------


def test_a_student_asks_for_help_with_files(client_for, student, subject, manager):
    client = client_for(student)
    page = client.get(reverse("helprequests:create"))
    assert page.status_code == 200
    assert b'type="file"' in page.content and b"multiple" in page.content
    response = client.post(
        reverse("helprequests:create"),
        {
            "student": student.pk,
            "kind": "writing",
            "subject": subject.pk,
            "title": "Essay on Hamlet",
            "description": "Please check my structure.",
            "deadline": _future(),
            "files": [upload("draft.pdf", PDF_BYTES), upload("notes.txt")],
        },
    )
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("helprequests:detail", args=[help_request.pk])
    assert (help_request.student, help_request.created_by, help_request.kind) == (
        student,
        student,
        "writing",
    )
    assert help_request.files.count() == 2
    assert Notification.objects.filter(recipient=manager, kind="help.requested").exists()


def test_the_deadline_is_read_in_the_requesters_timezone(client_for, student, subject):
    student.timezone = "Asia/Tokyo"
    student.save()
    year = timezone.now().year + 1
    client_for(student).post(
        reverse("helprequests:create"),
        {
            "student": student.pk,
            "kind": "homework",
            "subject": subject.pk,
            "title": "Algebra",
            "description": "Exercises.",
            "deadline": f"{year}-01-10T09:00",
        },
    )
    deadline = HelpRequest.objects.get().deadline
    assert deadline == dt.datetime(year, 1, 10, 0, 0, tzinfo=dt.UTC)


def test_a_pdf_that_is_really_html_is_refused_on_the_form(client_for, student, subject):
    response = client_for(student).post(
        reverse("helprequests:create"),
        {
            "student": student.pk,
            "kind": "homework",
            "subject": subject.pk,
            "title": "Algebra",
            "description": "Exercises.",
            "deadline": _future(),
            "files": [upload("task.pdf", b"<!DOCTYPE html><script>alert(1)</script>")],
        },
    )
    assert response.status_code == 200
    assert "content is a web page (HTML)" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_parent_asks_for_their_child_only(client_for, parent, student, other_student, subject):
    client = client_for(parent)
    page = client.get(reverse("helprequests:create"))
    assert student.display_name in page.content.decode()
    assert other_student.display_name not in page.content.decode()
    data = {
        "kind": "exam",
        "subject": subject.pk,
        "title": "Final exam",
        "description": "Revision plan.",
        "deadline": _future(),
    }
    refused = client.post(reverse("helprequests:create"), {**data, "student": other_student.pk})
    assert refused.status_code == 200 and not HelpRequest.objects.exists()
    client.post(reverse("helprequests:create"), {**data, "student": student.pk})
    assert HelpRequest.objects.get().created_by == parent


def test_a_past_deadline_is_a_form_error(client_for, student, subject):
    response = client_for(student).post(
        reverse("helprequests:create"),
        {
            "student": student.pk,
            "kind": "homework",
            "subject": subject.pk,
            "title": "Late",
            "description": "x",
            "deadline": "2001-01-01T10:00",
        },
    )
    assert response.status_code == 200
    assert "The deadline must be in the future." in response.content.decode()


# --- lists ----------


def _titles(response):
    return [item.title for item in response.context["page_obj"]]


def test_each_role_sees_its_own_list(
    client,
    request_in,
    make_request,
    student,
    parent,
    tutor,
    helper,
    manager,
    other_tutor,
    other_parent,
    other_student,
):
    new = request_in(Status.NEW, title="New one")
    assigned = request_in(Status.ASSIGNED, title="Waiting for tutor")
    accepted = request_in(Status.ACCEPTED, title="In progress")
    other = make_request(by=other_student, for_student=other_student, title="Other family")
    url = reverse("helprequests:list")

    client.force_login(student)
    assert set(_titles(client.get(url))) == {new.title, assigned.title, accepted.title}
    client.force_login(parent)
    assert set(_titles(client.get(url))) == {new.title, assigned.title, accepted.title}
    client.force_login(other_parent)
    assert _titles(client.get(url)) == [other.title]
    client.force_login(tutor)
    response = client.get(url)
    assert _titles(response) == [assigned.title, accepted.title]  # waiting for answer first
    assert "Your answer is needed" in response.content.decode()
    client.force_login(helper)  # a helper answers nothing: work in progress first
    assert _titles(client.get(url)) == [accepted.title, assigned.title]
    client.force_login(other_tutor)
    assert _titles(client.get(url)) == []
    client.force_login(manager)
    titles = _titles(client.get(url))
    assert titles[:2] == [new.title, other.title]  # NEW first
    assert set(titles) == {new.title, other.title, assigned.title, accepted.title}


def test_staff_filter_by_status_and_kind(client_for, request_in, manager):
    request_in(Status.NEW, title="Homework", kind="homework")
    request_in(Status.NEW, title="Essay", kind="writing")
    request_in(Status.ACCEPTED, title="Exam", kind="exam")
    client = client_for(manager)
    url = reverse("helprequests:list")
    assert _titles(client.get(url, {"status": "new"})) == ["Homework", "Essay"]
    assert _titles(client.get(url, {"kind": "exam"})) == ["Exam"]
    assert _titles(client.get(url, {"status": "new", "kind": "writing"})) == ["Essay"]
    bad = client.get(url, {"status": "nonsense"})
    assert bad.status_code == 200 and _titles(bad) == []


def _bulk_requests(count, *, student, tutor, subject):
    now = timezone.now()
    requests = HelpRequest.objects.bulk_create(
        [
            HelpRequest(
                student=student,
                created_by=student,
                kind="homework",
                subject=subject,
                title=f"Request {i}",
                description="…",
                deadline=now + timedelta(days=i + 1),
                status=Status.ASSIGNED if i % 2 else Status.NEW,
                primary_tutor=tutor if i % 2 else None,
            )
            for i in range(count)
        ]
    )
    HelpRequestTutor.objects.bulk_create(
        [
            HelpRequestTutor(request=r, tutor=tutor, role="primary")
            for r in requests
            if r.status == Status.ASSIGNED
        ]
    )


#: Queries of one list page, whatever the number of requests (5 or 50).
LIST_QUERIES = {"student": 7, "parent": 7, "tutor": 9, "manager": 9}


@pytest.mark.parametrize("role", sorted(LIST_QUERIES))
def test_list_queries_do_not_grow(
    client, django_assert_num_queries, role, student, parent, tutor, manager, subject
):
    viewer = {"student": student, "parent": parent, "tutor": tutor, "manager": manager}[role]
    client.force_login(viewer)
    url = reverse("helprequests:list")
    client.get(url)  # the first request creates the viewer's Wagtail profile row
    for total in (5, 50):
        _bulk_requests(
            total - HelpRequest.objects.count(), student=student, tutor=tutor, subject=subject
        )
        with django_assert_num_queries(LIST_QUERIES[role]):
            response = client.get(url)
        assert response.status_code == 200
        shown = len(response.context["page_obj"].object_list)
        assert shown == min(total if role != "tutor" else total // 2, 20)


DETAIL_QUERIES = 12


def test_detail_queries_do_not_grow(
    client, django_assert_num_queries, request_in, manager, student, tutor
):
    help_request = request_in(Status.ACCEPTED)
    client.force_login(manager)
    url = reverse("helprequests:detail", args=[help_request.pk])
    client.get(url)  # the first request creates the viewer's Wagtail profile row
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(url)
    for i in range(10):
        HelpRequestEvent.objects.create(
            request=help_request, actor=tutor, from_status="accepted", to_status="accepted"
        )
        HelpRequestFile.objects.create(
            request=help_request,
            uploaded_by=student,
            purpose="brief",
            file=f"helprequests/2030/{i:032x}.txt",
            original_name=f"{i}.txt",
            content_type="text/plain",
            size=3,
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url)
    assert len(response.context["events"]) == 13


# --- detail: who sees it and what they may do ----------


@pytest.mark.parametrize("viewer", ["other_tutor", "other_parent", "other_student"])
def test_outsiders_get_404_for_a_real_request_as_for_a_missing_one(
    client, request_in, viewer, other_tutor, other_parent, other_student
):
    help_request = request_in(Status.ACCEPTED)
    client.force_login(
        {"other_tutor": other_tutor, "other_parent": other_parent, "other_student": other_student}[
            viewer
        ]
    )
    file_pk = help_request.files.first().pk if help_request.files.exists() else MISSING
    for name in ("helprequests:detail",):
        assert client.get(reverse(name, args=[help_request.pk])).status_code == 404
        assert client.get(reverse(name, args=[MISSING])).status_code == 404
    for name in ("helprequests:deliver", "helprequests:cancel", "helprequests:close"):
        assert client.post(reverse(name, args=[help_request.pk]), {"note": "x"}).status_code == 404
    assert client.get(reverse("helprequests:file_download", args=[file_pk])).status_code == 404


def test_the_detail_page_shows_status_history_files_and_the_viewers_actions(
    client, request_in, student, parent, tutor, helper, manager
):
    help_request = request_in(Status.DELIVERED)
    url = reverse("helprequests:detail", args=[help_request.pk])

    client.force_login(student)
    page = client.get(url)
    html = page.content.decode()
    assert 'aria-current="step"' in html and "Delivered" in html
    assert [s["state"] for s in page.context["steps"]] == [
        "done",
        "done",
        "done",
        "current",
        "todo",
        "todo",
    ]
    assert len(page.context["events"]) == 4
    assert {k for k, v in page.context["actions"].items() if v} == {"review"}
    assert 'data-testid="review"' in html

    client.force_login(parent)  # did not ask: reads only
    assert not any(client.get(url).context["actions"].values())
    client.force_login(tutor)
    assert not any(client.get(url).context["actions"].values())
    client.force_login(manager)
    assert not any(client.get(url).context["actions"].values())

    assigned = request_in(Status.ASSIGNED)
    url = reverse("helprequests:detail", args=[assigned.pk])
    client.force_login(tutor)
    assert {k for k, v in client.get(url).context["actions"].items() if v} == {"answer"}
    client.force_login(helper)
    assert not any(client.get(url).context["actions"].values())
    client.force_login(manager)
    assert {k for k, v in client.get(url).context["actions"].items() if v} == {"assign"}
    client.force_login(student)
    assert {k for k, v in client.get(url).context["actions"].items() if v} == {"cancel"}


def test_decline_reasons_and_assignment_notes_are_shown_only_to_staff_and_tutors(
    client, make_request, student, parent, tutor, helper, manager
):
    help_request = make_request()
    help_request = services.help_request_assign(
        help_request=help_request,
        by=manager,
        primary_tutor=helper,
        note="Internal: helper is cheaper this month",
    )
    help_request = services.help_request_decline(
        help_request=help_request, by=helper, reason="Secret: I dislike this family"
    )
    help_request = services.help_request_assign(
        help_request=help_request, by=manager, primary_tutor=tutor, note="Manager memo 42"
    )
    url = reverse("helprequests:detail", args=[help_request.pk])

    def history(viewer) -> str:
        client.force_login(viewer)
        page = client.get(url)
        assert page.status_code == 200
        assert len(page.context["events"]) == 4  # every step is listed for everyone
        return page.content.decode()

    for family in (student, parent):
        html = history(family)
        assert "I dislike this family" not in html
        assert "Manager memo 42" not in html and "helper is cheaper" not in html
    html = history(tutor)  # the assigned tutor reads the assignment notes, not the decline
    assert "Manager memo 42" in html and "helper is cheaper" in html
    assert "I dislike this family" not in html
    html = history(manager)
    assert "I dislike this family" in html and "Manager memo 42" in html


def test_a_role_that_may_never_take_a_step_gets_403(client, request_in, parent, manager, tutor):
    help_request = request_in(Status.ASSIGNED)
    client.force_login(parent)
    assert client.post(reverse("helprequests:accept", args=[help_request.pk])).status_code == 403
    # Refused before the input is even looked at.
    decline = reverse("helprequests:decline", args=[help_request.pk])
    assert client.post(decline, {"reason": ""}).status_code == 403
    client.force_login(tutor)
    response = client.post(
        reverse("helprequests:close", args=[help_request.pk]),
        {"hours": "1", "price": "1", "currency": "EUR"},
    )
    assert response.status_code == 403
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ASSIGNED


def test_a_step_in_the_wrong_state_is_a_message_and_changes_nothing(client_for, request_in, tutor):
    help_request = request_in(Status.ASSIGNED)
    client = client_for(tutor)
    response = client.post(
        reverse("helprequests:deliver", args=[help_request.pk]), {"note": "Too early"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("helprequests:detail", args=[help_request.pk])
    assert "only while the request is in progress" in response.content.decode()
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ASSIGNED


def test_bad_input_re_renders_the_form_with_its_errors(client_for, request_in, tutor):
    help_request = request_in(Status.ASSIGNED)
    response = client_for(tutor).post(
        reverse("helprequests:decline", args=[help_request.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["decline_form"].errors
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ASSIGNED


# --- downloads ----------


def test_files_download_as_attachments_for_those_who_may_see_them(
    client, make_request, student, parent, manager, other_parent
):
    help_request = make_request(uploads=[upload("Task sheet.pdf", PDF_BYTES)])
    item = help_request.files.get()
    url = reverse("helprequests:file_download", args=[item.pk])
    for viewer in (student, parent, manager):
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Task sheet.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(other_parent)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "offered_as"),
    [
        ("homework.vbs", b"MsgBox 1", "homework.vbs.txt"),
        ("run.bat", b"echo hi", "run.bat.txt"),
        ("setup.ps1", b"Write-Host hi", "setup.ps1.txt"),
        ("a.hta", b"plain words", "a.hta.txt"),
        ("page.mhtml", b"plain words", "page.mhtml.txt"),
        ("notes.txt", b"plain words", "notes.txt"),
        ("Task sheet.pdf", PDF_BYTES, "Task sheet.pdf"),
    ],
)
def test_downloads_are_named_with_the_extension_of_their_content(
    client_for, make_request, student, name, content, offered_as
):
    help_request = make_request(uploads=[upload(name, content)])
    item = help_request.files.get()
    assert item.original_name == offered_as
    response = client_for(student).get(reverse("helprequests:file_download", args=[item.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{offered_as}"' in disposition


# --- the whole flow through the pages ----------


def test_the_whole_flow_through_the_views(
    client, student, parent, tutor, helper, manager, admin_user, subject
):
    client.force_login(parent)
    client.post(
        reverse("helprequests:create"),
        {
            "student": student.pk,
            "kind": "homework",
            "subject": subject.pk,
            "title": "Fractions",
            "description": "Worksheet 3.",
            "deadline": _future(),
            "files": [upload("worksheet.pdf", PDF_BYTES)],
        },
    )
    help_request = HelpRequest.objects.get()
    pk = help_request.pk

    def step(user, name, data=None, expect=302):
        client.force_login(user)
        response = client.post(reverse(f"helprequests:{name}", args=[pk]), data or {})
        assert response.status_code == expect, (name, response.status_code)
        return HelpRequest.objects.get(pk=pk).status

    client.force_login(tutor)
    assert client.get(reverse("helprequests:detail", args=[pk])).status_code == 404
    assert (
        step(manager, "assign", {"primary_tutor": tutor.pk, "helpers": [helper.pk]}) == "assigned"
    )
    assert step(tutor, "decline", {"reason": "Fully booked."}) == "new"
    client.force_login(tutor)
    assert client.get(reverse("helprequests:detail", args=[pk])).status_code == 404
    assert (
        step(manager, "assign", {"primary_tutor": helper.pk, "helpers": [tutor.pk]}) == "assigned"
    )
    assert step(helper, "accept") == "accepted"
    assert step(tutor, "deliver", {"note": "See attached.", "files": [upload("answer.txt")]}) == (
        "delivered"
    )
    assert step(parent, "changes", {"note": "Please show step 2."}) == "changes_requested"
    assert step(helper, "deliver", {"note": "Step 2 added."}) == "delivered"
    assert step(student, "complete", {"note": "Thanks!"}) == "completed"
    assert step(admin_user, "close", {"hours": "1.25", "price": "37.50", "currency": "EUR"}) == (
        "closed"
    )

    done = HelpRequest.objects.get(pk=pk)
    assert done.is_ready_for_billing and str(done.hours) == "1.25" and str(done.price) == "37.50"
    assert done.files.filter(purpose="delivery").count() == 1
    statuses = list(done.events.order_by("at", "pk").values_list("to_status", flat=True))
    assert statuses == [
        "new",
        "assigned",
        "new",
        "assigned",
        "accepted",
        "delivered",
        "changes_requested",
        "delivered",
        "completed",
        "closed",
    ]
    client.force_login(parent)
    page = client.get(reverse("helprequests:detail", args=[pk]))
    html = page.content.decode()
    assert "answer.txt" in html and "37.50" in html
    assert "Fully booked." not in html  # the tutor's decline reason is for staff only
    kinds = set(Notification.objects.filter(recipient=parent).values_list("kind", flat=True))
    assert kinds == {"help.accepted", "help.delivered", "help.closed"}


def test_a_student_cancels_before_acceptance(client_for, request_in, student):
    help_request = request_in(Status.ASSIGNED)
    client = client_for(student)
    client.post(reverse("helprequests:cancel", args=[help_request.pk]), {"note": "Solved it."})
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.CANCELLED
    page = client.get(reverse("helprequests:detail", args=[help_request.pk]))
    assert "This request was cancelled." in page.content.decode()


def test_pages_render_in_ukrainian(client_for, request_in, student):
    help_request = request_in(Status.NEW)
    client = client_for(student)
    response = client.get(
        reverse("helprequests:detail", args=[help_request.pk]), HTTP_ACCEPT_LANGUAGE="uk"
    )
    assert response.status_code == 200


def test_unknown_users_of_other_tenants_see_nothing_in_lists(client_for, request_in, other_tutor):
    request_in(Status.CLOSED)
    assert _titles(client_for(other_tutor).get(reverse("helprequests:list"))) == []


def test_the_admin_menu_links_staff_to_the_help_requests(client, manager, tutor):
    client.force_login(manager)
    assert reverse("helprequests:list") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(tutor)
    assert (
        reverse("helprequests:list")
        not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_a_parent_without_a_linked_child_is_told_what_to_do(client_for):
    parent = factories.ParentFactory()
    page = client_for(parent).get(reverse("helprequests:create"))
    assert page.status_code == 200
    assert 'data-testid="no-children"' in page.content.decode()
    assert reverse("people:family") in page.content.decode()

"""The assignment pages, as each role uses them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.assignments.models import Assignment, SubmissionStatus
from courses.assignments.services import submission_grade, submission_submit
from tests import factories
from tests.assignments.conftest import give, html_file, in_days, text_file

pytestmark = pytest.mark.django_db


def test_the_assign_form_offers_own_pages_students_and_classrooms(world, tutor, client_for):
    factories.ClassroomFactory(tutor=tutor, name="Year 9")
    response = client_for(tutor).get(reverse("assignments:assign"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{world.course.title} › {world.task.title}" in html
    assert world.student.display_name in html
    assert "Year 9" in html
    assert 'type="datetime-local"' in html


def test_a_tutor_assigns_in_their_timezone(world, tutor, client_for):
    tutor.timezone = "Europe/Kyiv"
    tutor.save(update_fields=["timezone"])
    response = client_for(tutor).post(
        reverse("assignments:assign"),
        {
            "page": world.task.pk,
            "student": world.student.pk,
            "due_at": "2031-01-10T18:00",
            "max_points": "15",
            "instructions": "Use full sentences.",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.due_at == dt.datetime(2031, 1, 10, 16, 0, tzinfo=dt.UTC)
    assert assignment.max_points == Decimal("15")
    assert assignment.instructions == "Use full sentences."


def test_the_assign_form_wants_one_student_or_one_classroom(world, tutor, client_for):
    classroom = factories.ClassroomFactory(tutor=tutor)
    factories.ClassroomMembershipFactory(classroom=classroom, student=world.student)
    data = {"page": world.task.pk, "due_at": "2031-01-10T18:00", "max_points": "5"}
    client = client_for(tutor)
    response = client.post(reverse("assignments:assign"), data)
    assert response.status_code == 200
    assert "Choose either one student or one classroom." in response.content.decode()
    both = {**data, "student": world.student.pk, "classroom": classroom.pk}
    assert client.post(reverse("assignments:assign"), both).status_code == 200
    assert not Assignment.objects.exists()
    response = client.post(
        reverse("assignments:assign"),
        {**data, "classroom": classroom.pk, "include_future_members": "on"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get().classroom == classroom


def test_the_assign_form_refuses_a_past_due_date(world, tutor, client_for):
    response = client_for(tutor).post(
        reverse("assignments:assign"),
        {
            "page": world.task.pk,
            "student": world.student.pk,
            "due_at": "2001-01-10T18:00",
            "max_points": "5",
        },
    )
    assert response.status_code == 200
    assert "The due date must be in the future." in response.content.decode()


def test_my_assignments_tabs(world, student, client_for):
    todo = give(world)
    overdue = give(world, page=world.lesson, due_at=in_days(1))
    Assignment.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    handed = give(world, page=world.quiz_task, quiz_only=False)
    submission_submit(by=student, assignment=handed, text="done")
    client = client_for(student)
    response = client.get(reverse("assignments:mine"))
    assert response.status_code == 200
    counts = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"to_do": 1, "overdue": 1, "submitted": 1, "graded": 0}
    overdue_page = client.get(reverse("assignments:mine"), {"state": "overdue"})
    assert [a.pk for a in overdue_page.context["assignments"]] == [overdue.pk]
    todo_page = client.get(reverse("assignments:mine"), {"state": "to_do"})
    assert [a.pk for a in todo_page.context["assignments"]] == [todo.pk]


def test_the_student_drafts_and_hands_in_through_the_page(world, student, tutor, client_for):
    assignment = give(world)
    client = client_for(student)
    detail = reverse("assignments:detail", args=[assignment.pk])
    page = client.get(detail)
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-upload-form" in html and "assignments-upload.js" in html
    save = reverse("assignments:save", args=[assignment.pk])
    response = client.post(save, {"action": "draft", "text": "Draft", "files": [text_file()]})
    assert response.status_code == 302 and response["Location"] == detail
    assignment.submission.refresh_from_db()
    assert assignment.submission.status == SubmissionStatus.DRAFT
    # the upload script asks for JSON
    response = client.post(
        save, {"action": "submit", "text": "Final"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["redirect"] == detail
    assignment.submission.refresh_from_db()
    assert assignment.submission.status == SubmissionStatus.SUBMITTED
    # handed in: a second post is a conflict, and the page has no form any more
    again = client.post(
        save, {"action": "draft", "text": "Changed"}, headers={"accept": "application/json"}
    )
    assert again.status_code == 409 and "returns it" in again.json()["detail"]
    assert "data-upload-form" not in client.get(detail).content.decode()


def test_a_refused_upload_answers_400_with_the_reason(world, student, client_for):
    assignment = give(world)
    response = client_for(student).post(
        reverse("assignments:save", args=[assignment.pk]),
        {"action": "draft", "files": [html_file("essay.pdf")]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert "web page (HTML)" in response.json()["detail"]
    assert not assignment.submission.files.exists()


def test_without_the_script_a_refusal_is_a_message(world, student, client_for):
    assignment = give(world)
    client = client_for(student)
    response = client.post(
        reverse("assignments:save", args=[assignment.pk]),
        {"action": "submit", "text": ""},
        follow=True,
    )
    assert "Write an answer or attach a file" in response.content.decode()


def test_the_tutor_grades_from_the_queue(world, student, tutor, parent, client_for):
    assignment = give(world)
    submission = submission_submit(by=student, assignment=assignment, text="My essay")
    client = client_for(tutor)
    queue = client.get(reverse("assignments:queue"))
    assert [s.pk for s in queue.context["submissions"]] == [submission.pk]
    page = client.get(reverse("assignments:submission_detail", args=[submission.pk]))
    assert "My essay" in page.content.decode()
    bad = client.post(
        reverse("assignments:submission_grade", args=[submission.pk]), {"points": "11"}
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("assignments:submission_grade", args=[submission.pk]),
        {"points": "9", "feedback": "Well argued."},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.GRADED and submission.points == 9
    assert not client.get(reverse("assignments:queue")).context["submissions"]


def test_a_draft_is_not_shown_to_the_tutor_until_handed_in(
    world, student, tutor, parent, manager, client, client_for
):
    from courses.assignments.services import submission_save_draft

    assignment = give(world)
    draft = submission_save_draft(
        by=student,
        assignment=assignment,
        text="Half-baked secret thoughts",
        files=[text_file("draft.txt", b"draft words\n")],
    )
    row = draft.files.get()
    download = reverse("assignments:file_download", args=[row.pk])
    missing = reverse("assignments:file_download", args=[987654])
    page = client_for(tutor).get(reverse("assignments:submission_detail", args=[draft.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Half-baked secret thoughts" not in html and "draft.txt" not in html
    assert download not in html
    assert "Not handed in yet." in html
    for someone in (tutor, parent, manager):
        client.force_login(someone)
        assert client.get(download).status_code == 404, someone
        assert client.get(missing).status_code == 404
    client.force_login(student)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"draft words\n"

    submission_submit(by=student, assignment=assignment)  # handed in: now the tutor's to read
    client.force_login(tutor)
    html = client.get(reverse("assignments:submission_detail", args=[draft.pk])).content.decode()
    assert "Half-baked secret thoughts" in html and "draft.txt" in html
    assert client.get(download).status_code == 200


def test_the_tutor_returns_work(world, student, tutor, client_for):
    assignment = give(world)
    submission = submission_submit(by=student, assignment=assignment, text="My essay")
    client = client_for(tutor)
    url = reverse("assignments:submission_return", args=[submission.pk])
    assert client.post(url, {"return-feedback": ""}).status_code == 400
    assert client.post(url, {"return-feedback": "Add sources."}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    # the student sees the feedback and the form again
    page = client_for(student).get(reverse("assignments:detail", args=[assignment.pk]))
    html = page.content.decode()
    assert "Add sources." in html and "data-upload-form" in html


def test_the_parent_sees_grades_read_only(world, student, tutor, parent, client_for):
    assignment = give(world)
    submission = submission_submit(by=student, assignment=assignment, text="Essay")
    submission_grade(by=tutor, submission=submission, points=7, feedback="Good")
    client = client_for(parent)
    listing = client.get(reverse("assignments:children"))
    assert "7 of 10 points" in listing.content.decode()
    page = client.get(reverse("assignments:detail", args=[assignment.pk]))
    assert "7 of 10 points" in page.content.decode()
    assert "data-upload-form" not in page.content.decode()
    redirect = client.get(reverse("assignments:submission_detail", args=[submission.pk]))
    assert redirect["Location"] == reverse("assignments:detail", args=[assignment.pk])


def test_the_given_list_filters(world, tutor, student, client_for):
    other = factories.StudentFactory(email="second@example.test")
    factories.TutorStudentFactory(tutor=tutor, student=other)
    give(world)
    from courses.assignments.services import assignment_create

    assignment_create(by=tutor, student=other, page=world.task, due_at=in_days(2), max_points=5)
    client = client_for(tutor)
    everything = client.get(reverse("assignments:given"))
    assert len(everything.context["assignments"]) == 2
    theirs = client.get(reverse("assignments:given"), {"student": other.pk})
    assert [a.student_id for a in theirs.context["assignments"]] == [other.pk]


def test_pages_render_in_ukrainian(world, student, client_for):
    assignment = give(world)
    client = client_for(student)
    client.cookies["django_language"] = "uk"
    response = client.get(reverse("assignments:detail", args=[assignment.pk]))
    assert response.status_code == 200
    assert 'lang="uk"' in response.content.decode()

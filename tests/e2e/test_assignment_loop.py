"""The homework loop of issue 4, in Chromium: assign, hand in a file, grade, parent sees it.

A tutor with a published course and task, their linked student and the student's parent
are made with the services; the browser then does what the issue asks: the tutor gives
the task to the student on the "Give work" page, the student writes an answer, uploads a
file (through the upload script, with its progress bar) and hands it in, the tutor grades
it from the queue, and the parent signs in and sees the grade.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from wagtail.models import Locale

from courses.assignments.models import Assignment, SubmissionStatus
from courses.models import CoursePage, TaskPage
from courses.services.sections import tutor_section_ensure
from people import demo
from people.models import Guardianship, Level, Subject, TutorStudent
from people.roles import Role
from people.services import user_create
from tests.e2e.steps import sign_in, start_over

pytestmark = pytest.mark.browser

#: Milliseconds to wait for a step that saves and redirects.
SLOW_MS = 30_000


def make_world() -> dict:
    """A tutor with a live course and task, their active student, the student's parent."""
    password = demo.DEMO_PASSWORD
    people = {}
    for role, first in (
        (Role.TUTOR, "Tamara"),
        (Role.STUDENT, "Stepan"),
        (Role.PARENT, "Petra"),
    ):
        people[role] = user_create(
            email=f"loop-{role}@example.test",
            role=role,
            password=password,
            first_name=first,
            last_name="Loop",
        )
    tutor, student, parent = people[Role.TUTOR], people[Role.STUDENT], people[Role.PARENT]
    TutorStudent.objects.create(
        tutor=tutor, student=student, status=TutorStudent.Status.ACTIVE, requested_by=student
    )
    Guardianship.objects.create(parent=parent, student=student, created_by=parent)
    section = tutor_section_ensure(tutor=tutor)
    subject = Subject.objects.create(
        locale=Locale.get_default(), name="Geography", slug="geography-loop"
    )
    course = CoursePage(
        title="Writing",
        slug="writing",
        summary="Essays.",
        subject=subject,
        level=Level.objects.order_by("sort_order").first(),
        owner=tutor,
    )
    section.add_child(instance=course)
    course.save_revision().publish()
    task = TaskPage(
        title="Essay on rivers",
        slug="essay-on-rivers",
        owner=tutor,
        instructions="<p>Write one page.</p>",
    )
    course.add_child(instance=task)
    task.save_revision().publish()
    return {"tutor": tutor, "student": student, "parent": parent, "course": course, "task": task}


def test_tutor_assigns_student_hands_in_a_file_tutor_grades_parent_sees(browser_page: Page):
    world = make_world()
    page = browser_page

    # --- the tutor gives the task to the student -----------------------------------------
    sign_in(page, world["tutor"].email)
    page.goto(reverse("assignments:assign"))
    page.get_by_label("Lesson or task").select_option(label="Writing › Essay on rivers (en)")
    page.get_by_label("Student", exact=True).select_option(label="Stepan Loop")
    page.locator("#id_due_at").fill("2031-03-01T18:00")
    page.get_by_label("Maximum points").fill("10")
    page.get_by_label("Instructions").fill("Two paragraphs at least.")
    page.get_by_role("button", name="Give the work").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("assignments:given")) + "$"))
    expect(page.locator(".messages")).to_contain_text("was given to Stepan Loop")
    assignment = Assignment.objects.get(student=world["student"])
    assert assignment.page_id == world["task"].pk
    start_over(page)

    # --- the student writes, uploads a file and hands it in ------------------------------
    sign_in(page, world["student"].email)
    page.goto(reverse("assignments:mine"))
    page.get_by_role("link", name="Essay on rivers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Essay on rivers")
    expect(page.locator("body")).to_contain_text("Two paragraphs at least.")
    page.get_by_label("Your answer").fill("Rivers carry water to the sea.")
    page.get_by_label("Add files").set_input_files(
        {"name": "essay.txt", "mimeType": "text/plain", "buffer": b"Rivers, by Stepan.\n"}
    )
    page.get_by_role("button", name="Hand in").click()
    expect(page.locator(".messages")).to_contain_text("Handed in", timeout=SLOW_MS)
    expect(page.get_by_test_id("status")).to_contain_text("Submitted")
    expect(page.locator("body")).to_contain_text("essay.txt")
    submission = assignment.submission
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.files.get().original_name == "essay.txt"
    start_over(page)

    # --- the tutor grades it from the queue ------------------------------------------------
    sign_in(page, world["tutor"].email)
    page.goto(reverse("assignments:queue"))
    page.get_by_role("link", name="Essay on rivers").click()
    expect(page.locator("body")).to_contain_text("Rivers carry water to the sea.")
    download_link = page.get_by_role("link", name="essay.txt")
    expect(download_link).to_be_visible()
    response = page.request.get(download_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body() == b"Rivers, by Stepan.\n"
    grade_form = page.locator("form[action$='/grade/']")
    grade_form.get_by_label("Points").fill("9")
    grade_form.get_by_label("Feedback").fill("Clear and well argued.")
    grade_form.get_by_role("button", name="Save grade").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("assignments:queue")) + "$"))
    expect(page.locator(".messages")).to_contain_text("Graded")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.GRADED
    assert submission.points == Decimal("9")
    start_over(page)

    # --- the parent signs in and sees the grade ---------------------------------------------
    sign_in(page, world["parent"].email)
    page.goto(reverse("assignments:children"))
    row = page.locator("tr", has_text="Essay on rivers")
    expect(row).to_contain_text("Stepan Loop")
    expect(row.get_by_test_id("grade")).to_have_text("9 of 10 points")
    row.get_by_role("link", name="Essay on rivers").click()
    expect(page.get_by_test_id("points")).to_have_text("9 of 10 points")
    expect(page.locator("body")).to_contain_text("Clear and well argued.")

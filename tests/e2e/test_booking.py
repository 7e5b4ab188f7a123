"""Booking in Chromium: a student books a free slot, the tutor confirms it, and the student
sees the lesson in their week view.

The tutor, the student, their active link and the tutor's weekly availability are made
with the services first, so that the browser spends its time on the steps that matter.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from people import demo
from people.models import TutorProfile, User
from people.roles import Role
from people.services import tutor_request_accept, tutor_request_create, user_create
from scheduling.models import ScheduledLesson
from scheduling.services.availability import availability_add
from tests.e2e.steps import sign_in, start_over

pytestmark = pytest.mark.browser


def make_world() -> dict:
    password = demo.DEMO_PASSWORD
    tutor = user_create(
        email="booking-tutor@example.test",
        role=Role.TUTOR,
        password=password,
        first_name="Tamara",
        last_name="Tutor",
        timezone_name="Europe/Kyiv",
    )
    student = user_create(
        email="booking-student@example.test",
        role=Role.STUDENT,
        password=password,
        first_name="Stepan",
        last_name="Student",
        timezone_name="Europe/London",
    )
    TutorProfile.objects.filter(user=tutor).update(listed_in_directory=True)
    tutor = User.objects.select_related("tutor_profile").get(pk=tutor.pk)  # sees the listing
    link = tutor_request_create(student=student, tutor=tutor)
    tutor_request_accept(link=link, by=tutor)
    for weekday in range(7):
        availability_add(
            by=tutor, tutor=tutor, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
        )
    return {"tutor": tutor, "student": student}


def test_student_books_tutor_confirms_student_sees_it_in_the_week(browser_page: Page):
    world = make_world()
    tutor, student = world["tutor"], world["student"]
    page = browser_page

    # --- the student picks the first free slot --------------------------------------------
    sign_in(page, student.email)
    page.goto(reverse("scheduling:book"))
    page.get_by_role("link", name="See free times").click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("scheduling:book_slots", args=[tutor.pk])))
    )
    first_slot = page.locator("[data-testid='slots'] button[data-start]").first
    slot_start = dt.datetime.fromisoformat(first_slot.get_attribute("data-start"))
    first_slot.click()
    expect(page.locator(".messages")).to_contain_text("Requested")
    lesson = ScheduledLesson.objects.get(tutor=tutor, student=student)
    assert lesson.status == ScheduledLesson.Status.REQUESTED
    assert lesson.start == slot_start
    start_over(page)

    # --- the tutor confirms it from the requests list -------------------------------------
    sign_in(page, tutor.email)
    page.goto(reverse("scheduling:booking_requests"))
    card = page.locator(f"[data-lesson-id='{lesson.pk}']")
    expect(card).to_contain_text(student.display_name)
    card.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text("Booking confirmed")
    lesson.refresh_from_db()
    assert lesson.status == ScheduledLesson.Status.SCHEDULED
    start_over(page)

    # --- the student sees it in the week view, at London time ------------------------------
    sign_in(page, student.email)
    london = lesson.start.astimezone(ZoneInfo("Europe/London"))
    page.goto(reverse("scheduling:calendar") + f"?date={london.date().isoformat()}")
    day = page.locator(f".week-day[data-date='{london.date().isoformat()}']")
    entry = day.locator(f"[data-lesson-id='{lesson.pk}']")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text(london.strftime("%H:%M"))
    expect(entry).to_contain_text(tutor.display_name)
    expect(entry).not_to_contain_text("Requested")
    entry.get_by_role("link").click()
    expect(page.get_by_test_id("lesson-status")).to_have_text("Scheduled")

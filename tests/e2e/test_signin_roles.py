"""Signing in through the real login form, as a student and as a tutor, in Chromium.

The demo data gives both tutors students with the same names, so every check below goes
by account (ids, e-mails, the other tutor's name), never by a student's name alone.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from people import demo
from people.models import TutorStudent, User

# browser_page brings `transactional_db` (through migrated_db) and `live_server`.
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.browser


def sign_out(page: Page) -> None:
    """Press the header's sign-out button (a POST form) and check the session is gone."""
    logout_url = reverse("people:logout")
    page.locator(f"header form[action$='{logout_url}'] button").click()
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(reverse("people:dashboard"))
    expect(page).to_have_url(re.compile(re.escape(reverse("people:login"))))


def active_students(tutor_email: str) -> list[User]:
    return list(
        User.objects.filter(
            tutor_links__tutor__email=tutor_email, tutor_links__status=TutorStudent.Status.ACTIVE
        )
    )


def test_student_then_tutor_see_only_their_own_tenant(browser_page: Page):
    call_command("seed_demo")
    page = browser_page
    anna, ben = demo.TUTOR_ANNA.user, demo.TUTOR_BEN.user
    olena = demo.TUTOR_ANNA.students[0]
    olena_link = TutorStudent.objects.get(
        student__email=olena.email, status=TutorStudent.Status.ACTIVE
    )
    anna_students = active_students(anna.email)
    ben_students = active_students(ben.email)
    assert {s.get_full_name() for s in anna_students} == {
        s.get_full_name() for s in ben_students
    }, "the demo's namesakes are what makes this test meaningful"

    # --- a student: sees her tutor, not the other tenant's ------------------------------
    sign_in(page, olena.email)
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text(olena.name)
    tutors = page.locator("[data-testid='tutors']")
    expect(tutors).to_contain_text(anna.name)
    expect(tutors.locator("li")).to_have_count(1)
    expect(tutors.locator(f"li[data-link-id='{olena_link.pk}']")).to_have_count(1)
    expect(main).not_to_contain_text(ben.name)
    expect(main).to_contain_text(demo.TUTOR_ANNA.classroom)
    expect(main).not_to_contain_text(demo.TUTOR_BEN.classroom)

    sign_out(page)

    # --- a tutor: her three students and the incoming request, none of Ben's -------------
    sign_in(page, anna.email)
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text(anna.name)
    expect(page.locator("[data-count='students']")).to_have_text("3")
    request = TutorStudent.objects.get(status=TutorStudent.Status.REQUESTED)
    requests = page.locator("[data-testid='requests']")
    expect(page.locator("[data-count='requests']")).to_have_text("1")
    expect(requests.locator(f"li[data-link-id='{request.pk}']")).to_contain_text(
        demo.REQUESTING_STUDENT.name
    )
    expect(main).not_to_contain_text(ben.name)
    expect(main).to_contain_text(demo.TUTOR_ANNA.classroom)
    expect(main).not_to_contain_text(demo.TUTOR_BEN.classroom)

    # Her students, one click away: exactly her three accounts, not Ben's namesakes.
    main.get_by_role("link", name="See my students").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("people:students"))))
    rows = page.locator("[data-testid='students'] tbody tr")
    expect(rows).to_have_count(3)
    shown = {int(pk) for pk in rows.evaluate_all("rs => rs.map(r => r.dataset.studentId)")}
    assert shown == {s.pk for s in anna_students}
    assert shown.isdisjoint({s.pk for s in ben_students})
    html = page.content()
    for student in anna_students:
        assert student.email in html
    for student in ben_students:
        assert student.email not in html

    # Ben's student of the same name is not hers to open, by link or by typed address.
    namesake = next(s for s in ben_students if s.email == demo.TUTOR_BEN.students[0].email)
    response = page.goto(reverse("people:student_detail", args=[namesake.pk]))
    assert response is not None and response.status == 404

    page.goto(reverse("people:dashboard"))
    sign_out(page)

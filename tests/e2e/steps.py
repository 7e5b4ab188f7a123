"""Steps every browser test takes: signing in through the site's own form, starting over."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from people import demo


def sign_in(page: Page, email: str) -> None:
    """The site's own login form (the demo password); it lands on the dashboard."""
    page.goto(reverse("people:login"))
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(demo.DEMO_PASSWORD)
    form.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("people:dashboard")) + "$"))


def start_over(page: Page) -> None:
    """Forget the session: the next person signs in on a clean browser."""
    page.context.clear_cookies()

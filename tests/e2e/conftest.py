"""Browser tests: Playwright's sync API driving Debian's Chromium against `live_server`.

Browsers cannot be downloaded on these machines, so Playwright launches the system
Chromium (`apt-get install chromium`, which `.ci/run` does). Without it the browser tests
are skipped on a developer's machine, and fail when TUTORFLOW_REQUIRE_BROWSER=1 (CI sets
it), so that CI can never pass by skipping them.

A browser test needs committed data (the live server answers from another thread), so it
is a transactional test; `migrated_db` (tests/conftest.py) starts it from the migrated
state and puts that state back afterwards.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("TUTORFLOW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Milliseconds Playwright waits for a page or an element before failing.
TIMEOUT_MS = 20_000


def browser_required() -> bool:
    return os.environ.get("TUTORFLOW_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium per test module; skip (or fail in CI) when it is missing.

    Module scope, not session: Playwright's event loop lives as long as the browser, and
    tests outside tests/e2e should not run beside it.
    """
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with "
            "`apt-get update && apt-get install -y chromium` to run the browser tests."
        )
        if browser_required():
            pytest.fail(f"TUTORFLOW_REQUIRE_BROWSER=1 and {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in this thread while the browser
    # lives; Django's ORM would then refuse to run from the test (SynchronousOnlyOperation)
    # although nothing here is async. Set only for the browser's lifetime, so that it does
    # not leak into other tests (or into `check --deploy`, which rejects it).
    with (
        pytest.MonkeyPatch.context() as patch,
        sync_playwright() as playwright,
    ):
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(migrated_db, chromium_browser, live_server):
    """A fresh browser context (no cookies) with one page, in English, at the live server."""
    context = chromium_browser.new_context(locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()

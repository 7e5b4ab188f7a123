"""Browser tests: Playwright's sync API driving Debian's Chromium against `live_server`.

Browsers cannot be downloaded on these machines, so Playwright launches the system
Chromium (`apt-get install chromium`, which `.ci/run` does). Without it the browser tests
are skipped on a developer's machine, and fail when TUTORFLOW_REQUIRE_BROWSER=1 (CI sets
it), so that CI can never pass by skipping them.

A browser test needs committed data (the live server answers from another thread), so it
is a transactional test, and those empty every table when they end: the rows that
Wagtail's and our data migrations made (locales, the root and home pages, the site, groups,
levels) included. So the migrated state is serialized once per session, before any browser
starts, and put back before and after each browser test: every browser test starts from
it, and the tests that follow and the next `--reuse-db` run find it intact.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

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


class _MigratedState:
    """The test database's contents right after migrating, and the means to restore them."""

    snapshot: str | None = None
    blocker = None

    @classmethod
    def restore(cls) -> None:
        """Empty every table and reload the snapshot.

        post_migrate stays quiet (the snapshot already holds the content types and
        permissions it would recreate), and the sequences are set past the reloaded ids,
        as loaddata does, so that PostgreSQL does not hand out an id that is taken.
        """
        if cls.snapshot is None or cls.blocker is None:
            return
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        with cls.blocker.unblock():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(cls.snapshot)
            tables = set(connection.introspection.table_names())
            models = [
                model
                for model in apps.get_models(include_auto_created=True)
                if model._meta.db_table in tables
            ]
            statements = connection.ops.sequence_reset_sql(no_style(), models)
            if statements:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def _migrated_state(django_db_setup, django_db_blocker):
    """Serialize the migrated test database once, before any browser (and its loop) starts."""
    from django.db import connection
    from wagtail.models import Locale, Site

    with django_db_blocker.unblock():
        if not (Locale.objects.exists() and Site.objects.exists()):
            pytest.fail(
                "The reused test database has lost the rows its data migrations made; "
                "run pytest once with --create-db.",
                pytrace=False,
            )
        _MigratedState.snapshot = connection.creation.serialize_db_to_string()
    _MigratedState.blocker = django_db_blocker


@pytest.fixture
def migrated_db(transactional_db):
    """A transactional database holding exactly what the migrations made."""
    _MigratedState.restore()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Once a browser test's fixtures are torn down (and its tables emptied), refill them."""
    try:
        return (yield)
    finally:
        if "migrated_db" in getattr(item, "fixturenames", ()):
            _MigratedState.restore()


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

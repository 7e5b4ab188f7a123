"""Shared fixtures: one user of each role, and a second tenant to prove isolation."""

import pytest
from django.core.management import call_command
from django.utils import translation

from tests import factories


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


@pytest.fixture(scope="session")
def _migrated_state(django_db_setup, django_db_blocker):
    """Serialize the migrated test database once per session (and per test worker).

    Transactional tests (threads racing on PostgreSQL, browser tests against the live
    server) commit for real, and Django empties every table after them: the rows that
    Wagtail's and our data migrations made (locales, the root and home pages, the site,
    groups, levels, schedules) included. The snapshot taken here is put back after each
    of them, so the tests that follow and the next `--reuse-db` run find it intact.
    """
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
def migrated_db(_migrated_state, transactional_db):
    """A transactional database holding exactly what the migrations made."""
    _MigratedState.restore()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"migrated_db", "transactional_db", "live_server"})


@pytest.fixture(autouse=True)
def _snapshot_before_transactional(request):
    """Take the snapshot before the first transactional test of the session runs (until
    then no test has committed anything, so the database holds what migrations made)."""
    if _is_transactional(request.node):
        request.getfixturevalue("_migrated_state")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Once a transactional test's fixtures are torn down (and its tables emptied by
    Django's flush), refill them, so the tests that follow find the migrated rows."""
    try:
        return (yield)
    finally:
        if _is_transactional(item):
            _MigratedState.restore()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in English: a request in another language leaves it active."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def student(db):
    return factories.StudentFactory(email="student@example.test")


@pytest.fixture
def parent(db, student):
    """A parent of `student`."""
    parent = factories.ParentFactory(email="parent@example.test")
    factories.GuardianshipFactory(parent=parent, student=student)
    return parent


@pytest.fixture
def tutor(db, student):
    """A listed tutor with an active link to `student`."""
    tutor = factories.ListedTutorFactory(email="tutor@example.test")
    factories.TutorStudentFactory(tutor=tutor, student=student)
    return tutor


@pytest.fixture
def other_tutor(db):
    """A tutor of another tenant, with a student of their own."""
    tutor = factories.ListedTutorFactory(email="other-tutor@example.test")
    factories.TutorStudentFactory(tutor=tutor, student=factories.StudentFactory())
    return tutor


@pytest.fixture
def other_student(db):
    return factories.StudentFactory(email="other-student@example.test")


@pytest.fixture
def other_parent(db, other_student):
    parent = factories.ParentFactory(email="other-parent@example.test")
    factories.GuardianshipFactory(parent=parent, student=other_student)
    return parent


@pytest.fixture
def manager(db):
    return factories.ManagerFactory(email="manager@example.test")


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory(email="admin@example.test")


@pytest.fixture
def client_for(client):
    """Sign a user in on the test client: client_for(user) returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login

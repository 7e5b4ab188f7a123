"""Shared fixtures: one user of each role, and a second tenant to prove isolation."""

import pytest
from django.utils import translation

from tests import factories


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

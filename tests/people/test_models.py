"""Database-level rules of people's models."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from people.models import TutorStudent
from people.roles import Role
from tests import factories


@pytest.mark.django_db
def test_user_factory_syncs_role_groups_and_profiles():
    tutor = factories.TutorFactory()
    admin = factories.AdminFactory()
    assert list(tutor.groups.values_list("name", flat=True)) == ["Tutors"]
    assert tutor.tutor_profile is not None
    assert admin.is_superuser and admin.role == Role.ADMIN


@pytest.mark.django_db
def test_only_one_open_link_per_pair(student, tutor):
    with pytest.raises(IntegrityError), transaction.atomic():
        TutorStudent.objects.create(tutor=tutor, student=student, status="requested")
    # History rows (ended) are allowed alongside.
    TutorStudent.objects.create(tutor=tutor, student=student, status="ended")


@pytest.mark.django_db
def test_email_login_is_case_insensitive(rf):
    factories.StudentFactory(email="mixed@example.test")
    request = rf.post("/accounts/login/")
    user = authenticate(request, username="MIXED@example.test", password=factories.DEFAULT_PASSWORD)
    assert user is not None and user.email == "mixed@example.test"

"""Course fixtures: tutor sections and a moderator.

Sections are made by the real service, so every test runs against the permissions tutors
really get.
"""

import pytest
from django.contrib.auth.models import Group

from courses.services.sections import tutor_section_ensure
from people.roles import GROUP_MODERATORS
from tests import factories


@pytest.fixture
def section(tutor):
    """`tutor`'s section (and the catalog, group and collection that come with it)."""
    return tutor_section_ensure(tutor=tutor)


@pytest.fixture
def other_section(other_tutor):
    return tutor_section_ensure(tutor=other_tutor)


@pytest.fixture
def catalog(section):
    return section.get_parent().specific


@pytest.fixture
def moderator(db):
    """A non-superuser member of the Moderators group: approval must not rely on superuser."""
    user = factories.ManagerFactory(email="moderator@example.test")
    user.groups.add(Group.objects.get(name=GROUP_MODERATORS))
    return user

"""`manage.py seed_demo`: what it creates, that a second run changes nothing, and --flush."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from wagtail.models import Page

from home.models import HomePage, StandardPage
from messaging.models import Notification
from people import demo
from people.models import (
    Classroom,
    ClassroomMembership,
    Guardianship,
    GuardianshipInvitation,
    StudentProfile,
    Subject,
    TutorProfile,
    TutorStudent,
    User,
)
from people.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Row counts and a fingerprint of every table the seed writes to."""
    return {
        "users": sorted(demo.demo_users().values_list("pk", "email", "role", "password")),
        "links": sorted(TutorStudent.objects.values_list("pk", "tutor_id", "student_id", "status")),
        "classrooms": Classroom.objects.count(),
        "memberships": ClassroomMembership.objects.count(),
        "guardianships": Guardianship.objects.count(),
        "invitations": sorted(GuardianshipInvitation.objects.values_list("pk", "status")),
        "subjects": sorted(Subject.objects.values_list("pk", "slug")),
        "tutor_profiles": sorted(
            TutorProfile.objects.values_list("pk", "bio", "hourly_rate", "listed_in_directory")
        ),
        "student_profiles": StudentProfile.objects.count(),
        "notifications": Notification.objects.count(),
        "pages": sorted(Page.objects.values_list("pk", "slug", "live", "latest_revision_id")),
    }


def test_first_run_creates_the_demo_school(rf):
    output = seed()

    users = demo.demo_users()
    assert users.count() == 13
    assert dict(
        (role, users.filter(role=role).count())
        for role in (Role.ADMIN, Role.MANAGER, Role.TUTOR, Role.STUDENT, Role.PARENT)
    ) == {Role.ADMIN: 1, Role.MANAGER: 1, Role.TUTOR: 2, Role.STUDENT: 7, Role.PARENT: 2}
    assert all(u.email.endswith("@demo.tutorflow.test") for u in users)

    anna = User.objects.get(email=demo.TUTOR_ANNA.user.email)
    ben = User.objects.get(email=demo.TUTOR_BEN.user.email)
    for tutor in (anna, ben):
        profile = tutor.tutor_profile
        assert profile.listed_in_directory
        assert profile.subjects.count() == 3
        assert profile.levels.exists() and profile.languages.exists()
        assert profile.hourly_rate > 0
        assert TutorStudent.objects.filter(tutor=tutor, status="active").count() == 3
        assert Classroom.objects.filter(tutor=tutor).count() == 1
        assert ClassroomMembership.objects.filter(classroom__tutor=tutor).exists()

    pending = TutorStudent.objects.get(status=TutorStudent.Status.REQUESTED)
    assert pending.tutor == anna and pending.student.email == demo.REQUESTING_STUDENT.email
    assert Guardianship.objects.count() == 2
    parents_tutors = {
        g.student.tutor_links.get(status="active").tutor for g in Guardianship.objects.all()
    }
    assert parents_tutors == {anna, ben}, "each parent's child belongs to a different tenant"
    assert GuardianshipInvitation.objects.filter(status="pending").count() == 1

    assert set(Subject.objects.values_list("name", flat=True)) == {
        "Mathematics",
        "English",
        "Physics",
        "Ukrainian",
        "Chemistry",
    }
    # No e-mail goes to the undeliverable demo addresses.
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    home = HomePage.objects.get(depth=2, alias_of__isnull=True)  # not the Ukrainian alias
    assert home.intro and home.hero_title
    children = {p.slug: p for p in StandardPage.objects.child_of(home)}
    assert set(children) == {"about", "faq"}
    assert all(p.live and p.latest_revision_id for p in children.values())

    # The printed logins work with the documented password.
    assert demo.DEMO_PASSWORD in output
    for spec in demo.ALL_USERS:
        assert spec.email in output
    request = rf.post("/accounts/login/")
    admin = authenticate(request, username=demo.ADMIN.email, password=demo.DEMO_PASSWORD)
    assert admin is not None
    assert User.objects.get(email=demo.ADMIN.email).is_superuser


def test_second_run_changes_nothing_and_says_so():
    first = seed()
    before = snapshot()

    second = seed()

    assert snapshot() == before
    assert "nothing changed" in second
    assert "nothing changed" not in first
    assert "Demo data created" not in second


def test_students_share_names_across_tenants_with_different_accounts():
    seed()
    for first_name, last_name in demo.STUDENT_NAMES:
        namesakes = list(User.objects.filter(first_name=first_name, last_name=last_name))
        assert len(namesakes) == 2
        assert namesakes[0].pk != namesakes[1].pk
        assert namesakes[0].email != namesakes[1].email
        tutors = {
            TutorStudent.objects.get(student=s, status="active").tutor.email for s in namesakes
        }
        assert tutors == {demo.TUTOR_ANNA.user.email, demo.TUTOR_BEN.user.email}


def test_flush_removes_only_demo_data():
    outsider = factories.StudentFactory(email="real.student@example.test")
    real_tutor = factories.ListedTutorFactory(email="real.tutor@example.test")
    seed()
    maths = Subject.objects.get(slug="mathematics")
    factories.tutor_profile(real_tutor, subjects=[maths])
    factories.TutorStudentFactory(tutor=real_tutor, student=outsider)

    output = seed("--flush")

    assert not demo.demo_users().exists()
    assert User.objects.filter(pk__in=[outsider.pk, real_tutor.pk]).count() == 2
    assert TutorStudent.objects.filter(tutor=real_tutor, student=outsider).exists()
    assert not Classroom.objects.exists()
    assert not Guardianship.objects.exists()
    assert not GuardianshipInvitation.objects.exists()
    # The subject a real tutor teaches stays; the other demo subjects go.
    assert list(Subject.objects.values_list("slug", flat=True)) == ["mathematics"]
    assert "Removed 13 demo accounts" in output
    assert "Mathematics" in output.split("Kept subjects")[1]

    assert "nothing removed" in seed("--flush")


def test_seeding_again_after_a_flush_rebuilds_the_school():
    seed()
    seed("--flush")
    output = seed()
    assert "Demo data created" in output
    assert demo.demo_users().count() == 13
    assert StandardPage.objects.filter(slug__in=["about", "faq"]).count() == 2


def test_refuses_to_seed_with_production_settings(settings):
    settings.SETTINGS_MODULE = "tutorflow.settings.production"
    with pytest.raises(CommandError, match="production settings"):
        seed()
    assert not demo.demo_users().exists()

"""No form or API body changes what its author may not: role, staff flags, groups, e-mail,
ids, owners, points or coins. Signing up gives one of the three self-signup roles only.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.rewards.models import Reason
from courses.rewards.selectors import Balances, balances_for
from courses.rewards.services import points_award
from people.models import StudentProfile, TutorProfile, User
from people.roles import GROUP_MODERATORS, GROUP_TUTORS, Role
from tests import factories

SIGNUP_URL = reverse("people:signup")
PROFILE_URL = reverse("people:profile")
API_URL = reverse("people:api_me_profile")
PASSWORD = "Plum-Orchard-Lantern-93"


def _give_points(student, amount: int) -> None:
    """Points (and the coins they convert into) from the rewards ledger."""
    points_award(
        student=student, amount=amount, reason=Reason.ADJUSTMENT, idempotency_key="test:points"
    )


def _snapshot(user: User) -> dict:
    """Everything about an account that its owner must not be able to change."""
    user = User.objects.get(pk=user.pk)
    data = {
        "email": user.email,
        "role": user.role,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_active": user.is_active,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "password": user.password,
    }
    student_profile = StudentProfile.objects.filter(user=user).first()
    if student_profile:
        balances = balances_for(user)
        data |= {
            "points": balances.points,
            "coins": balances.coins,
            "student_profile_pk": student_profile.pk,
        }
    tutor_profile = TutorProfile.objects.filter(user=user).first()
    if tutor_profile:
        data |= {"tutor_profile_pk": tutor_profile.pk, "bio": tutor_profile.bio}
    return data


def _hostile_fields(victim: User) -> dict:
    moderators = Group.objects.get(name=GROUP_MODERATORS)
    return {
        "role": Role.ADMIN.value,
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "groups": [moderators.pk],
        "user_permissions": ["1"],
        "email": victim.email,
        "id": victim.pk,
        "pk": victim.pk,
        "user": victim.pk,
        "user_id": victim.pk,
        "points": 9999,
        "coins": 9999,
        "password": "hijacked",
    }


# --- sign-up --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_signup_with_a_staff_role_is_refused(client, role):
    response = client.post(
        SIGNUP_URL,
        {
            "email": "climber@example.test",
            "first_name": "Ada",
            "last_name": "Climber",
            "role": role.value,
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(email="climber@example.test").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STUDENT, Role.PARENT, Role.TUTOR])
def test_signup_ignores_every_extra_field(client, other_student, role):
    hostile = _hostile_fields(other_student)
    hostile.pop("role")
    hostile.pop("email")
    victim_before = _snapshot(other_student)
    response = client.post(
        SIGNUP_URL,
        {
            **hostile,
            "email": "newcomer@example.test",
            "first_name": "Ada",
            "last_name": "Newcomer",
            "role": role.value,
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.test")
    assert user.pk != other_student.pk
    assert user.role == role
    assert not user.is_staff and not user.is_superuser
    assert sorted(user.groups.values_list("name", flat=True)) == (
        sorted([GROUP_TUTORS, f"Tutor section #{user.pk}"]) if role == Role.TUTOR else []
    )
    assert user.check_password(PASSWORD)
    if role == Role.STUDENT:
        assert balances_for(user) == Balances(points=0, coins=0)
    assert _snapshot(other_student) == victim_before


@pytest.mark.django_db
def test_signup_cannot_take_over_an_existing_email(client, other_student):
    before = _snapshot(other_student)
    response = client.post(
        SIGNUP_URL,
        {
            "email": other_student.email.upper(),
            "first_name": "Eve",
            "last_name": "Imposter",
            "role": Role.STUDENT.value,
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert _snapshot(other_student) == before
    assert "_auth_user_id" not in response.client.session


# --- profile screen --------------------------------------------------------------------------


def _profile_post() -> dict:
    return {
        "first_name": "Legit",
        "last_name": "Change",
        "timezone": "Europe/Warsaw",
        "preferred_language": "en",
        "currency": "EUR",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["student", "parent", "tutor", "manager"])
def test_profile_form_ignores_every_protected_field(request, client_for, other_tutor, fixture):
    user = request.getfixturevalue(fixture)
    if fixture == "student":
        _give_points(user, 25)  # 25 points, 2 coins
    victim = other_tutor
    before, victim_before = _snapshot(user), _snapshot(victim)

    response = client_for(user).post(PROFILE_URL, {**_hostile_fields(victim), **_profile_post()})
    assert response.status_code == 302

    after = _snapshot(user)
    if fixture == "tutor":  # a tutor's bio is theirs to change
        before.pop("bio")
        after.pop("bio")
    assert after == before
    assert _snapshot(victim) == victim_before
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.first_name, fresh.timezone) == ("Legit", "Europe/Warsaw")
    assert TutorProfile.objects.filter(user=victim).count() == 1


@pytest.mark.django_db
def test_profile_form_cannot_write_into_another_users_profile(client_for, tutor, other_tutor):
    victim_profile = other_tutor.tutor_profile
    response = client_for(tutor).post(
        PROFILE_URL,
        {
            **_profile_post(),
            "bio": "written by tutor",
            "user": other_tutor.pk,
            "id": victim_profile.pk,
            "tutor_profile": victim_profile.pk,
        },
    )
    assert response.status_code == 302
    assert TutorProfile.objects.get(pk=victim_profile.pk).bio == ""
    assert TutorProfile.objects.get(user=tutor).bio == "written by tutor"


# --- API ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["student", "parent", "tutor", "admin_user"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_api_ignores_every_protected_field(request, client_for, other_student, fixture, method):
    user = request.getfixturevalue(fixture)
    before, victim_before = _snapshot(user), _snapshot(other_student)
    hostile = _hostile_fields(other_student)
    hostile["groups"] = ["Moderators"]
    hostile["is_staff"] = hostile["is_superuser"] = fixture != "admin_user"
    hostile["is_active"] = False
    payload = {
        **hostile,
        "first_name": "Api",
        "profile": {
            "id": other_student.student_profile.pk,
            "user": other_student.pk,
            "points": 123456,
            "coins": 654321,
            "goals": "mine",
        },
    }
    response = getattr(client_for(user), method)(API_URL, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == user.pk
    assert body["email"] == user.email
    assert body["role"] == user.role

    after = _snapshot(user)
    assert after == before
    assert _snapshot(other_student) == victim_before
    assert User.objects.get(pk=user.pk).first_name == "Api"
    if fixture == "student":
        assert body["profile"]["points"] == 0 and body["profile"]["coins"] == 0
        assert User.objects.get(pk=user.pk).student_profile.goals == "mine"
    assert StudentProfile.objects.get(user=other_student).goals == ""


@pytest.mark.django_db
def test_role_changes_only_through_the_admin_service(client_for, tutor):
    """Neither the profile screen nor the API offers a way to change one's role."""
    client = client_for(tutor)
    client.post(PROFILE_URL, {**_profile_post(), "role": Role.STUDENT.value})
    client.patch(API_URL, {"role": Role.STUDENT.value}, content_type="application/json")
    fresh = User.objects.get(pk=tutor.pk)
    assert fresh.role == Role.TUTOR
    assert list(fresh.groups.values_list("name", flat=True)) == [GROUP_TUTORS]
    assert not StudentProfile.objects.filter(user=fresh).exists()
    assert fresh.check_password(factories.DEFAULT_PASSWORD)

"""GET/PUT/PATCH /api/me/profile/: the signed-in user's own profile as JSON."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image

from courses.rewards.models import Reason
from courses.rewards.services import points_award
from people.models import Level, User
from people.roles import Role
from tests import factories

API_URL = reverse("people:api_me_profile")
ACCOUNT_KEYS = {
    "id",
    "email",
    "first_name",
    "last_name",
    "role",
    "timezone",
    "preferred_language",
    "avatar",
    "profile",
}


def png_file(name="avatar.png", size=(8, 8)) -> SimpleUploadedFile:
    """A small real PNG, made in memory."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _put(client, data, method="put"):
    return getattr(client, method)(API_URL, data, content_type="application/json")


@pytest.fixture
def subjects(db):
    return [
        factories.SubjectFactory(name="Mathematics", slug="mathematics"),
        factories.SubjectFactory(name="Physics", slug="physics"),
    ]


# --- reading --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_anonymous_gets_403(client, method):
    response = getattr(client, method)(API_URL, {}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.django_db
def test_tutor_representation(client_for, tutor, subjects):
    factories.tutor_profile(
        tutor,
        subjects=subjects,
        levels=[Level.objects.get(code="university")],
        languages=list(tutor.tutor_profile.languages.model.objects.filter(code__in=["en", "uk"])),
        hourly_rate=Decimal("30"),
        currency="GBP",
        bio="Maths and physics.",
    )
    response = client_for(tutor).get(API_URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ACCOUNT_KEYS
    assert body["id"] == tutor.pk
    assert body["email"] == "tutor@example.test"
    assert body["role"] == Role.TUTOR
    assert body["timezone"] == "UTC"
    assert body["preferred_language"] == "en"
    assert body["avatar"] is None
    profile = body["profile"]
    assert set(profile) == {
        "subjects",
        "levels",
        "languages",
        "hourly_rate",
        "currency",
        "bio",
        "listed_in_directory",
    }
    assert sorted(profile["subjects"]) == ["mathematics", "physics"]
    assert profile["levels"] == ["university"]
    assert sorted(profile["languages"]) == ["en", "uk"]
    assert profile["hourly_rate"] == "30.00"
    assert profile["currency"] == "GBP"
    assert profile["bio"] == "Maths and physics."
    assert profile["listed_in_directory"] is True


@pytest.mark.django_db
def test_student_representation(client_for, student):
    profile = student.student_profile
    profile.grade = "Year 9"
    profile.save()
    # Balances are the rewards ledgers' sums: 32 points, which converted into 3 coins.
    points_award(
        student=student, amount=32, reason=Reason.ADJUSTMENT, idempotency_key="test:points"
    )
    body = client_for(student).get(API_URL).json()
    assert set(body) == ACCOUNT_KEYS
    assert body["role"] == Role.STUDENT
    assert body["profile"] == {
        "goals": "",
        "level": None,
        "grade": "Year 9",
        "points": 32,
        "coins": 3,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["parent", "manager", "admin_user"])
def test_roles_without_a_profile_answer_null(request, client_for, fixture):
    user = request.getfixturevalue(fixture)
    body = client_for(user).get(API_URL).json()
    assert set(body) == ACCOUNT_KEYS
    assert body["profile"] is None
    assert body["role"] == user.role


# --- writing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tutor_put_updates_everything(client_for, tutor, subjects):
    client = client_for(tutor)
    response = _put(
        client,
        {
            "first_name": "Lesya",
            "last_name": "Ukrainka",
            "timezone": "Europe/Kyiv",
            "preferred_language": "uk",
            "profile": {
                "subjects": ["physics"],
                "levels": ["high-school", "university"],
                "languages": ["uk"],
                "hourly_rate": "19.90",
                "currency": "UAH",
                "bio": "Poetry and physics",
                "listed_in_directory": False,
            },
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["first_name"] == "Lesya"
    assert body["profile"]["subjects"] == ["physics"]
    assert body["profile"]["hourly_rate"] == "19.90"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"

    fresh = User.objects.get(pk=tutor.pk)
    assert (fresh.first_name, fresh.last_name, fresh.timezone, fresh.preferred_language) == (
        "Lesya",
        "Ukrainka",
        "Europe/Kyiv",
        "uk",
    )
    profile = fresh.tutor_profile
    assert [s.slug for s in profile.subjects.all()] == ["physics"]
    assert set(profile.levels.values_list("code", flat=True)) == {"high-school", "university"}
    assert list(profile.languages.values_list("code", flat=True)) == ["uk"]
    assert profile.hourly_rate == Decimal("19.90")
    assert profile.currency == "UAH"
    assert profile.listed_in_directory is False


@pytest.mark.django_db
def test_patch_changes_only_what_is_sent(client_for, tutor, subjects):
    factories.tutor_profile(tutor, subjects=subjects, bio="Stays", hourly_rate=Decimal("5"))
    before = User.objects.get(pk=tutor.pk)
    response = _put(client_for(tutor), {"last_name": "Patched"}, method="patch")
    assert response.status_code == 200
    fresh = User.objects.get(pk=tutor.pk)
    assert fresh.last_name == "Patched"
    assert fresh.first_name == before.first_name
    assert fresh.tutor_profile.bio == "Stays"
    assert fresh.tutor_profile.hourly_rate == Decimal("5.00")
    assert fresh.tutor_profile.subjects.count() == 2


@pytest.mark.django_db
def test_what_get_returns_can_be_put_back(client_for, parent):
    client = client_for(parent)
    response = _multipart_patch(client, {"avatar": png_file()})
    assert response.status_code == 200, response.content
    body = client.get(API_URL).json()
    assert body["avatar"].startswith("http://testserver/")
    body["first_name"] = "Round"
    response = _put(client, body)
    assert response.status_code == 200, response.content
    fresh = User.objects.get(pk=parent.pk)
    assert fresh.first_name == "Round"
    assert fresh.avatar  # the URL sent back left the avatar alone


def _multipart_patch(client, fields: dict):
    """PATCH a multipart body (the test client encodes multipart only for POST by itself)."""
    return client.patch(API_URL, encode_multipart(BOUNDARY, fields), content_type=MULTIPART_CONTENT)


@pytest.mark.django_db
def test_student_put_updates_learning_profile(client_for, student):
    response = _put(
        client_for(student),
        {"profile": {"goals": "Get an A", "level": "exam-prep", "grade": "11"}},
        method="patch",
    )
    assert response.status_code == 200, response.content
    assert response.json()["profile"]["level"] == "exam-prep"
    profile = User.objects.get(pk=student.pk).student_profile
    assert (profile.goals, profile.level.code, profile.grade) == ("Get an A", "exam-prep", "11")

    response = _put(client_for(student), {"profile": {"level": None}}, method="patch")
    assert response.status_code == 200
    assert User.objects.get(pk=student.pk).student_profile.level is None


@pytest.mark.django_db
def test_avatar_upload_and_clear(client_for, parent, django_capture_on_commit_callbacks):
    client = client_for(parent)
    response = _multipart_patch(client, {"avatar": png_file()})
    assert response.status_code == 200, response.content
    stored = User.objects.get(pk=parent.pk).avatar
    assert stored and response.json()["avatar"].endswith(stored.url)
    storage, name = stored.storage, stored.name

    with django_capture_on_commit_callbacks(execute=True):
        response = _put(client, {"avatar": None}, method="patch")
    assert response.status_code == 200
    assert response.json()["avatar"] is None
    assert not User.objects.get(pk=parent.pk).avatar
    assert not storage.exists(name)


@pytest.mark.django_db
def test_oversized_avatar_is_refused(client_for, parent, settings):
    settings.AVATAR_MAX_UPLOAD_SIZE = 50
    response = _multipart_patch(
        client_for(parent), {"avatar": png_file(size=(64, 64)), "first_name": "Nope"}
    )
    assert response.status_code == 400
    assert "avatar" in response.json()
    fresh = User.objects.get(pk=parent.pk)
    assert not fresh.avatar
    assert fresh.first_name != "Nope"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "error_path"),
    [
        ({"timezone": "Atlantis/Capital"}, ("timezone",)),
        ({"preferred_language": "xx"}, ("preferred_language",)),
        ({"first_name": ""}, ("first_name",)),
        ({"profile": {"hourly_rate": "-5"}}, ("profile", "hourly_rate")),
        ({"profile": {"hourly_rate": "lots"}}, ("profile", "hourly_rate")),
        ({"profile": {"subjects": ["alchemy"]}}, ("profile", "subjects")),
        ({"profile": {"subjects": "mathematics"}}, ("profile", "subjects")),
        ({"profile": {"levels": ["kindergarten"]}}, ("profile", "levels")),
        ({"profile": {"languages": ["tlh"]}}, ("profile", "languages")),
        ({"profile": {"currency": "DOGE"}}, ("profile", "currency")),
        ({"profile": "not an object"}, ("profile",)),
    ],
)
def test_bad_values_answer_400_and_change_nothing(client_for, tutor, subjects, payload, error_path):
    before = User.objects.get(pk=tutor.pk)
    body = {
        "first_name": "Changed",
        "last_name": "Changed",
        "profile": {"bio": "changed", "subjects": ["mathematics"]},
    }
    for key, value in payload.items():
        if key == "profile" and isinstance(value, dict):
            body["profile"] = {**body["profile"], **value}
        else:
            body[key] = value
    response = _put(client_for(tutor), body)
    assert response.status_code == 400
    errors = response.json()
    for key in error_path:
        assert key in errors, errors
        errors = errors[key]
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    fresh = User.objects.get(pk=tutor.pk)
    assert (fresh.first_name, fresh.last_name) == (before.first_name, before.last_name)
    assert fresh.tutor_profile.bio == ""
    assert fresh.tutor_profile.subjects.count() == 0


@pytest.mark.django_db
def test_student_bad_level_is_400(client_for, student):
    response = _put(client_for(student), {"profile": {"level": "nope"}}, method="patch")
    assert response.status_code == 400
    assert "level" in response.json()["profile"]


@pytest.mark.django_db
def test_malformed_json_is_400(client_for, parent):
    response = client_for(parent).put(API_URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.django_db
def test_writes_need_the_csrf_token(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.get(API_URL).status_code == 200
    response = _put(client, {"first_name": "Forged"}, method="patch")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert User.objects.get(pk=student.pk).first_name != "Forged"


@pytest.mark.django_db
def test_delete_and_post_are_not_allowed(client_for, student):
    client = client_for(student)
    assert client.delete(API_URL).status_code == 405
    assert client.post(API_URL, {}, content_type="application/json").status_code == 405
    assert User.objects.filter(pk=student.pk).exists()

"""The profile and settings screen (/me/profile/) and the profile_update service."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import Locale

from courses.rewards.selectors import Balances, balances_for
from people.models import Language, Level, User
from people.roles import Role
from people.services.profile import profile_update
from tests import factories

PROFILE_URL = reverse("people:profile")


def png_file(name="avatar.png", size=(8, 8), color=(200, 30, 30)) -> SimpleUploadedFile:
    """A small real PNG, made in memory."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _common(user, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": user.timezone,
        "preferred_language": user.preferred_language,
    }
    data.update(overrides)
    return data


@pytest.fixture
def subjects(db):
    return [
        factories.SubjectFactory(name="Mathematics", slug="mathematics"),
        factories.SubjectFactory(name="Physics", slug="physics"),
    ]


def _tutor_post(tutor, subjects, **overrides):
    data = _common(tutor, first_name="Taras", last_name="Shevchenko", timezone="Europe/Kyiv") | {
        "subjects": [s.pk for s in subjects],
        "levels": [Level.objects.get(code="high-school").pk],
        "languages": [Language.objects.get(code="uk").pk, Language.objects.get(code="en").pk],
        "hourly_rate": "25.50",
        "currency": "UAH",
        "bio": "  I teach maths.  ",
        "listed_in_directory": "on",
    }
    data.update(overrides)
    return data


def _field_names(response) -> set[str]:
    names = set(response.context["account_form"].fields)
    if response.context["profile_form"] is not None:
        names |= set(response.context["profile_form"].fields)
    return names


# --- who may open it, and what they see -----------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('people:login')}?next={PROFILE_URL}"


COMMON = {"first_name", "last_name", "avatar", "timezone", "preferred_language"}
TUTOR_ONLY = {
    "subjects",
    "levels",
    "languages",
    "hourly_rate",
    "currency",
    "bio",
    "listed_in_directory",
}
STUDENT_ONLY = {"goals", "level", "grade"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "extra", "legend"),
    [
        ("tutor", TUTOR_ONLY, "Teaching"),
        ("student", STUDENT_ONLY, "Learning"),
        ("parent", set(), None),
        ("manager", set(), None),
        ("admin_user", set(), None),
    ],
)
def test_each_role_sees_its_own_fields(request, client_for, fixture, extra, legend):
    user = request.getfixturevalue(fixture)
    response = client_for(user).get(PROFILE_URL)
    assert response.status_code == 200
    assert "people/profile.html" in [t.name for t in response.templates]
    assert _field_names(response) == COMMON | extra
    html = response.content.decode()
    assert "<legend>Account</legend>" in html
    assert "<legend>Preferences</legend>" in html
    for name in COMMON | extra:
        assert f'for="id_{name}"' in html, name
    for name in (TUTOR_ONLY | STUDENT_ONLY) - extra:
        assert f'name="{name}"' not in html, name
    if legend:
        assert f"<legend>{legend}</legend>" in html
    else:
        assert 'data-testid="role-section"' not in html
    assert 'enctype="multipart/form-data"' in html
    assert reverse("people:password_change") in html


@pytest.mark.django_db
def test_form_shows_current_values(client_for, tutor, subjects):
    factories.tutor_profile(tutor, subjects=[subjects[1]], hourly_rate=Decimal("40.00"), bio="Hi")
    tutor.timezone = "Europe/Kyiv"
    tutor.save()
    response = client_for(tutor).get(PROFILE_URL)
    profile_form = response.context["profile_form"]
    assert profile_form["subjects"].value() == [subjects[1].pk]
    assert profile_form["hourly_rate"].value() == Decimal("40.00")
    assert profile_form["bio"].value() == "Hi"
    assert response.context["account_form"]["timezone"].value() == "Europe/Kyiv"


@pytest.mark.django_db
def test_time_zone_choices_are_every_known_zone_sorted(client_for, parent):
    import zoneinfo

    response = client_for(parent).get(PROFILE_URL)
    values = [v for v, _label in response.context["account_form"].fields["timezone"].choices]
    assert values == sorted(zoneinfo.available_timezones())
    assert 'value="Europe/Kyiv"' in response.content.decode()


@pytest.mark.django_db
def test_subject_choices_are_the_default_locale_only(client_for, tutor, subjects):
    ukrainian = Locale.objects.get_or_create(language_code="uk")[0]
    translated = subjects[0].copy_for_translation(ukrainian)
    translated.name = "Математика"
    translated.save()
    response = client_for(tutor).get(PROFILE_URL)
    queryset = response.context["profile_form"].fields["subjects"].queryset
    assert set(queryset) == set(subjects)
    assert "Математика" not in response.content.decode()


# --- saving -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_tutor_saves_everything_and_gets_the_new_language(client_for, tutor, subjects):
    client = client_for(tutor)
    response = client.post(PROFILE_URL, _tutor_post(tutor, subjects, preferred_language="uk"))
    assert response.status_code == 302
    assert response.url == PROFILE_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"

    tutor.refresh_from_db()
    profile = tutor.tutor_profile
    assert (tutor.first_name, tutor.last_name) == ("Taras", "Shevchenko")
    assert tutor.timezone == "Europe/Kyiv"
    assert tutor.preferred_language == "uk"
    assert set(profile.subjects.all()) == set(subjects)
    assert list(profile.levels.values_list("code", flat=True)) == ["high-school"]
    assert set(profile.languages.values_list("code", flat=True)) == {"uk", "en"}
    assert profile.hourly_rate == Decimal("25.50")
    assert profile.currency == "UAH"
    assert profile.bio == "I teach maths."
    assert profile.listed_in_directory is True

    # The next page speaks Ukrainian and confirms the save.
    response = client.get(PROFILE_URL)
    assert response.context["LANGUAGE_CODE"] == "uk"
    assert len(list(response.context["messages"])) == 1


@pytest.mark.django_db
def test_tutor_can_empty_the_lists_and_unlist(client_for, tutor, subjects):
    factories.tutor_profile(tutor, subjects=subjects, listed_in_directory=True)
    data = _tutor_post(tutor, subjects, hourly_rate="")
    for key in ("subjects", "levels", "languages", "listed_in_directory"):
        data.pop(key)
    response = client_for(tutor).post(PROFILE_URL, data)
    assert response.status_code == 302
    profile = User.objects.get(pk=tutor.pk).tutor_profile
    assert profile.subjects.count() == 0
    assert profile.listed_in_directory is False
    assert profile.hourly_rate is None


@pytest.mark.django_db
def test_student_saves_learning_profile(client_for, student):
    response = client_for(student).post(
        PROFILE_URL,
        _common(student, first_name="Ivan")
        | {"level": Level.objects.get(code="university").pk, "grade": "Year 2", "goals": "Pass"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    profile = student.student_profile
    assert student.first_name == "Ivan"
    assert profile.level.code == "university"
    assert (profile.grade, profile.goals) == ("Year 2", "Pass")


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["parent", "manager", "admin_user"])
def test_other_roles_save_the_common_fields(request, client_for, fixture):
    user = request.getfixturevalue(fixture)
    response = client_for(user).post(
        PROFILE_URL,
        _common(user, last_name="Renamed", timezone="America/New_York", preferred_language="ru"),
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    user.refresh_from_db()
    assert (user.last_name, user.timezone, user.preferred_language) == (
        "Renamed",
        "America/New_York",
        "ru",
    )
    assert user.role == Role(fixture.replace("_user", ""))


# --- bad input changes nothing ---------------------------------------------------------------


def _assert_unchanged(user, snapshot):
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.first_name, fresh.timezone, fresh.preferred_language) == snapshot


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"first_name": ""}, "first_name"),
        ({"hourly_rate": "-1"}, "hourly_rate"),
        ({"hourly_rate": "abc"}, "hourly_rate"),
        ({"hourly_rate": "1.234"}, "hourly_rate"),
        ({"currency": "BTC"}, "currency"),
        ({"subjects": ["999999"]}, "subjects"),
        ({"levels": ["not-a-number"]}, "levels"),
        ({"bio": "x" * 4001}, "bio"),
    ],
)
def test_tutor_bad_input_is_refused_and_nothing_changes(
    client_for, tutor, subjects, overrides, field
):
    snapshot = (tutor.first_name, tutor.timezone, tutor.preferred_language)
    data = _tutor_post(tutor, subjects)
    data.update(overrides)
    response = client_for(tutor).post(PROFILE_URL, data)
    assert response.status_code == 200
    errors = {**response.context["account_form"].errors, **response.context["profile_form"].errors}
    assert field in errors
    assert "Nothing was saved yet" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    _assert_unchanged(tutor, snapshot)
    profile = User.objects.get(pk=tutor.pk).tutor_profile
    assert profile.subjects.count() == 0
    assert profile.hourly_rate is None
    assert profile.listed_in_directory is True  # the ListedTutorFactory's value, untouched


@pytest.mark.django_db
def test_student_bad_level_is_refused(client_for, student):
    response = client_for(student).post(PROFILE_URL, _common(student) | {"level": "999999"})
    assert response.status_code == 200
    assert "level" in response.context["profile_form"].errors
    assert User.objects.get(pk=student.pk).student_profile.level is None


# --- avatar -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_avatar_upload_show_and_clear(client_for, parent, django_capture_on_commit_callbacks):
    client = client_for(parent)
    response = client.post(PROFILE_URL, _common(parent) | {"avatar": png_file()})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.avatar.name.startswith("avatars/")
    stored_name = parent.avatar.name
    storage = parent.avatar.storage
    assert storage.exists(stored_name)

    response = client.get(PROFILE_URL)
    assert 'data-testid="current-avatar"' in response.content.decode()
    assert parent.avatar.url in response.content.decode()

    # Posting without a file keeps the avatar.
    client.post(PROFILE_URL, _common(parent, first_name="Kept"))
    parent.refresh_from_db()
    assert parent.avatar.name == stored_name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE_URL, _common(parent) | {"avatar-clear": "on"})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert not parent.avatar
    assert not storage.exists(stored_name)
    assert 'data-testid="current-avatar"' not in client.get(PROFILE_URL).content.decode()


@pytest.mark.django_db
def test_oversized_avatar_is_refused(client_for, parent, settings):
    settings.AVATAR_MAX_UPLOAD_SIZE = 50
    response = client_for(parent).post(
        PROFILE_URL, _common(parent, first_name="Changed") | {"avatar": png_file(size=(64, 64))}
    )
    assert response.status_code == 200
    assert "too large" in str(response.context["account_form"].errors["avatar"])
    parent.refresh_from_db()
    assert not parent.avatar
    assert parent.first_name != "Changed"


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused(client_for, parent):
    fake = SimpleUploadedFile("avatar.png", b"not really a png", content_type="image/png")
    response = client_for(parent).post(PROFILE_URL, _common(parent) | {"avatar": fake})
    assert response.status_code == 200
    assert "avatar" in response.context["account_form"].errors
    parent.refresh_from_db()
    assert not parent.avatar


# --- the service ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_service_updates_tutor_with_ids_and_instances(tutor, subjects):
    english = Language.objects.get(code="en")
    user = profile_update(
        user=tutor,
        account_data={"first_name": " Ada ", "timezone": "Asia/Tokyo"},
        profile_data={
            "subjects": [subjects[0].pk],
            "languages": [english],
            "hourly_rate": "12",
            "listed_in_directory": False,
        },
    )
    assert user.pk == tutor.pk
    fresh = User.objects.get(pk=tutor.pk)
    assert (fresh.first_name, fresh.timezone) == ("Ada", "Asia/Tokyo")
    profile = fresh.tutor_profile
    assert list(profile.subjects.all()) == [subjects[0]]
    assert list(profile.languages.all()) == [english]
    assert profile.hourly_rate == Decimal("12.00")
    assert profile.listed_in_directory is False


@pytest.mark.django_db
def test_service_leaves_absent_keys_alone(tutor, subjects):
    factories.tutor_profile(tutor, subjects=subjects, bio="Stays", hourly_rate=Decimal("9"))
    profile_update(user=tutor, account_data={}, profile_data={"currency": "GBP"})
    profile = User.objects.get(pk=tutor.pk).tutor_profile
    assert profile.currency == "GBP"
    assert profile.bio == "Stays"
    assert profile.hourly_rate == Decimal("9.00")
    assert profile.subjects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("account_data", "profile_data", "field"),
    [
        ({"timezone": "Nowhere/City"}, {}, "timezone"),
        ({"preferred_language": "de"}, {}, "preferred_language"),
        ({}, {"hourly_rate": Decimal("-0.01")}, "hourly_rate"),
        ({}, {"hourly_rate": "NaN"}, "hourly_rate"),
        ({}, {"subjects": [987654]}, "subjects"),
        ({}, {"levels": ["abc"]}, "levels"),
        ({}, {"currency": "XYZ"}, "currency"),
    ],
)
def test_service_refuses_bad_values_and_saves_nothing(
    tutor, subjects, account_data, profile_data, field
):
    before_name = tutor.first_name
    with pytest.raises(ValidationError) as caught:
        profile_update(
            user=tutor,
            account_data={"first_name": "Changed", **account_data},
            profile_data={"subjects": [subjects[0].pk], "bio": "new", **profile_data},
        )
    assert field in caught.value.message_dict
    assert tutor.first_name == before_name  # the caller's object is untouched
    fresh = User.objects.get(pk=tutor.pk)
    assert fresh.first_name == before_name
    assert fresh.tutor_profile.bio == ""
    assert fresh.tutor_profile.subjects.count() == 0


@pytest.mark.django_db
def test_service_refuses_a_subject_of_another_locale(tutor, subjects):
    ukrainian = Locale.objects.get_or_create(language_code="uk")[0]
    translated = subjects[0].copy_for_translation(ukrainian)
    translated.save()
    with pytest.raises(ValidationError) as caught:
        profile_update(user=tutor, account_data={}, profile_data={"subjects": [translated.pk]})
    assert "subjects" in caught.value.message_dict


@pytest.mark.django_db
def test_service_ignores_fields_nobody_may_change(tutor, other_tutor):
    profile_update(
        user=tutor,
        account_data={
            "role": Role.ADMIN,
            "is_staff": True,
            "is_superuser": True,
            "email": other_tutor.email,
            "id": other_tutor.pk,
            "last_name": "Ok",
        },
        profile_data={"user": other_tutor, "id": other_tutor.tutor_profile.pk, "bio": "mine"},
    )
    fresh = User.objects.get(pk=tutor.pk)
    assert fresh.role == Role.TUTOR and not fresh.is_staff and not fresh.is_superuser
    assert fresh.email == "tutor@example.test"
    assert fresh.last_name == "Ok"
    assert fresh.tutor_profile.bio == "mine"
    assert User.objects.get(pk=other_tutor.pk).tutor_profile.bio == ""


@pytest.mark.django_db
def test_service_ignores_profile_fields_of_another_role(student, parent):
    profile_update(
        user=student,
        account_data={},
        profile_data={"points": 999, "coins": 999, "hourly_rate": "10", "goals": "Learn"},
    )
    profile = User.objects.get(pk=student.pk).student_profile
    assert profile.goals == "Learn"
    assert balances_for(student) == Balances(points=0, coins=0)
    # A parent has no profile: profile data is ignored, common fields still saved.
    profile_update(user=parent, account_data={"first_name": "Mum"}, profile_data={"bio": "x"})
    assert User.objects.get(pk=parent.pk).first_name == "Mum"


@pytest.mark.django_db
def test_service_replaces_avatar_and_deletes_the_old_file_after_commit(
    parent, django_capture_on_commit_callbacks
):
    profile_update(user=parent, account_data={"avatar": png_file("one.png")}, profile_data={})
    first = User.objects.get(pk=parent.pk).avatar
    storage, first_name = first.storage, first.name
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=parent, account_data={"avatar": png_file("two.png")}, profile_data={})
    second = User.objects.get(pk=parent.pk).avatar
    assert second.name != first_name
    assert storage.exists(second.name)
    assert not storage.exists(first_name)


@pytest.mark.django_db
def test_service_refuses_a_non_image_avatar(parent):
    fake = SimpleUploadedFile("a.png", b"plain text", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        profile_update(user=parent, account_data={"avatar": fake}, profile_data={})
    assert "avatar" in caught.value.message_dict
    assert not User.objects.get(pk=parent.pk).avatar


@pytest.mark.django_db
def test_service_saves_when_the_stored_avatar_file_went_missing(parent):
    User.objects.filter(pk=parent.pk).update(avatar="avatars/2020/01/gone.png")
    profile_update(user=parent, account_data={"first_name": "Still"}, profile_data={})
    fresh = User.objects.get(pk=parent.pk)
    assert fresh.first_name == "Still"
    assert fresh.avatar.name == "avatars/2020/01/gone.png"

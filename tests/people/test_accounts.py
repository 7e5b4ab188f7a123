"""Sign-up, sign-in and out, password reset and password change."""

import re

import pytest
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core import mail
from django.urls import reverse

from people.models import StudentProfile, TutorProfile, User
from people.roles import GROUP_TUTORS, Role
from tests import factories

SIGNUP_URL = reverse("people:signup")
LOGIN_URL = reverse("people:login")
LOGOUT_URL = reverse("people:logout")
DASHBOARD_URL = reverse("people:dashboard")
STRONG_PASSWORD = "Plum-Orchard-Lantern-93"


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    axes_reset()
    yield
    axes_reset()


def _signup_data(**overrides):
    data = {
        "email": "new.person@example.test",
        "first_name": "Olena",
        "last_name": "Koval",
        "role": Role.STUDENT.value,
        "preferred_language": "en",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def _template_names(response):
    return [t.name for t in response.templates]


# --- sign-up ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_page_offers_only_self_signup_roles(client):
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    assert "people/signup.html" in _template_names(response)
    role_choices = [value for value, _label in response.context["form"].fields["role"].choices]
    assert role_choices == [Role.STUDENT, Role.PARENT, Role.TUTOR]
    html = response.content.decode()
    for name in ("email", "first_name", "last_name", "role", "preferred_language"):
        assert f'name="{name}"' in html
    assert 'value="admin"' not in html and 'value="manager"' not in html
    assert '<label for="id_email">' in html


@pytest.mark.django_db
def test_signup_language_defaults_to_the_request_language(client):
    response = client.get(SIGNUP_URL, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.context["form"]["preferred_language"].value() == "uk"
    response = client.get(SIGNUP_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"]["preferred_language"].value() == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "profile_model", "groups"),
    [
        (Role.STUDENT, StudentProfile, []),
        (Role.PARENT, None, []),
        (Role.TUTOR, TutorProfile, [GROUP_TUTORS]),
    ],
)
def test_signup_creates_account_signs_in_and_redirects(client, role, profile_model, groups):
    response = client.post(
        SIGNUP_URL,
        _signup_data(email="New.Person@Example.TEST", role=role.value, preferred_language="uk"),
    )
    assert response.status_code == 302
    assert response.url == DASHBOARD_URL
    user = User.objects.get(email="new.person@example.test")
    assert user.role == role
    assert (user.first_name, user.last_name) == ("Olena", "Koval")
    assert user.preferred_language == "uk"
    assert user.check_password(STRONG_PASSWORD)
    assert not user.is_staff and not user.is_superuser
    own_section = [f"Tutor section #{user.pk}"] if role == Role.TUTOR else []
    assert sorted(user.groups.values_list("name", flat=True)) == sorted(groups + own_section)
    for model in (StudentProfile, TutorProfile):
        assert model.objects.filter(user=user).exists() == (model is profile_model)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, "superhero", ""])
def test_signup_refuses_other_roles(client, role):
    response = client.post(SIGNUP_URL, _signup_data(role=role))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(email="new.person@example.test").exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        ("password", "password", "password1"),  # common
        ("12345678901", "12345678901", "password1"),  # numeric
        ("Sh0rt!", "Sh0rt!", "password1"),  # too short
        ("Olena1234", "Olena1234", "password1"),  # like the person's name
        (STRONG_PASSWORD, STRONG_PASSWORD + "x", "password2"),  # mismatch
    ],
)
def test_signup_refuses_weak_or_mismatched_passwords(client, password1, password2, field):
    response = client.post(SIGNUP_URL, _signup_data(password1=password1, password2=password2))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.django_db
def test_signup_refuses_duplicate_email_whatever_its_case(client, student):
    before = User.objects.count()
    response = client.post(SIGNUP_URL, _signup_data(email="STUDENT@Example.Test"))
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["email", "first_name", "last_name", "password1"])
def test_signup_requires_its_fields(client, missing):
    response = client.post(SIGNUP_URL, _signup_data(**{missing: ""}))
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_honours_a_safe_next_only(client):
    response = client.post(SIGNUP_URL + "?next=/tutors/", _signup_data())
    assert response.url == "/tutors/"
    client.post(LOGOUT_URL)
    response = client.post(
        SIGNUP_URL + "?next=https://evil.example/", _signup_data(email="second@example.test")
    )
    assert response.url == DASHBOARD_URL


@pytest.mark.django_db
@pytest.mark.parametrize("url", [SIGNUP_URL, LOGIN_URL])
def test_signed_in_users_are_sent_to_the_dashboard(client_for, student, url):
    client = client_for(student)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == DASHBOARD_URL


# --- sign-in and out ----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_labels_the_username_field_email(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert "people/login.html" in _template_names(response)
    html = response.content.decode()
    assert re.search(r'<label for="id_username">E-mail', html)
    assert 'type="email"' in html
    assert reverse("people:password_reset") in html


@pytest.mark.django_db
def test_login_rotates_session_and_sets_language_cookie(client):
    user = factories.TutorFactory(email="ann@example.test", preferred_language="ru")
    session = client.session
    session["probe"] = "kept"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    old_key = session.session_key

    response = client.post(
        LOGIN_URL, {"username": "Ann@Example.test", "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == DASHBOARD_URL
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session.session_key != old_key
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


@pytest.mark.django_db
def test_login_honours_a_safe_next(client, student):
    data = {"username": student.email, "password": factories.DEFAULT_PASSWORD}
    response = client.post(LOGIN_URL + "?next=/me/profile/", data)
    assert response.url == "/me/profile/"
    client.post(LOGOUT_URL)
    response = client.post(LOGIN_URL, {**data, "next": "https://evil.example/steal"})
    assert response.url == DASHBOARD_URL


@pytest.mark.django_db
def test_login_with_wrong_password_is_refused(client, student):
    response = client.post(LOGIN_URL, {"username": student.email, "password": "nope-nope"})
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client):
    user = factories.StudentFactory(is_active=False)
    response = client.post(
        LOGIN_URL, {"username": user.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_is_post_only(client_for, student):
    client = client_for(student)
    response = client.get(LOGOUT_URL)
    assert response.status_code == 405
    assert int(client.session["_auth_user_id"]) == student.pk

    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response.url == "/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_requires_csrf_token(student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    response = client.post(LOGOUT_URL)
    assert response.status_code == 403
    assert int(client.session["_auth_user_id"]) == student.pk


# --- password reset -----------------------------------------------------------------------


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(client, student):
    response = client.get(reverse("people:password_reset"))
    assert response.status_code == 200
    assert "people/password_reset_form.html" in _template_names(response)

    response = client.post(reverse("people:password_reset"), {"email": "Student@Example.test"})
    assert response.status_code == 302
    assert response.url == reverse("people:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [student.email]
    assert message.subject == "Reset your Tutorflow password"
    assert "\n" not in message.subject

    response = client.get(_reset_link(message))
    assert response.status_code == 302  # Django swaps the token for "set-password"
    form_url = response.url
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    assert "people/password_reset_confirm.html" in _template_names(response)

    new_password = "Fresh-Meadow-Compass-58"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": "x"})
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors

    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response.url == reverse("people:password_reset_complete")
    student.refresh_from_db()
    assert student.check_password(new_password)

    response = client.get(reverse("people:password_reset_complete"))
    assert "people/password_reset_complete.html" in _template_names(response)

    # The new password signs in; the old one no longer does.
    response = client.post(LOGIN_URL, {"username": student.email, "password": new_password})
    assert response.status_code == 302
    client.post(LOGOUT_URL)
    response = client.post(
        LOGIN_URL, {"username": student.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_password_reset_link_works_only_once(client, student):
    client.post(reverse("people:password_reset"), {"email": student.email})
    link = _reset_link(mail.outbox[0])
    form_url = client.get(link).url
    new_password = "Fresh-Meadow-Compass-58"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    response = client.get(link)
    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert "This link no longer works" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_for_unknown_email_looks_the_same_and_sends_nothing(client, student):
    known = client.post(reverse("people:password_reset"), {"email": student.email})
    mail.outbox.clear()
    unknown = client.post(reverse("people:password_reset"), {"email": "nobody@example.test"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url == reverse("people:password_reset_done")
    assert mail.outbox == []

    response = client.get(unknown.url)
    assert response.status_code == 200
    assert "people/password_reset_done.html" in _template_names(response)
    assert "Check your inbox" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_refuses_a_malformed_email(client):
    response = client.post(reverse("people:password_reset"), {"email": "not-an-email"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


# --- password change ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
def test_password_change_pages_need_sign_in(client, name):
    url = reverse(f"people:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={url}"


@pytest.mark.django_db
def test_password_change_happy_path_keeps_the_session(client_for, parent):
    client = client_for(parent)
    response = client.get(reverse("people:password_change"))
    assert response.status_code == 200
    assert "people/password_change_form.html" in _template_names(response)

    new_password = "Quiet-River-Stone-71"
    response = client.post(
        reverse("people:password_change"),
        {
            "old_password": factories.DEFAULT_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("people:password_change_done")
    parent.refresh_from_db()
    assert parent.check_password(new_password)
    response = client.get(reverse("people:password_change_done"))
    assert response.status_code == 200  # still signed in
    assert "people/password_change_done.html" in _template_names(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("wrong-old-password", "Quiet-River-Stone-71", "Quiet-River-Stone-71", "old_password"),
        (factories.DEFAULT_PASSWORD, "password", "password", "new_password2"),
        (factories.DEFAULT_PASSWORD, "Quiet-River-Stone-71", "other", "new_password2"),
    ],
)
def test_password_change_refuses_bad_input(client_for, tutor, old, new1, new2, field):
    client = client_for(tutor)
    response = client.post(
        reverse("people:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    tutor.refresh_from_db()
    assert tutor.check_password(factories.DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_no_one_joins_a_staff_group_by_signing_up(client):
    client.post(SIGNUP_URL, _signup_data(role=Role.TUTOR.value))
    user = User.objects.get(email="new.person@example.test")
    # The shared Tutors group, and the group of their own page-tree section; nothing else.
    assert set(user.groups.values_list("name", flat=True)) == {
        GROUP_TUTORS,
        f"Tutor section #{user.pk}",
    }


# --- the UI speaks the user's language ------------------------------------------------------


@pytest.mark.django_db
def test_after_login_the_app_pages_speak_the_users_language(client):
    user = factories.ParentFactory(email="mama@example.test", preferred_language="uk")
    client.post(LOGIN_URL, {"username": user.email, "password": factories.DEFAULT_PASSWORD})
    response = client.get(reverse("people:profile"))
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "uk"
    assert '<html lang="uk">' in response.content.decode()


def test_language_cookie_applies_to_app_pages_not_to_the_page_tree(rf):
    from people.middleware import _ui_language

    def request(path):
        req = rf.get(path)
        req.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "ru"
        return req

    assert _ui_language(request(reverse("people:profile"))) == "ru"
    assert _ui_language(request(LOGIN_URL)) == "ru"
    # Wagtail pages keep the language of their URL: /about/ is English, /uk/about/ Ukrainian.
    assert _ui_language(request("/about/")) is None
    assert _ui_language(request("/uk/about/")) is None

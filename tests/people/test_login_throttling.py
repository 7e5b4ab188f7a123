"""Login throttling through django-axes: 5 failures lock the e-mail and the IP address.

The locked-out answer must not tell whether the e-mail has an account.
"""

import re

import pytest
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests import factories

LOGIN_URL = reverse("people:login")
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    """Every test starts and ends with no recorded attempts and no locks."""
    axes_reset()
    yield
    axes_reset()


def _login(client, email, password, ip="127.0.0.1"):
    return client.post(LOGIN_URL, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _fail(client, email, times, ip="127.0.0.1"):
    return [_login(client, email, "wrong-password", ip=ip) for _ in range(times)]


def _body_without_csrf(response) -> str:
    """The page text with the per-request CSRF token masked, so two pages can be compared."""
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', text)


def test_settings_lock_after_five_failures_per_username_and_ip():
    assert LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_failures_below_the_limit_show_the_form_error(client, student):
    responses = _fail(client, student.email, LIMIT - 1)
    assert all(r.status_code == 200 for r in responses)
    assert "do not match an active account" in responses[-1].content.decode()
    # Still allowed: the right password works before the limit is reached.
    response = _login(client, student.email, factories.DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == student.pk


def test_sixth_attempt_with_right_password_is_locked_out(client, student):
    _fail(client, student.email, LIMIT)
    response = _login(client, student.email, factories.DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "people/locked_out.html" in [t.name for t in response.templates]
    text = response.content.decode()
    assert "Too many sign-in attempts" in text
    assert reverse("people:password_reset") in text
    assert "_auth_user_id" not in client.session


def test_lock_on_an_email_holds_from_another_ip(client, student):
    _fail(client, student.email, LIMIT, ip="127.0.0.1")
    response = _login(client, student.email, factories.DEFAULT_PASSWORD, ip="127.0.0.2")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_for_unknown_email_looks_the_same(client, student):
    _fail(client, student.email, LIMIT)
    known = _login(client, student.email, factories.DEFAULT_PASSWORD)

    axes_reset()
    _fail(client, "nobody@example.test", LIMIT)
    unknown = _login(client, "nobody@example.test", factories.DEFAULT_PASSWORD)

    assert known.status_code == unknown.status_code == 429
    assert _body_without_csrf(known) == _body_without_csrf(unknown)
    assert student.email not in known.content.decode()


def test_failures_with_different_emails_lock_the_ip(client, student):
    for n in range(LIMIT):
        _login(client, f"guess{n}@example.test", "wrong-password", ip="127.1.1.1")
    # A real account with its right password is refused from that IP…
    response = _login(client, student.email, factories.DEFAULT_PASSWORD, ip="127.1.1.1")
    assert response.status_code == 429
    assert "people/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session
    # …and accepted from another one.
    response = _login(client, student.email, factories.DEFAULT_PASSWORD, ip="127.1.1.2")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == student.pk


def test_successful_login_resets_the_count(client, student):
    _fail(client, student.email, LIMIT - 1)
    assert _login(client, student.email, factories.DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("people:logout"))
    _fail(client, student.email, LIMIT - 1)
    response = _login(client, student.email, factories.DEFAULT_PASSWORD)
    assert response.status_code == 302


def test_login_form_still_shows_while_locked_but_refuses(client, student):
    """Axes judges sign-in attempts, not page views: the form shows, the attempt is refused."""
    _fail(client, student.email, LIMIT)
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert "people/login.html" in [t.name for t in response.templates]
    assert _login(client, student.email, factories.DEFAULT_PASSWORD).status_code == 429


def test_password_reset_lifts_the_lock_on_that_email(client):
    user = factories.StudentFactory(email="locked@example.test")
    _fail(client, user.email, LIMIT, ip="127.2.2.2")
    assert _login(client, user.email, factories.DEFAULT_PASSWORD, ip="127.0.0.9").status_code == 429

    client.post(reverse("people:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    new_password = "a-brand-new-Passphrase-7"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302

    response = _login(client, user.email, new_password, ip="127.0.0.9")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_changing_the_case_of_the_email_does_not_dodge_the_lock(client, student):
    variants = ["Student@example.test", "STUDENT@example.test", "student@EXAMPLE.test"]
    for n in range(LIMIT):
        # A different IP each time: only the per-e-mail lock can catch this.
        _login(client, variants[n % len(variants)], "wrong-password", ip=f"127.3.3.{n + 1}")
    response = _login(client, student.email, factories.DEFAULT_PASSWORD, ip="127.3.3.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_staff_password_reset_lifts_the_lock(client, django_capture_on_commit_callbacks):
    from people.services.accounts import user_reset_password

    user = factories.StudentFactory(email="locked@example.test")
    manager = factories.ManagerFactory()
    _fail(client, user.email, LIMIT, ip="127.0.0.9")
    assert _login(client, user.email, factories.DEFAULT_PASSWORD, ip="127.0.0.8").status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        new_password = user_reset_password(user=user, by=manager)
    response = _login(client, user.email, new_password, ip="127.0.0.8")
    assert response.status_code == 302

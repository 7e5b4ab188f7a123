"""Production settings refuse to start without their secrets, and pass `check --deploy`.

Each case starts a fresh `manage.py` process: settings are read once per process, so this
is the only honest way to see what production start-up does.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Variables that would change what production settings see; each case sets its own.
CLEARED = (
    "DJANGO_SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_HOST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; check --deploy rejects it
)
SECRET = secrets.token_urlsafe(64)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    base["DJANGO_SETTINGS_MODULE"] = "tutorflow.settings.production"
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "DJANGO_SECRET_KEY"),
        ({"ALLOWED_HOSTS": "tutorflow.example"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": SECRET}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(env, missing):
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"The environment variable {missing} must be set in production." in result.stderr


def test_production_passes_check_deploy_with_secrets_set():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=SECRET,
        ALLOWED_HOSTS="tutorflow.example,www.tutorflow.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_values():
    """The values behind check --deploy: no debug, secure cookies, HSTS, the given hosts."""
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.ALLOWED_HOSTS, "
        "s.SECRET_KEY == __import__('os').environ['DJANGO_SECRET_KEY'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DJANGO_SECRET_KEY=SECRET,
        ALLOWED_HOSTS="a.example, b.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True True True True ['a.example', 'b.example'] True"

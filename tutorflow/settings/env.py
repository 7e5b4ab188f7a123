"""Every environment variable Tutorflow reads, read here and nowhere else.

Each setting has a safe development default; production.py refuses to start when
a secret it needs is missing. `.env.example` documents every variable.
"""

import os

from django.core.exceptions import ImproperlyConfigured


def get(name: str, default: str = "") -> str:
    """Return the variable as a string, or the default when it is unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def get_bool(name: str, default: bool = False) -> bool:
    """Return the variable as a boolean ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_int(name: str, default: int) -> int:
    """Return the variable as an integer; a malformed value stops start-up with its name."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    value = os.environ.get(name, "")
    if value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def require(name: str) -> str:
    """Return the variable or stop start-up with a message naming it."""
    value = os.environ.get(name, "")
    if value == "":
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


DJANGO_SECRET_KEY = get("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = get_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = get_list("CSRF_TRUSTED_ORIGINS")
DATABASE_URL = get("DATABASE_URL")
REDIS_URL = get("REDIS_URL")
SITE_BASE_URL = get("SITE_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = get("DEFAULT_FROM_EMAIL", "Tutorflow <no-reply@tutorflow.localhost>")
EMAIL_URL_HOST = get("EMAIL_HOST")
EMAIL_PORT = get_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = get("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = get("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = get_bool("EMAIL_USE_TLS", True)
AWS_STORAGE_BUCKET_NAME = get("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = get("AWS_S3_ENDPOINT_URL")
AWS_S3_REGION_NAME = get("AWS_S3_REGION_NAME")
AWS_ACCESS_KEY_ID = get("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = get("AWS_SECRET_ACCESS_KEY")
SQLITE_PATH = get("SQLITE_PATH")
TEST_SQLITE_PATH = get("TEST_SQLITE_PATH")
# Meeting links for online lessons: "jitsi" (a Jitsi Meet room with an unguessable name per
# lesson, no API call) or "fixed" (each tutor's own fixed link from their schedule policy).
SCHEDULING_MEETING_LINKS = get("SCHEDULING_MEETING_LINKS", "jitsi")
SCHEDULING_JITSI_BASE_URL = get("SCHEDULING_JITSI_BASE_URL", "https://meet.jit.si/")
# Uploads to assignments and help requests: the largest file accepted, in megabytes.
UPLOAD_MAX_MB = get_int("UPLOAD_MAX_MB", 20)

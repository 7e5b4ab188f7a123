"""Production settings: refuse to start without secrets; HTTPS everywhere."""

from . import env
from .base import *  # noqa: F403
from .base import Q_CLUSTER

DEBUG = False
SECRET_KEY = env.require("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.ALLOWED_HOSTS or [env.require("ALLOWED_HOSTS")]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# base.py keeps X_FRAME_OPTIONS = "SAMEORIGIN" on purpose: Wagtail's editor shows its live
# preview in a same-origin iframe, which "DENY" would break.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if env.EMAIL_URL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.EMAIL_URL_HOST
    EMAIL_PORT = env.EMAIL_PORT
    EMAIL_HOST_USER = env.EMAIL_HOST_USER
    EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
    EMAIL_USE_TLS = env.EMAIL_USE_TLS

Q_CLUSTER["sync"] = False

"""WSGI entry point; production deployments point their server here."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutorflow.settings.dev")

application = get_wsgi_application()

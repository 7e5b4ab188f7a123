from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradebookConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses.gradebook"
    label = "gradebook"
    verbose_name = _("Gradebook")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses.adaptive"
    label = "adaptive"
    verbose_name = _("Adaptive rules")

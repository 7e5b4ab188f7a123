from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, using="default", **kwargs):
    """After `migrate`: the django-q2 schedules of scheduling.tasks exist (idempotent).

    Skipped when django-q2's tables are not there (e.g. `migrate scheduling` on a database
    where django_q is not migrated yet); the next full `migrate` creates them.
    """
    from django.db import connections
    from django_q.models import Schedule

    if Schedule._meta.db_table not in connections[using].introspection.table_names():
        return
    from .tasks import ensure_schedules

    ensure_schedules(using=using)


class SchedulingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self):
        post_migrate.connect(
            _ensure_schedules, sender=self, dispatch_uid="scheduling.ensure_schedules"
        )

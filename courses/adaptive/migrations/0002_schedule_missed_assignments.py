"""The django-q2 schedule of the missed-assignments job, created once (idempotent)."""

from django.db import migrations

TASK_PATH = "courses.adaptive.tasks.evaluate_missed_assignments"
SCHEDULE_NAME = "adaptive: missed assignments and overdue alerts"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": TASK_PATH, "schedule_type": "I", "minutes": 15, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("adaptive", "0001_rules_and_alerts"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

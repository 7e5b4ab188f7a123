from django.db import migrations

GROUPS = ("Tutors", "Managers", "Moderators")
LEVELS = [
    ("primary", "Primary school", 10),
    ("middle", "Middle school", 20),
    ("high-school", "High school", 30),
    ("university", "University", 40),
    ("adult", "Adult learners", 50),
    ("exam-prep", "Exam preparation", 60),
]
LANGUAGES = [
    ("en", "English"),
    ("uk", "Ukrainian"),
    ("ru", "Russian"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("pl", "Polish"),
    ("it", "Italian"),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Level = apps.get_model("people.Level")
    Language = apps.get_model("people.Language")

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)

    for code, name, order in LEVELS:
        Level.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})


def backwards(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Group.objects.filter(name__in=("Tutors", "Managers")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_profiles_links_classrooms_families"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

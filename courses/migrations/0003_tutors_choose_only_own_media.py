"""Tutors choose images and documents only from their own collection.

Wagtail's choose-permission migrations (wagtailimages 0023, wagtaildocs 0011) give every
group with admin access "choose" on the root collection, the Tutors group included: that
would let every tutor pick every other tutor's files. Each tutor's own group
("Tutor section #<id>") holds their collection rights instead
(`courses.services.sections`), so the shared Tutors group keeps no collection permission.
"""

from django.db import migrations

TUTORS = "Tutors"


def remove_tutors_collection_permissions(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    GroupCollectionPermission.objects.filter(group__name=TUTORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_course_moderation_workflow"),
        ("people", "0003_groups_levels_languages"),
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [
        migrations.RunPython(remove_tutors_collection_permissions, migrations.RunPython.noop)
    ]

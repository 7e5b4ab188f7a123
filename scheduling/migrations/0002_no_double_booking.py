"""No double booking on PostgreSQL: btree_gist and two exclusion constraints.

They are raw SQL in a RunPython that does nothing on other databases, because SQLite has
no range types (an ExclusionConstraint in Meta.constraints would break it); on SQLite the
services serialise writers instead (scheduling.locking). The status list is
ScheduledLesson.BLOCKING_STATUSES.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE scheduling_scheduledlesson
    ADD CONSTRAINT scheduling_lesson_tutor_no_overlap
    EXCLUDE USING gist (tutor_id WITH =, tstzrange(start, "end") WITH &&)
    WHERE (status IN ('requested', 'scheduled', 'completed'))
    """,
    """
    ALTER TABLE scheduling_lessonparticipant
    ADD CONSTRAINT scheduling_participant_student_no_overlap
    EXCLUDE USING gist (student_id WITH =, tstzrange(start, "end") WITH &&)
    WHERE (blocking)
    """,
]

BACKWARD = [
    "ALTER TABLE scheduling_lessonparticipant "
    "DROP CONSTRAINT IF EXISTS scheduling_participant_student_no_overlap",
    "ALTER TABLE scheduling_scheduledlesson "
    "DROP CONSTRAINT IF EXISTS scheduling_lesson_tutor_no_overlap",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]

"""Domain errors of scheduling."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _


def _zone(viewer):
    try:
        return zoneinfo.ZoneInfo(getattr(viewer, "timezone", None) or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _name_for(lesson, viewer) -> str | None:
    """Whose lesson it is, if the viewer may know; None for someone else's lesson.

    The tutor of the conflicting lesson and school staff see the student's (or classroom's)
    name, a parent sees their child's name; anyone else (e.g. another student of the same
    tutor) learns only that the time is taken. A student's own lesson is "your lesson".
    """
    from people.models import Guardianship
    from people.permissions import is_school_staff

    if viewer is None or viewer.pk == lesson.tutor_id or is_school_staff(viewer):
        if lesson.student_id:
            return lesson.student.display_name
        return lesson.classroom.name
    if (
        lesson.student_id
        and Guardianship.objects.filter(parent_id=viewer.pk, student_id=lesson.student_id).exists()
    ):
        return lesson.student.display_name
    return None


def _is_own(lesson, viewer) -> bool:
    return viewer is not None and lesson.participants.filter(student_id=viewer.pk).exists()


def describe_conflict(lesson, viewer=None) -> str:
    """ "This overlaps Anna's lesson Mon 3 Mar 10:00–11:00." in the viewer's timezone."""
    zone = _zone(viewer)
    start = lesson.start.astimezone(zone)
    end = lesson.end.astimezone(zone)
    params = {
        "day": formats.date_format(start, "D j M"),
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
    }
    if _is_own(lesson, viewer):
        return _("This overlaps your lesson %(day)s %(start)s–%(end)s.") % params
    name = _name_for(lesson, viewer)
    if name:
        return _("This overlaps %(name)s’s lesson %(day)s %(start)s–%(end)s.") % {
            **params,
            "name": name,
        }
    return _("This overlaps another lesson %(day)s %(start)s–%(end)s.") % params


class SlotTaken(ValidationError):
    """The time overlaps a blocking lesson of the tutor or of a student.

    `conflicts` holds the overlapping ScheduledLesson rows (possibly empty when the database
    refused a row whose winner is no longer visible); the message names the first one in
    the viewer's timezone, unless a `message` is given. The JSON API answers it with 409.
    """

    def __init__(self, conflicts=(), *, viewer=None, message=None):
        self.conflicts = list(conflicts)
        if message is not None:
            pass
        elif self.conflicts:
            message = describe_conflict(self.conflicts[0], viewer)
        else:
            message = _("This time slot has just been taken.")
        super().__init__(message, code="slot_taken")

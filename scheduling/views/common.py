"""What the scheduling pages share: the viewer's zone, lesson titles, conflict sentences."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..calendar import zone


def viewer_zone(request):
    """The viewer's time zone (people.middleware activated it; this is the same zone)."""
    return zone(getattr(request.user, "timezone", None))


def lesson_title(lesson, viewer) -> str:
    """How a lesson is named for `viewer`: the other side of the lesson, and the subject."""
    if viewer.pk == lesson.tutor_id:
        who = lesson.student.display_name if lesson.student_id else str(lesson.classroom)
    elif lesson.classroom_id and not lesson.student_id:
        who = _("%(classroom)s with %(tutor)s") % {
            "classroom": lesson.classroom,
            "tutor": lesson.tutor.display_name,
        }
    else:
        who = lesson.tutor.display_name
    if lesson.subject_id:
        return f"{lesson.subject} · {who}"
    return who

"""Scheduled lessons on a student's timeline: the next ones, and how past ones went."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from people.timeline import TimelineEvent, newest_per_student, register_source

from .models import LessonParticipant, ScheduledLesson

Status = ScheduledLesson.Status


def _text(lesson: ScheduledLesson) -> str:
    tutor = lesson.tutor.display_name
    if lesson.status in (Status.SCHEDULED, Status.REQUESTED) and lesson.start > timezone.now():
        return gettext("Lesson with %(tutor)s") % {"tutor": tutor}
    if lesson.status == Status.COMPLETED:
        return gettext("Had a lesson with %(tutor)s") % {"tutor": tutor}
    if lesson.status == Status.NO_SHOW:
        return gettext("Missed a lesson with %(tutor)s") % {"tutor": tutor}
    return gettext("Lesson with %(tutor)s: %(status)s") % {
        "tutor": tutor,
        "status": lesson.get_status_display(),
    }


def lesson_events(student_ids: list[int], limit: int) -> list[TimelineEvent]:
    """Each student's next `limit` lessons and last `limit` past ones (window per student)."""
    now = timezone.now()
    rows = LessonParticipant.objects.filter(student_id__in=student_ids).select_related(
        "lesson__tutor"
    )
    upcoming = newest_per_student(
        rows.filter(
            lesson__start__gte=now,
            lesson__status__in=(Status.SCHEDULED, Status.REQUESTED),
        ),
        limit=limit,
        at="lesson__start",
        upcoming=True,
    )
    past = newest_per_student(
        rows.filter(lesson__start__lt=now).exclude(
            Q(lesson__status__in=(Status.REQUESTED, Status.DECLINED, Status.EXPIRED))
        ),
        limit=limit,
        at="lesson__start",
    )
    events = []
    for participant in list(upcoming) + list(past):
        lesson = participant.lesson
        events.append(
            TimelineEvent(
                student_id=participant.student_id,
                at=lesson.start,
                kind="lesson",
                text=_text(lesson),
                upcoming=lesson.start >= now,
            )
        )
    return events


register_source("scheduling", lesson_events)

"""Keeping a classroom's future lessons in step with its members.

people.services.classrooms (member add/remove) and people.services.links (tutor_link_end)
call `classroom_lessons_resync` inside their own transaction after the memberships changed.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import ClassroomMembership

from ..locking import serialise_writers
from ..models import LessonChange, LessonParticipant, ScheduledLesson
from ..selectors import conflicts_for
from .reminders import reminders_plan

logger = logging.getLogger(__name__)

#: Lessons whose participants follow the classroom: still to come, not ended or refused.
OPEN_STATUSES = (ScheduledLesson.Status.REQUESTED, ScheduledLesson.Status.SCHEDULED)


def classroom_lessons_resync(*, classroom, now=None) -> None:
    """Match the participants of the classroom's lessons that have not started to its members.

    A new member joins each such lesson they are free for (a lesson that clashes with
    another of their blocking lessons is skipped for them and logged); a student who is no
    longer a member leaves them. Reminders are planned again for every lesson changed.
    Runs inside the caller's transaction, under the scheduling write lock.
    """
    if classroom is None or classroom.pk is None:
        return
    now = now or timezone.now()
    with transaction.atomic():
        serialise_writers()
        _resync(classroom.pk, now)


def _resync(classroom_id: int, now) -> None:
    """The body of classroom_lessons_resync (inside the write lock)."""
    members = set(
        ClassroomMembership.objects.filter(classroom_id=classroom_id).values_list(
            "student_id", flat=True
        )
    )
    lessons = list(
        ScheduledLesson.objects.select_for_update(of=("self",))
        .filter(classroom_id=classroom_id, status__in=OPEN_STATUSES, start__gt=now)
        .order_by("start", "pk")
    )
    for lesson in lessons:
        present = set(lesson.participants.values_list("student_id", flat=True))
        changed = False
        gone = present - members
        if gone:
            lesson.participants.filter(student_id__in=gone).delete()
            changed = True
        # One order for every writer (see insert_lesson): no deadlocks on PostgreSQL.
        for student_id in sorted(members - present):
            if _add_participant(lesson, student_id):
                changed = True
        if changed:
            reminders_plan(lesson, now=now)


def on_tutor_link_ended(*, tutor, student, by, now=None) -> None:
    """After a tutor–student link ended (and the student left the tutor's classrooms).

    The student leaves the future lessons of those classrooms, and the pair's pending
    booking requests are declined, so that they stop blocking both calendars.
    Runs inside the caller's transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        serialise_writers()
        classroom_ids = set(
            ScheduledLesson.objects.filter(
                tutor_id=tutor.pk,
                classroom__isnull=False,
                status__in=OPEN_STATUSES,
                start__gt=now,
                participants__student_id=student.pk,
            ).values_list("classroom_id", flat=True)
        )
        for classroom_id in sorted(classroom_ids):
            _resync(classroom_id, now)
        requests = ScheduledLesson.objects.select_for_update(of=("self",)).filter(
            tutor_id=tutor.pk,
            student_id=student.pk,
            status=ScheduledLesson.Status.REQUESTED,
        )
        for lesson in requests.order_by("start", "pk"):
            lesson.status = ScheduledLesson.Status.DECLINED
            lesson.save(update_fields=["status", "updated_at"])
            lesson.participants.update(blocking=False)
            reminders_plan(lesson, now=now)
            LessonChange.objects.create(
                lesson=lesson,
                changed_by=by if getattr(by, "pk", None) else None,
                action=LessonChange.Action.DECLINED,
                changes={
                    "status": [ScheduledLesson.Status.REQUESTED, ScheduledLesson.Status.DECLINED]
                },
                reason=_("The tutoring link ended."),
            )


def _add_participant(lesson: ScheduledLesson, student_id: int) -> bool:
    """Add the student to the lesson if they are free then; whether they were added."""
    if conflicts_for(
        lesson.tutor_id, [student_id], lesson.start, lesson.end, exclude=lesson
    ).exists():
        logger.info(
            "Student %s not added to lesson %s: they have another lesson then.",
            student_id,
            lesson.pk,
        )
        return False
    try:
        with transaction.atomic():
            LessonParticipant.objects.create(
                lesson=lesson,
                student_id=student_id,
                start=lesson.start,
                end=lesson.end,
                blocking=lesson.is_blocking,
            )
    except IntegrityError:
        # The exclusion constraint (PostgreSQL) or a concurrent add of the same student.
        logger.info(
            "Student %s not added to lesson %s: refused by the database.", student_id, lesson.pk
        )
        return False
    return True

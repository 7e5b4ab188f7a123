"""Assignments on a student's timeline: given, handed in, graded, and due next."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from people.timeline import TimelineEvent, newest_per_student, register_source

from .models import Assignment, Submission, SubmissionStatus


def assignment_events(student_ids: list[int], limit: int) -> list[TimelineEvent]:
    """Each student's newest `limit` assignments given and handed in, and their next
    `limit` due dates: three queries, each cut per student by a window."""
    now = timezone.now()
    events = []
    given = newest_per_student(
        Assignment.objects.filter(student_id__in=student_ids).select_related("submission"),
        limit=limit,
        at="created_at",
    )
    for assignment in given:
        events.append(
            TimelineEvent(
                student_id=assignment.student_id,
                at=assignment.created_at,
                kind="assignment",
                text=gettext("New work: “%(title)s”") % {"title": assignment.title},
            )
        )
    due = newest_per_student(
        Assignment.objects.filter(
            student_id__in=student_ids,
            due_at__gte=now,
            submission__status__in=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
        ),
        limit=limit,
        at="due_at",
        upcoming=True,
    )
    for assignment in due:
        events.append(
            TimelineEvent(
                student_id=assignment.student_id,
                at=assignment.due_at,
                kind="assignment",
                text=gettext("“%(title)s” is due") % {"title": assignment.title},
                upcoming=True,
            )
        )
    handed_in = newest_per_student(
        Submission.objects.filter(
            assignment__student_id__in=student_ids, submitted_at__isnull=False
        ).select_related("assignment"),
        limit=limit,
        at="submitted_at",
        student="assignment__student_id",
    )
    for submission in handed_in:
        assignment = submission.assignment
        if submission.status == SubmissionStatus.GRADED and submission.graded_at:
            text = gettext("“%(title)s” graded: %(points)s of %(max)s") % {
                "title": assignment.title,
                "points": submission.points.normalize() if submission.points is not None else "—",
                "max": assignment.max_points.normalize(),
            }
            at, kind = submission.graded_at, "grade"
        else:
            late = gettext(" (late)") if submission.is_late else ""
            text = gettext("Handed in “%(title)s”%(late)s") % {
                "title": assignment.title,
                "late": late,
            }
            at, kind = submission.submitted_at, "assignment"
        events.append(
            TimelineEvent(
                student_id=assignment.student_id,
                at=at,
                kind=kind,
                text=text,
                link=reverse("assignments:detail", args=[assignment.pk]),
            )
        )
    return events


register_source("assignments", assignment_events)

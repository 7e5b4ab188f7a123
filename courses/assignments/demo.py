"""Demo assignments for `seed_demo`: every state a dashboard shows, for each demo tutor.

For each demo tutor's students: one piece of work due in a few days (to do), one overdue,
one handed in and waiting for the tutor, and one graded with feedback, all made through
the services (so history, notifications and rewards follow). Idempotent: a student who
already has work from the tutor is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.demo import course_spec_for
from courses.models import CoursePage, LessonPage, TaskPage
from courses.selectors import tutor_section_get

from .models import Assignment
from .services import assignment_create, submission_grade, submission_submit

DEMO_ANSWER = (
    "I solved each exercise and checked the answers by substituting them back. "
    "Question 3 was the hardest: I had to factorise first."
)


def demo_pages(tutor) -> list:
    """The live tasks, then lessons, of the demo tutor's first live course."""
    section = tutor_section_get(tutor=tutor)
    if section is None:
        return []
    course = CoursePage.objects.child_of(section).live().first()
    if course is None:
        return []
    items = list(course.get_children().live().specific())
    tasks = [page for page in items if isinstance(page, TaskPage)]
    lessons = [page for page in items if isinstance(page, LessonPage)]
    return tasks + lessons


def seed_assignments(*, students_by_tutor: dict, report) -> None:
    now = timezone.now()
    for tutor, students in students_by_tutor.items():
        if course_spec_for(tutor) is None:
            continue
        pages = demo_pages(tutor)
        if not pages:
            continue
        for index, student in enumerate(students):
            if Assignment.objects.filter(tutor=tutor, student=student).exists():
                continue
            page = pages[index % len(pages)]
            other = pages[(index + 1) % len(pages)]
            assignment_create(
                by=tutor,
                student=student,
                page=page,
                due_at=now + timedelta(days=3 + index),
                max_points=Decimal("10"),
                instructions=_("Work through the exercises and show your steps."),
                quiz_only=False,
            )
            overdue = assignment_create(
                by=tutor,
                student=student,
                page=other,
                due_at=now - timedelta(days=2),
                max_points=Decimal("10"),
                instructions=_("A short written answer is enough."),
                allow_late=True,
                quiz_only=False,
                now=now - timedelta(days=9),
            )
            handed_in = assignment_create(
                by=tutor,
                student=student,
                page=page,
                due_at=now + timedelta(days=1),
                max_points=Decimal("20"),
                instructions=_("Explain your reasoning in a few sentences."),
                quiz_only=False,
                now=now - timedelta(days=4),
            )
            submission_submit(by=student, assignment=handed_in, text=DEMO_ANSWER)
            graded = assignment_create(
                by=tutor,
                student=student,
                page=other,
                due_at=now - timedelta(days=5),
                max_points=Decimal("10"),
                quiz_only=False,
                now=now - timedelta(days=12),
            )
            submission_submit(
                by=student, assignment=graded, text=DEMO_ANSWER, now=now - timedelta(days=6)
            )
            submission_grade(
                by=tutor,
                submission=graded.submission,
                points=Decimal(8 - index % 3),
                feedback=_("Good work. Check the signs in the last step."),
            )
            del overdue
            report.add("assignments (to do, overdue, handed in, graded)", 4)


def demo_assignments_flush(*, tutors) -> int:
    """Delete the demo tutors' assignments (and their submissions, files and history)
    before their course pages go: an assignment protects the page it gives."""
    from .models import ClassroomAssignment, SubmissionFile

    for upload in SubmissionFile.objects.filter(submission__assignment__tutor__in=tutors):
        upload.file.delete(save=False)
    ClassroomAssignment.objects.filter(tutor__in=tutors).delete()
    deleted, _by_model = Assignment.objects.filter(tutor__in=tutors).delete()
    return deleted

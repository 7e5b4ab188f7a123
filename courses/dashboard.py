"""The courses' panels on the dashboards (registered in CoursesConfig.ready).

Student: courses with progress and a progress-over-time chart. Parent: the same for each
child. Tutor: essays to grade, students with their progress and last activity, courses
with enrolments. Manager and admin: content awaiting moderation and students without a
tutor. Every builder runs a fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from wagtail.models import Page, WorkflowState

from people.dashboard import Panel, head, register
from people.models import Guardianship, TutorStudent, User
from people.roles import Role
from people.selectors import tutor_students

from .charts import attach_progress_charts
from .learning import pending_essays_for, tutor_page_keys
from .models import CourseEnrollment, CoursePage, EnrollmentStatus, LessonProgress, QuizAttempt
from .selectors import progress_enrollments, tutor_section_get

#: The tutor's students panel shows this many rows (the issue's "20 or 200" stay at 20).
STUDENT_ROWS = 20


def _progress_head(students) -> dict:
    enrollments = head(progress_enrollments(students=students), size=6)
    attach_progress_charts(enrollments["rows"])
    return enrollments


def student_progress_panel(user) -> dict:
    return {"enrollments": _progress_head(User.objects.filter(pk=user.pk))}


def parent_progress_panel(user) -> dict:
    children = Guardianship.objects.filter(parent=user).values("student_id")
    return {"enrollments": _progress_head(User.objects.filter(pk__in=children))}


def _latest(queryset, field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def tutor_student_activity(tutor):
    """The tutor's active students (head of STUDENT_ROWS) with progress in the tutor's
    courses and their last activity there, in two queries however many students.

    Only what happened in this tutor's courses counts, so a tutor learns nothing of a
    student's work with another tutor.
    """
    course_keys = tutor_page_keys(tutor)
    progress = LessonProgress.objects.filter(
        student=OuterRef("student"), course_translation_key__in=course_keys
    )
    attempts = QuizAttempt.objects.filter(
        student=OuterRef("student"),
        page_translation_key__in=course_keys,
        submitted_at__isnull=False,
    )
    links = head(
        tutor_students(tutor).annotate(
            last_viewed=_latest(progress, "viewed_at"),
            last_completed=_latest(progress.filter(completed_at__isnull=False), "completed_at"),
            last_submitted=_latest(attempts, "submitted_at"),
        ),
        size=STUDENT_ROWS,
    )
    totals: dict[int, list[int]] = {}
    student_ids = [link.student_id for link in links["rows"]]
    enrollments = progress_enrollments(students=student_ids).filter(
        course_translation_key__in=course_keys
    )
    for enrollment in enrollments:
        done, total = totals.setdefault(enrollment.student_id, [0, 0])
        # Completions of lessons unpublished since still count in `items_completed`, but
        # not in `items_total` (live items only): a course is at most all done.
        totals[enrollment.student_id] = [
            done + min(enrollment.items_completed, enrollment.items_total),
            total + enrollment.items_total,
        ]
    for link in links["rows"]:
        done, total = totals.get(link.student_id, (0, 0))
        done = min(done, total)
        link.items_completed, link.items_total = done, total
        link.percent = round(100 * done / total) if total else None
        moments = [link.last_viewed, link.last_completed, link.last_submitted]
        link.last_activity = max((moment for moment in moments if moment), default=None)
    return links


def tutor_courses_with_enrollments(tutor):
    """The courses of the tutor's section (drafts too) with their open enrolment count."""
    section = tutor_section_get(tutor=tutor)
    if section is None:
        return {"rows": [], "more": False}
    enrolled = (
        CourseEnrollment.objects.filter(course_translation_key=OuterRef("translation_key"))
        .exclude(status=EnrollmentStatus.CANCELLED)
        .order_by()
        .values("course_translation_key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    courses = (
        CoursePage.objects.child_of(section)
        .annotate(enrolled=Coalesce(Subquery(enrolled[:1]), 0))
        .order_by("path")
    )
    return head(courses)


def tutor_teaching_panel(user) -> dict:
    essays = pending_essays_for(user)
    return {
        "essays": head(essays, size=5),
        "students": tutor_student_activity(user),
        "courses": tutor_courses_with_enrollments(user),
    }


def awaiting_moderation():
    """Pages of the course tree in a moderation workflow now, oldest first."""
    return (
        WorkflowState.objects.active()
        .select_related("requested_by", "current_task_state__task")
        .order_by("created_at", "pk")
    )


def students_without_tutor():
    """Active students with no active tutor link, oldest accounts first."""
    linked = TutorStudent.objects.filter(status=TutorStudent.Status.ACTIVE).values("student_id")
    return (
        User.objects.filter(role=Role.STUDENT, is_active=True)
        .exclude(pk__in=linked)
        .order_by("date_joined", "pk")
    )


def staff_school_panel(user) -> dict:
    moderation = awaiting_moderation()
    unassigned = students_without_tutor()
    states = head(moderation, size=5)
    pages = Page.objects.in_bulk([int(state.object_id) for state in states["rows"]])
    for state in states["rows"]:
        state.moderated_page = pages.get(int(state.object_id))
    return {
        "moderation_count": moderation.count(),
        "moderation": states,
        "unassigned_count": unassigned.count(),
        "unassigned": head(unassigned, size=5),
    }


def _register_panels() -> None:
    register(
        Panel(
            key="courses.student_progress",
            roles=frozenset({Role.STUDENT}),
            template="courses/dashboard/progress.html",
            build=student_progress_panel,
            order=30,
        )
    )
    register(
        Panel(
            key="courses.parent_progress",
            roles=frozenset({Role.PARENT}),
            template="courses/dashboard/progress.html",
            build=parent_progress_panel,
            order=30,
        )
    )
    register(
        Panel(
            key="courses.tutor_teaching",
            roles=frozenset({Role.TUTOR}),
            template="courses/dashboard/teaching.html",
            build=tutor_teaching_panel,
            order=20,
        )
    )
    register(
        Panel(
            key="courses.staff_school",
            roles=frozenset({Role.MANAGER, Role.ADMIN}),
            template="courses/dashboard/staff.html",
            build=staff_school_panel,
            order=20,
        )
    )


_register_panels()

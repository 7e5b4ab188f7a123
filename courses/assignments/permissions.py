"""Who may see and do what with assignments, submissions and their files.

The tenancy rules of `people.permissions` carry over: a tutor reaches the assignments they
gave to students they are still actively linked to; a student their own; a parent their
children's; managers and admins every one (read-only: grading is the tutor's). Fetching by
id goes through `get_*_for`, which answers 404 both for a missing object and for one the
viewer may not see, so ids cannot be probed.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from people.models import TutorStudent
from people.roles import Role

from .models import EDITABLE_STATUSES, Assignment, Submission, SubmissionFile, SubmissionStatus


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_school_staff(user) -> bool:
    """Managers and admins (and superusers): they see every assignment, read-only."""
    return _active(user) and (user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN))


def _linked() -> Exists:
    """EXISTS: the assignment's tutor still has an active link with its student."""
    return Exists(
        TutorStudent.objects.filter(
            tutor_id=OuterRef("tutor_id"),
            student_id=OuterRef("student_id"),
            status=TutorStudent.Status.ACTIVE,
        )
    )


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """Assignments the user may see: own (student), children's (parent), given to a still
    linked student (tutor), all (managers, admins)."""
    assignments = Assignment.objects.all()
    if not _active(user):
        return assignments.none()
    if is_school_staff(user):
        return assignments
    if user.role == Role.STUDENT:
        return assignments.filter(student=user)
    if user.role == Role.PARENT:
        return assignments.filter(student__guardians_links__parent=user)
    if user.role == Role.TUTOR:
        return assignments.filter(_linked(), tutor=user)
    return assignments.none()


def get_assignment_for(user, pk) -> Assignment:
    """One assignment the user may see (with its submission, tutor, student), or 404."""
    try:
        return (
            assignments_visible_to(user)
            .select_related("submission__graded_by", "tutor", "student", "classroom")
            .get(pk=pk)
        )
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such assignment.") from exc


def submissions_visible_to(user) -> QuerySet[Submission]:
    """Submissions of the assignments the user may see."""
    return Submission.objects.filter(assignment__in=assignments_visible_to(user).values("pk"))


def get_submission_for(user, pk) -> Submission:
    """One submission the user may see, with its assignment and people, or 404."""
    try:
        return (
            submissions_visible_to(user)
            .select_related("assignment__tutor", "assignment__student", "graded_by")
            .get(pk=pk)
        )
    except (Submission.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such submission.") from exc


def get_submission_file_for(user, pk) -> SubmissionFile:
    """One handed-in file the user may download, or 404.

    The student who owns it, the tutor who gave the assignment (still linked), the
    student's parents, managers and admins. A file of work not handed in yet (a DRAFT)
    is the student's alone: anyone else gets 404, as for a missing file.
    """
    try:
        row = (
            SubmissionFile.objects.filter(
                submission__assignment__in=assignments_visible_to(user).values("pk")
            )
            .select_related("submission__assignment")
            .get(pk=pk)
        )
    except (SubmissionFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such file.") from exc
    submission = row.submission
    if submission.status == SubmissionStatus.DRAFT and submission.assignment.student_id != user.pk:
        raise Http404("No such file.")
    return row


def can_assign(user) -> bool:
    """Tutors give work (to their own students, from their own courses: the service checks)."""
    return _active(user) and user.role == Role.TUTOR


def can_work_on(user, assignment: Assignment) -> bool:
    """Only the assigned student writes, uploads and submits (in which state: the service)."""
    return _active(user) and user.role == Role.STUDENT and assignment.student_id == user.pk


def can_edit_submission(user, submission: Submission) -> bool:
    """The student may change their work now: theirs, and DRAFT or RETURNED."""
    return can_work_on(user, submission.assignment) and submission.status in EDITABLE_STATUSES


def can_grade(user, assignment: Assignment) -> bool:
    """Only the tutor who gave the assignment grades or returns it (still linked to the
    student: the access helpers have checked that when the object was fetched)."""
    return _active(user) and user.role == Role.TUTOR and assignment.tutor_id == user.pk


def is_gradable(submission: Submission) -> bool:
    """Whether the submission waits for the tutor (SUBMITTED)."""
    return submission.status == SubmissionStatus.SUBMITTED

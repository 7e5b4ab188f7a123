"""The student's work (drafts, hand-ins, files) and the tutor's verdict (grade, return)."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.models import Notification
from messaging.services import notify
from people.models import TutorStudent, User

from ..files import MAX_FILES_PER_SUBMISSION, CheckedUpload, check_upload
from ..models import (
    EDITABLE_STATUSES,
    Assignment,
    Submission,
    SubmissionEvent,
    SubmissionFile,
    SubmissionStatus,
)
from ..permissions import can_grade, can_work_on
from ..signals import submission_graded, submission_submitted
from .common import (
    CENT,
    FEEDBACK_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    _conflict,
    _lock,
    _notify_graded,
    _number,
    _record,
)

logger = logging.getLogger(__name__)


def _store(submission: Submission, uploads: list[CheckedUpload], *, by, now, stored: list[str]):
    for upload in uploads:
        row = SubmissionFile(
            submission=submission,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_at=now,
            uploaded_by=by,
        )
        # The name only carries the sniffed extension: upload_to generates the rest.
        row.file.save(f"upload{upload.kind.extension}", upload.file, save=False)
        stored.append(row.file.name)
        row.save()


def _delete_stored(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete stored file %s", name, exc_info=True)


def _apply_draft(
    submission: Submission,
    *,
    by,
    text: str | None,
    files,
    remove_file_ids,
    now: datetime,
    stored: list[str],
) -> None:
    """Change the text and files of a locked, editable submission (checks first)."""
    if text is not None and len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({"text": _("The answer is too long (50000 characters at most).")})
    checked = [check_upload(upload) for upload in files or ()]
    remove_ids = {int(pk) for pk in remove_file_ids or ()}
    current = list(submission.files.values_list("pk", "file"))
    to_remove = [(pk, name) for pk, name in current if pk in remove_ids]
    if len(current) - len(to_remove) + len(checked) > MAX_FILES_PER_SUBMISSION:
        raise ValidationError(
            {
                "files": _("At most %(count)d files can be handed in with one piece of work.")
                % {"count": MAX_FILES_PER_SUBMISSION}
            }
        )
    if to_remove:
        submission.files.filter(pk__in=[pk for pk, _name in to_remove]).delete()
        names = [name for _pk, name in to_remove]
        transaction.on_commit(lambda: _delete_stored(names))
    _store(submission, checked, by=by, now=now, stored=stored)
    if text is not None:
        submission.text = text
    submission.updated_at = now


def _check_editable(submission: Submission) -> None:
    if submission.status == SubmissionStatus.GRADED:
        raise _conflict(_("This work has been graded; it can no longer be changed."))
    if submission.status not in EDITABLE_STATUSES:
        raise _conflict(
            _("This work was handed in; it can only be changed if your tutor returns it.")
        )


def _with_cleanup(func):
    """Run `func(stored)`; if it fails, delete the files it stored (the rows roll back)."""
    stored: list[str] = []
    try:
        return func(stored)
    except BaseException:
        _delete_stored(stored)
        raise


def submission_save_draft(
    *,
    by: User,
    assignment: Assignment,
    text: str | None = None,
    files=(),
    remove_file_ids=(),
    now: datetime | None = None,
) -> Submission:
    """Save the student's work without handing it in: text (None keeps it), new files,
    files to remove. Only the assigned student, only while DRAFT or RETURNED.

    Files are checked by content (`files.check_upload`) and counted against the limit
    before anything is stored. Raises PermissionDenied for anyone but the student,
    ValidationError (code "conflict") once handed in, ValidationError ("files"/"text") for
    bad input; nothing is changed or kept then.
    """
    if not can_work_on(by, assignment):
        raise PermissionDenied(_("Only the student this work was given to can change it."))
    now = now or timezone.now()

    def run(stored):
        with transaction.atomic():
            submission = _lock(assignment)
            _check_editable(submission)
            _apply_draft(
                submission,
                by=by,
                text=text,
                files=files,
                remove_file_ids=remove_file_ids,
                now=now,
                stored=stored,
            )
            submission.save(update_fields=["text", "updated_at"])
            return submission

    return _with_cleanup(run)


def submission_submit(
    *,
    by: User,
    assignment: Assignment,
    text: str | None = None,
    files=(),
    remove_file_ids=(),
    now: datetime | None = None,
) -> Submission:
    """Hand the work in (saving the given text and files first, in the same transaction).

    Only the assigned student, from DRAFT or RETURNED. A first hand-in after the due date
    is refused unless the assignment accepts late work, and marked late when accepted.
    Empty work (no text, no file, no counted quiz attempt) is refused. Records the event,
    notifies the tutor, sends `submission_submitted`. Refusals change nothing.
    """
    if not can_work_on(by, assignment):
        raise PermissionDenied(_("Only the student this work was given to can hand it in."))
    now = now or timezone.now()

    def run(stored):
        with transaction.atomic():
            submission = _lock(assignment)
            _check_editable(submission)
            _apply_draft(
                submission,
                by=by,
                text=text,
                files=files,
                remove_file_ids=remove_file_ids,
                now=now,
                stored=stored,
            )
            if not (
                submission.text.strip()
                or submission.files.exists()
                or submission.quiz_attempt_id is not None
            ):
                raise ValidationError(
                    {"text": _("Write an answer or attach a file before handing the work in.")}
                )
            current = submission.assignment
            from_status = submission.status
            if from_status == SubmissionStatus.DRAFT:
                late = now > current.due_at
                if late and not current.allow_late:
                    raise _conflict(
                        _("The due date has passed and this work does not accept late hand-ins.")
                    )
                submission.is_late = late
            submission.status = SubmissionStatus.SUBMITTED
            submission.submitted_at = now
            submission.save(
                update_fields=["text", "updated_at", "status", "submitted_at", "is_late"]
            )
            note = SubmissionEvent.Note.LATE if submission.is_late else ""
            _record(
                submission,
                actor=by,
                from_status=from_status,
                to_status=SubmissionStatus.SUBMITTED,
                note=note,
                at=now,
            )
            _notify_submitted(submission)
            submission_submitted.send(
                sender=Submission, submission=submission, on_time=not submission.is_late
            )
            return submission

    return _with_cleanup(run)


def _notify_submitted(submission: Submission) -> None:
    assignment = submission.assignment
    title = assignment.title
    student_name = assignment.student.display_name
    late = submission.is_late
    notify(
        recipient=assignment.tutor,
        kind=Notification.Kind.ASSIGNMENT_SUBMITTED,
        text=lambda: (
            (
                _("%(student)s handed in “%(title)s” (late).")
                if late
                else _("%(student)s handed in “%(title)s”.")
            )
            % {"student": student_name, "title": title}
        ),
        link=reverse("assignments:submission_detail", args=[submission.pk]),
    )


def _check_tutor(by: User, submission: Submission) -> None:
    assignment = submission.assignment
    if not can_grade(by, assignment):
        raise PermissionDenied(_("Only the tutor who gave this work grades it."))
    linked = TutorStudent.objects.filter(
        tutor=by, student_id=assignment.student_id, status=TutorStudent.Status.ACTIVE
    ).exists()
    if not linked:
        raise PermissionDenied(_("This student is no longer yours."))


def _check_gradable(submission: Submission) -> None:
    if submission.status == SubmissionStatus.GRADED:
        raise _conflict(_("This work has already been graded."))
    if submission.status != SubmissionStatus.SUBMITTED:
        raise _conflict(_("This work has not been handed in yet."))


def _clean_feedback(feedback: str) -> str:
    feedback = (feedback or "").strip()
    if len(feedback) > FEEDBACK_MAX_LENGTH:
        raise ValidationError(
            {"feedback": _("The feedback is too long (20000 characters at most).")}
        )
    return feedback


def _clean_points(points, max_points: Decimal) -> Decimal:
    try:
        value = Decimal(str(points)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({"points": _("Give the points as a number.")}) from exc
    if not Decimal("0") <= value <= max_points:
        raise ValidationError(
            {"points": _("Points must be between 0 and %(max)s.") % {"max": _number(max_points)}}
        )
    return value


@transaction.atomic
def submission_grade(
    *,
    by: User,
    submission: Submission,
    points,
    feedback: str = "",
    now: datetime | None = None,
) -> Submission:
    """Grade handed-in work: SUBMITTED → GRADED with points (0..max_points) and feedback.

    Only the tutor who gave it, while still linked to the student. Notifies the student
    and their parents, records the event, sends `submission_graded`. Raises
    PermissionDenied for anyone else, ValidationError ("points"/"feedback") for bad input
    and (code "conflict") when the work is not waiting for a grade.
    """
    _check_tutor(by, submission)
    now = now or timezone.now()
    locked = _lock(submission.assignment)
    _check_gradable(locked)
    value = _clean_points(points, locked.assignment.max_points)
    locked.points = value
    locked.feedback = _clean_feedback(feedback)
    locked.graded_at = now
    locked.graded_by = by
    locked.status = SubmissionStatus.GRADED
    locked.updated_at = now
    locked.save(
        update_fields=["points", "feedback", "graded_at", "graded_by", "status", "updated_at"]
    )
    _record(
        locked,
        actor=by,
        from_status=SubmissionStatus.SUBMITTED,
        to_status=SubmissionStatus.GRADED,
        at=now,
    )
    _notify_graded(locked)
    submission_graded.send(sender=Submission, submission=locked)
    return locked


@transaction.atomic
def submission_return(
    *, by: User, submission: Submission, feedback: str, now: datetime | None = None
) -> Submission:
    """Send handed-in work back for another try: SUBMITTED → RETURNED, with feedback.

    The feedback (what to change) is required. The student may then edit and hand in
    again, even after the due date. Notifies the student, records the event.
    """
    _check_tutor(by, submission)
    now = now or timezone.now()
    locked = _lock(submission.assignment)
    _check_gradable(locked)
    feedback = _clean_feedback(feedback)
    if not feedback:
        raise ValidationError({"feedback": _("Tell the student what to change.")})
    locked.feedback = feedback
    locked.status = SubmissionStatus.RETURNED
    locked.updated_at = now
    locked.save(update_fields=["feedback", "status", "updated_at"])
    _record(
        locked,
        actor=by,
        from_status=SubmissionStatus.SUBMITTED,
        to_status=SubmissionStatus.RETURNED,
        at=now,
    )
    assignment = locked.assignment
    title = assignment.title
    notify(
        recipient=assignment.student,
        kind=Notification.Kind.ASSIGNMENT_RETURNED,
        text=lambda: _("“%(title)s” was returned to you for another try.") % {"title": title},
        link=reverse("assignments:detail", args=[assignment.pk]),
    )
    return locked

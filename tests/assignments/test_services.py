"""The assignment services: who may do what in which state, and nothing changes on refusal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses.assignments.models import (
    Assignment,
    Submission,
    SubmissionEvent,
    SubmissionFile,
    SubmissionStatus,
)
from courses.assignments.services import (
    assignment_create,
    submission_grade,
    submission_return,
    submission_save_draft,
    submission_submit,
)
from courses.assignments.signals import submission_graded, submission_submitted
from courses.models import CourseEnrollment
from messaging.models import Notification
from people.models import TutorStudent
from tests import factories
from tests.assignments.conftest import give, in_days, make_world, text_file
from tests.courses.factories import TaskPageFactory

pytestmark = pytest.mark.django_db


def statuses(submission):
    return list(submission.events.values_list("from_status", "to_status"))


@pytest.fixture
def signals_seen():
    seen = []

    def on_submitted(sender, submission, on_time, **kwargs):
        seen.append(("submitted", submission.pk, on_time))

    def on_graded(sender, submission, **kwargs):
        seen.append(("graded", submission.pk, submission.points))

    submission_submitted.connect(on_submitted, dispatch_uid="test-submitted")
    submission_graded.connect(on_graded, dispatch_uid="test-graded")
    yield seen
    submission_submitted.disconnect(dispatch_uid="test-submitted")
    submission_graded.disconnect(dispatch_uid="test-graded")


# --- giving work ---------------------------------------------------------------------------


def test_assigning_creates_a_draft_enrols_and_tells_the_student(world, student):
    due = in_days(3)
    assignment = give(world, due_at=due, instructions="Read p. 4", max_points="12.5")
    assert assignment.due_at == due
    assert assignment.max_points == Decimal("12.50")
    assert assignment.page_translation_key == world.task.translation_key
    assert assignment.course_translation_key == world.course.translation_key
    assert assignment.title == world.task.title
    assert assignment.source == Assignment.Source.TUTOR
    assert not assignment.quiz_only
    submission = assignment.submission
    assert submission.status == SubmissionStatus.DRAFT
    assert statuses(submission) == [("", SubmissionStatus.DRAFT)]
    assert CourseEnrollment.objects.filter(
        student=student, course_translation_key=world.course.translation_key
    ).exists()
    note = Notification.objects.get(recipient=student)
    assert note.kind == Notification.Kind.ASSIGNMENT_ASSIGNED
    assert world.task.title in note.text
    assert note.link == f"/assignments/{assignment.pk}/"


def test_a_quiz_page_is_quiz_only_by_default_unless_the_tutor_says_otherwise(world):
    assert give(world, page=world.quiz_task).quiz_only
    assert not give(world, page=world.quiz_task, quiz_only=False).quiz_only
    assert not give(world, page=world.task, quiz_only=True).quiz_only


def test_only_tutors_assign(world, student, manager):
    with pytest.raises(PermissionDenied):
        assignment_create(
            by=manager, student=student, page=world.task, due_at=in_days(1), max_points=5
        )
    with pytest.raises(PermissionDenied):
        assignment_create(
            by=student, student=student, page=world.task, due_at=in_days(1), max_points=5
        )
    assert not Assignment.objects.exists()


def test_a_tutor_gives_only_to_their_active_students(world, other_student, tutor, student):
    with pytest.raises(ValidationError) as info:
        assignment_create(
            by=tutor, student=other_student, page=world.task, due_at=in_days(1), max_points=5
        )
    assert "student" in info.value.message_dict
    TutorStudent.objects.filter(tutor=tutor, student=student).update(
        status=TutorStudent.Status.ENDED
    )
    with pytest.raises(ValidationError):
        give(world)
    assert not Assignment.objects.exists()


def test_a_tutor_gives_only_live_pages_of_their_own_courses(world, other_tutor, tutor, student):
    other = make_world(other_tutor, factories.StudentFactory(), title="Other")
    with pytest.raises(ValidationError) as info:
        give(world, page=other.task)
    assert "page" in info.value.message_dict
    draft = TaskPageFactory(parent=world.course, title="Draft task", live=False)
    with pytest.raises(ValidationError):
        give(world, page=draft)
    with pytest.raises(ValidationError):
        give(world, page=world.course)  # a course is not a lesson or task
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"due_at": timezone.now() - timedelta(minutes=1)}, "due_at"),
        ({"max_points": 0}, "max_points"),
        ({"max_points": "1000.01"}, "max_points"),
        ({"max_points": "lots"}, "max_points"),
        ({"instructions": "x" * 10_001}, "instructions"),
    ],
)
def test_bad_terms_are_refused(world, terms, field):
    with pytest.raises(ValidationError) as info:
        give(world, **terms)
    assert field in info.value.message_dict
    assert not Assignment.objects.exists()


def test_a_group_key_makes_assigning_idempotent(world):
    import uuid

    key = uuid.uuid4()
    first = give(world, group_key=key, source=Assignment.Source.RULE, reason="Scored 40 %")
    again = give(world, group_key=key, source=Assignment.Source.RULE, reason="Scored 40 %")
    assert first.pk == again.pk
    assert Assignment.objects.count() == 1
    assert first.reason == "Scored 40 %"


# --- the student's work -------------------------------------------------------------------


def test_drafts_keep_text_and_files_and_change_no_status(world, student):
    assignment = give(world)
    submission = submission_save_draft(
        by=student, assignment=assignment, text="First go", files=[text_file()]
    )
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.text == "First go"
    assert submission.files.count() == 1
    submission = submission_save_draft(by=student, assignment=assignment, text="Second go")
    assert submission.text == "Second go" and submission.files.count() == 1
    assert statuses(submission) == [("", SubmissionStatus.DRAFT)]


def test_only_the_student_works_on_it(world, tutor, parent, other_student):
    assignment = give(world)
    for someone in (tutor, parent, other_student):
        with pytest.raises(PermissionDenied):
            submission_save_draft(by=someone, assignment=assignment, text="x")
        with pytest.raises(PermissionDenied):
            submission_submit(by=someone, assignment=assignment, text="x")
    assert Submission.objects.get().text == ""


def test_submitting_on_time(world, student, tutor, signals_seen):
    assignment = give(world)
    submission = submission_submit(by=student, assignment=assignment, text="Done")
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.submitted_at is not None and not submission.is_late
    assert statuses(submission)[-1] == (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED)
    assert submission.events.last().actor == student
    assert signals_seen == [("submitted", submission.pk, True)]
    note = Notification.objects.get(recipient=tutor, kind=Notification.Kind.ASSIGNMENT_SUBMITTED)
    assert note.link == f"/assignments/submissions/{submission.pk}/"


def test_empty_work_is_not_handed_in(world, student):
    assignment = give(world)
    with pytest.raises(ValidationError):
        submission_submit(by=student, assignment=assignment, text="   ")
    assert Submission.objects.get().status == SubmissionStatus.DRAFT


def test_handed_in_work_cannot_change(world, student):
    assignment = give(world)
    submission_submit(by=student, assignment=assignment, text="Done", files=[text_file()])
    with pytest.raises(ValidationError) as info:
        submission_save_draft(
            by=student, assignment=assignment, text="Changed", files=[text_file()]
        )
    assert info.value.code == "conflict"
    with pytest.raises(ValidationError):
        submission_submit(by=student, assignment=assignment, text="Again")
    submission = Submission.objects.get()
    assert submission.text == "Done"
    assert submission.files.count() == 1
    assert submission.events.count() == 2


def test_late_work_is_refused_unless_allowed_and_nothing_is_kept(world, student, settings):
    assignment = give(world, due_at=in_days(1))
    later = assignment.due_at + timedelta(hours=1)
    with pytest.raises(ValidationError) as info:
        submission_submit(
            by=student, assignment=assignment, text="Late", files=[text_file()], now=later
        )
    assert info.value.code == "conflict"
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.DRAFT and submission.text == ""
    assert not SubmissionFile.objects.exists()
    media = settings.MEDIA_ROOT / "submissions"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_late_work_is_accepted_and_marked_when_allowed(world, student, signals_seen):
    assignment = give(world, due_at=in_days(1), allow_late=True)
    later = assignment.due_at + timedelta(hours=1)
    submission = submission_submit(by=student, assignment=assignment, text="Late", now=later)
    assert submission.status == SubmissionStatus.SUBMITTED and submission.is_late
    assert submission.events.last().note == SubmissionEvent.Note.LATE
    assert signals_seen == [("submitted", submission.pk, False)]


# --- the tutor's verdict -------------------------------------------------------------------


def test_grading_tells_the_student_and_parents(world, student, parent, tutor, signals_seen):
    assignment = give(world)
    submission = submission_submit(by=student, assignment=assignment, text="Done")
    graded = submission_grade(by=tutor, submission=submission, points="8.5", feedback="Nice")
    assert graded.status == SubmissionStatus.GRADED
    assert graded.points == Decimal("8.50") and graded.feedback == "Nice"
    assert graded.graded_by == tutor and graded.graded_at is not None
    assert statuses(graded)[-1] == (SubmissionStatus.SUBMITTED, SubmissionStatus.GRADED)
    assert signals_seen[-1] == ("graded", graded.pk, Decimal("8.50"))
    for someone in (student, parent):
        note = Notification.objects.get(recipient=someone, kind=Notification.Kind.ASSIGNMENT_GRADED)
        assert "8.5" in note.text and "10" in note.text


@pytest.mark.parametrize("points", ["-1", "10.01", "many"])
def test_points_stay_between_0_and_max(world, student, tutor, points):
    assignment = give(world)
    submission = submission_submit(by=student, assignment=assignment, text="Done")
    with pytest.raises(ValidationError) as info:
        submission_grade(by=tutor, submission=submission, points=points)
    assert "points" in info.value.message_dict
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_only_the_tutor_who_gave_it_grades(world, student, other_tutor, manager, parent, tutor):
    assignment = give(world)
    submission = submission_submit(by=student, assignment=assignment, text="Done")
    for someone in (other_tutor, manager, parent, student):
        with pytest.raises(PermissionDenied):
            submission_grade(by=someone, submission=submission, points=5)
        with pytest.raises(PermissionDenied):
            submission_return(by=someone, submission=submission, feedback="Again")
    TutorStudent.objects.filter(tutor=tutor, student=student).update(
        status=TutorStudent.Status.ENDED
    )
    with pytest.raises(PermissionDenied):
        submission_grade(by=tutor, submission=submission, points=5)
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_illegal_transitions_are_clear_errors(world, student, tutor):
    assignment = give(world)
    submission = assignment.submission
    with pytest.raises(ValidationError) as info:
        submission_grade(by=tutor, submission=submission, points=5)
    assert info.value.code == "conflict"
    with pytest.raises(ValidationError):
        submission_return(by=tutor, submission=submission, feedback="Again")
    submission = submission_submit(by=student, assignment=assignment, text="Done")
    submission_grade(by=tutor, submission=submission, points=5)
    with pytest.raises(ValidationError) as info:
        submission_grade(by=tutor, submission=submission, points=6)
    assert "already been graded" in info.value.messages[0]
    with pytest.raises(ValidationError):
        submission_return(by=tutor, submission=submission, feedback="Again")
    with pytest.raises(ValidationError):
        submission_save_draft(by=student, assignment=assignment, text="Changed")
    submission.refresh_from_db()
    assert (submission.status, submission.points, submission.text) == (
        SubmissionStatus.GRADED,
        Decimal("5.00"),
        "Done",
    )


def test_returned_work_is_edited_and_handed_in_again(world, student, tutor):
    assignment = give(world, due_at=in_days(1))
    submission = submission_submit(by=student, assignment=assignment, text="Done")
    with pytest.raises(ValidationError):
        submission_return(by=tutor, submission=submission, feedback=" ")
    returned = submission_return(by=tutor, submission=submission, feedback="Add a conclusion")
    assert returned.status == SubmissionStatus.RETURNED
    note = Notification.objects.get(recipient=student, kind=Notification.Kind.ASSIGNMENT_RETURNED)
    assert note.link == f"/assignments/{assignment.pk}/"
    # after the due date: a return invites a resubmission, which keeps the first lateness
    later = assignment.due_at + timedelta(days=1)
    submission_save_draft(by=student, assignment=assignment, text="Done, with a conclusion")
    again = submission_submit(by=student, assignment=assignment, now=later)
    assert again.status == SubmissionStatus.SUBMITTED and not again.is_late
    graded = submission_grade(
        by=tutor, submission=again, points=10, now=later + timedelta(minutes=5)
    )
    assert statuses(graded) == [
        ("", SubmissionStatus.DRAFT),
        (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED),
        (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED),
        (SubmissionStatus.RETURNED, SubmissionStatus.SUBMITTED),
        (SubmissionStatus.SUBMITTED, SubmissionStatus.GRADED),
    ]

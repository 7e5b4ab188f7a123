"""Lesson services: creation rules, price and links, history, edits, policy, marking."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from messaging.models import Notification
from scheduling.errors import SlotTaken
from scheduling.models import (
    CalendarSettings,
    LessonChange,
    LessonParticipant,
    Reminder,
    ScheduledLesson,
    SchedulePolicy,
)
from scheduling.selectors import unmarked_lessons
from scheduling.services.lessons import (
    attendance_set,
    lesson_cancel,
    lesson_create,
    lesson_mark,
    lesson_update,
)
from tests import factories
from tests.scheduling.factories import at, classroom_of, linked_student, make_lesson, set_rate

pytestmark = pytest.mark.django_db
Status = ScheduledLesson.Status


def create(tutor, student, start=None, minutes=60, **kwargs):
    start = start or at(3, 10)
    return lesson_create(
        by=tutor,
        tutor=tutor,
        student=student,
        start=start,
        end=start + timedelta(minutes=minutes),
        **kwargs,
    )


# --- creation ---------------------------------------------------------------------------------


def test_create_freezes_prorated_price_links_participant_history_reminders(tutor, student):
    set_rate(tutor, "40.00", "UAH")
    lesson = create(tutor, student, minutes=90)
    assert lesson.status == Status.SCHEDULED
    assert lesson.price == Decimal("60.00") and lesson.currency == "UAH"
    set_rate(tutor, "80.00")  # a later rate change does not touch the frozen price
    lesson.refresh_from_db()
    assert lesson.price == Decimal("60.00")
    assert lesson.meeting_url.startswith("https://meet.jit.si/Tutorflow-")
    room = lesson.meeting_url.removeprefix("https://meet.jit.si/Tutorflow-")
    assert len(room) == 22  # 16 random bytes, URL-safe base64
    assert list(lesson.participants.values_list("student_id", "blocking")) == [(student.pk, True)]
    change = lesson.changes.get()
    assert change.action == LessonChange.Action.CREATED and change.changed_by == tutor
    reminders = set(lesson.reminders.values_list("user_id", "offset_minutes", "due_at"))
    assert reminders == {
        (user.pk, minutes, lesson.start - timedelta(minutes=minutes))
        for user in (tutor, student)
        for minutes in (1440, 60)
    }
    note = Notification.objects.get(recipient=student)
    assert note.kind == Notification.Kind.LESSON_SCHEDULED


def test_meeting_rooms_are_unguessable_and_unique(tutor, student):
    first = create(tutor, student, start=at(3, 10))
    second = create(tutor, student, start=at(3, 12))
    assert first.meeting_url != second.meeting_url


def test_fixed_meeting_link_setting(tutor, student, settings):
    settings.SCHEDULING_MEETING_LINKS = "fixed"
    SchedulePolicy.objects.create(tutor=tutor, fixed_meeting_url="https://zoom.example/my-room")
    assert create(tutor, student).meeting_url == "https://zoom.example/my-room"
    assert create(tutor, student, start=at(3, 14), is_online=False).meeting_url == ""


def test_reminder_offsets_follow_the_users_settings(tutor, student):
    CalendarSettings.objects.create(user=student, reminder_offsets=[30])
    lesson = create(tutor, student)
    assert set(lesson.reminders.filter(user=student).values_list("offset_minutes", flat=True)) == {
        30
    }


def test_end_must_follow_start(tutor, student):
    start = at(3, 10)
    with pytest.raises(ValidationError):
        lesson_create(by=tutor, tutor=tutor, student=student, start=start, end=start)
    assert not ScheduledLesson.objects.exists()


def test_past_lesson_is_recorded_completed_without_reminders(tutor, student):
    lesson = create(tutor, student, start=at(-2, 10))
    assert lesson.status == Status.COMPLETED and lesson.chargeable is True
    assert not lesson.reminders.exists()
    assert not Notification.objects.filter(recipient=student).exists()


def test_lesson_under_way_cannot_be_created(tutor, student):
    start = timezone.now() - timedelta(minutes=10)
    with pytest.raises(ValidationError):
        lesson_create(
            by=tutor, tutor=tutor, student=student, start=start, end=start + timedelta(hours=1)
        )


def test_student_must_be_linked_and_classroom_own(tutor, other_tutor, other_student):
    with pytest.raises(ValidationError):
        create(tutor, other_student)
    classroom = classroom_of(other_tutor, 1)
    start = at(3, 10)
    with pytest.raises(ValidationError):
        lesson_create(
            by=tutor, tutor=tutor, classroom=classroom, start=start, end=start + timedelta(hours=1)
        )
    assert not ScheduledLesson.objects.exists()


def test_only_the_tutor_creates(tutor, student, other_tutor):
    start = at(3, 10)
    with pytest.raises(PermissionDenied):
        lesson_create(
            by=other_tutor,
            tutor=tutor,
            student=student,
            start=start,
            end=start + timedelta(hours=1),
        )
    with pytest.raises(PermissionDenied):
        lesson_create(
            by=student, tutor=tutor, student=student, start=start, end=start + timedelta(hours=1)
        )


def test_classroom_lesson_has_one_participant_per_member(tutor):
    classroom = classroom_of(tutor, 3)
    start = at(3, 10)
    lesson = lesson_create(
        by=tutor, tutor=tutor, classroom=classroom, start=start, end=start + timedelta(hours=1)
    )
    assert lesson.participants.count() == 3
    assert Notification.objects.filter(kind=Notification.Kind.LESSON_SCHEDULED).count() == 3


# --- no double booking (the check) ---------------------------------------------------------------


def test_tutor_overlap_is_refused_and_named_in_the_viewers_timezone(tutor, student):
    tutor.timezone = "Europe/Kyiv"
    tutor.save()
    anna = linked_student(tutor, first_name="Anna", last_name="K")
    create(tutor, anna, start=at(3, 10))
    with pytest.raises(SlotTaken) as caught:
        create(tutor, student, start=at(3, 10, 30))
    local = at(3, 10).astimezone(timezone.get_fixed_timezone(120))  # Kyiv in winter: UTC+2
    message = caught.value.messages[0]
    assert "Anna K" in message and local.strftime("%H:%M") in message
    assert ScheduledLesson.objects.count() == 1
    assert caught.value.conflicts[0].student == anna


def test_student_overlap_with_another_tutor_is_refused_without_naming_it(tutor, student):
    second_tutor = factories.TutorFactory()
    factories.TutorStudentFactory(tutor=second_tutor, student=student)
    create(second_tutor, student, start=at(3, 10))
    with pytest.raises(SlotTaken) as caught:
        create(tutor, student, start=at(3, 10, 30))
    assert "another lesson" in caught.value.messages[0]
    assert student.display_name not in caught.value.messages[0]


def test_back_to_back_lessons_do_not_overlap(tutor, student):
    create(tutor, student, start=at(3, 10))
    create(tutor, student, start=at(3, 11))
    assert ScheduledLesson.objects.count() == 2


def test_classroom_member_busy_blocks_the_classroom_lesson(tutor):
    classroom = classroom_of(tutor, 2)
    member = classroom.memberships.first().student
    other = factories.TutorFactory()
    factories.TutorStudentFactory(tutor=other, student=member)
    create(other, member, start=at(3, 10))
    start = at(3, 10)
    with pytest.raises(SlotTaken):
        lesson_create(
            by=tutor, tutor=tutor, classroom=classroom, start=start, end=start + timedelta(hours=1)
        )


# --- edits and history ---------------------------------------------------------------------------


def test_move_records_history_moves_reminders_and_prorates(tutor, student):
    set_rate(tutor, "40.00")
    lesson = create(tutor, student)
    new_start = at(4, 15)
    lesson_update(
        by=tutor,
        lesson=lesson,
        start=new_start,
        end=new_start + timedelta(minutes=30),
        reason="clash",
    )
    lesson.refresh_from_db()
    change = lesson.changes.get(action=LessonChange.Action.EDITED)
    assert change.reason == "clash" and change.changed_by == tutor
    assert change.changes["start"] == [at(3, 10).isoformat(), new_start.isoformat()]
    assert change.changes["price"] == ["40.00", "20.00"]
    assert lesson.participants.get().start == new_start
    assert set(lesson.reminders.values_list("due_at", flat=True)) == {
        new_start - timedelta(minutes=1440),
        new_start - timedelta(minutes=60),
    }
    assert Notification.objects.filter(
        recipient=student, kind=Notification.Kind.LESSON_CHANGED
    ).exists()


def test_move_onto_another_lesson_is_refused(tutor, student):
    create(tutor, student, start=at(3, 12))
    lesson = create(tutor, student, start=at(3, 10))
    with pytest.raises(SlotTaken):
        lesson_update(by=tutor, lesson=lesson, start=at(3, 12), end=at(3, 13))
    lesson.refresh_from_db()
    assert lesson.start == at(3, 10)
    assert not lesson.changes.filter(action=LessonChange.Action.EDITED).exists()


def test_started_lesson_cannot_be_edited_only_marked(tutor, student):
    lesson = make_lesson(tutor, student, start=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError):
        lesson_update(by=tutor, lesson=lesson, location="Room 2")
    lesson_update(by=tutor, lesson=lesson, tutor_notes="went well")  # private notes may change
    lesson_mark(by=tutor, lesson=lesson, outcome="completed")
    lesson.refresh_from_db()
    assert lesson.status == Status.COMPLETED and lesson.tutor_notes == "went well"


def test_only_the_tutor_edits_and_unknown_fields_are_refused(tutor, student):
    lesson = create(tutor, student)
    with pytest.raises(PermissionDenied):
        lesson_update(by=student, lesson=lesson, location="x")
    with pytest.raises(ValidationError):
        lesson_update(by=tutor, lesson=lesson, price=Decimal("1"))


# --- cancellation policy -------------------------------------------------------------------------


def test_tutor_can_always_cancel_never_chargeable(tutor, student):
    lesson = create(tutor, student, start=timezone.now() + timedelta(minutes=30))
    lesson_cancel(by=tutor, lesson=lesson, reason="ill")
    lesson.refresh_from_db()
    assert (lesson.status, lesson.chargeable, lesson.cancel_reason) == (
        Status.CANCELLED_TUTOR,
        False,
        "ill",
    )
    assert lesson.cancelled_by == tutor
    assert not lesson.participants.get().blocking
    assert set(lesson.reminders.values_list("status", flat=True)) <= {Reminder.Status.CANCELLED}
    assert lesson.changes.filter(action=LessonChange.Action.CANCELLED, reason="ill").exists()
    assert Notification.objects.filter(
        recipient=student, kind=Notification.Kind.LESSON_CANCELLED
    ).exists()
    # The slot is free again.
    create(tutor, student, start=lesson.start, minutes=30)


def test_student_cancels_in_time_free_of_charge(tutor, student):
    lesson = create(tutor, student, start=at(3, 10))
    lesson_cancel(by=student, lesson=lesson)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.chargeable) == (Status.CANCELLED_STUDENT, False)
    assert Notification.objects.filter(
        recipient=tutor, kind=Notification.Kind.LESSON_CANCELLED
    ).exists()


def test_parent_cancels(tutor, student, parent):
    lesson = create(tutor, student, start=at(3, 10))
    lesson_cancel(by=parent, lesson=lesson)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.chargeable, lesson.cancelled_by) == (
        Status.CANCELLED_PARENT,
        False,
        parent,
    )


def test_late_cancellation_is_chargeable_by_the_school_default(tutor, student):
    lesson = create(tutor, student, start=timezone.now() + timedelta(hours=10))
    lesson_cancel(by=student, lesson=lesson)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.chargeable) == (Status.LATE_CANCELLED, True)


def test_tutor_override_beats_school_default(tutor, student):
    SchedulePolicy.objects.create(tutor=None, cancel_notice_hours=48)
    SchedulePolicy.objects.create(tutor=tutor, cancel_notice_hours=6, late_cancel_chargeable=False)
    lesson = create(tutor, student, start=timezone.now() + timedelta(hours=10))
    lesson_cancel(by=student, lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.status == Status.CANCELLED_STUDENT
    late = create(tutor, student, start=timezone.now() + timedelta(hours=5))
    lesson_cancel(by=student, lesson=late)
    late.refresh_from_db()
    assert (late.status, late.chargeable) == (Status.LATE_CANCELLED, False)


def test_school_default_applies_without_an_override(tutor, student):
    SchedulePolicy.objects.create(tutor=None, cancel_notice_hours=72)
    lesson = create(tutor, student, start=at(2, 10))
    lesson_cancel(by=student, lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.status == Status.LATE_CANCELLED


def test_two_hour_cutoff_refuses_students_and_parents_not_the_tutor(tutor, student, parent):
    SchedulePolicy.objects.create(tutor=None, cancel_cutoff_hours=2)
    lesson = create(tutor, student, start=timezone.now() + timedelta(minutes=90))
    for who in (student, parent):
        with pytest.raises(ValidationError) as caught:
            lesson_cancel(by=who, lesson=lesson)
        assert "2 hours" in caught.value.messages[0]
    lesson.refresh_from_db()
    assert lesson.status == Status.SCHEDULED
    assert not lesson.changes.filter(action=LessonChange.Action.CANCELLED).exists()
    lesson_cancel(by=tutor, lesson=lesson)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.chargeable) == (Status.CANCELLED_TUTOR, False)


def test_outside_the_cutoff_but_inside_notice_is_late(tutor, student):
    SchedulePolicy.objects.create(tutor=tutor, cancel_cutoff_hours=2, cancel_notice_hours=24)
    lesson = create(tutor, student, start=timezone.now() + timedelta(hours=3))
    lesson_cancel(by=student, lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.status == Status.LATE_CANCELLED


def test_illegal_cancellations(tutor, student, other_student, other_parent):
    lesson = create(tutor, student)
    for outsider in (other_student, other_parent):
        with pytest.raises(PermissionDenied):
            lesson_cancel(by=outsider, lesson=lesson)
    lesson_cancel(by=tutor, lesson=lesson)
    with pytest.raises(ValidationError):
        lesson_cancel(by=tutor, lesson=lesson)  # already cancelled
    started = make_lesson(tutor, student, start=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError):
        lesson_cancel(by=student, lesson=started)


def test_classroom_lesson_is_cancelled_by_the_tutor_only(tutor):
    classroom = classroom_of(tutor, 2)
    start = at(3, 10)
    lesson = lesson_create(
        by=tutor, tutor=tutor, classroom=classroom, start=start, end=start + timedelta(hours=1)
    )
    member = classroom.memberships.first().student
    with pytest.raises(PermissionDenied):
        lesson_cancel(by=member, lesson=lesson)


# --- marking and attendance ----------------------------------------------------------------------


def test_mark_rules(tutor, student):
    future = create(tutor, student)
    with pytest.raises(ValidationError):
        lesson_mark(by=tutor, lesson=future, outcome="completed")
    past = make_lesson(tutor, student, start=timezone.now() - timedelta(hours=2))
    assert list(unmarked_lessons(tutor)) == [past]
    with pytest.raises(PermissionDenied):
        lesson_mark(by=student, lesson=past, outcome="completed")
    lesson_mark(by=tutor, lesson=past, outcome="no_show")
    past.refresh_from_db()
    assert (past.status, past.chargeable) == (Status.NO_SHOW, True)
    assert list(unmarked_lessons(tutor)) == []
    lesson_mark(by=tutor, lesson=past, outcome="completed")  # a correction
    past.refresh_from_db()
    assert (past.status, past.chargeable) == (Status.COMPLETED, True)
    actions = list(past.changes.values_list("action", flat=True))
    assert actions == [LessonChange.Action.NO_SHOW, LessonChange.Action.COMPLETED]


def test_no_show_chargeable_follows_the_policy(tutor, student):
    SchedulePolicy.objects.create(tutor=tutor, no_show_chargeable=False)
    past = make_lesson(tutor, student, start=timezone.now() - timedelta(hours=2))
    lesson_mark(by=tutor, lesson=past, outcome="no_show")
    past.refresh_from_db()
    assert past.chargeable is False


def test_cancelled_lesson_cannot_be_marked(tutor, student):
    past = make_lesson(
        tutor, student, start=timezone.now() - timedelta(hours=2), status=Status.CANCELLED_TUTOR
    )
    with pytest.raises(ValidationError):
        lesson_mark(by=tutor, lesson=past, outcome="completed")


def test_attendance_marks_absent_students_and_completes(tutor):
    classroom = classroom_of(tutor, 3)
    lesson = make_lesson(tutor, classroom=classroom, start=timezone.now() - timedelta(hours=1))
    absent = classroom.memberships.first().student_id
    attendance_set(by=tutor, lesson=lesson, absent_student_ids=[absent])
    lesson.refresh_from_db()
    assert lesson.status == Status.COMPLETED
    marks = dict(lesson.participants.values_list("student_id", "attendance"))
    assert marks[absent] == LessonParticipant.Attendance.ABSENT
    assert sorted(marks.values()).count(LessonParticipant.Attendance.PRESENT) == 2
    change = lesson.changes.get(action=LessonChange.Action.ATTENDANCE)
    assert change.changes[str(absent)] == ["unmarked", "absent"]
    assert change.changes["status"] == ["scheduled", "completed"]
    with pytest.raises(ValidationError):
        attendance_set(by=tutor, lesson=lesson, absent_student_ids=[10**9])


def test_mark_sets_everyones_attendance(tutor, student):
    past = make_lesson(tutor, student, start=timezone.now() - timedelta(hours=2))
    lesson_mark(by=tutor, lesson=past, outcome="no_show")
    assert list(past.participants.values_list("attendance", flat=True)) == ["absent"]
    change = past.changes.get(action=LessonChange.Action.NO_SHOW)
    assert change.changes[str(student.pk)] == ["unmarked", "absent"]
    lesson_mark(by=tutor, lesson=past, outcome="completed")
    assert list(past.participants.values_list("attendance", flat=True)) == ["present"]


def test_no_show_back_to_completed_is_refused_when_the_slot_was_taken(tutor, student):
    start = timezone.now() - timedelta(hours=2)
    past = make_lesson(tutor, student, start=start)
    lesson_mark(by=tutor, lesson=past, outcome="no_show")
    # The freed slot was used meanwhile (e.g. recorded for another student).
    make_lesson(tutor, linked_student(tutor), start=start, status=Status.COMPLETED)
    with pytest.raises(SlotTaken):
        lesson_mark(by=tutor, lesson=past, outcome="completed")
    past.refresh_from_db()
    assert past.status == Status.NO_SHOW
    assert not past.participants.filter(blocking=True).exists()
    assert list(past.participants.values_list("attendance", flat=True)) == ["absent"]


def test_attendance_with_everyone_absent_is_a_no_show(tutor):
    SchedulePolicy.objects.create(tutor=tutor, no_show_chargeable=False)
    classroom = classroom_of(tutor, 2)
    lesson = make_lesson(tutor, classroom=classroom, start=timezone.now() - timedelta(hours=1))
    everyone = list(classroom.memberships.values_list("student_id", flat=True))
    attendance_set(by=tutor, lesson=lesson, absent_student_ids=everyone)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.chargeable) == (Status.NO_SHOW, False)
    assert not lesson.participants.filter(blocking=True).exists()
    change = lesson.changes.get(action=LessonChange.Action.ATTENDANCE)
    assert change.changes["status"] == ["scheduled", "no_show"]
    # A correction: one student was there after all.
    attendance_set(by=tutor, lesson=lesson, absent_student_ids=everyone[1:])
    lesson.refresh_from_db()
    assert (lesson.status, lesson.chargeable) == (Status.COMPLETED, True)


def test_private_notes_stay_out_of_the_history(tutor, student):
    lesson = create(tutor, student)
    lesson_update(by=tutor, lesson=lesson, tutor_notes="parents divorcing", location="Room 1")
    change = lesson.changes.get(action=LessonChange.Action.EDITED)
    assert change.changes["tutor_notes"] == ["(private)", "(private)"]
    assert change.changes["location"] == ["", "Room 1"]
    assert "divorcing" not in str(change.changes)


def test_policy_rows_one_default_and_one_per_tutor(tutor):
    from django.db import IntegrityError, transaction

    assert SchedulePolicy.for_tutor(tutor).pk is None  # built-in defaults, nothing stored
    assert SchedulePolicy.for_tutor(tutor).cancel_notice_hours == 24
    default = SchedulePolicy.objects.create(tutor=None, cancel_notice_hours=12)
    assert SchedulePolicy.for_tutor(tutor) == default
    with pytest.raises(IntegrityError), transaction.atomic():
        SchedulePolicy.objects.create(tutor=None)
    own = SchedulePolicy.objects.create(tutor=tutor)
    assert SchedulePolicy.for_tutor(tutor) == own
    with pytest.raises(IntegrityError), transaction.atomic():
        SchedulePolicy.objects.create(tutor=tutor)


def test_parents_hear_of_lessons_scheduled_and_cancelled_for_their_child(tutor, student, parent):
    """A parent follows the child's schedule: told when a lesson is set and when it goes."""
    from messaging.models import Notification
    from scheduling.services.lessons import lesson_cancel, lesson_create

    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    lesson = lesson_create(
        by=tutor, tutor=tutor, student=student, start=start, end=start + timedelta(hours=1)
    )
    told = Notification.objects.filter(recipient=parent)
    assert told.filter(kind=Notification.Kind.LESSON_SCHEDULED).count() == 1
    assert student.display_name in told.get(kind=Notification.Kind.LESSON_SCHEDULED).text
    lesson_cancel(by=student, lesson=lesson, reason="ill")
    cancelled = told.get(kind=Notification.Kind.LESSON_CANCELLED)
    assert "cancelled their lesson" in cancelled.text
    again = lesson_create(
        by=tutor, tutor=tutor, student=student, start=start, end=start + timedelta(hours=1)
    )
    lesson_cancel(by=parent, lesson=again, reason="trip")
    assert told.filter(kind=Notification.Kind.LESSON_CANCELLED).count() == 1  # not told of own act

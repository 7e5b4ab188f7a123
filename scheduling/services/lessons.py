"""Writes for scheduled lessons: create, edit, cancel under the policy, mark, attendance.

Every write runs in one transaction that also writes the participants, the history row,
the reminder rows and the notifications, and is guarded against double booking (see
scheduling.locking): an overlap raises SlotTaken and leaves nothing behind.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from messaging.models import Notification
from messaging.services import notify
from people.models import ClassroomMembership, Guardianship, TutorProfile, User
from people.permissions import has_active_link
from people.roles import Role

from ..errors import SlotTaken
from ..locking import guard_overlaps
from ..models import LessonChange, LessonParticipant, ScheduledLesson, SchedulePolicy
from ..permissions import can_cancel_lesson, can_manage_lesson, is_parent_of
from ..selectors import conflicts_for
from .reminders import reminders_plan

Status = ScheduledLesson.Status
CENT = Decimal("0.01")

#: Fields a tutor may change with lesson_update.
EDITABLE_FIELDS = ("start", "end", "subject", "course", "is_online", "location", "tutor_notes")
#: Fields that may still change once the lesson has started (private to the tutor).
EDITABLE_AFTER_START = ("tutor_notes",)


# --- helpers shared by the lesson, series and booking services ----------------------------


def lesson_link(lesson: ScheduledLesson) -> str:
    """The lesson's page, for notification links ("" while the page is not routed)."""
    try:
        return reverse("scheduling:lesson_detail", args=[lesson.pk])
    except NoReverseMatch:
        return ""


def when_for(lesson: ScheduledLesson, user) -> str:
    """The lesson's start and end in the user's timezone, e.g. "Mon 3 Mar 10:00–11:00"."""
    try:
        zone = zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    start = lesson.start.astimezone(zone)
    end = lesson.end.astimezone(zone)
    return "{} {}–{}".format(
        formats.date_format(start, "D j M"),
        formats.time_format(start, "H:i"),
        formats.time_format(end, "H:i"),
    )


def lesson_students(lesson: ScheduledLesson) -> list[User]:
    """The students taking part (the participant rows)."""
    return [p.student for p in lesson.participants.select_related("student")]


def notify_each(
    users: Iterable[User], kind: str, lesson: ScheduledLesson, text: Callable[[User], str]
) -> None:
    """Notify each user (once) with a text rendered for them (their language and zone)."""
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(recipient=user, kind=kind, text=lambda u=user: text(u), link=lesson_link(lesson))


def notify_parents(
    lesson: ScheduledLesson, kind: str, text: Callable[[User, User], str], *, skip=()
) -> None:
    """Tell the parents of the lesson's students too (each parent once, naming one child):
    a parent follows their children's schedule. `skip` holds users told already."""
    students = {student.pk: student for student in lesson_students(lesson)}
    links = Guardianship.objects.filter(student_id__in=students).select_related("parent")
    skipped = {getattr(user, "pk", user) for user in skip}
    told = set()
    for link in links.order_by("parent_id", "student_id"):
        parent = link.parent
        if parent.pk in told or parent.pk in skipped or not parent.is_active:
            continue
        told.add(parent.pk)
        child = students[link.student_id]
        notify(
            recipient=parent,
            kind=kind,
            text=lambda p=parent, c=child: text(p, c),
            link=lesson_link(lesson),
        )


def price_for(tutor: User, start: datetime, end: datetime) -> tuple[Decimal, str]:
    """The tutor's hourly rate prorated to the duration, and its currency (0 without a rate)."""
    profile = TutorProfile.objects.filter(user=tutor).only("hourly_rate", "currency").first()
    if profile is None:
        return Decimal("0.00"), TutorProfile._meta.get_field("currency").default
    rate = profile.hourly_rate or Decimal("0")
    minutes = Decimal((end - start).total_seconds()) / Decimal(60)
    return (rate * minutes / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP), profile.currency


def meeting_url_for(tutor: User, policy: SchedulePolicy | None = None) -> str:
    """A new Jitsi Meet room with an unguessable name, or the tutor's fixed link.

    settings.SCHEDULING_MEETING_LINKS == "fixed" uses the tutor's policy's fixed link when
    there is one; otherwise (and by default) a room name from 128 random bits under
    settings.SCHEDULING_JITSI_BASE_URL. No external call is made: Jitsi creates rooms on
    first join.
    """
    if settings.SCHEDULING_MEETING_LINKS == "fixed":
        policy = policy or SchedulePolicy.for_tutor(tutor)
        if policy.tutor_id == tutor.pk and policy.fixed_meeting_url:
            return policy.fixed_meeting_url
    base = settings.SCHEDULING_JITSI_BASE_URL.rstrip("/")
    return f"{base}/Tutorflow-{secrets.token_urlsafe(16)}"


#: Fields whose values stay out of the history (it is shown to students and parents too).
PRIVATE_FIELDS = ("tutor_notes",)
PRIVATE_VALUE = "(private)"


def history_change(name: str, old, new) -> list:
    """[from, to] for LessonChange.changes; private fields are recorded as changed only."""
    if name in PRIVATE_FIELDS:
        return [PRIVATE_VALUE, PRIVATE_VALUE]
    return [history_value(old), history_value(new)]


def history_value(value):
    """A JSON-friendly form of a field value for LessonChange.changes."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime):
        return value.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(
    lesson: ScheduledLesson, by, action: str, changes: dict | None = None, reason: str = ""
) -> LessonChange:
    return LessonChange.objects.create(
        lesson=lesson,
        changed_by=by if getattr(by, "pk", None) else None,
        action=action,
        changes=changes or {},
        reason=reason or "",
    )


def sync_participants(lesson: ScheduledLesson) -> None:
    """Copy the lesson's times and blocking state onto its participant rows."""
    lesson.participants.update(start=lesson.start, end=lesson.end, blocking=lesson.is_blocking)


def check_times(start: datetime, end: datetime) -> None:
    if start is None or end is None:
        raise ValidationError(_("Give a start and an end."), code="invalid")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Times must include a timezone."), code="invalid")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")}, code="invalid")
    if end - start > timedelta(hours=12):
        raise ValidationError({"end": _("A lesson lasts 12 hours at most.")}, code="invalid")


def raise_if_taken(tutor, student_ids, start, end, *, exclude=None, viewer=None) -> None:
    """SlotTaken naming the first blocking lesson that overlaps, if any."""
    conflicts = list(conflicts_for(tutor, student_ids, start, end, exclude=exclude)[:3])
    if conflicts:
        raise SlotTaken(conflicts, viewer=viewer)


def taken_after_refusal(tutor, student_ids, start, end, *, exclude=None, viewer=None):
    """Build the SlotTaken for a write the database refused (the winner is committed now)."""

    def build():
        return SlotTaken(
            list(conflicts_for(tutor, student_ids, start, end, exclude=exclude)[:3]),
            viewer=viewer,
        )

    return build


def locked(lesson: ScheduledLesson) -> ScheduledLesson:
    """The lesson re-read under a row lock (inside a transaction)."""
    return (
        ScheduledLesson.objects.select_for_update(of=("self",))
        .select_related("tutor", "student", "classroom")
        .get(pk=lesson.pk)
    )


def participant_ids_for(tutor, student, classroom) -> list[int]:
    """Validate who takes part and return their ids: a linked student, or a tutor's classroom."""
    if (student is None) == (classroom is None):
        raise ValidationError(_("Choose either one student or one classroom."), code="invalid")
    if student is not None:
        if student.role != Role.STUDENT or not has_active_link(tutor, student):
            raise ValidationError(
                {"student": _("This student is not linked to the tutor.")}, code="not_linked"
            )
        return [student.pk]
    if classroom.tutor_id != tutor.pk:
        raise ValidationError(
            {"classroom": _("This classroom belongs to another tutor.")}, code="invalid"
        )
    ids = list(
        ClassroomMembership.objects.filter(classroom=classroom).values_list("student_id", flat=True)
    )
    if not ids:
        raise ValidationError({"classroom": _("This classroom has no students.")}, code="empty")
    return ids


def check_course(tutor, course) -> None:
    if course is None:
        return
    from courses.models import TutorSectionPage

    section = TutorSectionPage.objects.filter(tutor=tutor).first()
    if section is None or not course.is_descendant_of(section):
        raise ValidationError({"course": _("Choose one of your own courses.")}, code="invalid")


def insert_lesson(
    *,
    by,
    tutor: User,
    start: datetime,
    end: datetime,
    student: User | None,
    classroom,
    status: str,
    participant_ids: list[int],
    subject=None,
    course=None,
    series=None,
    is_online: bool = True,
    location: str = "",
    tutor_notes: str = "",
    policy: SchedulePolicy | None = None,
) -> ScheduledLesson:
    """Insert one lesson with its participants, history and reminders (no notification).

    Runs inside the caller's guarded transaction; raises SlotTaken on an overlap found by
    the check (the database constraint catches the rest).
    """
    raise_if_taken(tutor, participant_ids, start, end, viewer=by)
    price, currency = price_for(tutor, start, end)
    lesson = ScheduledLesson(
        tutor=tutor,
        student=student,
        classroom=classroom,
        subject=subject,
        course=course,
        series=series,
        start=start,
        end=end,
        status=status,
        is_online=is_online,
        location=(location or "").strip(),
        meeting_url=meeting_url_for(tutor, policy) if is_online else "",
        tutor_notes=tutor_notes or "",
        price=price,
        currency=currency,
        chargeable=True if status == Status.COMPLETED else None,
        created_by=by,
    )
    lesson.full_clean(exclude=["tutor", "student", "classroom", "subject", "course", "series"])
    lesson.save()
    LessonParticipant.objects.bulk_create(
        [
            LessonParticipant(
                lesson=lesson,
                student_id=pk,
                start=start,
                end=end,
                blocking=lesson.is_blocking,
                attendance=(
                    LessonParticipant.Attendance.PRESENT
                    if status == Status.COMPLETED
                    else LessonParticipant.Attendance.UNMARKED
                ),
            )
            # One order for every writer, so two classroom lessons racing for the same
            # students wait for each other instead of deadlocking (PostgreSQL).
            for pk in sorted(set(participant_ids))
        ]
    )
    record(lesson, by, LessonChange.Action.CREATED, {"status": [None, status]})
    reminders_plan(lesson)
    return lesson


# --- the services ---------------------------------------------------------------------------


def lesson_create(
    *,
    by: User,
    tutor: User,
    start: datetime,
    end: datetime,
    student: User | None = None,
    classroom=None,
    subject=None,
    course=None,
    is_online: bool = True,
    location: str = "",
    tutor_notes: str = "",
    now: datetime | None = None,
) -> ScheduledLesson:
    """A tutor schedules a lesson with a linked student or one of their classrooms.

    The price and currency are frozen from the tutor's hourly rate, prorated; an online
    lesson gets a meeting link. A lesson that already took place (it ended before now) is
    recorded as completed, without reminders or notifications; one that has started but
    not ended, or starts in the past otherwise, is refused. The students are notified.
    Raises PermissionDenied (not the tutor), ValidationError, SlotTaken.
    """
    now = now or timezone.now()
    if not (by.is_authenticated and by.pk == tutor.pk and tutor.role == Role.TUTOR):
        raise PermissionDenied(_("Only the tutor schedules their own lessons."))
    check_times(start, end)
    status = Status.SCHEDULED
    if start < now:
        if end > now:
            raise ValidationError({"start": _("A lesson cannot start in the past.")}, code="past")
        status = Status.COMPLETED
    participant_ids = participant_ids_for(tutor, student, classroom)
    check_course(tutor, course)
    with guard_overlaps(taken_after_refusal(tutor, participant_ids, start, end, viewer=by)):
        lesson = insert_lesson(
            by=by,
            tutor=tutor,
            start=start,
            end=end,
            student=student,
            classroom=classroom,
            status=status,
            participant_ids=participant_ids,
            subject=subject,
            course=course,
            is_online=is_online,
            location=location,
            tutor_notes=tutor_notes,
        )
        if status == Status.SCHEDULED:
            notify_each(
                lesson_students(lesson),
                Notification.Kind.LESSON_SCHEDULED,
                lesson,
                lambda u: (
                    _("%(tutor)s scheduled a lesson with you: %(when)s.")
                    % {"tutor": tutor.display_name, "when": when_for(lesson, u)}
                ),
            )
            notify_parents(
                lesson,
                Notification.Kind.LESSON_SCHEDULED,
                lambda parent, child: (
                    _("%(tutor)s scheduled a lesson with %(student)s: %(when)s.")
                    % {
                        "tutor": tutor.display_name,
                        "student": child.display_name,
                        "when": when_for(lesson, parent),
                    }
                ),
            )
    return lesson


def lesson_update(
    *, by: User, lesson: ScheduledLesson, reason: str = "", now: datetime | None = None, **fields
) -> ScheduledLesson:
    """The tutor changes a scheduled lesson that has not started: time, subject, course,
    online/location, private notes.

    Every changed field is recorded as {field: [from, to]} with the reason; a move checks
    for overlaps (SlotTaken), keeps the frozen hourly rate (the price is prorated to the
    new duration), moves the reminders and notifies the students. Once the lesson has
    started only the private notes may change: it can be marked, not edited.
    """
    now = now or timezone.now()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid",
        )
    if not can_manage_lesson(by, lesson):
        raise PermissionDenied(_("Only the lesson's tutor can change it."))
    with guard_overlaps(
        taken_after_refusal(
            lesson.tutor,
            list(lesson.participants.values_list("student_id", flat=True)),
            fields.get("start", lesson.start),
            fields.get("end", lesson.end),
            exclude=lesson.pk,
            viewer=by,
        )
    ):
        current = locked(lesson)
        changes = {
            name: history_change(name, getattr(current, name), value)
            for name, value in fields.items()
            if getattr(current, name) != value
        }
        if not changes:
            return current
        if set(changes) - set(EDITABLE_AFTER_START):
            if current.status != Status.SCHEDULED:
                raise ValidationError(
                    _("Only a scheduled lesson can be changed (this one is %(status)s).")
                    % {"status": current.get_status_display().lower()},
                    code="conflict",
                )
            if current.has_started(now):
                raise ValidationError(
                    _("This lesson has started: mark it completed or no-show instead."),
                    code="started",
                )
        old_start, old_end = current.start, current.end
        for name, value in fields.items():
            setattr(current, name, value)
        moved = (current.start, current.end) != (old_start, old_end)
        if moved:
            check_times(current.start, current.end)
            if current.start < now:
                raise ValidationError(
                    {"start": _("A lesson cannot be moved into the past.")}, code="past"
                )
            student_ids = list(current.participants.values_list("student_id", flat=True))
            raise_if_taken(
                current.tutor,
                student_ids,
                current.start,
                current.end,
                exclude=current.pk,
                viewer=by,
            )
            old_minutes = Decimal((old_end - old_start).total_seconds())
            new_minutes = Decimal((current.end - current.start).total_seconds())
            new_price = (current.price * new_minutes / old_minutes).quantize(CENT, ROUND_HALF_UP)
            if new_price != current.price:
                changes["price"] = [str(current.price), str(new_price)]
                current.price = new_price
        if "course" in changes:
            check_course(current.tutor, current.course)
        if current.is_online and not current.meeting_url:
            current.meeting_url = meeting_url_for(current.tutor)
            changes["meeting_url"] = ["", current.meeting_url]
        current.location = (current.location or "").strip()
        current.full_clean(exclude=["tutor", "student", "classroom", "subject", "course", "series"])
        current.save()
        if moved:
            sync_participants(current)
            reminders_plan(current, now=now)
        record(current, by, LessonChange.Action.EDITED, changes, reason)
        if set(changes) - {"tutor_notes"}:
            notify_each(
                lesson_students(current),
                Notification.Kind.LESSON_CHANGED,
                current,
                lambda u: (
                    _("%(tutor)s changed your lesson: now %(when)s.")
                    % {"tutor": current.tutor.display_name, "when": when_for(current, u)}
                ),
            )
    return current


def _end_lesson(current: ScheduledLesson, *, by, status: str, chargeable, reason: str) -> dict:
    """Set a final status on a locked lesson; free its slot and cancel its reminders."""
    changes = {"status": [current.status, status]}
    if current.chargeable != chargeable:
        changes["chargeable"] = [current.chargeable, chargeable]
    current.status = status
    current.chargeable = chargeable
    if status in ScheduledLesson.CANCELLED_STATUSES:
        current.cancel_reason = reason or ""
        current.cancelled_at = timezone.now()
        current.cancelled_by = by
    current.save()
    sync_participants(current)
    reminders_plan(current)
    return changes


def lesson_cancel(
    *, by: User, lesson: ScheduledLesson, reason: str = "", now: datetime | None = None
) -> ScheduledLesson:
    """Cancel a lesson under the cancellation policy and record the outcome for billing.

    The tutor can always cancel (also a lesson that has started, to record it did not
    happen): "cancelled by the tutor", never chargeable. A student or parent may cancel a
    one-to-one lesson before it starts: not inside the policy's cutoff (e.g. 2 hours, then
    refused), and inside the notice period (24 hours by default) it is a late cancellation,
    chargeable if the policy says so; earlier it is cancelled free of charge. The other
    party is notified. Raises PermissionDenied or ValidationError and changes nothing.
    """
    now = now or timezone.now()
    if not can_cancel_lesson(by, lesson):
        raise PermissionDenied(_("You cannot cancel this lesson."))
    with guard_overlaps(lambda: SlotTaken()):
        current = locked(lesson)
        if current.status not in (Status.SCHEDULED, Status.REQUESTED):
            raise ValidationError(
                _("This lesson cannot be cancelled: it is %(status)s.")
                % {"status": current.get_status_display().lower()},
                code="conflict",
            )
        if can_manage_lesson(by, current):
            status, chargeable = Status.CANCELLED_TUTOR, False
            recipients = lesson_students(current)
        else:
            if current.has_started(now):
                raise ValidationError(
                    _("This lesson has already started and can no longer be cancelled."),
                    code="started",
                )
            policy = SchedulePolicy.for_tutor(current.tutor)
            ahead = current.start - now
            if policy.cancel_cutoff_hours and ahead < timedelta(hours=policy.cancel_cutoff_hours):
                raise ValidationError(
                    _(
                        "Lessons cannot be cancelled within %(hours)s hours of their start. "
                        "Please contact your tutor."
                    )
                    % {"hours": policy.cancel_cutoff_hours},
                    code="cutoff",
                )
            late = current.status == Status.SCHEDULED and ahead < timedelta(
                hours=policy.cancel_notice_hours
            )
            if late:
                status, chargeable = Status.LATE_CANCELLED, policy.late_cancel_chargeable
            elif is_parent_of(by, current.student_id):
                status, chargeable = Status.CANCELLED_PARENT, False
            else:
                status, chargeable = Status.CANCELLED_STUDENT, False
            recipients = [current.tutor]
        changes = _end_lesson(
            current, by=by, status=status, chargeable=chargeable, reason=reason.strip()
        )
        record(current, by, LessonChange.Action.CANCELLED, changes, reason.strip())
        notify_each(
            recipients,
            Notification.Kind.LESSON_CANCELLED,
            current,
            lambda u: (
                _("%(who)s cancelled the lesson of %(when)s.")
                % {"who": by.display_name, "when": when_for(current, u)}
            ),
        )
        notify_parents(
            current,
            Notification.Kind.LESSON_CANCELLED,
            lambda parent, child: (
                _("%(student)s cancelled their lesson of %(when)s.")
                % {"student": child.display_name, "when": when_for(current, parent)}
                if child.pk == by.pk
                else _("%(who)s cancelled the lesson of %(student)s on %(when)s.")
                % {
                    "who": by.display_name,
                    "student": child.display_name,
                    "when": when_for(current, parent),
                }
            ),
            skip=[by],
        )
    return current


OUTCOMES = {"completed": Status.COMPLETED, "no_show": Status.NO_SHOW}


def lesson_mark(
    *, by: User, lesson: ScheduledLesson, outcome: str, now: datetime | None = None
) -> ScheduledLesson:
    """The tutor marks a lesson that has started as held ("completed") or "no_show".

    A no-show is chargeable if the policy says so; a completed lesson is chargeable. A mark
    can be corrected (completed ↔ no-show); a cancelled lesson cannot be marked.
    """
    now = now or timezone.now()
    if outcome not in OUTCOMES:
        raise ValidationError(_("Unknown outcome."), code="invalid")
    if not can_manage_lesson(by, lesson):
        raise PermissionDenied(_("Only the lesson's tutor can mark it."))
    status = OUTCOMES[outcome]
    students = list(lesson.participants.values_list("student_id", flat=True))
    with guard_overlaps(
        taken_after_refusal(lesson.tutor, students, lesson.start, lesson.end, exclude=lesson.pk)
    ):
        current = locked(lesson)
        if current.status not in (Status.SCHEDULED, Status.COMPLETED, Status.NO_SHOW):
            raise ValidationError(
                _("This lesson cannot be marked: it is %(status)s.")
                % {"status": current.get_status_display().lower()},
                code="conflict",
            )
        if not current.has_started(now):
            raise ValidationError(
                _("A lesson can be marked once it has started."), code="not_started"
            )
        if current.status == status:
            return current
        if status == Status.COMPLETED:
            chargeable = True
            if not current.is_blocking:
                # A no-show freed the slot; holding the lesson takes it again.
                raise_if_taken(
                    current.tutor,
                    students,
                    current.start,
                    current.end,
                    exclude=current.pk,
                    viewer=by,
                )
        else:
            chargeable = SchedulePolicy.for_tutor(current.tutor).no_show_chargeable
        changes = _set_attendance(
            current,
            LessonParticipant.Attendance.PRESENT
            if status == Status.COMPLETED
            else LessonParticipant.Attendance.ABSENT,
        )
        changes.update(_end_lesson(current, by=by, status=status, chargeable=chargeable, reason=""))
        action = (
            LessonChange.Action.COMPLETED
            if status == Status.COMPLETED
            else LessonChange.Action.NO_SHOW
        )
        record(current, by, action, changes)
    return current


def _set_attendance(current: ScheduledLesson, value: str) -> dict:
    """Set every participant's attendance to `value`; the changes keyed by student id."""
    changes = {}
    for participant in current.participants.select_for_update():
        if participant.attendance != value:
            changes[str(participant.student_id)] = [participant.attendance, value]
    if changes:
        current.participants.exclude(attendance=value).update(attendance=value)
    return changes


def attendance_set(
    *,
    by: User,
    lesson: ScheduledLesson,
    absent_student_ids: Iterable[int],
    now: datetime | None = None,
) -> ScheduledLesson:
    """The tutor records who was there: everyone present except `absent_student_ids`.

    Allowed once the lesson has started; a lesson still "scheduled" is marked completed in
    the same step (one click after a classroom lesson), or "no_show" when every student
    was absent (chargeable as the policy says). Correcting the attendance later moves a
    held lesson between completed and no-show the same way. Changes are recorded per
    student.
    """
    now = now or timezone.now()
    if not can_manage_lesson(by, lesson):
        raise PermissionDenied(_("Only the lesson's tutor can take attendance."))
    absent = {int(pk) for pk in absent_student_ids}
    with guard_overlaps(lambda: SlotTaken()):
        current = locked(lesson)
        if current.status not in (Status.SCHEDULED, Status.COMPLETED, Status.NO_SHOW):
            raise ValidationError(_("Attendance is taken for held lessons only."), code="conflict")
        if not current.has_started(now):
            raise ValidationError(
                _("Attendance can be taken once the lesson has started."), code="not_started"
            )
        participants = list(current.participants.select_for_update())
        unknown = absent - {p.student_id for p in participants}
        if unknown:
            raise ValidationError(_("Some of these students are not in this lesson."))
        changes = {}
        for participant in participants:
            value = (
                LessonParticipant.Attendance.ABSENT
                if participant.student_id in absent
                else LessonParticipant.Attendance.PRESENT
            )
            if participant.attendance != value:
                changes[str(participant.student_id)] = [participant.attendance, value]
                participant.attendance = value
                participant.save(update_fields=["attendance"])
        everyone_absent = bool(participants) and all(p.student_id in absent for p in participants)
        status = Status.NO_SHOW if everyone_absent else Status.COMPLETED
        if current.status != status:
            if status == Status.COMPLETED:
                chargeable = True
                if not current.is_blocking:
                    students = [p.student_id for p in participants]
                    raise_if_taken(
                        current.tutor,
                        students,
                        current.start,
                        current.end,
                        exclude=current.pk,
                        viewer=by,
                    )
            else:
                chargeable = SchedulePolicy.for_tutor(current.tutor).no_show_chargeable
            changes.update(
                _end_lesson(current, by=by, status=status, chargeable=chargeable, reason="")
            )
        if changes:
            record(current, by, LessonChange.Action.ATTENDANCE, changes)
    return current

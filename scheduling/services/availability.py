"""Writes for what a tutor publishes about their time, and a user's calendar settings.

- Weekly availability windows (local wall-clock times in the tutor's time zone) and time
  off (UTC periods): only the tutor edits their own; windows of one weekday never overlap.
- The tutor's booking and cancellation settings: their own SchedulePolicy row, created
  from the school's default on the first change.
- Calendar settings of any user: reminder offsets (future reminders are planned again)
  and the secret iCal token (regenerating it revokes the old feed URL).

Every function is keyword-only, checks who acts, validates, and writes in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from people.roles import Role

from ..models import (
    Availability,
    CalendarSettings,
    Reminder,
    ScheduledLesson,
    SchedulePolicy,
    TimeOff,
)

#: Reminder offsets a user may choose from, in minutes before the start.
REMINDER_CHOICES = (10, 30, 60, 120, 1440, 2880)
MAX_REMINDERS = 4
#: Booking settings a tutor may change (the meeting link is the school's setting).
POLICY_FIELDS = (
    "auto_confirm",
    "booking_notice_hours",
    "booking_horizon_days",
    "cancel_notice_hours",
    "cancel_cutoff_hours",
    "late_cancel_chargeable",
    "no_show_chargeable",
)
MAX_NOTICE_HOURS = 24 * 14
MAX_HORIZON_DAYS = 365


def _require_tutor(by, tutor) -> None:
    if by is None or not by.is_active or by.role != Role.TUTOR or by.pk != tutor.pk:
        raise PermissionDenied(_("Only the tutor edits their own schedule."))


# --- weekly availability ------------------------------------------------------------------


@transaction.atomic
def availability_add(*, by, tutor, weekday: int, start_time: dt.time, end_time: dt.time):
    """Add a weekly window; refuses an empty window or one overlapping another that day."""
    _require_tutor(by, tutor)
    if weekday not in range(7):
        raise ValidationError({"weekday": _("Choose a day of the week.")})
    if end_time <= start_time:
        raise ValidationError({"end_time": _("The window must end after it starts.")})
    overlapping = (
        Availability.objects.select_for_update()
        .filter(tutor=tutor, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("This overlaps your window %(window)s.") % {"window": str(overlapping)},
            code="overlap",
        )
    window = Availability(tutor=tutor, weekday=weekday, start_time=start_time, end_time=end_time)
    window.full_clean()
    window.save()
    return window


@transaction.atomic
def availability_delete(*, by, availability: Availability) -> None:
    """Remove a weekly window (lessons already booked in it stay)."""
    _require_tutor(by, availability.tutor)
    availability.delete()


# --- time off -------------------------------------------------------------------------------


@transaction.atomic
def time_off_add(*, by, tutor, start: dt.datetime, end: dt.datetime, note: str = "") -> TimeOff:
    """Block a period (aware datetimes) for bookings. Existing lessons are not touched:
    the tutor cancels those themselves if they want to."""
    _require_tutor(by, tutor)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Times must carry a time zone."))
    if end <= start:
        raise ValidationError({"end": _("Time off must end after it starts.")})
    if end <= timezone.now():
        raise ValidationError({"end": _("This period is already over.")})
    time_off = TimeOff(tutor=tutor, start=start, end=end, note=note.strip())
    time_off.full_clean()
    time_off.save()
    return time_off


@transaction.atomic
def time_off_delete(*, by, time_off: TimeOff) -> None:
    _require_tutor(by, time_off.tutor)
    time_off.delete()


# --- booking and cancellation settings -------------------------------------------------------


@transaction.atomic
def schedule_policy_update(*, by, tutor, **fields) -> SchedulePolicy:
    """Save the tutor's own policy (created from the school's default the first time)."""
    _require_tutor(by, tutor)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown settings: %(names)s") % {"names": ", ".join(unknown)})
    policy = SchedulePolicy.objects.select_for_update().filter(tutor=tutor).first()
    if policy is None:
        default = SchedulePolicy.for_tutor(tutor)
        policy = SchedulePolicy(tutor=tutor)
        for name in (*POLICY_FIELDS, "fixed_meeting_url"):
            setattr(policy, name, getattr(default, name))
    for name, value in fields.items():
        setattr(policy, name, value)
    _check_policy(policy)
    policy.save()
    return policy


@transaction.atomic
def school_policy_update(*, by, **fields) -> SchedulePolicy:
    """Save the school's default rules (the row every tutor without their own uses).

    Managers and admins only; the same limits as a tutor's own rules.
    """
    if not (by.is_active and by.role in (Role.MANAGER, Role.ADMIN)):
        raise PermissionDenied(_("Only managers and admins set the school's rules."))
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown settings: %(names)s") % {"names": ", ".join(unknown)})
    policy = SchedulePolicy.objects.select_for_update().filter(tutor__isnull=True).first()
    if policy is None:
        policy = SchedulePolicy(tutor=None)
    for name, value in fields.items():
        setattr(policy, name, value)
    _check_policy(policy)
    policy.save()
    return policy


def _check_policy(policy: SchedulePolicy) -> None:
    """The limits every set of rules keeps; raises ValidationError keyed by field."""
    errors = {}
    if policy.booking_notice_hours > MAX_NOTICE_HOURS:
        errors["booking_notice_hours"] = _("At most two weeks.")
    if not 1 <= policy.booking_horizon_days <= MAX_HORIZON_DAYS:
        errors["booking_horizon_days"] = _("Between 1 and 365 days.")
    if policy.booking_notice_hours >= policy.booking_horizon_days * 24:
        errors["booking_horizon_days"] = _("The horizon must reach past the minimum notice.")
    if policy.cancel_cutoff_hours > policy.cancel_notice_hours:
        errors["cancel_cutoff_hours"] = _(
            "The cut-off cannot be longer than the cancellation notice."
        )
    if errors:
        raise ValidationError(errors)
    policy.full_clean()


# --- calendar settings ----------------------------------------------------------------------


@transaction.atomic
def reminder_offsets_set(*, by, user, offsets) -> CalendarSettings:
    """Set which reminders `user` gets (minutes before a lesson) and re-plan future ones.

    Pending reminders of upcoming lessons are planned again with the new offsets
    (scheduling.services.reminders.reminders_plan), so the change applies to lessons
    already on the calendar too.
    """
    if by is None or by.pk != user.pk:
        raise PermissionDenied(_("Only you change your reminders."))
    offsets = sorted({int(o) for o in offsets}, reverse=True)
    if any(o not in REMINDER_CHOICES for o in offsets):
        raise ValidationError({"reminder_offsets": _("Choose reminders from the list.")})
    if len(offsets) > MAX_REMINDERS:
        raise ValidationError({"reminder_offsets": _("Choose at most four reminders.")})
    settings_row = CalendarSettings.for_user(user)
    settings_row = CalendarSettings.objects.select_for_update().get(pk=settings_row.pk)
    settings_row.reminder_offsets = offsets
    settings_row.save(update_fields=["reminder_offsets"])
    from .reminders import reminders_plan

    upcoming = (
        ScheduledLesson.objects.filter(
            Q(tutor=user)
            | Q(participants__student=user)
            | Q(reminders__user=user, reminders__status=Reminder.Status.PENDING),
            status=ScheduledLesson.Status.SCHEDULED,
            start__gt=timezone.now(),
        )
        .distinct()
        .select_related("tutor", "student", "classroom")
    )
    for lesson in upcoming:
        reminders_plan(lesson)
    return settings_row


@transaction.atomic
def ical_token_regenerate(*, by, user) -> str:
    """Give the user's feed a new secret URL; the old one answers 404 from now on."""
    if by is None or by.pk != user.pk:
        raise PermissionDenied(_("Only you can reset your calendar link."))
    settings_row = CalendarSettings.for_user(user)
    return settings_row.regenerate_token()

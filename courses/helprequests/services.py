"""Writes for help requests: every step of the state machine, one function per step.

Each step: locks the request row (`select_for_update`), checks who acts against the
locked row (PermissionDenied), checks the state under the lock (ValidationError with code
"conflict" when the request is no longer in a state that allows the step; nothing is
changed), writes the new state and a HelpRequestEvent in one transaction, and notifies the
next person through `messaging.services.notify` (whose e-mail is queued on commit).

Files are checked before anything is written and stored under generated names; if the
database write then fails, the stored files are removed again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from messaging.models import Notification
from messaging.services import notify
from people.models import Currency, Subject, User
from people.roles import Role

from . import files as file_policy
from .models import HelpRequest, HelpRequestEvent, HelpRequestFile, HelpRequestTutor
from .permissions import (
    can_answer_assignment,
    can_assign,
    can_cancel,
    can_close,
    can_create_help_request,
    can_deliver,
    can_request_help_for,
    can_review_delivery,
    is_current_guardian,
)

logger = logging.getLogger(__name__)

Status = HelpRequest.Status

MAX_HELPERS = 5
MAX_HOURS = Decimal("999")


# --- helpers ----------------------------------------------------------------------------


def _conflict(message: str) -> ValidationError:
    return ValidationError(message, code="conflict")


def _lock(help_request: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("student", "created_by", "subject", "primary_tutor")
        .get(pk=help_request.pk)
    )


def _require_status(locked: HelpRequest, allowed: Iterable[str], message: str) -> None:
    if locked.status not in tuple(allowed):
        raise _conflict(
            message
            + " "
            + _("Its status is now “%(status)s”.") % {"status": locked.get_status_display()}
        )


def _record(locked: HelpRequest, *, by: User, to_status: str, note: str = "") -> HelpRequestEvent:
    """Keep the step as an event and move `locked` to `to_status` (the caller saves it)."""
    event = HelpRequestEvent.objects.create(
        request=locked, actor=by, from_status=locked.status, to_status=to_status, note=note
    )
    locked.status = to_status
    return event


def _clean_note(note: str, *, required: bool, field: str = "note") -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({field: _("Please write a few words.")})
    if len(note) > 5000:
        raise ValidationError({field: _("This is too long (5000 characters at most).")})
    return note


def _store_files(checked, *, help_request, by, purpose, event, stored) -> list[HelpRequestFile]:
    """Store checked uploads and create their rows; `stored` collects the stored names so
    that the caller can remove them if its transaction fails."""
    rows = []
    for item in checked:
        name = file_policy.store(item)
        stored.append(name)
        rows.append(
            HelpRequestFile(
                request=help_request,
                uploaded_by=by,
                purpose=purpose,
                event=event,
                file=name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
            )
        )
    return HelpRequestFile.objects.bulk_create(rows)


def _link(help_request: HelpRequest) -> str:
    return help_request.get_absolute_url()


def _requesters(help_request: HelpRequest) -> list[User]:
    """The student and, if someone else (a parent) created the request and is still the
    student's guardian, them too."""
    people = [help_request.student]
    creator = help_request.created_by
    if (
        creator is not None
        and creator.pk != help_request.student_id
        and creator.is_active
        and is_current_guardian(creator.pk, help_request.student_id)
    ):
        people.append(creator)
    return people


def _managers() -> list[User]:
    """Every active manager, in one query."""
    return list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk"))


def _notify_each(recipients, *, kind, text, link) -> None:
    seen = set()
    for recipient in recipients:
        if recipient is None or recipient.pk in seen or not recipient.is_active:
            continue
        seen.add(recipient.pk)
        notify(recipient=recipient, kind=kind, text=text, link=link)


def _assigned_tutors(help_request: HelpRequest) -> list[User]:
    return [
        a.tutor
        for a in HelpRequestTutor.objects.filter(request=help_request).select_related("tutor")
    ]


# --- create and cancel ------------------------------------------------------------------


def help_request_create(
    *,
    by: User,
    student: User,
    kind: str,
    subject: Subject,
    title: str,
    description: str,
    deadline: datetime,
    uploads: Iterable = (),
) -> HelpRequest:
    """A student asks for help for themselves, or a parent for their child.

    `deadline` is an aware datetime (the form reads it in the requester's timezone) and
    must lie in the future. `uploads` are the brief's files, checked by content before
    anything is written. Every active manager is notified (HELP_REQUESTED).
    Raises PermissionDenied when `by` may not ask for `student`, ValidationError for bad
    input.
    """
    if not can_create_help_request(by) or not can_request_help_for(by, student):
        raise PermissionDenied(_("You cannot ask for help for this student."))
    checked = file_policy.check_uploads(uploads)
    if deadline is None or timezone.is_naive(deadline):
        raise ValidationError({"deadline": _("Please give a deadline.")})
    if deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    help_request = HelpRequest(
        student=student,
        created_by=by,
        kind=kind,
        subject=subject,
        title=(title or "").strip(),
        description=(description or "").strip(),
        deadline=deadline,
        status=Status.NEW,
    )
    help_request.full_clean()
    stored: list[str] = []
    try:
        with transaction.atomic():
            help_request.save()
            event = HelpRequestEvent.objects.create(
                request=help_request, actor=by, from_status="", to_status=Status.NEW
            )
            _store_files(
                checked,
                help_request=help_request,
                by=by,
                purpose=HelpRequestFile.Purpose.BRIEF,
                event=event,
                stored=stored,
            )
            student_name, title_text = student.display_name, help_request.title
            _notify_each(
                _managers(),
                kind=Notification.Kind.HELP_REQUESTED,
                text=lambda: (
                    _("%(student)s asked for help: “%(title)s”.")
                    % {"student": student_name, "title": title_text}
                ),
                link=_link(help_request),
            )
    except Exception:
        file_policy.delete_stored(stored)
        raise
    logger.info("help request %s created by user %s", help_request.pk, by.pk)
    return help_request


@transaction.atomic
def help_request_cancel(*, help_request: HelpRequest, by: User, note: str = "") -> HelpRequest:
    """The requester cancels a request no tutor has accepted yet (NEW or ASSIGNED).

    An assigned primary tutor is told (HELP_CLOSED).
    """
    note = _clean_note(note, required=False)
    locked = _lock(help_request)
    if not can_cancel(by, locked):
        raise PermissionDenied(_("Only the student or the person who asked can cancel it."))
    _require_status(
        locked,
        HelpRequest.CANCELLABLE_STATUSES,
        _("A request can be cancelled only before a tutor accepts it."),
    )
    _record(locked, by=by, to_status=Status.CANCELLED, note=note)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    title = locked.title
    _notify_each(
        [locked.primary_tutor],
        kind=Notification.Kind.HELP_CLOSED,
        text=lambda: _("The help request “%(title)s” was cancelled.") % {"title": title},
        link=_link(locked),
    )
    return locked


# --- assignment ---------------------------------------------------------------------------


def _check_tutor(tutor: User, field: str) -> None:
    if tutor is None or tutor.role != Role.TUTOR or not tutor.is_active:
        raise ValidationError({field: _("Choose an active tutor.")})


@transaction.atomic
def help_request_assign(
    *,
    help_request: HelpRequest,
    by: User,
    primary_tutor: User,
    helpers: Iterable[User] = (),
    note: str = "",
) -> HelpRequest:
    """Staff pick the primary tutor (and optional helpers) of a NEW or ASSIGNED request.

    Re-assigning an ASSIGNED request replaces the whole team. The tutors must be active
    accounts of role tutor; the primary tutor cannot also be a helper. The primary tutor
    and each helper are notified (HELP_ASSIGNED); only the primary tutor answers.
    """
    _check_tutor(primary_tutor, "primary_tutor")
    helpers = list({h.pk: h for h in helpers if h is not None}.values())
    for helper in helpers:
        _check_tutor(helper, "helpers")
    if any(h.pk == primary_tutor.pk for h in helpers):
        raise ValidationError({"helpers": _("The primary tutor cannot also be a helper.")})
    if len(helpers) > MAX_HELPERS:
        raise ValidationError(
            {
                "helpers": ngettext(
                    "Choose at most %(count)d helper.",
                    "Choose at most %(count)d helpers.",
                    MAX_HELPERS,
                )
                % {"count": MAX_HELPERS}
            }
        )
    note = _clean_note(note, required=False)
    locked = _lock(help_request)
    if not can_assign(by, locked):
        raise PermissionDenied(_("Only managers and admins assign tutors."))
    _require_status(
        locked,
        HelpRequest.ASSIGNABLE_STATUSES,
        _("Tutors can be assigned only until the primary tutor accepts."),
    )
    team = ", ".join([primary_tutor.display_name, *(h.display_name for h in helpers)])
    _record(
        locked,
        by=by,
        to_status=Status.ASSIGNED,
        note="\n".join(part for part in (_("Tutors: %(team)s") % {"team": team}, note) if part),
    )
    HelpRequestTutor.objects.filter(request=locked).delete()
    HelpRequestTutor.objects.bulk_create(
        [
            HelpRequestTutor(
                request=locked,
                tutor=primary_tutor,
                role=HelpRequestTutor.Role.PRIMARY,
                assigned_by=by,
            ),
            *(
                HelpRequestTutor(
                    request=locked, tutor=h, role=HelpRequestTutor.Role.HELPER, assigned_by=by
                )
                for h in helpers
            ),
        ]
    )
    locked.primary_tutor = primary_tutor
    locked.save(update_fields=["status", "primary_tutor", "updated_at"])
    title, student_name = locked.title, locked.student.display_name
    notify(
        recipient=primary_tutor,
        kind=Notification.Kind.HELP_ASSIGNED,
        text=lambda: (
            _("You were asked to help %(student)s with “%(title)s”. Please accept or decline.")
            % {"student": student_name, "title": title}
        ),
        link=_link(locked),
    )
    _notify_each(
        helpers,
        kind=Notification.Kind.HELP_ASSIGNED,
        text=lambda: (
            _("You were added as a helper on “%(title)s” (%(student)s).")
            % {"student": student_name, "title": title}
        ),
        link=_link(locked),
    )
    return locked


@transaction.atomic
def help_request_accept(*, help_request: HelpRequest, by: User) -> HelpRequest:
    """The primary tutor accepts an ASSIGNED request; the requesters are told (HELP_ACCEPTED)."""
    locked = _lock(help_request)
    if not can_answer_assignment(by, locked):
        raise PermissionDenied(_("Only the primary tutor can accept this request."))
    _require_status(locked, (Status.ASSIGNED,), _("This request is not waiting for an answer."))
    _record(locked, by=by, to_status=Status.ACCEPTED)
    locked.save(update_fields=["status", "updated_at"])
    title, tutor_name = locked.title, by.display_name
    _notify_each(
        _requesters(locked),
        kind=Notification.Kind.HELP_ACCEPTED,
        text=lambda: (
            _("%(tutor)s is working on “%(title)s”.") % {"tutor": tutor_name, "title": title}
        ),
        link=_link(locked),
    )
    return locked


@transaction.atomic
def help_request_decline(*, help_request: HelpRequest, by: User, reason: str) -> HelpRequest:
    """The primary tutor declines an ASSIGNED request, with a reason.

    The request goes back to NEW without tutors; the reason is kept on the request and in
    the history, and every active manager is told (HELP_DECLINED) to assign someone else.
    """
    reason = _clean_note(reason, required=True, field="reason")
    locked = _lock(help_request)
    if not can_answer_assignment(by, locked):
        raise PermissionDenied(_("Only the primary tutor can decline this request."))
    _require_status(locked, (Status.ASSIGNED,), _("This request is not waiting for an answer."))
    _record(locked, by=by, to_status=Status.NEW, note=reason)
    HelpRequestTutor.objects.filter(request=locked).delete()
    locked.primary_tutor = None
    locked.decline_reason = reason
    locked.save(update_fields=["status", "primary_tutor", "decline_reason", "updated_at"])
    title, tutor_name = locked.title, by.display_name
    _notify_each(
        _managers(),
        kind=Notification.Kind.HELP_DECLINED,
        text=lambda: (
            _("%(tutor)s declined “%(title)s”: %(reason)s")
            % {"tutor": tutor_name, "title": title, "reason": reason[:200]}
        ),
        link=_link(locked),
    )
    return locked


# --- delivery and review --------------------------------------------------------------------


def help_request_deliver(
    *, help_request: HelpRequest, by: User, note: str = "", uploads: Iterable = ()
) -> HelpRequest:
    """An assigned tutor (primary or helper) hands in the work: a note and/or files.

    Allowed while the request is in progress (ACCEPTED, or CHANGES_REQUESTED after the
    requester asked for changes). The requesters are told (HELP_DELIVERED).
    """
    note = _clean_note(note, required=False)
    checked = file_policy.check_uploads(uploads)
    if not note and not checked:
        raise ValidationError({"note": _("Write a note or attach at least one file.")})
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(help_request)
            if not can_deliver(by, locked):
                raise PermissionDenied(_("Only the tutors assigned to this request can deliver."))
            _require_status(
                locked,
                HelpRequest.WORKING_STATUSES,
                _("The work can be delivered only while the request is in progress."),
            )
            event = _record(locked, by=by, to_status=Status.DELIVERED, note=note)
            locked.save(update_fields=["status", "updated_at"])
            _store_files(
                checked,
                help_request=locked,
                by=by,
                purpose=HelpRequestFile.Purpose.DELIVERY,
                event=event,
                stored=stored,
            )
            title, tutor_name = locked.title, by.display_name
            _notify_each(
                _requesters(locked),
                kind=Notification.Kind.HELP_DELIVERED,
                text=lambda: (
                    _(
                        "%(tutor)s delivered “%(title)s”. Please have a look and accept it "
                        "or ask for changes."
                    )
                    % {"tutor": tutor_name, "title": title}
                ),
                link=_link(locked),
            )
    except Exception:
        file_policy.delete_stored(stored)
        raise
    return locked


@transaction.atomic
def help_request_complete(*, help_request: HelpRequest, by: User, note: str = "") -> HelpRequest:
    """The requester accepts the delivery: DELIVERED → COMPLETED.

    The assigned tutors hear that their work was accepted and the managers that the
    request is ready to close (HELP_ACCEPTED).
    """
    note = _clean_note(note, required=False)
    locked = _lock(help_request)
    if not can_review_delivery(by, locked):
        raise PermissionDenied(
            _("Only the student or the person who asked can accept the delivery.")
        )
    _require_status(locked, (Status.DELIVERED,), _("There is no delivery waiting for an answer."))
    _record(locked, by=by, to_status=Status.COMPLETED, note=note)
    locked.save(update_fields=["status", "updated_at"])
    title, name = locked.title, by.display_name
    _notify_each(
        _assigned_tutors(locked),
        kind=Notification.Kind.HELP_ACCEPTED,
        text=lambda: (
            _("%(name)s accepted your work on “%(title)s”.") % {"name": name, "title": title}
        ),
        link=_link(locked),
    )
    _notify_each(
        _managers(),
        kind=Notification.Kind.HELP_ACCEPTED,
        text=lambda: (
            _("“%(title)s” was accepted by %(name)s and can be closed.")
            % {"name": name, "title": title}
        ),
        link=_link(locked),
    )
    return locked


@transaction.atomic
def help_request_ask_changes(*, help_request: HelpRequest, by: User, note: str) -> HelpRequest:
    """The requester asks for changes to the delivery, saying what: back to the tutors.

    DELIVERED → CHANGES_REQUESTED (the tutors work again and deliver anew). The assigned
    tutors are told (HELP_CHANGES).
    """
    note = _clean_note(note, required=True)
    locked = _lock(help_request)
    if not can_review_delivery(by, locked):
        raise PermissionDenied(_("Only the student or the person who asked can ask for changes."))
    _require_status(locked, (Status.DELIVERED,), _("There is no delivery waiting for an answer."))
    _record(locked, by=by, to_status=Status.CHANGES_REQUESTED, note=note)
    locked.save(update_fields=["status", "updated_at"])
    title, name = locked.title, by.display_name
    _notify_each(
        _assigned_tutors(locked),
        kind=Notification.Kind.HELP_CHANGES,
        text=lambda: (
            _("%(name)s asked for changes to “%(title)s”: %(note)s")
            % {"name": name, "title": title, "note": note[:200]}
        ),
        link=_link(locked),
    )
    return locked


@transaction.atomic
def help_request_close(
    *,
    help_request: HelpRequest,
    by: User,
    hours: Decimal,
    price: Decimal,
    currency: str,
    note: str = "",
) -> HelpRequest:
    """Staff close a COMPLETED request, recording the hours worked and the price.

    A closed request with `billed_at` empty is ready for billing. The requesters and the
    primary tutor are told (HELP_CLOSED).
    """
    errors = {}
    if hours is None or not isinstance(hours, Decimal) or hours <= 0 or hours > MAX_HOURS:
        errors["hours"] = _("Enter the hours worked (more than 0).")
    if price is None or not isinstance(price, Decimal) or price < 0:
        errors["price"] = _("Enter a price of 0 or more.")
    if currency not in Currency.values:
        errors["currency"] = _("Choose a currency.")
    if errors:
        raise ValidationError(errors)
    note = _clean_note(note, required=False)
    locked = _lock(help_request)
    if not can_close(by, locked):
        raise PermissionDenied(_("Only managers and admins close requests."))
    _require_status(
        locked,
        (Status.COMPLETED,),
        _("A request can be closed once the requester accepted the delivery."),
    )
    _record(locked, by=by, to_status=Status.CLOSED, note=note)
    locked.hours = hours.quantize(Decimal("0.01"))
    locked.price = price.quantize(Decimal("0.01"))
    locked.currency = currency
    locked.closed_at = timezone.now()
    locked.full_clean(exclude=["student", "created_by", "subject", "primary_tutor"])
    locked.save(update_fields=["status", "hours", "price", "currency", "closed_at", "updated_at"])
    title = locked.title
    _notify_each(
        [*_requesters(locked), locked.primary_tutor],
        kind=Notification.Kind.HELP_CLOSED,
        text=lambda: _("The help request “%(title)s” is closed.") % {"title": title},
        link=_link(locked),
    )
    return locked

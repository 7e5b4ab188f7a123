"""Writes of the rewards app: awards, conversion, purchases, equipping and the opt-in.

Every write that touches a student's ledgers first locks that student's user row
(`SELECT ... FOR UPDATE`), so awards, conversions and purchases of one student run one
after another: a balance read under the lock cannot change until the transaction ends.
That is what keeps a balance from going negative when two purchases race (PostgreSQL;
SQLite serialises writing transactions anyway). The ledgers' unique (student,
idempotency key) constraint is the second guard: the same event never awards twice.

Awards are called by the receivers in `courses.rewards.receivers`, inside the
transaction of the event that earned them, so they commit or roll back with it.
"""

from __future__ import annotations

import logging
import uuid
from decimal import ROUND_FLOOR, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from people.models import User
from people.roles import Role

from .models import (
    CoinsEntry,
    Equipped,
    ItemKind,
    LeaderboardOptIn,
    PointsEntry,
    Purchase,
    Reason,
    RewardRates,
    ShopItem,
)

logger = logging.getLogger(__name__)


def _conflict(message: str) -> ValidationError:
    return ValidationError(message, code="conflict")


def rates_get() -> RewardRates:
    """The school's reward rates (created with the defaults on first use)."""
    return RewardRates.load()


def _lock_student(student) -> None:
    """Lock the student's user row until the end of the transaction (ledger writes queue)."""
    list(User.objects.select_for_update().filter(pk=student.pk).values_list("pk", flat=True))


def _source_fields(source) -> dict:
    if source is None:
        return {}
    return {
        "source_content_type": ContentType.objects.get_for_model(source),
        "source_object_id": str(source.pk),
    }


def _points_total(student) -> int:
    return PointsEntry.objects.filter(student=student).aggregate(total=Sum("amount"))["total"] or 0


def _coins_converted(student) -> int:
    return (
        CoinsEntry.objects.filter(student=student, reason=Reason.CONVERSION).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )


def _coins_total(student) -> int:
    return CoinsEntry.objects.filter(student=student).aggregate(total=Sum("amount"))["total"] or 0


def coins_convert(*, student, rates: RewardRates | None = None, trigger=None) -> CoinsEntry | None:
    """Turn the student's points into coins: floor(points / N) − coins already converted.

    Idempotent: with nothing new to convert it writes nothing. Points are not spent by
    conversion (coins follow the running total of points); a negative adjustment never
    takes converted coins back. Call inside a transaction holding the student's lock
    (the award services do); `trigger` is the points entry that caused it, for the link.
    """
    rates = rates or rates_get()
    due = _points_total(student) // max(1, rates.points_per_coin)
    converted = _coins_converted(student)
    if due <= converted:
        return None
    entry = CoinsEntry(
        student=student,
        amount=due - converted,
        reason=Reason.CONVERSION,
        # The running total makes the key: two conversions can never both reach it.
        idempotency_key=f"conversion:{due}",
        **_source_fields(trigger),
    )
    entry.full_clean(exclude=["student"])
    entry.save()
    _notify_coins(student, entry.amount)
    return entry


def _notify_coins(student, amount: int) -> None:
    from django.urls import reverse

    from messaging.models import Notification
    from messaging.services import notify

    notify(
        recipient=student,
        kind=Notification.Kind.REWARD,
        text=lambda: (
            ngettext(
                "You earned %(count)d coin. Spend it in the shop.",
                "You earned %(count)d coins. Spend them in the shop.",
                amount,
            )
            % {"count": amount}
        ),
        link=reverse("rewards:mine"),
        email=False,
    )


def points_award(
    *,
    student,
    amount: int,
    reason: str,
    idempotency_key: str,
    source=None,
    page_translation_key: uuid.UUID | None = None,
    note: str = "",
) -> PointsEntry | None:
    """Append `amount` points to the student's ledger once per `idempotency_key`.

    Returns the new entry, or None when the key was used already (the event was awarded
    before) or the amount is zero. Converts points into coins in the same transaction.
    Only students earn points (anyone else: nothing is written).
    """
    if amount == 0 or getattr(student, "role", None) != Role.STUDENT:
        return None
    with transaction.atomic():
        _lock_student(student)
        if PointsEntry.objects.filter(student=student, idempotency_key=idempotency_key).exists():
            return None
        entry = PointsEntry(
            student=student,
            amount=amount,
            reason=reason,
            idempotency_key=idempotency_key,
            page_translation_key=page_translation_key,
            note=note[:200],
            **_source_fields(source),
        )
        entry.full_clean(exclude=["student"])
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # Only possible without a row lock (SQLite): the other writer won; same result.
            return None
        coins_convert(student=student, trigger=entry)
    logger.info("student %s: %+d points (%s, %s)", student.pk, amount, reason, idempotency_key)
    return entry


def lesson_points_award(*, student, lesson_translation_key: uuid.UUID) -> PointsEntry | None:
    """Points for completing a lesson or task for the first time (once per lesson)."""
    return points_award(
        student=student,
        amount=rates_get().points_per_lesson,
        reason=Reason.LESSON_COMPLETED,
        idempotency_key=f"lesson:{lesson_translation_key}",
        page_translation_key=lesson_translation_key,
    )


def quiz_points_for(percent, rates: RewardRates) -> int:
    """Points for a passed quiz scored `percent` %: the perfect-quiz points, scaled, floored."""
    share = Decimal(str(percent)) * rates.max_points_per_quiz / Decimal(100)
    return max(0, int(share.to_integral_value(rounding=ROUND_FLOOR)))


def quiz_points_award(*, attempt) -> PointsEntry | None:
    """Points for a graded, passed quiz attempt, scaled by its score.

    Once per attempt (a tutor re-grading an essay does not award again), and at most the
    perfect-quiz points per quiz: a later, better attempt earns only the difference
    between its points and what the quiz earned before. Failed attempts earn nothing.
    """
    result = attempt.result or {}
    if not result.get("passed") or result.get("pending_question_ids"):
        return None
    percent = result.get("percent")
    if percent is None:
        return None
    rates = rates_get()
    target = quiz_points_for(percent, rates)
    quiz_key = f"quiz:{attempt.page_translation_key}:{attempt.quiz_block_id}:"
    with transaction.atomic():
        _lock_student(attempt.student)
        earned = (
            PointsEntry.objects.filter(
                student_id=attempt.student_id,
                reason=Reason.QUIZ_PASSED,
                idempotency_key__startswith=quiz_key,
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        return points_award(
            student=attempt.student,
            amount=max(0, target - earned),
            reason=Reason.QUIZ_PASSED,
            idempotency_key=f"{quiz_key}{attempt.pk}",
            source=attempt,
            page_translation_key=attempt.page_translation_key,
            note=gettext("%(percent)s %%") % {"percent": _percent_text(percent)},
        )


def _percent_text(percent) -> str:
    value = Decimal(str(percent)).normalize()
    return f"{value:f}"


def submission_points_award(*, submission) -> PointsEntry | None:
    """Points for an assignment handed in on time (once per submission)."""
    assignment = submission.assignment
    return points_award(
        student=assignment.student,
        amount=rates_get().points_per_on_time_submission,
        reason=Reason.SUBMISSION_ON_TIME,
        idempotency_key=f"submission:{submission.pk}",
        source=submission,
        page_translation_key=getattr(assignment, "page_translation_key", None),
    )


def points_adjust(*, student, amount: int, note: str, by) -> PointsEntry:
    """A manual correction by school staff (manager or admin), with a reason they write.

    Raises PermissionDenied for anyone else, ValidationError for a zero amount or an
    empty note.
    """
    if getattr(by, "role", None) not in (Role.MANAGER, Role.ADMIN) or not by.is_active:
        raise PermissionDenied
    if not amount:
        raise ValidationError(gettext("An adjustment needs a non-zero amount."), code="invalid")
    if not (note or "").strip():
        raise ValidationError(gettext("Say why the points are adjusted."), code="invalid")
    if getattr(student, "role", None) != Role.STUDENT:
        raise ValidationError(gettext("Only students have points."), code="invalid")
    entry = points_award(
        student=student,
        amount=amount,
        reason=Reason.ADJUSTMENT,
        idempotency_key=f"adjustment:{uuid.uuid4()}",
        source=by,
        note=note.strip(),
    )
    logger.info("points of student %s adjusted by %s: %+d", student.pk, by.pk, amount)
    return entry


# --- the shop --------------------------------------------------------------------------------


def item_buy(*, student, item: ShopItem) -> Purchase:
    """The student buys `item`: one negative coins entry and one purchase, or nothing.

    In one transaction holding the student's lock: the item must be active and not owned
    yet, and the balance (the ledger's sum, read under the lock) must cover the price.
    Refusals raise ValidationError with code "conflict" (the view answers 409), so two
    purchases racing each other can never both spend the same coins, and the same item is
    never bought twice.
    """
    if getattr(student, "role", None) != Role.STUDENT:
        raise PermissionDenied
    with transaction.atomic():
        _lock_student(student)
        fresh = ShopItem.objects.filter(pk=item.pk, active=True).first()
        if fresh is None:
            raise ValidationError(gettext("This item is no longer in the shop."), code="invalid")
        if Purchase.objects.filter(student=student, item=fresh).exists():
            raise _conflict(gettext("You already own %(item)s.") % {"item": fresh.name})
        balance = _coins_total(student)
        if balance < fresh.price:
            raise _conflict(
                ngettext(
                    "Not enough coins: %(item)s costs %(price)d coins and you have %(count)d.",
                    "Not enough coins: %(item)s costs %(price)d coins and you have %(count)d.",
                    balance,
                )
                % {"item": fresh.name, "price": fresh.price, "count": balance}
            )
        try:
            with transaction.atomic():
                purchase = Purchase.objects.create(
                    student=student, item=fresh, price_paid=fresh.price
                )
                CoinsEntry(
                    student=student,
                    amount=-fresh.price,
                    reason=Reason.PURCHASE,
                    idempotency_key=f"purchase:{fresh.pk}",
                    **_source_fields(purchase),
                ).save()
        except IntegrityError:
            raise _conflict(gettext("You already own %(item)s.") % {"item": fresh.name}) from None
    logger.info("student %s bought item %s for %s coins", student.pk, fresh.pk, fresh.price)
    return purchase


def item_equip(*, student, item: ShopItem) -> Equipped:
    """Show `item` on the student's profile and avatar, replacing the item of its kind.

    The student must own the item (ValidationError otherwise). One item per kind: the
    row for (student, kind) is replaced, under the unique constraint.
    """
    if getattr(student, "role", None) != Role.STUDENT:
        raise PermissionDenied
    with transaction.atomic():
        _lock_student(student)
        if not Purchase.objects.filter(student=student, item=item).exists():
            raise ValidationError(gettext("You can only use items you own."), code="invalid")
        equipped, _created = Equipped.objects.update_or_create(
            student=student,
            kind=item.kind,
            defaults={"item": item, "equipped_at": timezone.now()},
        )
    return equipped


def item_unequip(*, student, kind: str) -> bool:
    """Stop showing the student's item of `kind`; True when something was removed."""
    if kind not in ItemKind.values:
        raise ValidationError(gettext("Unknown kind of item."), code="invalid")
    deleted, _by_model = Equipped.objects.filter(student=student, kind=kind).delete()
    return bool(deleted)


def leaderboard_opt_in_set(*, student, opted_in: bool) -> LeaderboardOptIn:
    """Whether the student appears (name and points) on their tutors' leaderboards."""
    if getattr(student, "role", None) != Role.STUDENT:
        raise PermissionDenied
    choice, _created = LeaderboardOptIn.objects.update_or_create(
        student=student, defaults={"opted_in": bool(opted_in), "changed_at": timezone.now()}
    )
    return choice

"""The ledgers: append-only, idempotent per key, balances as sums, conversion and rates."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from courses.rewards import services
from courses.rewards.models import AppendOnlyError, CoinsEntry, PointsEntry, Reason, RewardRates
from courses.rewards.selectors import Balances, balances_by_student, balances_for
from tests import factories
from tests.rewards.helpers import grant_coins

pytestmark = pytest.mark.django_db


def award(student, amount, key, reason=Reason.ADJUSTMENT):
    return services.points_award(student=student, amount=amount, reason=reason, idempotency_key=key)


def set_rates(**values):
    rates = RewardRates.load()
    for name, value in values.items():
        setattr(rates, name, value)
    rates.save()
    return rates


def test_an_entry_is_never_saved_twice(student):
    entry = award(student, 5, "k1")
    entry.amount = 500
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert PointsEntry.objects.get(pk=entry.pk).amount == 5


def test_bulk_updates_and_deletes_are_refused(student):
    award(student, 5, "k1")
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.filter(student=student).update(amount=1)
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.filter(student=student).delete()
    with pytest.raises(AppendOnlyError):
        CoinsEntry.objects.all().update(amount=1)
    assert balances_for(student).points == 5


def test_the_database_refuses_an_update_statement(student):
    entry = award(student, 5, "k1")
    table = PointsEntry._meta.db_table
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (vendor-specific error)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET amount = 99 WHERE id = %s", [entry.pk])
    assert PointsEntry.objects.get(pk=entry.pk).amount == 5


def test_deleting_the_student_still_removes_their_ledger(student):
    award(student, 25, "k1")
    grant_coins(student, 3)
    student.delete()
    assert not PointsEntry.objects.exists()
    assert not CoinsEntry.objects.exists()


def test_the_same_key_awards_once(student):
    assert award(student, 5, "lesson:x") is not None
    assert award(student, 5, "lesson:x") is None
    assert award(student, 7, "lesson:y") is not None
    assert balances_for(student) == Balances(points=12, coins=1)


def test_the_database_refuses_a_duplicate_key(student):
    award(student, 5, "k1")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry(
            student=student, amount=5, reason=Reason.ADJUSTMENT, idempotency_key="k1"
        ).save()


def test_only_students_earn(tutor):
    assert award(tutor, 5, "k1") is None
    assert not PointsEntry.objects.exists()


def test_balances_are_the_ledger_sums_in_one_query(
    student, other_student, django_assert_num_queries
):
    set_rates(points_per_coin=10)
    award(student, 34, "a")
    award(student, -4, "b")
    grant_coins(student, 7)
    grant_coins(student, -2)
    with django_assert_num_queries(1):
        assert balances_for(student) == Balances(points=30, coins=3 + 5)
    with django_assert_num_queries(1):
        assert balances_by_student([student, other_student]) == {
            student.pk: Balances(points=30, coins=8),
            other_student.pk: Balances(),
        }


def test_conversion_follows_the_points_total(student):
    set_rates(points_per_coin=10)
    award(student, 9, "a")
    assert balances_for(student).coins == 0
    award(student, 1, "b")
    assert balances_for(student).coins == 1
    award(student, 25, "c")
    assert balances_for(student) == Balances(points=35, coins=3)
    conversions = CoinsEntry.objects.filter(student=student, reason=Reason.CONVERSION)
    assert sorted(conversions.values_list("amount", flat=True)) == [1, 2]
    # Nothing new to convert: converting again writes nothing.
    assert services.coins_convert(student=student) is None
    assert conversions.count() == 2


def test_conversion_links_to_the_points_entry_and_notifies(student):
    set_rates(points_per_coin=5)
    entry = award(student, 10, "a")
    coins = CoinsEntry.objects.get(student=student)
    assert coins.source == entry
    assert coins.amount == 2
    notification = student.notifications.get()
    assert "2 coins" in notification.text


def test_spending_does_not_bring_converted_coins_back(student):
    set_rates(points_per_coin=10)
    award(student, 20, "a")
    grant_coins(student, -2)  # spent
    award(student, 5, "b")
    assert balances_for(student) == Balances(points=25, coins=0)


def test_a_negative_adjustment_never_takes_coins_back(student):
    set_rates(points_per_coin=10)
    award(student, 30, "a")
    award(student, -25, "b")
    assert balances_for(student) == Balances(points=5, coins=3)
    award(student, 10, "c")  # 15 points: still below the 30 already converted
    assert balances_for(student).coins == 3


def test_a_new_rate_applies_from_the_next_award(student):
    set_rates(points_per_coin=10)
    award(student, 20, "a")
    set_rates(points_per_coin=5)
    award(student, 1, "b")
    # 21 points // 5 = 4 coins in all, 2 of them converted before.
    assert balances_for(student).coins == 4


def test_staff_adjust_with_a_reason(student, manager, tutor):
    entry = services.points_adjust(student=student, amount=-3, note="Duplicate lesson", by=manager)
    assert entry.reason == Reason.ADJUSTMENT and entry.note == "Duplicate lesson"
    assert entry.source == manager
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.points_adjust(student=student, amount=5, note="Nice", by=tutor)
    with pytest.raises(ValidationError):
        services.points_adjust(student=student, amount=5, note=" ", by=manager)
    with pytest.raises(ValidationError):
        services.points_adjust(student=student, amount=0, note="x", by=manager)
    assert balances_for(student).points == -3


def test_rates_have_defaults_and_refuse_zero_points_per_coin():
    from django.core.exceptions import ValidationError

    rates = RewardRates.load()
    assert (rates.points_per_lesson, rates.max_points_per_quiz) == (10, 20)
    assert (rates.points_per_on_time_submission, rates.points_per_coin) == (15, 10)
    rates.points_per_coin = 0
    with pytest.raises(ValidationError):
        rates.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        rates.save()


def test_a_ledger_entry_needs_a_reason_of_its_ledger(student):
    from django.core.exceptions import ValidationError

    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry(student=student, amount=5, reason=Reason.PURCHASE, idempotency_key="x").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        CoinsEntry(student=student, amount=5, reason=Reason.PURCHASE, idempotency_key="y").save()
    with pytest.raises(ValidationError):
        services.points_award(student=student, amount=5, reason="bogus", idempotency_key="z")
    assert factories.StudentFactory() and not PointsEntry.objects.exists()

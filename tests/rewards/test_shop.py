"""The shop: buying (balance checked under a lock, never negative), owning, equipping."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from courses.rewards import services
from courses.rewards.models import CoinsEntry, Equipped, ItemKind, Purchase, Reason, ShopItem
from courses.rewards.selectors import balances_for, equipped_for
from tests import factories, threads
from tests.rewards.helpers import badge_image, grant_coins, make_item


@pytest.mark.django_db
def test_buying_writes_one_purchase_and_one_negative_entry(student):
    grant_coins(student, 10)
    item = make_item(price=4)
    purchase = services.item_buy(student=student, item=item)
    assert (purchase.item, purchase.price_paid) == (item, 4)
    spend = CoinsEntry.objects.get(student=student, reason=Reason.PURCHASE)
    assert spend.amount == -4 and spend.source == purchase
    assert balances_for(student).coins == 6


@pytest.mark.django_db
def test_not_enough_coins_changes_nothing(student):
    grant_coins(student, 3)
    item = make_item(price=4)
    with pytest.raises(ValidationError) as caught:
        services.item_buy(student=student, item=item)
    assert caught.value.code == "conflict"
    assert "Not enough coins" in caught.value.messages[0]
    assert not Purchase.objects.exists()
    assert balances_for(student).coins == 3


@pytest.mark.django_db
def test_the_same_item_is_bought_once(student):
    grant_coins(student, 10)
    item = make_item(price=4)
    services.item_buy(student=student, item=item)
    with pytest.raises(ValidationError) as caught:
        services.item_buy(student=student, item=item)
    assert caught.value.code == "conflict"
    assert Purchase.objects.count() == 1 and balances_for(student).coins == 6


@pytest.mark.django_db
def test_an_item_out_of_the_shop_cannot_be_bought(student):
    grant_coins(student, 10)
    item = make_item(price=4, active=False)
    with pytest.raises(ValidationError):
        services.item_buy(student=student, item=item)
    assert not Purchase.objects.exists()


@pytest.mark.django_db
def test_only_students_buy(tutor, parent):
    item = make_item(price=1)
    for user in (tutor, parent):
        with pytest.raises(PermissionDenied):
            services.item_buy(student=user, item=item)


@pytest.mark.django_db
def test_item_rules():
    with pytest.raises(ValidationError) as caught:
        ShopItem(kind=ItemKind.BADGE, name="No picture", price=2).full_clean()
    assert "image" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        ShopItem(kind=ItemKind.FRAME, name="Bad", price=2, colour="red").full_clean()
    assert "colour" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        ShopItem(kind=ItemKind.THEME, name="None", price=2).full_clean()
    assert "colour" in caught.value.message_dict
    with pytest.raises(ValidationError):
        ShopItem(kind=ItemKind.THEME, name="Free", price=0, colour="#ffffff").full_clean()
    ShopItem(kind=ItemKind.BADGE, name="Ok", price=2, image=badge_image()).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ShopItem.objects.create(kind=ItemKind.BADGE, name="No picture", price=2)


@pytest.mark.django_db
def test_a_bought_item_cannot_be_deleted(student):
    from django.db.models import ProtectedError

    grant_coins(student, 5)
    item = make_item(price=5)
    services.item_buy(student=student, item=item)
    with pytest.raises(ProtectedError):
        item.delete()


@pytest.mark.django_db
def test_equipping_needs_ownership_and_keeps_one_per_kind(student):
    grant_coins(student, 20)
    first, second = make_item(price=2), make_item(price=2, colour="#ff0000")
    badge = make_item(ItemKind.BADGE, price=2)
    with pytest.raises(ValidationError):
        services.item_equip(student=student, item=first)
    assert not Equipped.objects.exists()
    for item in (first, second, badge):
        services.item_buy(student=student, item=item)
    services.item_equip(student=student, item=first)
    services.item_equip(student=student, item=badge)
    services.item_equip(student=student, item=second)
    assert equipped_for(student) == {ItemKind.FRAME: second, ItemKind.BADGE: badge}
    assert Equipped.objects.filter(student=student).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Equipped.objects.create(student=student, kind=ItemKind.FRAME, item=first)
    assert services.item_unequip(student=student, kind=ItemKind.FRAME) is True
    assert services.item_unequip(student=student, kind=ItemKind.FRAME) is False
    assert equipped_for(student) == {ItemKind.BADGE: badge}


@pytest.mark.django_db
def test_someone_elses_item_cannot_be_equipped(student, other_student):
    grant_coins(other_student, 5)
    item = make_item(price=5)
    services.item_buy(student=other_student, item=item)
    with pytest.raises(ValidationError):
        services.item_equip(student=student, item=item)


# --- concurrency (PostgreSQL: SQLite has no row locks and serialises writers anyway) -----

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_purchases_at_once_never_overspend():
    student = factories.StudentFactory()
    grant_coins(student, 10)
    items = [make_item(price=6), make_item(price=7, colour="#ff0000"), make_item(price=5)]
    results = threads.run_together(
        [lambda i=item: services.item_buy(student=student, item=i) for item in items]
    )
    bought = [r for r in results if isinstance(r, Purchase)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(bought) == 1 and len(refused) == 2, results
    assert all(error.code == "conflict" for error in refused)
    assert balances_for(student).coins == 10 - bought[0].price_paid >= 0
    assert Purchase.objects.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_item_bought_twice_at_once_is_one_purchase():
    student = factories.StudentFactory()
    grant_coins(student, 20)
    item = make_item(price=6)
    results = threads.run_together([lambda: services.item_buy(student=student, item=item)] * 3)
    assert sum(isinstance(r, Purchase) for r in results) == 1, results
    assert Purchase.objects.count() == 1
    assert balances_for(student).coins == 14


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_awards_convert_each_coin_once():
    from courses.rewards.models import PointsEntry

    student = factories.StudentFactory()
    results = threads.run_together(
        [
            lambda n=n: services.points_award(
                student=student, amount=10, reason=Reason.ADJUSTMENT, idempotency_key=f"k{n}"
            )
            for n in range(4)
        ]
    )
    assert all(isinstance(r, PointsEntry) for r in results), results
    assert balances_for(student).points == 40
    assert balances_for(student).coins == 4

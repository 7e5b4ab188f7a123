"""Builders shared by the rewards tests."""

from __future__ import annotations

import itertools

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses.rewards.models import CoinsEntry, ItemKind, Reason, ShopItem

_keys = itertools.count(1)


def grant_coins(student, amount: int) -> CoinsEntry:
    """An adjustment that gives `student` coins directly (tests of the shop)."""
    entry = CoinsEntry(
        student=student,
        amount=amount,
        reason=Reason.ADJUSTMENT,
        idempotency_key=f"test-grant:{next(_keys)}",
    )
    entry.save()
    return entry


def badge_image():
    return get_image_model().objects.create(title="Badge", file=get_test_image_file())


def make_item(kind=ItemKind.FRAME, *, price=5, name=None, colour="#1a7f5a", active=True, **extra):
    """A shop item of `kind` (a badge gets a test image)."""
    name = name or f"{kind} {next(_keys)}"
    fields = {"kind": kind, "price": price, "name": name, "active": active}
    if kind == ItemKind.BADGE:
        fields["image"] = extra.pop("image", None) or badge_image()
    else:
        fields["colour"] = colour
    item = ShopItem(**fields, **extra)
    item.full_clean()
    item.save()
    return item

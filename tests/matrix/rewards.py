"""Permission-matrix rows: Points, coins, the shop and leaderboards (courses.rewards).

See tests/permission_matrix.py for the expectations (OK, LOGIN, DENIED, OWN) and how
`objects`, `kwargs` and `post_data` are used.
"""

from __future__ import annotations

from tests.permission_matrix import LOGIN, OWN, Rule, _all, roles

RULES: list[Rule] = [
    Rule("rewards:mine", "GET", "role", roles("student"), note="own balances, history, items"),
    Rule("rewards:shop", "GET", "role", roles("student")),
    Rule("rewards:item", "GET", "role", roles("student"), "shop_item", note="active items"),
    Rule(
        "rewards:buy",
        "POST",
        "role",
        roles("student"),
        "shop_item",
        note="confirmed; 409 not enough coins / owned / lost race",
    ),
    Rule(
        "rewards:equip",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "owned_item",
        ("student",),
        note="items the student bought; others 404",
    ),
    Rule("rewards:unequip", "POST", "role", roles("student"), note="own items only"),
    Rule(
        "rewards:leaderboard",
        "GET",
        "role",
        roles("student", "tutor"),
        note="tutor: own board; student: their tutors' boards",
    ),
    Rule("rewards:leaderboard_opt_in", "POST", "role", roles("student")),
    Rule(
        "rewards:tutor_leaderboard",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "leaderboard",
        ("tutor", "student"),
        note="the tutor and their linked students; opted-in students only",
    ),
    Rule("rewards:children", "GET", "role", roles("parent"), note="own children only"),
    Rule(
        "rewards:student",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "student",
        ("student", "parent", "tutor", "manager", "admin"),
        note="read-only; the student is sent to their own page",
    ),
]


def objects(actors: dict) -> dict:
    """Tenant A's rewards objects: an item for sale, an item `student` owns, A's board.

    `student` and the unrelated student get coins, so that buying succeeds for them.
    """
    from courses.rewards.models import ItemKind, ShopItem
    from courses.rewards.services import item_buy
    from tests.rewards.helpers import grant_coins

    for_sale = ShopItem.objects.create(
        kind=ItemKind.FRAME, name="Matrix frame", price=3, colour="#123456"
    )
    owned = ShopItem.objects.create(
        kind=ItemKind.THEME, name="Matrix theme", price=2, colour="#abcdef"
    )
    grant_coins(actors["student"], 10)
    grant_coins(actors["unrelated_student"], 10)
    item_buy(student=actors["student"], item=owned)
    return {
        "shop_item": {"pk": for_sale.pk},
        "owned_item": {"pk": owned.pk},
        "leaderboard": {"pk": actors["tutor"].pk},
    }


def kwargs(name: str, world) -> dict | None:
    if name == "rewards:unequip":
        return {"kind": "frame"}
    return None


def post_data(name: str, world) -> dict | None:
    if name == "rewards:buy":
        return {"confirm": "on"}
    if name == "rewards:leaderboard_opt_in":
        return {"opted_in": "on"}
    return None

"""The shop items and the rates in the Wagtail admin: admins edit them, tutors do not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.rewards.models import ItemKind, RewardRates, ShopItem
from tests.rewards.helpers import make_item

pytestmark = pytest.mark.django_db


def test_admin_lists_searches_and_adds_shop_items(client_for, admin_user):
    make_item(name="Forest frame")
    client = client_for(admin_user)
    listing = client.get(reverse("wagtailsnippets_rewards_shopitem:list"), {"q": "forest"})
    assert listing.status_code == 200 and "Forest frame" in listing.content.decode()
    response = client.post(
        reverse("wagtailsnippets_rewards_shopitem:add"),
        {
            "kind": ItemKind.THEME,
            "name": "Mint",
            "price": "3",
            "colour": "#D3F9D8",
            "sort_order": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ShopItem.objects.get(name="Mint").colour == "#d3f9d8"
    bad = client.post(
        reverse("wagtailsnippets_rewards_shopitem:add"),
        {"kind": ItemKind.FRAME, "name": "Red", "price": "3", "colour": "red", "sort_order": 0},
    )
    assert bad.status_code == 200 and not ShopItem.objects.filter(name="Red").exists()


def test_admin_edits_the_rates(client_for, admin_user):
    client = client_for(admin_user)
    url = reverse("wagtailsettings:edit", args=["rewards", "rewardrates", RewardRates.load().pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "points_per_lesson": "5",
            "max_points_per_quiz": "30",
            "points_per_on_time_submission": "8",
            "points_per_coin": "20",
        },
    )
    assert response.status_code == 302
    rates = RewardRates.load()
    assert (rates.points_per_lesson, rates.points_per_coin) == (5, 20)


def test_tutors_cannot_edit_the_shop(client_for, tutor):
    response = client_for(tutor).get(reverse("wagtailsnippets_rewards_shopitem:list"))
    assert response.status_code in (302, 403)

"""The demo rewards: a shop of each kind, ledgers and choices for the demo students."""

from __future__ import annotations

from collections import Counter

import pytest

from courses.rewards.demo import SHOP, seed_rewards
from courses.rewards.models import (
    CoinsEntry,
    Equipped,
    ItemKind,
    LeaderboardOptIn,
    PointsEntry,
    Purchase,
    ShopItem,
)
from courses.rewards.selectors import balances_for, leaderboard
from tests import factories

pytestmark = pytest.mark.django_db


class Report:
    def __init__(self):
        self.created = Counter()

    def add(self, what, count=1):
        self.created[what] += count


def test_seed_rewards_is_complete_and_idempotent(tutor, student, admin_user):
    others = [factories.StudentFactory() for _n in range(2)]
    for other in others:
        factories.TutorStudentFactory(tutor=tutor, student=other)
    students = [student, *others]
    first = Report()
    seed_rewards(admin=admin_user, students=students, report=first)

    assert ShopItem.objects.count() == len(SHOP)
    assert set(ShopItem.objects.values_list("kind", flat=True)) == set(ItemKind.values)
    assert all(item.image_id for item in ShopItem.objects.filter(kind=ItemKind.BADGE))
    assert [balances_for(s).points for s in students] == [60, 35, 15]
    assert Purchase.objects.filter(student=student).count() == 2
    assert Equipped.objects.filter(student=student).count() == 2
    assert balances_for(student).coins >= 0
    assert [s.pk for s in leaderboard(tutor=tutor)] == [student.pk, others[0].pk]
    assert first.created["shop items"] == len(SHOP)

    counts = (
        ShopItem.objects.count(),
        PointsEntry.objects.count(),
        CoinsEntry.objects.count(),
        Purchase.objects.count(),
        LeaderboardOptIn.objects.count(),
    )
    second = Report()
    seed_rewards(admin=admin_user, students=students, report=second)
    assert not second.created
    assert counts == (
        ShopItem.objects.count(),
        PointsEntry.objects.count(),
        CoinsEntry.objects.count(),
        Purchase.objects.count(),
        LeaderboardOptIn.objects.count(),
    )


def test_seed_rewards_on_the_demo_school():
    """On the real demo school: the demo progress already earned points; the seed adds
    the rest, and a second run changes nothing."""
    from people.demo import demo_seed, demo_users
    from people.roles import Role

    demo_seed()
    students = list(demo_users().filter(role=Role.STUDENT).order_by("pk"))
    earned = PointsEntry.objects.filter(student__in=students).exclude(reason="adjustment")
    assert earned.exists()  # lesson completions and passed quizzes of the demo courses
    seed_rewards()
    assert Purchase.objects.filter(student__in=students).exists()
    assert all(balances_for(s).coins >= 0 for s in students)
    before = (PointsEntry.objects.count(), CoinsEntry.objects.count(), Purchase.objects.count())
    report = Report()
    seed_rewards(report=report)
    assert not report.created
    assert before == (
        PointsEntry.objects.count(),
        CoinsEntry.objects.count(),
        Purchase.objects.count(),
    )

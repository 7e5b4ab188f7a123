"""Who may see and do what with rewards. Object fetches answer 404 for "missing" and
"not yours" alike, so that ids cannot be probed.

* A student sees their own balances, ledger and items, buys and equips for themselves,
  and sees the leaderboards of the tutors they are actively linked to.
* A tutor sees their own leaderboard and the rewards of their actively linked students.
* A parent sees their children's balances, ledgers and items.
* Managers and admins see any student's rewards (school staff see every student).
"""

from __future__ import annotations

from django.http import Http404

from people.models import User
from people.permissions import students_visible_to
from people.roles import Role

from .models import Purchase, ShopItem
from .selectors import leaderboard_tutors_for


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_shop(user) -> bool:
    """Only students buy and equip items, for themselves."""
    return _active(user) and user.role == Role.STUDENT


def can_view_leaderboards(user) -> bool:
    """Tutors (their own board) and students (their tutors' boards)."""
    return _active(user) and user.role in (Role.TUTOR, Role.STUDENT)


def can_view_student_rewards(user, student: User) -> bool:
    """The student themself, their parents, their actively linked tutors, school staff."""
    return students_visible_to(user).filter(pk=student.pk).exists()


def get_student_for_rewards(user, pk) -> User:
    """A student whose rewards `user` may see (people's scoping rules), or 404."""
    try:
        return students_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such student.") from exc


def get_shop_item_for(user, pk) -> ShopItem:
    """An item in the shop (active), or 404. Every student sees the same shop."""
    try:
        return ShopItem.objects.select_related("image").get(pk=pk, active=True)
    except (ShopItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such item.") from exc


def get_owned_item_for(user, pk) -> ShopItem:
    """An item the student bought (active or not), or 404 for anything else."""
    try:
        return Purchase.objects.select_related("item").get(student=user, item_id=pk).item
    except (Purchase.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such item.") from exc


def get_leaderboard_tutor_for(user, pk) -> User:
    """A tutor whose leaderboard `user` may see (their own / their tutor's), or 404."""
    try:
        return leaderboard_tutors_for(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such leaderboard.") from exc

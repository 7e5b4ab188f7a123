"""Rewards pages: my rewards, the shop, leaderboards, and a student's rewards for parents.

Views stay thin: reads through `selectors`, access through `permissions` (404 for objects
that are not the viewer's), writes through `services`. A refused purchase shows the item
page again with the reason: 409 when the state forbids it (not enough coins, already
owned, a purchase that lost a race), 400 for a missing confirmation.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import View

from people.roles import Role
from people.views.mixins import RoleRequiredMixin, is_conflict, service_call

from . import selectors, services
from .forms import BuyForm, LeaderboardOptInForm
from .models import ItemKind
from .permissions import (
    get_leaderboard_tutor_for,
    get_owned_item_for,
    get_shop_item_for,
    get_student_for_rewards,
)

STUDENT_ONLY = (Role.STUDENT,)


def _rewards_context(request, student) -> dict:
    """What the student's own page and the parent's page share."""
    equipped = selectors.equipped_for(student)
    equipped_ids = {item.pk for item in equipped.values()}
    purchases = list(selectors.owned_items(student))
    for purchase in purchases:
        purchase.is_equipped = purchase.item_id in equipped_ids
    return {
        "student": student,
        "balances": selectors.balances_for(student),
        "ledger": selectors.ledger_page(
            student, page_number=request.GET.get("page"), request=request, viewer=request.user
        ),
        "purchases": purchases,
        "equipped": equipped,
    }


class MyRewardsView(RoleRequiredMixin, View):
    """/rewards/: a student's balances, history, items (equip buttons) and leaderboard choice."""

    allowed_roles = STUDENT_ONLY

    def get(self, request, *args, **kwargs):
        student = request.user
        context = _rewards_context(request, student)
        context["page_obj"] = context["ledger"]
        context["opt_in_form"] = LeaderboardOptInForm(
            initial={"opted_in": selectors.opted_in(student)}
        )
        context["rates"] = services.rates_get()
        return render(request, "rewards/mine.html", context)


class ShopView(RoleRequiredMixin, View):
    """/rewards/shop/: the items for sale, with the student's balance and what they own."""

    allowed_roles = STUDENT_ONLY

    def get(self, request, *args, **kwargs):
        items = list(selectors.shop_items())
        owned = selectors.owned_item_ids(request.user)
        balance = selectors.balances_for(request.user).coins
        for item in items:
            item.is_owned = item.pk in owned
            item.affordable = item.price <= balance
        groups = [
            (kind, label, [item for item in items if item.kind == kind])
            for kind, label in ItemKind.choices
        ]
        return render(
            request,
            "rewards/shop.html",
            {"groups": [g for g in groups if g[2]], "balance": balance, "has_items": bool(items)},
        )


def _render_item(request, item, *, form=None, status=200):
    balance = selectors.balances_for(request.user).coins
    return render(
        request,
        "rewards/item.html",
        {
            "item": item,
            "balance": balance,
            "balance_after": balance - item.price,
            "coins_missing": max(0, item.price - balance),
            "is_owned": item.pk in selectors.owned_item_ids(request.user),
            "form": form or BuyForm(),
        },
        status=status,
    )


class ItemView(RoleRequiredMixin, View):
    """/rewards/shop/<id>/: one item, with the price, the balance after and a confirm form."""

    allowed_roles = STUDENT_ONLY

    def get(self, request, *args, **kwargs):
        return _render_item(request, get_shop_item_for(request.user, kwargs["pk"]))


class BuyView(RoleRequiredMixin, View):
    """POST /rewards/shop/<id>/buy/: spend coins on the item (confirmed), in one transaction."""

    allowed_roles = STUDENT_ONLY

    def post(self, request, *args, **kwargs):
        item = get_shop_item_for(request.user, kwargs["pk"])
        form = BuyForm(request.POST)
        if not form.is_valid():
            return _render_item(request, item, form=form, status=400)
        try:
            with service_call(request, form):
                services.item_buy(student=request.user, item=item)
        except ValidationError as error:
            return _render_item(request, item, form=form, status=409 if is_conflict(error) else 400)
        messages.success(
            request,
            gettext("You bought %(item)s. Use it from your rewards page.") % {"item": item.name},
        )
        return redirect("rewards:mine")


class EquipView(RoleRequiredMixin, View):
    """POST /rewards/items/<id>/equip/: show an owned item (one per kind); 404 if not owned."""

    allowed_roles = STUDENT_ONLY

    def post(self, request, *args, **kwargs):
        item = get_owned_item_for(request.user, kwargs["pk"])
        try:
            with service_call(request):
                services.item_equip(student=request.user, item=item)
        except ValidationError:
            return redirect("rewards:mine")
        messages.success(request, gettext("%(item)s is now on your profile.") % {"item": item.name})
        return redirect("rewards:mine")


class UnequipView(RoleRequiredMixin, View):
    """POST /rewards/equipped/<kind>/remove/: stop showing the item of that kind."""

    allowed_roles = STUDENT_ONLY

    def post(self, request, *args, **kwargs):
        kind = kwargs["kind"]
        if kind not in ItemKind.values:
            raise Http404("No such kind.")
        services.item_unequip(student=request.user, kind=kind)
        messages.success(request, gettext("The item was taken off your profile."))
        return redirect("rewards:mine")


class LeaderboardOptInView(RoleRequiredMixin, View):
    """POST /rewards/leaderboard/choice/: the student joins or leaves the leaderboards."""

    allowed_roles = STUDENT_ONLY

    def post(self, request, *args, **kwargs):
        form = LeaderboardOptInForm(request.POST)
        form.is_valid()  # a single optional checkbox is always valid
        choice = services.leaderboard_opt_in_set(
            student=request.user, opted_in=form.cleaned_data.get("opted_in", False)
        )
        messages.success(
            request,
            gettext("You now appear on your tutors' leaderboards.")
            if choice.opted_in
            else gettext("You no longer appear on leaderboards."),
        )
        return redirect("rewards:mine")


def _render_leaderboard(request, tutor, tutors):
    page = selectors.leaderboard_page(tutor=tutor, page_number=request.GET.get("page"))
    return render(
        request,
        "rewards/leaderboard.html",
        {
            "tutor": tutor,
            "tutors": tutors,
            "page_obj": page,
            "rows": page.object_list,
            "is_own_board": tutor.pk == request.user.pk,
            "viewer_opted_in": (
                selectors.opted_in(request.user) if request.user.role == Role.STUDENT else None
            ),
        },
    )


class LeaderboardView(RoleRequiredMixin, View):
    """/rewards/leaderboard/: a tutor's own board; a student's first tutor's board (or none)."""

    allowed_roles = (Role.TUTOR, Role.STUDENT)

    def get(self, request, *args, **kwargs):
        tutors = list(selectors.leaderboard_tutors_for(request.user))
        if not tutors:
            return render(request, "rewards/leaderboard.html", {"tutors": [], "tutor": None})
        return _render_leaderboard(request, tutors[0], tutors)


class TutorLeaderboardView(RoleRequiredMixin, View):
    """/rewards/leaderboard/<tutor id>/: one tutor's board, for the tutor and their students."""

    allowed_roles = (Role.TUTOR, Role.STUDENT)

    def get(self, request, *args, **kwargs):
        tutor = get_leaderboard_tutor_for(request.user, kwargs["pk"])
        tutors = list(selectors.leaderboard_tutors_for(request.user))
        return _render_leaderboard(request, tutor, tutors)


class ChildrenView(RoleRequiredMixin, View):
    """/rewards/children/: a parent's children with their points and coins."""

    allowed_roles = (Role.PARENT,)

    def get(self, request, *args, **kwargs):
        children = list(selectors.children_with_balances(request.user))
        return render(request, "rewards/children.html", {"children": children})


class StudentRewardsView(RoleRequiredMixin, View):
    """/rewards/students/<id>/: a student's balances, history and items, read-only.

    For their parents, their tutors and school staff; the student is sent to their own
    page; anyone else gets 404. A tutor sees the balances and items, but of the history
    only what was earned in their own courses (another tutor's lessons, quiz results and
    links are not theirs to see).
    """

    def get(self, request, *args, **kwargs):
        student = get_student_for_rewards(request.user, kwargs["pk"])
        if student.pk == request.user.pk:
            return redirect("rewards:mine")
        context = _rewards_context(request, student)
        context["page_obj"] = context["ledger"]
        return render(request, "rewards/student.html", context)

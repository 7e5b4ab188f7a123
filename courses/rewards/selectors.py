"""Reads of the rewards app: balances, ledger pages, the shop, owned items, leaderboards.

Balances are sums of the ledgers, computed in the query that needs them (one aggregate
query for one student, one annotated query for a list of students). Every list here
runs a fixed number of queries, however many rows it holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import (
    CharField,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.models import Page

from people.models import TutorStudent, User
from people.roles import Role

from .models import (
    CoinsEntry,
    Equipped,
    LeaderboardOptIn,
    PointsEntry,
    Purchase,
    Reason,
    ShopItem,
)

LEDGER_PER_PAGE = 20
LEADERBOARD_PER_PAGE = 50


@dataclass(frozen=True)
class Balances:
    """A student's points and coins, as the ledgers sum them."""

    points: int = 0
    coins: int = 0


def _sum_of(model, *, student_ref: str = "pk") -> Coalesce:
    total = (
        model.objects.filter(student=OuterRef(student_ref))
        .order_by()
        .values("student")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def with_balances(users: QuerySet[User], *, student_ref: str = "pk") -> QuerySet:
    """`users` annotated with `points_balance` and `coins_balance` (subqueries, no join)."""
    return users.annotate(
        points_balance=_sum_of(PointsEntry, student_ref=student_ref),
        coins_balance=_sum_of(CoinsEntry, student_ref=student_ref),
    )


def balances_for(student) -> Balances:
    """The student's points and coins: one query summing both ledgers."""
    row = (
        with_balances(User.objects.filter(pk=student.pk))
        .values("points_balance", "coins_balance")
        .first()
    )
    if row is None:
        return Balances()
    return Balances(points=row["points_balance"], coins=row["coins_balance"])


def balances_by_student(students) -> dict[int, Balances]:
    """Balances of many students at once ({user id: Balances}); one query."""
    ids = [getattr(s, "pk", s) for s in students]
    rows = with_balances(User.objects.filter(pk__in=ids)).values_list(
        "pk", "points_balance", "coins_balance"
    )
    found = {pk: Balances(points=p, coins=c) for pk, p, c in rows}
    return {pk: found.get(pk, Balances()) for pk in ids}


# --- ledger pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    """One entry of the combined points-and-coins history, ready for a template."""

    ledger: str  # "points" or "coins"
    amount: int
    reason: str
    reason_label: str
    created_at: object
    note: str
    link_url: str
    link_label: str

    @property
    def magnitude(self) -> int:
        return abs(self.amount)

    @property
    def signed(self) -> str:
        return f"{self.amount:+d}"


_ENTRY_FIELDS = (
    "pk",
    "amount",
    "reason",
    "created_at",
    "note",
    "source_content_type_id",
    "source_object_id",
    "page_translation_key",
)


def ledger_page_keys_for(viewer) -> QuerySet | None:
    """The page translation keys whose ledger entries `viewer` may read, or None for all.

    A tutor reads only what was earned at their own pages (lessons, quizzes and work in
    their sections): the titles, notes and links of another tutor's courses are not
    theirs to see, and purchases, conversions and adjustments carry no page of theirs.
    The student, their parents and school staff read everything. The keys are a values()
    subquery (one query for the tutor's section paths, none for the others).
    """
    if viewer is not None and getattr(viewer, "role", None) == Role.TUTOR:
        from courses.learning import tutor_page_keys

        return tutor_page_keys(viewer)
    return None


def _ledger_union(student, *, page_keys: QuerySet | None = None):
    points = PointsEntry.objects.filter(student=student)
    coins = CoinsEntry.objects.filter(student=student)
    if page_keys is not None:
        points = points.filter(page_translation_key__in=page_keys)
        coins = coins.filter(page_translation_key__in=page_keys)
    points = points.annotate(ledger=Value("points", output_field=CharField()))
    coins = coins.annotate(ledger=Value("coins", output_field=CharField()))
    return (
        points.order_by()
        .values(*_ENTRY_FIELDS, "ledger")
        .union(coins.order_by().values(*_ENTRY_FIELDS, "ledger"), all=True)
        .order_by("-created_at", "-pk")
    )


def _pages_by_key(
    keys: set[uuid.UUID], *, page_keys: QuerySet | None = None
) -> dict[uuid.UUID, Page]:
    """Live pages for translation keys, in the active language where translated (1 query).

    Only the keys of the rows shown are asked for and, with `page_keys` (a viewer's
    scope, see `ledger_page_keys_for`), only pages within it, so no title of a page the
    viewer may not see is read. Falls back to the default language's page, then to any
    translation.
    """
    if not keys:
        return {}
    active = get_language() or settings.LANGUAGE_CODE
    preference = {active: 0, settings.LANGUAGE_CODE: 1}
    pages = Page.objects.live().filter(translation_key__in=keys).select_related("locale")
    if page_keys is not None:
        pages = pages.filter(translation_key__in=page_keys)
    found: dict[uuid.UUID, Page] = {}
    for page in pages.order_by("pk"):
        rank = preference.get(page.locale.language_code, 2)
        current = found.get(page.translation_key)
        if current is None or rank < preference.get(current.locale.language_code, 2):
            found[page.translation_key] = page
    return found


def _rows(entries: list[dict], request=None, *, page_keys=None) -> list[LedgerRow]:
    labels = dict(Reason.choices)
    purchase_type = ContentType.objects.get_for_model(Purchase)
    from courses.models import QuizAttempt

    attempt_type = ContentType.objects.get_for_model(QuizAttempt)
    purchase_ids = [
        int(e["source_object_id"])
        for e in entries
        if e["source_content_type_id"] == purchase_type.pk and e["source_object_id"]
    ]
    items = {
        p.pk: p.item.name
        for p in Purchase.objects.filter(pk__in=purchase_ids).select_related("item")
    }
    pages = _pages_by_key(
        {e["page_translation_key"] for e in entries if e["page_translation_key"]},
        page_keys=page_keys,
    )
    rows = []
    for entry in entries:
        url = label = ""
        page = pages.get(entry["page_translation_key"])
        if entry["source_content_type_id"] == attempt_type.pk and entry["source_object_id"]:
            url = reverse("courses:attempt_detail", kwargs={"pk": entry["source_object_id"]})
            label = page.title if page is not None else ""
        elif page is not None:
            url = page.get_url(request) or ""
            label = page.title
        elif entry["source_content_type_id"] == purchase_type.pk and entry["source_object_id"]:
            label = items.get(int(entry["source_object_id"]), "")
        rows.append(
            LedgerRow(
                ledger=entry["ledger"],
                amount=entry["amount"],
                reason=entry["reason"],
                reason_label=str(labels.get(entry["reason"], entry["reason"])),
                created_at=entry["created_at"],
                note=entry["note"],
                link_url=url,
                link_label=label,
            )
        )
    return rows


def ledger_page(
    student,
    *,
    page_number=None,
    request=None,
    per_page: int = LEDGER_PER_PAGE,
    viewer=None,
):
    """One page of the student's points and coins history, newest first.

    Returns a Django paginator page whose `object_list` holds `LedgerRow`s, each with the
    reason and a link to what earned it (the lesson or task page in the viewer's language,
    or the quiz attempt; a purchase names the item). With a `viewer`, only the entries
    they may read (`ledger_page_keys_for`: a tutor sees what was earned in their own
    courses). A fixed number of queries: the count, the page of entries, the pages and
    the purchases linked from it (and a tutor's section paths). `scoped` on the page
    says whether entries were left out for the viewer.
    """
    page_keys = ledger_page_keys_for(viewer)
    union = _ledger_union(student, page_keys=page_keys)
    page = Paginator(union, per_page).get_page(page_number)
    page.object_list = _rows(list(page.object_list), request, page_keys=page_keys)
    page.scoped = page_keys is not None  # only part of the history (a tutor's courses)
    return page


def recent_entries(student, *, limit: int = 5, request=None, viewer=None) -> list[LedgerRow]:
    """The student's last `limit` ledger entries that `viewer` may read (all without one)."""
    page_keys = ledger_page_keys_for(viewer)
    entries = list(_ledger_union(student, page_keys=page_keys)[:limit])
    return _rows(entries, request, page_keys=page_keys)


# --- shop and owned items ----------------------------------------------------------------------


def shop_items() -> QuerySet[ShopItem]:
    """Items in the shop (active), in shop order, with their images."""
    return ShopItem.objects.filter(active=True).select_related("image")


def owned_item_ids(student) -> set[int]:
    """Ids of the items the student bought (one query)."""
    return set(Purchase.objects.filter(student=student).values_list("item_id", flat=True))


def owned_items(student) -> QuerySet[Purchase]:
    """The student's purchases with their items, by kind then shop order."""
    return (
        Purchase.objects.filter(student=student)
        .select_related("item", "item__image")
        .order_by("item__kind", "item__sort_order", "item__name", "pk")
    )


def equipped_for(student) -> dict[str, ShopItem]:
    """{kind: item} of what the student shows (one query; uses a prefetch when present)."""
    cache = getattr(student, "_prefetched_objects_cache", {})
    if "rewards_equipped" in cache:
        rows = cache["rewards_equipped"]
    else:
        rows = Equipped.objects.filter(student=student).select_related("item", "item__image")
    return {row.kind: row.item for row in rows}


def prefetch_equipped(lookup: str = "rewards_equipped") -> Prefetch:
    """A Prefetch for a User queryset so that `{% rewards_avatar %}` runs no query per user."""
    return Prefetch(lookup, queryset=Equipped.objects.select_related("item", "item__image"))


def opted_in(student) -> bool:
    """Whether the student shows on their tutors' leaderboards (default: no)."""
    return LeaderboardOptIn.objects.filter(student=student, opted_in=True).exists()


# --- leaderboards ------------------------------------------------------------------------------


def leaderboard_tutors_for(user) -> QuerySet[User]:
    """The tutors whose leaderboards `user` may see: a tutor their own, a student their tutors."""
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    if user.role == Role.TUTOR:
        return User.objects.filter(pk=user.pk)
    if user.role == Role.STUDENT:
        return User.objects.filter(
            role=Role.TUTOR,
            student_links__student=user,
            student_links__status=TutorStudent.Status.ACTIVE,
        ).order_by("last_name", "first_name", "pk")
    return User.objects.none()


def leaderboard(*, tutor) -> QuerySet[User]:
    """The tutor's actively linked students who opted in, best first, with their points.

    Only names and points: nothing else about a student is on the board, and students who
    did not opt in never appear (not even to their tutor). `points_balance` is annotated;
    their equipped items are prefetched for the avatar.
    """
    return (
        with_balances(
            User.objects.filter(
                role=Role.STUDENT,
                is_active=True,
                tutor_links__tutor=tutor,
                tutor_links__status=TutorStudent.Status.ACTIVE,
                leaderboard_opt_in__opted_in=True,
            )
        )
        .prefetch_related(prefetch_equipped())
        .order_by("-points_balance", "first_name", "last_name", "pk")
    )


def leaderboard_page(*, tutor, page_number=None) -> PaginatorPage:
    """One page of `leaderboard(tutor=...)`, each row with its `rank` set."""
    page = Paginator(leaderboard(tutor=tutor), LEADERBOARD_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    start = page.start_index()
    for offset, student in enumerate(rows):
        student.rank = start + offset
    page.object_list = rows
    return page


def children_with_balances(parent) -> QuerySet[User]:
    """A parent's children with `points_balance` and `coins_balance` (one query)."""
    return (
        with_balances(User.objects.filter(role=Role.STUDENT, guardians_links__parent=parent))
        .prefetch_related(prefetch_equipped())
        .order_by("first_name", "last_name", "pk")
    )

"""Gamification: points and coins ledgers, the rates, the shop, purchases and equipped items.

Balances are never stored: a student's points are the sum of their `PointsEntry` rows and
their coins the sum of their `CoinsEntry` rows. Both ledgers are append-only: a row is
written once and never changed (`save()` refuses updates, the managers refuse bulk updates
and deletes, and a database trigger refuses UPDATE statements on both tables). A wrong entry
is corrected by an `adjustment` entry, never by editing. Each entry carries a reason, a link
to what earned it (a generic content-type link and/or a page translation key) and an
idempotency key unique per student, so the same event can never award twice.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a ledger row."""


class Reason(models.TextChoices):
    """Why a ledger entry was written."""

    LESSON_COMPLETED = "lesson_completed", _("Lesson completed")
    QUIZ_PASSED = "quiz_passed", _("Quiz passed")
    SUBMISSION_ON_TIME = "submission_on_time", _("Work handed in on time")
    CONVERSION = "conversion", _("Points turned into coins")
    PURCHASE = "purchase", _("Shop purchase")
    ADJUSTMENT = "adjustment", _("Adjustment")


#: Reasons a points entry may have; coins come from conversion and go on purchases.
POINTS_REASONS = (
    Reason.LESSON_COMPLETED,
    Reason.QUIZ_PASSED,
    Reason.SUBMISSION_ON_TIME,
    Reason.CONVERSION,
    Reason.ADJUSTMENT,
)
COINS_REASONS = (Reason.CONVERSION, Reason.PURCHASE, Reason.ADJUSTMENT)


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that can add and read rows but never change or remove them in bulk."""

    def update(self, **kwargs):
        raise AppendOnlyError("Ledger rows are append-only; write an adjustment entry instead.")

    def delete(self):
        raise AppendOnlyError("Ledger rows are append-only; write an adjustment entry instead.")


class LedgerEntry(models.Model):
    """One line of a student's ledger (abstract: points and coins share the shape)."""

    Reason = Reason

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("student"),
    )
    amount = models.IntegerField(_("amount"))
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    source_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source type"),
    )
    source_object_id = models.CharField(_("source id"), max_length=64, blank=True)
    source = GenericForeignKey("source_content_type", "source_object_id")
    #: Locale-independent key of the lesson, task or quiz page that earned the entry.
    page_translation_key = models.UUIDField(_("page"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=160)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.amount:+d} ({self.reason})"

    def save(self, *args, **kwargs):
        """Insert only: an entry that exists already is never saved again."""
        if not self._state.adding or (self.pk and type(self).objects.filter(pk=self.pk).exists()):
            raise AppendOnlyError("Ledger rows are append-only; write an adjustment entry instead.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ledger rows are append-only; write an adjustment entry instead.")


def _ledger_constraints(prefix: str, reasons) -> list:
    return [
        models.UniqueConstraint(
            fields=["student", "idempotency_key"], name=f"{prefix}_once_per_key"
        ),
        models.CheckConstraint(
            condition=Q(reason__in=[r.value for r in reasons]), name=f"{prefix}_reason_valid"
        ),
        models.CheckConstraint(condition=~Q(amount=0), name=f"{prefix}_amount_not_zero"),
        models.CheckConstraint(condition=~Q(idempotency_key=""), name=f"{prefix}_key_not_empty"),
    ]


class PointsEntry(LedgerEntry):
    """Points a student earned (positive) or an adjustment (either sign)."""

    class Meta(LedgerEntry.Meta):
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = _ledger_constraints("rewards_points", POINTS_REASONS)
        indexes = [models.Index(fields=["student", "-created_at"], name="rewards_points_recent")]


class CoinsEntry(LedgerEntry):
    """Coins a student earned by converting points (positive) or spent in the shop (negative)."""

    class Meta(LedgerEntry.Meta):
        verbose_name = _("coins entry")
        verbose_name_plural = _("coins entries")
        constraints = [
            *_ledger_constraints("rewards_coins", COINS_REASONS),
            models.CheckConstraint(
                condition=~Q(reason=Reason.PURCHASE) | Q(amount__lt=0),
                name="rewards_coins_purchase_spends",
            ),
            models.CheckConstraint(
                condition=~Q(reason=Reason.CONVERSION) | Q(amount__gt=0),
                name="rewards_coins_conversion_earns",
            ),
        ]
        indexes = [models.Index(fields=["student", "-created_at"], name="rewards_coins_recent")]


@register_setting(icon="pick")
class RewardRates(BaseGenericSetting):
    """How many points each event earns and how many points make a coin (one per school).

    Changing a rate affects future awards only: entries already written stand. Conversion
    always compares the points earned so far with the coins converted so far, so a new
    "points per coin" applies from the next award on.
    """

    points_per_lesson = models.PositiveSmallIntegerField(
        _("points per completed lesson"),
        default=10,
        help_text=_("Given once per lesson, when the student completes it for the first time."),
    )
    max_points_per_quiz = models.PositiveSmallIntegerField(
        _("points for a perfect quiz"),
        default=20,
        help_text=_(
            "A passed quiz earns this share of its score (e.g. 20 points for 100 %, 15 for "
            "75 %). A better later attempt earns only the difference."
        ),
    )
    points_per_on_time_submission = models.PositiveSmallIntegerField(
        _("points per assignment handed in on time"), default=15
    )
    points_per_coin = models.PositiveSmallIntegerField(
        _("points per coin"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Every this many points earned turn into one coin automatically."),
    )

    panels = [
        FieldPanel("points_per_lesson"),
        FieldPanel("max_points_per_quiz"),
        FieldPanel("points_per_on_time_submission"),
        FieldPanel("points_per_coin"),
    ]

    class Meta:
        verbose_name = _("reward rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_per_coin__gte=1), name="rewards_rates_points_per_coin_positive"
            ),
        ]


HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
validate_colour = RegexValidator(
    HEX_COLOUR, _("Enter a colour as # followed by six hexadecimal digits, e.g. #1a7f5a.")
)


class ItemKind(models.TextChoices):
    BADGE = "badge", _("Badge")
    FRAME = "frame", _("Avatar frame")
    THEME = "theme", _("Colour theme")


class ShopItem(models.Model):
    """A profile customisation students buy with coins: a badge, an avatar frame or a theme.

    A badge shows an image; frames and themes a colour. Items are never deleted once bought
    (purchases protect them): take an item out of the shop by clearing `active`.
    """

    Kind = ItemKind

    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price = models.PositiveIntegerField(_("price in coins"), validators=[MinValueValidator(1)])
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("badge image"),
        help_text=_("Badges only: a small square picture."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[validate_colour],
        help_text=_("Frames and themes only: e.g. #1a7f5a."),
    )
    active = models.BooleanField(_("in the shop"), default=True)
    sort_order = models.IntegerField(_("order"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("price"),
        FieldPanel("image"),
        FieldPanel("colour"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name", "pk"]
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values), name="rewards_shopitem_kind_valid"
            ),
            models.CheckConstraint(condition=Q(price__gte=1), name="rewards_shopitem_price_min"),
            models.CheckConstraint(
                condition=~Q(kind=ItemKind.BADGE) | Q(image__isnull=False),
                name="rewards_shopitem_badge_has_image",
            ),
            models.CheckConstraint(
                condition=Q(kind=ItemKind.BADGE) | Q(colour__startswith="#"),
                name="rewards_shopitem_colour_set",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def safe_colour(self) -> str:
        """The colour when it is a valid #rrggbb (safe in a style attribute), else ""."""
        return self.colour if HEX_COLOUR.match(self.colour or "") else ""

    def clean(self):
        super().clean()
        if self.kind == ItemKind.BADGE and not self.image_id:
            raise ValidationError({"image": _("A badge needs an image.")})
        if self.kind in (ItemKind.FRAME, ItemKind.THEME):
            if not self.colour:
                raise ValidationError({"colour": _("Frames and themes need a colour.")})
        if self.colour:
            self.colour = self.colour.lower()


class Purchase(models.Model):
    """A student owns a shop item: bought once, at the price paid then."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reward_purchases",
        verbose_name=_("student"),
    )
    item = models.ForeignKey(
        ShopItem, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("item")
    )
    price_paid = models.PositiveIntegerField(_("price paid"))
    created_at = models.DateTimeField(_("bought at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        constraints = [
            models.UniqueConstraint(fields=["student", "item"], name="rewards_purchase_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student} bought {self.item}"


class Equipped(models.Model):
    """The item a student shows for one kind (one badge, one frame, one theme at most)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rewards_equipped",
        verbose_name=_("student"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    item = models.ForeignKey(
        ShopItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("item")
    )
    equipped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("equipped item")
        verbose_name_plural = _("equipped items")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "kind"], name="rewards_equipped_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values), name="rewards_equipped_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.item}"


class LeaderboardOptIn(models.Model):
    """A student's choice to appear on their tutors' leaderboards (no row: not shown)."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="leaderboard_opt_in",
        verbose_name=_("student"),
    )
    opted_in = models.BooleanField(_("show me on leaderboards"), default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("leaderboard choice")
        verbose_name_plural = _("leaderboard choices")

    def __str__(self) -> str:
        return f"{self.student}: {'in' if self.opted_in else 'out'}"

"""Rewards in the Wagtail admin: the shop's items as a snippet (the rates are a setting).

Only users with the shop item model permissions (admins, who are superusers) see the
menu entry; tutors, managers and families never do. Purchased items cannot be deleted
(purchases protect them): untick "in the shop" instead.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ShopItem


class ShopItemViewSet(SnippetViewSet):
    """Badges, avatar frames and colour themes students buy with coins."""

    model = ShopItem
    icon = "pick"
    menu_label = _("Shop items")
    menu_order = 800
    add_to_admin_menu = True
    list_display = ["name", "kind", "price", "active", "sort_order"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "description"]
    ordering = ["sort_order", "name"]


register_snippet(ShopItemViewSet)

"""`{% rewards_avatar user %}`: a user's avatar with their equipped frame, badge and theme.

    {% load rewards_tags %}
    {% rewards_avatar user %}            {# 48 px #}
    {% rewards_avatar student size=96 %}
    {% rewards_avatar student size=96 equipped=equipped %}  {# reuse a dict you have #}

For lists, fetch the users with `courses.rewards.selectors.prefetch_equipped()` so that
the tag runs no query per user; otherwise it runs one query for a student and none for
other roles. Only valid #rrggbb colours reach the style attribute (`safe_colour`).
"""

from __future__ import annotations

from django import template

from people.roles import Role

from ..models import ItemKind
from ..selectors import equipped_for

register = template.Library()


def _initials(user) -> str:
    first = (user.first_name or "")[:1]
    last = (user.last_name or "")[:1]
    return (first + last).upper() or (user.email or "?")[:1].upper()


@register.inclusion_tag("rewards/includes/avatar.html")
def rewards_avatar(user, size: int = 48, equipped=None):
    """The avatar of `user` (picture or initials) dressed in their equipped items.

    `equipped` ({kind: item}, from `selectors.equipped_for`) saves the query when the page
    has it already.
    """
    if equipped is None:
        equipped = equipped_for(user) if getattr(user, "role", None) == Role.STUDENT else {}
    badge = equipped.get(ItemKind.BADGE)
    frame = equipped.get(ItemKind.FRAME)
    theme = equipped.get(ItemKind.THEME)
    return {
        "avatar_user": user,
        "size": int(size),
        "initials": _initials(user),
        "badge": badge if badge is not None and badge.image_id else None,
        "frame_colour": frame.safe_colour if frame is not None else "",
        "theme_colour": theme.safe_colour if theme is not None else "",
    }

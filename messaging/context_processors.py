"""The unread-notification badge in the header."""

from django.utils.functional import SimpleLazyObject


def notifications(request):
    """Count unread notifications lazily: one query, and only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    def count():
        from .selectors import unread_count

        return unread_count(user)

    return {"unread_notifications": SimpleLazyObject(count)}

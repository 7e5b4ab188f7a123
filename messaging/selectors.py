"""Reads for messaging, scoped to the viewer.

Every notification read goes through these functions, so that nobody can see (or probe the
ids of) another user's notifications.
"""

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first. Nobody sees another user's.

    Anonymous visitors get an empty queryset. The list template reads only the
    notification's own columns, so no joins are needed: a page of 10 or 100 rows runs the
    same queries.
    """
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one query, none for anonymous)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def get_notification_for(user, pk) -> Notification:
    """The viewer's notification with id `pk`; 404 both when missing and when not theirs."""
    try:
        return notifications_for(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such notification.") from exc

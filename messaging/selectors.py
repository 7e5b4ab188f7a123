"""Reads for messaging, scoped to the viewer."""

from django.db.models import QuerySet

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first. Nobody sees another user's."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

"""Writes for messaging: the notify() core every other app calls."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone, translation
from django_q.tasks import async_task

from .models import Notification


def notify(
    *,
    recipient,
    kind: str,
    text: str | Callable[[], str],
    link: str = "",
    email: bool = True,
) -> Notification:
    """Store a notification for `recipient` and queue its e-mail once the transaction commits.

    `text` may be a callable (or a lazy translation) so it is rendered in the recipient's
    preferred language rather than the sender's.
    """
    with translation.override(recipient.preferred_language or None):
        rendered = str(text() if callable(text) else text)
    notification = Notification(recipient=recipient, kind=kind, text=rendered[:500], link=link)
    notification.full_clean()
    notification.save()
    if email:
        transaction.on_commit(
            lambda: async_task(
                "messaging.tasks.send_notification_email",
                notification.pk,
                task_name=f"notification-email-{notification.pk}",
            )
        )
    return notification


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those in `ids`); returns how many.

    Ids belonging to someone else are ignored, never touched.
    """
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())

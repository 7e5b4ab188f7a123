"""Writes for messaging: the notify() core every other app calls."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone, translation
from django_q.tasks import async_task

from .models import Notification

logger = logging.getLogger(__name__)

EMAIL_TASK = "messaging.tasks.send_notification_email"


def _queue_email(notification_id: int) -> None:
    async_task(EMAIL_TASK, notification_id, task_name=f"notification-email-{notification_id}")


def notify(
    *,
    recipient,
    kind: str,
    text: str | Callable[[], str],
    link: str = "",
    email: bool = True,
) -> Notification:
    """Store a notification for `recipient` and queue its e-mail once the transaction commits.

    `text` may be a callable (or a lazy translation) so that it is rendered in the
    recipient's preferred language rather than the sender's: the callable runs with the
    recipient's language active. `link` is a local path shown as "Open"; the open view
    refuses to follow anything but a safe local URL.

    The e-mail is queued with `transaction.on_commit`, so a rolled-back transaction sends
    nothing; the task itself skips inactive recipients and never sends twice. A broker
    failure while queueing is logged and does not undo the caller's committed work
    (`robust=True`). Raises ValidationError for an unknown kind.
    """
    with translation.override(recipient.preferred_language or None):
        rendered = str(text() if callable(text) else text)
    notification = Notification(recipient=recipient, kind=kind, text=rendered[:500], link=link)
    notification.full_clean()
    notification.save()
    if email:
        transaction.on_commit(lambda: _queue_email(notification.pk), robust=True)
    return notification


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those in `ids`); returns how many.

    Ids belonging to someone else are ignored, never touched; already-read notifications
    keep their original `read_at`. One UPDATE, no query at all for an empty `ids`.
    """
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        queryset = queryset.filter(pk__in=ids)
    count = queryset.update(read_at=timezone.now())
    logger.debug("user %s marked %s notification(s) read", user.pk, count)
    return count

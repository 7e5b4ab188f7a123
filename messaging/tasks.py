"""Background work for messaging, run by django-q2 workers (inline in development/tests).

Every task here is idempotent: a worker restart may run it again.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import Notification

logger = logging.getLogger(__name__)


def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its recipient, once.

    The row is locked and `emailed_at` set in the same transaction as the send is decided,
    so a retried task never sends twice; if sending fails the transaction rolls back and a
    retry sends it. The subject is rendered in the recipient's preferred language (the text
    already was, by `notify`). Inactive recipients, recipients without an address and
    missing or already e-mailed notifications are skipped. Returns whether an e-mail went
    out.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            return False
        link = notification.link
        if link.startswith("/"):
            link = settings.SITE_BASE_URL + link
        with translation.override(recipient.preferred_language or None):
            subject = gettext("Tutorflow: %(kind)s") % {"kind": notification.get_kind_display()}
            body = notification.text + (f"\n\n{link}" if link else "")
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    logger.info("notification %s e-mailed to user %s", notification_id, recipient.pk)
    return True

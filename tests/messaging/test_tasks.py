"""send_notification_email: one e-mail per notification, whatever the retries."""

from unittest import mock

import pytest
from django.utils import translation

from messaging.models import Notification
from messaging.tasks import send_notification_email
from tests.factories import NotificationFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_sends_one_email_with_text_and_absolute_link(student, mailoutbox, settings):
    settings.SITE_BASE_URL = "https://tutorflow.example"
    notification = NotificationFactory(
        recipient=student,
        kind=Notification.Kind.TUTOR_REQUEST_ACCEPTED,
        text="Your tutor said yes.",
        link="/dashboard/",
    )

    assert send_notification_email(notification.pk) is True

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [student.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Tutorflow: Tutor request accepted"
    assert "Your tutor said yes." in message.body
    assert "https://tutorflow.example/dashboard/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_is_idempotent_calling_twice_sends_once(student, mailoutbox):
    notification = NotificationFactory(recipient=student)

    assert send_notification_email(notification.pk) is True
    notification.refresh_from_db()
    first_emailed_at = notification.emailed_at

    assert send_notification_email(notification.pk) is False

    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at == first_emailed_at is not None


def test_inactive_recipient_gets_nothing(mailoutbox):
    notification = NotificationFactory(recipient=StudentFactory(is_active=False))

    assert send_notification_email(notification.pk) is False

    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_missing_notification_is_a_no_op(mailoutbox):
    notification = NotificationFactory()
    missing_id = notification.pk
    notification.delete()

    assert send_notification_email(missing_id) is False
    assert send_notification_email(10**9) is False
    assert mailoutbox == []


def test_failed_send_leaves_it_unmailed_so_a_retry_sends_it(student, mailoutbox):
    notification = NotificationFactory(recipient=student)

    with (
        mock.patch("messaging.tasks.send_mail", side_effect=OSError("SMTP down")),
        pytest.raises(OSError),
    ):
        send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    assert send_notification_email(notification.pk) is True
    assert len(mailoutbox) == 1


def test_subject_is_rendered_in_the_recipients_language_and_the_worker_language_restored(
    mailoutbox,
):
    recipient = StudentFactory(preferred_language="uk")
    notification = NotificationFactory(recipient=recipient, link="")
    languages_seen = []
    real_get_kind_display = Notification.get_kind_display

    def spy(self):
        languages_seen.append(translation.get_language())
        return real_get_kind_display(self)

    # The kind labels have no Ukrainian catalogue yet, so watch the language that is active
    # while the subject's label is rendered.
    with (
        translation.override("en"),
        mock.patch.object(Notification, "get_kind_display", spy),
    ):
        assert send_notification_email(notification.pk) is True
        assert translation.get_language() == "en"

    assert languages_seen == ["uk"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].body == notification.text  # no link, so nothing after the text

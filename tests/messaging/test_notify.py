"""notify(): stores the notification, queues the e-mail through django-q2 on commit only,
renders the text in the recipient's language, and marks read only the user's own rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django_q.models import Task

from messaging.models import Notification
from messaging.services import notifications_mark_read, notify
from tests.factories import NotificationFactory, StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db


def test_notify_stores_the_notification_unread_and_unmailed(student):
    notification = notify(
        recipient=student,
        kind=Notification.Kind.ACCOUNT,
        text="Welcome aboard.",
        link="/dashboard/",
        email=False,
    )

    stored = Notification.objects.get(pk=notification.pk)
    assert stored.recipient == student
    assert stored.kind == Notification.Kind.ACCOUNT
    assert stored.text == "Welcome aboard."
    assert stored.link == "/dashboard/"
    assert stored.read_at is None
    assert stored.emailed_at is None


def test_email_goes_out_through_django_q_only_when_the_transaction_commits(
    student, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(
            recipient=student, kind=Notification.Kind.ACCOUNT, text="Your account is ready."
        )
    # Queued on commit, not sent during the write.
    assert len(callbacks) == 1
    assert mailoutbox == []
    assert not Task.objects.exists()

    callbacks[0]()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [student.email]
    assert "Your account is ready." in message.body
    # It really travelled through django-q2's async_task (sync=True in tests runs it
    # inline and records the result), not through a direct call.
    task = Task.objects.get(name=f"notification-email-{notification.pk}")
    assert task.func == "messaging.tasks.send_notification_email"
    assert task.success is True
    assert task.result is True
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_email_is_sent_inline_in_tests_with_executed_on_commit_callbacks(
    student, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(recipient=student, kind=Notification.Kind.ACCOUNT, text="Hello.")
            # Inside the transaction nothing has been sent yet.
            assert mailoutbox == []

    assert [m.to for m in mailoutbox] == [[student.email]]


def test_no_email_and_no_notification_when_the_transaction_rolls_back(
    student, mailoutbox, django_capture_on_commit_callbacks
):
    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            notify(recipient=student, kind=Notification.Kind.ACCOUNT, text="Never mind.")
            raise Boom

    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.filter(recipient=student).exists()
    assert not Task.objects.exists()


def test_email_false_stores_but_never_queues(
    student, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipient=student, kind=Notification.Kind.ACCOUNT, text="Quiet.", email=False)

    assert callbacks == []
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=student, text="Quiet.").exists()


def test_inactive_recipient_gets_the_notification_but_no_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    inactive = StudentFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=inactive, kind=Notification.Kind.ACCOUNT, text="Hi.")

    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_text_callable_runs_in_the_recipients_preferred_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    recipient = TutorFactory(preferred_language="uk")
    seen = []

    def text():
        seen.append(translation.get_language())
        # A string Django itself already translates into Ukrainian: proves the rendering,
        # not just the active language.
        return gettext("This field is required.")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=recipient, kind=Notification.Kind.ACCOUNT, text=text)
        # The sender's language is back once notify() returns.
        assert translation.get_language() == "en"

    assert seen == [recipient.preferred_language]
    notification.refresh_from_db()
    assert notification.text == "Це поле необхідно заповнити"
    assert len(mailoutbox) == 1
    assert "Це поле необхідно заповнити" in mailoutbox[0].body


def test_each_recipient_gets_their_own_language(django_capture_on_commit_callbacks):
    english = StudentFactory(preferred_language="en")
    russian = StudentFactory(preferred_language="ru")
    lazy_text = gettext_lazy("This field is required.")

    with translation.override("uk"):
        to_english = notify(recipient=english, kind="account", text=lazy_text, email=False)
        to_russian = notify(recipient=russian, kind="account", text=lambda: gettext("Yes"))

    assert to_english.text == "This field is required."
    assert to_russian.text == "Да"


def test_unknown_kind_is_refused_and_nothing_is_stored_or_sent(
    student, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            notify(recipient=student, kind="no.such.kind", text="?")

    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.filter(recipient=student).exists()


def test_overlong_text_is_cut_to_the_column_size(student):
    notification = notify(
        recipient=student, kind=Notification.Kind.ACCOUNT, text="x" * 800, email=False
    )
    assert len(notification.text) == 500


def test_mark_read_touches_only_the_users_own_unread_notifications(student, other_student):
    mine = NotificationFactory.create_batch(3, recipient=student)
    theirs = NotificationFactory(recipient=other_student)

    count = notifications_mark_read(user=student, ids=[mine[0].pk, theirs.pk])

    assert count == 1
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.filter(pk__in=[mine[1].pk, mine[2].pk], read_at=None).count() == 2


def test_mark_read_all_and_already_read_keep_their_time(student, other_student):
    first = NotificationFactory(recipient=student)
    notifications_mark_read(user=student, ids=[first.pk])
    first.refresh_from_db()
    first_read_at = first.read_at
    NotificationFactory.create_batch(2, recipient=student)
    theirs = NotificationFactory(recipient=other_student)

    assert notifications_mark_read(user=student) == 2

    first.refresh_from_db()
    assert first.read_at == first_read_at
    assert not Notification.objects.filter(recipient=student, read_at=None).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_read_with_no_ids_changes_nothing(student, django_assert_num_queries):
    NotificationFactory(recipient=student)
    with django_assert_num_queries(0):
        assert notifications_mark_read(user=student, ids=[]) == 0
    assert Notification.objects.filter(recipient=student, read_at=None).count() == 1

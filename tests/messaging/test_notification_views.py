"""The notifications pages, the header badge, and tenant isolation between users."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from messaging.models import Notification
from tests.factories import NotificationFactory, StudentFactory

pytestmark = pytest.mark.django_db

#: Queries of /notifications/ for a signed-in user whose page is full of unread
#: notifications: session, user, paginator count, the page's rows, unread count (header
#: badge), two permission lookups (Wagtail user bar), and the one UPDATE marking the shown
#: rows read. The same for 10 as for 100 notifications.
NOTIFICATION_LIST_QUERIES = 8

LIST_URL = reverse("messaging:notifications")
READ_ALL_URL = reverse("messaging:notifications_read_all")


def open_url(notification) -> str:
    return reverse("messaging:notification_open", args=[notification.pk])


def unread_labels(response) -> int:
    return response.content.decode().count('data-testid="unread-label"')


def badge(response) -> str | None:
    """The number in the header badge, or None when the badge shows no number."""
    match = re.search(r'data-testid="unread-count">(\d+)<', response.content.decode())
    return match.group(1) if match else None


# --- access, for every role -----------------------------------------------------------------


@pytest.mark.parametrize(
    "role_fixture", ["student", "parent", "tutor", "manager", "admin_user", "other_tutor"]
)
def test_every_signed_in_role_sees_only_their_own_notifications(
    request, role_fixture, client_for, other_student
):
    user = request.getfixturevalue(role_fixture)
    NotificationFactory(recipient=user, text="For you")
    NotificationFactory(recipient=other_student, text="Not for you")

    response = client_for(user).get(LIST_URL)

    assert response.status_code == 200
    assert "For you" in response.content.decode()
    assert "Not for you" not in response.content.decode()


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [
        ("get", "messaging:notifications", []),
        ("post", "messaging:notifications_read_all", []),
        ("post", "messaging:notification_open", [1]),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url_name, args):
    url = reverse(url_name, args=args)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("people:login"))
    assert "next=" in response.url


@pytest.mark.parametrize("url", [READ_ALL_URL, "open"])
def test_state_changing_endpoints_refuse_get(student, client_for, url):
    notification = NotificationFactory(recipient=student, link="/dashboard/")
    url = open_url(notification) if url == "open" else url

    response = client_for(student).get(url)

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("url", [READ_ALL_URL, "open"])
def test_state_changing_endpoints_need_the_csrf_token(student, url):
    notification = NotificationFactory(recipient=student, link="/dashboard/")
    url = open_url(notification) if url == "open" else url
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(url)

    assert response.status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


# --- the list ---------------------------------------------------------------------------------


def test_list_is_newest_first_with_text_kind_time_and_open_button(student, client_for):
    now = timezone.now()
    older = NotificationFactory(
        recipient=student, text="Older news", created_at=now - datetime.timedelta(days=2)
    )
    newer = NotificationFactory(
        recipient=student,
        text="Newer news",
        kind=Notification.Kind.CLASSROOM_ADDED,
        created_at=now - datetime.timedelta(hours=1),
    )
    no_link = NotificationFactory(recipient=student, text="No link here", link="", created_at=now)

    response = client_for(student).get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("No link here") < html.index("Newer news") < html.index("Older news")
    assert "Added to a classroom" in html
    assert f'action="{open_url(newer)}"' in html
    assert f'action="{open_url(older)}"' in html
    assert f'action="{open_url(no_link)}"' not in html
    assert f'action="{READ_ALL_URL}"' in html


def test_time_is_shown_in_the_viewers_timezone(client_for):
    viewer = StudentFactory(timezone="Asia/Tokyo")
    created = datetime.datetime(2024, 3, 1, 12, 30, tzinfo=datetime.UTC)
    NotificationFactory(recipient=viewer, created_at=created)

    response = client_for(viewer).get(LIST_URL)

    html = response.content.decode()
    local = created.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert 'datetime="2024-03-01T21:30:00+09:00"' in html
    assert formats.date_format(local, "DATETIME_FORMAT") in html


def test_unread_are_shown_as_new_then_marked_read_after_rendering(student, client_for):
    notifications = NotificationFactory.create_batch(3, recipient=student)
    already_read = NotificationFactory(
        recipient=student, text="Seen before", read_at=timezone.now()
    )
    client = client_for(student)

    first = client.get(LIST_URL)

    # Rendered as unread (visible label that screen readers announce too) ...
    assert unread_labels(first) == 3
    assert first.content.decode().count(">Unread<") == 3
    assert "Seen before" in first.content.decode()
    # ... and read once the page has been shown.
    assert not Notification.objects.filter(
        pk__in=[n.pk for n in notifications], read_at=None
    ).exists()
    assert Notification.objects.get(pk=already_read.pk).read_at == already_read.read_at

    second = client.get(LIST_URL)
    assert unread_labels(second) == 0


def test_list_is_paginated_by_25_and_marks_only_the_shown_page_read(student, client_for):
    now = timezone.now()
    for minutes in range(30):
        NotificationFactory(
            recipient=student,
            text=f"Item {minutes:02d}.",
            created_at=now - datetime.timedelta(minutes=minutes),
        )
    client = client_for(student)

    page_one = client.get(LIST_URL)

    assert page_one.content.decode().count('data-testid="notification"') == 25
    assert "Item 00." in page_one.content.decode()
    assert "Item 25." not in page_one.content.decode()
    assert 'rel="next"' in page_one.content.decode()
    unread = Notification.objects.filter(recipient=student, read_at=None)
    assert sorted(unread.values_list("text", flat=True)) == [f"Item {m}." for m in range(25, 30)]

    page_two = client.get(LIST_URL, {"page": 2})

    assert page_two.content.decode().count('data-testid="notification"') == 5
    assert unread_labels(page_two) == 5
    assert "Item 29." in page_two.content.decode()
    assert not unread.exists()


def test_bad_page_numbers_do_not_break_the_list(student, client_for):
    NotificationFactory(recipient=student, text="Only one")
    client = client_for(student)

    for page in ["abc", "999", "-1"]:
        response = client.get(LIST_URL, {"page": page})
        assert response.status_code == 200
        assert "Only one" in response.content.decode()


def test_empty_list_says_so(student, client_for):
    response = client_for(student).get(LIST_URL)

    assert response.status_code == 200
    assert "You have no notifications yet." in response.content.decode()
    assert f'action="{READ_ALL_URL}"' not in response.content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_list_runs_a_pinned_number_of_queries(student, client_for, django_assert_num_queries, rows):
    NotificationFactory.create_batch(rows, recipient=student)
    client = client_for(student)

    with django_assert_num_queries(NOTIFICATION_LIST_QUERIES):
        response = client.get(LIST_URL)

    assert response.status_code == 200
    assert unread_labels(response) == min(rows, 25)


# --- the header badge -------------------------------------------------------------------------


def test_badge_counts_the_viewers_unread_and_goes_down_after_visiting_the_list(
    student, other_student, client_for
):
    NotificationFactory.create_batch(3, recipient=student)
    NotificationFactory(recipient=student, read_at=timezone.now())
    NotificationFactory.create_batch(5, recipient=other_student)
    client = client_for(student)

    home = client.get("/")
    assert home.status_code == 200
    assert badge(home) == "3"
    assert "Notifications: 3 unread" in home.content.decode()

    client.get(LIST_URL)

    home_again = client.get("/")
    assert badge(home_again) is None
    assert "Notifications: 0 unread" in home_again.content.decode()


def test_badge_is_absent_for_anonymous_visitors(client, student):
    NotificationFactory.create_batch(2, recipient=student)

    response = client.get("/")

    assert response.status_code == 200
    assert badge(response) is None
    assert LIST_URL not in response.content.decode()


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_badge_renders_for_ukrainian_and_russian_viewers(client_for, language):
    # Their plural rules compute `n % 10`: the count must be a real number.
    viewer = StudentFactory(preferred_language=language)
    NotificationFactory.create_batch(2, recipient=viewer)
    client = client_for(viewer)
    client.cookies["django_language"] = language

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert badge(response) == "2"


# --- opening one ------------------------------------------------------------------------------


def test_open_marks_it_read_and_follows_a_local_link(student, client_for):
    notification = NotificationFactory(recipient=student, link="/classrooms/7/")
    other = NotificationFactory(recipient=student)

    response = client_for(student).post(open_url(notification))

    assert response.status_code == 302
    assert response.url == "/classrooms/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "",
    ],
)
def test_open_refuses_unsafe_links_and_lands_on_the_list(student, client_for, link):
    notification = NotificationFactory(recipient=student, link=link)

    response = client_for(student).post(open_url(notification))

    assert response.status_code == 302
    assert response.url == LIST_URL
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_follows_an_absolute_link_to_this_site(student, client_for):
    notification = NotificationFactory(recipient=student, link="http://testserver/dashboard/")

    response = client_for(student).post(open_url(notification))

    assert response.status_code == 302
    assert response.url == "http://testserver/dashboard/"


def test_opening_another_users_notification_is_404_and_changes_nothing(
    student, other_student, client_for
):
    theirs = NotificationFactory(recipient=other_student, link="/dashboard/")

    response = client_for(student).post(open_url(theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_missing_notification_is_404(student, client_for):
    response = client_for(student).post(reverse("messaging:notification_open", args=[10**9]))

    assert response.status_code == 404


# --- mark all as read -------------------------------------------------------------------------


def test_read_all_marks_every_own_notification_and_no_one_elses(student, other_student, client_for):
    NotificationFactory.create_batch(30, recipient=student)
    theirs = NotificationFactory.create_batch(2, recipient=other_student)
    client = client_for(student)

    response = client.post(READ_ALL_URL, follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "30 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=student, read_at=None).exists()
    assert Notification.objects.filter(pk__in=[n.pk for n in theirs], read_at=None).count() == 2


def test_read_all_with_nothing_unread_says_so(student, client_for):
    NotificationFactory(recipient=student, read_at=timezone.now())

    response = client_for(student).post(READ_ALL_URL, follow=True)

    assert response.status_code == 200
    assert "All your notifications were already read." in response.content.decode()


def test_visiting_the_list_never_marks_another_users_notifications(
    student, other_student, client_for
):
    theirs = NotificationFactory.create_batch(3, recipient=other_student)

    client_for(student).get(LIST_URL)

    assert Notification.objects.filter(pk__in=[n.pk for n in theirs], read_at=None).count() == 3


# --- the Wagtail admin menu -------------------------------------------------------------------


def test_admin_menu_links_staff_to_their_notifications(admin_user, client_for):
    response = client_for(admin_user).get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert LIST_URL in response.content.decode()

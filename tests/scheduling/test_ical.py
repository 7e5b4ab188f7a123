"""The iCal feed, parsed back with the icalendar library; revoking the token."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.models import CalendarSettings, ScheduledLesson

from .ui_world import make_lesson

pytestmark = pytest.mark.django_db


def feed_url(user) -> str:
    return reverse("scheduling:ical_feed", args=[CalendarSettings.for_user(user).ical_token])


def events(response) -> dict:
    cal = icalendar.Calendar.from_ical(response.content)
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_lists_lessons_in_utc_with_the_viewers_zone(client, tutor, student):
    tutor.timezone = "Europe/Kyiv"
    tutor.save()
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0, second=0)
    lesson = make_lesson(
        tutor, student, start=start, meeting_url="https://meet.jit.si/tutorflow-abc"
    )
    cancelled = make_lesson(
        tutor,
        student,
        start=start + dt.timedelta(days=1),
        status=ScheduledLesson.Status.CANCELLED_STUDENT,
    )
    response = client.get(feed_url(tutor))  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal, by_uid = events(response)
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Kyiv"
    assert len(by_uid) == 2
    event = next(e for uid, e in by_uid.items() if uid.startswith(f"lesson-{lesson.pk}@"))
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == start + dt.timedelta(hours=1)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert student.display_name in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "https://meet.jit.si/tutorflow-abc"
    gone = next(e for uid, e in by_uid.items() if uid.startswith(f"lesson-{cancelled.pk}@"))
    assert str(gone["STATUS"]) == "CANCELLED"

    # The student's feed has the same lesson under the same UID, named after the tutor.
    _cal, student_events = events(client.get(feed_url(student)))
    assert set(student_events) == set(by_uid)
    assert tutor.display_name in str(student_events[str(event["UID"])]["SUMMARY"])


def test_uid_is_stable_when_a_lesson_moves(client, tutor, student):
    start = (timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    lesson = make_lesson(tutor, student, start=start)
    _cal, before = events(client.get(feed_url(tutor)))
    ScheduledLesson.objects.filter(pk=lesson.pk).update(
        start=lesson.start + dt.timedelta(hours=2), end=lesson.end + dt.timedelta(hours=2)
    )
    _cal, after = events(client.get(feed_url(tutor)))
    assert set(before) == set(after)
    (uid,) = after
    assert after[uid].decoded("DTSTART") == lesson.start + dt.timedelta(hours=2)


def test_regenerating_revokes_the_old_url(client, tutor):
    old = feed_url(tutor)
    assert client.get(old).status_code == 200
    client.force_login(tutor)
    page = client.get(reverse("scheduling:calendar_settings")).content.decode()
    assert old in page
    response = client.post(reverse("scheduling:ical_regenerate"))
    assert response.status_code == 302
    new = feed_url(tutor)
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unknown_token_and_inactive_owner_are_404(client, tutor):
    assert client.get(reverse("scheduling:ical_feed", args=["x" * 43])).status_code == 404
    url = feed_url(tutor)
    tutor.is_active = False
    tutor.save()
    assert client.get(url).status_code == 404


def test_reminder_offsets_are_saved_from_the_settings_page(client, student):
    client.force_login(student)
    response = client.post(
        reverse("scheduling:calendar_settings"), {"reminder_offsets": ["1440", "30"]}
    )
    assert response.status_code == 302
    assert CalendarSettings.for_user(student).reminder_offsets == [1440, 30]
    response = client.post(reverse("scheduling:calendar_settings"), {"reminder_offsets": ["7"]})
    assert response.status_code == 400
    assert CalendarSettings.for_user(student).reminder_offsets == [1440, 30]

"""Saving the edit page without touching the time leaves the lesson where it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from scheduling.calendar import zone
from scheduling.models import ScheduledLesson
from tests.scheduling.factories import at, make_lesson

pytestmark = pytest.mark.django_db


def post_edit(client, lesson, tz, **changes):
    local = lesson.start.astimezone(tz)
    data = {
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": int(lesson.duration.total_seconds() // 60),
        "is_online": "on",
        "tutor_notes": "Bring the workbook",
        "save": "1",
    }
    data.update(changes)
    return client.post(reverse("scheduling:lesson_edit", args=[lesson.pk]), data)


def test_notes_only_in_the_repeated_dst_hour_keep_the_time(client, tutor, student):
    tutor.timezone = "Europe/Kyiv"
    tutor.save()
    kyiv = zone("Europe/Kyiv")
    # 31 Oct 2027, 03:30 Kyiv happens twice; this is the second time (UTC+2).
    start = dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC)
    assert start.astimezone(kyiv).fold == 1
    lesson = make_lesson(tutor, student, start=start)
    client.force_login(tutor)
    response = post_edit(client, lesson, kyiv)
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson.refresh_from_db()
    assert lesson.start == start and lesson.tutor_notes == "Bring the workbook"
    assert lesson.status == ScheduledLesson.Status.SCHEDULED


def test_notes_only_keep_the_seconds(client, tutor, student):
    start = at(3, 10).replace(second=30)
    lesson = make_lesson(tutor, student, start=start)
    client.force_login(tutor)
    response = post_edit(client, lesson, dt.UTC)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.start == start and lesson.end == start + dt.timedelta(hours=1)


def test_changing_the_time_still_moves_the_lesson(client, tutor, student):
    lesson = make_lesson(tutor, student, start=at(3, 10))
    client.force_login(tutor)
    response = post_edit(client, lesson, dt.UTC, start_time="12:00")
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.start == at(3, 12)

"""Impossible or far-away dates answer 400 (API) or fall back to today (pages), never 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.scheduling.factories import at, make_lesson

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-02-30",
        "start=9999-12-31",
        "start=0001-01-01",
        "start=2026-01-01&end=9999-12-31T23:59:59",
        "start=2026-13-01T10:00:00Z",
    ],
)
def test_api_list_answers_400_for_bad_dates(client_for, tutor, query):
    response = client_for(tutor).get(reverse("scheduling:api_lessons") + "?" + query, **JSON)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00Z", "0001-01-01T00:00:00Z"])
def test_api_patch_answers_400_for_far_away_times(client_for, tutor, student, start):
    lesson = make_lesson(tutor, student, start=at(3, 10))
    response = client_for(tutor).patch(
        reverse("scheduling:api_lesson_detail", kwargs={"pk": lesson.pk}),
        {"start": start},
        content_type="application/json",
        **JSON,
    )
    assert response.status_code == 400
    assert "start" in response.json()["errors"]
    lesson.refresh_from_db()
    assert lesson.start == at(3, 10)


@pytest.mark.parametrize("name", ["scheduling:calendar", "scheduling:calendar_month"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "junk"])
def test_calendar_pages_fall_back_to_today(client_for, tutor, name, day):
    response = client_for(tutor).get(reverse(name) + "?date=" + day)
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["9999-12-20", "9999-12-31", "2026-02-30"])
def test_booking_page_falls_back_to_today(client_for, tutor, student, day):
    url = reverse("scheduling:book_slots", args=[tutor.pk]) + "?from=" + day
    assert client_for(student).get(url).status_code == 200


def test_lesson_forms_refuse_far_away_dates(client_for, tutor, student):
    client = client_for(tutor)
    data = {
        "student": student.pk,
        "date": "9999-12-31",
        "start_time": "23:30",
        "duration_minutes": 60,
        "repeat": "none",
        "is_online": "on",
        "save": "1",
    }
    response = client.post(reverse("scheduling:lesson_create"), data)
    assert response.status_code == 400
    assert "between the years" in response.content.decode()
    lesson = make_lesson(tutor, student, start=at(3, 10))
    data.pop("student")
    response = client.post(reverse("scheduling:lesson_edit", args=[lesson.pk]), data)
    assert response.status_code == 400
    lesson.refresh_from_db()
    assert lesson.start == at(3, 10)


def test_time_off_form_refuses_far_away_dates(client_for, tutor):
    response = client_for(tutor).post(
        reverse("scheduling:time_off_add"),
        {"start_date": "9999-12-31", "end_date": "9999-12-31"},
    )
    assert response.status_code == 400

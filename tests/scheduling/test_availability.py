"""Availability, time off and booking settings: the tutor's pages and their service."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from scheduling.models import Availability, SchedulePolicy, TimeOff
from scheduling.services.availability import (
    availability_add,
    schedule_policy_update,
    time_off_add,
)

pytestmark = pytest.mark.django_db


def test_tutor_adds_and_removes_weekly_hours(client, tutor):
    client.force_login(tutor)
    assert client.get(reverse("scheduling:availability")).status_code == 200
    response = client.post(
        reverse("scheduling:availability_add"),
        {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
    )
    assert response.status_code == 302
    window = Availability.objects.get(tutor=tutor)
    assert (window.weekday, window.start_time, window.end_time) == (0, dt.time(9), dt.time(12))
    overlapping = client.post(
        reverse("scheduling:availability_add"),
        {"weekday": 0, "start_time": "11:00", "end_time": "13:00"},
    )
    assert overlapping.status_code == 400 and "overlaps" in overlapping.content.decode()
    backwards = client.post(
        reverse("scheduling:availability_add"),
        {"weekday": 1, "start_time": "13:00", "end_time": "12:00"},
    )
    assert backwards.status_code == 400
    assert Availability.objects.count() == 1
    page = client.get(reverse("scheduling:availability")).content.decode()
    assert "09:00–12:00" in page
    client.post(reverse("scheduling:availability_delete", args=[window.pk]))
    assert not Availability.objects.exists()


def test_windows_are_the_tutors_own(client, tutor, other_tutor, student):
    window = availability_add(
        by=tutor, tutor=tutor, weekday=2, start_time=dt.time(9), end_time=dt.time(10)
    )
    with pytest.raises(PermissionDenied):
        availability_add(
            by=other_tutor, tutor=tutor, weekday=3, start_time=dt.time(9), end_time=dt.time(10)
        )
    client.force_login(other_tutor)
    url = reverse("scheduling:availability_delete", args=[window.pk])
    assert client.post(url).status_code == 404
    client.force_login(student)
    assert client.get(reverse("scheduling:availability")).status_code == 403
    assert Availability.objects.filter(pk=window.pk).exists()


def test_time_off_is_entered_in_local_days(client, tutor):
    tutor.timezone = "Europe/Kyiv"
    tutor.save()
    client.force_login(tutor)
    first = timezone.now().date() + dt.timedelta(days=10)
    response = client.post(
        reverse("scheduling:time_off_add"),
        {
            "start_date": first.isoformat(),
            "end_date": (first + dt.timedelta(days=1)).isoformat(),
            "note": "Conference",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    period = TimeOff.objects.get()
    local_start = period.start.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert local_start.hour in (0, 23)  # Kyiv midnight (UTC+2 or UTC+3)
    assert period.end - period.start in (
        dt.timedelta(hours=47),
        dt.timedelta(hours=48),
        dt.timedelta(hours=49),
    )
    assert "Conference" in client.get(reverse("scheduling:availability")).content.decode()
    with pytest.raises(ValidationError):
        time_off_add(
            by=tutor,
            tutor=tutor,
            start=timezone.now() - dt.timedelta(days=2),
            end=timezone.now() - dt.timedelta(days=1),
        )


def test_booking_settings_make_the_tutors_own_policy(client, tutor):
    SchedulePolicy.objects.create(tutor=None, cancel_notice_hours=12)
    client.force_login(tutor)
    page = client.get(reverse("scheduling:booking_settings")).content.decode()
    assert "school&#x27;s default" in page or "school's default" in page
    response = client.post(
        reverse("scheduling:booking_settings"),
        {
            "auto_confirm": "on",
            "booking_notice_hours": 2,
            "booking_horizon_days": 14,
            "cancel_notice_hours": 24,
            "cancel_cutoff_hours": 2,
            "late_cancel_chargeable": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SchedulePolicy.objects.get(tutor=tutor)
    assert policy.auto_confirm and policy.booking_notice_hours == 2
    assert policy.cancel_cutoff_hours == 2 and not policy.no_show_chargeable
    assert SchedulePolicy.objects.get(tutor=None).cancel_notice_hours == 12
    with pytest.raises(ValidationError):
        schedule_policy_update(by=tutor, tutor=tutor, cancel_cutoff_hours=48)

"""Booking pages: free slots for a linked student or their parent, request, confirm."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from messaging.models import Notification
from scheduling.models import Availability, ScheduledLesson, SchedulePolicy
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_tutor(tutor):
    """The tutor is free 09:00–12:00 every day (UTC), default notice and horizon."""
    for weekday in range(7):
        Availability.objects.create(
            tutor=tutor, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
        )
    return tutor


def slot_starts(response) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', response.content.decode())


def test_student_books_and_the_tutor_confirms(client, open_tutor, student):
    client.force_login(student)
    index = client.get(reverse("scheduling:book")).content.decode()
    assert reverse("scheduling:book_slots", args=[open_tutor.pk]) in index
    page = client.get(reverse("scheduling:book_slots", args=[open_tutor.pk]))
    starts = slot_starts(page)
    assert starts, "free slots are offered"
    response = client.post(
        reverse("scheduling:book_slots", args=[open_tutor.pk]), {"start": starts[0]}
    )
    assert response.status_code == 302
    lesson = ScheduledLesson.objects.get()
    assert lesson.status == ScheduledLesson.Status.REQUESTED and lesson.student == student
    assert lesson.start == dt.datetime.fromisoformat(starts[0])
    # The slot is no longer offered.
    assert starts[0] not in slot_starts(
        client.get(reverse("scheduling:book_slots", args=[open_tutor.pk]))
    )
    assert Notification.objects.filter(
        recipient=open_tutor, kind=Notification.Kind.BOOKING_REQUESTED
    ).exists()

    client.force_login(open_tutor)
    requests_page = client.get(reverse("scheduling:booking_requests")).content.decode()
    assert f'data-lesson-id="{lesson.pk}"' in requests_page
    response = client.post(
        reverse("scheduling:booking_confirm", args=[lesson.pk]), {"next": "requests"}
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == ScheduledLesson.Status.SCHEDULED
    # Confirming twice is refused with a message, nothing changes.
    client.post(reverse("scheduling:booking_confirm", args=[lesson.pk]))
    lesson.refresh_from_db()
    assert lesson.status == ScheduledLesson.Status.SCHEDULED


def test_tutor_declines_a_request(client, open_tutor, student):
    client.force_login(student)
    start = slot_starts(client.get(reverse("scheduling:book_slots", args=[open_tutor.pk])))[0]
    client.post(reverse("scheduling:book_slots", args=[open_tutor.pk]), {"start": start})
    lesson = ScheduledLesson.objects.get()
    client.force_login(student)
    assert client.post(reverse("scheduling:booking_decline", args=[lesson.pk])).status_code == 403
    client.force_login(open_tutor)
    client.post(reverse("scheduling:booking_decline", args=[lesson.pk]), {"reason": "Busy"})
    lesson.refresh_from_db()
    assert lesson.status == ScheduledLesson.Status.DECLINED


def test_parent_books_for_a_child_with_auto_confirm(client, open_tutor, student, parent):
    SchedulePolicy.objects.create(tutor=open_tutor, auto_confirm=True)
    client.force_login(parent)
    index = client.get(reverse("scheduling:book")).content.decode()
    assert f"?student={student.pk}" in index
    url = reverse("scheduling:book_slots", args=[open_tutor.pk])
    start = slot_starts(client.get(url, {"student": student.pk}))[0]
    response = client.post(url, {"start": start, "student": student.pk})
    assert response.status_code == 302
    lesson = ScheduledLesson.objects.get()
    assert lesson.status == ScheduledLesson.Status.SCHEDULED and lesson.student == student


def test_a_slot_taken_meanwhile_is_refused_with_a_message(client, open_tutor, student):
    rival = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=open_tutor, student=rival)
    client.force_login(student)
    url = reverse("scheduling:book_slots", args=[open_tutor.pk])
    start = slot_starts(client.get(url))[0]
    client.force_login(rival)
    client.post(url, {"start": start})
    client.force_login(student)
    response = client.post(url, {"start": start})
    assert response.status_code == 409
    assert "overlaps" in response.content.decode() or "taken" in response.content.decode()
    assert ScheduledLesson.objects.count() == 1


def test_unlinked_tutors_are_404(client, open_tutor, other_tutor, other_parent, student):
    for user in (other_parent, factories.StudentFactory()):
        client.force_login(user)
        assert client.get(reverse("scheduling:book_slots", args=[open_tutor.pk])).status_code == 404
    client.force_login(student)
    assert client.get(reverse("scheduling:book_slots", args=[other_tutor.pk])).status_code == 404
    client.force_login(open_tutor)
    assert client.get(reverse("scheduling:book")).status_code == 403

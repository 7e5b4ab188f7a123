"""Lesson pages through the real services: create once or weekly, the conflict preview,
edit with a scope, skip, cancel under the policy, mark, attendance, the detail page."""

import datetime as dt
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.calendar import zone
from scheduling.models import (
    LessonChange,
    LessonParticipant,
    ScheduledLesson,
    SchedulePolicy,
)
from tests import factories

from .ui_world import make_lesson

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.now().date()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def form_data(student, day, time="10:00", **extra):
    data = {
        "student": student.pk,
        "date": day.isoformat(),
        "start_time": time,
        "duration_minutes": 60,
        "repeat": "none",
        "is_online": "on",
        "save": "1",
    }
    data.update(extra)
    return data


@pytest.fixture
def kyiv_tutor(tutor):
    tutor.timezone = "Europe/Kyiv"
    tutor.save()
    return tutor


def test_tutor_creates_a_lesson_in_their_time_zone(client, kyiv_tutor, student):
    day = next_weekday(0)
    client.force_login(kyiv_tutor)
    assert client.get(reverse("scheduling:lesson_create")).status_code == 200
    response = client.post(reverse("scheduling:lesson_create"), form_data(student, day))
    lesson = ScheduledLesson.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:lesson_detail", args=[lesson.pk])
    local = lesson.start.astimezone(zone("Europe/Kyiv"))
    assert (local.date(), local.hour, local.minute) == (day, 10, 0)
    assert lesson.end - lesson.start == dt.timedelta(hours=1)
    detail = client.get(response["Location"]).content.decode()
    assert "10:00–11:00" in detail
    assert "Join the lesson" in detail and lesson.meeting_url in detail
    assert str(LessonChange.Action.CREATED.label) in detail  # the history


def test_check_previews_the_conflict_and_save_still_refuses_it(client, tutor, student):
    other = factories.StudentFactory(first_name="Anna", last_name="Other")
    factories.TutorStudentFactory(tutor=tutor, student=other)
    day = next_weekday(2)
    client.force_login(tutor)
    client.post(reverse("scheduling:lesson_create"), form_data(other, day, "10:00"))
    assert ScheduledLesson.objects.count() == 1

    data = form_data(student, day, "10:30")
    data.pop("save")
    data["check"] = "1"
    preview = client.post(reverse("scheduling:lesson_create"), data)
    assert preview.status_code == 200
    assert "This overlaps Anna Other’s lesson" in preview.content.decode()
    assert "10:00–11:00" in preview.content.decode()
    assert ScheduledLesson.objects.count() == 1

    refused = client.post(reverse("scheduling:lesson_create"), form_data(student, day, "10:30"))
    assert refused.status_code == 400
    assert "This overlaps Anna Other’s lesson" in refused.content.decode()
    assert ScheduledLesson.objects.count() == 1

    free = client.post(
        reverse("scheduling:lesson_create"), {**data, "start_time": "11:00"}
    ).content.decode()
    assert "No conflicts" in free


def test_conflict_check_json(client, tutor, student):
    day = next_weekday(3)
    make_lesson(
        tutor,
        student,
        start=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
    )
    client.force_login(tutor)
    url = reverse("scheduling:conflict_check")
    params = {"student": student.pk, "date": day.isoformat(), "start_time": "09:30"}
    params["duration_minutes"] = 60
    params["repeat"] = "none"
    params["is_online"] = "on"
    answer = client.get(url, params).json()
    assert answer["valid"] and len(answer["conflicts"]) == 1
    assert client.get(url, {**params, "start_time": "10:00"}).json()["conflicts"] == []
    client.force_login(student)
    assert client.get(url, params).status_code == 403


def test_a_time_skipped_by_the_clock_change_is_a_form_error(client, tutor, student):
    tutor.timezone = "Europe/Berlin"
    tutor.save()
    client.force_login(tutor)
    # The last Sunday of March: 02:00–03:00 does not exist in Berlin.
    year = timezone.now().year + 1
    march_end = dt.date(year, 3, 31)
    sunday = march_end - dt.timedelta(days=(march_end.weekday() - 6) % 7)
    response = client.post(reverse("scheduling:lesson_create"), form_data(student, sunday, "02:30"))
    assert response.status_code == 400
    assert "does not exist" in response.content.decode()
    assert not ScheduledLesson.objects.exists()


def test_weekly_series_then_edit_this_and_following_and_skip(client, kyiv_tutor, student):
    first = next_weekday(1)  # a Tuesday
    client.force_login(kyiv_tutor)
    data = form_data(
        student,
        first,
        "17:00",
        repeat="weekly",
        weekdays=[1, 3],
        interval_weeks=1,
        ends="count",
        count=6,
    )
    response = client.post(reverse("scheduling:lesson_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    lessons = list(ScheduledLesson.objects.order_by("start"))
    assert len(lessons) == 6 and all(lesson.series_id for lesson in lessons)
    tz = zone("Europe/Kyiv")
    assert {lesson.start.astimezone(tz).strftime("%a %H:%M") for lesson in lessons} == {
        "Tue 17:00",
        "Thu 17:00",
    }

    third = lessons[2]
    edit_url = reverse("scheduling:lesson_edit", args=[third.pk])
    page = client.get(edit_url).content.decode()
    assert "This and the following lessons" in page
    local = third.start.astimezone(tz)
    response = client.post(
        edit_url,
        {
            "date": local.date().isoformat(),
            "start_time": "18:00",
            "duration_minutes": 60,
            "is_online": "on",
            "scope": "following",
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    times = [
        lesson.start.astimezone(tz).strftime("%H:%M")
        for lesson in ScheduledLesson.objects.filter(
            status=ScheduledLesson.Status.SCHEDULED
        ).order_by("start")
    ]
    assert times == ["17:00", "17:00", "18:00", "18:00", "18:00", "18:00"]
    history = client.get(reverse("scheduling:lesson_detail", args=[third.pk])).content.decode()
    assert "17:00 → " in history and "18:00</li>" in history  # local times, not UTC

    second = lessons[1]
    response = client.post(reverse("scheduling:lesson_skip", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.is_cancelled and not second.chargeable


def test_student_sees_late_cancellation_terms_and_cancels(client, tutor, student):
    SchedulePolicy.objects.create(
        tutor=tutor, cancel_notice_hours=24, cancel_cutoff_hours=2, late_cancel_chargeable=True
    )
    soon = make_lesson(tutor, student, start=timezone.now() + dt.timedelta(hours=5))
    later = make_lesson(tutor, student, start=timezone.now() + dt.timedelta(days=5))
    too_late = make_lesson(tutor, student, start=timezone.now() + dt.timedelta(hours=1))
    client.force_login(student)

    page = client.get(reverse("scheduling:lesson_detail", args=[soon.pk])).content.decode()
    assert "a late cancellation, and it will be charged" in page
    page = client.get(reverse("scheduling:lesson_detail", args=[later.pk])).content.decode()
    assert "Cancelling now is free of charge." in page
    page = client.get(reverse("scheduling:lesson_detail", args=[too_late.pk])).content.decode()
    assert "can no longer be cancelled online" in page
    assert "Private notes" not in page

    response = client.post(
        reverse("scheduling:lesson_cancel", args=[soon.pk]), {"reason": "Ill today"}
    )
    assert response.status_code == 302
    soon.refresh_from_db()
    assert soon.status == ScheduledLesson.Status.LATE_CANCELLED and soon.chargeable is True
    page = client.get(reverse("scheduling:lesson_detail", args=[soon.pk])).content.decode()
    assert "Ill today" in page

    client.post(reverse("scheduling:lesson_cancel", args=[too_late.pk]), {"reason": ""})
    too_late.refresh_from_db()
    assert too_late.status == ScheduledLesson.Status.SCHEDULED


def test_only_the_tutor_marks_edits_and_sees_notes(client, tutor, student, parent):
    past = make_lesson(
        tutor,
        student,
        start=timezone.now() - dt.timedelta(hours=2),
        tutor_notes="Private: struggles with fractions",
    )
    for user in (student, parent):
        client.force_login(user)
        page = client.get(reverse("scheduling:lesson_detail", args=[past.pk])).content.decode()
        assert "struggles with fractions" not in page
        response = client.post(
            reverse("scheduling:lesson_mark", args=[past.pk]), {"outcome": "completed"}
        )
        assert response.status_code == 403
        assert client.get(reverse("scheduling:lesson_edit", args=[past.pk])).status_code == 403
    client.force_login(tutor)
    page = client.get(reverse("scheduling:lesson_detail", args=[past.pk])).content.decode()
    assert "struggles with fractions" in page and 'value="no_show"' in page
    client.post(reverse("scheduling:lesson_mark", args=[past.pk]), {"outcome": "no_show"})
    past.refresh_from_db()
    assert past.status == ScheduledLesson.Status.NO_SHOW


def test_classroom_attendance_everyone_present_unless_unticked(client, tutor, student):
    classroom = factories.ClassroomFactory(tutor=tutor)
    second = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=second)
    for member in (student, second):
        factories.ClassroomMembershipFactory(classroom=classroom, student=member)
    lesson = make_lesson(
        tutor, classroom=classroom, start=timezone.now() - dt.timedelta(minutes=30)
    )
    client.force_login(tutor)
    page = client.get(reverse("scheduling:lesson_detail", args=[lesson.pk])).content.decode()
    assert page.count('name="present"') == 2 and page.count("checked") >= 2
    response = client.post(
        reverse("scheduling:lesson_attendance", args=[lesson.pk]), {"present": [student.pk]}
    )
    assert response.status_code == 302
    attendance = dict(
        LessonParticipant.objects.filter(lesson=lesson).values_list("student_id", "attendance")
    )
    assert attendance == {student.pk: "present", second.pk: "absent"}
    lesson.refresh_from_db()
    assert lesson.status == ScheduledLesson.Status.COMPLETED
    page = client.get(reverse("scheduling:lesson_detail", args=[lesson.pk])).content.decode()
    assert escape(f"{second.display_name}: Not marked → Absent") in page


def test_outsiders_get_404_for_a_lesson(client, tutor, student, other_tutor, other_parent):
    lesson = make_lesson(tutor, student, start=timezone.now() + dt.timedelta(days=2))
    for user in (other_tutor, other_parent, factories.StudentFactory()):
        client.force_login(user)
        assert client.get(reverse("scheduling:lesson_detail", args=[lesson.pk])).status_code == 404
        assert client.post(reverse("scheduling:lesson_cancel", args=[lesson.pk])).status_code == 404


def test_series_every_two_weeks_until_a_date(client, tutor, student):
    first = next_weekday(0)
    client.force_login(tutor)
    data = form_data(
        student,
        first,
        "09:00",
        repeat="weekly",
        interval_weeks=2,
        ends="until",
        until=(first + dt.timedelta(weeks=5)).isoformat(),
    )
    response = client.post(reverse("scheduling:lesson_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dates = [lesson.start.date() for lesson in ScheduledLesson.objects.order_by("start")]
    assert dates == [first, first + dt.timedelta(weeks=2), first + dt.timedelta(weeks=4)]
    missing = client.post(
        reverse("scheduling:lesson_create"), {**data, "until": "", "start_time": "12:00"}
    )
    assert missing.status_code == 400 and "Give the last date." in missing.content.decode()

"""The lessons JSON API: status codes, JSON errors, scoping, and its query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.models import LessonChange, ScheduledLesson, SchedulePolicy
from scheduling.selectors import lessons_for
from tests import factories
from tests.scheduling.factories import at, classroom_of, linked_student, make_lesson, open_all_week

pytestmark = pytest.mark.django_db
Status = ScheduledLesson.Status
JSON = {"HTTP_ACCEPT": "application/json"}


def lessons_url(**params):
    url = reverse("scheduling:api_lessons")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def detail_url(lesson):
    return reverse("scheduling:api_lesson_detail", kwargs={"pk": lesson.pk})


def cancel_url(lesson):
    return reverse("scheduling:api_lesson_cancel", kwargs={"pk": lesson.pk})


def iso(value):
    return value.isoformat().replace("+00:00", "Z")


def test_anonymous_json_client_gets_403_and_a_browser_is_sent_to_sign_in(client):
    url = reverse("scheduling:api_lessons")
    response = client.get(url, **JSON)
    assert response.status_code == 403 and "detail" in response.json()
    assert client.get(url).status_code == 302


def test_create_as_tutor(client_for, tutor, student):
    client = client_for(tutor)
    start = at(3, 10)
    response = client.post(
        lessons_url(),
        {"start": iso(start), "end": iso(start + timedelta(hours=1)), "student": student.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "scheduled" and data["student"]["id"] == student.pk
    assert data["meeting_url"].startswith("https://meet.jit.si/")
    assert ScheduledLesson.objects.get().start == start


def test_times_without_offset_are_read_in_the_viewers_timezone(client_for, tutor, student):
    tutor.timezone = "America/New_York"
    tutor.save()
    client = client_for(tutor)
    day = (timezone.now() + timedelta(days=3)).date()
    response = client.post(
        lessons_url(),
        {"start": f"{day}T10:00:00", "end": f"{day}T11:00:00", "student": student.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    lesson = ScheduledLesson.objects.get()
    assert lesson.start.astimezone(timezone.get_default_timezone()).hour in (14, 15)  # EDT/EST
    assert response.json()["start"].endswith(("-04:00", "-05:00"))


def test_create_errors_are_json(client_for, tutor, student, other_student):
    client = client_for(tutor)
    start = at(3, 10)
    body = {"start": iso(start), "end": iso(start - timedelta(hours=1)), "student": student.pk}
    response = client.post(lessons_url(), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    body = {
        "start": iso(start),
        "end": iso(start + timedelta(hours=1)),
        "student": other_student.pk,
    }
    response = client.post(lessons_url(), body, content_type="application/json")
    assert response.status_code == 400
    assert "student" in response.json()["errors"]
    response = client.post(lessons_url(), {"start": "soon"}, content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    make_lesson(tutor, student, start=start)
    body["student"] = student.pk
    response = client.post(lessons_url(), body, content_type="application/json")
    assert response.status_code == 409
    assert "overlaps" in response.json()["detail"]
    assert response.json()["conflicts"]


def test_only_tutors_create(client_for, student, tutor):
    start = at(3, 10)
    body = {"start": iso(start), "end": iso(start + timedelta(hours=1)), "student": student.pk}
    response = client_for(student).post(lessons_url(), body, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"]


def test_list_is_scoped_by_role_and_range(client, tutor, student, parent, other_tutor, manager):
    mine = make_lesson(tutor, student, start=at(2, 10))
    make_lesson(tutor, student, start=at(20, 10))  # out of range
    classroom = classroom_of(tutor, 1)
    group = make_lesson(tutor, classroom=classroom, start=at(2, 14))
    other = make_lesson(other_tutor, factories.StudentFactory(), start=at(2, 10))
    params = {"start": (timezone.now()).date(), "end": (timezone.now() + timedelta(days=7)).date()}

    def ids(user):
        client.force_login(user)
        response = client.get(lessons_url(**params))
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(tutor) == {mine.pk, group.pk}
    assert ids(student) == {mine.pk}
    assert ids(parent) == {mine.pk}
    assert ids(classroom.memberships.get().student) == {group.pk}
    assert ids(other_tutor) == {other.pk}
    assert ids(manager) == {mine.pk, group.pk, other.pk}


def test_list_range_errors(client_for, tutor):
    client = client_for(tutor)
    assert client.get(lessons_url(start="2027-01-01", end="2026-01-01")).status_code == 400
    assert client.get(lessons_url(start="2027-01-01", end="2027-12-01")).status_code == 400
    assert client.get(lessons_url(start="someday")).status_code == 400


def test_tutor_notes_are_private_to_the_tutor(client, tutor, student):
    lesson = make_lesson(tutor, student, tutor_notes="struggles with fractions")
    client.force_login(tutor)
    assert client.get(detail_url(lesson)).json()["tutor_notes"] == "struggles with fractions"
    client.force_login(student)
    assert client.get(detail_url(lesson)).json()["tutor_notes"] is None


@pytest.mark.parametrize("outsider", ["other_tutor", "other_parent", "other_student"])
def test_outsiders_get_404_for_real_and_missing_lessons(client, request, tutor, student, outsider):
    lesson = make_lesson(tutor, student)
    client.force_login(request.getfixturevalue(outsider))
    missing = reverse("scheduling:api_lesson_detail", kwargs={"pk": 10**9})
    for url in (detail_url(lesson), missing):
        assert client.get(url).status_code == 404
        assert client.patch(url, {}, content_type="application/json").status_code == 404
    assert client.post(cancel_url(lesson)).status_code == 404
    assert client.get(detail_url(lesson)).json() == client.get(missing).json()
    lesson.refresh_from_db()
    assert lesson.status == Status.SCHEDULED


def test_patch_moves_the_lesson_with_history(client_for, tutor, student):
    lesson = make_lesson(tutor, student)
    client = client_for(tutor)
    new_start = at(4, 12)
    response = client.patch(
        detail_url(lesson),
        {"start": iso(new_start), "reason": "dentist"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    lesson.refresh_from_db()
    assert lesson.start == new_start and lesson.end == new_start + timedelta(hours=1)
    assert lesson.changes.get(action=LessonChange.Action.EDITED).reason == "dentist"


def test_patch_rules(client, tutor, student):
    lesson = make_lesson(tutor, student)
    client.force_login(student)
    assert (
        client.patch(
            detail_url(lesson), {"location": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    started = make_lesson(tutor, student, start=timezone.now() - timedelta(minutes=5))
    client.force_login(tutor)
    response = client.patch(detail_url(started), {"location": "x"}, content_type="application/json")
    assert response.status_code == 400 and "started" in response.json()["detail"]


def test_patch_series_scope_all(client_for, tutor, student):
    from datetime import time

    from scheduling.services.series import series_create

    first = (timezone.now() + timedelta(days=2)).date()
    series = series_create(
        by=tutor,
        tutor=tutor,
        student=student,
        first_date=first,
        start_time=time(10),
        duration_minutes=60,
        weekdays=[first.weekday()],
        count=3,
    )
    lesson = series.lessons.order_by("start").first()
    new_start = lesson.start + timedelta(hours=2)
    response = client_for(tutor).patch(
        detail_url(lesson),
        {"start": iso(new_start), "scope": "all"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert {lesson.start.hour for lesson in series.lessons.all()} == {12}


def test_cancel_outcomes(client, tutor, student, parent):
    SchedulePolicy.objects.create(tutor=None, cancel_cutoff_hours=2)
    soon = make_lesson(tutor, student, start=timezone.now() + timedelta(hours=1))
    late = make_lesson(tutor, student, start=timezone.now() + timedelta(hours=5))
    client.force_login(parent)
    response = client.post(cancel_url(soon), {"reason": "sick"}, content_type="application/json")
    assert response.status_code == 400 and "2 hours" in response.json()["detail"]
    response = client.post(cancel_url(late), {"reason": "sick"}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["chargeable"]) == ("late_cancelled", True)
    response = client.post(cancel_url(late), {}, content_type="application/json")
    assert response.status_code == 400
    client.force_login(tutor)
    response = client.post(cancel_url(soon), {}, content_type="application/json")
    assert (response.json()["status"], response.json()["chargeable"]) == ("cancelled_tutor", False)


def test_classroom_member_sees_but_cannot_cancel(client, tutor):
    classroom = classroom_of(tutor, 2)
    lesson = make_lesson(tutor, classroom=classroom)
    client.force_login(classroom.memberships.first().student)
    assert client.get(detail_url(lesson)).status_code == 200
    assert client.post(cancel_url(lesson)).status_code == 403


def test_upcoming(client_for, tutor, student):
    soon = make_lesson(tutor, student, start=at(1, 10))
    make_lesson(tutor, student, start=at(-1, 10), status=Status.COMPLETED)
    make_lesson(tutor, student, start=at(2, 10), status=Status.CANCELLED_TUTOR)
    request = make_lesson(tutor, student, start=at(3, 10), status=Status.REQUESTED)
    rows = client_for(student).get(reverse("scheduling:api_lessons_upcoming")).json()["results"]
    assert [row["id"] for row in rows] == [soon.pk, request.pk]


def test_student_schedule_for_a_linked_tutor_only(client, tutor, student, other_tutor):
    second_tutor = factories.TutorFactory()
    factories.TutorStudentFactory(tutor=second_tutor, student=student)
    mine = make_lesson(tutor, student, start=at(2, 10))
    make_lesson(second_tutor, student, start=at(2, 14))
    url = reverse("scheduling:api_student_lessons", kwargs={"pk": student.pk})
    client.force_login(tutor)
    rows = client.get(url).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    client.force_login(other_tutor)
    assert client.get(url).status_code == 404
    ended = linked_student(tutor)
    ended.tutor_links.update(status="ended")
    client.force_login(tutor)
    assert (
        client.get(reverse("scheduling:api_student_lessons", kwargs={"pk": ended.pk})).status_code
        == 404
    )


def test_book_through_the_api(client, tutor, student, parent, other_parent):
    open_all_week(tutor)
    start = at(3, 10)
    body = {"tutor": tutor.pk, "start": iso(start), "end": iso(start + timedelta(hours=1))}
    client.force_login(student)
    response = client.post(
        reverse("scheduling:api_lessons_book"), body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "requested"
    client.force_login(parent)
    response = client.post(
        reverse("scheduling:api_lessons_book"),
        {**body, "student": student.pk},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert set(response.json()) == {"detail", "conflicts"}
    client.force_login(other_parent)
    response = client.post(
        reverse("scheduling:api_lessons_book"),
        {**body, "student": student.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    client.force_login(tutor)
    response = client.post(
        reverse("scheduling:api_lessons_book"), body, content_type="application/json"
    )
    assert response.status_code == 403


def test_lessons_for_runs_constant_queries(client, tutor, django_assert_num_queries):
    """`lessons_for` is two queries (lessons with joins, participants prefetched); the
    GET /api/lessons/ view adds its page count and the session/user look-ups."""
    students = [linked_student(tutor) for _ in range(5)]
    classroom = classroom_of(tutor, 3)

    def fill(count):
        # Half-hour lessons one after the other: one-to-one and classroom lessons mixed.
        for i in range(ScheduledLesson.objects.count(), count):
            start = at(1, 0) + timedelta(minutes=30 * i)
            if i % 2:
                make_lesson(tutor, students[i % 5], start=start, minutes=30)
            else:
                make_lesson(tutor, classroom=classroom, start=start, minutes=30)

    start, end = at(0, 0), at(20, 0)
    client.force_login(tutor)
    url = lessons_url(start=iso(start), end=iso(end)).replace("+", "%2B")
    counts = {}
    for size in (5, 100):
        fill(size)
        with django_assert_num_queries(2):
            assert len(list(lessons_for(tutor, start, end))) == size
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and response.json()["count"] == size
        counts[size] = len(queries)
    # Session, user, COUNT for the page, the lessons, their participants.
    assert counts == {5: 5, 100: 5}, counts


def test_upcoming_and_student_schedule_run_constant_queries(client, tutor, student):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(tutor)
    urls = [
        reverse("scheduling:api_lessons_upcoming"),
        reverse("scheduling:api_student_lessons", kwargs={"pk": student.pk})
        + "?start="
        + str(timezone.now().date())
        + "&end="
        + str((timezone.now() + timedelta(days=60)).date()),
    ]
    counts = {}
    for size in (5, 40):
        for i in range(ScheduledLesson.objects.count(), size):
            make_lesson(tutor, student, start=at(1, 0) + timedelta(hours=i), minutes=30)
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.json()["count"] == size
            counts[(url, size)] = len(queries)
    for url in urls:
        assert counts[(url, 5)] == counts[(url, 40)], counts
    # upcoming: session, user, count, lessons, participants; the student schedule also
    # looks the student up.
    assert [counts[(url, 40)] for url in urls] == [5, 6]

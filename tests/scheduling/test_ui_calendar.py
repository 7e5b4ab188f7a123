"""Week and month calendars per role: local times across DST, colours, filters, query counts."""

import datetime as dt
import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling.models import ScheduledLesson
from tests import factories

from .ui_world import at, make_lesson

pytestmark = pytest.mark.django_db


def week_url(day, **params):
    query = "&".join(f"{k}={v}" for k, v in {"date": day.isoformat(), **params}.items())
    return f"{reverse('scheduling:calendar')}?{query}"


def lesson_ids(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-lesson-id="(\d+)"', response.content.decode())}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("scheduling:calendar"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_weekly_lesson_keeps_its_local_time_across_the_dst_change(client, tutor, student):
    tutor.timezone = "Europe/Berlin"
    tutor.save()
    # 10:00 in Berlin: 08:00 UTC on Saturday (summer time), 09:00 UTC on Sunday and Monday.
    saturday = make_lesson(tutor, student, start=at(2026, 10, 24, 8))
    sunday = make_lesson(tutor, student, start=at(2026, 10, 25, 9))
    client.force_login(tutor)
    response = client.get(week_url(dt.date(2026, 10, 22)))
    assert response.status_code == 200
    html = response.content.decode()
    assert lesson_ids(response) == {saturday.pk, sunday.pk}
    for day in ("2026-10-24", "2026-10-25"):
        block = html.split(f'data-date="{day}"', 1)[1].split("</li>\n        \n", 1)[0]
        assert "10:00–11:00" in block, day
    # The same lessons for a student in London: 09:00 on Saturday (BST), 09:00 on Sunday (GMT).
    student.timezone = "Europe/London"
    student.save()
    client.force_login(student)
    html = client.get(week_url(dt.date(2026, 10, 22))).content.decode()
    assert html.count("09:00–10:00") == 2


def test_navigation_links_prev_next_today(client, tutor):
    client.force_login(tutor)
    html = client.get(week_url(dt.date(2026, 3, 4))).content.decode()
    assert "date=2026-02-23" in html and "date=2026-03-09" in html
    today = timezone.now().date().isoformat()
    assert f"date={today}" in html
    month = client.get(reverse("scheduling:calendar_month") + "?date=2026-03-04")
    assert month.status_code == 200
    assert (
        "date=2026-02-01" in month.content.decode() and "date=2026-04-01" in month.content.decode()
    )


def test_each_role_sees_only_its_lessons(client, tutor, student, parent, other_tutor, manager):
    mine = make_lesson(tutor, student, start=at(2026, 5, 5, 10))
    other_student = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=other_tutor, student=other_student)
    theirs = make_lesson(other_tutor, other_student, start=at(2026, 5, 5, 10))
    day = dt.date(2026, 5, 5)
    for user, expected in (
        (tutor, {mine.pk}),
        (student, {mine.pk}),
        (parent, {mine.pk}),
        (other_tutor, {theirs.pk}),
        (manager, {mine.pk, theirs.pk}),
    ):
        client.force_login(user)
        assert lesson_ids(client.get(week_url(day))) == expected, user.role
    client.force_login(manager)
    assert lesson_ids(client.get(week_url(day, tutor=tutor.pk))) == {mine.pk}


def test_parent_sees_each_child_colour_coded_with_a_legend(client, tutor, student, parent):
    second = factories.StudentFactory(first_name="Zoe", last_name="Second")
    factories.TutorStudentFactory(tutor=tutor, student=second)
    factories.GuardianshipFactory(parent=parent, student=second)
    first_lesson = make_lesson(tutor, student, start=at(2026, 5, 5, 10))
    second_lesson = make_lesson(tutor, second, start=at(2026, 5, 6, 10))
    client.force_login(parent)
    html = client.get(week_url(dt.date(2026, 5, 5))).content.decode()
    assert "calendar-legend" in html and escape(student.display_name) in html
    assert "Zoe Second" in html
    first_class = re.search(rf'class="([^"]*)" data-lesson-id="{first_lesson.pk}"', html).group(1)
    second_class = re.search(rf'class="([^"]*)" data-lesson-id="{second_lesson.pk}"', html).group(1)
    colours = [re.search(r"lesson-(c\d)", c).group(1) for c in (first_class, second_class)]
    assert colours[0] != colours[1]


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="PostgreSQL's exclusion constraint refuses the overlapping row outright",
)
def test_overlapping_lessons_are_flagged(client, tutor, student):
    other = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=other)
    make_lesson(tutor, student, start=at(2026, 5, 5, 10))
    # Written past the services on purpose (as data imported from elsewhere could be).
    ScheduledLesson.objects.create(
        tutor=tutor, student=other, start=at(2026, 5, 5, 10, 30), end=at(2026, 5, 5, 11, 30)
    )
    client.force_login(tutor)
    html = client.get(week_url(dt.date(2026, 5, 5))).content.decode()
    assert html.count("has-conflict") == 2
    assert "Overlaps another lesson" in html


def test_unmarked_lessons_are_listed_for_the_tutor(client, tutor, student):
    past = make_lesson(tutor, student, start=timezone.now() - dt.timedelta(days=2))
    done = make_lesson(
        tutor,
        student,
        start=timezone.now() - dt.timedelta(days=3),
        status=ScheduledLesson.Status.COMPLETED,
    )
    client.force_login(tutor)
    response = client.get(reverse("scheduling:calendar"))
    section = response.content.decode().split('data-testid="unmarked"', 1)[1]
    assert f'data-lesson-id="{past.pk}"' in section
    assert f'data-lesson-id="{done.pk}"' not in section
    # One click from the calendar: held.
    response = client.post(
        reverse("scheduling:lesson_mark", args=[past.pk]),
        {"outcome": "completed", "next": "calendar"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("scheduling:calendar")
    past.refresh_from_db()
    assert past.status == ScheduledLesson.Status.COMPLETED


def _fill_week(tutor, students, monday, count):
    """`count` half-hour lessons spread over the week, none overlapping."""
    for i in range(count):
        day, slot = divmod(i, 15)
        start = dt.datetime.combine(monday, dt.time(6), tzinfo=dt.UTC) + dt.timedelta(
            days=day, minutes=30 * slot
        )
        make_lesson(tutor, students[i % len(students)], start=start, minutes=30)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["tutor", "student", "parent", "manager"])
def test_week_view_query_count_does_not_grow_with_lessons(
    client, tutor, student, parent, manager, django_assert_num_queries, role
):
    viewer = {"tutor": tutor, "student": student, "parent": parent, "manager": manager}[role]
    monday = dt.date(2026, 6, 1)
    url = week_url(monday)
    client.force_login(viewer)
    client.get(url)  # warm-up: per-process caches (content types, locales) fill once
    _fill_week(tutor, [student], monday, 5)
    baseline = _count_queries(client, url)
    ScheduledLesson.objects.all().delete()
    _fill_week(tutor, [student], monday, 100)
    assert ScheduledLesson.objects.count() == 100
    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert len(lesson_ids(response)) == 100


def test_week_view_query_counts_are_pinned(client, tutor, student):
    monday = dt.date(2026, 6, 1)
    _fill_week(tutor, [student], monday, 5)
    client.force_login(tutor)
    client.get(week_url(monday))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(week_url(monday)).status_code == 200
    ours = [q["sql"] for q in ctx.captured_queries if "scheduling_" in q["sql"]]
    # The week's lessons and their participants (2); the unmarked lessons and their
    # participants (2); the pending booking count (1). The rest is what every page costs
    # (session, user, base.html's unread count and the Wagtail user bar: 5 to 7 depending
    # on the database backend's caching of the user profile).
    assert len(ours) == 5
    assert len(ctx.captured_queries) <= 12

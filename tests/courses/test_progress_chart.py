"""Progress over time: the chart's arithmetic, and the progress page that draws it."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.charts import PAD_LEFT, WIDTH, progress_chart
from courses.services.enrollment import enrollment_create
from courses.services.progress import lesson_complete
from courses.services.sections import tutor_section_ensure
from tests.courses.factories import CoursePageFactory, LessonPageFactory


def _ys(chart) -> list[float]:
    return [float(pair.split(",")[1]) for pair in chart.points.split()]


def test_line_climbs_in_steps_on_the_days_items_were_completed():
    start = date(2026, 9, 1)
    chart = progress_chart(
        start=start,
        completions=[date(2026, 9, 3), date(2026, 9, 3), date(2026, 9, 8)],
        total=4,
        today=date(2026, 9, 10),
    )
    ys = _ys(chart)
    assert len(ys) == 10  # one point per day
    assert ys[0] == ys[1] == chart.bottom  # nothing done on the first two days
    assert ys[2] == chart.bottom - (chart.bottom - chart.top) / 2  # half done on 3 Sept
    assert ys[-1] < ys[2]  # three of four at the end
    assert (chart.percent, chart.completed, chart.total) == (75, 3, 4)
    assert ys == sorted(ys, reverse=True)  # never goes down


def test_long_ranges_are_sampled_weekly_and_end_on_today():
    start = date(2025, 1, 1)
    today = date(2026, 1, 1)
    chart = progress_chart(start=start, completions=[], total=3, today=today)
    points = chart.points.split()
    assert len(points) <= 54
    assert float(points[-1].split(",")[0]) == WIDTH - 6
    assert float(points[0].split(",")[0]) == PAD_LEFT


def test_edge_cases_stay_inside_the_chart():
    today = date(2026, 9, 10)
    enrolled_today = progress_chart(start=today, completions=[], total=0, today=today)
    assert len(enrolled_today.points.split()) == 2 and enrolled_today.percent == 0
    early_and_future = progress_chart(
        start=today - timedelta(days=5),
        completions=[today - timedelta(days=30), today + timedelta(days=1)],
        total=1,
        today=today,
    )
    assert early_and_future.percent == 100  # done before a re-enrolment counts from day one
    assert _ys(early_and_future)[0] == early_and_future.top
    over = progress_chart(start=today, completions=[today] * 5, total=2, today=today)
    assert over.percent == 100 and min(_ys(over)) >= over.top


def _enrolled_course(tutor, student, lessons: int):
    course = CoursePageFactory(parent=tutor_section_ensure(tutor=tutor), self_enroll=True)
    pages = [LessonPageFactory(parent=course) for _ in range(lessons)]
    enrollment_create(student=student, course=course, by=tutor)
    return course, pages


def test_progress_page_draws_one_chart_per_course(client_for, tutor, student, parent):
    course, pages = _enrolled_course(tutor, student, lessons=2)
    lesson_complete(
        student=student,
        lesson_translation_key=pages[0].translation_key,
        course_translation_key=course.translation_key,
    )
    for viewer in (student, parent):
        content = client_for(viewer).get(reverse("courses:progress")).content.decode()
        assert content.count('class="progress-chart"') == 1
        assert "<polyline" in content and "50% now." in content


def test_progress_page_queries_do_not_grow_with_courses(
    client_for, tutor, student, django_assert_max_num_queries
):
    client = client_for(student)
    for _ in range(2):
        course, pages = _enrolled_course(tutor, student, lessons=2)
        lesson_complete(
            student=student,
            lesson_translation_key=pages[0].translation_key,
            course_translation_key=course.translation_key,
            now=timezone.now(),
        )
    client.get(reverse("courses:progress"))  # warm caches (site, locale)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("courses:progress"))
    for _ in range(6):
        course, pages = _enrolled_course(tutor, student, lessons=1)
        lesson_complete(
            student=student,
            lesson_translation_key=pages[0].translation_key,
            course_translation_key=course.translation_key,
        )
    with django_assert_max_num_queries(len(small)):
        content = client.get(reverse("courses:progress")).content.decode()
    assert content.count('class="progress-chart"') == 8


def test_progress_never_passes_100_percent_after_a_lesson_is_unpublished(
    client_for, tutor, student
):
    course, pages = _enrolled_course(tutor, student, lessons=2)
    for page in pages:
        lesson_complete(
            student=student,
            lesson_translation_key=page.translation_key,
            course_translation_key=course.translation_key,
        )
    pages[1].unpublish()
    content = client_for(student).get(reverse("courses:progress")).content.decode()
    assert "100% (1 of 1)" in content and "200%" not in content

"""The catalog (filters, search, pagination, query counts) and the course page's states."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import LessonProgress
from courses.services.enrollment import enrollment_create
from courses.services.sections import tutor_section_ensure
from tests import factories
from tests.courses.factories import CoursePageFactory, LessonPageFactory, TaskPageFactory


@pytest.fixture
def section(tutor):
    return tutor_section_ensure(tutor=tutor)


@pytest.fixture
def catalog(section):
    return section.get_parent().specific


#: Pinned query counts (SQLite; sessions, site lookup, page, listings, user-specific rows).
CATALOG_QUERIES = 14
COURSE_PAGE_QUERIES = {"anonymous": 15, "student": 22, "tutor": 30}


def _count_queries(client, url) -> int:
    """Queries of one GET of `url`, after a first request has warmed the per-site caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_catalog_lists_live_courses_only(client, catalog, section):
    CoursePageFactory(parent=section, title="Algebra basics")
    CoursePageFactory(parent=section, title="Hidden draft", live=False)
    content = client.get(catalog.url).content.decode()
    assert "Algebra basics" in content
    assert "Hidden draft" not in content


def test_catalog_filters(client, catalog, section, other_tutor):
    maths, physics = (
        factories.SubjectFactory(name="Maths"),
        factories.SubjectFactory(name="Physics"),
    )
    beginner, advanced = factories.LevelFactory(code="beginner"), factories.LevelFactory(code="adv")
    CoursePageFactory(parent=section, title="Algebra", subject=maths, level=beginner)
    CoursePageFactory(
        parent=section, title="Optics", subject=physics, level=advanced, language="uk"
    )
    other_section = tutor_section_ensure(tutor=other_tutor)
    CoursePageFactory(parent=other_section, title="Geometry", subject=maths, level=advanced)

    def titles(**params):
        content = client.get(catalog.url, params).content.decode()
        return {t for t in ("Algebra", "Optics", "Geometry") if f">{t}</a>" in content}

    assert titles() == {"Algebra", "Optics", "Geometry"}
    assert titles(subject=maths.pk) == {"Algebra", "Geometry"}
    assert titles(level=advanced.pk) == {"Optics", "Geometry"}
    assert titles(language="uk") == {"Optics"}
    assert titles(tutor=other_tutor.pk) == {"Geometry"}
    assert titles(subject=maths.pk, tutor=section.tutor_id) == {"Algebra"}
    # nonsense input is ignored, not an error
    assert titles(subject="abc", level="9999999") == {"Algebra", "Optics", "Geometry"}


def test_catalog_search_finds_courses_not_lessons(client, catalog, section):
    course = CoursePageFactory(parent=section, title="Botany", summary="Leaves and roots.")
    CoursePageFactory(parent=section, title="Chemistry", summary="Atoms.")
    LessonPageFactory(parent=course, title="Chlorophyll secrets")
    content = client.get(catalog.url, {"q": "roots"}).content.decode()
    assert ">Botany</a>" in content and ">Chemistry</a>" not in content
    content = client.get(catalog.url, {"q": "Chlorophyll"}).content.decode()
    assert "Chlorophyll secrets" not in content
    assert "No course matches your search." in content


def test_catalog_is_paginated(client, catalog, section):
    for n in range(23):
        CoursePageFactory(parent=section, title=f"Course {n:02d}")
    first = client.get(catalog.url).content.decode()
    second = client.get(catalog.url, {"page": 2}).content.decode()
    assert "Course 00" in first and "Course 22" not in first
    assert "Course 22" in second and "Page 2 of 2" in second


def test_catalog_query_count_does_not_grow(client, catalog, section):
    for _ in range(2):
        CoursePageFactory(parent=section)
    few = _count_queries(client, catalog.url)
    for _ in range(18):
        CoursePageFactory(parent=section)
    many = _count_queries(client, catalog.url)
    assert few == many == CATALOG_QUERIES, (few, many)
    assert _count_queries(client, catalog.url + "?q=Course") == _count_queries(
        client, catalog.url + "?q=Course&page=1"
    )


@pytest.fixture
def course(section):
    return CoursePageFactory(parent=section, title="Botany", self_enroll=True)


def _lessons(course, n):
    start = course.get_children().count()
    return [LessonPageFactory(parent=course, title=f"Lesson {start + i:02d}") for i in range(n)]


def test_course_page_states_and_percentage(client_for, course, student, tutor):
    first, second, third = _lessons(course, 3)
    task = TaskPageFactory(parent=course, title="Homework")
    enrollment_create(student=student, course=course, by=tutor)
    now = timezone.now()
    LessonProgress.objects.create(
        student=student,
        lesson_translation_key=first.translation_key,
        course_translation_key=course.translation_key,
        completed_at=now,
    )
    LessonProgress.objects.create(
        student=student,
        lesson_translation_key=third.translation_key,
        course_translation_key=course.translation_key,
    )
    content = client_for(student).get(course.url).content.decode()
    assert "25% complete (1 of 4)" in content
    assert "Continue where you left off" in content
    assert f'<a class="button" href="{third.url}">' in content  # the started lesson
    assert content.count("not started") == 2  # second lesson and the task
    assert task.title in content and second.title in content


def test_course_page_offers_enrol_or_sign_in(client, client_for, course, other_student, parent):
    _lessons(course, 1)
    anonymous = client.get(course.url).content.decode()
    assert "Sign in to enrol" in anonymous
    student_view = client_for(other_student).get(course.url).content.decode()
    assert "Enrol in this course" in student_view
    client.logout()
    parent_view = client_for(parent).get(course.url).content.decode()
    assert "Enrol in this course" not in parent_view


def test_course_page_without_self_enrol(client_for, section, other_student):
    course = CoursePageFactory(parent=section, self_enroll=False)
    content = client_for(other_student).get(course.url).content.decode()
    assert "Enrol in this course" not in content
    assert "Your tutor enrols students in this course." in content


@pytest.mark.parametrize("viewer", ["student", "tutor", "anonymous"])
def test_course_page_query_count_does_not_grow(client, course, student, tutor, viewer):
    enrollment_create(student=student, course=course, by=tutor)
    if viewer != "anonymous":
        client.force_login({"student": student, "tutor": tutor}[viewer])
    lessons = _lessons(course, 3)
    for lesson in lessons:
        LessonProgress.objects.create(
            student=student,
            lesson_translation_key=lesson.translation_key,
            course_translation_key=course.translation_key,
        )
    few = _count_queries(client, course.url)
    for lesson in _lessons(course, 27):
        LessonProgress.objects.create(
            student=student,
            lesson_translation_key=lesson.translation_key,
            course_translation_key=course.translation_key,
            completed_at=timezone.now(),
        )
    many = _count_queries(client, course.url)
    assert few == many == COURSE_PAGE_QUERIES[viewer], (few, many)

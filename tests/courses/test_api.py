"""Wagtail API v2 at /api/v2/: public course content only; lessons and tasks never."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.services.enrollment import enrollment_create
from courses.services.sections import tutor_section_ensure
from tests.courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    TaskPageFactory,
    lesson_body,
)

ACTORS = ("anonymous", "student", "tutor", "manager", "admin", "parent", "other_student")


@pytest.fixture
def api_world(tutor, student):
    section = tutor_section_ensure(tutor=tutor)
    course = CoursePageFactory(parent=section, title="Botany", self_enroll=True)
    lesson = LessonPageFactory(parent=course, title="Photosynthesis", body=lesson_body(quiz=True))
    task = TaskPageFactory(parent=course, title="Leaf homework", body=lesson_body(quiz=True))
    draft = CoursePageFactory(parent=section, title="Draft course", live=False)
    enrollment_create(student=student, course=course, by=tutor)
    return {"course": course, "lesson": lesson, "task": task, "draft": draft}


@pytest.fixture
def login_as(client, student, tutor, manager, admin_user, parent, other_student):
    users = {
        "student": student,
        "tutor": tutor,
        "manager": manager,
        "admin": admin_user,
        "parent": parent,
        "other_student": other_student,
    }

    def _login(actor):
        if actor != "anonymous":
            client.force_login(users[actor])
        return client

    return _login


def _listing_titles(client, **params):
    response = client.get(reverse("wagtailapi:pages:listing"), params)
    assert response.status_code == 200
    return {item["title"] for item in response.json()["items"]}


@pytest.mark.parametrize("actor", ACTORS)
def test_listing_never_shows_lessons_tasks_or_drafts(login_as, api_world, actor):
    client = login_as(actor)
    titles = _listing_titles(client)
    assert "Botany" in titles
    assert not {"Photosynthesis", "Leaf homework", "Draft course"} & titles
    assert not _listing_titles(client, type="courses.LessonPage")
    assert not _listing_titles(client, type="courses.TaskPage")
    assert not _listing_titles(client, child_of=api_world["course"].pk)
    assert not _listing_titles(client, search="Photosynthesis")


@pytest.mark.parametrize("actor", ACTORS)
def test_detail_of_gated_pages_is_404(login_as, api_world, actor):
    client = login_as(actor)
    for name in ("lesson", "task", "draft"):
        url = reverse("wagtailapi:pages:detail", args=[api_world[name].pk])
        response = client.get(url)
        assert response.status_code == 404, (name, actor)
        assert b"SENTINEL" not in response.content
    course = client.get(reverse("wagtailapi:pages:detail", args=[api_world["course"].pk]))
    assert course.status_code == 200
    assert course.json()["title"] == "Botany"


def test_find_by_path_is_not_mounted(client, api_world):
    response = client.get("/api/v2/pages/find/", {"html_path": api_world["lesson"].url})
    assert response.status_code == 404
    assert b"Photosynthesis" not in response.content


def test_no_documents_or_images_endpoint(client, api_world):
    assert client.get("/api/v2/documents/").status_code == 404
    assert client.get("/api/v2/images/").status_code == 404

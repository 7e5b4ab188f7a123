"""The learning gate: who opens lessons, tasks and their documents, by every route.

The access matrix runs on one published course of `tutor` with a lesson and a task that
both show a PDF from the tutor's collection, and one enrolled student. Routes: page
serving, documents, the sitemap, admin previews, drafts, and a Ukrainian translation.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page

from courses.models import CourseEnrollment
from courses.permissions import can_open_course_item, can_open_document
from courses.services.enrollment import enrollment_cancel, enrollment_create
from courses.services.sections import tutor_section_ensure
from people.models import TutorStudent
from tests import factories
from tests.courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    TaskPageFactory,
    lesson_body,
    make_document,
)

SECRET_TEXT = "Plants make food."


def _body_with(document):
    return [
        *lesson_body(),
        {"type": "pdf", "value": {"document": document.pk, "title": "Worksheet"}, "id": "pdf-1"},
    ]


@pytest.fixture
def course_world(db, student, parent, tutor, other_tutor, other_student, manager, admin_user):
    section = tutor_section_ensure(tutor=tutor)
    course = CoursePageFactory(parent=section, title="Botany", self_enroll=True)
    document = make_document(title="Leaf worksheet", collection=section.collection)
    lesson = LessonPageFactory(parent=course, title="Photosynthesis", body=_body_with(document))
    task = TaskPageFactory(parent=course, title="Leaf homework", body=_body_with(document))
    enrollment_create(student=student, course=course, by=tutor)
    others_student = TutorStudent.objects.get(tutor=other_tutor).student
    return {
        "course": course,
        "lesson": lesson,
        "task": task,
        "document": document,
        "section": section,
        "actors": {
            "enrolled": student,
            "not_enrolled": other_student,
            "other_tutors_student": others_student,
            "other_tutor": other_tutor,
            "parent_of_enrolled": parent,
            "owning_tutor": tutor,
            "manager": manager,
            "admin": admin_user,
            "anonymous": None,
        },
    }


INSIDERS = ("enrolled", "owning_tutor", "manager", "admin")
SIGNED_IN_OUTSIDERS = ("not_enrolled", "other_tutors_student", "other_tutor", "parent_of_enrolled")
ALL_ACTORS = (*INSIDERS, *SIGNED_IN_OUTSIDERS, "anonymous")


def _client_as(client, world, actor):
    user = world["actors"][actor]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_course_page_is_public(client, course_world, actor):
    response = _client_as(client, course_world, actor).get(course_world["course"].url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Photosynthesis" in content and "Leaf homework" in content  # titles are public
    assert SECRET_TEXT not in content  # the lesson body is not


@pytest.mark.parametrize("item", ["lesson", "task"])
@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_lesson_and_task_access_matrix(client, course_world, actor, item):
    page = course_world[item]
    response = _client_as(client, course_world, actor).get(page.url)
    if actor in INSIDERS:
        assert response.status_code == 200, actor
        assert SECRET_TEXT in response.content.decode()
        assert response.get("Cache-Control", "").find("public") == -1
    elif actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))
        assert "next=" in response["Location"]
    else:
        assert response.status_code == 302, actor
        assert response["Location"] == course_world["course"].url
        follow = client.get(response["Location"])
        assert SECRET_TEXT not in follow.content.decode()


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_document_access_matrix(client, course_world, actor):
    document = course_world["document"]
    response = _client_as(client, course_world, actor).get(document.url)
    if actor in INSIDERS:
        assert response.status_code == 200, actor
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    elif actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))
    else:
        assert response.status_code == 403, actor


def test_document_used_only_by_a_draft_stays_closed(course_world, student, other_student):
    section = course_world["section"]
    document = make_document(title="Draft sheet", collection=section.collection)
    LessonPageFactory(
        parent=course_world["course"], title="Draft lesson", body=_body_with(document), live=False
    )
    assert not can_open_document(student, document)
    assert not can_open_document(other_student, document)
    assert can_open_document(course_world["actors"]["owning_tutor"], document)


def test_unrelated_public_document_is_served(client, course_world):
    from wagtail.models import Collection

    document = make_document(title="School flyer", collection=Collection.get_first_root_node())
    assert client.get(document.url).status_code == 200


def test_cancelled_or_paused_enrollment_closes_the_lessons(client, course_world, student, tutor):
    enrollment = CourseEnrollment.objects.get(student=student)
    client.force_login(student)
    assert client.get(course_world["lesson"].url).status_code == 200
    enrollment_cancel(enrollment=enrollment, by=tutor)
    assert client.get(course_world["lesson"].url).status_code == 302
    assert client.get(course_world["document"].url).status_code == 403


def test_completed_enrollment_still_opens(client, course_world, student):
    from django.utils import timezone

    CourseEnrollment.objects.filter(student=student).update(
        status=CourseEnrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    client.force_login(student)
    assert client.get(course_world["lesson"].url).status_code == 200


def test_drafts_are_invisible_to_everyone_outside_the_admin(client, course_world, student):
    draft = LessonPageFactory(parent=course_world["course"], title="Secret draft", live=False)
    client.force_login(student)
    assert client.get(draft.url or "/courses/never/").status_code == 404
    course_page = client.get(course_world["course"].url).content.decode()
    assert "Secret draft" not in course_page
    # an unpublished change to a live lesson is not served either
    lesson = course_world["lesson"]
    lesson.title = "Changed title"
    lesson.body = lesson_body()
    lesson.save_revision()
    served = client.get(lesson.url).content.decode()
    assert "Photosynthesis" in served and "Changed title" not in served


def test_unpublished_lesson_answers_404_even_to_the_enrolled(client, course_world, student):
    lesson = course_world["lesson"]
    url = lesson.url
    lesson.unpublish()
    client.force_login(student)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("actor", ["enrolled", "not_enrolled", "parent_of_enrolled", "anonymous"])
def test_admin_preview_is_closed_to_students_parents_and_visitors(client, course_world, actor):
    lesson = course_world["lesson"]
    for name in ("wagtailadmin_pages:preview_on_edit", "wagtailadmin_pages:view_draft"):
        url = reverse(name, args=[lesson.pk])
        response = _client_as(client, course_world, actor).get(url)
        assert response.status_code in (302, 403), (name, actor)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("wagtailadmin_login"))
        assert SECRET_TEXT.encode() not in response.content


def test_sitemap_never_lists_lessons_or_tasks(client, course_world):
    content = client.get(reverse("sitemap")).content.decode()
    assert course_world["course"].full_url in content
    assert course_world["lesson"].url not in content
    assert course_world["task"].url not in content


def test_permission_helpers_on_a_draft_course(course_world, student, tutor):
    course = course_world["course"]
    course.unpublish()
    lesson = Page.objects.get(pk=course_world["lesson"].pk)
    assert not can_open_course_item(student, lesson)


@pytest.fixture
def ukrainian_course(course_world):
    """The course, its section and catalog, and the lesson copied into Ukrainian, published."""
    uk = Locale.objects.get_or_create(language_code="uk")[0]
    section = course_world["section"]
    catalog = section.get_parent().specific
    catalog_uk = catalog.copy_for_translation(uk, copy_parents=True)
    catalog_uk.save_revision().publish()
    section_uk = section.copy_for_translation(uk)
    section_uk.save_revision().publish()
    course_uk = course_world["course"].copy_for_translation(uk)
    course_uk.title = "Ботаніка"
    course_uk.save_revision().publish()
    lesson_uk = course_world["lesson"].copy_for_translation(uk)
    lesson_uk.title = "Фотосинтез"
    lesson_uk.save_revision().publish()
    course_uk.refresh_from_db()
    lesson_uk.refresh_from_db()
    return {"course": course_uk, "lesson": lesson_uk}


def test_translation_shares_the_enrollment(client, course_world, ukrainian_course, student):
    lesson_uk = ukrainian_course["lesson"]
    assert lesson_uk.translation_key == course_world["lesson"].translation_key
    assert lesson_uk.locale.language_code == "uk"
    client.force_login(student)  # enrolled through the English course
    response = client.get(lesson_uk.url)
    assert response.status_code == 200
    assert "Фотосинтез" in response.content.decode()


def test_translation_stays_closed_to_outsiders(client, course_world, ukrainian_course):
    client.force_login(course_world["actors"]["not_enrolled"])
    response = client.get(ukrainian_course["lesson"].url)
    assert response.status_code == 302
    assert response["Location"] == ukrainian_course["course"].url


def test_enrolling_in_the_translation_is_the_same_enrollment(course_world, ukrainian_course):
    student = factories.StudentFactory()
    first = enrollment_create(student=student, course=ukrainian_course["course"], by=student)
    second = enrollment_create(student=student, course=course_world["course"], by=student)
    assert first.pk == second.pk
    assert CourseEnrollment.objects.filter(student=student).count() == 1

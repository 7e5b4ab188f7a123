"""Lesson progress: viewed when opened, completed when marked or passed; per-course state,
percent and "resume where you left off"; shared by every translation of a lesson."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale

from courses import selectors
from courses.models import EnrollmentStatus, LessonProgress, QuizAttempt
from tests.courses.learning_world import QUIZ_ID, body_with, enroll, make_course, quiz_block


def course_progress(student, course):
    """The course page's progress (courses.selectors), as states keyed by translation key."""
    progress = selectors.course_progress(
        student=student, course=course, items=selectors.course_items(course=course)
    )
    states = {
        item.page.translation_key: (
            "completed" if item.completed else "viewed" if item.viewed else "not_started"
        )
        for item in progress.items
    }
    return {
        "states": states,
        "percent": progress.percent,
        "completed": progress.completed,
        "total": progress.total,
        "resume": progress.resume,
    }


def resume_lesson_for(student, course):
    return course_progress(student, course)["resume"]


@pytest.fixture
def world(section, student):
    course, lessons = make_course(section, lessons=3, body=body_with(quiz_block()))
    enroll(student, course)
    return {"course": course, "lessons": lessons}


def complete_url(lesson):
    return reverse("courses:lesson_complete", kwargs={"pk": lesson.pk})


def test_opening_a_lesson_records_the_first_view_once(client_for, world, student):
    client = client_for(student)
    lesson = world["lessons"][0]
    assert client.get(lesson.url).status_code == 200
    progress = LessonProgress.objects.get(student=student)
    assert progress.lesson_translation_key == lesson.translation_key
    assert progress.course_translation_key == world["course"].translation_key
    assert progress.completed_at is None
    first_view = progress.viewed_at
    client.get(lesson.url)
    assert LessonProgress.objects.get(student=student).viewed_at == first_view
    assert LessonProgress.objects.count() == 1


@pytest.mark.parametrize("actor", ["tutor", "manager", "admin_user"])
def test_other_viewers_record_no_progress(client_for, world, request, actor):
    response = client_for(request.getfixturevalue(actor)).get(world["lessons"][0].url)
    assert response.status_code == 200
    assert not LessonProgress.objects.exists()
    assert "Mark as complete" not in response.content.decode()


def test_mark_as_complete(client_for, world, student):
    client = client_for(student)
    lesson = world["lessons"][0]
    html = client.get(lesson.url).content.decode()
    assert complete_url(lesson) in html and "Mark as complete" in html
    response = client.post(complete_url(lesson))
    assert response.status_code == 302 and response["Location"] == lesson.url
    completed_at = LessonProgress.objects.get(student=student).completed_at
    assert completed_at is not None
    assert client.post(complete_url(lesson)).status_code == 302  # idempotent
    assert LessonProgress.objects.get(student=student).completed_at == completed_at
    assert "Completed on" in client.get(lesson.url).content.decode()


def test_mark_as_complete_without_opening_first_records_both(client_for, world, student):
    client_for(student).post(complete_url(world["lessons"][1]))
    progress = LessonProgress.objects.get()
    assert progress.viewed_at and progress.completed_at


def test_mark_as_complete_json(client_for, world, student):
    response = client_for(student).post(
        complete_url(world["lessons"][0]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["completed_at"]


def test_mark_as_complete_refuses_get(client_for, world, student):
    assert client_for(student).get(complete_url(world["lessons"][0])).status_code == 405
    assert not LessonProgress.objects.exists()


def test_mark_as_complete_anonymous_signs_in(client, world):
    response = client.post(complete_url(world["lessons"][0]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "actor",
    ["other_student", "tutor", "other_tutor", "parent", "other_parent", "manager", "admin_user"],
)
def test_only_enrolled_students_complete(client_for, world, request, actor):
    client = client_for(request.getfixturevalue(actor))
    assert client.post(complete_url(world["lessons"][0])).status_code == 404
    assert client.post(reverse("courses:lesson_complete", kwargs={"pk": 987654})).status_code == 404
    assert not LessonProgress.objects.exists()


def test_cancelled_enrollment_cannot_complete(client_for, world, student):
    world["course"].enrollments.update(status=EnrollmentStatus.CANCELLED)
    assert client_for(student).post(complete_url(world["lessons"][0])).status_code == 404
    assert not LessonProgress.objects.exists()


def test_course_page_cannot_be_marked_complete(client_for, world, student):
    assert client_for(student).post(complete_url(world["course"])).status_code == 404


def test_passing_the_quiz_completes_the_lesson(client_for, world, student):
    client = client_for(student)
    lesson = world["lessons"][2]
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    attempt = QuizAttempt.objects.get()
    client.post(
        reverse("courses:attempt_submit", kwargs={"pk": attempt.pk}),
        {"q-q-single": "1", "q-q-short": "chlorophyll"},
    )
    assert LessonProgress.objects.get(lesson_translation_key=lesson.translation_key).completed_at


def test_course_progress_and_resume(client_for, world, student):
    course = world["course"]
    first, second, third = world["lessons"]
    assert resume_lesson_for(student, course).pk == first.pk
    empty = course_progress(student, course)
    assert empty["percent"] == 0 and empty["total"] == 3
    assert set(empty["states"].values()) == {"not_started"}

    client = client_for(student)
    client.post(complete_url(first))
    client.get(second.url)
    progress = course_progress(student, course)
    assert progress["states"] == {
        first.translation_key: "completed",
        second.translation_key: "viewed",
        third.translation_key: "not_started",
    }
    assert progress["percent"] == 33 and progress["completed"] == 1
    assert resume_lesson_for(student, course).pk == second.pk

    client.post(complete_url(third))
    assert resume_lesson_for(student, course).pk == second.pk
    client.post(complete_url(second))
    assert resume_lesson_for(student, course) is None
    assert course_progress(student, course)["percent"] == 100


def test_progress_of_another_student_is_separate(world, student, other_student, client_for):
    client_for(student).post(complete_url(world["lessons"][0]))
    assert course_progress(other_student, world["course"])["percent"] == 0
    assert resume_lesson_for(other_student, world["course"]).pk == world["lessons"][0].pk


def test_unpublished_lessons_do_not_count(client_for, world, student):
    world["lessons"][2].unpublish()
    client_for(student).post(complete_url(world["lessons"][0]))
    assert course_progress(student, world["course"])["percent"] == 50


def test_course_progress_queries_do_not_grow(section, student, django_assert_max_num_queries):
    course, _lessons = make_course(section, lessons=12, body=body_with())
    items = selectors.course_items(course=course)
    with django_assert_max_num_queries(1):
        selectors.course_progress(student=student, course=course, items=items)


def test_translations_share_progress(client_for, world, student):
    """The Ukrainian lesson reads and writes the same progress row as the English one."""
    uk = Locale.objects.get_or_create(language_code="uk")[0]
    course = world["course"]
    section = course.get_parent().specific
    section.get_parent().specific.copy_for_translation(
        uk, copy_parents=True
    ).save_revision().publish()
    section.copy_for_translation(uk).save_revision().publish()
    course_uk = course.copy_for_translation(uk)
    course_uk.save_revision().publish()
    lesson = world["lessons"][0]
    lesson_uk = lesson.copy_for_translation(uk)
    lesson_uk.title = "Фотосинтез"
    lesson_uk.save_revision().publish()
    lesson_uk.refresh_from_db()
    course_uk.refresh_from_db()

    client = client_for(student)
    assert client.get(lesson.url).status_code == 200
    response = client.post(complete_url(lesson_uk))  # enrolled via the English course
    assert response.status_code == 302
    assert LessonProgress.objects.count() == 1
    assert LessonProgress.objects.get().completed_at is not None
    assert course_progress(student, course_uk)["states"][lesson.translation_key] == "completed"
    # a quiz attempt started in Ukrainian counts against the same quiz
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson_uk.pk, "block_id": QUIZ_ID}))
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    attempt = QuizAttempt.objects.get()
    assert attempt.page_translation_key == lesson.translation_key
    assert attempt.revision.object_id == str(lesson_uk.pk)

"""The demo courses `seed_demo` builds: content, translation, learners, idempotency, flush."""

from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Revision

from courses import demo as course_demo
from courses.blocks import QUESTION_BLOCKS, LessonBodyBlock
from courses.models import (
    AttemptStatus,
    CourseEnrollment,
    CoursePage,
    EnrollmentSource,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    TaskKind,
    TaskPage,
    TutorSectionPage,
)
from people import demo
from people.models import User

pytestmark = pytest.mark.django_db

SPECS = {
    demo.TUTOR_ANNA.user.email: course_demo.ALGEBRA,
    demo.TUTOR_BEN.user.email: course_demo.ENGLISH,
}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def tutor(spec) -> User:
    return User.objects.get(email=spec.user.email)


def course_of(email: str) -> CoursePage:
    section = TutorSectionPage.objects.get(tutor__email=email, locale=Locale.get_default())
    return CoursePage.objects.child_of(section).get(slug=SPECS[email].slug)


def items_of(course: CoursePage) -> list[Page]:
    return [page.specific for page in course.get_children().order_by("path")]


def students_of(spec) -> list[User]:
    return [User.objects.get(email=student.email) for student in spec.students]


def snapshot() -> dict:
    """Everything the course seeding writes to."""
    return {
        "pages": sorted(Page.objects.values_list("pk", "slug", "live", "latest_revision_id")),
        "revisions": Revision.objects.count(),
        "enrollments": sorted(CourseEnrollment.objects.values_list("pk", "status")),
        "progress": sorted(LessonProgress.objects.values_list("pk", "completed_at")),
        "attempts": sorted(QuizAttempt.objects.values_list("pk", "status", "score")),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "embeds": Embed.objects.count(),
        "collections": Collection.objects.count(),
    }


def test_each_demo_tutor_gets_a_published_course_with_lessons_and_tasks():
    seed()
    for tutor_spec, title, subject in (
        (demo.TUTOR_ANNA, "Algebra foundations", "Mathematics"),
        (demo.TUTOR_BEN, "English for exams", "English"),
    ):
        user = tutor(tutor_spec)
        section = TutorSectionPage.objects.get(tutor=user, locale=Locale.get_default())
        assert section.live
        course = course_of(user.email)
        assert course.live and course.title == title and course.subject.name == subject
        assert course.live_revision_id and course.level_id
        items = items_of(course)
        lessons = [page for page in items if isinstance(page, LessonPage)]
        tasks = [page for page in items if isinstance(page, TaskPage)]
        assert len(lessons) >= 5
        assert sorted(task.kind for task in tasks) == sorted(TaskKind.values)
        assert all(page.live and page.live_revision_id for page in items)
        # Published through a revision by the demo admin.
        assert course.live_revision.user.email == demo.ADMIN.email

        # Media live in the tutor's own collection.
        assert get_image_model().objects.filter(collection=section.collection).count() == 1
        documents = get_document_model().objects.filter(collection=section.collection)
        assert sorted(d.file_extension for d in documents) == ["pdf", "txt"]
        worksheet = documents.get(file__endswith=".pdf")
        with worksheet.open_file() as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
        assert worksheet.file_size == len(content)

        # Every student of the tutor is enrolled, by the tutor.
        students = students_of(tutor_spec)
        enrollments = CourseEnrollment.objects.filter(course_translation_key=course.translation_key)
        assert {e.student for e in enrollments} == set(students)
        assert {e.source for e in enrollments} == {EnrollmentSource.TUTOR}
        assert {e.tutor for e in enrollments} == {user}

        # Some progress: the first student completed three lessons, the third nothing.
        first = LessonProgress.objects.filter(
            student=students[0], course_translation_key=course.translation_key
        )
        assert first.count() == 4
        assert first.filter(completed_at__isnull=False).count() == 3
        assert not LessonProgress.objects.filter(student=students[2]).exists()

        # Submitted attempts: the full quiz waits for the essay grade, the exam is graded.
        quiz = QuizAttempt.objects.get(student=students[0])
        assert quiz.quiz_block_id == course_demo.QUIZ_BLOCK_ID
        assert quiz.status == AttemptStatus.NEEDS_GRADING and quiz.submitted_at
        assert Decimal(quiz.result["percent"]) == 100  # every auto-graded answer right
        exam = QuizAttempt.objects.get(student=students[1])
        assert exam.quiz_block_id == course_demo.EXAM_BLOCK_ID
        assert exam.status == AttemptStatus.GRADED and exam.score > 0
        exam_page = next(p for p in items if isinstance(p, TaskPage) and p.kind == TaskKind.EXAM)
        assert exam.page_translation_key == exam_page.translation_key
        assert exam.revision_id == exam_page.live_revision_id


def test_demo_content_uses_every_block_type_and_question_kind():
    seed()
    all_blocks = set(LessonBodyBlock().child_blocks)
    all_kinds = set(QUESTION_BLOCKS)
    assert set(course_demo.BLOCK_TYPES) == all_blocks
    assert set(course_demo.QUESTION_KINDS) == all_kinds
    for email in SPECS:
        items = items_of(course_of(email))
        lessons = [page for page in items if isinstance(page, LessonPage)]
        used = {child.block_type for page in lessons for child in page.body}
        assert used == all_blocks, f"{email}'s lessons miss {all_blocks - used}"
        quizzes = [
            child.value for page in items for child in page.body if child.block_type == "quiz"
        ]
        assert any({q.block_type for q in value["questions"]} == all_kinds for value in quizzes)
        for page in items:
            # Every block passes the editor's validation (publishing would refuse it).
            page.body.stream_block.clean(page.body)
        video = next(c for p in lessons for c in p.body if c.block_type == "video").value
        assert video["url"].url.startswith("https://www.youtube.com/")


def test_anna_course_has_a_live_ukrainian_translation():
    seed()
    course = course_of(demo.TUTOR_ANNA.user.email)
    uk = Locale.objects.get(language_code="uk")
    course_uk = CoursePage.objects.get(translation_key=course.translation_key, locale=uk)
    assert course_uk.live and course_uk.live_revision_id
    assert course_uk.title == "Основи алгебри" and course_uk.language == "uk"
    items, items_uk = items_of(course), items_of(course_uk)
    assert [p.translation_key for p in items_uk] == [p.translation_key for p in items]
    assert all(page.live and page.locale_id == uk.pk for page in items_uk)
    assert {p.title for p in items_uk}.isdisjoint({p.title for p in items})
    first_uk = items_uk[0]
    assert "Змінна" in str(first_uk.body) or "змінна" in str(first_uk.body)
    # Quiz ids and answer flags are the English ones: attempts are shared.
    quiz = next(p for p in items_uk if p.slug == "check-your-understanding")
    quiz_value = quiz.body.first_block_by_name("quiz").value
    assert quiz.body.first_block_by_name("quiz").id == course_demo.QUIZ_BLOCK_ID
    single = quiz_value["questions"][0].value
    assert [o["is_correct"] for o in single["options"]] == [False, True, False, False]
    # Ben's course is not translated.
    ben_course = course_of(demo.TUTOR_BEN.user.email)
    assert not CoursePage.objects.filter(
        translation_key=ben_course.translation_key, locale=uk
    ).exists()


def test_second_run_creates_nothing_and_says_so():
    seed()
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "nothing changed" in output


def test_lesson_pages_render_for_an_enrolled_student_without_answer_keys(client):
    seed()
    anna_spec = demo.TUTOR_ANNA
    sofia = students_of(anna_spec)[2]  # enrolled, no attempt yet
    client.force_login(sofia)
    course = course_of(anna_spec.user.email)
    items = items_of(course)
    uk = Locale.objects.get(language_code="uk")

    # No network: the video's embed comes from the stored embed, never from a finder.
    with mock.patch(
        "wagtail.embeds.embeds.get_finder_for_embed", side_effect=AssertionError("network")
    ):
        for page in items:
            response = client.get(page.url)
            assert response.status_code == 200, page.url
            html = response.content.decode()
            assert page.title in html
            assert "is_correct" not in html
        video_page = next(p for p in items if p.slug == "solving-linear-equations")
        assert "youtube-nocookie.com/embed/" in client.get(video_page.url).content.decode()
        uk_page = LessonPage.objects.get(translation_key=items[0].translation_key, locale=uk)
        response = client.get(uk_page.url)
        assert response.status_code == 200
        assert "Змінні та вирази" in response.content.decode()

    # With an attempt open the quiz form is on the page, and still no answer key.
    quiz_page = next(p for p in items if p.slug == "check-your-understanding")
    response = client.post(
        reverse(
            "courses:quiz_start",
            kwargs={"pk": quiz_page.pk, "block_id": course_demo.QUIZ_BLOCK_ID},
        )
    )
    assert response.status_code == 302
    assert QuizAttempt.objects.get(student=sofia).status == AttemptStatus.IN_PROGRESS
    html = client.get(quiz_page.url).content.decode()
    assert 'name="q-q-single"' in html
    for secret in ("is_correct", "variable|unknown", "the coefficient", "Subtract 3 (2x = 8)"):
        assert secret not in html


def test_students_of_another_tutor_cannot_open_the_demo_lessons(client):
    seed()
    ben_student = students_of(demo.TUTOR_BEN)[0]
    lesson = items_of(course_of(demo.TUTOR_ANNA.user.email))[0]
    client.force_login(ben_student)
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response["Location"] == lesson.get_parent().url


def test_flush_removes_demo_courses_and_learner_rows_and_a_new_seed_rebuilds_them():
    seed()
    anna_email = demo.TUTOR_ANNA.user.email
    collections = list(
        TutorSectionPage.objects.filter(tutor__email__in=SPECS).values_list(
            "collection_id", flat=True
        )
    )

    output = seed("--flush")

    assert "Removed the demo courses" in output
    assert not TutorSectionPage.objects.exists()
    assert not Page.objects.type(CoursePage, LessonPage, TaskPage).exists()
    assert not CourseEnrollment.objects.exists()
    assert not LessonProgress.objects.exists()
    assert not QuizAttempt.objects.exists()
    assert not get_image_model().objects.filter(collection_id__in=collections).exists()
    assert not get_document_model().objects.filter(collection_id__in=collections).exists()
    assert not Collection.objects.filter(pk__in=collections).exists()
    assert Page.objects.filter(slug__in=["about", "faq"]).count() == 2

    output = seed()
    assert "Demo data created" in output
    assert course_of(anna_email).live
    assert QuizAttempt.objects.count() == 4

"""The course page tree: its shape, its pages' rendering, and the learner-state models.

Tree rules use Wagtail's `WagtailPageTestCase` helpers. Rendering goes through the real
site (Wagtail's serve view) as an anonymous visitor. Constraints are exercised against
the database: they must hold even when the services are bypassed.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import GroupPagePermission, Locale, Page, Revision, WorkflowPage
from wagtail.test.utils import WagtailPageTestCase

from courses.models import (
    CourseEnrollment,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    TaskPage,
    TutorSectionPage,
)
from courses.services.moderation import WORKFLOW_NAME
from courses.services.sections import tutor_section_ensure
from home.models import HomePage, StandardPage
from tests import factories
from tests.courses.factories import (
    CoursePageFactory,
    LessonPageFactory,
    TaskPageFactory,
    lesson_body,
    make_image,
)

# ---------------------------------------------------------------------------------------
# Tree rules
# ---------------------------------------------------------------------------------------


class TestPageTree(WagtailPageTestCase):
    """Catalog → TutorSectionPage → CoursePage → LessonPage / TaskPage, and nothing else."""

    def test_catalog_lives_under_the_home_page_only(self):
        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertCanNotCreateAt(Page, CourseIndexPage)
        self.assertCanNotCreateAt(StandardPage, CourseIndexPage)
        self.assertCanNotCreateAt(CourseIndexPage, CourseIndexPage)

    def test_sections_live_under_the_catalog_only(self):
        self.assertAllowedSubpageTypes(CourseIndexPage, {TutorSectionPage})
        self.assertAllowedParentPageTypes(TutorSectionPage, {CourseIndexPage})
        self.assertCanCreateAt(CourseIndexPage, TutorSectionPage)
        self.assertCanNotCreateAt(HomePage, TutorSectionPage)
        self.assertCanNotCreateAt(TutorSectionPage, TutorSectionPage)

    def test_courses_live_in_sections_only(self):
        self.assertAllowedSubpageTypes(TutorSectionPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {TutorSectionPage})
        self.assertCanCreateAt(TutorSectionPage, CoursePage)
        for parent in (HomePage, CourseIndexPage, CoursePage, LessonPage):
            self.assertCanNotCreateAt(parent, CoursePage)

    def test_lessons_and_tasks_live_in_courses_and_have_no_children(self):
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage, TaskPage})
        for child in (LessonPage, TaskPage):
            self.assertCanCreateAt(CoursePage, child)
            self.assertAllowedParentPageTypes(child, {CoursePage})
            self.assertCanNotCreateAt(TutorSectionPage, child)
            self.assertCanNotCreateAt(HomePage, child)
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedSubpageTypes(TaskPage, set())

    def test_home_page_keeps_its_standard_pages(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)


@pytest.mark.django_db
def test_sections_are_made_by_the_service_not_by_hand(section, catalog):
    assert not TutorSectionPage.can_create_at(catalog)
    assert TutorSectionPage not in catalog.specific_class.creatable_subpage_models()


@pytest.mark.django_db
def test_one_catalog_per_home_page(catalog):
    home = catalog.get_parent()
    assert not CourseIndexPage.can_create_at(home)


@pytest.mark.django_db
def test_catalog_under_home_is_routable(catalog):
    assert catalog.get_parent().specific_class is HomePage
    assert catalog.url == "/courses/"


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


@pytest.fixture
def course(section):
    course = CoursePageFactory(
        parent=section,
        title="Photosynthesis",
        summary="How plants make food from light.",
        estimated_duration_minutes=45,
    )
    LessonPageFactory(parent=course, title="Light", summary="Where energy comes from.")
    LessonPageFactory(parent=course, title="Draft lesson", live=False)
    TaskPageFactory(parent=course, title="Leaf diary", kind=TaskPage.Kind.WRITING)
    return course


@pytest.mark.django_db
def test_catalog_lists_live_courses_with_their_tutor(client, catalog, course, other_section):
    CoursePageFactory(parent=other_section, title="Hidden draft", live=False)
    response = client.get(catalog.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Photosynthesis" in html and "How plants make food from light." in html
    assert f"with {course.get_parent().title}" in html
    assert "Hidden draft" not in html
    assert response.context["courses"].paginator.count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("listing", ["catalog", "section"])
def test_listing_query_count_does_not_grow_with_courses(
    client, listing, catalog, section, other_section
):
    url = catalog.url if listing == "catalog" else section.url

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add_courses(parents):
        for number, parent in enumerate(parents):
            image = make_image(title=f"Cover {parent.pk}-{number}", collection=section.collection)
            CoursePageFactory(parent=parent, cover_image=image)

    add_courses([section, section])
    count_queries()  # warm up: the first render creates each cover's rendition
    few = count_queries()
    add_courses([section, other_section] * 8)
    count_queries()
    assert count_queries() == few


@pytest.mark.django_db
def test_catalog_is_paginated(client, catalog, section):
    for number in range(23):
        CoursePageFactory(parent=section, title=f"Course {number:02d}")
    first = client.get(catalog.url)
    assert len(first.context["courses"]) == 20
    second = client.get(catalog.url, {"page": 2})
    assert len(second.context["courses"]) == 3
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.django_db
def test_section_page_shows_bio_and_live_courses(client, tutor, section, course):
    factories.tutor_profile(tutor, bio="I teach biology with real leaves.")
    CoursePageFactory(parent=section, title="Unpublished course", live=False)
    response = client.get(section.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="section-title">{section.title}</h1>' in html
    assert "I teach biology with real leaves." in html
    assert "Photosynthesis" in html
    assert "Unpublished course" not in html
    assert tutor.email not in html


@pytest.mark.django_db
def test_course_page_lists_lessons_and_tasks_in_page_order(client, course):
    response = client.get(course.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Light") < html.index("Leaf diary")
    assert "Draft lesson" not in html
    assert "Writing" in html and "Where energy comes from." in html
    assert "45 minutes" in html
    assert [item.title for item in response.context["items"]] == ["Light", "Leaf diary"]


@pytest.mark.django_db
def test_lesson_page_renders_its_blocks_without_answer_keys(client, course):
    lesson = LessonPageFactory(parent=course, title="Gases", body=lesson_body(quiz=True))
    client.force_login(course.get_parent().specific.tutor)  # lessons are gated: the owner
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="lesson-title">Gases</h1>' in html
    assert "lesson-heading" in html and "Plants make food." in html
    assert 'id="quiz-quiz-1"' in html  # the quiz block renders with its stream id
    assert "Which gas do plants take in?" in html
    assert "SENTINEL-CO2-ANSWER" in html  # an option text, shown without its flag
    assert "is_correct" not in html and "SENTINEL-EXPLANATION" not in html


@pytest.mark.django_db
def test_task_page_renders_kind_instructions_and_body(client, course):
    task = TaskPageFactory(parent=course, title="Exam one", kind=TaskPage.Kind.EXAM)
    client.force_login(course.get_parent().specific.tutor)  # tasks are gated: the owner
    response = client.get(task.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Exam" in html and "Answer in full sentences." in html
    assert "Plants make food." in html


@pytest.mark.django_db
def test_preview_of_each_page_type_renders_for_an_admin(client_for, admin_user, course):
    client = client_for(admin_user)
    lesson = course.get_children().live().type(LessonPage).first()
    for page in (course.get_parent(), course, lesson):
        revision = page.specific.save_revision(user=admin_user)
        url = f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/"
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------------------------------
# Model rules
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_section_per_tutor_and_locale(tutor, section, other_section, catalog):
    duplicate = TutorSectionPage(title="Again", slug="again", tutor=tutor, locale=catalog.locale)
    with pytest.raises(ValidationError), transaction.atomic():
        catalog.add_child(instance=duplicate)  # Page.save() validates the constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        TutorSectionPage.objects.filter(pk=other_section.pk).update(tutor=tutor)
    assert TutorSectionPage.objects.filter(tutor=tutor).count() == 1


@pytest.mark.django_db
def test_publishing_an_old_revision_keeps_the_section_owner(tutor, other_tutor, section):
    revision = section.save_revision()
    TutorSectionPage.objects.filter(pk=section.pk).update(tutor=other_tutor)
    fresh = TutorSectionPage.objects.get(pk=section.pk)
    restored = fresh.with_content_json(revision.content)
    assert restored.tutor_id == other_tutor.pk
    assert restored.editor_group_id == section.editor_group_id


@pytest.mark.django_db
def test_task_kind_is_checked_by_the_database(course):
    task = TaskPage.objects.child_of(course).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskPage.objects.filter(pk=task.pk).update(kind="party")


@pytest.mark.django_db
def test_course_fields_are_validated(section):
    course = CoursePageFactory.build(summary="", estimated_duration_minutes=10**6, subject=None)
    course.depth, course.path = section.depth + 1, section.path + "9999"
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    errors = caught.value.message_dict
    assert {"summary", "estimated_duration_minutes", "subject"} <= set(errors)


@pytest.fixture
def revision(course):
    lesson = course.get_children().live().type(LessonPage).first().specific
    return lesson.save_revision()


@pytest.mark.django_db
def test_enrollment_is_unique_per_student_and_course(student, tutor, course):
    CourseEnrollment.objects.create(
        student=student,
        course=course,
        course_translation_key=course.translation_key,
        tutor=tutor,
        source=CourseEnrollment.Source.SELF,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseEnrollment.objects.create(
            student=student,
            course=None,
            course_translation_key=course.translation_key,
            source=CourseEnrollment.Source.TUTOR,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"status": "lost"},
        {"source": "magic"},
        {"status": CourseEnrollment.Status.COMPLETED, "completed_at": None},
    ],
)
def test_enrollment_checks(student, course, fields):
    values = {
        "student": student,
        "course_translation_key": course.translation_key,
        "source": CourseEnrollment.Source.SELF,
        **fields,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseEnrollment.objects.create(**values)


@pytest.mark.django_db
def test_enrollment_survives_deleting_the_page_it_was_made_through(student, course):
    enrollment = CourseEnrollment.objects.create(
        student=student,
        course=course,
        course_translation_key=course.translation_key,
        source=CourseEnrollment.Source.SELF,
    )
    course.delete()
    enrollment.refresh_from_db()
    assert enrollment.course is None
    assert enrollment.course_in() is None


@pytest.mark.django_db
def test_progress_is_unique_per_student_and_lesson(student, course):
    lesson = course.get_children().live().first()
    values = {
        "student": student,
        "lesson_translation_key": lesson.translation_key,
        "course_translation_key": course.translation_key,
    }
    LessonProgress.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonProgress.objects.create(**values)


def attempt(student, revision, **fields):
    values = {
        "student": student,
        "page_translation_key": revision.content_object.translation_key,
        "quiz_block_id": "quiz-1",
        "revision": revision,
        **fields,
    }
    return QuizAttempt.objects.create(**values)


@pytest.mark.django_db
def test_one_open_attempt_per_quiz_and_numbers_never_repeat(student, revision):
    attempt(student, revision, attempt_number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        attempt(student, revision, attempt_number=2)  # a second open attempt
    with pytest.raises(IntegrityError), transaction.atomic():
        attempt(
            student,
            revision,
            attempt_number=1,
            status=QuizAttempt.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    graded = attempt(
        student,
        revision,
        attempt_number=2,
        status=QuizAttempt.Status.GRADED,
        submitted_at=timezone.now(),
        score=Decimal("3.50"),
    )
    assert not graded.is_open


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"status": "cheated"},
        {"attempt_number": 0},
        {"score": Decimal("-1")},
        {"status": QuizAttempt.Status.SUBMITTED},  # submitted without a time
        {"submitted_at": timezone.now()},  # open but with a submission time
        {"status": QuizAttempt.Status.GRADED, "submitted_at": timezone.now()},  # no score
    ],
)
def test_attempt_checks(student, revision, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        attempt(student, revision, **fields)


@pytest.mark.django_db
def test_revisions_seen_by_attempts_are_protected(student, revision):
    attempt(student, revision)
    with pytest.raises(ProtectedError):
        Revision.objects.filter(pk=revision.pk).delete()


# ---------------------------------------------------------------------------------------
# Translations share the tree's rules and the learner's state
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_translating_a_course_keeps_section_rights_and_moderation(tutor, section, course):
    ukrainian = Locale.objects.get(language_code="uk")
    translated = course.copy_for_translation(ukrainian, copy_parents=True)

    uk_section = translated.get_parent().specific
    uk_catalog = uk_section.get_parent().specific
    assert isinstance(uk_section, TutorSectionPage) and uk_section.locale == ukrainian
    assert uk_section.tutor == tutor and uk_section.tutor_locale == ukrainian
    assert set(
        GroupPagePermission.objects.filter(group=section.editor_group, page=uk_section).values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page"}
    assert WorkflowPage.objects.get(page=uk_catalog).workflow.name == WORKFLOW_NAME
    assert translated.get_workflow().name == WORKFLOW_NAME
    fresh_tutor = type(tutor).objects.get(pk=tutor.pk)
    assert translated.permissions_for_user(fresh_tutor).can_edit()

    # Ensuring the section again does not create a second one in either locale.
    tutor_section_ensure(tutor=tutor)
    assert TutorSectionPage.objects.filter(tutor=tutor).count() == 2


@pytest.mark.django_db
def test_enrollment_is_shared_by_translations(student, course):
    ukrainian = Locale.objects.get(language_code="uk")
    translated = course.copy_for_translation(ukrainian, copy_parents=True)
    enrollment = CourseEnrollment.objects.create(
        student=student,
        course=course,
        course_translation_key=course.translation_key,
        source=CourseEnrollment.Source.SELF,
        created_at=timezone.now() - timedelta(days=1),
    )
    assert translated.translation_key == enrollment.course_translation_key
    assert enrollment.course_in(ukrainian).pk == translated.pk
    assert enrollment.course_in(Locale.get_default()).pk == course.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseEnrollment.objects.create(
            student=student,
            course=translated,
            course_translation_key=translated.translation_key,
            source=CourseEnrollment.Source.SELF,
        )

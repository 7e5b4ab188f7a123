"""Reads of the course tree, scoped and with their related rows fetched up front.

Each returns a queryset or a page whose listing needs a fixed number of queries, however
many courses or lessons there are (the catalog and section listings annotate the tutor's
name instead of walking the tree per course).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least, Length, Substr
from wagtail.models import Locale, Page

from people.models import Classroom, Level, Subject, TutorProfile, TutorStudent, User
from people.roles import Role

from .models import (
    CourseEnrollment,
    CourseIndexPage,
    CoursePage,
    EnrollmentStatus,
    LessonProgress,
    TutorSectionPage,
)


def catalog_get(*, locale: Locale | None = None) -> CourseIndexPage | None:
    """The catalog in `locale` (the default locale when None), or None when there is none."""
    locale = locale or Locale.get_default()
    return CourseIndexPage.objects.filter(locale=locale).order_by("path").first()


def tutor_section_get(*, tutor, locale: Locale | None = None) -> TutorSectionPage | None:
    """The tutor's section in `locale` (the default locale when None), or None."""
    locale = locale or Locale.get_default()
    return TutorSectionPage.objects.filter(tutor=tutor, locale=locale).first()


def tutor_sections(*, tutor) -> QuerySet[TutorSectionPage]:
    """All of a tutor's section pages, one per locale they have been translated into."""
    return TutorSectionPage.objects.filter(tutor=tutor).select_related("locale")


def _with_tutor_name(courses: QuerySet[CoursePage]) -> QuerySet[CoursePage]:
    """Annotate each course with `tutor_name`: its parent section's title, in one query.

    A course is always a direct child of its section, so the section's tree path is the
    course's path without its last step.
    """
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    section_title = TutorSectionPage.objects.filter(path=parent_path).values("title")[:1]
    return courses.annotate(tutor_name=Subquery(section_title))


def catalog_courses(*, catalog: CourseIndexPage) -> QuerySet[CoursePage]:
    """The live, public courses under `catalog`, by title, with subject, level and tutor name."""
    courses = (
        CoursePage.objects.live()
        .public()
        .descendant_of(catalog)
        .select_related("subject", "level", "cover_image")
        .prefetch_related("cover_image__renditions")
        .order_by("title", "path")
    )
    return _with_tutor_name(courses)


def section_courses(*, section: TutorSectionPage) -> QuerySet[CoursePage]:
    """The live, public courses of one section, in the tutor's page order."""
    return (
        CoursePage.objects.live()
        .public()
        .child_of(section)
        .select_related("subject", "level", "cover_image")
        .prefetch_related("cover_image__renditions")
        .order_by("path")
    )


def section_tutor_profile(*, section: TutorSectionPage) -> TutorProfile | None:
    """The section tutor's profile (bio, subjects) for their public page, or None."""
    if not section.tutor_id:
        return None
    return (
        TutorProfile.objects.filter(user_id=section.tutor_id)
        .select_related("user")
        .prefetch_related("subjects")
        .first()
    )


def course_items(*, course: CoursePage) -> list[Page]:
    """The course's live lessons and tasks, specific, in page order (the course's order)."""
    return list(course.get_children().live().specific().order_by("path"))


def tutor_courses(*, tutor) -> QuerySet[CoursePage]:
    """Every course in the tutor's sections (all locales), drafts included, for their tools."""
    condition = Q()
    for path in TutorSectionPage.objects.filter(tutor=tutor).values_list("path", flat=True):
        condition |= Q(path__startswith=path)
    if not condition:
        return CoursePage.objects.none()
    return (
        CoursePage.objects.filter(condition)
        .select_related("subject", "level", "locale")
        .order_by("path")
    )


# --- catalog: filters and search ----------------------------------------------------------

#: The most search hits the catalog considers (the database backend ranks them).
MAX_SEARCH_HITS = 500


@dataclass(frozen=True)
class CatalogFilters:
    """What a visitor narrowed the catalog to; empty values mean "any"."""

    q: str = ""
    subject: int | None = None
    level: int | None = None
    language: str = ""
    tutor: int | None = None


def catalog_search(*, catalog: CourseIndexPage, filters: CatalogFilters) -> QuerySet[CoursePage]:
    """The catalog's courses narrowed by `filters`, searched with Wagtail search when `q`.

    Only course pages are searched (they are public by design, see courses.permissions),
    never lessons or tasks, so search cannot reveal gated content. The search itself runs
    on the database backend and yields ids; the listing is then one ordinary queryset, so
    the page costs the same number of queries however many courses match.
    """
    courses = catalog_courses(catalog=catalog)
    if filters.subject:
        courses = courses.filter(subject_id=filters.subject)
    if filters.level:
        courses = courses.filter(level_id=filters.level)
    if filters.language:
        courses = courses.filter(language=filters.language)
    if filters.tutor:
        paths = list(
            TutorSectionPage.objects.child_of(catalog)
            .filter(tutor_id=filters.tutor)
            .values_list("path", flat=True)
        )
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        courses = courses.filter(condition)
    if filters.q:
        hits = (
            CoursePage.objects.live()
            .descendant_of(catalog)
            .search(filters.q, operator="and")[:MAX_SEARCH_HITS]
        )
        courses = courses.filter(pk__in=[hit.pk for hit in hits])
    return courses


def catalog_filter_options(*, catalog: CourseIndexPage) -> dict:
    """Choices for the catalog's filter form: subjects, levels and tutors that have courses."""
    live = CoursePage.objects.live().public().descendant_of(catalog)
    tutors = (
        TutorSectionPage.objects.child_of(catalog)
        .live()
        .filter(tutor__isnull=False)
        .order_by("title")
        .values_list("tutor_id", "title")
    )
    return {
        "subjects": list(Subject.objects.filter(courses__in=live).distinct().order_by("name")),
        "levels": list(Level.objects.filter(courses__in=live).distinct()),
        "tutors": list(tutors),
    }


# --- a course's state for a viewer ---------------------------------------------------------


def enrollment_get(*, student, course: CoursePage) -> CourseEnrollment | None:
    """The student's enrolment in `course` (any translation, any status), or None."""
    if not getattr(student, "is_authenticated", False):
        return None
    return CourseEnrollment.objects.filter(
        student=student, course_translation_key=course.translation_key
    ).first()


@dataclass
class ItemState:
    """One lesson or task of a course as a student sees it in the contents."""

    page: Page
    viewed: bool = False
    completed: bool = False


@dataclass
class CourseProgress:
    """A student's progress through a course's live items: per-item state and a percentage."""

    items: list[ItemState]
    completed: int
    total: int
    percent: int
    resume: Page | None


def course_progress(*, student, course: CoursePage, items: list[Page]) -> CourseProgress:
    """Per-item state, percentage and where to continue, from LessonProgress in one query.

    Progress is keyed by translation keys, so it is the same in every translation. The
    item to continue with is the most recently opened item not completed yet, else the
    first item not completed; None when everything is done.
    """
    rows = {
        row.lesson_translation_key: row
        for row in LessonProgress.objects.filter(
            student=student, course_translation_key=course.translation_key
        )
    }
    states = []
    for page in items:
        row = rows.get(page.translation_key)
        states.append(
            ItemState(page=page, viewed=row is not None, completed=bool(row and row.completed_at))
        )
    completed = sum(1 for state in states if state.completed)
    total = len(states)
    open_viewed = [
        (rows[state.page.translation_key].viewed_at, state.page)
        for state in states
        if state.viewed and not state.completed
    ]
    if open_viewed:
        resume = max(open_viewed, key=lambda pair: pair[0])[1]
    else:
        resume = next((state.page for state in states if not state.completed), None)
    percent = round(100 * completed / total) if total else 0
    return CourseProgress(states, completed, total, percent, resume)


def course_enrolled_students(*, course: CoursePage) -> QuerySet[CourseEnrollment]:
    """Everyone enrolled in `course` (any translation), newest first, with the student."""
    return (
        CourseEnrollment.objects.filter(course_translation_key=course.translation_key)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "pk")
    )


def enrollable_students(*, user, course: CoursePage) -> QuerySet[User]:
    """Students `user` may enrol in `course` who are not enrolled yet (or were cancelled).

    A tutor's actively linked students; every active student for managers and admins.
    """
    students = User.objects.filter(role=Role.STUDENT, is_active=True)
    if user.role == Role.TUTOR:
        students = students.filter(
            tutor_links__tutor=user, tutor_links__status=TutorStudent.Status.ACTIVE
        )
    taken = CourseEnrollment.objects.filter(course_translation_key=course.translation_key).exclude(
        status=EnrollmentStatus.CANCELLED
    )
    return (
        students.exclude(pk__in=taken.values("student_id"))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def enrollable_classrooms(*, course: CoursePage, tutor_id: int | None) -> QuerySet[Classroom]:
    """The course tutor's classrooms (a classroom is enrolled as a whole)."""
    if tutor_id is None:
        return Classroom.objects.none()
    return Classroom.objects.filter(tutor_id=tutor_id).order_by("name")


# --- progress for students and parents ----------------------------------------------------


def _live_item_count() -> Subquery:
    """Subquery: how many live lessons and tasks the enrolment's course page has."""
    children = (
        Page.objects.filter(
            path__startswith=OuterRef("course__path"),
            depth=OuterRef("course__depth") + 1,
            live=True,
        )
        .order_by()
        .values("depth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(children[:1]), 0)


def _completed_count() -> Subquery:
    completed = (
        LessonProgress.objects.filter(
            student=OuterRef("student"),
            course_translation_key=OuterRef("course_translation_key"),
            completed_at__isnull=False,
        )
        .order_by()
        .values("student")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(completed[:1]), 0)


def progress_enrollments(*, students) -> QuerySet[CourseEnrollment]:
    """Enrolments of `students` (not cancelled) with `items_total` and `items_completed`.

    For the read-only progress page of students and parents: one query however many
    enrolments, counting the course's live items and the student's completed ones.
    """
    return (
        CourseEnrollment.objects.filter(student__in=students)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("student", "course")
        # Completions of lessons unpublished since count no more than the live items.
        .annotate(
            items_total=_live_item_count(),
            items_completed=Least(_completed_count(), _live_item_count()),
        )
        .order_by("student__last_name", "student__first_name", "student_id", "-created_at")
    )


def completion_times(*, enrollments) -> list[tuple[int, object, object]]:
    """(student id, course translation key, completed at) of every completed item of the
    given enrolments, in one query, for the progress-over-time charts."""
    enrollments = list(enrollments)
    if not enrollments:
        return []
    return list(
        LessonProgress.objects.filter(
            student_id__in={enrollment.student_id for enrollment in enrollments},
            course_translation_key__in={e.course_translation_key for e in enrollments},
            completed_at__isnull=False,
        )
        .order_by()
        .values_list("student_id", "course_translation_key", "completed_at")
    )


def live_catalog():
    """The live course catalog in the default locale (the first one in the tree), or None."""
    from wagtail.models import Locale

    from .models import CourseIndexPage

    catalogs = CourseIndexPage.objects.live().order_by("path")
    return catalogs.filter(locale=Locale.get_default()).first() or catalogs.first()

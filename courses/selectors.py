"""Reads of the course tree, scoped and with their related rows fetched up front.

Each returns a queryset or a page whose listing needs a fixed number of queries, however
many courses or lessons there are (the catalog and section listings annotate the tutor's
name instead of walking the tree per course).
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from wagtail.models import Locale, Page

from people.models import TutorProfile

from .models import CourseIndexPage, CoursePage, TutorSectionPage


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

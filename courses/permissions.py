"""Who may author, publish and own what in the course tree.

Page-level rights (edit, add under, move, copy, publish) are Wagtail's own page
permissions, granted per tutor by `courses.services.sections`; these helpers ask Wagtail
rather than re-implementing its rules, and add the few rules Wagtail has no notion of:
who owns a section, who may trust a tutor with publishing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from wagtail.models import GroupPagePermission, Page

from people.roles import Role

from .models import EnrollmentStatus, TutorSectionPage


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_grant_publish(user) -> bool:
    """Only admins may let a tutor publish without moderation, or take that right away."""
    return _active(user) and user.role == Role.ADMIN


def can_author_under(user, page: Page) -> bool:
    """Whether `user` may add pages below `page` (Wagtail's page permissions decide)."""
    return _active(user) and page.permissions_for_user(user).can_add_subpage()


def can_edit_page(user, page: Page) -> bool:
    """Whether `user` may edit `page` in the Wagtail editor (Wagtail's page permissions)."""
    return _active(user) and page.permissions_for_user(user).can_edit()


def owning_section(page: Page) -> TutorSectionPage | None:
    """The tutor section `page` belongs to (the page itself when it is one), or None."""
    return TutorSectionPage.objects.ancestor_of(page, inclusive=True).first()


def is_page_owner_tutor(user, page: Page) -> bool:
    """Whether `user` is the tutor whose section holds `page`: the course's owning tutor."""
    if not _active(user) or user.role != Role.TUTOR:
        return False
    section = owning_section(page)
    return section is not None and section.tutor_id == user.pk


def tutor_may_publish(tutor) -> bool:
    """Whether an admin has trusted `tutor` to publish under their section directly."""
    return GroupPagePermission.objects.filter(
        group__in=_section_groups(tutor), permission__codename="publish_page"
    ).exists()


def _section_groups(tutor) -> QuerySet:
    return TutorSectionPage.objects.filter(tutor=tutor).values("editor_group")


# --- the learning gate ---------------------------------------------------------------------
#
# Why our own checks rather than Wagtail's PageViewRestriction (DESIGN §6 suggests one group
# per course): a course page is public while its lessons are not, so a restriction would
# have to sit on every lesson and task page. Wagtail's `PageQuerySet.public()` (used by the
# sitemap, the API and our listings) loads every restriction and ORs one path prefix per
# restriction into the SQL, and the API v2 calls `accept_request` once per restriction:
# both grow with the number of lessons, and SQLite refuses an OR chain deeper than 1000.
# A group restriction also sends a signed-in outsider to the sign-in page instead of the
# course page with its enrol button, and it would copy the enrolment table into group
# membership that every status change must keep in step. So the rule lives here, once,
# computed from `CourseEnrollment`, and every public route applies it:
#   * page serving: `courses.wagtail_hooks.gate_course_items` (before_serve_page);
#   * search: the catalog searches course pages only (public by design); lesson text is
#     never searched from a public view;
#   * Wagtail API v2: `courses.api.CoursePagesAPIViewSet` never lists or details lessons
#     and tasks (to anyone);
#   * sitemap: `LessonPage/TaskPage.get_sitemap_urls` return nothing;
#   * documents: `courses.wagtail_hooks.gate_course_documents` (before_serve_document);
#   * previews and drafts: only reachable in the Wagtail admin, closed to students and
#     parents (ADMIN_AREA_ROLES); Wagtail's own routing answers 404 for unpublished pages.
# Tests for each route: tests/courses/test_gating.py and tests/courses/test_api.py.

#: Enrolment statuses that open a course's lessons and tasks (a completed course stays
#: open for review). The one definition: courses.learning uses it too.
OPEN_ENROLLMENT_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


def _is_staff(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN))


def is_course_item(page) -> bool:
    """Whether `page` is a lesson or a task: the pages the learning gate closes."""
    from .models import LessonPage, TaskPage

    cls = getattr(page, "specific_class", None) or type(page)
    return issubclass(cls, (LessonPage, TaskPage))


def _parent_path(path: str) -> str:
    return path[: -Page.steplen]


def course_of(page):
    """The course page a lesson or task belongs to (its parent), or None. One query."""
    from .models import CoursePage

    return CoursePage.objects.filter(path=_parent_path(page.path)).first()


def course_tutor_id(course) -> int | None:
    """The id of the tutor whose section holds `course` (its parent section). One query."""
    return (
        TutorSectionPage.objects.filter(path=_parent_path(course.path))
        .values_list("tutor_id", flat=True)
        .first()
    )


def is_course_owner(user, course) -> bool:
    """Whether `user` is the tutor who owns `course` (the tutor of its section)."""
    return _active(user) and user.role == Role.TUTOR and course_tutor_id(course) == user.pk


def can_open_course_item(user, page) -> bool:
    """Whether `user` may open the lesson or task `page` (live, in a live course).

    Enrolled students (active or completed, any translation of the course), the tutor who
    owns it, managers and admins. Parents get their child's progress, not the content.
    """
    if not page.live or not _active(user):
        return False
    return course_item_access(user, page).allowed


@dataclass(frozen=True)
class CourseItemAccess:
    """The outcome of the course gate for one lesson or task, as the gate decided it.

    `course` is the lesson's course page (None when it has none); `allowed` whether the
    viewer may open the lesson; `learner` whether they open it as an enrolled student.
    The gate keeps it on the request, so the lesson's learning context reuses it instead
    of asking the database again.
    """

    page_pk: int
    course: object | None
    allowed: bool
    learner: bool


def course_item_access(user, page) -> CourseItemAccess:
    """Decide `can_open_course_item` for a lesson or task, fetching its course with it.

    A student costs one query (the course, with their enrolment as an EXISTS), a tutor two
    (the course and its section's tutor), staff one.
    """
    from django.db.models import Exists, OuterRef

    from .models import CourseEnrollment, CoursePage

    courses = CoursePage.objects.filter(path=_parent_path(page.path))
    is_student = _active(user) and user.role == Role.STUDENT
    if is_student:
        courses = courses.annotate(
            learning=Exists(
                CourseEnrollment.objects.filter(
                    student=user,
                    status__in=OPEN_ENROLLMENT_STATUSES,
                    course_translation_key=OuterRef("translation_key"),
                )
            )
        )
    course = courses.first()
    if course is None or not course.live or not page.live or not _active(user):
        return CourseItemAccess(page.pk, course, False, False)
    if is_student:
        return CourseItemAccess(page.pk, course, course.learning, course.learning)
    allowed = _is_staff(user) or is_course_owner(user, course)
    return CourseItemAccess(page.pk, course, allowed, False)


def can_manage_enrollments(user, course) -> bool:
    """The owning tutor, managers and admins enrol students in a course and see who is in."""
    return _is_staff(user) or is_course_owner(user, course)


def can_self_enroll(user, course) -> bool:
    """A signed-in student may enrol themselves in a live course that allows it."""
    return _active(user) and user.role == Role.STUDENT and course.live and course.self_enroll


def enrollments_visible_to(user) -> QuerySet:
    """Enrolments the user may see: their own (student), their children's (parent), those
    in their courses (tutor: rows carrying them as the course's tutor), all (staff)."""
    from .models import CourseEnrollment

    enrollments = CourseEnrollment.objects.all()
    if not _active(user):
        return enrollments.none()
    if _is_staff(user):
        return enrollments
    if user.role == Role.STUDENT:
        return enrollments.filter(student=user)
    if user.role == Role.PARENT:
        return enrollments.filter(student__guardians_links__parent=user)
    if user.role == Role.TUTOR:
        return enrollments.filter(tutor=user)
    return enrollments.none()


def get_enrollment_for(user, pk):
    """One enrolment the user may see, or 404 (missing and not-yours alike)."""
    from .models import CourseEnrollment

    try:
        return enrollments_visible_to(user).select_related("student", "course").get(pk=pk)
    except (CourseEnrollment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such enrollment.") from exc


def get_course_for_enrolling(user, pk):
    """A live course the user may enrol students in, or 404 (missing and not-yours alike)."""
    from .models import CoursePage

    try:
        course = CoursePage.objects.live().select_related("locale").get(pk=pk)
    except (CoursePage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such course.") from exc
    if not can_manage_enrollments(user, course):
        raise Http404("No such course.")
    return course


def get_live_course(pk):
    """A live course by id (course pages are public), or 404."""
    from .models import CoursePage

    try:
        return CoursePage.objects.live().get(pk=pk)
    except (CoursePage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such course.") from exc


def can_open_document(user, document) -> bool:
    """Whether `user` may download `document`, judged by the pages that use it.

    A document used by a lesson or task opens to whoever may open one of those pages
    (live ones only: a document only a draft uses stays closed), or to anyone when a live
    page outside the gate (a course page, a tutor page) also uses it. A document in a
    tutor's collection that no live page uses opens only to its tutor and staff: it may
    belong to a draft. Other documents follow Wagtail's collection privacy alone.
    """
    from wagtail.models import ReferenceIndex

    if _is_staff(user):
        return True
    page_ids = list(
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ReferenceIndex._get_base_content_type(Page))
        .values_list("object_id", flat=True)
        .distinct()
    )
    pages = list(Page.objects.filter(pk__in=page_ids).live().specific(defer=True))
    owner_ids = set(
        TutorSectionPage.objects.filter(collection_id=document.collection_id).values_list(
            "tutor_id", flat=True
        )
    )
    if _active(user) and user.pk in owner_ids:
        return True
    gated = [page for page in pages if is_course_item(page)]
    if len(gated) < len(pages):
        return True  # a live, public page shows it
    if gated:
        return any(can_open_course_item(user, page) for page in gated)
    if owner_ids:
        return False  # in a tutor's collection, used by no live page: may be a draft's
    # In no tutor's collection: closed only when drafts alone use it.
    return not page_ids

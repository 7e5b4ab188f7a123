"""Reads for people: the tutor directory, a tutor's students, classrooms and families.

Each selector returns a queryset with its joins done, so a page runs the same number of
queries for ten rows as for a hundred.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from .models import (
    Classroom,
    ClassroomMembership,
    Guardianship,
    GuardianshipInvitation,
    Language,
    Level,
    Subject,
    TutorProfile,
    TutorStudent,
    User,
)
from .permissions import classrooms_visible_to, students_visible_to, tutor_links_visible_to
from .roles import Role

#: At most this many words of a search box are used; the rest is ignored.
MAX_SEARCH_TERMS = 8


def search_terms(q: str) -> list[str]:
    """The words of a search box, de-duplicated, at most MAX_SEARCH_TERMS of them."""
    terms: list[str] = []
    for word in (q or "").split():
        if word.lower() not in (t.lower() for t in terms):
            terms.append(word)
    return terms[:MAX_SEARCH_TERMS]


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor filtered the directory by; empty strings mean "any"."""

    subject: str = ""
    level: str = ""
    language: str = ""
    q: str = ""


def _listed_profiles() -> QuerySet[TutorProfile]:
    return TutorProfile.objects.filter(
        listed_in_directory=True, user__is_active=True, user__role=Role.TUTOR
    )


def directory_tutors(filters: DirectoryFilters | None = None) -> QuerySet[TutorProfile]:
    """Tutors who opted in to the public directory, filtered, with subjects/levels/languages.

    `subject` and `level`/`language` are slugs/codes; a subject matches across the
    translations of the subject. `q` is split into words; every word must match the
    tutor's first or last name, bio or the name of a subject they teach.
    """
    filters = filters or DirectoryFilters()
    profiles = _listed_profiles()
    if filters.subject:
        keys = Subject.objects.filter(slug=filters.subject).values("translation_key")
        profiles = profiles.filter(subjects__translation_key__in=keys)
    if filters.level:
        profiles = profiles.filter(levels__code=filters.level)
    if filters.language:
        profiles = profiles.filter(languages__code=filters.language)
    for term in search_terms(filters.q):
        # A subquery rather than a join: every term would otherwise add its own join.
        by_subject = TutorProfile.subjects.through.objects.filter(
            subject__name__icontains=term
        ).values("tutorprofile_id")
        profiles = profiles.filter(
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(bio__icontains=term)
            | Q(pk__in=by_subject)
        )
    return (
        profiles.distinct()
        .select_related("user")
        .prefetch_related(
            Prefetch("subjects", queryset=Subject.objects.order_by("name")),
            "levels",
            "languages",
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def directory_teaser(*, limit: int = 3) -> list[TutorProfile]:
    """A few listed tutors for the home page, most recently updated first."""
    return list(
        _listed_profiles()
        .select_related("user")
        .prefetch_related("subjects")
        .order_by("-updated_at", "pk")[: max(0, limit)]
    )


def directory_filter_options() -> dict:
    """The subjects, levels and languages that at least one listed tutor offers."""
    listed = _listed_profiles()
    return {
        "subjects": Subject.objects.filter(tutor_profiles__in=listed)
        .select_related("locale")
        .distinct()
        .order_by("name"),
        "levels": Level.objects.filter(tutor_profiles__in=listed).distinct(),
        "languages": Language.objects.filter(tutor_profiles__in=listed).distinct(),
    }


def get_listed_tutor(pk) -> TutorProfile:
    """A tutor's public profile by the tutor's user id; 404 unless they are listed."""
    try:
        return directory_tutors().get(user_id=pk)
    except (TutorProfile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such tutor.") from exc


def _student_name_matches(terms: list[str], prefix: str = "") -> Q:
    """Every term matches the student's first name, last name or e-mail."""
    condition = Q()
    for term in terms:
        condition &= (
            Q(**{f"{prefix}first_name__icontains": term})
            | Q(**{f"{prefix}last_name__icontains": term})
            | Q(**{f"{prefix}email__icontains": term})
        )
    return condition


def tutor_students(tutor: User, *, q: str = "") -> QuerySet[TutorStudent]:
    """A tutor's active links with the student and their profile loaded, by student name.

    `q` narrows the list to students whose name or e-mail contains every word of it.
    """
    return (
        TutorStudent.objects.filter(tutor=tutor, status=TutorStudent.Status.ACTIVE)
        .filter(_student_name_matches(search_terms(q), prefix="student__"))
        .select_related("student", "student__student_profile", "student__student_profile__level")
        .order_by("student__last_name", "student__first_name", "student__pk")
    )


def _active_links_with_tutor() -> QuerySet[TutorStudent]:
    """Active links with the tutor loaded, by tutor name: the queryset for prefetches."""
    return (
        TutorStudent.objects.filter(status=TutorStudent.Status.ACTIVE)
        .select_related("tutor")
        .order_by("tutor__last_name", "tutor__first_name", "tutor__pk")
    )


def school_students(viewer: User, *, q: str = "") -> QuerySet[User]:
    """The students `viewer` may see (all of them for staff), searchable, by name.

    Each student carries their profile and level, and `active_tutor_links` (a list of
    active links with the tutor loaded), so a staff list shows who teaches whom in a
    fixed number of queries.
    """
    return (
        students_visible_to(viewer)
        .filter(_student_name_matches(search_terms(q)))
        .select_related("student_profile", "student_profile__level")
        .prefetch_related(
            Prefetch(
                "tutor_links", queryset=_active_links_with_tutor(), to_attr="active_tutor_links"
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def open_link_between(*, tutor: User, student: User) -> TutorStudent | None:
    """The pending request or active link joining a tutor and a student, if there is one."""
    return (
        TutorStudent.objects.filter(
            tutor=tutor, student=student, status__in=TutorStudent.OPEN_STATUSES
        )
        .order_by("-created_at")
        .first()
    )


def student_active_links(student: User, *, tutor: User | None = None) -> QuerySet[TutorStudent]:
    """A student's active links with the tutor loaded; only the one with `tutor` if given."""
    links = _active_links_with_tutor().filter(student=student)
    if tutor is not None:
        links = links.filter(tutor=tutor)
    return links


def student_classrooms(student: User, *, tutor: User | None = None) -> QuerySet[Classroom]:
    """The classrooms a student is a member of (only `tutor`'s when given), by name."""
    classrooms = Classroom.objects.filter(memberships__student=student)
    if tutor is not None:
        classrooms = classrooms.filter(tutor=tutor)
    return classrooms.select_related("tutor").order_by("name", "pk")


def pending_requests_for(user) -> QuerySet[TutorStudent]:
    """Pending requests the viewer is a party to (staff: all, parent: their children's).

    Oldest first, so that the longest-waiting request is answered first.
    """
    return (
        tutor_links_visible_to(user)
        .filter(status=TutorStudent.Status.REQUESTED)
        .select_related("tutor", "student")
        .order_by("created_at", "pk")
    )


def active_links_for(user) -> QuerySet[TutorStudent]:
    """Active links the viewer is a party to (staff: all, parent: their children's)."""
    return (
        tutor_links_visible_to(user)
        .filter(status=TutorStudent.Status.ACTIVE)
        .select_related("tutor", "student")
        .order_by(
            "student__last_name",
            "student__first_name",
            "tutor__last_name",
            "tutor__first_name",
            "pk",
        )
    )


def past_links_for(user) -> QuerySet[TutorStudent]:
    """Declined and ended links (withdrawn requests included) the viewer may see, newest first."""
    return (
        tutor_links_visible_to(user)
        .filter(status__in=[TutorStudent.Status.DECLINED, TutorStudent.Status.ENDED])
        .select_related("tutor", "student", "ended_by")
        .order_by("-created_at", "-pk")
    )


def children_with_tutors(parent: User) -> QuerySet[Guardianship]:
    """A parent's guardianships; each child carries `active_tutor_links` (tutor loaded)."""
    return children_of(parent).prefetch_related(
        Prefetch(
            "student__tutor_links",
            queryset=_active_links_with_tutor(),
            to_attr="active_tutor_links",
        )
    )


def school_counts() -> dict[str, int]:
    """Head counts for the staff dashboard, in two queries whatever the school's size.

    Only active accounts count as students, parents and tutors.
    """
    people = User.objects.filter(is_active=True).aggregate(
        students=Count("pk", filter=Q(role=Role.STUDENT)),
        parents=Count("pk", filter=Q(role=Role.PARENT)),
        tutors=Count("pk", filter=Q(role=Role.TUTOR)),
        listed_tutors=Count(
            "pk", filter=Q(role=Role.TUTOR, tutor_profile__listed_in_directory=True)
        ),
    )
    links = TutorStudent.objects.aggregate(
        pending_requests=Count("pk", filter=Q(status=TutorStudent.Status.REQUESTED)),
        active_links=Count("pk", filter=Q(status=TutorStudent.Status.ACTIVE)),
    )
    return {**people, **links}


def incoming_requests(tutor: User) -> QuerySet[TutorStudent]:
    """Pending requests students sent to the tutor, oldest first."""
    return (
        TutorStudent.objects.filter(tutor=tutor, status=TutorStudent.Status.REQUESTED)
        .select_related("student", "student__student_profile")
        .order_by("created_at", "pk")
    )


def classrooms_for(user) -> QuerySet[Classroom]:
    """The viewer's classrooms with a member count, by name.

    Scoped through a subquery: filtering on memberships (student, parent) and then
    counting them would count only the viewer's own rows.
    """
    return (
        Classroom.objects.filter(pk__in=classrooms_visible_to(user).values("pk"))
        .select_related("tutor")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )


def classroom_members(classroom: Classroom) -> QuerySet[ClassroomMembership]:
    """The memberships of a classroom with the students loaded."""
    return classroom.memberships.select_related("student").order_by(
        "student__last_name", "student__first_name", "student__pk"
    )


def students_addable_to(classroom: Classroom) -> QuerySet[User]:
    """The tutor's actively linked students who are not yet in the classroom."""
    return (
        students_visible_to(classroom.tutor)
        .exclude(classroom_memberships__classroom=classroom)
        .order_by("last_name", "first_name", "pk")
    )


def children_of(parent: User) -> QuerySet[Guardianship]:
    """A parent's guardianships with each child and profile loaded."""
    return (
        Guardianship.objects.filter(parent=parent)
        .select_related("student", "student__student_profile", "student__student_profile__level")
        .order_by("student__last_name", "student__first_name", "student__pk")
    )


def guardians_of(student: User) -> QuerySet[Guardianship]:
    """A student's guardians."""
    return Guardianship.objects.filter(student=student).select_related("parent")


def pending_family_invitations_for(student: User) -> QuerySet[GuardianshipInvitation]:
    """Invitations from parents a student has not answered yet."""
    return GuardianshipInvitation.objects.filter(
        student=student, status=GuardianshipInvitation.Status.PENDING
    ).select_related("parent")


def sent_family_invitations(parent: User) -> QuerySet[GuardianshipInvitation]:
    """Invitations a parent sent, newest first."""
    return GuardianshipInvitation.objects.filter(parent=parent)

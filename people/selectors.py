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
    translations of the subject.
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
    if filters.q:
        profiles = profiles.filter(
            Q(user__first_name__icontains=filters.q)
            | Q(user__last_name__icontains=filters.q)
            | Q(bio__icontains=filters.q)
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
        "subjects": Subject.objects.filter(tutor_profiles__in=listed).distinct().order_by("name"),
        "levels": Level.objects.filter(tutor_profiles__in=listed).distinct(),
        "languages": Language.objects.filter(tutor_profiles__in=listed).distinct(),
    }


def get_listed_tutor(pk) -> TutorProfile:
    """A tutor's public profile by the tutor's user id; 404 unless they are listed."""
    try:
        return directory_tutors().get(user_id=pk)
    except (TutorProfile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such tutor.") from exc


def tutor_students(tutor: User) -> QuerySet[TutorStudent]:
    """A tutor's active links with the student and their profile loaded, by student name."""
    return (
        TutorStudent.objects.filter(tutor=tutor, status=TutorStudent.Status.ACTIVE)
        .select_related("student", "student__student_profile", "student__student_profile__level")
        .order_by("student__last_name", "student__first_name", "student__pk")
    )


def incoming_requests(tutor: User) -> QuerySet[TutorStudent]:
    """Pending requests students sent to the tutor, oldest first."""
    return (
        TutorStudent.objects.filter(tutor=tutor, status=TutorStudent.Status.REQUESTED)
        .select_related("student", "student__student_profile")
        .order_by("created_at", "pk")
    )


def student_tutor_links(student: User) -> QuerySet[TutorStudent]:
    """A student's pending and active links, with each tutor and profile loaded."""
    return (
        TutorStudent.objects.filter(student=student, status__in=TutorStudent.OPEN_STATUSES)
        .select_related("tutor", "tutor__tutor_profile")
        .order_by("status", "tutor__last_name", "tutor__first_name")
    )


def link_history_for(user) -> QuerySet[TutorStudent]:
    """Every link the viewer is a party to (or may see), newest first."""
    return tutor_links_visible_to(user).select_related("tutor", "student").order_by("-created_at")


def classrooms_for(user) -> QuerySet[Classroom]:
    """The viewer's classrooms with a member count, by name."""
    return (
        classrooms_visible_to(user)
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
    return GuardianshipInvitation.objects.filter(parent=parent).select_related("student")

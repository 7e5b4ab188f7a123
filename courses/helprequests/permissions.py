"""Who may see and do what with help requests. Every rule about access lives here.

Seeing: the student, their parents, the tutors assigned to the request (primary and
helpers), managers and admins. Everybody else gets 404 for a real id exactly as for a
missing one (`get_help_request_for`), so ids cannot be probed.

Doing: the `can_*` functions answer who may take a step, not whether the request is in
the right state for it: the services check the state under a row lock, so a step taken
twice is a conflict, not a refusal.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from people.models import Guardianship, User
from people.roles import Role

from .models import HelpRequest, HelpRequestEvent, HelpRequestFile, HelpRequestTutor


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_help_staff(user) -> bool:
    """Managers and admins: they see every request and run assignment and closing."""
    return _active(user) and user.role in (Role.MANAGER, Role.ADMIN)


def help_requests_visible_to(user) -> QuerySet[HelpRequest]:
    """The requests `user` may see. Scoped through subqueries, so rows never repeat."""
    requests = HelpRequest.objects.all()
    if not _active(user):
        return requests.none()
    if is_help_staff(user):
        return requests
    if user.role == Role.STUDENT:
        return requests.filter(student=user)
    if user.role == Role.PARENT:
        return requests.filter(
            student_id__in=Guardianship.objects.filter(parent=user).values("student_id")
        )
    if user.role == Role.TUTOR:
        return requests.filter(
            pk__in=HelpRequestTutor.objects.filter(tutor=user).values("request_id")
        )
    return requests.none()


def get_help_request_for(user, pk) -> HelpRequest:
    """The request with id `pk` if `user` may see it; 404 otherwise (missing or not theirs)."""
    try:
        return (
            help_requests_visible_to(user)
            .select_related("student", "created_by", "subject", "primary_tutor")
            .get(pk=pk)
        )
    except (HelpRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such help request.") from exc


def get_help_file_for(user, pk) -> HelpRequestFile:
    """A file of a request `user` may see, or 404."""
    try:
        return HelpRequestFile.objects.filter(
            request__in=help_requests_visible_to(user).values("pk")
        ).get(pk=pk)
    except (HelpRequestFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such file.") from exc


def students_user_may_request_for(user) -> QuerySet[User]:
    """Whom `user` may ask help for: a student themselves, a parent their children."""
    students = User.objects.filter(role=Role.STUDENT, is_active=True)
    if not _active(user):
        return students.none()
    if user.role == Role.STUDENT:
        return students.filter(pk=user.pk)
    if user.role == Role.PARENT:
        return students.filter(
            pk__in=Guardianship.objects.filter(parent=user).values("student_id")
        ).order_by("first_name", "last_name", "pk")
    return students.none()


def can_create_help_request(user) -> bool:
    """Students and parents ask for help (a parent for one of their children)."""
    return _active(user) and user.role in (Role.STUDENT, Role.PARENT)


def can_request_help_for(user, student: User) -> bool:
    """Whether `user` may ask for help for `student`."""
    return students_user_may_request_for(user).filter(pk=student.pk).exists()


def is_current_guardian(parent_id, student_id) -> bool:
    """Whether user `parent_id` is (still) linked to student `student_id` as a parent."""
    return Guardianship.objects.filter(parent_id=parent_id, student_id=student_id).exists()


def is_requester(user, help_request: HelpRequest) -> bool:
    """The student the request is for, or the parent who created it while they are still
    the student's guardian (a removed guardianship ends their part in the request)."""
    if not _active(user):
        return False
    if user.pk == help_request.student_id:
        return True
    return user.pk == help_request.created_by_id and is_current_guardian(
        user.pk, help_request.student_id
    )


def is_staff_note_event(event: HelpRequestEvent) -> bool:
    """Whether the note of `event` is staff business: a tutor's reason for declining
    (ASSIGNED → NEW) or the manager's assignment note (→ ASSIGNED)."""
    return event.to_status == HelpRequest.Status.ASSIGNED or (
        event.from_status == HelpRequest.Status.ASSIGNED
        and event.to_status == HelpRequest.Status.NEW
    )


def can_see_event_note(
    user, help_request: HelpRequest, event: HelpRequestEvent, *, tutor_ids=None
) -> bool:
    """Whether `user` may read the note of a history step. Everyone who sees the request
    sees every step; decline reasons are shown only to staff, assignment notes to staff
    and the tutors assigned to the request. `tutor_ids` saves a query when already known.
    """
    if not is_staff_note_event(event):
        return True
    if is_help_staff(user):
        return True
    if event.to_status == HelpRequest.Status.ASSIGNED and _active(user):
        if user.role != Role.TUTOR:
            return False
        if tutor_ids is None:
            tutor_ids = assigned_tutor_ids(help_request)
        return user.pk in tutor_ids
    return False


def can_cancel(user, help_request: HelpRequest) -> bool:
    """The requester cancels (before a tutor accepts: the service checks the state)."""
    return is_requester(user, help_request)


def can_assign(user, help_request: HelpRequest) -> bool:
    """Managers and admins pick the primary tutor and the helpers."""
    return is_help_staff(user)


def can_answer_assignment(user, help_request: HelpRequest) -> bool:
    """Only the primary tutor accepts or declines the request."""
    return (
        _active(user)
        and user.role == Role.TUTOR
        and help_request.primary_tutor_id is not None
        and help_request.primary_tutor_id == user.pk
    )


def assigned_tutor_ids(help_request: HelpRequest) -> set[int]:
    """Ids of the tutors assigned to the request (uses prefetched `assignments` if loaded)."""
    cache = getattr(help_request, "_prefetched_objects_cache", {})
    if "assignments" in cache:
        return {a.tutor_id for a in cache["assignments"]}
    return set(
        HelpRequestTutor.objects.filter(request=help_request).values_list("tutor_id", flat=True)
    )


def can_deliver(user, help_request: HelpRequest) -> bool:
    """A tutor assigned to the request (primary or helper) delivers the work."""
    return _active(user) and user.role == Role.TUTOR and user.pk in assigned_tutor_ids(help_request)


def can_review_delivery(user, help_request: HelpRequest) -> bool:
    """The student (or the parent who created the request) accepts it or asks for changes."""
    return is_requester(user, help_request)


def can_close(user, help_request: HelpRequest) -> bool:
    """Managers and admins close a completed request with its hours and price."""
    return is_help_staff(user)

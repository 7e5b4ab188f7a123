"""Reads for help requests: the lists each role sees, the detail page, dashboard figures.

Each selector returns a queryset with its joins done, so a page runs the same number of
queries for five requests as for fifty.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from people.models import User
from people.roles import Role

from .models import HelpRequest, HelpRequestEvent, HelpRequestFile, HelpRequestTutor
from .permissions import help_requests_visible_to, is_help_staff

Status = HelpRequest.Status

#: The order of the step indicator on the detail page (CANCELLED is shown apart).
STEPS = (
    Status.NEW,
    Status.ASSIGNED,
    Status.ACCEPTED,
    Status.DELIVERED,
    Status.COMPLETED,
    Status.CLOSED,
)


def _with_list_joins(requests: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    return requests.select_related("student", "subject", "primary_tutor", "created_by")


def help_requests_for(viewer: User, *, status: str = "", kind: str = "") -> QuerySet[HelpRequest]:
    """The "Help" list of `viewer`, filtered by status and kind when given.

    Staff: every request, NEW first (oldest first, they wait longest), then by deadline.
    Tutors: requests assigned to them, those waiting for their answer first. Students and
    parents: their own (their children's) requests, open ones by deadline first.
    """
    requests = help_requests_visible_to(viewer)
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    final = Case(
        When(status__in=HelpRequest.FINAL_STATUSES, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    if is_help_staff(viewer):
        first = Case(
            When(status=Status.NEW, then=Value(0)),
            When(status=Status.COMPLETED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        requests = requests.annotate(_first=first, _final=final).order_by(
            "_first", "_final", "deadline", "pk"
        )
    elif viewer.role == Role.TUTOR:
        first = Case(
            When(status=Status.ASSIGNED, primary_tutor=viewer, then=Value(0)),
            When(status=Status.CHANGES_REQUESTED, then=Value(1)),
            When(status=Status.ACCEPTED, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        requests = requests.annotate(_first=first, _final=final).order_by(
            "_first", "_final", "deadline", "pk"
        )
    else:
        requests = requests.annotate(_final=final).order_by("_final", "deadline", "pk")
    return _with_list_joins(requests)


def new_requests_for_staff() -> QuerySet[HelpRequest]:
    """NEW requests waiting for a manager to assign tutors, oldest first (dashboards)."""
    return _with_list_joins(HelpRequest.objects.filter(status=Status.NEW)).order_by(
        "created_at", "pk"
    )


def requests_for_tutor(tutor: User) -> QuerySet[HelpRequest]:
    """Open requests `tutor` is assigned to (primary or helper), waiting-for-answer first."""
    return help_requests_for(tutor).exclude(
        status__in=[*HelpRequest.FINAL_STATUSES, Status.COMPLETED]
    )


def requests_awaiting_answer(tutor: User) -> QuerySet[HelpRequest]:
    """Requests whose primary tutor is `tutor` and who has not accepted or declined yet."""
    return _with_list_joins(
        HelpRequest.objects.filter(primary_tutor=tutor, status=Status.ASSIGNED)
    ).order_by("deadline", "pk")


def requests_for_family(user: User) -> QuerySet[HelpRequest]:
    """A student's own or a parent's children's open requests, by deadline (dashboards)."""
    return help_requests_for(user).exclude(status__in=HelpRequest.FINAL_STATUSES)


def requests_ready_for_billing() -> QuerySet[HelpRequest]:
    """Closed requests with hours and price recorded that no invoice carries yet."""
    return _with_list_joins(
        HelpRequest.objects.filter(status=Status.CLOSED, billed_at__isnull=True)
    ).order_by("closed_at", "pk")


def help_request_counts(viewer: User) -> dict[str, int]:
    """How many of the viewer's requests are in each status, in one query."""
    counts = help_requests_visible_to(viewer).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Status}
    )
    counts["open"] = sum(n for key, n in counts.items() if key not in HelpRequest.FINAL_STATUSES)
    return counts


def help_request_detail(viewer: User, pk) -> HelpRequest:
    """One request with its tutors, files and history loaded (404 if not the viewer's)."""
    try:
        return (
            help_requests_visible_to(viewer)
            .select_related("student", "created_by", "subject", "primary_tutor")
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=HelpRequestTutor.objects.select_related("tutor").order_by(
                        "role", "tutor__last_name", "tutor__first_name", "pk"
                    ),
                ),
                Prefetch(
                    "files",
                    queryset=HelpRequestFile.objects.select_related("uploaded_by").order_by(
                        "uploaded_at", "pk"
                    ),
                ),
                Prefetch(
                    "events",
                    queryset=HelpRequestEvent.objects.select_related("actor").order_by("at", "pk"),
                ),
            )
            .get(pk=pk)
        )
    except (HelpRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such help request.") from exc


def steps_for(help_request: HelpRequest) -> list[dict]:
    """The step indicator: each step with whether it is done, current or still to come.

    CHANGES_REQUESTED shows as the "in progress" step being current again.
    """
    status = help_request.status
    current = Status.ACCEPTED if status == Status.CHANGES_REQUESTED else status
    index = STEPS.index(current) if current in STEPS else -1
    return [
        {
            "status": step,
            "label": step.label,
            "state": "done" if i < index else ("current" if i == index else "todo"),
        }
        for i, step in enumerate(STEPS)
    ]


def active_tutors() -> QuerySet[User]:
    """Tutors staff may assign: active accounts of role tutor, by name."""
    return User.objects.filter(role=Role.TUTOR, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )

"""Permission-matrix rows: Help requests (courses.helprequests).

See tests/permission_matrix.py for the expectations (OK, LOGIN, DENIED, OWN) and how
`objects`, `kwargs` and `post_data` are used. Tenant A's request: `student` asked, a
manager assigned `tutor` as primary tutor (status ASSIGNED), with one brief file.
Steps that the request's state does not allow (deliver before acceptance, …) answer
their owners with a message and a redirect, which the table counts as served.
"""

from __future__ import annotations

from tests.permission_matrix import LOGIN, OK, OWN, Rule, _all, roles

FAMILY_AND_STAFF = ("student", "parent", "tutor", "manager", "admin")

RULES: list[Rule] = [
    Rule(
        "helprequests:list",
        "GET",
        "signed-in",
        _all(OK, anonymous=LOGIN),
        note="each role sees its own (tutor: assigned; staff: all)",
    ),
    Rule("helprequests:create", "GET", "role", roles("student", "parent")),
    Rule(
        "helprequests:detail",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        FAMILY_AND_STAFF,
        note="student, their parents, assigned tutors, staff; others 404",
    ),
    Rule(
        "helprequests:cancel",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("student",),
        note="the student or the parent who asked; before acceptance",
    ),
    Rule(
        "helprequests:assign",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("manager", "admin"),
        note="active tutors only; until the primary tutor accepts",
    ),
    Rule(
        "helprequests:accept",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("tutor",),
        note="the primary tutor",
    ),
    Rule(
        "helprequests:decline",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("tutor",),
        note="the primary tutor, with a reason",
    ),
    Rule(
        "helprequests:deliver",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("tutor",),
        note="assigned tutors (primary or helper), once accepted",
    ),
    Rule(
        "helprequests:complete",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("student",),
        note="the student or the parent who asked, after delivery",
    ),
    Rule(
        "helprequests:changes",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("student",),
        note="the student or the parent who asked, after delivery",
    ),
    Rule(
        "helprequests:close",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_request",
        ("manager", "admin"),
        note="hours and price recorded; once completed",
    ),
    Rule(
        "helprequests:file_download",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "help_file",
        FAMILY_AND_STAFF,
        note="as an attachment, nosniff",
    ),
]


def objects(actors: dict) -> dict:
    """Tenant A's help request: asked by `student`, `tutor` assigned as primary tutor."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from courses.helprequests.models import HelpRequest
    from courses.helprequests.services import help_request_assign, help_request_create
    from tests.factories import SubjectFactory

    help_request = help_request_create(
        by=actors["student"],
        student=actors["student"],
        kind=HelpRequest.Kind.HOMEWORK,
        subject=SubjectFactory(),
        title="Fractions worksheet",
        description="I do not understand exercise 4.",
        deadline=timezone.now() + timedelta(days=3),
        uploads=[SimpleUploadedFile("task.txt", b"Exercise 4: add 1/3 and 1/4.")],
    )
    help_request = help_request_assign(
        help_request=help_request, by=actors["manager"], primary_tutor=actors["tutor"]
    )
    return {
        "help_request": {"pk": help_request.pk},
        "help_file": {"pk": help_request.files.get().pk},
    }


def post_data(name: str, world) -> dict | None:
    """Valid fields for the POST rows that need them."""
    if name == "helprequests:assign":
        return {"primary_tutor": world["actors"]["tutor"].pk}
    if name == "helprequests:decline":
        return {"reason": "I am fully booked this week."}
    if name == "helprequests:deliver":
        return {"note": "Here is the worked solution."}
    if name == "helprequests:changes":
        return {"note": "Please explain step 2."}
    if name == "helprequests:close":
        return {"hours": "1.5", "price": "45.00", "currency": "EUR"}
    return None

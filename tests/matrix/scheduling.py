"""Permission-matrix rows: scheduled lessons, availability, booking, calendars, iCal, API.

The area is the scheduling app.

See tests/permission_matrix.py for the expectations (OK, LOGIN, DENIED, OWN) and how
`objects`, `kwargs` and `post_data` are used.
"""

from __future__ import annotations

from tests.permission_matrix import DENIED, LOGIN, OWN, SIGNED_IN, Rule, _all

RULES: list[Rule] = []

# API (S-core)
RULES += [
    Rule("scheduling:api_lessons", "GET", "signed-in", SIGNED_IN, note="POST: tutors (201)"),
    Rule("scheduling:api_lessons_upcoming", "GET", "signed-in", SIGNED_IN),
    Rule(
        "scheduling:api_lessons_book",
        "POST",
        "role",
        _all(DENIED, anonymous=LOGIN),
        note="a linked student or their parent; everyone else (here: the unrelated "
        "student, the other family's parent, tutors, staff) 403",
    ),
    Rule(
        "scheduling:api_lesson_detail",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor", "student", "parent"),
        note="PATCH: the tutor only",
    ),
    Rule(
        "scheduling:api_lesson_cancel",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor", "student", "parent"),
        note="policy decides late/refused",
    ),
    Rule(
        "scheduling:api_student_lessons",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "linked_student",
        ("tutor", "student", "parent"),
        note="a tutor sees their own lessons with the student",
    ),
]
# End of API (S-core)


def objects(actors: dict) -> dict:
    """Tenant A's scheduling objects: a lesson 3 days ahead, a requested booking, the
    linked student (S-core; the page rows reuse these scopes)."""
    from tests.scheduling.factories import api_objects

    return api_objects(actors)


def kwargs(name: str, world: dict) -> dict | None:
    if name == "scheduling:api_student_lessons":
        # The URL names the student `pk` (the outsider check swaps `pk` for a missing id).
        return {"pk": world["objects"]["linked_student"]["student_pk"]}
    return None


def post_data(name: str, world: dict) -> dict | None:
    if name == "scheduling:api_lessons_book":
        from tests.scheduling.factories import at

        return {
            "tutor": world["actors"]["tutor"].pk,
            "student": world["actors"]["student"].pk,
            "start": at(5, 10).isoformat(),
            "end": at(5, 11).isoformat(),
        }
    if name == "scheduling:api_lesson_cancel":
        return {"reason": "matrix"}
    return None


# Pages (S-ui)
from tests.permission_matrix import PUBLIC, roles  # noqa: E402

RULES += [
    Rule("scheduling:calendar", "GET", "signed-in", SIGNED_IN, note="week; scoped by role"),
    Rule("scheduling:calendar_month", "GET", "signed-in", SIGNED_IN, note="scoped by role"),
    Rule("scheduling:calendar_settings", "GET", "signed-in", SIGNED_IN, note="own feed only"),
    Rule("scheduling:ical_regenerate", "POST", "signed-in", SIGNED_IN, note="own feed only"),
    Rule(
        "scheduling:ical_feed",
        "GET",
        "public",
        PUBLIC,
        note="the secret token is the credential; a wrong or revoked token 404",
    ),
    Rule("scheduling:lesson_create", "GET", "role", roles("tutor")),
    Rule("scheduling:conflict_check", "GET", "role", roles("tutor"), note="JSON; own lessons"),
    Rule("scheduling:booking_requests", "GET", "role", roles("tutor"), note="own requests"),
    Rule("scheduling:availability", "GET", "role", roles("tutor")),
    Rule("scheduling:availability_add", "POST", "role", roles("tutor")),
    Rule("scheduling:time_off_add", "POST", "role", roles("tutor")),
    Rule("scheduling:booking_settings", "GET", "role", roles("tutor")),
    Rule(
        "scheduling:school_policy",
        "GET",
        "role",
        roles("manager", "admin"),
        note="the school default",
    ),
    Rule("scheduling:book", "GET", "role", roles("student", "parent"), note="linked tutors"),
    Rule(
        "scheduling:book_slots",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "bookable_tutor",
        ("student", "parent"),
        note="a tutor linked to the student (or the parent's child); others 404",
    ),
    Rule(
        "scheduling:lesson_detail",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor", "student", "parent", "manager", "admin"),
    ),
    Rule(
        "scheduling:lesson_edit",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor",),
    ),
    Rule(
        "scheduling:lesson_cancel",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor", "student", "parent"),
        note="policy decides late/refused",
    ),
    Rule(
        "scheduling:lesson_mark",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor",),
    ),
    Rule(
        "scheduling:lesson_attendance",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor",),
    ),
    Rule(
        "scheduling:lesson_skip",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "scheduled_lesson",
        ("tutor",),
    ),
    Rule(
        "scheduling:booking_confirm",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "booking",
        ("tutor",),
    ),
    Rule(
        "scheduling:booking_decline",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "booking",
        ("tutor",),
    ),
    Rule(
        "scheduling:availability_delete",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "availability_window",
        ("tutor",),
    ),
    Rule(
        "scheduling:time_off_delete",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "time_off",
        ("tutor",),
    ),
]

_core_objects, _core_kwargs, _core_post_data = objects, kwargs, post_data


def objects(actors: dict) -> dict:  # noqa: F811 - extends S-core's hook with the pages' objects
    from tests.scheduling.ui_world import page_objects

    return {**_core_objects(actors), **page_objects(actors)}


def kwargs(name: str, world: dict) -> dict | None:  # noqa: F811
    if name == "scheduling:ical_feed":
        from scheduling.models import CalendarSettings

        return {"token": CalendarSettings.for_user(world["actors"]["tutor"]).ical_token}
    return _core_kwargs(name, world)


def post_data(name: str, world: dict) -> dict | None:  # noqa: F811
    if name == "scheduling:availability_add":
        return {"weekday": 3, "start_time": "09:00", "end_time": "10:00"}
    if name == "scheduling:time_off_add":
        from datetime import date, timedelta

        day = date.today() + timedelta(days=30)
        return {"start_date": day.isoformat(), "end_date": day.isoformat()}
    if name == "scheduling:lesson_cancel":
        return {"reason": "matrix"}
    return _core_post_data(name, world)


# End of pages (S-ui)

"""The role × URL table every test of access reads, and docs/permissions.md mirrors.

Each of the project's own URLs (views living in our apps) has one row here; a URL the
table does not know fails `tests/test_permission_matrix.py`. Third-party URLs (Wagtail's
admin, page serving, documents) are classified by prefix in THIRD_PARTY_PREFIXES and
sampled by the same test.

Expectations, per actor:
  OK         the page answers (200, or a redirect that is not to the sign-in page)
  LOGIN      anonymous visitors are sent to sign in
  ADMIN_LOGIN  sent to the Wagtail admin's sign-in (no admin access: anonymous, students,
             parents)
  DENIED     403: the role may never use this URL
  OWN        object-scoped: the object's owner gets OK; unrelated actors get the same
             answer as for an id that does not exist (404, or 403 decided by role alone)
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK = "ok"
LOGIN = "login"
ADMIN_LOGIN = "admin-login"
DENIED = "denied"
OWN = "own"

ROLES = ("anonymous", "student", "parent", "tutor", "manager", "admin")


@dataclass(frozen=True)
class Rule:
    """How one URL answers each actor. `scope` names the object kind for OWN rows."""

    name: str
    method: str  # GET or POST
    kind: str  # public / signed-in / role / object
    access: dict[str, str]
    scope: str = ""
    owners: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""


def _all(value: str, **overrides) -> dict[str, str]:
    access = {role: value for role in ROLES}
    access.update(overrides)
    return access


PUBLIC = _all(OK)
SIGNED_IN = _all(OK, anonymous=LOGIN)


def roles(*allowed: str) -> dict[str, str]:
    return {role: (OK if role in allowed else DENIED) for role in ROLES} | {"anonymous": LOGIN}


RULES: list[Rule] = [
    # Public pages
    Rule("set_language", "POST", "public", PUBLIC),
    Rule("sitemap", "GET", "public", PUBLIC),
    Rule("healthz", "GET", "public", PUBLIC),
    Rule("people:signup", "GET", "public", PUBLIC, note="signed-in users are sent on"),
    Rule("people:login", "GET", "public", PUBLIC, note="signed-in users are sent on"),
    Rule("people:password_reset", "GET", "public", PUBLIC),
    Rule("people:password_reset_done", "GET", "public", PUBLIC),
    Rule("people:password_reset_confirm", "GET", "public", PUBLIC, note="token-checked"),
    Rule("people:password_reset_complete", "GET", "public", PUBLIC),
    Rule("people:directory", "GET", "public", PUBLIC),
    Rule("people:tutor_detail", "GET", "public", PUBLIC, note="listed tutors only, else 404"),
    Rule("courses:catalog", "GET", "public", PUBLIC, note="redirects to the live catalog"),
    # Any signed-in user
    Rule("people:logout", "POST", "signed-in", PUBLIC, note="POST only"),
    Rule("people:dashboard", "GET", "signed-in", SIGNED_IN, note="one page per role"),
    Rule("people:profile", "GET", "signed-in", SIGNED_IN, note="fields depend on role"),
    Rule(
        "people:api_me_profile",
        "GET",
        "signed-in",
        _all(OK, anonymous=DENIED),
        note="JSON API: 403 for anonymous",
    ),
    Rule("people:password_change", "GET", "signed-in", SIGNED_IN),
    Rule("people:password_change_done", "GET", "signed-in", SIGNED_IN),
    Rule("people:requests", "GET", "signed-in", SIGNED_IN, note="each sees their own links"),
    Rule("people:classrooms", "GET", "signed-in", SIGNED_IN, note="scoped by selector"),
    Rule("messaging:notifications", "GET", "signed-in", SIGNED_IN, note="own only"),
    Rule("messaging:notifications_read_all", "POST", "signed-in", SIGNED_IN, note="own only"),
    # Per role
    Rule("people:tutor_request", "POST", "role", roles("student"), note="to a listed tutor"),
    Rule("people:students", "GET", "role", roles("tutor", "manager", "admin")),
    Rule("people:classroom_create", "GET", "role", roles("tutor")),
    Rule("people:family", "GET", "role", roles("student", "parent")),
    Rule("people:family_invite", "POST", "role", roles("parent")),
    # Object-scoped
    Rule(
        "people:student_detail",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "student",
        ("tutor", "parent", "manager", "admin", "student"),
    ),
    Rule(
        "people:request_accept", "POST", "object", _all(OWN, anonymous=LOGIN), "request", ("tutor",)
    ),
    Rule(
        "people:request_decline",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "request",
        ("tutor",),
    ),
    Rule(
        "people:request_withdraw",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "request",
        ("requesting_student",),
    ),
    Rule(
        "people:link_end",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "link",
        ("tutor", "student", "manager", "admin"),
    ),
    Rule(
        "people:classroom_detail",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "classroom",
        ("tutor", "student", "parent", "manager", "admin"),
    ),
    Rule(
        "people:classroom_edit",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "classroom",
        ("tutor",),
    ),
    Rule(
        "people:classroom_delete",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "classroom",
        ("tutor",),
    ),
    Rule(
        "people:classroom_member_add",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "classroom",
        ("tutor",),
    ),
    Rule(
        "people:classroom_member_remove",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "classroom_member",
        ("tutor",),
    ),
    Rule(
        "people:family_invitation_accept",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "invitation",
        ("student",),
    ),
    Rule(
        "people:family_invitation_decline",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "invitation",
        ("student",),
    ),
    Rule(
        "people:family_invitation_cancel",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "invitation",
        ("inviting_parent",),
    ),
    Rule(
        "messaging:notification_open",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "notification",
        ("student",),
    ),
]


# Courses: enrolment (lesson/task/document gating is page serving: see tests/courses/)
RULES += [
    Rule(
        "courses:enroll",
        "POST",
        "role",
        roles("student"),
        "course",
        note="self-enrolment where the course allows it",
    ),
    Rule(
        "courses:enroll_students",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "course",
        ("tutor", "manager", "admin"),
        note="tutor: own course, linked students only",
    ),
    Rule(
        "courses:enroll_classroom",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "course",
        ("tutor", "manager", "admin"),
        note="the course tutor's classrooms",
    ),
    Rule(
        "courses:enrollment_cancel",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "enrollment",
        ("student", "tutor", "manager", "admin"),
    ),
    Rule(
        "courses:progress",
        "GET",
        "role",
        roles("student", "parent"),
        note="read-only; parents see their children's",
    ),
    Rule("wagtailapi:pages:listing", "GET", "public", PUBLIC, note="no lessons or tasks"),
    Rule(
        "wagtailapi:pages:detail",
        "GET",
        "public",
        PUBLIC,
        "course",
        note="lessons and tasks 404",
    ),
]

# Learning (courses.urls_learning): progress, quiz attempts, essay grading
RULES += [
    Rule(
        "courses:lesson_complete",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "lesson",
        ("student",),
        note="enrolled students; others 404",
    ),
    Rule(
        "courses:quiz_start",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "quiz",
        ("student",),
        note="enrolled students; 409 over the attempt limit",
    ),
    Rule(
        "courses:attempt_submit",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "open_attempt",
        ("student",),
        note="the attempt's student; graded once; 400 bad answers, 409 late/twice",
    ),
    Rule(
        "courses:attempt_detail",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "attempt",
        ("student", "parent", "tutor", "manager", "admin"),
        note="review policy applies to student and parent",
    ),
    Rule("courses:grading", "GET", "role", roles("tutor"), note="own courses' essays only"),
    Rule(
        "courses:essay_grade",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "essay",
        ("tutor",),
        note="the owning tutor; other roles 403",
    ),
]


def learning_objects(actors: dict) -> dict:
    """The objects of the learning rows, owned by tenant A (`tutor` and `student`).

    A published lesson with a quiz (a choice question and an essay) in `tutor`'s course,
    `student` enrolled, one submitted attempt whose essay waits for the tutor, and one
    open attempt.
    """
    from courses.models import AttemptStatus, QuizAttempt
    from courses.services.sections import tutor_section_ensure
    from tests.courses.learning_world import (
        ESSAY,
        QUIZ_ID,
        SINGLE,
        body_with,
        enroll,
        make_course,
        quiz_block,
    )

    section = tutor_section_ensure(tutor=actors["tutor"])
    course, (lesson,) = make_course(
        section, body=body_with(quiz_block(questions=[SINGLE, ESSAY])), title="Matrix"
    )
    enroll(actors["student"], course)
    common = {
        "student": actors["student"],
        "page_translation_key": lesson.translation_key,
        "quiz_block_id": QUIZ_ID,
        "revision": lesson.live_revision,
    }
    submitted = QuizAttempt.objects.create(
        **common,
        attempt_number=1,
        status=AttemptStatus.NEEDS_GRADING,
        submitted_at=lesson.last_published_at,
        score=0,
        answers={"q-essay": "An essay."},
        result={
            "questions": [
                {
                    "question_id": "q-single",
                    "kind": "single_choice",
                    "points_awarded": "0",
                    "points_possible": "2",
                    "correct": False,
                    "status": "unanswered",
                },
                {
                    "question_id": "q-essay",
                    "kind": "essay",
                    "points_awarded": "0",
                    "points_possible": "4",
                    "correct": None,
                    "status": "pending",
                    "answer": "An essay.",
                },
            ],
            "pass_mark_percent": "50",
            "pending_question_ids": ["q-essay"],
        },
    )
    opened = QuizAttempt.objects.create(**common, attempt_number=2)
    return {
        "lesson": {"pk": lesson.pk},
        "quiz": {"pk": lesson.pk, "block_id": QUIZ_ID},
        "open_attempt": {"pk": opened.pk},
        "attempt": {"pk": submitted.pk},
        "essay": {"pk": submitted.pk, "question_id": "q-essay"},
    }


def staff_tool(*, admin_only: bool = False) -> dict[str, str]:
    """People tools in the Wagtail admin: managers and admins; tutors are refused."""
    return {
        "anonymous": ADMIN_LOGIN,
        "student": ADMIN_LOGIN,
        "parent": ADMIN_LOGIN,
        "tutor": DENIED,
        "manager": DENIED if admin_only else OK,
        "admin": OK,
    }


STAFF_NOTE = "manager: students and parents only (others 404)"
RULES += [
    Rule("people_admin:accounts", "GET", "staff", staff_tool(), note=STAFF_NOTE),
    Rule("people_admin:accounts_results", "GET", "staff", staff_tool(), note=STAFF_NOTE),
    Rule("people_admin:account_create", "GET", "staff", staff_tool(), note="roles limited"),
    Rule("people_admin:account_detail", "GET", "staff", staff_tool(), "account", note=STAFF_NOTE),
    Rule("people_admin:account_block", "POST", "staff", staff_tool(), "account", note=STAFF_NOTE),
    Rule("people_admin:account_unblock", "POST", "staff", staff_tool(), "account", note=STAFF_NOTE),
    Rule(
        "people_admin:account_reset_password",
        "POST",
        "staff",
        staff_tool(),
        "account",
        note="password shown once",
    ),
    Rule(
        "people_admin:account_deactivate",
        "POST",
        "staff",
        staff_tool(),
        "account",
        note=STAFF_NOTE,
    ),
    Rule(
        "people_admin:account_delete",
        "POST",
        "staff",
        staff_tool(),
        "account",
        note="type the e-mail to confirm",
    ),
    Rule(
        "people_admin:account_role",
        "POST",
        "staff",
        staff_tool(admin_only=True),
        "account",
        note="never one's own",
    ),
    Rule("people_admin:families", "GET", "staff", staff_tool()),
    Rule("people_admin:families_results", "GET", "staff", staff_tool()),
    Rule("people_admin:family_parent", "GET", "staff", staff_tool(), "parent_account"),
    Rule("people_admin:family_unlink", "POST", "staff", staff_tool(), "family_link"),
]

#: URLs that belong to third-party apps, classified by where they live.
THIRD_PARTY_PREFIXES = {
    "admin/": "Wagtail admin: tutors, managers and admins only (wagtailadmin.access_admin); "
    "each admin view applies Wagtail's own permission policies",
    "documents/": "Wagtail documents: served through a view that applies collection privacy",
    "_util/": "Wagtail page privacy (password / login forms for restricted pages)",
    "": "Wagtail page serving: published, unrestricted pages only",
}

#: Areas keep their rows in their own module under tests/matrix/. Each defines `RULES`
#: (a list of Rule) and may define `objects(actors) -> dict` (the objects of its OWN rows,
#: owned by tenant A), `kwargs(name, world) -> dict | None` and
#: `post_data(name, world) -> dict | None` for URLs that need more than the scope's ids.
AREA_MODULES = (
    "tests.matrix.adaptive",
    "tests.matrix.assignments",
    "tests.matrix.gradebook",
    "tests.matrix.helprequests",
    "tests.matrix.rewards",
    "tests.matrix.scheduling",
)


def areas() -> list:
    import importlib

    return [importlib.import_module(name) for name in AREA_MODULES]


for _area in areas():
    RULES += _area.RULES

RULES_BY_NAME = {rule.name: rule for rule in RULES}

SYMBOLS = {OK: "✓", LOGIN: "sign-in", ADMIN_LOGIN: "admin sign-in", DENIED: "403", OWN: "own"}


def markdown_rows() -> list[str]:
    """The URL table as docs/permissions.md shows it, one Markdown row per URL."""
    rows = []
    for rule in RULES:
        cells = [SYMBOLS[rule.access[role]] for role in ROLES]
        owners = ", ".join(rule.owners) if rule.owners else ""
        rows.append(
            f"| `{rule.name}` | {rule.method} | {rule.kind} | "
            + " | ".join(cells)
            + f" | {owners} | {rule.note} |"
        )
    return rows


if __name__ == "__main__":  # print the table for docs/permissions.md
    import sys

    sys.stdout.write("\n".join(markdown_rows()) + "\n")

"""Permission-matrix rows: Assignments and submissions (courses.assignments).

See tests/permission_matrix.py for the expectations (OK, LOGIN, DENIED, OWN) and how
`objects`, `kwargs` and `post_data` are used. Tenant A's tutor gives a published task to
their student, who hands it in with a file (the "assignment", "submission" and
"submission_file" scopes), and a second task the student has only drafted, with a file
("draft_assignment", "draft_file").
"""

from __future__ import annotations

from tests.permission_matrix import LOGIN, OWN, Rule, _all, roles

__all__ = ["RULES", "objects", "post_data"]

OWNED = _all(OWN, anonymous=LOGIN)

RULES: list[Rule] = [
    Rule("assignments:assign", "GET", "role", roles("tutor"), note="own courses and students"),
    Rule("assignments:given", "GET", "role", roles("tutor"), note="work the tutor gave"),
    Rule("assignments:queue", "GET", "role", roles("tutor"), note="hand-ins to grade"),
    Rule("assignments:mine", "GET", "role", roles("student"), note="own work"),
    Rule("assignments:children", "GET", "role", roles("parent"), note="children's work"),
    Rule(
        "assignments:detail",
        "GET",
        "object",
        OWNED,
        "assignment",
        ("student", "parent", "tutor", "manager", "admin"),
        note="the student edits; others read",
    ),
    Rule(
        "assignments:save",
        "POST",
        "object",
        OWNED,
        "draft_assignment",
        ("student",),
        note="draft or hand in; 409 once handed in",
    ),
    Rule(
        "assignments:submission_detail",
        "GET",
        "object",
        OWNED,
        "submission",
        ("tutor", "manager", "admin", "student", "parent"),
        note="student and parent are sent to the assignment",
    ),
    Rule(
        "assignments:submission_grade",
        "POST",
        "object",
        OWNED,
        "submission",
        ("tutor",),
        note="the tutor who gave it; others 403/404",
    ),
    Rule(
        "assignments:submission_return",
        "POST",
        "object",
        OWNED,
        "submission",
        ("tutor",),
        note="the tutor who gave it; others 403/404",
    ),
    Rule(
        "assignments:file_download",
        "GET",
        "object",
        OWNED,
        "submission_file",
        ("student", "tutor", "parent", "manager", "admin"),
        note="always an attachment",
    ),
    Rule(
        "assignments:file_remove",
        "POST",
        "object",
        OWNED,
        "draft_file",
        ("student",),
        note="while editable",
    ),
]


def objects(actors: dict) -> dict:
    """Tenant A's assignments: one handed in with a file, one drafted with a file."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from courses.assignments.services import (
        assignment_create,
        submission_save_draft,
        submission_submit,
    )
    from courses.services.sections import tutor_section_ensure
    from tests.courses.factories import CoursePageFactory, TaskPageFactory
    from tests.courses.learning_world import publish

    tutor, student = actors["tutor"], actors["student"]
    course = publish(
        CoursePageFactory(parent=tutor_section_ensure(tutor=tutor), title="Matrix homework")
    )
    handed_in_task = publish(TaskPageFactory(parent=course, title="Matrix essay"))
    draft_task = publish(TaskPageFactory(parent=course, title="Matrix draft"))
    due = timezone.now() + timedelta(days=7)
    handed_in = assignment_create(
        by=tutor, student=student, page=handed_in_task, due_at=due, max_points=10
    )
    submission = submission_submit(
        by=student,
        assignment=handed_in,
        text="My answer.",
        files=[SimpleUploadedFile("answer.txt", b"My answer, in a file.\n", "text/plain")],
    )
    drafted = assignment_create(
        by=tutor, student=student, page=draft_task, due_at=due, max_points=5
    )
    draft = submission_save_draft(
        by=student,
        assignment=drafted,
        text="Half done.",
        files=[SimpleUploadedFile("notes.txt", b"Notes.\n", "text/plain")],
    )
    return {
        "assignment": {"pk": handed_in.pk},
        "submission": {"pk": submission.pk},
        "submission_file": {"pk": submission.files.get().pk},
        "draft_assignment": {"pk": drafted.pk},
        "draft_file": {"pk": draft.files.get().pk},
    }


def post_data(name: str, world: dict) -> dict | None:
    if name == "assignments:save":
        return {"action": "draft", "text": "Still working on it."}
    if name == "assignments:submission_grade":
        return {"points": "7", "feedback": "Good work."}
    if name == "assignments:submission_return":
        return {"return-feedback": "Please add a conclusion."}
    return None

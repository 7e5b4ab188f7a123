"""Permission-matrix rows: the gradebook: grids, student and parent views, CSV (courses.gradebook).

See tests/permission_matrix.py for the expectations (OK, LOGIN, DENIED, OWN) and how
`objects`, `kwargs` and `post_data` are used.
"""

from __future__ import annotations

from tests.permission_matrix import LOGIN, OWN, Rule, _all, roles

GRID_OWNERS = ("tutor", "manager", "admin")
STUDENT_OWNERS = ("student", "parent", "tutor", "manager", "admin")

RULES: list[Rule] = [
    Rule(
        "gradebook:index",
        "GET",
        "role",
        roles("student", "parent", "tutor"),
        note="tutor: own courses; student: own; parent: own children (?student=)",
    ),
    Rule(
        "gradebook:course_grid",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "gradebook_course",
        GRID_OWNERS,
        note="the course's tutor and staff; enrolled students only",
    ),
    Rule(
        "gradebook:course_grid_csv",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "gradebook_course",
        GRID_OWNERS,
        note="CSV, formula cells escaped",
    ),
    Rule(
        "gradebook:student_course",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "gradebook_student",
        STUDENT_OWNERS,
        note="the student, their parents, the course's tutor, staff; enrolled only",
    ),
    Rule(
        "gradebook:student_course_csv",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "gradebook_student",
        STUDENT_OWNERS,
        note="CSV, formula cells escaped",
    ),
]


def objects(actors: dict) -> dict:
    """Tenant A's course with `student` enrolled and one graded quiz attempt."""
    from courses.services.sections import tutor_section_ensure
    from tests.courses.learning_world import enroll, make_course
    from tests.gradebook.world import graded_attempt

    section = tutor_section_ensure(tutor=actors["tutor"])
    course, (lesson,) = make_course(section, title="Gradebook matrix")
    enroll(actors["student"], course)
    graded_attempt(actors["student"], lesson, score=3)
    return {
        "gradebook_course": {"pk": course.pk},
        "gradebook_student": {"pk": course.pk, "student_pk": actors["student"].pk},
    }

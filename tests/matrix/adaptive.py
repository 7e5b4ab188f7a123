"""Permission-matrix rows: adaptive rules of a tutor's courses (courses.adaptive).

See tests/permission_matrix.py for the expectations (OK, LOGIN, DENIED, OWN) and how
`objects`, `kwargs` and `post_data` are used.
"""

from __future__ import annotations

from tests.permission_matrix import LOGIN, OWN, Rule, _all, roles

RULES: list[Rule] = [
    Rule("adaptive:rules", "GET", "role", roles("tutor"), note="own rules only"),
    Rule("adaptive:firings", "GET", "role", roles("tutor"), note="own rules' firings only"),
    Rule(
        "adaptive:alert_settings",
        "GET",
        "role",
        roles("parent"),
        note="own children only (?student=, else 404)",
    ),
    Rule(
        "adaptive:rule_create",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "adaptive_course",
        ("tutor",),
        note="the course's own tutor; other roles 403",
    ),
    Rule(
        "adaptive:rule_edit",
        "GET",
        "object",
        _all(OWN, anonymous=LOGIN),
        "adaptive_rule",
        ("tutor",),
        note="the rule's tutor; other roles 403",
    ),
    Rule(
        "adaptive:rule_deactivate",
        "POST",
        "object",
        _all(OWN, anonymous=LOGIN),
        "adaptive_rule",
        ("tutor",),
        note="the rule's tutor; other roles 403",
    ),
]


def objects(actors: dict) -> dict:
    """Tenant A's course with a quiz and `tutor`'s rule on it."""
    from courses.adaptive.models import RuleTrigger
    from courses.adaptive.services import rule_create
    from courses.services.sections import tutor_section_ensure
    from tests.courses.learning_world import QUIZ_ID, make_course

    section = tutor_section_ensure(tutor=actors["tutor"])
    course, (lesson, extra) = make_course(section, lessons=2, title="Adaptive matrix")
    rule = rule_create(
        by=actors["tutor"],
        course=course,
        trigger=RuleTrigger.QUIZ_BELOW,
        trigger_page=lesson,
        quiz_block_id=QUIZ_ID,
        threshold_percent=50,
        action_page=extra,
        due_in_days=3,
    )
    return {"adaptive_course": {"pk": course.pk}, "adaptive_rule": {"pk": rule.pk}}

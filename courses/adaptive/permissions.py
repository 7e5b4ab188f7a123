"""Who may see and change adaptive rules and alert settings.

A rule belongs to the tutor who made it, on one of their own courses: only they see,
edit or deactivate it (404 for everyone else, missing and not-yours alike). Alert
settings belong to a parent, for their own children only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from courses.models import CoursePage
from courses.permissions import is_course_owner
from people.models import User
from people.roles import Role

from .models import AdaptiveRule, AdaptiveRuleFiring


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_tutor(user) -> bool:
    return _active(user) and user.role == Role.TUTOR


def can_make_rules_on(user, course: CoursePage) -> bool:
    """Only the tutor who owns a course may put rules on it."""
    return is_tutor(user) and is_course_owner(user, course)


def rules_visible_to(user) -> QuerySet[AdaptiveRule]:
    """The tutor's own rules (nobody else sees any), with pages and course fetched."""
    if not is_tutor(user):
        return AdaptiveRule.objects.none()
    return AdaptiveRule.objects.filter(tutor=user).select_related(
        "course", "trigger_page", "action_page"
    )


def firings_visible_to(user) -> QuerySet[AdaptiveRuleFiring]:
    """Firings of the tutor's own rules."""
    if not is_tutor(user):
        return AdaptiveRuleFiring.objects.none()
    return AdaptiveRuleFiring.objects.filter(rule__tutor=user)


def get_rule_for(user, pk) -> AdaptiveRule:
    """The tutor's own rule `pk`; 404 for missing and not-yours alike."""
    try:
        return rules_visible_to(user).get(pk=pk)
    except (AdaptiveRule.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such rule.") from exc


def get_rule_course_for(user, pk) -> CoursePage:
    """A course of the tutor's own to put a rule on; 404 otherwise."""
    try:
        course = CoursePage.objects.get(pk=pk)
    except (CoursePage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such course.") from exc
    if not can_make_rules_on(user, course):
        raise Http404("No such course.")
    return course


def is_parent(user) -> bool:
    return _active(user) and user.role == Role.PARENT


def children_of(parent) -> QuerySet[User]:
    """A parent's children, by name."""
    if not is_parent(parent):
        return User.objects.none()
    return (
        User.objects.filter(role=Role.STUDENT, guardians_links__parent=parent)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def get_child_for(parent, pk) -> User:
    """One of the parent's children; 404 for any other id."""
    try:
        return children_of(parent).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such child.") from exc

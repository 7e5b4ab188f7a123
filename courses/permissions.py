"""Who may author, publish and own what in the course tree.

Page-level rights (edit, add under, move, copy, publish) are Wagtail's own page
permissions, granted per tutor by `courses.services.sections`; these helpers ask Wagtail
rather than re-implementing its rules, and add the few rules Wagtail has no notion of:
who owns a section, who may trust a tutor with publishing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import GroupPagePermission, Page

from people.roles import Role

from .models import TutorSectionPage


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_grant_publish(user) -> bool:
    """Only admins may let a tutor publish without moderation, or take that right away."""
    return _active(user) and user.role == Role.ADMIN


def can_author_under(user, page: Page) -> bool:
    """Whether `user` may add pages below `page` (Wagtail's page permissions decide)."""
    return _active(user) and page.permissions_for_user(user).can_add_subpage()


def can_edit_page(user, page: Page) -> bool:
    """Whether `user` may edit `page` in the Wagtail editor (Wagtail's page permissions)."""
    return _active(user) and page.permissions_for_user(user).can_edit()


def owning_section(page: Page) -> TutorSectionPage | None:
    """The tutor section `page` belongs to (the page itself when it is one), or None."""
    return TutorSectionPage.objects.ancestor_of(page, inclusive=True).first()


def is_page_owner_tutor(user, page: Page) -> bool:
    """Whether `user` is the tutor whose section holds `page`: the course's owning tutor."""
    if not _active(user) or user.role != Role.TUTOR:
        return False
    section = owning_section(page)
    return section is not None and section.tutor_id == user.pk


def tutor_may_publish(tutor) -> bool:
    """Whether an admin has trusted `tutor` to publish under their section directly."""
    return GroupPagePermission.objects.filter(
        group__in=_section_groups(tutor), permission__codename="publish_page"
    ).exists()


def _section_groups(tutor) -> QuerySet:
    return TutorSectionPage.objects.filter(tutor=tutor).values("editor_group")

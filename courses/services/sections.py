"""Tutor sections: each tutor's corner of the page tree, with the rights that go with it.

`tutor_section_ensure(tutor=…)` gives a tutor everything they need to author: the catalog
(if the site has none yet), their published `TutorSectionPage`, a Wagtail group of their
own ("Tutor section #<id>") holding add and change (never publish) on that section, and a
Collection of their own ("Tutor #<id>") in which that group may add, change and choose
images and documents. Wagtail's page and collection permission policies then do the
enforcing everywhere in the admin: editing, adding, moving and copying pages, choosers,
uploads. A tutor's group holds no other permissions.

Admins may trust a tutor with direct publishing (`tutor_grant_publish`), which adds the
publish permission on the section to the tutor's group; `tutor_revoke_publish` takes it
away. Both are audited in the section's history.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from people.models import User
from people.roles import Role

from ..models import CourseIndexPage, TutorSectionPage
from ..permissions import can_grant_publish
from .moderation import course_workflow_attach

logger = logging.getLogger(__name__)

#: Audit actions, written to the section's history (labels in courses.wagtail_hooks).
ACTION_PUBLISH_GRANTED = "courses.section.publish_granted"
ACTION_PUBLISH_REVOKED = "courses.section.publish_revoked"

#: Page permissions a tutor's group holds on their section: add and edit, not publish.
SECTION_PERMISSIONS = ("add", "change")
#: Collection permissions a tutor's group holds on their collection, per media model.
COLLECTION_PERMISSIONS = ("add", "change", "choose")

CATALOG_SLUG = "courses"


def section_group_name(tutor: User) -> str:
    """The name of a tutor's own Wagtail group (unique, like every group name)."""
    return f"Tutor section #{tutor.pk}"


def section_collection_name(tutor: User) -> str:
    """The name of a tutor's own Collection for images and documents."""
    return f"Tutor #{tutor.pk}"


def _page_permission(action: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=f"{action}_page"
    )


def _media_permissions() -> list[Permission]:
    permissions = []
    for model in (get_image_model(), get_document_model()):
        content_type = ContentType.objects.get_for_model(model)
        codenames = [f"{action}_{model._meta.model_name}" for action in COLLECTION_PERMISSIONS]
        permissions.extend(
            Permission.objects.filter(content_type=content_type, codename__in=codenames)
        )
    return permissions


def _catalog_parent() -> Page:
    """Where a new catalog goes: the default site's root page (the home page)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    return Page.get_first_root_node()


@transaction.atomic
def catalog_ensure() -> CourseIndexPage:
    """The catalog in the default locale, created and published under the home page if missing.

    The "Course moderation" workflow is attached to it either way, so that nothing a
    tutor writes below it goes live without a moderator. Created directly in the tree
    (not through the admin), so `home.HomePage.subpage_types` does not have to list the
    catalog for this to work.
    """
    default_locale = Locale.get_default()
    catalog = CourseIndexPage.objects.filter(locale=default_locale).order_by("path").first()
    if catalog is None:
        catalog = CourseIndexPage.objects.order_by("path").first()
    if catalog is None:
        parent = _catalog_parent()
        with translation.override(default_locale.language_code):
            title = gettext("Courses")
        catalog = CourseIndexPage(title=title, slug=CATALOG_SLUG, locale=parent.locale)
        parent.add_child(instance=catalog)
        catalog.save_revision().publish()
        logger.info("Created the course catalog (page %s).", catalog.pk)
    course_workflow_attach(catalog=catalog)
    return catalog


def _section_title(tutor: User) -> str:
    """The tutor's full name; never their e-mail address, which would make it public."""
    name = tutor.get_full_name().strip()
    if name:
        return name[:255]
    with translation.override(Locale.get_default().language_code):
        return gettext("Tutor %(number)s") % {"number": tutor.pk}


def _section_slug(tutor: User) -> str:
    base = slugify(tutor.get_full_name()) or "tutor"
    return f"{base[:200]}-{tutor.pk}"


def _ensure_group(tutor: User, section: TutorSectionPage | None) -> Group:
    if section is not None and section.editor_group_id:
        return section.editor_group
    group, _ = Group.objects.get_or_create(name=section_group_name(tutor))
    return group


def _ensure_collection(tutor: User, section: TutorSectionPage | None) -> Collection:
    if section is not None and section.collection_id:
        return section.collection
    root = Collection.get_first_root_node()
    name = section_collection_name(tutor)
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(instance=Collection(name=name))
    return collection


def section_permissions_sync(*, tutor: User) -> None:
    """Give the tutor's group add/change on every one of their section pages (all locales).

    Also used when a section is translated or aliased into another locale, so the tutor
    can author translations of their courses there. Publish rights follow the same pages
    when the tutor has been trusted with them. Idempotent.
    """
    sections = list(TutorSectionPage.objects.filter(tutor=tutor))
    groups = Group.objects.filter(pk__in={s.editor_group_id for s in sections if s.editor_group_id})
    for group in groups:
        actions = list(SECTION_PERMISSIONS)
        if GroupPagePermission.objects.filter(
            group=group, permission__codename="publish_page"
        ).exists():
            actions.append("publish")
        for action in actions:
            permission = _page_permission(action)
            for section in sections:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=section, permission=permission
                )


def _create_section(*, tutor: User, catalog: CourseIndexPage, group, collection):
    section = TutorSectionPage(
        title=_section_title(tutor),
        slug=_section_slug(tutor),
        locale=catalog.locale,
        tutor=tutor,
        owner=tutor,
        editor_group=group,
        collection=collection,
    )
    catalog.add_child(instance=section)
    section.save_revision(user=None, log_action=False).publish(log_action=False)
    logger.info("Created the section of tutor %s (page %s).", tutor.pk, section.pk)
    return section


@transaction.atomic
def tutor_section_ensure(*, tutor: User) -> TutorSectionPage:
    """Get or create `tutor`'s section, group and collection, and put the tutor in the group.

    Idempotent: calling it again changes nothing but repairs what is missing (a deleted
    group or collection is recreated and re-linked; the permissions are re-granted).
    Creates the catalog first if the site has none. The section is published at once,
    titled with the tutor's full name (never their e-mail address); its slug is the name
    plus the user id, so two tutors with the same name never collide. Raises
    ValidationError for a user who is not an active tutor.
    """
    if tutor.role != Role.TUTOR or not tutor.is_active:
        raise ValidationError(_("Only active tutors have a course section."), code="invalid")
    catalog = catalog_ensure()
    section = TutorSectionPage.objects.filter(tutor=tutor, locale=catalog.locale).first()
    group = _ensure_group(tutor, section)
    collection = _ensure_collection(tutor, section)
    if section is None:
        try:
            with transaction.atomic():
                section = _create_section(
                    tutor=tutor, catalog=catalog, group=group, collection=collection
                )
        except IntegrityError:
            # Another request created it meanwhile (the tutor-per-locale constraint).
            section = TutorSectionPage.objects.filter(tutor=tutor, locale=catalog.locale).first()
            if section is None:
                raise
    # Link the group and collection on every locale's section without a new revision:
    # they describe the page as a whole (see TutorSectionPage.with_content_json).
    TutorSectionPage.objects.filter(tutor=tutor).update(editor_group=group, collection=collection)
    section.editor_group, section.collection = group, collection

    section_permissions_sync(tutor=tutor)
    for permission in _media_permissions():
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )
    tutor.groups.add(group)
    return section


@transaction.atomic
def tutor_section_access_revoke(*, user: User) -> int:
    """Take `user` out of their section group(s), e.g. when they stop being a tutor.

    Their pages and media stay (courses may have students); only the right to edit them
    goes. Returns how many groups they left.
    """
    groups = list(
        user.groups.filter(
            Q(name=section_group_name(user))
            | Q(pk__in=TutorSectionPage.objects.filter(tutor=user).values("editor_group"))
        )
    )
    if groups:
        user.groups.remove(*groups)
    return len(groups)


def tutor_section_sync(*, user: User) -> TutorSectionPage | None:
    """Match a user's section access to their role: ensure it for tutors, revoke it otherwise.

    The one call `people.services.accounts` makes after creating a user or changing a
    role. Returns the section of an active tutor, None for everyone else.
    """
    if user.role == Role.TUTOR and user.is_active:
        return tutor_section_ensure(tutor=user)
    tutor_section_access_revoke(user=user)
    return None


def _publish_permissions(group: Group, sections) -> list[GroupPagePermission]:
    return list(
        GroupPagePermission.objects.filter(
            group=group, page__in=sections, permission__codename="publish_page"
        )
    )


@transaction.atomic
def tutor_grant_publish(*, tutor: User, by: User) -> TutorSectionPage:
    """Let a trusted tutor publish under their own section without moderation (admins only).

    Adds the publish permission on each of the tutor's section pages to their group;
    audited as `courses.section.publish_granted` in the section's history when anything
    changed. Raises PermissionDenied for anyone but an admin, ValidationError for a user
    who is not an active tutor.
    """
    if not can_grant_publish(by):
        raise PermissionDenied(_("Only an admin may let a tutor publish."))
    section = tutor_section_ensure(tutor=tutor)
    sections = list(TutorSectionPage.objects.filter(tutor=tutor))
    permission = _page_permission("publish")
    created = [
        GroupPagePermission.objects.get_or_create(
            group=section.editor_group, page=page, permission=permission
        )[1]
        for page in sections
    ]
    if any(created):
        log(instance=section, action=ACTION_PUBLISH_GRANTED, user=by, data={"tutor": tutor.pk})
    return section


@transaction.atomic
def tutor_revoke_publish(*, tutor: User, by: User) -> TutorSectionPage:
    """Send a tutor's pages back through moderation (admins only); audited when it changed.

    Removes the publish permission from the tutor's group on all their section pages.
    Raises PermissionDenied for anyone but an admin, ValidationError for a non-tutor.
    """
    if not can_grant_publish(by):
        raise PermissionDenied(_("Only an admin may change a tutor's publishing rights."))
    section = tutor_section_ensure(tutor=tutor)
    sections = TutorSectionPage.objects.filter(tutor=tutor)
    grants = _publish_permissions(section.editor_group, sections)
    if grants:
        GroupPagePermission.objects.filter(pk__in=[grant.pk for grant in grants]).delete()
        log(instance=section, action=ACTION_PUBLISH_REVOKED, user=by, data={"tutor": tutor.pk})
    return section


def on_copy_for_translation_done(sender, source_obj, target_obj, **kwargs) -> None:
    """`copy_for_translation_done` receiver: translated catalogs and sections keep their rules.

    A catalog translated (or aliased) into another locale gets the moderation workflow; a
    tutor section gets the tutor's group permissions, so the tutor can author the
    translations of their courses under it.
    """
    target = getattr(target_obj, "specific", target_obj)
    if isinstance(target, CourseIndexPage):
        course_workflow_attach(catalog=target)
    elif isinstance(target, TutorSectionPage) and target.tutor_id:
        section_permissions_sync(tutor=target.tutor)

"""Tutor sections: what `tutor_section_ensure` creates, publish grants, and the fences.

The fences are tested through the real Wagtail admin views with the test client: a tutor
cannot edit, add under, move into or copy into another tutor's section, nor choose or
edit another tutor's images and documents; an admin can do all of it.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageLogEntry,
    Site,
    WorkflowPage,
)

from courses.models import CourseIndexPage, CoursePage, TutorSectionPage
from courses.permissions import (
    can_author_under,
    can_edit_page,
    can_grant_publish,
    is_page_owner_tutor,
    owning_section,
    tutor_may_publish,
)
from courses.selectors import tutor_courses, tutor_section_get
from courses.services.moderation import WORKFLOW_NAME
from courses.services.sections import (
    ACTION_PUBLISH_GRANTED,
    ACTION_PUBLISH_REVOKED,
    section_collection_name,
    section_group_name,
    tutor_grant_publish,
    tutor_revoke_publish,
    tutor_section_ensure,
    tutor_section_sync,
)
from people.models import User
from people.roles import GROUP_TUTORS, Role
from tests import factories
from tests.courses.factories import CoursePageFactory, make_document, make_image

pytestmark = pytest.mark.django_db


def page_codenames(group, page):
    return set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    )


def collection_codenames(group, collection):
    return set(
        GroupCollectionPermission.objects.filter(group=group, collection=collection).values_list(
            "permission__codename", flat=True
        )
    )


# ---------------------------------------------------------------------------------------
# tutor_section_ensure
# ---------------------------------------------------------------------------------------


def test_ensure_creates_catalog_section_group_and_collection(tutor):
    assert not CourseIndexPage.objects.exists()

    section = tutor_section_ensure(tutor=tutor)

    catalog = section.get_parent().specific
    assert isinstance(catalog, CourseIndexPage)
    assert catalog.live and catalog.slug == "courses"
    home = Site.objects.get(is_default_site=True).root_page
    assert catalog.get_parent().pk == home.pk
    assert WorkflowPage.objects.get(page=catalog).workflow.name == WORKFLOW_NAME

    assert section.tutor == tutor
    assert section.live and section.get_latest_revision() is not None
    assert section.title == tutor.get_full_name()
    assert section.slug.endswith(f"-{tutor.pk}")

    group = Group.objects.get(name=section_group_name(tutor))
    assert section.editor_group == group
    assert tutor.groups.filter(pk=group.pk).exists()
    assert page_codenames(group, section) == {"add_page", "change_page"}
    assert not GroupPagePermission.objects.filter(group=group).exclude(page=section).exists()
    assert not group.permissions.exists()  # no global permissions at all

    collection = Collection.objects.get(name=section_collection_name(tutor))
    assert section.collection == collection
    assert collection.get_parent() == Collection.get_first_root_node()
    assert collection_codenames(group, collection) == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }
    assert (
        not GroupCollectionPermission.objects.filter(group=group)
        .exclude(collection=collection)
        .exists()
    )


def test_ensure_is_idempotent(tutor):
    first = tutor_section_ensure(tutor=tutor)
    counts = (
        Page.objects.count(),
        Group.objects.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        WorkflowPage.objects.count(),
    )
    second = tutor_section_ensure(tutor=tutor)
    assert second.pk == first.pk
    assert counts == (
        Page.objects.count(),
        Group.objects.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        WorkflowPage.objects.count(),
    )
    assert tutor.groups.filter(name=section_group_name(tutor)).count() == 1


def test_two_tutors_share_the_catalog_and_get_separate_sections(tutor, other_tutor):
    mine = tutor_section_ensure(tutor=tutor)
    theirs = tutor_section_ensure(tutor=other_tutor)
    assert CourseIndexPage.objects.count() == 1
    assert mine.get_parent().pk == theirs.get_parent().pk
    assert mine.editor_group != theirs.editor_group
    assert mine.collection != theirs.collection
    assert not tutor.groups.filter(pk=theirs.editor_group_id).exists()


def test_ensure_repairs_a_deleted_group_and_collection(tutor):
    section = tutor_section_ensure(tutor=tutor)
    section.editor_group.delete()
    section.collection.delete()

    repaired = tutor_section_ensure(tutor=tutor)

    repaired.refresh_from_db()
    assert repaired.pk == section.pk
    assert repaired.editor_group.name == section_group_name(tutor)
    assert repaired.collection.name == section_collection_name(tutor)
    assert page_codenames(repaired.editor_group, repaired) == {"add_page", "change_page"}
    assert "choose_image" in collection_codenames(repaired.editor_group, repaired.collection)
    assert tutor.groups.filter(pk=repaired.editor_group_id).exists()


def test_section_title_never_shows_the_email_address(db):
    tutor = factories.TutorFactory(first_name="", last_name="", email="secret@example.test")
    section = tutor_section_ensure(tutor=tutor)
    assert "secret" not in section.title and "secret" not in section.slug
    assert section.title == f"Tutor {tutor.pk}"
    assert section.slug == f"tutor-{tutor.pk}"


def test_same_name_tutors_get_distinct_slugs(db):
    first = factories.TutorFactory(first_name="Ann", last_name="Lee")
    second = factories.TutorFactory(first_name="Ann", last_name="Lee")
    assert tutor_section_ensure(tutor=first).slug != tutor_section_ensure(tutor=second).slug


@pytest.mark.parametrize("make", [factories.StudentFactory, factories.ParentFactory])
def test_only_tutors_get_a_section(make):
    user = make()
    with pytest.raises(ValidationError):
        tutor_section_ensure(tutor=user)
    assert not TutorSectionPage.objects.exists()


def test_inactive_tutor_gets_no_section(db):
    tutor = factories.TutorFactory(is_active=False)
    with pytest.raises(ValidationError):
        tutor_section_ensure(tutor=tutor)


def test_sync_follows_the_role(tutor):
    section = tutor_section_sync(user=tutor)
    assert section is not None and tutor.groups.filter(pk=section.editor_group_id).exists()

    tutor.role = Role.STUDENT
    tutor.save(update_fields=["role"])
    assert tutor_section_sync(user=tutor) is None
    assert not tutor.groups.filter(pk=section.editor_group_id).exists()
    assert TutorSectionPage.objects.filter(pk=section.pk).exists()  # content stays

    tutor.role = Role.TUTOR
    tutor.save(update_fields=["role"])
    assert tutor_section_sync(user=tutor).pk == section.pk
    assert tutor.groups.filter(pk=section.editor_group_id).exists()


def test_sync_for_a_student_creates_nothing(student):
    assert tutor_section_sync(user=student) is None
    assert not TutorSectionPage.objects.exists()
    assert not CourseIndexPage.objects.exists()


# ---------------------------------------------------------------------------------------
# Selectors and permission helpers
# ---------------------------------------------------------------------------------------


def test_selectors_and_helpers_scope_to_the_tutor(section, other_section, tutor, other_tutor):
    mine = CoursePageFactory(parent=section, live=False)
    theirs = CoursePageFactory(parent=other_section)

    assert tutor_section_get(tutor=tutor).pk == section.pk
    assert list(tutor_courses(tutor=tutor)) == [mine]
    assert list(tutor_courses(tutor=other_tutor)) == [theirs]
    assert owning_section(mine).pk == section.pk
    assert is_page_owner_tutor(tutor, mine)
    assert not is_page_owner_tutor(tutor, theirs)
    assert not is_page_owner_tutor(other_tutor, mine)

    assert can_author_under(tutor, section) and can_author_under(tutor, mine)
    assert not can_author_under(tutor, other_section)
    assert can_edit_page(tutor, mine) and not can_edit_page(tutor, theirs)
    assert not can_edit_page(tutor, section.get_parent())  # the catalog is not theirs


def test_only_admins_may_grant_publish(admin_user, manager, tutor, student):
    assert can_grant_publish(admin_user)
    assert not any(can_grant_publish(user) for user in (manager, tutor, student, None))


# ---------------------------------------------------------------------------------------
# Publish rights for trusted tutors
# ---------------------------------------------------------------------------------------


def test_admin_grants_and_revokes_publish_with_an_audit_trail(section, tutor, admin_user):
    assert not tutor_may_publish(tutor)
    assert not section.permissions_for_user(tutor).can_publish()

    tutor_grant_publish(tutor=tutor, by=admin_user)
    tutor_grant_publish(tutor=tutor, by=admin_user)  # idempotent, audited once

    assert tutor_may_publish(tutor)
    assert page_codenames(section.editor_group, section) == {
        "add_page",
        "change_page",
        "publish_page",
    }
    fresh = User.objects.get(pk=tutor.pk)  # Wagtail caches permissions on the user object
    assert section.permissions_for_user(fresh).can_publish()
    granted = PageLogEntry.objects.filter(page=section, action=ACTION_PUBLISH_GRANTED)
    assert granted.count() == 1 and granted.get().user == admin_user

    tutor_revoke_publish(tutor=tutor, by=admin_user)
    tutor_revoke_publish(tutor=tutor, by=admin_user)

    assert not tutor_may_publish(tutor)
    assert page_codenames(section.editor_group, section) == {"add_page", "change_page"}
    revoked = PageLogEntry.objects.filter(page=section, action=ACTION_PUBLISH_REVOKED)
    assert revoked.count() == 1


def test_publish_grant_shows_in_the_page_history(section, tutor, admin_user, client_for):
    tutor_grant_publish(tutor=tutor, by=admin_user)
    response = client_for(admin_user).get(reverse("wagtailadmin_pages:history", args=[section.pk]))
    assert response.status_code == 200
    assert "Allowed the tutor to publish without moderation" in response.content.decode()


@pytest.mark.parametrize("who", ["manager", "tutor", "other_tutor", "student"])
def test_non_admins_cannot_grant_or_revoke_publish(request, section, tutor, who):
    by = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        tutor_grant_publish(tutor=tutor, by=by)
    with pytest.raises(PermissionDenied):
        tutor_revoke_publish(tutor=tutor, by=by)
    assert not tutor_may_publish(tutor)
    assert not PageLogEntry.objects.filter(action=ACTION_PUBLISH_GRANTED).exists()


def test_grant_publish_refuses_a_non_tutor(admin_user, student):
    with pytest.raises(ValidationError):
        tutor_grant_publish(tutor=student, by=admin_user)


# ---------------------------------------------------------------------------------------
# The fences, through the Wagtail admin
# ---------------------------------------------------------------------------------------


@pytest.fixture
def pages(section, other_section):
    """A draft course of the tutor, and a live course of the other tutor."""
    return {
        "mine": CoursePageFactory(parent=section, live=False, title="Mine"),
        "theirs": CoursePageFactory(parent=other_section, title="Theirs"),
    }


def admin_url(name, *args):
    return reverse(f"wagtailadmin_pages:{name}", args=args)


def test_tutor_uses_admin_only_through_their_groups(tutor, section):
    assert set(tutor.groups.values_list("name", flat=True)) == {
        GROUP_TUTORS,
        section_group_name(tutor),
    }


def test_tutor_edits_own_course_but_not_another_tutors(client_for, tutor, pages):
    client = client_for(tutor)
    assert client.get(admin_url("edit", pages["mine"].pk)).status_code == 200

    response = client.get(admin_url("edit", pages["theirs"].pk))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")

    response = client.post(
        admin_url("edit", pages["theirs"].pk),
        {"title": "Hijacked", "slug": "hijacked", "summary": "x"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    theirs = CoursePage.objects.get(pk=pages["theirs"].pk)
    assert theirs.title == "Theirs" and theirs.get_latest_revision() is None


def test_tutor_cannot_edit_another_tutors_section_or_the_catalog(
    client_for, tutor, section, other_section
):
    client = client_for(tutor)
    assert client.get(admin_url("edit", section.pk)).status_code == 200
    assert client.get(admin_url("edit", other_section.pk)).status_code == 302
    assert client.get(admin_url("edit", section.get_parent().pk)).status_code == 302


def test_tutor_adds_under_own_section_only(client_for, tutor, section, other_section, pages):
    client = client_for(tutor)
    assert client.get(admin_url("add", "courses", "coursepage", section.pk)).status_code == 200

    for parent in (other_section, pages["theirs"]):
        model = "coursepage" if parent == other_section else "lessonpage"
        url = admin_url("add", "courses", model, parent.pk)
        assert client.get(url).status_code == 302
        response = client.post(url, {"title": "Sneaky", "slug": "sneaky", "summary": "x"})
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert not Page.objects.filter(slug="sneaky").exists()
    assert other_section.get_children().count() == 1


def test_tutor_cannot_move_own_page_into_another_section(client_for, tutor, other_section, pages):
    client = client_for(tutor)
    mine = pages["mine"]
    url = admin_url("move_confirm", mine.pk, other_section.pk)

    assert client.get(url).status_code == 302
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == admin_url("move", mine.pk)
    assert Page.objects.get(pk=mine.pk).get_parent().pk != other_section.pk


def test_tutor_cannot_move_another_tutors_page(client_for, tutor, section, pages):
    client = client_for(tutor)
    theirs = pages["theirs"]
    response = client.post(admin_url("move_confirm", theirs.pk, section.pk))
    assert response.status_code == 302 and response["Location"] == admin_url("move", theirs.pk)
    assert client.get(admin_url("move", theirs.pk))["Location"] == reverse("wagtailadmin_home")
    assert not Page.objects.get(pk=theirs.pk).is_child_of(section)


def test_tutor_cannot_copy_into_another_section(client_for, tutor, section, other_section, pages):
    client = client_for(tutor)
    mine = pages["mine"]
    data = {
        "new_title": "Copied",
        "new_slug": "copied",
        "new_parent_page": other_section.pk,
        "copy_subpages": "",
        "publish_copies": "",
    }
    response = client.post(admin_url("copy", mine.pk), data)
    assert response.status_code == 200  # the form again, with an error on the parent
    assert response.context["form"].errors["new_parent_page"]
    assert not Page.objects.filter(slug="copied").exists()

    # Into their own section it works: the fence is the destination, not copying itself.
    data["new_parent_page"] = section.pk
    response = client.post(admin_url("copy", mine.pk), data)
    assert response.status_code == 302
    assert Page.objects.get(slug="copied").get_parent().pk == section.pk


def test_tutor_cannot_copy_another_tutors_page(client_for, tutor, section, pages):
    client = client_for(tutor)
    data = {"new_title": "Stolen", "new_slug": "stolen", "new_parent_page": section.pk}
    response = client.post(admin_url("copy", pages["theirs"].pk), data)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not Page.objects.filter(slug="stolen").exists()


def test_admin_may_edit_add_move_and_copy_anywhere(
    client_for, admin_user, section, other_section, pages
):
    client = client_for(admin_user)
    assert client.get(admin_url("edit", pages["theirs"].pk)).status_code == 200
    assert (
        client.get(admin_url("add", "courses", "coursepage", other_section.pk)).status_code == 200
    )

    response = client.post(admin_url("move_confirm", pages["mine"].pk, other_section.pk))
    assert response.status_code == 302
    assert Page.objects.get(pk=pages["mine"].pk).get_parent().pk == other_section.pk

    data = {
        "new_title": "Admin copy",
        "new_slug": "admin-copy",
        "new_parent_page": section.pk,
        "copy_subpages": "",
        "publish_copies": "",
    }
    assert client.post(admin_url("copy", pages["theirs"].pk), data).status_code == 302
    assert Page.objects.get(slug="admin-copy").get_parent().pk == section.pk


def test_nobody_copies_a_section(client_for, admin_user, section):
    client = client_for(admin_user)
    data = {
        "new_title": "Second section",
        "new_slug": "second-section",
        "new_parent_page": section.get_parent().pk,
    }
    response = client.post(admin_url("copy", section.pk), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore", args=[section.get_parent().pk])
    assert TutorSectionPage.objects.count() == 1


# ---------------------------------------------------------------------------------------
# Images and documents: each tutor's own collection
# ---------------------------------------------------------------------------------------


@pytest.fixture
def media(section, other_section):
    return {
        "my_image": make_image(title="My leaf picture", collection=section.collection),
        "their_image": make_image(
            title="Their secret diagram", collection=other_section.collection
        ),
        "my_doc": make_document(title="My worksheet", collection=section.collection),
        "their_doc": make_document(title="Their answer sheet", collection=other_section.collection),
    }


def test_the_shared_tutors_group_holds_no_collection_permission(db):
    """Wagtail's migrations give admin-access groups "choose" on the root collection."""
    assert not GroupCollectionPermission.objects.filter(group__name=GROUP_TUTORS).exists()


def test_image_chooser_lists_only_the_tutors_own_images(client_for, tutor, media):
    response = client_for(tutor).get(reverse("wagtailimages_chooser:choose"))
    assert response.status_code == 200
    html = response.content.decode()
    assert media["my_image"].title in html
    assert media["their_image"].title not in html


def test_document_chooser_lists_only_the_tutors_own_documents(client_for, tutor, media):
    response = client_for(tutor).get(reverse("wagtaildocs_chooser:choose"))
    assert response.status_code == 200
    html = response.content.decode()
    assert media["my_doc"].title in html
    assert media["their_doc"].title not in html


def test_tutor_cannot_choose_or_edit_another_tutors_media_directly(client_for, tutor, media):
    client = client_for(tutor)
    chosen = client.get(reverse("wagtailimages_chooser:chosen", args=[media["their_image"].pk]))
    assert chosen.status_code in (302, 403, 404)
    assert media["their_image"].title not in chosen.content.decode()
    edit = client.get(reverse("wagtailimages:edit", args=[media["their_image"].pk]))
    assert edit.status_code == 302 and edit["Location"] == reverse("wagtailadmin_home")
    edit = client.get(reverse("wagtaildocs:edit", args=[media["their_doc"].pk]))
    assert edit.status_code == 302 and edit["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailimages:edit", args=[media["my_image"].pk])).status_code == 200


def test_uploads_can_only_go_to_the_tutors_collection(client_for, tutor, section, media):
    response = client_for(tutor).get(reverse("wagtailimages:add"))
    assert response.status_code == 200
    field = response.context["form"].fields.get("collection")
    # With a single permitted collection Wagtail drops the field and uses that collection.
    if field is not None:
        assert {c.pk for c in field.queryset} == {section.collection_id}


def test_admin_chooser_lists_everyones_images(client_for, admin_user, media):
    html = client_for(admin_user).get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert media["my_image"].title in html and media["their_image"].title in html

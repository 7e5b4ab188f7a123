"""Moderation end to end, through the Wagtail admin: tutors submit, Moderators decide.

A tutor writes a course and a lesson in the editor and submits them (they cannot publish);
a moderator approves (the page goes live, the tutor is notified) or requests changes with
a comment (the page stays unpublished, the tutor is notified with the comment, the page
history holds it). Drafts, revisions, previews and scheduled publishing keep working.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PageLogEntry,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.services.moderation import (
    TASK_NAME,
    WORKFLOW_NAME,
    course_workflow_attach,
    course_workflow_attach_all,
    course_workflow_ensure,
)
from courses.services.sections import tutor_grant_publish
from messaging.models import Notification
from people.models import User
from people.roles import GROUP_MODERATORS
from tests import factories
from tests.courses.factories import CoursePageFactory

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"wagtailadmin_pages:{name}", args=args)


def form_data(client, url, **fields):
    """The page form at `url` as the browser would post it, with `fields` filled in."""
    response = client.get(url)
    assert response.status_code == 200, response.get("Location")
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.update(fields)
    return data


def add_course(client, section, *, action="action-submit", slug="botany"):
    """Create a course through the admin's add view as the signed-in user."""
    url = admin_url("add", "courses", "coursepage", section.pk)
    data = form_data(
        client,
        url,
        title="Botany basics",
        slug=slug,
        summary="How plants live.",
        subject=factories.SubjectFactory().pk,
        level=factories.LevelFactory().pk,
        language="en",
        self_enroll="on",
        estimated_duration_minutes="90",
    )
    data[action] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["form"].errors
    )
    return CoursePage.objects.get(slug=slug)


def add_lesson(client, course, *, action=None, slug="leaves"):
    """Create a lesson with a StreamField body through the admin as the signed-in user."""
    url = admin_url("add", "courses", "lessonpage", course.pk)
    data = form_data(client, url)
    data.update(
        nested_form_data(
            {
                "title": "Why leaves are green",
                "slug": slug,
                "summary": "Chlorophyll.",
                "body": streamfield(
                    [
                        ("heading", {"text": "Chlorophyll", "level": "h2"}),
                        ("text", {"text": rich_text("<p>It absorbs red and blue light.</p>")}),
                    ]
                ),
            }
        )
    )
    if action:
        data[action] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    return LessonPage.objects.get(slug=slug)


def submit(client, page):
    """Submit an existing draft course for moderation from its edit view."""
    data = form_data(client, admin_url("edit", page.pk))
    data["action-submit"] = "1"
    response = client.post(admin_url("edit", page.pk), data)
    assert response.status_code == 302


def workflow_action(client, page, action, comment=""):
    state = WorkflowState.objects.active().for_instance(page).get()
    return client.post(
        admin_url("workflow_action", page.pk, action, state.current_task_state.pk),
        {"comment": comment},
    )


# ---------------------------------------------------------------------------------------
# The workflow itself
# ---------------------------------------------------------------------------------------


def test_migration_created_the_workflow_for_moderators(db):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert workflow.active
    task = workflow.tasks.get().specific
    assert isinstance(task, GroupApprovalTask) and task.name == TASK_NAME
    assert list(task.groups.values_list("name", flat=True)) == [GROUP_MODERATORS]


def test_workflow_ensure_is_idempotent_and_reactivates(db):
    first = course_workflow_ensure()
    first.active = False
    first.save()
    second = course_workflow_ensure()
    assert second.pk == first.pk and second.active
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert GroupApprovalTask.objects.filter(name=TASK_NAME).count() == 1
    assert second.workflow_tasks.count() == 1


def test_catalog_pages_get_the_workflow(section, catalog):
    assert catalog.get_workflow().name == WORKFLOW_NAME
    course = CoursePageFactory(parent=section, live=False)
    assert course.get_workflow().name == WORKFLOW_NAME
    assert course.has_workflow


def test_attach_keeps_an_admins_own_workflow_choice(catalog):
    other = Workflow.objects.create(name="Two reviewers")
    WorkflowPage.objects.filter(page=catalog).update(workflow=other)
    course_workflow_attach(catalog=catalog)
    assert WorkflowPage.objects.get(page=catalog).workflow == other
    assert course_workflow_attach_all() == 0


def test_catalog_created_in_the_admin_gets_the_workflow(client_for, admin_user):
    home = Page.objects.get(depth=2)
    url = admin_url("add", "courses", "courseindexpage", home.pk)
    client = client_for(admin_user)
    data = form_data(client, url, title="Courses", slug="courses")
    data["action-publish"] = "1"
    assert client.post(url, data).status_code == 302
    catalog = CourseIndexPage.objects.get()
    assert WorkflowPage.objects.get(page=catalog).workflow.name == WORKFLOW_NAME


# ---------------------------------------------------------------------------------------
# End to end
# ---------------------------------------------------------------------------------------


def test_tutor_submits_and_a_moderator_approves(client, section, tutor, moderator):
    client.force_login(tutor)
    course = add_course(client, section)
    lesson = add_lesson(client, course, action="action-submit")

    assert not course.live and not lesson.live
    assert course.workflow_in_progress and lesson.workflow_in_progress
    assert course.current_workflow_state.requested_by == tutor

    client.force_login(moderator)
    for page in (course, lesson):
        response = workflow_action(client, page, "approve", comment="Looks good")
        assert response.status_code == 302

    course.refresh_from_db()
    lesson.refresh_from_db()
    assert course.live and lesson.live
    assert course.self_enroll and course.estimated_duration_minutes == 90
    assert not course.workflow_in_progress
    assert [block.block_type for block in lesson.body] == ["heading", "text"]

    notes = Notification.objects.filter(recipient=tutor, kind=Notification.Kind.COURSE_APPROVED)
    assert notes.count() == 2
    course_note = notes.get(text__contains="Botany basics")
    assert course_note.link == course.url and course_note.link.startswith("/courses/")

    client.force_login(tutor)  # lessons are gated (enrolled, owner, staff): the owner sees it live
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "It absorbs red and blue light." in response.content.decode()


def test_moderator_requests_changes_with_a_comment(client, section, tutor, admin_user):
    client.force_login(tutor)
    course = add_course(client, section)
    mail.outbox.clear()

    client.force_login(admin_user)
    response = workflow_action(client, course, "reject", comment="Please add a cover image.")
    assert response.status_code == 302

    course.refresh_from_db()
    assert not course.live
    state = WorkflowState.objects.for_instance(course).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.status == TaskState.STATUS_REJECTED
    assert state.current_task_state.comment == "Please add a cover image."

    note = Notification.objects.get(recipient=tutor, kind=Notification.Kind.COURSE_REJECTED)
    assert "Botany basics" in note.text and "Please add a cover image." in note.text
    assert note.link == admin_url("edit", course.pk)
    # One e-mail, Wagtail's own (the in-app notification does not send a second one).
    to_tutor = [m for m in mail.outbox if tutor.email in m.to]
    assert len(to_tutor) == 1 and "Please add a cover image." in to_tutor[0].body

    # The tutor sees the decision and the comment in the page history.
    assert PageLogEntry.objects.filter(page=course, action="wagtail.workflow.reject").exists()
    client.force_login(tutor)
    history = client.get(admin_url("history", course.pk))
    assert history.status_code == 200
    assert "Please add a cover image." in history.content.decode()

    # ...and may fix it and resubmit.
    submit(client, course)
    course.refresh_from_db()
    assert course.workflow_in_progress


def test_tutor_cannot_publish_directly(client, section, tutor):
    client.force_login(tutor)
    course = add_course(client, section, action="action-publish")
    course.refresh_from_db()
    assert not course.live
    assert course.get_latest_revision() is not None
    assert not Notification.objects.filter(kind=Notification.Kind.COURSE_APPROVED).exists()


def test_tutor_cannot_approve_their_own_submission(client, section, tutor):
    client.force_login(tutor)
    course = add_course(client, section)
    response = workflow_action(client, course, "approve")
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    course.refresh_from_db()
    assert not course.live and course.workflow_in_progress


def test_another_tutor_cannot_moderate(client, section, tutor, other_tutor, other_section):
    """Moderation is the Moderators' job: a tutor's add/change rights do not include it."""
    client.force_login(tutor)
    course = add_course(client, section)
    client.force_login(other_tutor)
    response = workflow_action(client, course, "approve")
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    course.refresh_from_db()
    assert not course.live


def test_trusted_tutor_publishes_without_moderation(client, section, tutor, admin_user):
    tutor_grant_publish(tutor=tutor, by=admin_user)
    client.force_login(User.objects.get(pk=tutor.pk))
    course = add_course(client, section, action="action-publish")
    course.refresh_from_db()
    assert course.live
    assert not WorkflowState.objects.for_instance(course).exists()


def test_moderation_is_not_notified_to_the_moderator_who_submitted(client, admin_user, section):
    client.force_login(admin_user)
    course = add_course(client, section)
    workflow_action(client, course, "approve")
    course.refresh_from_db()
    assert course.live
    assert not Notification.objects.filter(recipient=admin_user).exists()


# ---------------------------------------------------------------------------------------
# Drafts, revisions, previews, scheduling
# ---------------------------------------------------------------------------------------


def test_drafts_revisions_and_preview_work_for_the_tutor(client, section, tutor):
    client.force_login(tutor)
    course = add_course(client, section, action="action-save-draft", slug="draft-course")
    assert not course.workflow_in_progress
    lesson = add_lesson(client, course)
    first_revision = lesson.get_latest_revision()

    # Edit the draft: a second revision; the live row is untouched (still a draft).
    url = admin_url("edit", lesson.pk)
    data = form_data(client, url)
    data.update(
        nested_form_data(
            {
                "title": "Why leaves are green (v2)",
                "body": streamfield(
                    [("text", {"text": rich_text("<p>Revised: chlorophyll a and b.</p>")})]
                ),
            }
        )
    )
    assert client.post(url, data).status_code == 302
    lesson.refresh_from_db()
    assert lesson.revisions.count() == 2
    assert lesson.get_latest_revision_as_object().title == "Why leaves are green (v2)"

    # Preview of the unsaved form: POST the form, then GET renders it.
    preview_url = admin_url("preview_on_edit", lesson.pk)
    data["title"] = "Previewed title"
    response = client.post(preview_url, data)
    assert response.status_code == 200
    assert response.json() == {"is_valid": True, "is_available": True}
    response = client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Previewed title" in html and "Revised: chlorophyll a and b." in html

    # Preview of an old revision.
    response = client.get(admin_url("revisions_view", lesson.pk, first_revision.pk))
    assert response.status_code == 200
    assert "It absorbs red and blue light." in response.content.decode()

    # Nobody outside the admin sees the draft.
    client.logout()
    assert client.get(f"/courses/{section.slug}/draft-course/leaves/").status_code == 404


def test_another_tutor_cannot_preview_my_draft(client, section, tutor, other_tutor, other_section):
    client.force_login(tutor)
    course = add_course(client, section, action="action-save-draft")
    client.force_login(other_tutor)
    response = client.get(admin_url("revisions_view", course.pk, course.get_latest_revision().pk))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_scheduled_publishing_after_approval(client, section, tutor, admin_user):
    client.force_login(tutor)
    url = admin_url("add", "courses", "coursepage", section.pk)
    go_live = timezone.now() + timedelta(days=2)
    data = form_data(
        client,
        url,
        title="Later",
        slug="later",
        summary="Soon.",
        subject=factories.SubjectFactory().pk,
        level=factories.LevelFactory().pk,
        go_live_at=timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"),
    )
    data["action-submit"] = "1"
    assert client.post(url, data).status_code == 302
    course = CoursePage.objects.get(slug="later")

    client.force_login(admin_user)
    workflow_action(client, course, "approve")
    course.refresh_from_db()
    assert not course.live
    revision = course.get_latest_revision()
    assert revision.approved_go_live_at is not None
    assert Notification.objects.filter(
        recipient=tutor, kind=Notification.Kind.COURSE_APPROVED
    ).exists()


def test_staff_outside_the_moderators_group_cannot_approve(section, tutor, db):
    """A staff member outside the Moderators group cannot approve."""
    outsider = factories.ManagerFactory()
    assert not outsider.groups.filter(name=GROUP_MODERATORS).exists()
    course = CoursePageFactory(parent=section, live=False)
    course.save_revision(user=tutor)
    course.get_workflow().start(course, tutor)
    task = GroupApprovalTask.objects.get(name=TASK_NAME)
    assert task.get_actions(course, outsider) == []
    assert Group.objects.get(name=GROUP_MODERATORS) in task.groups.all()

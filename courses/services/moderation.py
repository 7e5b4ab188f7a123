"""Moderation of what tutors publish: the "Course moderation" workflow and its outcomes.

Tutors hold add/change but not publish rights on their section, so Wagtail offers them
"Submit to Course moderation" instead of "Publish". The workflow has one
`GroupApprovalTask` for the Moderators group (admins); it is attached to every catalog
page with a `WorkflowPage`, so it applies to every page below. A moderator approves (the
page goes live, or is scheduled if it has a go-live date) or requests changes with a
comment; either way the tutor who submitted is told through `messaging.services.notify`
(in-app only: Wagtail already e-mails the submitter both outcomes, so a second e-mail
would be a duplicate), and Wagtail records the decision and the comment in the page's
history.

Data migration 0002 creates the workflow; `course_workflow_ensure()` does the same at run
time (idempotently), for databases where it was deleted or a catalog created later.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from messaging.models import Notification
from messaging.services import notify
from people.roles import GROUP_MODERATORS

from ..models import COURSE_TREE_PAGE_TYPES, CourseIndexPage

logger = logging.getLogger(__name__)

#: The workflow's and its task's names. They are data (shown in the Wagtail admin) and
#: the way `course_workflow_ensure` finds them again; data migration 0002 uses the same.
WORKFLOW_NAME = "Course moderation"
TASK_NAME = "Moderator approval"


@transaction.atomic
def course_workflow_ensure() -> Workflow:
    """Get or create the active "Course moderation" workflow and its Moderators task.

    Idempotent: an existing workflow of that name is reused (and reactivated if an admin
    disabled it: a catalog without moderation would let nothing be published by tutors);
    the task is added to it if missing and always includes the Moderators group.
    """
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True)
    elif not task.active:
        task.active = True
        task.save(update_fields=["active"])
    moderators, _ = Group.objects.get_or_create(name=GROUP_MODERATORS)
    task.groups.add(moderators)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(
            workflow=workflow, task=task, sort_order=workflow.workflow_tasks.count()
        )
    return workflow


@transaction.atomic
def course_workflow_attach(*, catalog: Page) -> WorkflowPage:
    """Make sure `catalog` (a CourseIndexPage, any locale) has a workflow assigned.

    Attaches "Course moderation" unless the catalog already has a workflow of its own
    (an admin's deliberate choice in Settings → Workflows is kept). Returns the link.
    """
    existing = WorkflowPage.objects.filter(page=catalog).select_related("workflow").first()
    if existing is not None:
        return existing
    return WorkflowPage.objects.create(page=catalog, workflow=course_workflow_ensure())


def course_workflow_attach_all() -> int:
    """Attach the workflow to every catalog page that has none; returns how many it linked."""
    linked = 0
    for catalog in CourseIndexPage.objects.filter(workflowpage__isnull=True):
        course_workflow_attach(catalog=catalog)
        linked += 1
    return linked


# --- outcomes -----------------------------------------------------------------------------


def _course_page(workflow_state):
    """The specific course-tree page a workflow state is about, or None for anything else."""
    obj = workflow_state.content_object
    if not isinstance(obj, Page):
        return None
    page = obj.specific_deferred
    return page if isinstance(page, COURSE_TREE_PAGE_TYPES) else None


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _recipient(workflow_state, acting_user):
    """The tutor to tell: whoever submitted, unless they made the decision themselves."""
    requester = workflow_state.requested_by
    if requester is None or not requester.is_active:
        return None
    if acting_user is not None and requester.pk == acting_user.pk:
        return None
    return requester


def on_workflow_approved(sender, instance, user=None, **kwargs) -> None:
    """`workflow_approved` receiver: tell the submitting tutor their page was approved.

    Wagtail has already published the approved revision (or scheduled it). The link is
    the page on the site when it is live, else its editor.
    """
    page = _course_page(instance)
    recipient = _recipient(instance, user)
    if page is None or recipient is None:
        return
    page.refresh_from_db(fields=["live", "url_path", "title"])
    url = page.get_url() if page.live else None
    title = page.title
    notify(
        recipient=recipient,
        kind=Notification.Kind.COURSE_APPROVED,
        text=lambda: gettext("“%(title)s” was approved by a moderator.") % {"title": title},
        link=url if url and url.startswith("/") else _edit_url(page),
        email=False,  # Wagtail's own approval e-mail already went to the submitter
    )


def on_workflow_rejected(sender, instance, user=None, **kwargs) -> None:
    """`workflow_rejected` receiver: tell the submitting tutor what the moderator asked for.

    The moderator's comment (on the rejected task state) is quoted, shortened to fit a
    notification; the full comment is in the page's history, which the link's editor
    shows. The page stays as it was (not live, or live at its previous revision).
    """
    page = _course_page(instance)
    recipient = _recipient(instance, user)
    if page is None or recipient is None:
        return
    task_state = instance.current_task_state
    comment = (task_state.comment if task_state else "") or ""
    title = page.get_admin_display_title()

    def text() -> str:
        if comment:
            return gettext("Changes requested on “%(title)s”: %(comment)s") % {
                "title": title,
                "comment": Truncator(comment).chars(300),
            }
        return gettext("Changes requested on “%(title)s”.") % {"title": title}

    notify(
        recipient=recipient,
        kind=Notification.Kind.COURSE_REJECTED,
        text=text,
        link=_edit_url(page),
        email=False,  # Wagtail's own rejection e-mail (with the comment) already went
    )

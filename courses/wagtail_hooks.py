"""Courses in the Wagtail admin: audit labels, and keeping the catalog's rules in the editor.

Tutors' rights themselves are Wagtail page and collection permissions
(`courses.services.sections`), enforced by Wagtail in every admin view; these hooks only
cover what permissions cannot express:

* a catalog created in the admin gets the "Course moderation" workflow, like one created
  by `tutor_section_ensure`;
* a move the user may not make is refused before the confirmation page, with a message
  (Wagtail itself refuses it only when the confirmation is posted);
* tutor sections and catalogs are never copied: a section belongs to one tutor (a copy
  would break the one-section-per-tutor rule), and a second catalog under the same home
  page is not allowed.

It also holds the learning gate on the two public routes Wagtail serves itself: lesson and
task pages, and documents (`courses.permissions` explains why the gate is ours rather
than Wagtail's view restrictions, and lists every route it covers).
"""

from __future__ import annotations

from django.contrib import messages as django_messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages

from .models import CourseIndexPage, TutorSectionPage
from .permissions import can_open_document, course_item_access, is_course_item
from .services.moderation import course_workflow_attach
from .services.sections import ACTION_PUBLISH_GRANTED, ACTION_PUBLISH_REVOKED


@hooks.register("register_log_actions")
def register_courses_log_actions(actions):
    """Readable labels for the section audit entries in page history and site history."""

    actions.register_action(
        ACTION_PUBLISH_GRANTED,
        _("Allow the tutor to publish"),
        _("Allowed the tutor to publish without moderation"),
    )
    actions.register_action(
        ACTION_PUBLISH_REVOKED,
        _("Send the tutor's pages to moderation"),
        _("Took away the tutor's right to publish without moderation"),
    )


@hooks.register("after_create_page")
def attach_workflow_to_new_catalog(request, page):
    """A catalog made in the admin is moderated like one made by the service."""
    if isinstance(page.specific_deferred, CourseIndexPage):
        course_workflow_attach(catalog=page)


@hooks.register("before_copy_page")
def refuse_copying_sections_and_catalogs(request, page):
    """Refuse to copy a tutor section or a catalog, with a message instead of an error page."""
    if issubclass(page.specific_class or object, (TutorSectionPage, CourseIndexPage)):
        messages.error(
            request,
            _("Tutor sections and the catalog cannot be copied. Copy a course instead."),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page, destination):
    """Answer a move into a section the user may not add to with a message, not a confirm page.

    Wagtail's `can_move_to` is the rule (it checks add rights on the destination); this
    only applies it on the confirmation page too, for GET and POST alike.
    """
    if not page.permissions_for_user(request.user).can_move_to(destination):
        messages.error(request, _("You may not move this page there."))
        return redirect("wagtailadmin_pages:move", page.pk)
    return None


@hooks.register("before_serve_page")
def gate_course_items(page, request, serve_args, serve_kwargs):
    """Lessons and tasks open only to whoever `can_open_course_item` lets in.

    Anonymous visitors are sent to sign in (and back); signed-in outsiders go to the
    course page, which shows the enrol button where they may enrol. Runs before Wagtail's
    own view-restriction check, which still applies on top.
    """
    if not is_course_item(page):
        return None
    access = course_item_access(request.user, page)
    if access.allowed:
        request.course_item_access = access  # reused by courses.learning.lesson_context
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = access.course
    if course is None or not course.live:
        raise PermissionDenied
    django_messages.info(request, _("Enrol in this course to open its lessons."))
    return redirect(course.get_url(request) or "/")


@hooks.register("before_serve_document")
def gate_course_documents(document, request):
    """Documents used in lessons open only to those who may open such a lesson.

    Anonymous visitors are sent to sign in; signed-in outsiders get 403. Wagtail's
    collection privacy still applies on top (WAGTAILDOCS_SERVE_METHOD is "serve_view",
    so every download passes here).
    """
    if can_open_document(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied

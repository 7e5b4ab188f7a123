"""The learner's side of lesson and task pages: who may learn, progress, quiz panels.

`lesson_context(request, page)` is what `LessonPage.get_context` and
`TaskPage.get_context` add to the template context: it records that an enrolled student
opened the lesson and gives each quiz block its panel (start button, open attempt with the
form's action and shuffle seed, attempts used, last result). It runs a fixed number of
queries however many blocks the page has or lessons the course has.

The access helpers here answer the learning views: "may this student learn this lesson"
(an active or completed enrollment in the lesson's course, by translation key, so every
translation of the course counts) and "may this user see this attempt" (404 both for a
missing attempt and for one that is not theirs).

The course page's per-lesson state, percentage and "continue" link come from
`courses.selectors.course_progress`.

Nothing here ever hands out an answer key: quiz blocks render through
`QuizBlock.student_view`, and results through `courses.grading.review_payload`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from wagtail.models import Page, Revision

from people.roles import Role

from .models import (
    AttemptStatus,
    EnrollmentStatus,
    LessonPage,
    QuizAttempt,
    TaskPage,
    TutorSectionPage,
)
from .permissions import course_item_access

#: Enrollments that open a course's lessons. A completed course stays open for review.
LEARNING_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)

#: Network slack allowed after a quiz's time limit before a submission is refused.
SUBMIT_GRACE = timedelta(seconds=30)

_SEED_SALT = "tutorflow.courses.learning.attempt-seed"


class LessonState:
    """A lesson's state for one student, as `course_progress()` reports it."""

    NOT_STARTED = "not_started"
    VIEWED = "viewed"
    COMPLETED = "completed"


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _is_staff(user) -> bool:
    return _active(user) and user.role in (Role.MANAGER, Role.ADMIN)


# ---------------------------------------------------------------------------------------
# May this student learn this lesson?
# ---------------------------------------------------------------------------------------


def learner_course_key(user, page: Page) -> uuid.UUID | None:
    """The course translation key through which `user` learns `page`, or None.

    Only enrolled students learn (tutors, staff and parents may view, but record no
    progress). The rule is `courses.permissions.course_item_access`, the gate's own.
    """
    access = course_item_access(user, page)
    return access.course.translation_key if access.learner else None


def get_learnable_page_for(user, pk) -> tuple[Page, uuid.UUID]:
    """The live lesson or task `pk` and its course key, if `user` learns it; 404 otherwise.

    404 for a missing page, a draft, another page type and a course the student is not
    enrolled in alike, so the answer tells an outsider nothing.
    """
    try:
        page = Page.objects.live().type(LessonPage, TaskPage).get(pk=pk).specific
    except (Page.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such lesson.") from exc
    course_key = learner_course_key(user, page)
    if course_key is None:
        raise Http404("No such lesson.")
    return page, course_key


def quiz_block_in(page: Page, block_id: str):
    """The quiz stream child of `page`'s body with id `block_id`, or None."""
    for child in getattr(page, "body", None) or []:
        if child.block_type == "quiz" and str(child.id) == str(block_id):
            return child
    return None


def quiz_value_in_revision(revision: Revision, block_id: str):
    """The quiz value with id `block_id` in `revision` (the version a student saw), or None."""
    child = quiz_block_in(revision.as_object(), block_id)
    return None if child is None else child.value


# ---------------------------------------------------------------------------------------
# Attempts: who may see which
# ---------------------------------------------------------------------------------------


def tutor_page_keys(tutor) -> QuerySet:
    """The translation keys of every page in `tutor`'s sections (a values() subquery)."""
    condition = Q()
    for path in TutorSectionPage.objects.filter(tutor=tutor).values_list("path", flat=True):
        condition |= Q(path__startswith=path)
    if not condition:
        return Page.objects.none().values("translation_key")
    return Page.objects.filter(condition).values("translation_key")


def attempts_visible_to(user) -> QuerySet[QuizAttempt]:
    """The quiz attempts `user` may read.

    Students their own, parents their children's, tutors those at quizzes in their own
    sections, managers and admins all. Everyone but the student reads only.
    """
    attempts = QuizAttempt.objects.select_related("student", "revision")
    if not _active(user):
        return attempts.none()
    if _is_staff(user):
        return attempts
    if user.role == Role.STUDENT:
        return attempts.filter(student=user)
    if user.role == Role.PARENT:
        return attempts.filter(student__guardians_links__parent=user)
    if user.role == Role.TUTOR:
        return attempts.filter(page_translation_key__in=Subquery(tutor_page_keys(user)))
    return attempts.none()


def get_attempt_for(user, pk) -> QuizAttempt:
    """The attempt `pk` if `user` may read it; 404 for missing and not-yours alike."""
    try:
        return attempts_visible_to(user).get(pk=pk)
    except (QuizAttempt.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such attempt.") from exc


def get_own_attempt_for(user, pk) -> tuple[QuizAttempt, uuid.UUID]:
    """The student's own attempt `pk`, and the course key they still learn it through.

    404 unless `user` is the attempt's student and still enrolled in the course (a
    cancelled enrollment closes the door on submitting, too).
    """
    if not _active(user) or user.role != Role.STUDENT:
        raise Http404("No such attempt.")
    try:
        attempt = QuizAttempt.objects.select_related("revision").get(pk=pk, student=user)
    except (QuizAttempt.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such attempt.") from exc
    page = Page.objects.filter(pk=attempt.revision.object_id).first()
    course_key = learner_course_key(user, page) if page is not None else None
    if course_key is None:
        raise Http404("No such attempt.")
    return attempt, course_key


def pending_essays_for(tutor) -> QuerySet[QuizAttempt]:
    """Attempts with essays waiting for `tutor`'s grade, in their own courses, oldest first."""
    if not _active(tutor) or tutor.role != Role.TUTOR:
        return QuizAttempt.objects.none()
    return (
        QuizAttempt.objects.filter(
            status=AttemptStatus.NEEDS_GRADING,
            page_translation_key__in=Subquery(tutor_page_keys(tutor)),
        )
        .select_related("student", "revision")
        .order_by("submitted_at", "pk")
    )


def get_gradable_attempt_for(user, pk) -> QuizAttempt:
    """An attempt of one of `user`'s own quizzes that has essays; 404 otherwise.

    Only the owning tutor grades; graded attempts stay gradable so a tutor can correct
    an essay's grade.
    """
    if not _active(user) or user.role != Role.TUTOR:
        raise Http404("No such attempt.")
    try:
        return (
            QuizAttempt.objects.select_related("student", "revision")
            .filter(
                status__in=(AttemptStatus.NEEDS_GRADING, AttemptStatus.GRADED),
                page_translation_key__in=Subquery(tutor_page_keys(user)),
            )
            .get(pk=pk)
        )
    except (QuizAttempt.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such attempt.") from exc


# ---------------------------------------------------------------------------------------
# Attempt helpers
# ---------------------------------------------------------------------------------------


def attempt_seed(attempt: QuizAttempt) -> str:
    """The attempt's shuffle seed: derived from its id on the server, stable, unguessable."""
    return salted_hmac(_SEED_SALT, str(attempt.pk)).hexdigest()[:16]


def attempt_deadline(attempt: QuizAttempt, quiz_value) -> datetime | None:
    """When the attempt's time runs out (server clock from `started_at`), or None."""
    minutes = int(((quiz_value or {}).get("settings") or {}).get("time_limit_minutes") or 0)
    return attempt.started_at + timedelta(minutes=minutes) if minutes > 0 else None


def attempt_expired(attempt: QuizAttempt, quiz_value, *, now: datetime | None = None) -> bool:
    """Whether an open attempt is past its time limit (and the grace period)."""
    deadline = attempt_deadline(attempt, quiz_value)
    return deadline is not None and (now or timezone.now()) > deadline + SUBMIT_GRACE


# ---------------------------------------------------------------------------------------
# The lesson page
# ---------------------------------------------------------------------------------------


@dataclass
class QuizPanel:
    """What the lesson page shows around one quiz block for the viewer."""

    block: object
    block_id: str
    title: str
    max_attempts: int
    time_limit_minutes: int
    learner: bool
    attempts_used: int = 0
    attempt: QuizAttempt | None = None
    form_action: str = ""
    seed: str = ""
    deadline: datetime | None = None
    start_url: str = ""
    last_attempt: QuizAttempt | None = None
    last_attempt_url: str = ""
    #: The open attempt's quiz form, rendered (from the cache) by `_lesson_blocks`.
    html: str = ""

    @property
    def attempts_left(self) -> int | None:
        if not self.max_attempts:
            return None
        return max(self.max_attempts - self.attempts_used, 0)

    @property
    def can_start(self) -> bool:
        return self.learner and self.attempt is None and self.attempts_left != 0


def _quiz_panel(child, page: Page, attempts: list[QuizAttempt], *, learner: bool) -> QuizPanel:
    settings = child.value.get("settings") or {}
    panel = QuizPanel(
        block=child,
        block_id=str(child.id),
        title=str(child.value.get("title") or ""),
        max_attempts=int(settings.get("max_attempts") or 0),
        time_limit_minutes=int(settings.get("time_limit_minutes") or 0),
        learner=learner,
    )
    if not learner:
        return panel
    mine = [a for a in attempts if a.quiz_block_id == panel.block_id]
    panel.attempts_used = len(mine)
    panel.start_url = reverse("courses:quiz_start", kwargs={"pk": page.pk, "block_id": child.id})
    open_attempt = next((a for a in mine if a.is_open), None)
    # An open attempt past its time limit is closed when the student starts the next one.
    if open_attempt is not None and not attempt_expired(open_attempt, child.value):
        panel.attempt = open_attempt
        panel.form_action = reverse("courses:attempt_submit", kwargs={"pk": open_attempt.pk})
        panel.seed = attempt_seed(open_attempt)
        panel.deadline = attempt_deadline(open_attempt, child.value)
    closed = [a for a in mine if not a.is_open]
    if closed:
        panel.last_attempt = max(closed, key=lambda a: a.attempt_number)
        panel.last_attempt_url = reverse(
            "courses:attempt_detail", kwargs={"pk": panel.last_attempt.pk}
        )
    return panel


def lesson_context(request, page: Page) -> dict:
    """The learning context of a lesson or task page, for `get_context`.

    For an enrolled student it records the first view (idempotent) and gives each quiz
    its panel: the attempt in progress (with ``form_action`` and ``seed`` for the quiz
    form), or a start button while attempts remain, and the last result. Other viewers
    the page is shown to (the owning tutor, staff) get the blocks without learner state.
    A fixed number of queries: the course with the enrollment, the progress upsert and
    read, the student's attempts at this page.
    """
    from courses.services.progress import lesson_view_record

    user = getattr(request, "user", None)
    is_preview = bool(getattr(request, "is_preview", False))
    course_key = None
    if page.live and not is_preview:
        access = getattr(request, "course_item_access", None)
        if access is None or access.page_pk != page.pk:
            access = course_item_access(user, page)
        # The gate has usually fetched the course and checked the enrolment already.
        if access.course is not None:
            page._cached_parent_obj = access.course  # treebeard's own cache of get_parent()
        if access.learner:
            course_key = access.course.translation_key
    learner = course_key is not None
    progress = None
    attempts: list[QuizAttempt] = []
    if learner:
        progress = lesson_view_record(
            student=user,
            lesson_translation_key=page.translation_key,
            course_translation_key=course_key,
        )
        attempts = list(
            QuizAttempt.objects.filter(student=user, page_translation_key=page.translation_key)
        )
    return {
        "learner": learner,
        "lesson_progress": progress,
        "lesson_blocks": _lesson_blocks(
            request, page, attempts, learner=learner, cached=page.live and not is_preview
        ),
        "lesson_complete_url": (
            reverse("courses:lesson_complete", kwargs={"pk": page.pk}) if learner else ""
        ),
    }


# ---------------------------------------------------------------------------------------
# Rendered blocks, cached
# ---------------------------------------------------------------------------------------

#: Seconds a rendered lesson body stays cached. The keys are content-addressed (a digest
#: of the body's stored JSON and the language), so an edit, a new revision or another
#: translation never meets stale HTML; the timeout only bounds how long a change made
#: outside the body takes to show (an image's file replaced, a linked page moved).
BODY_CACHE_TIMEOUT = 600
#: Put where the CSRF token goes in a cached quiz form, and swapped for the viewer's own.
_CSRF_PLACEHOLDER = "csrf-token-placeholder-of-a-cached-quiz-form"


def _body_digest(body) -> str:
    """A digest of the body's stored JSON and the active language: the cache key's core."""
    raw = json.dumps(list(body.raw_data), sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.md5(
        f"{translation.get_language()}\n{raw}".encode(), usedforsecurity=False
    ).hexdigest()


def _lesson_blocks(request, page: Page, attempts, *, learner: bool, cached: bool) -> list[dict]:
    """The body's items for `progress_body.html`: content blocks and quiz panels.

    On a live page (not a preview) the content blocks' HTML is cached per body and
    language, and an open attempt's quiz form per attempt, which is safe because a
    student-facing render carries no answer key and nothing of the viewer: content blocks
    are rendered without the page context, and the quiz form with a placeholder for the
    CSRF token, swapped for the viewer's own on the way out. Content blocks are then never
    converted from their stored JSON at all (no image or document look-ups).
    """
    body = getattr(page, "body", None)
    if not body:
        return []
    raw = body.raw_data
    kinds = [raw[index]["type"] for index in range(len(raw))]
    items = []
    for index, kind in enumerate(kinds):
        if kind == "quiz":
            child = body[index]
            panel = _quiz_panel(child, page, attempts, learner=learner)
            items.append({"block": child, "quiz": panel, "html": None})
        else:
            items.append({"block": None if cached else body[index], "quiz": None, "html": None})
    if not cached:
        return items

    digest = _body_digest(body)
    content_key = f"courses:lesson-html:v1:{digest}"
    quiz_keys = {
        index: f"courses:quiz-html:v1:{digest}:{item['quiz'].block_id}:{item['quiz'].attempt.pk}"
        for index, item in enumerate(items)
        if item["quiz"] is not None and item["quiz"].attempt is not None
    }
    found = cache.get_many([content_key, *quiz_keys.values()])
    missing = {}
    content = found.get(content_key)
    if content is None:
        content = [
            None if kind == "quiz" else str(body[index].render())
            for index, kind in enumerate(kinds)
        ]
        missing[content_key] = content
    for index, item in enumerate(items):
        if item["quiz"] is None:
            item["html"] = mark_safe(content[index])  # noqa: S308 - blocks' own templates
    if quiz_keys:
        token_input = f'value="{get_token(request)}"'
        for index, key in quiz_keys.items():
            panel = items[index]["quiz"]
            html = found.get(key)
            if html is None:
                html = str(
                    panel.block.render(
                        {
                            "quiz_form_action": panel.form_action,
                            "quiz_seed": panel.seed,
                            "csrf_token": _CSRF_PLACEHOLDER,
                        }
                    )
                )
                missing[key] = html
            panel.html = mark_safe(  # noqa: S308 - QuizBlock.student_view() only
                html.replace(f'value="{_CSRF_PLACEHOLDER}"', token_input)
            )
    if missing:
        cache.set_many(missing, BODY_CACHE_TIMEOUT)
    return items

"""Learning views: mark a lesson complete, start and submit quiz attempts, see a result,
and the tutor's essay grading.

Thin views: access through `courses.learning` helpers (404 for missing and not-yours
alike), writes through `courses.services.progress` and `courses.services.quizzes`.
Every state change is a CSRF-protected POST. Bad answers get a 400 with the reason and
change nothing; refused state changes (no attempts left, time up, already submitted) a
409. Clients that ask for JSON (``Accept: application/json``) get JSON answers.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.models import Page

from courses.blocks import QuestionKind, QuizBlock
from courses.grading import (
    MAX_ANSWER_LENGTH,
    QuizResult,
    ResultStatus,
    review_payload,
    review_visibility,
)
from courses.learning import (
    attempt_deadline,
    attempt_seed,
    get_attempt_for,
    get_gradable_attempt_for,
    get_learnable_page_for,
    get_own_attempt_for,
    pending_essays_for,
    quiz_block_in,
    quiz_value_in_revision,
)
from courses.services.progress import lesson_complete
from courses.services.quizzes import essay_grade, quiz_attempt_start, quiz_attempt_submit
from people.roles import Role
from people.views.mixins import (
    RoleRequiredMixin,
    error_response,
    is_conflict,
    service_call,
    validation_messages,
)

logger = logging.getLogger(__name__)


def wants_json(request) -> bool:
    """Whether the client asked for JSON rather than a page."""
    return "application/json" in request.headers.get("Accept", "")


def _error(request, error: ValidationError) -> HttpResponse:
    """400 or 409 with the error's message, as JSON when the client asked for it."""
    if wants_json(request):
        status = 409 if is_conflict(error) else 400
        return JsonResponse({"error": " ".join(validation_messages(error))}, status=status)
    return error_response(error)


def _page_url(request, page: Page, anchor: str = "") -> str:
    url = page.get_url(request) or "/"
    return f"{url}#{anchor}" if anchor else url


class LessonCompleteView(RoleRequiredMixin, View):
    """An enrolled student marks a lesson or task as complete (idempotent), then goes back."""

    http_method_names = ["post"]

    def post(self, request, pk):
        page, course_key = get_learnable_page_for(request.user, pk)
        progress = lesson_complete(
            student=request.user,
            lesson_translation_key=page.translation_key,
            course_translation_key=course_key,
        )
        if wants_json(request):
            return JsonResponse({"completed_at": progress.completed_at.isoformat()})
        messages.success(request, gettext("Lesson marked as complete."))
        return redirect(_page_url(request, page))


class QuizStartView(RoleRequiredMixin, View):
    """An enrolled student starts (or resumes) an attempt at one quiz of a lesson.

    Answers 409 when every allowed attempt is used. The page then renders the quiz form
    for the open attempt (its submit URL and shuffle seed).
    """

    http_method_names = ["post"]

    def post(self, request, pk, block_id):
        page, _course_key = get_learnable_page_for(request.user, pk)
        child = quiz_block_in(page, block_id)
        if child is None:
            raise Http404("No such quiz.")
        try:
            attempt, created = quiz_attempt_start(
                student=request.user, page=page, block_id=child.id
            )
        except ValidationError as error:
            return _error(request, error)
        if wants_json(request):
            seed = attempt_seed(attempt)
            deadline = attempt_deadline(attempt, child.value)
            return JsonResponse(
                {
                    "attempt": attempt.pk,
                    "attempt_number": attempt.attempt_number,
                    "created": created,
                    "started_at": attempt.started_at.isoformat(),
                    "deadline": deadline.isoformat() if deadline else None,
                    "submit_url": reverse("courses:attempt_submit", kwargs={"pk": attempt.pk}),
                    "seed": seed,
                    "quiz": QuizBlock().student_view(child.value, child.id, seed=seed),
                },
                status=201 if created else 200,
            )
        return redirect(_page_url(request, page, f"quiz-{child.id}"))


class AttemptSubmitView(RoleRequiredMixin, View):
    """The attempt's student submits their answers; the server grades them once.

    Accepts the quiz form, or a JSON object of answers (``{"answers": {...}}``) in
    `courses.grading.grade_quiz` format. 400 with the reason for malformed answers, 409
    for an attempt already submitted or past its time limit; nothing is stored then.
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        attempt, course_key = get_own_attempt_for(request.user, pk)
        try:
            data = self._answers(request)
            attempt = quiz_attempt_submit(
                attempt=attempt, data=data, course_translation_key=course_key
            )
        except ValidationError as error:
            logger.info("quiz attempt %s: submission refused (%s)", pk, error.code)
            return _error(request, error)
        if wants_json(request):
            return JsonResponse(result_context(attempt, viewer=request.user)["review"] or {})
        return redirect("courses:attempt_detail", pk=attempt.pk)

    @staticmethod
    def _answers(request):
        if request.content_type != "application/json":
            return request.POST
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ValidationError(
                gettext("The request is not valid JSON."), code="invalid"
            ) from None
        if not isinstance(body, dict) or not isinstance(body.get("answers", {}), dict):
            raise ValidationError(
                gettext('Send the answers as {"answers": {question id: answer}}.'),
                code="invalid",
            )
        return body.get("answers") or {}


def _answer_text(question: dict, answer) -> str:
    """The student's own answer in words, from the student view (never the key)."""
    if answer is None:
        return ""
    kind = question.get("kind")
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        texts = {option["index"]: option["text"] for option in question.get("options", [])}
        chosen = answer if isinstance(answer, list) else [answer]
        return ", ".join(texts.get(index, "?") for index in chosen)
    if kind == QuestionKind.TRUE_FALSE:
        return gettext("True") if answer else gettext("False")
    if kind == QuestionKind.MATCHING and isinstance(answer, dict):
        lefts = {str(left["index"]): left["text"] for left in question.get("left", [])}
        rights = {right["token"]: right["text"] for right in question.get("right", [])}
        return "; ".join(
            f"{lefts.get(key, '?')} → {rights.get(token, '?')}" for key, token in answer.items()
        )
    if kind == QuestionKind.ORDERING and isinstance(answer, list):
        texts = {item["token"]: item["text"] for item in question.get("items", [])}
        return " → ".join(texts.get(token, "?") for token in answer)
    if kind == QuestionKind.FILL_IN_BLANKS and isinstance(answer, dict):
        return "; ".join(f"{number}: {text}" for number, text in sorted(answer.items()))
    return str(answer)


def result_context(attempt, *, viewer) -> dict:
    """What `viewer` may see of a submitted attempt, by the quiz's review policy.

    The student (and their parent) see what the policy allows; the owning tutor and
    staff see everything, answer key included (it is theirs). The answer key of the
    graded revision is read on the server and put in the payload only when allowed.
    """
    quiz_value = quiz_value_in_revision(attempt.revision, attempt.quiz_block_id)
    if quiz_value is None or attempt.is_open:
        return {"quiz": None, "review": None, "visibility": None, "rows": []}
    policy = (quiz_value.get("settings") or {}).get("review_policy")
    if viewer.role in (Role.TUTOR, Role.MANAGER, Role.ADMIN):
        visibility = review_visibility("answers_after_submit")
    else:
        visibility = review_visibility(policy, due_passed=False)
    quiz = QuizBlock().student_view(quiz_value, attempt.quiz_block_id, seed=attempt_seed(attempt))
    review = None
    rows = []
    if visibility.score:
        result = QuizResult.from_dict(attempt.result)
        review = review_payload(quiz_value, result, policy_allows_answers=visibility.answers)
        questions = {q["id"]: q for q in quiz["questions"]}
        for item in review["questions"]:
            question = questions.get(item["id"], {})
            rows.append(
                {
                    "item": item,
                    "question": question,
                    "answer_text": _answer_text(question, item.get("answer")),
                    "status_label": ResultStatus.LABELS.get(item.get("status"), ""),
                }
            )
        rows.sort(key=lambda row: row["question"].get("number", 0))
    return {"quiz": quiz, "review": review, "visibility": visibility, "rows": rows}


class AttemptDetailView(RoleRequiredMixin, TemplateView):
    """An attempt's result, as the review policy allows: the student's own, their
    parent's read-only view, and the owning tutor's and staff's."""

    template_name = "courses/quiz_result.html"

    def get(self, request, *args, **kwargs):
        self.attempt = get_attempt_for(request.user, kwargs["pk"])
        if wants_json(request):
            data = result_context(self.attempt, viewer=request.user)
            return JsonResponse(
                {
                    "attempt": self.attempt.pk,
                    "status": self.attempt.status,
                    "review": data["review"],
                }
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempt = self.attempt
        page = Page.objects.filter(pk=attempt.revision.object_id).first()
        context.update(result_context(attempt, viewer=self.request.user))
        context.update(
            {
                "attempt": attempt,
                "lesson": page,
                "lesson_url": _page_url(self.request, page, f"quiz-{attempt.quiz_block_id}")
                if page is not None
                else "",
                "is_own": attempt.student_id == self.request.user.pk,
            }
        )
        return context


# ---------------------------------------------------------------------------------------
# Essay grading (the owning tutor)
# ---------------------------------------------------------------------------------------


class GradingListView(RoleRequiredMixin, TemplateView):
    """The tutor's essays waiting for a grade, in their own courses, oldest first."""

    allowed_roles = (Role.TUTOR,)
    template_name = "courses/essay_grading_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_obj = Paginator(pending_essays_for(self.request.user), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        rows = [
            {"attempt": attempt, "question_id": qid, "number": number}
            for attempt in page_obj
            for number, qid in enumerate(attempt.result.get("pending_question_ids") or [], start=1)
        ]
        context.update({"page_obj": page_obj, "rows": rows})
        return context


class EssayGradeForm(forms.Form):
    """Points for one essay (checked against the question's points by the service)."""

    points = forms.DecimalField(
        label=_("Points"), min_value=Decimal(0), max_digits=8, decimal_places=2
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EssayGradeView(RoleRequiredMixin, TemplateView):
    """The owning tutor grades one essay answer of an attempt; other tutors get 404."""

    allowed_roles = (Role.TUTOR,)
    template_name = "courses/essay_grading_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role not in self.allowed_roles:
            raise PermissionDenied
        self.attempt = get_gradable_attempt_for(request.user, kwargs["pk"])
        self.result = QuizResult.from_dict(self.attempt.result)
        self.question = self.result.question(kwargs["question_id"])
        if self.question is None or self.question.kind != QuestionKind.ESSAY:
            raise Http404("No such essay.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quiz_value = quiz_value_in_revision(self.attempt.revision, self.attempt.quiz_block_id)
        quiz = (
            QuizBlock().student_view(quiz_value, self.attempt.quiz_block_id) if quiz_value else {}
        )
        prompt = next(
            (q for q in quiz.get("questions", []) if q["id"] == self.question.question_id), None
        )
        context.setdefault(
            "form",
            EssayGradeForm(
                initial={"points": self.question.points_awarded}
                if self.question.status == ResultStatus.GRADED
                else None
            ),
        )
        context.update({"attempt": self.attempt, "question": self.question, "prompt": prompt})
        return context

    def post(self, request, *args, **kwargs):
        form = EssayGradeForm(request.POST)
        if form.is_valid():
            try:
                with service_call(request, form):
                    essay_grade(
                        attempt=self.attempt,
                        question_id=self.question.question_id,
                        points=form.cleaned_data["points"],
                        feedback=form.cleaned_data["feedback"],
                        by=request.user,
                    )
            except ValidationError:
                pass
            else:
                messages.success(request, gettext("The essay is graded."))
                return redirect("courses:grading")
        return self.render_to_response(self.get_context_data(form=form), status=400)

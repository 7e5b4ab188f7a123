"""Server-side quiz grading: pure functions over a QuizBlock value, no database.

`grade_quiz(quiz_value, answers)` grades one submission against the quiz value of the
revision the student saw. `answers` maps a question's id (the stream child ``.id`` inside
the quiz's ``questions``; see `courses.blocks.question_id`) to the answer, in the format
of the question's kind:

================  =========================================================================
kind              answer
================  =========================================================================
single_choice     an option index: int, or its decimal string as a form posts it ("2")
multiple_choice   a list of distinct option indexes (ints or decimal strings)
true_false        bool, or the string "true" / "false"
short_answer      a string
numeric           int, finite float, Decimal, or a string: "3.14", "3,14", "-2", "6.02e23"
matching          a mapping {left index: right token}; tokens come from the student view
ordering          a list of every item token (from the student view), in the chosen order
fill_in_blanks    a mapping {gap number ("1", "2", ...): string}
essay             a string
================  =========================================================================

A missing key, None, "" or an empty list/mapping means "not answered": 0 points. Option
indexes are positions in the authored option list; they say nothing about correctness.
Ordering items and matching right sides use opaque tokens (`courses.blocks.answer_token`)
because their index is the answer. `parse_form_answers()` turns the quiz form's POST data
(``q-<id>``, ``q-<id>-<part>`` fields) into this format.

Scoring choices:

* Multiple choice is all-or-nothing: full points when the ticked set equals the correct
  set, else 0. Partial credit for ticking "some" right options rewards ticking everything.
* Matching is proportional: points × correctly matched left items / pairs.
* Ordering is proportional to the pairs of items put in the right relative order
  (points × concordant pairs / all pairs), so one item out of place costs a little, a
  reversed list everything. Only the exact order counts as correct.
* Fill in the blanks is per gap: points × correct gaps / gaps.
* Short answers and gaps compare after Unicode NFC normalisation, trimming, collapsing
  whitespace and (unless the question is case sensitive) case folding.
* Awarded points are rounded half-up to 0.01.
* Essays wait for the tutor: ``correct`` is None and 0 points are awarded until
  `apply_essay_grade()`. An empty essay needs no tutor: 0 points, not correct.
* ``percent`` and ``passed`` are computed over the graded points only: auto-graded
  questions plus essays the tutor has graded. Pending essays are left out of both sides
  until graded, so ``passed`` is provisional while ``pending_question_ids`` is not empty
  (``is_final`` is False); a quiz of nothing but pending essays has percent and passed None.

Input safety: malformed answers (wrong types, out-of-range indexes, unknown question ids,
lists where a scalar is expected, strings over 5,000 characters (50,000 for essays),
control characters such as NUL, lone surrogates, NaN and infinities) raise
`GradingInputError`, a ValidationError naming the question, before anything is graded;
nothing else escapes. Markup or SQL-looking text (``<script>``, ``'; DROP TABLE``) in a
free-text answer is inert data: it is graded like any other text (it is wrong unless the
tutor accepted it), stored through the ORM and escaped when shown. Refusing it would
refuse real answers ("x < 3", a lesson about HTML).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.blocks import (
    QuestionKind,
    ReviewPolicy,
    answer_token,
    as_decimal,
    question_id,
    rich_text_excerpt,
    split_accepted_answers,
)

MAX_ANSWER_LENGTH = 5_000
MAX_ESSAY_LENGTH = 50_000
MAX_NUMBER_LENGTH = 100
#: Numbers further than this from 1 in order of magnitude are refused as out of range.
MAX_NUMBER_EXPONENT = 60

CENT = Decimal("0.01")
ZERO = Decimal(0)

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INDEX_RE = re.compile(r"^[0-9]{1,4}$")
_NUMBER_RE = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?$")
_NOT_FINITE = {"nan", "snan", "inf", "infinity"}


class ResultStatus:
    """How a question came out; `QuestionResult.status` holds one of these."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    UNANSWERED = "unanswered"
    PENDING = "pending"  # an essay waiting for the tutor
    GRADED = "graded"  # an essay the tutor has graded

    LABELS = {
        CORRECT: _("Correct"),
        PARTIAL: _("Partly correct"),
        INCORRECT: _("Incorrect"),
        UNANSWERED: _("Not answered"),
        PENDING: _("Waiting for your tutor"),
        GRADED: _("Graded by your tutor"),
    }


class GradingInputError(ValidationError):
    """A submission that cannot be graded as sent; nothing was graded.

    A ValidationError, so the house view helpers answer 400 with its message;
    ``question_id`` says which question (None for problems with the submission as a whole).
    """

    def __init__(self, message: str, *, question_id: str | None = None):
        super().__init__(message, code="invalid_answer")
        self.question_id = question_id


@dataclass(frozen=True)
class QuestionResult:
    """The grade of one question. ``answer`` is the cleaned, JSON-safe answer."""

    question_id: str
    kind: str
    points_awarded: Decimal
    points_possible: Decimal
    correct: bool | None
    feedback: str
    status: str = ResultStatus.INCORRECT
    answer: Any = None

    def to_dict(self) -> dict:
        """JSON-safe form, e.g. for a JSONField on the attempt."""
        return {
            "question_id": self.question_id,
            "kind": self.kind,
            "points_awarded": str(self.points_awarded),
            "points_possible": str(self.points_possible),
            "correct": self.correct,
            "feedback": str(self.feedback),
            "status": self.status,
            "answer": self.answer,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> QuestionResult:
        """The inverse of `to_dict`."""
        return cls(
            question_id=data["question_id"],
            kind=data["kind"],
            points_awarded=Decimal(data["points_awarded"]),
            points_possible=Decimal(data["points_possible"]),
            correct=data["correct"],
            feedback=data.get("feedback", ""),
            status=data.get("status", ResultStatus.INCORRECT),
            answer=data.get("answer"),
        )


@dataclass(frozen=True)
class QuizResult:
    """The grade of a submission.

    ``points_possible`` counts every question; ``graded_points_possible`` leaves out
    essays still waiting for the tutor, and ``percent``/``passed`` are computed over it.
    """

    questions: tuple[QuestionResult, ...]
    points_awarded: Decimal
    points_possible: Decimal
    graded_points_possible: Decimal
    percent: Decimal | None
    pass_mark_percent: Decimal
    passed: bool | None
    pending_question_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_final(self) -> bool:
        """True once no essay waits for the tutor: percent and passed will not change."""
        return not self.pending_question_ids

    def question(self, question_id: str) -> QuestionResult | None:
        """The result of one question, by id."""
        return next((q for q in self.questions if q.question_id == question_id), None)

    def to_dict(self) -> dict:
        """JSON-safe form, e.g. for a JSONField on the attempt."""
        return {
            "questions": [q.to_dict() for q in self.questions],
            "points_awarded": str(self.points_awarded),
            "points_possible": str(self.points_possible),
            "graded_points_possible": str(self.graded_points_possible),
            "percent": None if self.percent is None else str(self.percent),
            "pass_mark_percent": str(self.pass_mark_percent),
            "passed": self.passed,
            "pending_question_ids": list(self.pending_question_ids),
            "is_final": self.is_final,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> QuizResult:
        """The inverse of `to_dict` (totals are recomputed from the questions)."""
        return _summarise(
            [QuestionResult.from_dict(q) for q in data["questions"]],
            Decimal(data["pass_mark_percent"]),
        )


@dataclass(frozen=True)
class ReviewVisibility:
    """What the review policy lets a student see now."""

    score: bool
    answers: bool


# ---------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------


def grade_quiz(quiz_value, answers: Mapping[str, Any] | None) -> QuizResult:
    """Grade `answers` against `quiz_value` (a QuizBlock StructValue) and return the result.

    Every answer is validated before any is graded; the first malformed one raises
    `GradingInputError` and no result exists. The function has no side effects.
    """
    questions = _questions(quiz_value)
    if answers is None:
        answers = {}
    if not isinstance(answers, Mapping):
        raise GradingInputError(gettext("The answers must be sent as a mapping of question ids."))
    known = {q.qid for q in questions}
    for key in answers:
        if not isinstance(key, str):
            raise GradingInputError(gettext("The answers must be keyed by question id."))
        if key not in known:
            raise GradingInputError(
                gettext("This quiz has no question “%(id)s”.") % {"id": _safe_excerpt(key)}
            )

    cleaned = [(q, _clean_answer(q, answers.get(q.qid))) for q in questions]
    results = [_grade_question(q, answer) for q, answer in cleaned]
    settings = quiz_value.get("settings") or {}
    return _summarise(results, as_decimal(settings.get("pass_mark_percent"), ZERO))


def apply_essay_grade(
    result: QuizResult, question_id: str, points, *, feedback: str = ""
) -> QuizResult:
    """A copy of `result` with the tutor's points for one essay; totals recomputed.

    `points` must be a number from 0 to the question's points. Re-grading an essay
    replaces the earlier grade.
    """
    target = result.question(question_id)
    if target is None or target.kind != QuestionKind.ESSAY:
        raise GradingInputError(
            gettext("There is no essay “%(id)s” in this attempt.")
            % {"id": _safe_excerpt(str(question_id))},
            question_id=None,
        )
    awarded = _parse_number(points, _QuestionRef(question_id, target.kind, "", None))
    if awarded is None or awarded < 0 or awarded > target.points_possible:
        raise GradingInputError(
            gettext("Give between 0 and %(max)s points.") % {"max": target.points_possible},
            question_id=question_id,
        )
    feedback = _clean_text(feedback or "", _QuestionRef(question_id, target.kind, "", None))
    graded = replace(
        target,
        points_awarded=awarded.quantize(CENT, rounding=ROUND_HALF_UP),
        correct=awarded == target.points_possible,
        status=ResultStatus.GRADED,
        feedback=feedback or str(ResultStatus.LABELS[ResultStatus.GRADED]),
    )
    questions = [graded if q.question_id == question_id else q for q in result.questions]
    return _summarise(questions, result.pass_mark_percent)


def review_visibility(policy: str, *, due_passed: bool = False) -> ReviewVisibility:
    """What a student may see of their graded attempt under `policy`.

    ``never`` shows nothing until the tutor shares it; the other policies always show
    the score, and correct answers right after submitting or once the due date passed.
    """
    if policy == ReviewPolicy.ANSWERS_AFTER_SUBMIT:
        return ReviewVisibility(score=True, answers=True)
    if policy == ReviewPolicy.ANSWERS_AFTER_DUE:
        return ReviewVisibility(score=True, answers=bool(due_passed))
    if policy == ReviewPolicy.SCORE_ONLY:
        return ReviewVisibility(score=True, answers=False)
    return ReviewVisibility(score=False, answers=False)


def review_payload(quiz_value, result: QuizResult, *, policy_allows_answers: bool) -> dict:
    """What a student may see after submitting, JSON-safe.

    Always the score, and per question whether it was answered (and the student's own
    answer). Per-question points and correctness, correct answers and explanations only
    when `policy_allows_answers`: whether a true/false question was right gives its answer
    away as surely as the key does. Call it only when `review_visibility(...).score`, with
    the quiz value of the revision that was graded (ValueError if a question is missing).
    """
    questions = {q.qid: q for q in _questions(quiz_value)}
    items = []
    for item in result.questions:
        ref = questions.get(item.question_id)
        if ref is None:
            raise ValueError(f"Question {item.question_id!r} is not in this quiz revision.")
        entry = {
            "id": item.question_id,
            "kind": item.kind,
            "answered": item.status != ResultStatus.UNANSWERED,
            "answer": item.answer,
        }
        if item.status in (ResultStatus.PENDING, ResultStatus.GRADED):
            entry["status"] = item.status
        if policy_allows_answers:
            entry.update(
                {
                    "points_awarded": str(item.points_awarded),
                    "points_possible": str(item.points_possible),
                    "correct": item.correct,
                    "status": item.status,
                    "feedback": str(item.feedback),
                    "correct_answer": _answer_key(ref),
                    "explanation_html": str(ref.value.get("explanation") or ""),
                }
            )
        items.append(entry)
    return {
        "score": {
            "points_awarded": str(result.points_awarded),
            "points_possible": str(result.points_possible),
            "graded_points_possible": str(result.graded_points_possible),
            "percent": None if result.percent is None else str(result.percent),
            "pass_mark_percent": str(result.pass_mark_percent),
            "passed": result.passed,
            "is_final": result.is_final,
        },
        "answers_shown": bool(policy_allows_answers),
        "questions": items,
    }


def parse_form_answers(quiz_value, data) -> dict[str, Any]:
    """The answers of a posted quiz form (QueryDict or mapping), in `grade_quiz` format.

    Field names follow the quiz template: ``q-<id>`` (``getlist`` for multiple choice),
    ``q-<id>-<left index>`` for matching, ``q-<id>-<item token>`` = position (1…n) for
    ordering, ``q-<id>-<gap number>`` for fill in the blanks. Other fields are ignored.
    An ordering with some positions left blank, or two items at one position, raises
    `GradingInputError`; one with every position blank is unanswered.
    """
    answers: dict[str, Any] = {}
    for q in _questions(quiz_value):
        name = f"q-{q.qid}"
        if q.kind == QuestionKind.MULTIPLE_CHOICE:
            values = [v for v in _getlist(data, name) if v != ""]
            answer = values or None
        elif q.kind == QuestionKind.MATCHING:
            pairs = q.value.get("pairs") or []
            answer = {
                str(i): _single(data, f"{name}-{i}", q)
                for i in range(len(pairs))
                if _single(data, f"{name}-{i}", q)
            } or None
        elif q.kind == QuestionKind.ORDERING:
            answer = _ordering_from_positions(data, name, q)
        elif q.kind == QuestionKind.FILL_IN_BLANKS:
            gaps = q.value.get("gaps") or []
            answer = {
                str(n): _single(data, f"{name}-{n}", q)
                for n in range(1, len(gaps) + 1)
                if _single(data, f"{name}-{n}", q)
            } or None
        else:
            answer = _single(data, name, q) or None
        if answer is not None:
            answers[q.qid] = answer
    return answers


# ---------------------------------------------------------------------------------------
# Questions and answer cleaning
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _QuestionRef:
    qid: str
    kind: str
    excerpt: str
    value: Any

    def error(self, problem: str) -> GradingInputError:
        if self.excerpt:
            message = gettext("Question “%(question)s”: %(problem)s") % {
                "question": self.excerpt,
                "problem": problem,
            }
        else:
            message = gettext("Question %(id)s: %(problem)s") % {
                "id": self.qid,
                "problem": problem,
            }
        return GradingInputError(message, question_id=self.qid)

    @property
    def points(self) -> Decimal:
        points = as_decimal(self.value.get("points"), ZERO)
        return points if points > 0 else ZERO


def _questions(quiz_value) -> list[_QuestionRef]:
    return [
        _QuestionRef(
            qid=question_id(child, index),
            kind=child.block_type,
            excerpt=rich_text_excerpt(child.value.get("prompt"), 50),
            value=child.value,
        )
        for index, child in enumerate(quiz_value.get("questions") or [])
    ]


def _safe_excerpt(text: str) -> str:
    return Truncator(_CONTROL_RE.sub("", text)).chars(40)


def _is_blank(raw) -> bool:
    return raw is None or raw == "" or (isinstance(raw, list | tuple | Mapping) and not raw)


def _clean_text(raw, q: _QuestionRef, *, max_length: int = MAX_ANSWER_LENGTH) -> str:
    """A string answer, checked and NFC-normalised (not yet trimmed or case folded)."""
    if not isinstance(raw, str):
        raise q.error(gettext("the answer must be text."))
    if len(raw) > max_length:
        raise q.error(
            gettext("the answer is too long (%(max)s characters at most).") % {"max": max_length}
        )
    if _CONTROL_RE.search(raw):
        raise q.error(gettext("the answer contains control characters."))
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise q.error(gettext("the answer is not valid text.")) from None
    return unicodedata.normalize("NFC", raw)


def normalise_text(text: str, *, case_sensitive: bool = False) -> str:
    """The form short answers are compared in: NFC, trimmed, whitespace collapsed, folded."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not case_sensitive:
        text = unicodedata.normalize("NFC", text.casefold())
    return text


def _parse_index(raw, q: _QuestionRef, count: int, *, start: int = 0, missing: str = "") -> int:
    """A whole number from `start` to `count - 1`, given as int or decimal string."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise q.error(gettext("choose an option by its number."))
    if isinstance(raw, str):
        if not _INDEX_RE.match(raw.strip()):
            raise q.error(gettext("choose an option by its number."))
        raw = int(raw.strip())
    if not start <= raw < count:
        raise q.error(missing or gettext("there is no such option."))
    return raw


def _parse_number(raw, q: _QuestionRef) -> Decimal | None:
    """A finite Decimal from int, float, Decimal or text ("3.14" or "3,14"); None if blank."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise q.error(gettext("the answer must be a number."))
    if isinstance(raw, str):
        text = _clean_text(raw, q, max_length=MAX_NUMBER_LENGTH).strip().replace("\u2212", "-")
        if not text:
            return None
        if text.lstrip("+-").casefold() in _NOT_FINITE:
            raise q.error(gettext("the answer must be a finite number."))
        if "," in text:
            if "." in text or text.count(",") > 1:
                raise q.error(gettext("write the number with one decimal separator, like 3.14."))
            text = text.replace(",", ".")
        if not _NUMBER_RE.match(text):
            raise q.error(gettext("the answer must be a number, like 3.14 or 3,14."))
        raw = text
    elif isinstance(raw, float):
        raw = repr(raw)
    try:
        number = raw if isinstance(raw, Decimal) else Decimal(raw)
    except (InvalidOperation, ValueError):
        raise q.error(gettext("the answer must be a number.")) from None
    if not number.is_finite():
        raise q.error(gettext("the answer must be a finite number."))
    if number and abs(number.adjusted()) > MAX_NUMBER_EXPONENT:
        raise q.error(gettext("the number is out of range."))
    return number


def _clean_answer(q: _QuestionRef, raw):
    """The answer in canonical JSON-safe form, None when unanswered; raises on bad input."""
    if _is_blank(raw):
        return None
    cleaner = _CLEANERS.get(q.kind)
    if cleaner is None:
        raise q.error(gettext("this kind of question cannot be answered."))
    return cleaner(q, raw)


def _clean_single_choice(q, raw):
    if isinstance(raw, list | tuple | Mapping):
        raise q.error(gettext("choose one option, not several."))
    return _parse_index(raw, q, len(q.value.get("options") or []))


def _clean_multiple_choice(q, raw):
    if not isinstance(raw, list | tuple):
        raise q.error(gettext("send the chosen options as a list."))
    count = len(q.value.get("options") or [])
    if len(raw) > count:
        raise q.error(gettext("more options were chosen than there are."))
    indexes = [_parse_index(item, q, count) for item in raw]
    if len(set(indexes)) != len(indexes):
        raise q.error(gettext("an option was chosen twice."))
    return sorted(indexes)


def _clean_true_false(q, raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().casefold() in ("true", "false"):
        return raw.strip().casefold() == "true"
    raise q.error(gettext("answer true or false."))


def _clean_short_answer(q, raw):
    text = _clean_text(raw, q).strip()
    return text or None


def _clean_numeric(q, raw):
    number = _parse_number(raw, q)
    return None if number is None else str(number)


def _clean_matching(q, raw):
    if not isinstance(raw, Mapping):
        raise q.error(gettext("send the matches as a mapping of left items to choices."))
    count = len(q.value.get("pairs") or [])
    if len(raw) > count:
        raise q.error(gettext("more matches were sent than there are items."))
    tokens = {answer_token(q.qid, "right", i) for i in range(count)}
    matches = {}
    for key, token in raw.items():
        index = _parse_index(key, q, count, missing=gettext("there is no such item to match."))
        if token is None or token == "":
            continue
        if not isinstance(token, str) or token not in tokens:
            raise q.error(gettext("one of the chosen matches is not a choice of this question."))
        matches[str(index)] = token
    return matches or None


def _clean_ordering(q, raw):
    if not isinstance(raw, list | tuple):
        raise q.error(gettext("send the items as a list in your order."))
    tokens = [answer_token(q.qid, "item", i) for i in range(len(q.value.get("items") or []))]
    if (
        len(raw) != len(tokens)
        or not all(isinstance(item, str) for item in raw)
        or sorted(raw) != sorted(tokens)
    ):
        raise q.error(gettext("put every item in the order exactly once."))
    return list(raw)


def _clean_fill_in_blanks(q, raw):
    if not isinstance(raw, Mapping):
        raise q.error(gettext("send the gaps as a mapping of gap numbers to answers."))
    count = len(q.value.get("gaps") or [])
    if len(raw) > count:
        raise q.error(gettext("more gaps were sent than there are."))
    filled = {}
    for key, text in raw.items():
        number = _parse_index(key, q, count + 1, start=1, missing=gettext("there is no such gap."))
        if text is None:
            continue
        text = _clean_text(text, q).strip()
        if text:
            filled[str(number)] = text
    return filled or None


def _clean_essay(q, raw):
    text = _clean_text(raw, q, max_length=MAX_ESSAY_LENGTH).strip()
    if not text:
        return None
    words = len(text.split())
    low, high = q.value.get("min_words"), q.value.get("max_words")
    if high and words > high:
        raise q.error(
            gettext("write at most %(max)s words (this answer has %(count)s).")
            % {"max": high, "count": words}
        )
    if low and words < low:
        raise q.error(
            gettext("write at least %(min)s words (this answer has %(count)s).")
            % {"min": low, "count": words}
        )
    return text


_CLEANERS = {
    QuestionKind.SINGLE_CHOICE: _clean_single_choice,
    QuestionKind.MULTIPLE_CHOICE: _clean_multiple_choice,
    QuestionKind.TRUE_FALSE: _clean_true_false,
    QuestionKind.SHORT_ANSWER: _clean_short_answer,
    QuestionKind.NUMERIC: _clean_numeric,
    QuestionKind.MATCHING: _clean_matching,
    QuestionKind.ORDERING: _clean_ordering,
    QuestionKind.FILL_IN_BLANKS: _clean_fill_in_blanks,
    QuestionKind.ESSAY: _clean_essay,
}


# ---------------------------------------------------------------------------------------
# Grading of cleaned answers: each returns the fraction of the points earned (0 to 1)
# ---------------------------------------------------------------------------------------


def _correct_indexes(q) -> set[int]:
    return {i for i, option in enumerate(q.value.get("options") or []) if option.get("is_correct")}


def _grade_single_choice(q, answer) -> Decimal:
    correct = _correct_indexes(q)
    return Decimal(1) if len(correct) == 1 and answer in correct else ZERO


def _grade_multiple_choice(q, answer) -> Decimal:
    correct = _correct_indexes(q)
    return Decimal(1) if correct and set(answer) == correct else ZERO


def _grade_true_false(q, answer) -> Decimal:
    return Decimal(1) if answer == bool(q.value.get("correct")) else ZERO


def _grade_short_answer(q, answer) -> Decimal:
    case_sensitive = bool(q.value.get("case_sensitive"))
    accepted = {
        normalise_text(text, case_sensitive=case_sensitive)
        for text in q.value.get("accepted_answers") or []
        if text and text.strip()
    }
    return Decimal(1) if normalise_text(answer, case_sensitive=case_sensitive) in accepted else ZERO


def _grade_numeric(q, answer) -> Decimal:
    target = as_decimal(q.value.get("value"))
    if target is None:
        return ZERO
    tolerance = abs(as_decimal(q.value.get("tolerance"), ZERO))
    with localcontext() as context:
        context.prec = 4 * MAX_NUMBER_EXPONENT + 60
        return Decimal(1) if abs(Decimal(answer) - target) <= tolerance else ZERO


def _grade_matching(q, answer) -> Decimal:
    count = len(q.value.get("pairs") or [])
    if not count:
        return ZERO
    right = sum(1 for i in range(count) if answer.get(str(i)) == answer_token(q.qid, "right", i))
    return Decimal(right) / Decimal(count)


def _grade_ordering(q, answer) -> Decimal:
    positions = {answer_token(q.qid, "item", i): i for i in range(len(answer))}
    order = [positions[token] for token in answer]
    count = len(order)
    if count < 2:
        return Decimal(1) if order == sorted(order) else ZERO
    concordant = sum(1 for a in range(count) for b in range(a + 1, count) if order[a] < order[b])
    return Decimal(concordant) / Decimal(count * (count - 1) // 2)


def _grade_fill_in_blanks(q, answer) -> Decimal:
    gaps = q.value.get("gaps") or []
    if not gaps:
        return ZERO
    case_sensitive = bool(q.value.get("case_sensitive"))
    right = 0
    for number, gap in enumerate(gaps, start=1):
        given = answer.get(str(number))
        accepted = {
            normalise_text(text, case_sensitive=case_sensitive)
            for text in split_accepted_answers(gap.get("answers"))
        }
        if given is not None and normalise_text(given, case_sensitive=case_sensitive) in accepted:
            right += 1
    return Decimal(right) / Decimal(len(gaps))


_GRADERS = {
    QuestionKind.SINGLE_CHOICE: _grade_single_choice,
    QuestionKind.MULTIPLE_CHOICE: _grade_multiple_choice,
    QuestionKind.TRUE_FALSE: _grade_true_false,
    QuestionKind.SHORT_ANSWER: _grade_short_answer,
    QuestionKind.NUMERIC: _grade_numeric,
    QuestionKind.MATCHING: _grade_matching,
    QuestionKind.ORDERING: _grade_ordering,
    QuestionKind.FILL_IN_BLANKS: _grade_fill_in_blanks,
}


def _grade_question(q: _QuestionRef, answer) -> QuestionResult:
    possible = q.points

    def result(status: str, awarded: Decimal = ZERO, correct: bool | None = False):
        return QuestionResult(
            question_id=q.qid,
            kind=q.kind,
            points_awarded=awarded,
            points_possible=possible,
            correct=correct,
            feedback=str(ResultStatus.LABELS[status]),
            status=status,
            answer=answer,
        )

    if answer is None:
        return result(ResultStatus.UNANSWERED)
    if q.kind == QuestionKind.ESSAY:
        return result(ResultStatus.PENDING, correct=None)
    fraction = _GRADERS[q.kind](q, answer)
    awarded = (possible * fraction).quantize(CENT, rounding=ROUND_HALF_UP)
    if fraction == 1:
        return result(ResultStatus.CORRECT, awarded, True)
    if fraction > 0:
        return result(ResultStatus.PARTIAL, awarded, False)
    return result(ResultStatus.INCORRECT)


def _summarise(results: list[QuestionResult], pass_mark: Decimal) -> QuizResult:
    pending = tuple(q.question_id for q in results if q.correct is None)
    awarded = sum((q.points_awarded for q in results), ZERO)
    possible = sum((q.points_possible for q in results), ZERO)
    graded_possible = sum((q.points_possible for q in results if q.correct is not None), ZERO)
    if graded_possible > 0:
        percent = (awarded * 100 / graded_possible).quantize(CENT, rounding=ROUND_HALF_UP)
        passed = percent >= pass_mark
    else:
        percent, passed = None, None
    return QuizResult(
        questions=tuple(results),
        points_awarded=awarded,
        points_possible=possible,
        graded_points_possible=graded_possible,
        percent=percent,
        pass_mark_percent=pass_mark,
        passed=passed,
        pending_question_ids=pending,
    )


# ---------------------------------------------------------------------------------------
# Answer keys (server side, for the review payload only) and form parsing
# ---------------------------------------------------------------------------------------


def _answer_key(q: _QuestionRef) -> dict | None:
    value = q.value
    if q.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        options = value.get("options") or []
        indexes = sorted(_correct_indexes(q))
        return {"options": indexes, "texts": [str(options[i].get("text") or "") for i in indexes]}
    if q.kind == QuestionKind.TRUE_FALSE:
        return {"value": bool(value.get("correct"))}
    if q.kind == QuestionKind.SHORT_ANSWER:
        return {"accepted": [str(text) for text in value.get("accepted_answers") or [] if text]}
    if q.kind == QuestionKind.NUMERIC:
        target = as_decimal(value.get("value"))
        return {
            "value": None if target is None else str(target),
            "tolerance": str(as_decimal(value.get("tolerance"), ZERO)),
            "unit": str(value.get("unit") or ""),
        }
    if q.kind == QuestionKind.MATCHING:
        return {
            "pairs": [
                {
                    "left": str(pair.get("left") or ""),
                    "right": str(pair.get("right") or ""),
                    "token": answer_token(q.qid, "right", i),
                }
                for i, pair in enumerate(value.get("pairs") or [])
            ]
        }
    if q.kind == QuestionKind.ORDERING:
        items = value.get("items") or []
        return {
            "items": [str(text) for text in items],
            "tokens": [answer_token(q.qid, "item", i) for i in range(len(items))],
        }
    if q.kind == QuestionKind.FILL_IN_BLANKS:
        return {
            "gaps": {
                str(number): split_accepted_answers(gap.get("answers"))
                for number, gap in enumerate(value.get("gaps") or [], start=1)
            }
        }
    return None


def _getlist(data, key: str) -> list:
    if hasattr(data, "getlist"):
        return list(data.getlist(key))
    value = data.get(key) if isinstance(data, Mapping) else None
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _single(data, key: str, q: _QuestionRef):
    values = _getlist(data, key)
    if len(values) > 1:
        raise q.error(gettext("several answers were sent for one field."))
    return values[0] if values else None


def _ordering_from_positions(data, name: str, q: _QuestionRef) -> list[str] | None:
    count = len(q.value.get("items") or [])
    tokens = [answer_token(q.qid, "item", i) for i in range(count)]
    raw = {token: _single(data, f"{name}-{token}", q) for token in tokens}
    given = {token: value for token, value in raw.items() if value not in (None, "")}
    if not given:
        return None
    if len(given) != count:
        raise q.error(gettext("give every item a position."))
    positions = {}
    for token, value in given.items():
        if not isinstance(value, str) or not _INDEX_RE.match(value.strip()):
            raise q.error(
                gettext("a position must be a number from 1 to %(max)s.") % {"max": count}
            )
        position = int(value.strip())
        if not 1 <= position <= count:
            raise q.error(
                gettext("a position must be a number from 1 to %(max)s.") % {"max": count}
            )
        positions[token] = position
    if len(set(positions.values())) != count:
        raise q.error(gettext("two items have the same position."))
    return sorted(tokens, key=positions.__getitem__)

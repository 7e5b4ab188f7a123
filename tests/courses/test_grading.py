"""Server-side grading of every question kind, its edge cases and malformed input."""

import json
import re
from decimal import Decimal

import pytest
from django.http import QueryDict

from courses.blocks import QuestionKind, QuizBlock, ReviewPolicy
from courses.grading import (
    MAX_ANSWER_LENGTH,
    GradingInputError,
    QuizResult,
    ResultStatus,
    apply_essay_grade,
    grade_quiz,
    parse_form_answers,
    review_payload,
    review_visibility,
)

QUIZ = QuizBlock()


def question(kind, qid, points="1", explanation="", **fields):
    return {
        "type": kind,
        "id": qid,
        "value": {
            "prompt": f"<p>Prompt of {qid}</p>",
            "points": points,
            "explanation": explanation,
            **fields,
        },
    }


def make_quiz(*questions, pass_mark=60, **settings):
    return QUIZ.to_python(
        {
            "title": "Photosynthesis check",
            "instructions": "<p>Answer everything.</p>",
            "settings": {
                "max_attempts": 0,
                "time_limit_minutes": 0,
                "pass_mark_percent": pass_mark,
                "shuffle_questions": False,
                "shuffle_options": False,
                "review_policy": "answers_after_submit",
                **settings,
            },
            "questions": list(questions),
        }
    )


def options(*texts, correct=()):
    return [{"text": text, "is_correct": i in correct} for i, text in enumerate(texts)]


SINGLE = question(
    "single_choice", "single", options=options("Nitrogen", "Oxygen", "Argon", correct=(1,))
)
MULTIPLE = question(
    "multiple_choice",
    "multi",
    options=options("Light", "Water", "Sand", "Salt", correct=(0, 1)),
)
TRUE_FALSE = question("true_false", "tf", correct=True)
SHORT = question(
    "short_answer",
    "short",
    accepted_answers=["chlorophyll", "Carbon  dioxide", "café", "straße", "<b>"],
    case_sensitive=False,
)
SHORT_CASE = question("short_answer", "short_case", accepted_answers=["Paris"], case_sensitive=True)
NUMERIC = question("numeric", "num", value="3.14", tolerance="0.01", unit="")
NEGATIVE = question("numeric", "neg", value="-2.5", tolerance="0")
MATCHING = question(
    "matching",
    "match",
    points="3",
    pairs=[
        {"left": "Root", "right": "Takes up water"},
        {"left": "Leaf", "right": "Makes sugar"},
        {"left": "Flower", "right": "Makes seeds"},
    ],
)
ORDERING = question(
    "ordering",
    "order",
    points="6",
    items=["Light is absorbed", "Water is split", "Oxygen is released", "Sugar is made"],
)
BLANKS = question(
    "fill_in_blanks",
    "blanks",
    points="2",
    text="Plants take in [[1]] and give off [[2]].",
    gaps=[{"answers": "carbon dioxide|CO2"}, {"answers": "oxygen\nO2"}],
    case_sensitive=False,
)
ESSAY = question("essay", "essay", points="4", min_words=None, max_words=None)
ESSAY_LIMITS = question("essay", "essay_limits", points="4", min_words=3, max_words=5)


def grade_one(q, answer):
    quiz = make_quiz(q)
    return grade_quiz(quiz, {q["id"]: answer}).questions[0]


def student_question(quiz, qid):
    view = QUIZ.student_view(quiz, "quiz-1")
    return next(q for q in view["questions"] if q["id"] == qid)


def right_tokens(quiz):
    """Right-side tokens of the matching question by right-side text, from the student view."""
    return {r["text"]: r["token"] for r in student_question(quiz, "match")["right"]}


def item_tokens(quiz):
    return {item["text"]: item["token"] for item in student_question(quiz, "order")["items"]}


# ---------------------------------------------------------------------------------------
# Every kind: right, wrong, partial and unanswered
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [1, "1", " 1 "])
def test_single_choice_correct_index(answer):
    result = grade_one(SINGLE, answer)
    assert result.correct is True
    assert result.points_awarded == Decimal("1")
    assert result.status == ResultStatus.CORRECT
    assert result.answer == 1


def test_single_choice_wrong_and_unanswered():
    assert grade_one(SINGLE, 0).points_awarded == 0
    assert grade_one(SINGLE, 0).correct is False
    for blank in (None, ""):
        result = grade_one(SINGLE, blank)
        assert result.status == ResultStatus.UNANSWERED
        assert result.points_awarded == 0
        assert result.correct is False


def test_multiple_choice_is_all_or_nothing():
    assert grade_one(MULTIPLE, [1, 0]).correct is True
    assert grade_one(MULTIPLE, ["0", "1"]).points_awarded == Decimal("1")
    assert grade_one(MULTIPLE, [0]).points_awarded == 0  # a subset earns nothing
    assert grade_one(MULTIPLE, [0, 1, 2]).points_awarded == 0  # a superset neither
    assert grade_one(MULTIPLE, []).status == ResultStatus.UNANSWERED


@pytest.mark.parametrize(("answer", "correct"), [(True, True), ("true", True), (" TRUE ", True)])
def test_true_false(answer, correct):
    assert grade_one(TRUE_FALSE, answer).correct is correct
    assert grade_one(TRUE_FALSE, False).correct is False
    assert grade_one(TRUE_FALSE, "false").points_awarded == 0


@pytest.mark.parametrize(
    "answer",
    [
        "chlorophyll",
        "  Chlorophyll  ",
        "CHLOROPHYLL",
        "carbon dioxide",
        "Carbon\t \n dioxide",
        "cafe\u0301",  # decomposed é: NFC makes it the accepted "café"
        "STRASSE",  # casefold: ß == ss
        "<B>",  # a lesson about HTML may accept markup as text
    ],
)
def test_short_answer_normalisation(answer):
    result = grade_one(SHORT, answer)
    assert result.correct is True, answer
    assert result.points_awarded == 1


def test_short_answer_case_sensitive_and_wrong():
    assert grade_one(SHORT_CASE, "Paris").correct is True
    assert grade_one(SHORT_CASE, " Paris ").correct is True
    assert grade_one(SHORT_CASE, "paris").correct is False
    assert grade_one(SHORT, "chlorophyl").correct is False
    assert grade_one(SHORT, "   ").status == ResultStatus.UNANSWERED


@pytest.mark.parametrize(
    "hostile", ["<script>alert(1)</script>", "'; DROP TABLE courses_quizattempt; --"]
)
def test_short_answer_hostile_text_is_inert_and_wrong(hostile):
    result = grade_one(SHORT, hostile)
    assert result.correct is False
    assert result.points_awarded == 0
    assert result.answer == hostile  # kept as data, escaped wherever it is shown


@pytest.mark.parametrize(
    "answer", ["3.14", "3,14", " 3.15 ", "3.13", 3.14, Decimal("3.14"), "+3.14", "314e-2"]
)
def test_numeric_within_tolerance(answer):
    assert grade_one(NUMERIC, answer).correct is True


@pytest.mark.parametrize("answer", ["3.16", "3", 3, "-3.14", "3.1399e1"])
def test_numeric_outside_tolerance(answer):
    assert grade_one(NUMERIC, answer).correct is False


def test_numeric_negative_value_and_unicode_minus():
    assert grade_one(NEGATIVE, "-2,5").correct is True
    assert grade_one(NEGATIVE, "\u22122.5").correct is True
    assert grade_one(NEGATIVE, "2.5").correct is False


def test_numeric_without_value_in_a_draft_grades_as_wrong():
    draft = question("numeric", "draft", value=None, tolerance=None)
    result = grade_one(draft, "1")
    assert result.correct is False
    assert result.points_awarded == 0


def test_matching_partial_credit_is_proportional():
    quiz = make_quiz(MATCHING)
    tokens = right_tokens(quiz)
    all_right = {
        "0": tokens["Takes up water"],
        "1": tokens["Makes sugar"],
        "2": tokens["Makes seeds"],
    }
    result = grade_quiz(quiz, {"match": all_right}).questions[0]
    assert result.correct is True
    assert result.points_awarded == Decimal("3")

    one_right = {0: tokens["Takes up water"], 1: tokens["Makes seeds"], 2: tokens["Makes sugar"]}
    result = grade_quiz(quiz, {"match": one_right}).questions[0]
    assert result.status == ResultStatus.PARTIAL
    assert result.correct is False
    assert result.points_awarded == Decimal("1.00")  # 1 of 3 matched: 3 × 1/3

    # The same right side chosen twice: only the left item it belongs to scores.
    twice = {0: tokens["Takes up water"], 1: tokens["Makes seeds"], 2: tokens["Makes seeds"]}
    assert grade_quiz(quiz, {"match": twice}).questions[0].points_awarded == Decimal("2.00")

    one_blank = {"0": tokens["Takes up water"], "1": tokens["Makes sugar"], "2": ""}
    result = grade_quiz(quiz, {"match": one_blank}).questions[0]
    assert result.points_awarded == Decimal("2.00")


def test_ordering_partial_credit_counts_pairs_in_order():
    quiz = make_quiz(ORDERING)
    tokens = item_tokens(quiz)
    a, b, c, d = (
        tokens["Light is absorbed"],
        tokens["Water is split"],
        tokens["Oxygen is released"],
        tokens["Sugar is made"],
    )
    assert grade_quiz(quiz, {"order": [a, b, c, d]}).questions[0].points_awarded == 6
    swapped = grade_quiz(quiz, {"order": [a, c, b, d]}).questions[0]
    assert swapped.status == ResultStatus.PARTIAL
    assert swapped.points_awarded == Decimal("5.00")  # 5 of 6 pairs in order
    assert grade_quiz(quiz, {"order": [d, c, b, a]}).questions[0].points_awarded == 0
    shifted = grade_quiz(quiz, {"order": [b, c, d, a]}).questions[0]
    assert shifted.points_awarded == Decimal("3.00")  # 3 of 6 pairs


def test_fill_in_blanks_is_graded_per_gap():
    assert grade_one(BLANKS, {"1": "co2", "2": " Oxygen "}).points_awarded == 2
    assert grade_one(BLANKS, {1: "Carbon   Dioxide", 2: "O2"}).correct is True
    half = grade_one(BLANKS, {"1": "co2", "2": "nitrogen"})
    assert half.status == ResultStatus.PARTIAL
    assert half.points_awarded == Decimal("1.00")
    assert grade_one(BLANKS, {"2": "oxygen"}).points_awarded == Decimal("1.00")
    assert grade_one(BLANKS, {"1": "", "2": None}).status == ResultStatus.UNANSWERED


def test_essay_waits_for_the_tutor():
    result = grade_one(ESSAY, "Leaves reflect green light.")
    assert result.correct is None
    assert result.status == ResultStatus.PENDING
    assert result.points_awarded == 0
    assert grade_one(ESSAY, "   ").status == ResultStatus.UNANSWERED
    long_essay = "word " * 1_500  # 7,500 characters: longer than other answers may be
    assert grade_one(ESSAY, long_essay).status == ResultStatus.PENDING


def test_essay_word_limits_are_enforced():
    assert grade_one(ESSAY_LIMITS, "one two three").status == ResultStatus.PENDING
    with pytest.raises(GradingInputError, match="at least 3 words"):
        grade_one(ESSAY_LIMITS, "too short")
    with pytest.raises(GradingInputError, match="at most 5 words"):
        grade_one(ESSAY_LIMITS, "one two three four five six")


# ---------------------------------------------------------------------------------------
# Totals, pass mark, essays
# ---------------------------------------------------------------------------------------


def full_quiz():
    return make_quiz(
        SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC, MATCHING, ORDERING, BLANKS, ESSAY
    )


def test_totals_percent_and_pass_over_graded_points():
    quiz = full_quiz()
    answers = {"single": 1, "multi": [0], "tf": True, "short": "chlorophyll", "num": "3,14"}
    result = grade_quiz(quiz, {**answers, "essay": "An essay."})
    # 1 + 0 + 1 + 1 + 1 of 1+1+1+1+1+3+6+2 = 16 graded points; the essay's 4 are pending.
    assert result.points_awarded == Decimal("4")
    assert result.points_possible == Decimal("20")
    assert result.graded_points_possible == Decimal("16")
    assert result.percent == Decimal("25.00")
    assert result.passed is False
    assert result.pending_question_ids == ("essay",)
    assert result.is_final is False


def test_essay_grade_joins_the_total_and_may_flip_the_pass():
    quiz = make_quiz(SINGLE, ESSAY, pass_mark=50)
    result = grade_quiz(quiz, {"single": 0, "essay": "My essay text."})
    assert result.percent == Decimal("0.00")
    assert result.passed is False

    graded = apply_essay_grade(result, "essay", "3.5", feedback="Good reasoning.")
    assert graded.is_final is True
    essay = graded.question("essay")
    assert essay.points_awarded == Decimal("3.50")
    assert essay.status == ResultStatus.GRADED
    assert essay.correct is False
    assert essay.feedback == "Good reasoning."
    assert graded.points_awarded == Decimal("3.50")
    assert graded.graded_points_possible == Decimal("5")
    assert graded.percent == Decimal("70.00")
    assert graded.passed is True
    assert result.question("essay").status == ResultStatus.PENDING  # the original is unchanged


@pytest.mark.parametrize(("qid", "points"), [("essay", "4.5"), ("essay", "-1"), ("single", "1")])
def test_essay_grade_refuses_bad_points_or_non_essays(qid, points):
    result = grade_quiz(make_quiz(SINGLE, ESSAY), {"essay": "Text."})
    with pytest.raises(GradingInputError):
        apply_essay_grade(result, qid, points)


def test_only_pending_essays_have_no_percent_yet():
    result = grade_quiz(make_quiz(ESSAY), {"essay": "Text."})
    assert result.percent is None
    assert result.passed is None
    assert apply_essay_grade(result, "essay", 4).passed is True


def test_no_answers_at_all():
    result = grade_quiz(full_quiz(), None)
    assert result.points_awarded == 0
    assert {q.status for q in result.questions} == {ResultStatus.UNANSWERED}
    assert result.is_final is True  # an empty essay needs no tutor
    assert result.passed is False


def test_result_round_trips_through_json():
    quiz = full_quiz()
    result = grade_quiz(quiz, {"single": "1", "num": "3.14", "essay": "Essay."})
    data = json.loads(json.dumps(result.to_dict()))
    assert QuizResult.from_dict(data) == result
    assert data["is_final"] is False


# ---------------------------------------------------------------------------------------
# Malformed input: GradingInputError naming the question, nothing else
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "answer", "message"),
    [
        (SINGLE, 3, "no such option"),
        (SINGLE, "-1", "by its number"),
        (SINGLE, 10**100, "no such option"),
        (SINGLE, True, "by its number"),
        (SINGLE, 1.0, "by its number"),
        (SINGLE, [1], "not several"),
        (SINGLE, "<script>", "by its number"),
        (SINGLE, "'; DROP TABLE x", "by its number"),
        (MULTIPLE, 1, "as a list"),
        (MULTIPLE, "0,1", "as a list"),
        (MULTIPLE, [0, 0], "twice"),
        (MULTIPLE, [0, 9], "no such option"),
        (MULTIPLE, [0, 1, 2, 3, 0], "more options"),
        (MULTIPLE, [[0]], "by its number"),
        (TRUE_FALSE, "yes", "true or false"),
        (TRUE_FALSE, 1, "true or false"),
        (TRUE_FALSE, [True], "true or false"),
        (SHORT, 42, "must be text"),
        (SHORT, ["chlorophyll"], "must be text"),
        (SHORT, "x" * (MAX_ANSWER_LENGTH + 1), "too long"),
        (SHORT, "chloro\x00phyll", "control characters"),
        (SHORT, "bell\x07", "control characters"),
        (SHORT, "\ud800", "not valid text"),
        (NUMERIC, "NaN", "finite"),
        (NUMERIC, "-inf", "finite"),
        (NUMERIC, "Infinity", "finite"),
        (NUMERIC, float("nan"), "finite"),
        (NUMERIC, float("inf"), "finite"),
        (NUMERIC, Decimal("NaN"), "finite"),
        (NUMERIC, "1e9999", "out of range"),
        (NUMERIC, 10**100, "out of range"),
        (NUMERIC, "3,14.5", "one decimal separator"),
        (NUMERIC, "1,000,000", "one decimal separator"),
        (NUMERIC, "pi", "must be a number"),
        (NUMERIC, "'; DROP TABLE x", "must be a number"),
        (NUMERIC, "3.14\x00", "control characters"),
        (NUMERIC, True, "must be a number"),
        (NUMERIC, [3.14], "must be a number"),
        (NUMERIC, "1" * 101, "too long"),
        (MATCHING, ["x", "y", "z"], "as a mapping"),
        (MATCHING, {"0": "not-a-token"}, "not a choice"),
        (MATCHING, {"7": "x"}, "no such item"),
        (MATCHING, {"0": 5}, "not a choice"),
        (MATCHING, {str(i): "" for i in range(4)}, "more matches"),
        (ORDERING, "abc", "as a list"),
        (ORDERING, ["a", "b", "c", "d"], "exactly once"),
        (ORDERING, [1, 2, 3, 4], "exactly once"),
        (BLANKS, "co2", "as a mapping"),
        (BLANKS, {"3": "x"}, "no such gap"),
        (BLANKS, {"0": "x"}, "no such gap"),
        (BLANKS, {"1": 2}, "must be text"),
        (BLANKS, {"1": "<script>" * 1_000}, "too long"),
        (ESSAY, "x" * 50_001, "too long"),
        (ESSAY, {"text": "essay"}, "must be text"),
        (ESSAY, "nul\x00", "control characters"),
    ],
)
def test_malformed_answers_raise_a_clear_error(q, answer, message):
    with pytest.raises(GradingInputError, match=message) as caught:
        grade_one(q, answer)
    assert caught.value.question_id == q["id"]
    assert f"Prompt of {q['id']}" in caught.value.messages[0]  # the message names the question


def test_ordering_needs_every_item_exactly_once():
    quiz = make_quiz(ORDERING)
    tokens = list(item_tokens(quiz).values())
    for bad in (tokens[:3], tokens + tokens[:1], [tokens[0]] * 4):
        with pytest.raises(GradingInputError, match="exactly once"):
            grade_quiz(quiz, {"order": bad})


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"no-such-question": 1}, "no question"),
        ({"single": 1, "<script>alert(1)</script>": 1}, "no question"),
        ({1: 1}, "keyed by question id"),
        ([("single", 1)], "mapping of question ids"),
        ("single=1", "mapping of question ids"),
    ],
)
def test_malformed_submissions_raise(answers, message):
    with pytest.raises(GradingInputError, match=message) as caught:
        grade_quiz(full_quiz(), answers)
    assert caught.value.question_id is None


def test_one_bad_answer_fails_the_whole_submission():
    with pytest.raises(GradingInputError) as caught:
        grade_quiz(full_quiz(), {"single": 1, "tf": True, "num": "NaN", "short": "chlorophyll"})
    assert caught.value.question_id == "num"


HOSTILE_VALUES = [
    None,
    "",
    0,
    -1,
    1.5,
    True,
    [],
    {},
    [[]],
    [None],
    {"a": 1},
    {None: None},
    "x" * 6_000,
    "\x00",
    "\ud800",
    "<script>alert(1)</script>",
    "'; DROP TABLE users; --",
    float("nan"),
    float("-inf"),
    Decimal("sNaN"),
    object(),
    b"bytes",
    ["0", "0"],
    {"0": None},
    10**100,
    "9" * 90,
    "1e9999",
    "0x1F",
    "١٢",  # Arabic-Indic digits
]


@pytest.mark.parametrize(
    "kind_question",
    [SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC, MATCHING, ORDERING, BLANKS, ESSAY_LIMITS],
)
def test_only_grading_input_errors_escape(kind_question):
    quiz = make_quiz(kind_question)
    for value in HOSTILE_VALUES:
        try:
            result = grade_quiz(quiz, {kind_question["id"]: value})
        except GradingInputError as error:
            assert error.question_id == kind_question["id"]
            assert error.messages and error.messages[0]
        else:
            assert isinstance(result, QuizResult)
            json.dumps(result.to_dict())


def test_every_question_kind_has_a_grader():
    quiz = make_quiz(*[question(kind, f"id-{kind}") for kind in QuestionKind.values])
    result = grade_quiz(quiz, {})
    assert {q.kind for q in result.questions} == set(QuestionKind.values)


# ---------------------------------------------------------------------------------------
# Review: what a student sees after submitting
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "due_passed", "score", "answers"),
    [
        (ReviewPolicy.SCORE_ONLY, True, True, False),
        (ReviewPolicy.ANSWERS_AFTER_SUBMIT, False, True, True),
        (ReviewPolicy.ANSWERS_AFTER_DUE, False, True, False),
        (ReviewPolicy.ANSWERS_AFTER_DUE, True, True, True),
        (ReviewPolicy.NEVER, True, False, False),
        ("unknown-policy", True, False, False),
    ],
)
def test_review_visibility(policy, due_passed, score, answers):
    visibility = review_visibility(policy, due_passed=due_passed)
    assert (visibility.score, visibility.answers) == (score, answers)


def sentinel_quiz():
    return make_quiz(
        question(
            "short_answer",
            "short",
            explanation="<p>SENTINEL-EXPLAIN-short</p>",
            accepted_answers=["SENTINEL-ACCEPTED-7f3a"],
        ),
        question("true_false", "tf", correct=False),
        question("numeric", "num", value="271828.1828", tolerance="0.5"),
    )


def test_review_without_answers_shows_the_score_only():
    quiz = sentinel_quiz()
    result = grade_quiz(quiz, {"short": "guess", "tf": "true"})
    payload = review_payload(quiz, result, policy_allows_answers=False)
    text = json.dumps(payload)
    assert payload["score"]["points_awarded"] == "0"
    assert payload["score"]["points_possible"] == "3"
    assert payload["answers_shown"] is False
    assert "SENTINEL" not in text
    assert "271828" not in text
    for item in payload["questions"]:
        assert "correct" not in item and "correct_answer" not in item
        assert "points_awarded" not in item  # points of a true/false question are its answer
    assert payload["questions"][0] == {
        "id": "short",
        "kind": "short_answer",
        "answered": True,
        "answer": "guess",
    }


def test_review_with_answers_adds_keys_and_explanations():
    quiz = sentinel_quiz()
    result = grade_quiz(quiz, {"short": "guess", "tf": "true", "num": "271828"})
    payload = review_payload(quiz, result, policy_allows_answers=True)
    short, tf, num = payload["questions"]
    assert short["correct_answer"] == {"accepted": ["SENTINEL-ACCEPTED-7f3a"]}
    assert "SENTINEL-EXPLAIN-short" in short["explanation_html"]
    assert tf["correct_answer"] == {"value": False}
    assert tf["correct"] is False
    assert num["correct"] is True
    assert num["correct_answer"]["value"] == "271828.1828"
    json.dumps(payload)


# ---------------------------------------------------------------------------------------
# The quiz form and its parser agree
# ---------------------------------------------------------------------------------------


def test_form_field_names_are_the_ones_the_parser_reads():
    quiz = full_quiz()
    html = str(QUIZ.render(quiz, context={"id": "quiz-1"}))
    names = set(re.findall(r'name="([^"]+)"', html)) - {"csrfmiddlewaretoken", "quiz"}
    order_tokens = item_tokens(quiz).values()
    expected = {
        "q-single",
        "q-multi",
        "q-tf",
        "q-short",
        "q-num",
        "q-essay",
        "q-match-0",
        "q-match-1",
        "q-match-2",
        "q-blanks-1",
        "q-blanks-2",
        *(f"q-order-{token}" for token in order_tokens),
    }
    assert names == expected


def test_parsed_form_answers_grade_full_marks():
    quiz = full_quiz()
    rights = right_tokens(quiz)
    items = item_tokens(quiz)
    data = QueryDict(mutable=True)
    data.update(
        {
            "quiz": "quiz-1",
            "q-single": "1",
            "q-tf": "true",
            "q-short": " Chlorophyll ",
            "q-num": "3,14",
            "q-essay": "Green light is reflected.",
            "q-match-0": rights["Takes up water"],
            "q-match-1": rights["Makes sugar"],
            "q-match-2": rights["Makes seeds"],
            "q-blanks-1": "CO2",
            "q-blanks-2": "oxygen",
        }
    )
    data.setlist("q-multi", ["0", "1"])
    for position, text in enumerate(
        ["Light is absorbed", "Water is split", "Oxygen is released", "Sugar is made"], start=1
    ):
        data[f"q-order-{items[text]}"] = str(position)

    answers = parse_form_answers(quiz, data)
    result = grade_quiz(quiz, answers)
    assert result.points_awarded == result.graded_points_possible == Decimal("16")
    assert result.percent == Decimal("100.00")
    assert result.pending_question_ids == ("essay",)


def test_blank_form_is_all_unanswered():
    quiz = full_quiz()
    blank = QueryDict("q-single=&q-short=&q-match-0=&q-blanks-1=")
    assert parse_form_answers(quiz, blank) == {}


@pytest.mark.parametrize(
    ("positions", "message"),
    [
        (["1", "2", "", ""], "every item a position"),
        (["1", "1", "2", "3"], "same position"),
        (["1", "2", "3", "5"], "from 1 to 4"),
        (["1", "2", "3", "x"], "from 1 to 4"),
    ],
)
def test_bad_ordering_positions_are_refused(positions, message):
    quiz = make_quiz(ORDERING)
    tokens = list(item_tokens(quiz).values())
    data = QueryDict(mutable=True)
    for token, position in zip(tokens, positions, strict=True):
        data[f"q-order-{token}"] = position
    with pytest.raises(GradingInputError, match=message):
        parse_form_answers(quiz, data)


def test_two_values_for_a_single_field_are_refused():
    data = QueryDict("q-single=0&q-single=1")
    with pytest.raises(GradingInputError, match="several answers"):
        parse_form_answers(make_quiz(SINGLE), data)


def test_parser_accepts_a_plain_mapping():
    quiz = make_quiz(SINGLE, MULTIPLE)
    assert parse_form_answers(quiz, {"q-single": "1", "q-multi": ["0", "1"]}) == {
        "single": "1",
        "multi": ["0", "1"],
    }

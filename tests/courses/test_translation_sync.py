"""Translating a lesson with wagtail-localize keeps the quiz's answer keys synchronised.

wagtail-localize extracts translatable *strings* from a StreamField (CharBlock, TextBlock
and the texts inside RichTextBlock) and ignores every other block (BooleanBlock,
DecimalBlock, IntegerBlock, ChoiceBlock). When it writes a translation it starts from the
source's StreamField value, so everything that is not a string segment, and the structure
itself (block ids, list order, which texts share a struct), is copied from the source on
every sync. These tests pin that down for a quiz with every question kind.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale
from wagtail_localize.models import (
    OverridableSegment,
    StringSegment,
    StringTranslation,
    TranslationSource,
)

from courses.blocks import answer_token
from courses.grading import grade_quiz
from courses.models import LessonPage
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.courses.learning_world import publish, quiz_settings

pytestmark = pytest.mark.django_db

QUIZ = "quiz-sync"


def item(item_id: str, value) -> dict:
    """A ListBlock child in the block format the Wagtail editor saves (with a stable id)."""
    return {"type": "item", "value": value, "id": item_id}


def quiz_body() -> list[dict]:
    """A lesson body: a heading and a quiz with one question of every kind."""
    questions = [
        {
            "type": "single_choice",
            "id": "q-single",
            "value": {
                "prompt": "<p>Which gas do plants take in?</p>",
                "options": [
                    item("single-a", {"text": "Oxygen", "is_correct": False}),
                    item("single-b", {"text": "Carbon dioxide", "is_correct": True}),
                    item("single-c", {"text": "Nitrogen", "is_correct": False}),
                ],
                "points": "1",
                "explanation": "<p>Photosynthesis uses carbon dioxide.</p>",
            },
        },
        {
            "type": "multiple_choice",
            "id": "q-multiple",
            "value": {
                "prompt": "<p>What do plants need for photosynthesis?</p>",
                "options": [
                    item("multi-a", {"text": "Light", "is_correct": True}),
                    item("multi-b", {"text": "Water", "is_correct": True}),
                    item("multi-c", {"text": "Sand", "is_correct": False}),
                ],
                "points": "2",
                "explanation": "",
            },
        },
        {
            "type": "true_false",
            "id": "q-true-false",
            "value": {
                "prompt": "<p>Plants release oxygen.</p>",
                "correct": True,
                "points": "1",
                "explanation": "",
            },
        },
        {
            "type": "short_answer",
            "id": "q-short",
            "value": {
                "prompt": "<p>Name the green pigment.</p>",
                "accepted_answers": [item("short-a", "chlorophyll")],
                "case_sensitive": False,
                "points": "1",
                "explanation": "",
            },
        },
        {
            "type": "numeric",
            "id": "q-numeric",
            "value": {
                "prompt": "<p>How many carbon atoms are in glucose?</p>",
                "value": "6",
                "tolerance": "0.5",
                "unit": "atoms",
                "points": "1",
                "explanation": "",
            },
        },
        {
            "type": "matching",
            "id": "q-matching",
            "value": {
                "prompt": "<p>Match each part with its job.</p>",
                "pairs": [
                    item("pair-root", {"left": "Root", "right": "Takes up water"}),
                    item("pair-leaf", {"left": "Leaf", "right": "Makes sugar"}),
                    item("pair-stem", {"left": "Stem", "right": "Holds the plant up"}),
                ],
                "points": "3",
                "explanation": "",
            },
        },
        {
            "type": "ordering",
            "id": "q-ordering",
            "value": {
                "prompt": "<p>Put the steps in order.</p>",
                "items": [
                    item("step-1", "Light is absorbed"),
                    item("step-2", "Water is split"),
                    item("step-3", "Sugar is made"),
                ],
                "points": "3",
                "explanation": "",
            },
        },
        {
            "type": "fill_in_blanks",
            "id": "q-gaps",
            "value": {
                "prompt": "<p>Complete the sentence.</p>",
                "text": "Plants take in [[1]] and give off [[2]].",
                "gaps": [
                    item("gap-1", {"answers": "carbon dioxide|CO2"}),
                    item("gap-2", {"answers": "oxygen|O2"}),
                ],
                "case_sensitive": False,
                "points": "2",
                "explanation": "",
            },
        },
        {
            "type": "essay",
            "id": "q-essay",
            "value": {
                "prompt": "<p>Explain why leaves are green.</p>",
                "min_words": 10,
                "max_words": 200,
                "points": "4",
                "explanation": "",
            },
        },
    ]
    return [
        {"type": "heading", "id": "h-sync", "value": {"text": "Photosynthesis", "level": "h2"}},
        {
            "type": "quiz",
            "id": QUIZ,
            "value": {
                "title": "Check yourself",
                "instructions": "<p>Answer every question.</p>",
                "settings": quiz_settings(pass_mark_percent=70),
                "questions": questions,
            },
        },
    ]


#: What a Ukrainian translator types for every string segment of the lesson. The test that
#: lists the segments asserts this is exactly what wagtail-localize offers, no more, no less.
UK = {
    # page fields
    "Photosynthesis": "Фотосинтез",
    "photosynthesis": "fotosyntez",
    # quiz texts
    "Check yourself": "Перевір себе",
    "Answer every question.": "Дайте відповідь на кожне запитання.",
    "Which gas do plants take in?": "Який газ поглинають рослини?",
    "Oxygen": "Кисень",
    "Carbon dioxide": "Вуглекислий газ",
    "Nitrogen": "Азот",
    "Photosynthesis uses carbon dioxide.": "Фотосинтез використовує вуглекислий газ.",
    "What do plants need for photosynthesis?": "Що потрібно рослинам для фотосинтезу?",
    "Light": "Світло",
    "Water": "Вода",
    "Sand": "Пісок",
    "Plants release oxygen.": "Рослини виділяють кисень.",
    "Name the green pigment.": "Назвіть зелений пігмент.",
    "chlorophyll": "хлорофіл",
    "How many carbon atoms are in glucose?": "Скільки атомів вуглецю в глюкозі?",
    "atoms": "атомів",
    "Match each part with its job.": "Зіставте кожну частину з її функцією.",
    "Root": "Корінь",
    "Takes up water": "Вбирає воду",
    "Leaf": "Лист",
    "Makes sugar": "Виробляє цукор",
    "Stem": "Стебло",
    "Holds the plant up": "Тримає рослину",
    "Put the steps in order.": "Розташуйте кроки по порядку.",
    "Light is absorbed": "Світло поглинається",
    "Water is split": "Вода розщеплюється",
    "Sugar is made": "Утворюється цукор",
    "Complete the sentence.": "Доповніть речення.",
    "Plants take in [[1]] and give off [[2]].": "Рослини поглинають [[1]] і виділяють [[2]].",
    "carbon dioxide|CO2": "вуглекислий газ|CO2",
    "oxygen|O2": "кисень|O2",
    "Explain why leaves are green.": "Поясніть, чому листя зелене.",
}

#: Every string segment wagtail-localize extracts from the quiz, by path below the quiz.
QUIZ_STRING_PATHS = {
    "title": "Check yourself",
    "instructions": "Answer every question.",
    "questions.q-single.prompt": "Which gas do plants take in?",
    "questions.q-single.options.single-a.text": "Oxygen",
    "questions.q-single.options.single-b.text": "Carbon dioxide",
    "questions.q-single.options.single-c.text": "Nitrogen",
    "questions.q-single.explanation": "Photosynthesis uses carbon dioxide.",
    "questions.q-multiple.prompt": "What do plants need for photosynthesis?",
    "questions.q-multiple.options.multi-a.text": "Light",
    "questions.q-multiple.options.multi-b.text": "Water",
    "questions.q-multiple.options.multi-c.text": "Sand",
    "questions.q-true-false.prompt": "Plants release oxygen.",
    "questions.q-short.prompt": "Name the green pigment.",
    "questions.q-short.accepted_answers.short-a": "chlorophyll",
    "questions.q-numeric.prompt": "How many carbon atoms are in glucose?",
    "questions.q-numeric.unit": "atoms",
    "questions.q-matching.prompt": "Match each part with its job.",
    "questions.q-matching.pairs.pair-root.left": "Root",
    "questions.q-matching.pairs.pair-root.right": "Takes up water",
    "questions.q-matching.pairs.pair-leaf.left": "Leaf",
    "questions.q-matching.pairs.pair-leaf.right": "Makes sugar",
    "questions.q-matching.pairs.pair-stem.left": "Stem",
    "questions.q-matching.pairs.pair-stem.right": "Holds the plant up",
    "questions.q-ordering.prompt": "Put the steps in order.",
    "questions.q-ordering.items.step-1": "Light is absorbed",
    "questions.q-ordering.items.step-2": "Water is split",
    "questions.q-ordering.items.step-3": "Sugar is made",
    "questions.q-gaps.prompt": "Complete the sentence.",
    "questions.q-gaps.text": "Plants take in [[1]] and give off [[2]].",
    "questions.q-gaps.gaps.gap-1.answers": "carbon dioxide|CO2",
    "questions.q-gaps.gaps.gap-2.answers": "oxygen|O2",
    "questions.q-essay.prompt": "Explain why leaves are green.",
}

#: Struct children that carry an answer key, a score or a setting: never a string segment.
KEY_FIELDS = {
    "is_correct",
    "correct",
    "value",
    "tolerance",
    "points",
    "case_sensitive",
    "min_words",
    "max_words",
    "settings",
    "max_attempts",
    "time_limit_minutes",
    "pass_mark_percent",
    "shuffle_questions",
    "shuffle_options",
    "review_policy",
}

#: Answers that are right in any language: option indexes, booleans, numbers, tokens.
LANGUAGE_NEUTRAL_ANSWERS = {
    "q-single": 1,
    "q-multiple": [0, 1],
    "q-true-false": True,
    "q-numeric": "6,2",
    "q-matching": {str(i): answer_token("q-matching", "right", i) for i in range(3)},
    "q-ordering": [answer_token("q-ordering", "item", i) for i in range(3)],
    "q-gaps": {"1": "CO2", "2": "O2"},
}


def quiz_of(page):
    """The quiz value of the revision students are served (attempts pin the live revision)."""
    body = page.live_revision.as_object().body
    return next(child for child in body if child.id == QUIZ)


def questions_of(page) -> dict:
    return {child.id: child.value for child in quiz_of(page).value["questions"]}


def list_ids(list_value) -> list[str]:
    return [child.id for child in list_value.bound_blocks]


def html_of(rich_text) -> str:
    return rich_text.source


def string_segments(source) -> dict[str, str]:
    return {
        segment.context.path: segment.string.data
        for segment in StringSegment.objects.filter(source=source).select_related(
            "string", "context"
        )
    }


def translate_every_segment(source, locale) -> int:
    """A translator's work: a Ukrainian StringTranslation for each string segment."""
    count = 0
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": UK[segment.string.data],
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            },
        )
        count += 1
    return count


def sync(source, locale, capture):
    """Write (or rewrite) the translation and publish it, as wagtail-localize's UI does.

    `create_or_update_translation(publish=True)` publishes on commit; the test's
    transaction never commits, so the callbacks are run by hand.
    """
    with capture(execute=True):
        page, _created = source.create_or_update_translation(locale, publish=True)
    page = LessonPage.objects.get(pk=page.pk)
    assert page.live and page.live_revision_id is not None
    return page


@pytest.fixture
def uk():
    return Locale.objects.get_or_create(language_code="uk")[0]


@pytest.fixture
def lesson(section, uk):
    """A published English lesson with the quiz; its catalog, section and course in uk.

    `copy_for_translation(copy_parents=True)` copies the course and any missing parent
    (a parent that wagtail-localize already made as an alias of the English page is
    live as it is); the copies are drafts until published.
    """
    course = publish(CoursePageFactory(parent=section, title="Plants"))
    lesson = publish(LessonPageFactory(parent=course, title="Photosynthesis", body=quiz_body()))
    course_uk = course.copy_for_translation(uk, copy_parents=True)
    section_uk = course_uk.get_parent().specific
    catalog_uk = section_uk.get_parent().specific
    for page in (catalog_uk, section_uk, course_uk):
        if not page.alias_of_id:
            publish(page)
    for page in (catalog_uk, section_uk, course_uk):
        page.refresh_from_db()
        assert page.live and page.locale == uk
    return lesson


@pytest.fixture
def source(lesson):
    source, created = TranslationSource.get_or_create_from_instance(lesson)
    assert created
    return source


@pytest.fixture
def lesson_uk(source, uk, django_capture_on_commit_callbacks):
    assert translate_every_segment(source, uk) == len(string_segments(source))
    return sync(source, uk, django_capture_on_commit_callbacks)


def test_texts_are_string_segments_and_answer_keys_are_not(source):
    """Prompts, options, instructions and every other text are offered for translation;
    correctness flags, the true/false value, numeric value and tolerance, points and the
    quiz settings are not strings at all: they are taken from the source on every sync.

    Some answer-bearing *texts* are translatable on purpose, because they are language
    content: short-answer accepted answers and fill-in-the-blank accepted answers (a
    Ukrainian student answers in Ukrainian), matching right-hand texts and ordering item
    texts (shown to the student, so they must be in the student's language). What makes
    them the answer is not the text but the structure, which is synchronised: a matching
    pair's left and right live in one list item (same id), ordering items are authored in
    the correct order (list order), options are identified by position.
    """
    segments = string_segments(source)
    quiz_prefix = f"body.{QUIZ}."
    quiz_segments = {
        path.removeprefix(quiz_prefix): text
        for path, text in segments.items()
        if path.startswith(quiz_prefix)
    }
    assert quiz_segments == QUIZ_STRING_PATHS
    assert set(segments) - {quiz_prefix + path for path in QUIZ_STRING_PATHS} == {
        "title",
        "slug",
        "body.h-sync.text",
    }
    assert set(segments.values()) == set(UK)

    # No key, score or setting is a path component of a translatable string ...
    for path in segments:
        assert not KEY_FIELDS & set(path.split(".")), path
    # ... nor a value a translator could edit.
    for text in segments.values():
        assert text not in {"True", "False", "true", "false", "6", "0.5", "70"}

    # Nor may a translator override anything in the quiz (overridables are URLs, embeds,
    # chooser values; the quiz has none).
    assert not OverridableSegment.objects.filter(
        source=source, context__path__startswith=quiz_prefix
    ).exists()

    # The keys travel in the source's synchronised content, not as segments.
    questions = questions_of(source.as_instance())
    assert [o["is_correct"] for o in questions["q-single"]["options"]] == [False, True, False]
    assert questions["q-numeric"]["value"] == Decimal("6")


def test_translation_has_ukrainian_texts_and_the_source_keys(lesson, lesson_uk, uk):
    assert lesson_uk.locale == uk
    assert lesson_uk.translation_key == lesson.translation_key
    assert lesson_uk.title == "Фотосинтез"

    en_quiz, uk_quiz = quiz_of(lesson), quiz_of(lesson_uk)
    assert uk_quiz.id == en_quiz.id == QUIZ
    assert uk_quiz.value["title"] == "Перевір себе"
    assert html_of(uk_quiz.value["instructions"]) == "<p>Дайте відповідь на кожне запитання.</p>"
    assert dict(uk_quiz.value["settings"]) == dict(en_quiz.value["settings"])

    en, ua = questions_of(lesson), questions_of(lesson_uk)
    # The same questions with the same ids, in the same order: attempts keyed by them match.
    assert list(ua) == list(en)
    for qid, question in ua.items():
        english = html_of(en[qid]["prompt"]).removeprefix("<p>").removesuffix("</p>")
        assert html_of(question["prompt"]) == f"<p>{UK[english]}</p>"
        assert question["points"] == en[qid]["points"]

    for qid in ("q-single", "q-multiple"):
        assert list_ids(ua[qid]["options"]) == list_ids(en[qid]["options"])
        assert [o["text"] for o in ua[qid]["options"]] == [
            UK[o["text"]] for o in en[qid]["options"]
        ]
        assert [o["is_correct"] for o in ua[qid]["options"]] == [
            o["is_correct"] for o in en[qid]["options"]
        ]
    assert [o["is_correct"] for o in ua["q-single"]["options"]] == [False, True, False]
    assert [o["is_correct"] for o in ua["q-multiple"]["options"]] == [True, True, False]
    assert html_of(ua["q-single"]["explanation"]) == (
        "<p>Фотосинтез використовує вуглекислий газ.</p>"
    )

    assert ua["q-true-false"]["correct"] is True

    assert list(ua["q-short"]["accepted_answers"]) == ["хлорофіл"]
    assert ua["q-short"]["case_sensitive"] is False

    assert ua["q-numeric"]["value"] == en["q-numeric"]["value"] == Decimal("6")
    assert ua["q-numeric"]["tolerance"] == en["q-numeric"]["tolerance"] == Decimal("0.5")
    assert ua["q-numeric"]["unit"] == "атомів"

    # Matching: each Ukrainian pair is the translation of the English pair with the same id.
    assert list_ids(ua["q-matching"]["pairs"]) == list_ids(en["q-matching"]["pairs"])
    assert [(p["left"], p["right"]) for p in ua["q-matching"]["pairs"]] == [
        (UK[p["left"]], UK[p["right"]]) for p in en["q-matching"]["pairs"]
    ]

    # Ordering: the authored (correct) order is kept item by item.
    assert list_ids(ua["q-ordering"]["items"]) == ["step-1", "step-2", "step-3"]
    assert list(ua["q-ordering"]["items"]) == [
        "Світло поглинається",
        "Вода розщеплюється",
        "Утворюється цукор",
    ]

    assert ua["q-gaps"]["text"] == "Рослини поглинають [[1]] і виділяють [[2]]."
    assert list_ids(ua["q-gaps"]["gaps"]) == ["gap-1", "gap-2"]
    assert [g["answers"] for g in ua["q-gaps"]["gaps"]] == ["вуглекислий газ|CO2", "кисень|O2"]

    assert (ua["q-essay"]["min_words"], ua["q-essay"]["max_words"]) == (10, 200)


def test_students_see_the_same_ids_and_tokens_in_both_languages(lesson, lesson_uk):
    """The student view (ids, option indexes, ordering/matching tokens and their shuffled
    order) depends on ids and positions only, so an answer form built in one language is
    valid in the other."""
    en_quiz, uk_quiz = quiz_of(lesson), quiz_of(lesson_uk)
    en_view = en_quiz.block.student_view(en_quiz.value, en_quiz.id)
    uk_view = uk_quiz.block.student_view(uk_quiz.value, uk_quiz.id)

    def skeleton(view):
        return [
            (
                q["id"],
                q["field_name"],
                [o.get("index", o.get("value")) for o in q.get("options", [])],
                [r["token"] for r in q.get("right", [])],
                [i["token"] for i in q.get("items", [])],
            )
            for q in view["questions"]
        ]

    assert uk_view["id"] == en_view["id"] == QUIZ
    assert skeleton(uk_view) == skeleton(en_view)
    uk_matching = next(q for q in uk_view["questions"] if q["id"] == "q-matching")
    assert {r["text"] for r in uk_matching["right"]} == {
        "Вбирає воду",
        "Виробляє цукор",
        "Тримає рослину",
    }


def test_changed_keys_follow_into_the_translation(
    lesson, lesson_uk, source, uk, django_capture_on_commit_callbacks
):
    """Flip the single-choice answer and change the numeric value in English only: after
    the source is updated and the translation re-synced, the Ukrainian quiz has the new
    keys and still its Ukrainian texts (no string changed, so no new translation needed)."""
    # An edit made directly on the Ukrainian page is not where keys live: the sync restores
    # the source's keys over it.
    tampered = copy.deepcopy(list(lesson_uk.body.raw_data))
    for question in tampered[1]["value"]["questions"]:
        if question["id"] == "q-true-false":
            question["value"]["correct"] = False
    lesson_uk.body = tampered
    publish(lesson_uk)
    assert questions_of(LessonPage.objects.get(pk=lesson_uk.pk))["q-true-false"]["correct"] is False

    body = copy.deepcopy(list(lesson.body.raw_data))
    questions = {q["id"]: q["value"] for q in body[1]["value"]["questions"]}
    for option, correct in zip(questions["q-single"]["options"], [False, False, True], strict=True):
        option["value"]["is_correct"] = correct
    questions["q-numeric"]["value"] = "12"
    questions["q-numeric"]["tolerance"] = "0.25"
    lesson.body = body
    lesson = publish(lesson)

    updated, created = TranslationSource.update_or_create_from_instance(lesson)
    assert (updated.pk, created) == (source.pk, False)
    assert string_segments(updated) == string_segments(source)  # texts unchanged
    lesson_uk = sync(updated, uk, django_capture_on_commit_callbacks)

    ua = questions_of(lesson_uk)
    assert [o["is_correct"] for o in ua["q-single"]["options"]] == [False, False, True]
    assert [o["text"] for o in ua["q-single"]["options"]] == ["Кисень", "Вуглекислий газ", "Азот"]
    assert html_of(ua["q-single"]["prompt"]) == "<p>Який газ поглинають рослини?</p>"
    assert ua["q-numeric"]["value"] == Decimal("12")
    assert ua["q-numeric"]["tolerance"] == Decimal("0.25")
    assert ua["q-numeric"]["unit"] == "атомів"
    assert ua["q-true-false"]["correct"] is True  # the tampered key is back to the source's
    assert list(ua) == list(questions_of(lesson))

    en_result = grade_quiz(quiz_of(lesson).value, {"q-single": 2, "q-numeric": "12.2"})
    uk_result = grade_quiz(quiz_of(lesson_uk).value, {"q-single": 2, "q-numeric": "12,2"})
    for result in (en_result, uk_result):
        assert result.question("q-single").correct is True
        assert result.question("q-numeric").correct is True
    old_answer = {"q-single": 1, "q-numeric": "6"}
    for page in (lesson, lesson_uk):
        result = grade_quiz(quiz_of(page).value, old_answer)
        assert result.question("q-single").correct is False
        assert result.question("q-numeric").correct is False


def summary(result) -> dict:
    return {
        q.question_id: (q.status, q.points_awarded, q.points_possible) for q in result.questions
    }


def test_an_answer_right_in_english_is_right_in_ukrainian(lesson, lesson_uk):
    en_quiz, uk_quiz = quiz_of(lesson).value, quiz_of(lesson_uk).value

    en = grade_quiz(en_quiz, LANGUAGE_NEUTRAL_ANSWERS)
    ua = grade_quiz(uk_quiz, LANGUAGE_NEUTRAL_ANSWERS)
    assert summary(ua) == summary(en)
    assert all(en.question(qid).correct is True for qid in LANGUAGE_NEUTRAL_ANSWERS)
    assert (ua.points_awarded, ua.percent, ua.passed) == (en.points_awarded, en.percent, en.passed)
    assert en.points_awarded == Decimal("13")

    wrong = {
        "q-single": 0,
        "q-multiple": [0, 2],
        "q-true-false": False,
        "q-numeric": "7",
        "q-matching": {"0": answer_token("q-matching", "right", 1)},
        "q-ordering": [answer_token("q-ordering", "item", i) for i in (2, 1, 0)],
        "q-gaps": {"1": "O2"},
    }
    assert summary(grade_quiz(uk_quiz, wrong)) == summary(grade_quiz(en_quiz, wrong))
    assert grade_quiz(uk_quiz, wrong).points_awarded == Decimal("0")


def test_accepted_answers_are_per_language(lesson, lesson_uk):
    """Typed answers are compared with the accepted answers of the page's own language:
    translated accepted answers are language content (a translator may keep the English
    word, or a symbol like CO2, as an accepted answer too)."""
    en_quiz, uk_quiz = quiz_of(lesson).value, quiz_of(lesson_uk).value
    assert grade_quiz(en_quiz, {"q-short": "Chlorophyll"}).question("q-short").correct
    assert grade_quiz(uk_quiz, {"q-short": " Хлорофіл "}).question("q-short").correct
    assert not grade_quiz(uk_quiz, {"q-short": "chlorophyll"}).question("q-short").correct

    gaps = {"1": "вуглекислий газ", "2": "кисень"}
    assert grade_quiz(uk_quiz, {"q-gaps": gaps}).question("q-gaps").correct
    assert not grade_quiz(en_quiz, {"q-gaps": gaps}).question("q-gaps").correct


def test_a_translation_that_drops_a_gap_marker_is_refused(
    source, uk, django_capture_on_commit_callbacks, monkeypatch
):
    gap_text = "Plants take in [[1]] and give off [[2]]."
    monkeypatch.setitem(UK, gap_text, "Рослини поглинають [[1]].")
    translate_every_segment(source, uk)
    with pytest.raises(ValidationError):
        sync(source, uk, django_capture_on_commit_callbacks)

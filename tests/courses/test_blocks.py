"""Lesson blocks: every block renders, editor validation lands on the right field, and no
answer key reaches a student through a template, a preview, the API or the search index."""

import json
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.template.loader import render_to_string
from PIL import Image as PILImage
from wagtail.blocks import StructBlock
from wagtail.blocks.base import BlockWidget, get_error_json_data
from wagtail.documents import get_document_model
from wagtail.embeds.finders import get_finders
from wagtail.embeds.finders.base import EmbedFinder
from wagtail.images import get_image_model

from courses.blocks import (
    PREVIEW_TEMPLATE,
    QUESTION_BLOCKS,
    CalloutBlock,
    CodeBlock,
    EssayQuestionBlock,
    FileDownloadBlock,
    FillInBlanksQuestionBlock,
    HeadingBlock,
    ImageBlock,
    LessonBodyBlock,
    MatchingQuestionBlock,
    MathBlock,
    MultipleChoiceQuestionBlock,
    NumericQuestionBlock,
    OrderingQuestionBlock,
    PdfBlock,
    QuizBlock,
    ShortAnswerQuestionBlock,
    SingleChoiceQuestionBlock,
    TextBlock,
    TrueFalseQuestionBlock,
    VideoBlock,
    seeded_shuffle,
)
from courses.grading import grade_quiz, review_payload

# ---------------------------------------------------------------------------------------
# Fixtures: a real image and real documents, and a local oEmbed finder (no network)
# ---------------------------------------------------------------------------------------


class LocalVideoFinder(EmbedFinder):
    """Answers every URL with a fixed iframe and records what it was asked for."""

    calls: list[str] = []

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        LocalVideoFinder.calls.append(url)
        return {
            "title": "Local video",
            "author_name": "Tutor",
            "provider_name": "Local",
            "type": "video",
            "thumbnail_url": "",
            "width": 640,
            "height": 360,
            "html": '<iframe src="https://www.youtube.com/embed/local-test" '
            'title="Local video"></iframe>',
        }


@pytest.fixture
def local_embeds(db, settings):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "tests.courses.test_blocks.LocalVideoFinder"}]
    get_finders.cache_clear()
    LocalVideoFinder.calls.clear()
    yield LocalVideoFinder.calls
    get_finders.cache_clear()


@pytest.fixture
def image(db):
    buffer = BytesIO()
    PILImage.new("RGB", (8, 6), "green").save(buffer, "PNG")
    return get_image_model().objects.create(
        title="A green leaf", file=ImageFile(buffer, name="leaf.png")
    )


def make_document(title, name, content=b"data"):
    return get_document_model().objects.create(title=title, file=ContentFile(content, name=name))


@pytest.fixture
def pdf(db):
    return make_document("Worksheet one", "worksheet.pdf", b"%PDF-1.4\n%%EOF\n")


@pytest.fixture
def video_file(db):
    return make_document("Experiment video", "experiment.mp4", b"\x00\x00\x00\x18ftypmp42")


@pytest.fixture
def text_file(db):
    return make_document("Notes", "notes.txt", b"plain notes")


def render(block, raw, context=None):
    return str(block.render(block.to_python(raw), context=context))


def clean_error(block, raw) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        block.clean(block.to_python(raw))
    return caught.value


def messages(error) -> list[str]:
    """Every message in a (nested) block validation error, flattened."""
    found = []

    def walk(data):
        found.extend(data.get("messages", []))
        for child in (data.get("blockErrors") or {}).values():
            walk(child)

    walk(get_error_json_data(error))
    return found


def field_messages(error, name) -> list[str]:
    assert name in error.block_errors, f"no error on {name!r}: {get_error_json_data(error)}"
    return messages(error.block_errors[name])


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["h2", "h3", "h4"])
def test_heading_renders_at_its_level(level):
    html = render(HeadingBlock(), {"text": "Light & <shade>", "level": level})
    assert html.strip() == f'<{level} class="lesson-heading">Light &amp; &lt;shade&gt;</{level}>'


def test_heading_with_a_forged_level_falls_back_to_h2():
    html = render(HeadingBlock(), {"text": "Title", "level": "script"})
    assert "<h2" in html and "script" not in html


def test_text_renders_rich_text():
    html = render(TextBlock(), {"text": "<p>Plants need <b>light</b>.</p><ul><li>A</li></ul>"})
    assert '<div class="lesson-text">' in html
    assert "<b>light</b>" in html
    assert "<li>A</li>" in html


def test_text_allows_only_the_restricted_features():
    assert TextBlock().child_blocks["text"].features == [
        "bold",
        "italic",
        "link",
        "ol",
        "ul",
        "h3",
        "h4",
    ]


def test_image_renders_a_rendition_with_alt_text_and_caption(image):
    html = render(
        ImageBlock(),
        {"image": image.pk, "alt_text": "A leaf", "decorative": False, "caption": "Fig. 1"},
    )
    assert re.search(r'<img src="[^"]+leaf[^"]*\.png" width="8" height="6" alt="A leaf"', html)
    assert "<figcaption>Fig. 1</figcaption>" in html


def test_decorative_image_has_empty_alt(image):
    html = render(ImageBlock(), {"image": image.pk, "alt_text": "ignored", "decorative": True})
    assert 'alt=""' in html


def test_image_that_was_deleted_renders_a_notice(db):
    html = render(ImageBlock(), {"image": 999_999, "alt_text": "x"})
    assert "Image not available" in html


def test_video_url_renders_the_embed(local_embeds):
    html = render(VideoBlock(), {"url": "https://www.youtube.com/watch?v=abc", "caption": "Intro"})
    assert '<iframe src="https://www.youtube.com/embed/local-test"' in html
    assert "<figcaption>Intro</figcaption>" in html
    assert local_embeds == ["https://www.youtube.com/watch?v=abc"]


def test_video_from_a_provider_no_longer_allowed_is_not_embedded(local_embeds, settings):
    settings.COURSES_VIDEO_PROVIDERS = ["vimeo.com"]
    html = render(VideoBlock(), {"url": "https://www.youtube.com/watch?v=abc"})
    assert "<iframe" not in html
    assert "This video is not available." in html
    assert local_embeds == []


def test_video_file_renders_a_video_element(video_file):
    html = render(VideoBlock(), {"file": video_file.pk, "transcript": "We mix <b>water</b>."})
    assert "<video controls" in html
    assert f'<source src="{video_file.url}" type="video/mp4">' in html
    assert "We mix &lt;b&gt;water&lt;/b&gt;." in html


def test_pdf_renders_inline_with_a_download_link(pdf):
    html = render(PdfBlock(), {"document": pdf.pk, "title": ""})
    assert f'<object data="{pdf.url}" type="application/pdf"' in html
    assert f'<a href="{pdf.url}" download>' in html
    assert "Worksheet one" in html
    assert pdf.url.startswith("/documents/")  # the permission-checked serve view


def test_callout_renders_its_kind():
    html = render(CalloutBlock(), {"kind": "warning", "title": "", "text": "<p>Hot!</p>"})
    assert 'class="callout callout-warning"' in html
    assert "<strong>Warning</strong>" in html
    assert "<p>Hot!</p>" in html
    forged = render(CalloutBlock(), {"kind": '"><script>', "text": "<p>x</p>"})
    assert "callout-info" in forged and "<script>" not in forged


def test_code_is_escaped_and_labelled():
    html = render(CodeBlock(), {"language": "html", "code": "<script>alert(1)</script>"})
    assert '<code class="language-html">&lt;script&gt;alert(1)&lt;/script&gt;</code>' in html
    assert "<script>" not in html


def test_math_is_escaped_in_a_katex_element():
    html = render(MathBlock(), {"source": r"a < b \land \frac{1}{2}", "spoken_text": "a less"})
    assert (
        r'<div class="math-tex math-display" aria-label="a less">a &lt; b \land \frac{1}{2}' in html
    )


def test_file_download_links_the_document(pdf):
    html = render(FileDownloadBlock(), {"document": pdf.pk, "link_text": ""})
    assert f'<a href="{pdf.url}" download>Worksheet one</a>' in html
    assert "(PDF" in html
    html = render(FileDownloadBlock(), {"document": pdf.pk, "link_text": "Get it"})
    assert ">Get it</a>" in html


def test_whole_lesson_body_renders_every_block(image, pdf, local_embeds):
    body = LessonBodyBlock()
    value = body.to_python(
        [
            {"type": "heading", "value": {"text": "Intro", "level": "h2"}, "id": "b1"},
            {"type": "text", "value": {"text": "<p>Hello</p>"}, "id": "b2"},
            {"type": "image", "value": {"image": image.pk, "alt_text": "Leaf"}, "id": "b3"},
            {"type": "video", "value": {"url": "https://youtu.be/x"}, "id": "b4"},
            {"type": "pdf", "value": {"document": pdf.pk}, "id": "b5"},
            {"type": "callout", "value": {"kind": "tip", "text": "<p>Tip</p>"}, "id": "b6"},
            {"type": "code", "value": {"language": "python", "code": "x = 1"}, "id": "b7"},
            {"type": "math", "value": {"source": "e^{i\\pi}"}, "id": "b8"},
            {"type": "file_download", "value": {"document": pdf.pk}, "id": "b9"},
            {"type": "quiz", "value": sentinel_quiz_raw(), "id": "quiz-block-1"},
        ]
    )
    html = str(body.render(value))
    for marker in (
        "lesson-heading",
        "lesson-text",
        "<img",
        "<iframe",
        "application/pdf",
        "callout-tip",
        "language-python",
        "math-tex",
        "file-download",
        'id="quiz-quiz-block-1"',
    ):
        assert marker in html, marker
    assert_no_answer_key(html)


# ---------------------------------------------------------------------------------------
# Previews and descriptions
# ---------------------------------------------------------------------------------------

ALL_BLOCKS = [
    *LessonBodyBlock().child_blocks.values(),
    *[cls() for cls in QUESTION_BLOCKS.values()],
]


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=lambda block: type(block).__name__)
def test_every_block_has_icon_description_and_a_previewable_template(block, rf):
    assert block.meta.icon not in ("", "placeholder")
    assert str(block.get_description())
    assert block.meta.template.startswith("courses/blocks/")
    assert block.is_previewable
    value = block.get_preview_value()
    html = render_to_string(
        PREVIEW_TEMPLATE,
        {
            "request": rf.get("/"),
            "block_def": block,
            "block_class": type(block),
            "bound_block": block.bind(value),
            "page_title": "Preview",
        },
    )
    assert "css/site.css" in html
    assert "<main>" in html
    assert "is_correct" not in html


def test_quiz_preview_shows_every_question_kind_without_keys():
    block = QuizBlock()
    html = str(block.render(block.get_preview_value()))
    for kind in QUESTION_BLOCKS:
        assert f"quiz-question-{kind}" in html
    assert "chlorophyll" not in html  # the preview's accepted short answer
    assert "carbon dioxide" not in html  # the preview's gap answer


def test_editor_form_packs_every_block_and_system_checks_pass(db):
    body = LessonBodyBlock()
    body.set_name("body")
    assert body.check() == []
    value = body.to_python([{"type": "quiz", "value": sentinel_quiz_raw(), "id": "qz"}])
    html = BlockWidget(body).render_with_errors("body", value)
    assert 'data-controller="w-block"' in html
    for label in ("Quiz", "Fill in the blanks", "Video", "PDF", "Maths"):
        assert label in html


# ---------------------------------------------------------------------------------------
# Editor validation: the error lands on the field at fault
# ---------------------------------------------------------------------------------------


def q(**fields):
    return {"prompt": "<p>Question?</p>", "points": "1", "explanation": "", **fields}


def opts(*flags):
    return [{"text": f"Option {i}", "is_correct": flag} for i, flag in enumerate(flags)]


@pytest.mark.parametrize(
    ("block", "raw", "field", "message"),
    [
        (SingleChoiceQuestionBlock(), q(options=opts(False, False)), "options", "Mark the correct"),
        (SingleChoiceQuestionBlock(), q(options=opts(True, True)), "options", "Only one option"),
        (SingleChoiceQuestionBlock(), q(options=opts(True)), "options", "at least two options"),
        (
            SingleChoiceQuestionBlock(),
            q(
                options=[
                    {"text": "Same", "is_correct": True},
                    {"text": " same ", "is_correct": False},
                ]
            ),
            "options",
            "same text",
        ),
        (MultipleChoiceQuestionBlock(), q(options=opts(False, False)), "options", "at least one"),
        (MultipleChoiceQuestionBlock(), q(options=opts(True)), "options", "at least two options"),
        (NumericQuestionBlock(), q(value=None, tolerance="0"), "value", "correct value"),
        (NumericQuestionBlock(), q(value="2", tolerance="-0.1"), "tolerance", "cannot be negative"),
        (ShortAnswerQuestionBlock(), q(accepted_answers=[]), "accepted_answers", "at least one"),
        (
            MatchingQuestionBlock(),
            q(pairs=[{"left": "a", "right": "b"}]),
            "pairs",
            "at least two pairs",
        ),
        (
            MatchingQuestionBlock(),
            q(pairs=[{"left": "a", "right": "x"}, {"left": "b", "right": "X"}]),
            "pairs",
            "same right side",
        ),
        (OrderingQuestionBlock(), q(items=["only one"]), "items", "at least two items"),
        (OrderingQuestionBlock(), q(items=["a", "b", "A"]), "items", "same text"),
        (
            FillInBlanksQuestionBlock(),
            q(text="A [[1]] and [[2]].", gaps=[{"answers": "x"}]),
            "text",
            "[[2]]",
        ),
        (
            FillInBlanksQuestionBlock(),
            q(text="A [[1]].", gaps=[{"answers": "x"}, {"answers": "y"}]),
            "gaps",
            "[[2]]",
        ),
        (
            FillInBlanksQuestionBlock(),
            q(text="A [[1]] and [[1]].", gaps=[{"answers": "x"}]),
            "text",
            "only once",
        ),
        (FillInBlanksQuestionBlock(), q(text="No gaps.", gaps=[]), "text", "at least one gap"),
        (
            FillInBlanksQuestionBlock(),
            q(text="A [[1]].", gaps=[{"answers": " | \n "}]),
            "gaps",
            "at least one accepted answer",
        ),
        (
            EssayQuestionBlock(),
            q(min_words=300, max_words=100),
            "max_words",
            "at least the minimum",
        ),
        (TrueFalseQuestionBlock(), q(correct=True, points="0"), "points", "greater than or equal"),
        (TrueFalseQuestionBlock(), q(correct=True, prompt=""), "prompt", "required"),
    ],
)
def test_invalid_questions_are_refused_on_the_right_field(block, raw, field, message):
    error = clean_error(block, raw)
    assert any(message in text for text in field_messages(error, field)), messages(error)
    assert set(error.block_errors) == {field}


def test_gap_without_answers_is_flagged_on_that_gap():
    error = clean_error(
        FillInBlanksQuestionBlock(),
        q(text="A [[1]] and [[2]].", gaps=[{"answers": "x"}, {"answers": ""}]),
    )
    gap_errors = error.block_errors["gaps"].block_errors
    assert list(gap_errors) == [1]
    assert "answers" in gap_errors[1].block_errors


@pytest.mark.parametrize(
    ("block", "raw"),
    [
        (SingleChoiceQuestionBlock(), q(options=opts(False, True, False))),
        (MultipleChoiceQuestionBlock(), q(options=opts(True, True, False))),
        (TrueFalseQuestionBlock(), q(correct=False)),
        (ShortAnswerQuestionBlock(), q(accepted_answers=["Paris"], case_sensitive=False)),
        (NumericQuestionBlock(), q(value="9.81", tolerance="0.05", unit="m/s²")),
        (
            MatchingQuestionBlock(),
            q(pairs=[{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]),
        ),
        (OrderingQuestionBlock(), q(items=["first", "second"])),
        (
            FillInBlanksQuestionBlock(),
            q(text="[[1]] and [[2]]", gaps=[{"answers": "a"}, {"answers": "b|c"}]),
        ),
        (EssayQuestionBlock(), q(min_words=10, max_words=100)),
    ],
)
def test_valid_questions_pass(block, raw):
    cleaned = block.clean(block.to_python(raw))
    assert cleaned["prompt"].source == "<p>Question?</p>"


def test_drafts_may_be_unfinished_but_never_contradictory():
    block = SingleChoiceQuestionBlock()
    unfinished = block.to_python(q(options=opts(False, False)))
    assert block.clean_deferred(unfinished)["options"]  # no correct option yet: fine in a draft
    contradictory = block.to_python(q(options=opts(True, True)))
    with pytest.raises(ValidationError):
        block.clean_deferred(contradictory)
    numeric = NumericQuestionBlock()
    assert numeric.clean_deferred(numeric.to_python(q(value=None, tolerance="0")))
    with pytest.raises(ValidationError):
        block.clean(unfinished)  # and publishing still refuses it


def test_a_draft_lesson_with_an_unfinished_quiz_saves():
    body = LessonBodyBlock()
    raw = sentinel_quiz_raw()
    raw["questions"][0]["value"]["options"] = opts(False, False)
    raw["questions"][4]["value"]["value"] = None
    value = body.to_python([{"type": "quiz", "value": raw, "id": "qz"}])
    assert len(body.clean_deferred(value)) == 1
    with pytest.raises(ValidationError):
        body.clean(value)


def test_quiz_errors_are_nested_down_to_the_question_field():
    block = QuizBlock()
    raw = sentinel_quiz_raw()
    raw["questions"][0]["value"]["options"] = opts(False, False)
    error = clean_error(block, raw)
    question_errors = error.block_errors["questions"].block_errors
    assert list(question_errors) == [0]
    assert "options" in question_errors[0].block_errors


def test_quiz_needs_a_question():
    raw = sentinel_quiz_raw()
    raw["questions"] = []
    error = clean_error(QuizBlock(), raw)
    assert "questions" in error.block_errors


def test_valid_sentinel_quiz_passes_clean():
    block = QuizBlock()
    cleaned = block.clean(block.to_python(sentinel_quiz_raw()))
    assert len(cleaned["questions"]) == len(QUESTION_BLOCKS)


def test_image_needs_alt_text_unless_decorative(image):
    error = clean_error(ImageBlock(), {"image": image.pk, "alt_text": " ", "decorative": False})
    assert any("Describe the image" in m for m in field_messages(error, "alt_text"))
    block = ImageBlock()
    assert block.clean(block.to_python({"image": image.pk, "decorative": True}))["decorative"]


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=abc",
        "https://evil.example/watch?v=abc",
        "https://youtube.com@evil.example/watch",
        "https://www.youtube.com.evil.example/watch",
        "https://www.youtube.com:8443/watch",
        "javascript:alert(1)",
    ],
)
def test_video_url_must_be_https_from_an_allowed_provider(url, local_embeds):
    error = clean_error(VideoBlock(), {"url": url})
    assert field_messages(error, "url")
    assert local_embeds == []  # refused before any oEmbed request


def test_video_url_allow_list_comes_from_settings(local_embeds, settings):
    settings.COURSES_VIDEO_PROVIDERS = ["video.school.example"]
    block = VideoBlock()
    assert block.clean(block.to_python({"url": "https://video.school.example/v/1"}))["url"]
    error = clean_error(block, {"url": "https://www.youtube.com/watch?v=abc"})
    assert any("video.school.example" in m for m in field_messages(error, "url"))


def test_video_allowed_url_passes(local_embeds):
    block = VideoBlock()
    cleaned = block.clean(block.to_python({"url": "https://vimeo.com/123"}))
    assert cleaned["url"].url == "https://vimeo.com/123"


def test_video_needs_exactly_one_source(local_embeds, video_file):
    neither = clean_error(VideoBlock(), {"caption": "x"})
    assert neither.non_block_errors and not neither.block_errors
    both = clean_error(VideoBlock(), {"url": "https://vimeo.com/1", "file": video_file.pk})
    assert "not both" in messages(both)[0]


def test_video_file_must_be_mp4_or_webm(text_file, video_file):
    error = clean_error(VideoBlock(), {"file": text_file.pk})
    assert any("MP4 or WebM" in m for m in field_messages(error, "file"))
    block = VideoBlock()
    assert block.clean(block.to_python({"file": video_file.pk}))["file"] == video_file


def test_pdf_block_refuses_other_documents(text_file, pdf):
    error = clean_error(PdfBlock(), {"document": text_file.pk})
    assert any("PDF" in m for m in field_messages(error, "document"))
    block = PdfBlock()
    assert block.clean(block.to_python({"document": pdf.pk}))["document"] == pdf


# ---------------------------------------------------------------------------------------
# The leak test: no answer key in any HTML, JSON, preview or search index a student gets
# ---------------------------------------------------------------------------------------

# Neither list is in alphabetical order, so an index that sorts texts does not look "correct".
ORDER_ITEMS = [f"STEP-{letter}-ORDER" for letter in "DAFBEC"]
MATCH_RIGHTS = [f"RIGHT-{n}-MATCH" for n in (3, 1, 4, 2)]
SENTINELS = [
    "SENTINEL-ACCEPTED-7f3a",
    "SENTINEL-GAP-ANSWER-1",
    "SENTINEL-GAP-ALT-9c1e",
    "271828",
    "0.000314159",
    "314159",
    "SENTINEL-EXPLAIN",
    "is_correct",
    "accepted_answers",
    "case_sensitive",
    "tolerance",
    "explanation",
    "checked",
    "selected",
]


def explained(kind, **fields):
    return {
        "prompt": f"<p>Prompt for {kind}</p>",
        "points": "2",
        "explanation": f"<p>SENTINEL-EXPLAIN-{kind}</p>",
        **fields,
    }


def sentinel_quiz_raw():
    return {
        "title": "Sentinel quiz",
        "instructions": "<p>Answer.</p>",
        "settings": {
            "max_attempts": 3,
            "time_limit_minutes": 20,
            "pass_mark_percent": 60,
            "shuffle_questions": False,
            "shuffle_options": False,
            "review_policy": "answers_after_submit",
        },
        "questions": [
            {
                "type": "single_choice",
                "id": "q-single",
                "value": explained(
                    "single_choice",
                    options=[
                        {"text": "Paris", "is_correct": True},
                        {"text": "Lyon", "is_correct": False},
                    ],
                ),
            },
            {
                "type": "multiple_choice",
                "id": "q-multi",
                "value": explained(
                    "multiple_choice",
                    options=[
                        {"text": "Red", "is_correct": True},
                        {"text": "Blue", "is_correct": True},
                        {"text": "Tuesday", "is_correct": False},
                    ],
                ),
            },
            {"type": "true_false", "id": "q-tf", "value": explained("true_false", correct=True)},
            {
                "type": "short_answer",
                "id": "q-short",
                "value": explained(
                    "short_answer",
                    accepted_answers=["SENTINEL-ACCEPTED-7f3a", "sentinel accepted"],
                    case_sensitive=True,
                ),
            },
            {
                "type": "numeric",
                "id": "q-num",
                "value": explained(
                    "numeric", value="271828.1828", tolerance="0.000314159", unit="km"
                ),
            },
            {
                "type": "matching",
                "id": "q-match",
                "value": explained(
                    "matching",
                    pairs=[
                        {"left": f"LEFT-{n}-MATCH", "right": right}
                        for n, right in enumerate(MATCH_RIGHTS, start=1)
                    ],
                ),
            },
            {
                "type": "ordering",
                "id": "q-order",
                "value": explained("ordering", items=ORDER_ITEMS),
            },
            {
                "type": "fill_in_blanks",
                "id": "q-blanks",
                "value": explained(
                    "fill_in_blanks",
                    text="Capital: [[1]]; river: [[2]].",
                    gaps=[
                        {"answers": "SENTINEL-GAP-ANSWER-1|SENTINEL-GAP-ALT-9c1e"},
                        {"answers": "Seine"},
                    ],
                    case_sensitive=False,
                ),
            },
            {
                "type": "essay",
                "id": "q-essay",
                "value": explained("essay", min_words=5, max_words=50),
            },
        ],
    }


def assert_no_answer_key(text: str):
    for sentinel in SENTINELS:
        assert sentinel not in text, f"{sentinel!r} leaked"
    for sequence in (ORDER_ITEMS, MATCH_RIGHTS):
        positions = [text.find(item) for item in sequence]
        if all(p >= 0 for p in positions):
            assert positions != sorted(positions), f"{sequence} shown in the correct order"


def json_keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in json_keys(value)}
    if isinstance(data, list):
        return {key for value in data for key in json_keys(value)}
    return set()


def test_leak_quiz_html_has_no_answer_key():
    block = QuizBlock()
    value = block.to_python(sentinel_quiz_raw())
    html = str(block.render(value, context={"id": "quiz-1"}))
    assert "<form" in html and 'name="q-q-single"' in html
    assert "Paris" in html and "STEP-A-ORDER" in html  # texts a student must see are there
    assert_no_answer_key(html)
    assert "data-" not in html  # no answer data hidden in attributes
    tf_inputs = re.findall(r'<input type="radio" name="q-q-tf"[^>]*>', html)
    assert [re.sub(r"true|false", "", tag) for tag in tf_inputs] == [
        '<input type="radio" name="q-q-tf" id="q-q-tf-" value="">'
    ] * 2


def test_leak_api_representation_has_no_answer_key():
    block = QuizBlock()
    value = block.to_python(sentinel_quiz_raw())
    data = block.get_api_representation(value, context={"id": "quiz-1"})
    text = json.dumps(data)
    assert_no_answer_key(text)
    assert not json_keys(data) & {
        "is_correct",
        "correct",
        "accepted_answers",
        "tolerance",
        "explanation",
        "pairs",
        "gaps",
        "answers",
        "case_sensitive",
    }
    ordering = next(q for q in data["questions"] if q["kind"] == "ordering")
    assert [item["text"] for item in ordering["items"]] != ORDER_ITEMS
    assert sorted(item["text"] for item in ordering["items"]) == sorted(ORDER_ITEMS)


def test_leak_lesson_body_api_and_html_have_no_answer_key():
    body = LessonBodyBlock()
    value = body.to_python(
        [
            {"type": "heading", "value": {"text": "Quiz time", "level": "h2"}, "id": "h-1"},
            {"type": "quiz", "value": sentinel_quiz_raw(), "id": "quiz-block-7"},
        ]
    )
    data = body.get_api_representation(value)
    assert data[1]["id"] == "quiz-block-7"
    assert data[1]["value"]["id"] == "quiz-block-7"
    assert_no_answer_key(json.dumps(data))
    assert_no_answer_key(str(body.render(value)))


def test_leak_every_question_block_alone_has_no_answer_key():
    quiz = QuizBlock().to_python(sentinel_quiz_raw())
    questions = quiz["questions"]
    assert_no_answer_key(str(questions.stream_block.render(questions)))
    assert_no_answer_key(json.dumps(questions.stream_block.get_api_representation(questions)))
    for child in questions:
        html = str(child.render())
        assert f"quiz-question-{child.block_type}" in html
        assert_no_answer_key(html)
        assert_no_answer_key(json.dumps(child.block.get_api_representation(child.value)))
        for name, sub_block in child.block.child_blocks.items():
            item_block = getattr(sub_block, "child_block", None)
            if isinstance(item_block, StructBlock):  # options, pairs and gaps
                for item in child.value[name]:
                    assert_no_answer_key(str(item_block.render(item)))
                    assert_no_answer_key(json.dumps(item_block.get_api_representation(item)))


def test_leak_search_index_content_has_no_answer_key():
    block = QuizBlock()
    value = block.to_python(sentinel_quiz_raw())
    content = block.get_searchable_content(value)
    assert "Prompt for ordering" in " ".join(content)
    assert_no_answer_key(" \n ".join(content))
    body = LessonBodyBlock()
    stream = body.to_python([{"type": "quiz", "value": sentinel_quiz_raw(), "id": "qz"}])
    assert_no_answer_key(" ".join(body.get_searchable_content(stream)))


def test_leak_preview_of_a_quiz_has_no_answer_key(rf):
    block = QuizBlock()
    value = block.to_python(sentinel_quiz_raw())
    html = render_to_string(
        PREVIEW_TEMPLATE,
        {"request": rf.get("/"), "block_def": block, "bound_block": block.bind(value)},
    )
    assert "Sentinel quiz" in html
    assert_no_answer_key(html)


def test_sentinels_appear_only_in_the_review_the_policy_allows():
    quiz = QuizBlock().to_python(sentinel_quiz_raw())
    result = grade_quiz(quiz, {"q-short": "wrong", "q-essay": "one two three four five"})
    hidden = json.dumps(review_payload(quiz, result, policy_allows_answers=False))
    assert_no_answer_key(hidden)
    shown = json.dumps(review_payload(quiz, result, policy_allows_answers=True))
    for sentinel in (
        "SENTINEL-ACCEPTED-7f3a",
        "SENTINEL-GAP-ANSWER-1",
        "271828.1828",
        "SENTINEL-EXPLAIN-ordering",
    ):
        assert sentinel in shown


@pytest.mark.parametrize("block_id", ["a", "b", "quiz-1", "6f1c2a9e-0000", "x" * 40])
def test_ordering_and_matching_are_never_shown_in_the_correct_order(block_id):
    block = QuizBlock()
    raw = sentinel_quiz_raw()
    raw["questions"][6]["value"]["items"] = ORDER_ITEMS[:4]
    for question_id in ("q1", "q2", "q3", "q4", "q5"):
        raw["questions"][6]["id"] = question_id
        raw["questions"][5]["id"] = f"m-{question_id}"
        value = block.to_python(raw)
        view = block.student_view(value, block_id)
        ordering = next(q for q in view["questions"] if q["kind"] == "ordering")
        matching = next(q for q in view["questions"] if q["kind"] == "matching")
        assert [i["text"] for i in ordering["items"]] != ORDER_ITEMS[:4]
        assert [r["text"] for r in matching["right"]] != MATCH_RIGHTS
        assert block.student_view(value, block_id) == view  # deterministic: cacheable


def test_shuffle_settings_shuffle_questions_and_options_deterministically():
    block = QuizBlock()
    raw = sentinel_quiz_raw()
    raw["settings"].update(shuffle_questions=True, shuffle_options=True)
    value = block.to_python(raw)
    first = block.student_view(value, "quiz-1")
    assert first == block.student_view(value, "quiz-1")
    assert [q["number"] for q in first["questions"]] == list(range(1, 10))
    orders = {
        tuple(q["id"] for q in block.student_view(value, "quiz-1", seed=seed)["questions"])
        for seed in ("attempt-1", "attempt-2", "attempt-3", "attempt-4")
    }
    assert len(orders) > 1  # a per-attempt seed changes the order
    multi = next(q for q in first["questions"] if q["kind"] == "multiple_choice")
    assert sorted(o["index"] for o in multi["options"]) == [0, 1, 2]


def test_seeded_shuffle_avoids_the_original_order_when_asked():
    for seed in map(str, range(200)):
        assert seeded_shuffle([1, 2], seed, avoid_identity=True) == [2, 1]
        shuffled = seeded_shuffle(list(range(4)), seed, avoid_identity=True)
        assert sorted(shuffled) == [0, 1, 2, 3] and shuffled != [0, 1, 2, 3]


def test_points_in_the_student_view_are_strings():
    view = QuizBlock().student_view(QuizBlock().to_python(sentinel_quiz_raw()), "q")
    assert view["total_points"] == "18"
    assert {q["points"] for q in view["questions"]} == {"2"}
    assert Decimal(view["total_points"]) == 18

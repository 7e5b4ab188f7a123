"""StreamField blocks for lesson and task bodies, the quiz block among them.

Every content type is a StructBlock with its own template under
``templates/courses/blocks/``, an icon, a description and a preview value, so the editor's
block picker shows what each block makes. `LessonBodyBlock` is the one StreamBlock a
lesson or task body uses.

Answer keys never leave the server (DESIGN §6). A StructBlock without its own template, or
with Wagtail's default API representation, prints every child field, `is_correct` included.
So quiz and question blocks never hand their raw value to a template, to the API or to the
search index: `QuizBlock.student_view()` (and `BaseQuestionBlock.student_view()` for one
question) builds the one dict a student may see, and templates, previews and
`get_api_representation` all use it. It holds option texts without flags, no accepted
answers, no numeric value or tolerance, ordering items and matching right-hand sides in a
shuffled order, and no explanations.

How answers identify things (the answer formats are in `courses.grading`): choice options
are identified by their index in the authored list, which says nothing about correctness.
Ordering items and matching right-hand sides are identified by opaque tokens, an HMAC of
the question id, a role and the index under SECRET_KEY (`answer_token`), because for them
the index *is* the answer. Rotating SECRET_KEY invalidates tokens of attempts in progress.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

#: Rich text features of a lesson's text block: no images, embeds or h2 (headings have
#: their own block, and h1 is the page title).
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]
#: Rich text features of short texts: question prompts, explanations, callouts.
SHORT_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

#: Hosts a video URL may point to, unless settings.COURSES_VIDEO_PROVIDERS says otherwise.
DEFAULT_VIDEO_PROVIDERS = (
    "www.youtube.com",
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "player.vimeo.com",
)
#: Uploaded video files: extension -> MIME type for the <source> element.
VIDEO_FILE_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}

#: A gap in a fill-in-the-blanks text: [[1]], [[2]], ...
GAP_MARKER_RE = re.compile(r"\[\[(\d{1,3})\]\]")
#: Accepted answers of a gap are separated by new lines or pipes.
ACCEPTED_ANSWER_SEPARATOR_RE = re.compile(r"[\r\n|]+")
#: The maxlength of single-line answer inputs in the form (the server allows more).
SHORT_INPUT_MAX_LENGTH = 500

PREVIEW_TEMPLATE = "courses/blocks/preview.html"
_TOKEN_SALT = "tutorflow.courses.blocks.answer-token"


class ReviewPolicy(models.TextChoices):
    """What a student sees of a graded attempt (see `courses.grading.review_visibility`)."""

    SCORE_ONLY = "score_only", _("Score only")
    ANSWERS_AFTER_SUBMIT = "answers_after_submit", _("Score, and correct answers after submitting")
    ANSWERS_AFTER_DUE = "answers_after_due", _("Score, and correct answers after the due date")
    NEVER = "never", _("Nothing until the tutor shares it")


class QuestionKind(models.TextChoices):
    """The question kinds; the values are the block names inside `QuestionsBlock`."""

    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    NUMERIC = "numeric", _("Numeric")
    MATCHING = "matching", _("Matching pairs")
    ORDERING = "ordering", _("Ordering")
    FILL_IN_BLANKS = "fill_in_blanks", _("Fill in the blanks")
    ESSAY = "essay", _("Essay")


CODE_LANGUAGES = [
    ("plaintext", _("Plain text")),
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("html", "HTML"),
    ("css", "CSS"),
    ("sql", "SQL"),
    ("bash", _("Shell")),
    ("java", "Java"),
    ("c", "C"),
    ("cpp", "C++"),
    ("csharp", "C#"),
    ("go", "Go"),
    ("rust", "Rust"),
    ("php", "PHP"),
    ("ruby", "Ruby"),
    ("kotlin", "Kotlin"),
    ("swift", "Swift"),
    ("r", "R"),
    ("latex", "LaTeX"),
]


# ---------------------------------------------------------------------------------------
# Helpers shared with courses.grading
# ---------------------------------------------------------------------------------------


def video_providers() -> list[str]:
    """The lower-cased hosts a video URL may use (settings.COURSES_VIDEO_PROVIDERS)."""
    hosts = getattr(django_settings, "COURSES_VIDEO_PROVIDERS", DEFAULT_VIDEO_PROVIDERS)
    return [host.lower() for host in hosts]


def video_url_error(url: str) -> str | None:
    """Why `url` may not be embedded as a video, or None when it may.

    Only https, only the allow-listed hosts (compared on the parsed host name, so
    ``https://youtube.com@evil.example/`` is refused), only the default port.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return gettext("This is not a valid web address.")
    if parts.scheme.lower() != "https":
        return gettext("Use a secure address that starts with https://.")
    if (parts.hostname or "").lower() not in video_providers() or port not in (None, 443):
        return gettext("Videos can only come from: %(providers)s.") % {
            "providers": ", ".join(video_providers())
        }
    return None


def answer_token(question_id: str, role: str, index: int) -> str:
    """An opaque, stable id for item `index` of a question (role "item" or "right").

    Students see tokens instead of indexes where the index would give the answer away
    (ordering items, matching right-hand sides). Grading maps them back.
    """
    return salted_hmac(_TOKEN_SALT, f"{question_id}:{role}:{index}").hexdigest()[:16]


def seeded_shuffle(items: list, seed: str, *, avoid_identity: bool = False) -> list:
    """`items` in a pseudo-random order that depends only on `seed`.

    Deterministic so that a page renders the same for every request (and can be cached);
    with `avoid_identity` a list of two or more never comes back in its original order,
    for orderings whose original order is the answer.
    """
    order = list(range(len(items)))
    # Presentation only, not security: the answer key is not derived from this order.
    random.Random(seed).shuffle(order)  # noqa: S311
    if avoid_identity and len(order) > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return [items[i] for i in order]


def split_accepted_answers(text: str | None) -> list[str]:
    """The accepted answers of a gap, from text separated by new lines or pipes."""
    parts = ACCEPTED_ANSWER_SEPARATOR_RE.split(str(text or ""))
    return [part.strip() for part in parts if part.strip()]


def gap_numbers(text: str | None) -> list[int]:
    """The gap numbers marked in a fill-in-the-blanks text, in order of appearance."""
    return [int(number) for number in GAP_MARKER_RE.findall(str(text or ""))]


def question_id(child, index: int) -> str:
    """The id answers use for a question: its stream block id (positional if it has none)."""
    return str(child.id) if child.id else f"q{index + 1}"


def rich_text_excerpt(value, length: int = 60) -> str:
    """Plain text of a rich text value, shortened: for messages that name a question."""
    source = getattr(value, "source", value) or ""
    return Truncator(" ".join(strip_tags(str(source)).split())).chars(length)


def as_decimal(value, default: Decimal | None = None) -> Decimal | None:
    """`value` as a finite Decimal, or `default` when it is missing or not a number."""
    if value is None or isinstance(value, bool):
        return default
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default
    return number if number.is_finite() else default


def _decimal_str(value) -> str:
    number = as_decimal(value, Decimal(0))
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


def _list_error(message: str) -> ListBlockValidationError:
    """An error shown on a list field as a whole (not on one of its items)."""
    return ListBlockValidationError(non_block_errors=[ValidationError(message)])


def _normalised(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _duplicates(texts: list[str]) -> bool:
    seen = [_normalised(text) for text in texts if text and text.strip()]
    return len(seen) != len(set(seen))


def _rich_text_html(value) -> str:
    """A rich text value as front-end HTML (links expanded), or "" when empty."""
    return str(value) if value else ""


def _plain(value) -> str:
    return str(value) if value else ""


def _force_strings(data):
    """`data` with lazy translations evaluated (preview values go through to_python)."""
    if isinstance(data, dict):
        return {key: _force_strings(item) for key, item in data.items()}
    if isinstance(data, list | tuple):
        return [_force_strings(item) for item in data]
    if isinstance(data, Promise):
        return str(data)
    return data


# ---------------------------------------------------------------------------------------
# Content blocks
# ---------------------------------------------------------------------------------------


class HeadingBlock(blocks.StructBlock):
    """A section heading inside a lesson, level 2 to 4 (the page title is the h1)."""

    text = blocks.CharBlock(max_length=200, label=_("Text"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        group = _("Text")
        template = "courses/blocks/heading.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A section heading that structures the lesson.")
        preview_value = {"text": _("How plants make food"), "level": "h2"}


class TextBlock(blocks.StructBlock):
    """Paragraphs of rich text with a restricted feature set.

    Bold, italic, links, lists and sub-headings only: no inline images or embeds (those
    have blocks of their own with captions and alt text) and no raw HTML.
    """

    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        group = _("Text")
        template = "courses/blocks/text.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Paragraphs with bold, italic, links, lists and sub-headings.")
        preview_value = {
            "text": _(
                "<p>Plants turn <b>light</b>, <i>water</i> and carbon dioxide into sugar.</p>"
                "<ul><li>Light is caught by chlorophyll.</li><li>Oxygen is released.</li></ul>"
            )
        }


class ImageBlock(blocks.StructBlock):
    """An image from the tutor's collection, with alt text and an optional caption.

    Alt text is required unless the image is marked decorative, so screen-reader users
    get the same lesson.
    """

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        label=_("Alt text"),
        help_text=_("What the image shows, for people who cannot see it."),
    )
    decorative = blocks.BooleanBlock(
        required=False,
        default=False,
        label=_("Decorative"),
        help_text=_("Tick only if the image adds nothing to the lesson's content."),
    )
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    def clean(self, value):
        value = super().clean(value)
        if not self.is_deferred_validation and not value.get("decorative"):
            if not (value.get("alt_text") or "").strip():
                raise StructBlockValidationError(
                    block_errors={
                        "alt_text": ValidationError(
                            gettext("Describe the image, or mark it as decorative.")
                        )
                    }
                )
        return value

    class Meta:
        icon = "image"
        label = _("Image")
        group = _("Media")
        template = "courses/blocks/image.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("An image with alt text and an optional caption.")
        preview_value = {
            "image": None,
            "alt_text": _("A leaf in sunlight"),
            "caption": _("Leaves are where photosynthesis happens."),
        }


class VideoBlock(blocks.StructBlock):
    """A video: an oEmbed URL from an allow-listed provider, or an uploaded MP4/WebM file.

    Exactly one of the two. URLs must be https and their host must be in
    settings.COURSES_VIDEO_PROVIDERS (checked before Wagtail fetches the embed, so no
    request goes to a host that is not allowed). Files are documents from the tutor's
    collection, shown in a <video> element and served by the document view.
    """

    url = EmbedBlock(
        required=False,
        label=_("Video address"),
        help_text=_("A YouTube or Vimeo address starting with https://."),
    )
    file = DocumentChooserBlock(
        required=False,
        label=_("Video file"),
        help_text=_("Or an MP4 or WebM file from your documents."),
    )
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))
    transcript = blocks.TextBlock(required=False, label=_("Transcript"))

    def clean(self, value):
        pre_errors = {}
        url = value.get("url")
        url_text = getattr(url, "url", None) or (url if isinstance(url, str) else "")
        if url_text and (message := video_url_error(url_text)):
            pre_errors["url"] = ValidationError(message)
        rest = self._to_struct_value([(k, v) for k, v in value.items() if k not in pre_errors])
        try:
            cleaned = super().clean(rest)
        except StructBlockValidationError as error:
            raise StructBlockValidationError(
                block_errors={**error.block_errors, **pre_errors},
                non_block_errors=error.non_block_errors,
            ) from error
        if pre_errors:
            raise StructBlockValidationError(block_errors=pre_errors)

        video_file = cleaned.get("file")
        if video_file is not None:
            extension = (video_file.file_extension or "").lower()
            if extension not in VIDEO_FILE_TYPES:
                raise StructBlockValidationError(
                    block_errors={
                        "file": ValidationError(
                            gettext("Choose an MP4 or WebM video file (this one is “.%(ext)s”).")
                            % {"ext": extension or "?"}
                        )
                    }
                )
        if cleaned.get("url") and video_file is not None:
            raise StructBlockValidationError(
                non_block_errors=[
                    ValidationError(gettext("Give a video address or a video file, not both."))
                ]
            )
        if not self.is_deferred_validation and not cleaned.get("url") and video_file is None:
            raise StructBlockValidationError(
                non_block_errors=[
                    ValidationError(gettext("Give a video address or choose a video file."))
                ]
            )
        return cleaned

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        url = value.get("url")
        # Re-checked at render time: a provider removed from the allow-list stops showing.
        context["embed_allowed"] = bool(url and not video_url_error(url.url))
        video_file = value.get("file")
        context["video_type"] = (
            VIDEO_FILE_TYPES.get((video_file.file_extension or "").lower()) if video_file else None
        )
        return context

    class Meta:
        icon = "media"
        label = _("Video")
        group = _("Media")
        template = "courses/blocks/video.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A YouTube or Vimeo video, or an uploaded MP4 or WebM file.")
        preview_value = {"url": None, "file": None, "caption": _("A short introduction")}


class PdfBlock(blocks.StructBlock):
    """A PDF document shown inline, with a download link.

    Served through the document view (WAGTAILDOCS_SERVE_METHOD = "serve_view"), so the
    collection's privacy rules apply to the inline view and the download alike.
    """

    document = DocumentChooserBlock(label=_("PDF document"))
    title = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Title"),
        help_text=_("Defaults to the document's title."),
    )

    def clean(self, value):
        value = super().clean(value)
        document = value.get("document")
        if document is not None and (document.file_extension or "").lower() != "pdf":
            raise StructBlockValidationError(
                block_errors={"document": ValidationError(gettext("Choose a PDF document."))}
            )
        return value

    class Meta:
        icon = "doc-full"
        label = _("PDF")
        group = _("Media")
        template = "courses/blocks/pdf.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A PDF shown in the page, with a download link.")
        preview_value = {"document": None, "title": _("Worksheet")}


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: information, a warning or a tip."""

    KINDS = {"info": _("Information"), "warning": _("Warning"), "tip": _("Tip")}

    kind = blocks.ChoiceBlock(choices=list(KINDS.items()), default="info", label=_("Kind"))
    title = blocks.CharBlock(required=False, max_length=120, label=_("Title"))
    text = blocks.RichTextBlock(features=SHORT_RICH_TEXT_FEATURES, label=_("Text"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # Only known kinds reach the class attribute, whatever the stored value says.
        kind = value.get("kind") if value.get("kind") in self.KINDS else "info"
        context["kind"] = kind
        context["kind_label"] = self.KINDS[kind]
        return context

    class Meta:
        icon = "warning"
        label = _("Callout")
        group = _("Text")
        template = "courses/blocks/callout.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A highlighted note: information, a warning or a tip.")
        preview_value = {
            "kind": "tip",
            "title": _("Remember"),
            "text": _("<p>Chlorophyll is what makes leaves green.</p>"),
        }


class CodeBlock(blocks.StructBlock):
    """A code listing with its language (for highlighting in the browser)."""

    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="python", label=_("Language"))
    code = blocks.TextBlock(max_length=20_000, label=_("Code"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        known = {key for key, _label in CODE_LANGUAGES}
        context["language"] = (
            value.get("language") if value.get("language") in known else "plaintext"
        )
        return context

    class Meta:
        icon = "code"
        label = _("Code")
        group = _("Text")
        template = "courses/blocks/code.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A code listing with syntax highlighting.")
        preview_value = {"language": "python", "code": 'print("Hello, world!")'}


class MathBlock(blocks.StructBlock):
    """A displayed formula in LaTeX, typeset in the browser by the vendored KaTeX.

    The source is output escaped as the text of an element with the class ``math-tex``;
    no CDN, and nothing runs on the server.
    """

    source = blocks.TextBlock(
        max_length=5_000,
        label=_("LaTeX"),
        help_text=_("For example: \\frac{a}{b} = c^2"),
    )
    spoken_text = blocks.CharBlock(
        required=False,
        max_length=250,
        label=_("Spoken description"),
        help_text=_("How to read the formula aloud, for screen readers."),
    )

    class Meta:
        icon = "decimal"
        label = _("Maths")
        group = _("Text")
        template = "courses/blocks/math.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A formula written in LaTeX.")
        preview_value = {"source": "6CO_2 + 6H_2O \\rightarrow C_6H_{12}O_6 + 6O_2"}


class FileDownloadBlock(blocks.StructBlock):
    """A link to download a document from the tutor's collection."""

    document = DocumentChooserBlock(label=_("Document"))
    link_text = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Link text"),
        help_text=_("Defaults to the document's title."),
    )

    class Meta:
        icon = "download"
        label = _("File download")
        group = _("Media")
        template = "courses/blocks/file_download.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A link to download a file.")
        preview_value = {"document": None, "link_text": _("Download the worksheet")}


# ---------------------------------------------------------------------------------------
# Quiz questions
# ---------------------------------------------------------------------------------------


class ChoiceOptionBlock(blocks.StructBlock):
    """One option of a choice question. Renders and serialises its text only."""

    text = blocks.CharBlock(max_length=500, label=_("Option"))
    is_correct = blocks.BooleanBlock(required=False, default=False, label=_("Correct"))

    def render(self, value, context=None):
        return blocks.CharBlock().render(value.get("text") or "", context)

    def get_api_representation(self, value, context=None):
        return {"text": _plain(value.get("text"))}

    def get_searchable_content(self, value):
        return [_plain(value.get("text"))]

    class Meta:
        icon = "radio-full"
        label = _("Option")


class MatchingPairBlock(blocks.StructBlock):
    """One pair of a matching question. Renders and serialises its left side only."""

    left = blocks.CharBlock(max_length=300, label=_("Left"))
    right = blocks.CharBlock(max_length=300, label=_("Matches"))

    def render(self, value, context=None):
        return blocks.CharBlock().render(value.get("left") or "", context)

    def get_api_representation(self, value, context=None):
        return {"left": _plain(value.get("left"))}

    def get_searchable_content(self, value):
        return [_plain(value.get("left"))]

    class Meta:
        icon = "link"
        label = _("Pair")


class GapBlock(blocks.StructBlock):
    """The accepted answers of one gap; never rendered or serialised."""

    answers = blocks.TextBlock(
        rows=2,
        max_length=2_000,
        label=_("Accepted answers"),
        help_text=_("One per line, or separated by |."),
    )

    def clean(self, value):
        value = super().clean(value)
        if not self.is_deferred_validation and not split_accepted_answers(value.get("answers")):
            raise StructBlockValidationError(
                block_errors={
                    "answers": ValidationError(gettext("Give at least one accepted answer."))
                }
            )
        return value

    def render(self, value, context=None):
        return ""

    def get_api_representation(self, value, context=None):
        return {}

    def get_searchable_content(self, value):
        return []

    class Meta:
        icon = "edit"
        label = _("Gap")


class BaseQuestionBlock(blocks.StructBlock):
    """What every quiz question has: a prompt, points (> 0) and an optional explanation.

    Subclasses declare their answer fields, `question_errors()` (editor validation, put on
    the field at fault) and `student_fields()` (what a student may see of those fields).
    The template and API representation receive only `student_view()`; search indexing
    sees only the prompt and visible texts, never accepted answers or explanations.
    """

    kind = ""

    prompt = blocks.RichTextBlock(
        features=SHORT_RICH_TEXT_FEATURES, label=_("Question"), max_length=5_000
    )
    points = blocks.DecimalBlock(
        default=Decimal("1"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        max_digits=6,
        decimal_places=2,
        label=_("Points"),
    )
    explanation = blocks.RichTextBlock(
        required=False,
        features=SHORT_RICH_TEXT_FEATURES,
        label=_("Explanation"),
        help_text=_("Shown after submitting, only when the quiz's review policy shows answers."),
    )

    def clean(self, value):
        value = super().clean(value)
        errors = self.question_errors(value, complete=not self.is_deferred_validation)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def question_errors(self, value, *, complete: bool) -> dict[str, ValidationError]:
        """Errors by field name. `complete` is False for drafts: only contradictions count.

        A draft may be unfinished (no correct option yet) but never wrong (two correct
        options in a single-choice question); publishing needs both checks to pass.
        """
        return {}

    def student_fields(self, value, qid: str, *, seed: str, shuffle_options: bool) -> dict:
        """The kind-specific part of the student view: never an answer key."""
        return {}

    def student_view(self, value, qid, *, seed: str | None = None, shuffle_options=False) -> dict:
        """Everything a student may see of this question, JSON-safe.

        `seed` makes shuffles differ per quiz (or per attempt) while staying repeatable.
        """
        qid = str(qid)
        view = {
            "id": qid,
            "kind": self.kind,
            "field_name": f"q-{qid}",
            "prompt_html": _rich_text_html(value.get("prompt")),
            "points": _decimal_str(value.get("points")),
        }
        view.update(
            self.student_fields(
                value, qid, seed=f"{seed or qid}:{qid}", shuffle_options=bool(shuffle_options)
            )
        )
        return view

    def get_context(self, value, parent_context=None):
        context = dict(parent_context or {})
        question = self.student_view(
            value, context.get("id") or "q1", seed=context.get("quiz_seed")
        )
        question["number"] = context.get("question_number") or 1
        context.update({"self": question, "value": question, "question": question})
        return context

    def get_api_representation(self, value, context=None):
        return self.student_view(value, (context or {}).get("id") or "q1")

    def get_searchable_content(self, value):
        return [rich_text_excerpt(value.get("prompt"), 10_000)]


def _options_errors(options, *, complete: bool, single: bool) -> dict[str, ValidationError]:
    texts = [option.get("text") or "" for option in options]
    correct = sum(1 for option in options if option.get("is_correct"))
    if single and correct > 1:
        message = gettext("Only one option can be correct; use a multiple-choice question.")
    elif _duplicates(texts):
        message = gettext("Two options have the same text.")
    elif complete and len(options) < 2:
        message = gettext("Give at least two options.")
    elif complete and correct == 0:
        message = (
            gettext("Mark the correct option.")
            if single
            else gettext("Mark at least one option as correct.")
        )
    else:
        return {}
    return {"options": _list_error(message)}


class _ChoiceQuestionBlock(BaseQuestionBlock):
    single = True
    options = blocks.ListBlock(ChoiceOptionBlock(), label=_("Options"))

    def question_errors(self, value, *, complete):
        return _options_errors(value.get("options") or [], complete=complete, single=self.single)

    def student_fields(self, value, qid, *, seed, shuffle_options):
        options = [
            {"index": index, "text": _plain(option.get("text"))}
            for index, option in enumerate(value.get("options") or [])
        ]
        if shuffle_options:
            options = seeded_shuffle(options, f"{seed}:options")
        return {"options": options, "input_type": "radio" if self.single else "checkbox"}

    def get_searchable_content(self, value):
        return super().get_searchable_content(value) + [
            _plain(option.get("text")) for option in value.get("options") or []
        ]

    class Meta:
        form_layout = ["prompt", "options", "points", "explanation"]


class SingleChoiceQuestionBlock(_ChoiceQuestionBlock):
    """A question with one correct option out of several (radio buttons)."""

    kind = QuestionKind.SINGLE_CHOICE.value
    single = True

    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        template = "courses/blocks/question_single_choice.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students pick the one correct option.")
        preview_value = {
            "prompt": _("<p>Which gas do plants release?</p>"),
            "options": [
                {"text": _("Oxygen"), "is_correct": True},
                {"text": _("Nitrogen"), "is_correct": False},
            ],
        }


class MultipleChoiceQuestionBlock(_ChoiceQuestionBlock):
    """A question with one or more correct options (check boxes), graded all-or-nothing."""

    kind = QuestionKind.MULTIPLE_CHOICE.value
    single = False

    class Meta:
        icon = "tasks"
        label = _("Multiple choice")
        template = "courses/blocks/question_multiple_choice.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students tick every correct option.")
        preview_value = {
            "prompt": _("<p>Which of these do plants need for photosynthesis?</p>"),
            "options": [
                {"text": _("Light"), "is_correct": True},
                {"text": _("Water"), "is_correct": True},
                {"text": _("Sand"), "is_correct": False},
            ],
        }


class TrueFalseQuestionBlock(BaseQuestionBlock):
    """A statement the student marks as true or false."""

    kind = QuestionKind.TRUE_FALSE.value
    correct = blocks.BooleanBlock(
        required=False,
        default=False,
        label=_("The statement is true"),
        help_text=_("Tick if the correct answer is “true”."),
    )

    def student_fields(self, value, qid, *, seed, shuffle_options):
        return {
            "options": [
                {"value": "true", "text": gettext("True")},
                {"value": "false", "text": gettext("False")},
            ]
        }

    class Meta:
        icon = "tick-inverse"
        label = _("True or false")
        form_layout = ["prompt", "correct", "points", "explanation"]
        template = "courses/blocks/question_true_false.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students decide whether a statement is true.")
        preview_value = {"prompt": _("<p>Plants need sunlight.</p>"), "correct": True}


class ShortAnswerQuestionBlock(BaseQuestionBlock):
    """A typed answer compared with accepted answers, whitespace and (optionally) case folded."""

    kind = QuestionKind.SHORT_ANSWER.value
    accepted_answers = blocks.ListBlock(
        blocks.CharBlock(max_length=500, label=_("Accepted answer")),
        label=_("Accepted answers"),
    )
    case_sensitive = blocks.BooleanBlock(required=False, default=False, label=_("Case sensitive"))

    def question_errors(self, value, *, complete):
        answers = [
            answer for answer in value.get("accepted_answers") or [] if (answer or "").strip()
        ]
        if complete and not answers:
            return {"accepted_answers": _list_error(gettext("Give at least one accepted answer."))}
        return {}

    def student_fields(self, value, qid, *, seed, shuffle_options):
        return {"max_length": SHORT_INPUT_MAX_LENGTH}

    class Meta:
        icon = "edit"
        label = _("Short answer")
        form_layout = ["prompt", "accepted_answers", "case_sensitive", "points", "explanation"]
        template = "courses/blocks/question_short_answer.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students type a word or a short phrase.")
        preview_value = {
            "prompt": _("<p>What pigment makes leaves green?</p>"),
            "accepted_answers": [_("chlorophyll")],
        }


class NumericQuestionBlock(BaseQuestionBlock):
    """A number, correct within ± tolerance; students may write 3.14 or 3,14."""

    kind = QuestionKind.NUMERIC.value
    value = blocks.DecimalBlock(
        required=False, max_digits=20, decimal_places=10, label=_("Correct value")
    )
    tolerance = blocks.DecimalBlock(
        required=False,
        default=Decimal("0"),
        max_digits=20,
        decimal_places=10,
        label=_("Tolerance (±)"),
    )
    unit = blocks.CharBlock(required=False, max_length=30, label=_("Unit"))

    def question_errors(self, value, *, complete):
        errors = {}
        if complete and value.get("value") is None:
            errors["value"] = ValidationError(gettext("Give the correct value."))
        tolerance = value.get("tolerance")
        if tolerance is not None and tolerance < 0:
            errors["tolerance"] = ValidationError(gettext("The tolerance cannot be negative."))
        return errors

    def student_fields(self, value, qid, *, seed, shuffle_options):
        return {"unit": _plain(value.get("unit")), "max_length": 100}

    class Meta:
        icon = "decimal"
        label = _("Numeric")
        form_layout = ["prompt", "value", "tolerance", "unit", "points", "explanation"]
        template = "courses/blocks/question_numeric.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students give a number, right within a tolerance.")
        preview_value = {
            "prompt": _("<p>How many carbon atoms are in one glucose molecule?</p>"),
            "value": Decimal("6"),
            "tolerance": Decimal("0"),
        }


class MatchingQuestionBlock(BaseQuestionBlock):
    """Pairs to match: students pick, for each left item, its partner among shuffled ones."""

    kind = QuestionKind.MATCHING.value
    pairs = blocks.ListBlock(MatchingPairBlock(), label=_("Pairs"))

    def question_errors(self, value, *, complete):
        pairs = value.get("pairs") or []
        if _duplicates([pair.get("left") or "" for pair in pairs]):
            message = gettext("Two pairs have the same left side.")
        elif _duplicates([pair.get("right") or "" for pair in pairs]):
            message = gettext(
                "Two pairs have the same right side; students could not tell them apart."
            )
        elif complete and len(pairs) < 2:
            message = gettext("Give at least two pairs.")
        else:
            return {}
        return {"pairs": _list_error(message)}

    def student_fields(self, value, qid, *, seed, shuffle_options):
        pairs = value.get("pairs") or []
        left = [{"index": i, "text": _plain(pair.get("left"))} for i, pair in enumerate(pairs)]
        right = [
            {"token": answer_token(qid, "right", i), "text": _plain(pair.get("right"))}
            for i, pair in enumerate(pairs)
        ]
        # Always shuffled: side by side in the authored order the pairs would be the answer.
        right = seeded_shuffle(right, f"{seed}:right", avoid_identity=True)
        return {"left": left, "right": right}

    def get_searchable_content(self, value):
        # Left sides, then right sides sorted: indexed side by side, a phrase search could
        # tell which right side belongs to which left side.
        pairs = value.get("pairs") or []
        lefts = [_plain(pair.get("left")) for pair in pairs]
        rights = sorted(_plain(pair.get("right")) for pair in pairs)
        return super().get_searchable_content(value) + lefts + rights

    class Meta:
        icon = "link"
        label = _("Matching pairs")
        form_layout = ["prompt", "pairs", "points", "explanation"]
        template = "courses/blocks/question_matching.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students match each item with its partner.")
        preview_value = {
            "prompt": _("<p>Match each part of the plant with its job.</p>"),
            "pairs": [
                {"left": _("Root"), "right": _("Takes up water")},
                {"left": _("Leaf"), "right": _("Makes sugar")},
            ],
        }


class OrderingQuestionBlock(BaseQuestionBlock):
    """Items the student puts in order; authored in the correct order, shown shuffled."""

    kind = QuestionKind.ORDERING.value
    items = blocks.ListBlock(
        blocks.CharBlock(max_length=300, label=_("Item")),
        label=_("Items, in the correct order"),
    )

    def question_errors(self, value, *, complete):
        items = list(value.get("items") or [])
        if _duplicates(items):
            message = gettext("Two items have the same text; the order would be ambiguous.")
        elif complete and len(items) < 2:
            message = gettext("Give at least two items.")
        else:
            return {}
        return {"items": _list_error(message)}

    def student_fields(self, value, qid, *, seed, shuffle_options):
        items = [
            {"token": answer_token(qid, "item", i), "text": _plain(text)}
            for i, text in enumerate(value.get("items") or [])
        ]
        items = seeded_shuffle(items, f"{seed}:items", avoid_identity=True)
        return {"items": items, "positions": list(range(1, len(items) + 1))}

    def get_searchable_content(self, value):
        # Sorted, not in the authored (correct) order, which phrase searches could probe.
        return super().get_searchable_content(value) + sorted(
            _plain(text) for text in value.get("items") or []
        )

    class Meta:
        icon = "order"
        label = _("Ordering")
        form_layout = ["prompt", "items", "points", "explanation"]
        template = "courses/blocks/question_ordering.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students put items in the right order.")
        preview_value = {
            "prompt": _("<p>Put the steps in order.</p>"),
            "items": [_("Light is absorbed"), _("Water is split"), _("Sugar is made")],
        }


class FillInBlanksQuestionBlock(BaseQuestionBlock):
    """A text with gaps marked [[1]], [[2]], …; each gap has its own accepted answers."""

    kind = QuestionKind.FILL_IN_BLANKS.value
    text = blocks.TextBlock(
        max_length=5_000,
        label=_("Text with gaps"),
        help_text=_("Mark the gaps [[1]], [[2]], … and give the answers of each gap below."),
    )
    gaps = blocks.ListBlock(GapBlock(), label=_("Gaps, in number order"))
    case_sensitive = blocks.BooleanBlock(required=False, default=False, label=_("Case sensitive"))

    def question_errors(self, value, *, complete):
        errors = {}
        numbers = gap_numbers(value.get("text"))
        gap_count = len(value.get("gaps") or [])
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        missing = sorted({n for n in numbers if not 1 <= n <= gap_count})
        unused = [n for n in range(1, gap_count + 1) if n not in numbers]
        if repeated:
            errors["text"] = ValidationError(
                gettext("Each gap may appear only once: %(markers)s.")
                % {"markers": ", ".join(f"[[{n}]]" for n in repeated)}
            )
        elif complete and not numbers:
            errors["text"] = ValidationError(gettext("Mark at least one gap, like [[1]]."))
        elif complete and missing:
            errors["text"] = ValidationError(
                gettext("These markers have no gap below: %(markers)s.")
                % {"markers": ", ".join(f"[[{n}]]" for n in missing)}
            )
        if complete and unused and numbers:
            errors["gaps"] = _list_error(
                gettext("These gaps are not marked in the text: %(markers)s.")
                % {"markers": ", ".join(f"[[{n}]]" for n in unused)}
            )
        return errors

    def student_fields(self, value, qid, *, seed, shuffle_options):
        text = _plain(value.get("text"))
        segments, position = [], 0
        for match in GAP_MARKER_RE.finditer(text):
            if match.start() > position:
                segments.append({"text": text[position : match.start()]})
            number = int(match.group(1))
            segments.append({"gap": number, "field_name": f"q-{qid}-{number}"})
            position = match.end()
        if position < len(text):
            segments.append({"text": text[position:]})
        return {"segments": segments, "max_length": 200}

    def get_searchable_content(self, value):
        return super().get_searchable_content(value) + [
            GAP_MARKER_RE.sub(" ", _plain(value.get("text")))
        ]

    class Meta:
        icon = "edit"
        label = _("Fill in the blanks")
        form_layout = ["prompt", "text", "gaps", "case_sensitive", "points", "explanation"]
        template = "courses/blocks/question_fill_in_blanks.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students complete a text with missing words.")
        preview_value = {
            "prompt": _("<p>Complete the sentence.</p>"),
            "text": _("Plants take in [[1]] and give off [[2]]."),
            "gaps": [{"answers": _("carbon dioxide|CO2")}, {"answers": _("oxygen|O2")}],
        }


class EssayQuestionBlock(BaseQuestionBlock):
    """A written answer the tutor grades; optional word limits are enforced on submit."""

    kind = QuestionKind.ESSAY.value
    min_words = blocks.IntegerBlock(
        required=False, min_value=1, max_value=10_000, label=_("Minimum words")
    )
    max_words = blocks.IntegerBlock(
        required=False, min_value=1, max_value=10_000, label=_("Maximum words")
    )

    def question_errors(self, value, *, complete):
        low, high = value.get("min_words"), value.get("max_words")
        if low and high and low > high:
            return {
                "max_words": ValidationError(
                    gettext("The maximum must be at least the minimum (%(min)s).") % {"min": low}
                )
            }
        return {}

    def student_fields(self, value, qid, *, seed, shuffle_options):
        return {"min_words": value.get("min_words"), "max_words": value.get("max_words")}

    class Meta:
        icon = "doc-full"
        label = _("Essay")
        form_layout = ["prompt", "min_words", "max_words", "points", "explanation"]
        template = "courses/blocks/question_essay.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Students write an answer that you grade.")
        preview_value = {"prompt": _("<p>Explain why leaves are green.</p>"), "max_words": 200}


QUESTION_BLOCKS: dict[str, type[BaseQuestionBlock]] = {
    block_class.kind: block_class
    for block_class in (
        SingleChoiceQuestionBlock,
        MultipleChoiceQuestionBlock,
        TrueFalseQuestionBlock,
        ShortAnswerQuestionBlock,
        NumericQuestionBlock,
        MatchingQuestionBlock,
        OrderingQuestionBlock,
        FillInBlanksQuestionBlock,
        EssayQuestionBlock,
    )
}


class QuestionsBlock(blocks.StreamBlock):
    """The questions of a quiz; the stream child ids are the ids answers are keyed by.

    Rendering and the API go through each question's student view, with its own id.
    """

    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    short_answer = ShortAnswerQuestionBlock()
    numeric = NumericQuestionBlock()
    matching = MatchingQuestionBlock()
    ordering = OrderingQuestionBlock()
    fill_in_blanks = FillInBlanksQuestionBlock()
    essay = EssayQuestionBlock()

    def render_basic(self, value, context=None):
        return "".join(
            child.block.render(
                child.value,
                context={**(context or {}), "id": question_id(child, i), "question_number": i + 1},
            )
            for i, child in enumerate(value)
        )

    def get_api_representation(self, value, context=None):
        return [
            child.block.get_api_representation(
                child.value, context={**(context or {}), "id": question_id(child, i)}
            )
            for i, child in enumerate(value or [])
        ]

    class Meta:
        label = _("Questions")


class QuizSettingsBlock(blocks.StructBlock):
    """Attempts, time limit, pass mark, shuffling and the review policy of a quiz."""

    max_attempts = blocks.IntegerBlock(
        default=0,
        min_value=0,
        max_value=100,
        label=_("Attempts allowed"),
        help_text=_("0 for unlimited."),
    )
    time_limit_minutes = blocks.IntegerBlock(
        default=0,
        min_value=0,
        max_value=600,
        label=_("Time limit (minutes)"),
        help_text=_("0 for no limit."),
    )
    pass_mark_percent = blocks.IntegerBlock(
        default=60, min_value=0, max_value=100, label=_("Pass mark (%)")
    )
    shuffle_questions = blocks.BooleanBlock(
        required=False, default=False, label=_("Shuffle questions")
    )
    shuffle_options = blocks.BooleanBlock(required=False, default=False, label=_("Shuffle options"))
    review_policy = blocks.ChoiceBlock(
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.ANSWERS_AFTER_SUBMIT.value,
        label=_("After submitting, students see"),
    )

    class Meta:
        icon = "cog"
        label = _("Settings")
        collapsed = True


class QuizBlock(blocks.StructBlock):
    """A quiz graded on the server (`courses.grading.grade_quiz`).

    The template receives only `student_view()`: a form whose fields are named
    ``q-<question id>`` (``q-<id>-<n>`` for the parts of matching, ordering and
    fill-in-the-blanks questions, see `courses.grading.parse_form_answers`). The context
    may carry ``quiz_form_action`` (the URL the form posts to) and ``quiz_seed`` (a
    per-attempt shuffle seed); without a seed the quiz's block id is used, so the page
    renders the same for everyone and may be cached.
    """

    title = blocks.CharBlock(max_length=200, label=_("Title"))
    instructions = blocks.RichTextBlock(
        required=False, features=SHORT_RICH_TEXT_FEATURES, label=_("Instructions")
    )
    settings = QuizSettingsBlock()
    questions = QuestionsBlock()

    def student_view(self, value, block_id, *, seed: str | None = None) -> dict:
        """What a student may see of this quiz, JSON-safe: no answer key of any kind."""
        quiz_id = str(block_id) if block_id else "quiz"
        seed = f"{seed}:{quiz_id}" if seed else quiz_id
        quiz_settings = value.get("settings") or {}
        shuffle_options = bool(quiz_settings.get("shuffle_options"))
        questions = [
            child.block.student_view(
                child.value, question_id(child, index), seed=seed, shuffle_options=shuffle_options
            )
            for index, child in enumerate(value.get("questions") or [])
        ]
        if quiz_settings.get("shuffle_questions"):
            questions = seeded_shuffle(questions, f"{seed}:questions")
        for number, question in enumerate(questions, start=1):
            question["number"] = number
        total = sum((as_decimal(q["points"], Decimal(0)) for q in questions), Decimal(0))
        policy = quiz_settings.get("review_policy")
        return {
            "type": "quiz",
            "id": quiz_id,
            "title": _plain(value.get("title")),
            "instructions_html": _rich_text_html(value.get("instructions")),
            "settings": {
                "max_attempts": int(quiz_settings.get("max_attempts") or 0),
                "time_limit_minutes": int(quiz_settings.get("time_limit_minutes") or 0),
                "pass_mark_percent": int(quiz_settings.get("pass_mark_percent") or 0),
                "shuffle_questions": bool(quiz_settings.get("shuffle_questions")),
                "shuffle_options": shuffle_options,
                "review_policy": policy if policy in ReviewPolicy.values else ReviewPolicy.NEVER,
            },
            "total_points": _decimal_str(total),
            "questions": questions,
        }

    def get_context(self, value, parent_context=None):
        context = dict(parent_context or {})
        quiz = self.student_view(value, context.get("id"), seed=context.get("quiz_seed"))
        context.update({"self": quiz, "value": quiz, "quiz": quiz})
        return context

    def get_api_representation(self, value, context=None):
        context = context or {}
        return self.student_view(value, context.get("id"), seed=context.get("quiz_seed"))

    def get_searchable_content(self, value):
        content = [_plain(value.get("title")), rich_text_excerpt(value.get("instructions"), 10_000)]
        for child in value.get("questions") or []:
            content.extend(child.block.get_searchable_content(child.value))
        return [text for text in content if text]

    def get_preview_value(self):
        return self.normalize(
            {
                "title": gettext("Check your understanding"),
                "instructions": gettext("<p>Answer every question, then submit.</p>"),
                "settings": {"pass_mark_percent": 60, "review_policy": "answers_after_submit"},
                "questions": [
                    {
                        "type": kind,
                        "value": _force_strings(block_class._meta_class.preview_value),
                        "id": f"preview-{kind}",
                    }
                    for kind, block_class in QUESTION_BLOCKS.items()
                ],
            }
        )

    class Meta:
        icon = "form"
        label = _("Quiz")
        group = _("Assessment")
        template = "courses/blocks/quiz.html"
        preview_template = PREVIEW_TEMPLATE
        description = _(
            "Questions of nine kinds, graded on the server; answers are never sent to students."
        )


class LessonBodyBlock(blocks.StreamBlock):
    """The body of a lesson or task page: every content block, the quiz among them.

    The API representation hands each child its stream block id (the quiz's id is what
    attempts are keyed by).
    """

    heading = HeadingBlock()
    text = TextBlock()
    image = ImageBlock()
    video = VideoBlock()
    pdf = PdfBlock()
    callout = CalloutBlock()
    code = CodeBlock()
    math = MathBlock()
    file_download = FileDownloadBlock()
    quiz = QuizBlock()

    def get_api_representation(self, value, context=None):
        if value is None:
            return []
        return [
            {
                "type": child.block.name,
                "value": child.block.get_api_representation(
                    child.value, context={**(context or {}), "id": child.id}
                ),
                "id": child.id,
            }
            for child in value
        ]

    class Meta:
        label = _("Lesson body")


__all__ = [
    "CalloutBlock",
    "CodeBlock",
    "EssayQuestionBlock",
    "FileDownloadBlock",
    "FillInBlanksQuestionBlock",
    "HeadingBlock",
    "ImageBlock",
    "LessonBodyBlock",
    "MatchingQuestionBlock",
    "MathBlock",
    "MultipleChoiceQuestionBlock",
    "NumericQuestionBlock",
    "OrderingQuestionBlock",
    "PdfBlock",
    "QUESTION_BLOCKS",
    "QuestionKind",
    "QuestionsBlock",
    "QuizBlock",
    "QuizSettingsBlock",
    "ReviewPolicy",
    "ShortAnswerQuestionBlock",
    "SingleChoiceQuestionBlock",
    "TextBlock",
    "TrueFalseQuestionBlock",
    "VideoBlock",
]

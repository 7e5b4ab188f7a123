"""Demo courses: one published course per demo tutor, built through the real services.

`demo_courses_seed()` is called by `people.demo.demo_seed` once the demo tutors and their
students exist. For each tutor it ensures their section (`tutor_section_ensure`), puts a
generated image, a generated PDF worksheet and a small download into the tutor's own
collection, and publishes a course of five lessons and three tasks (homework, writing,
exam) whose bodies between them use every block of `courses.blocks.LessonBodyBlock`; the
fifth lesson's quiz has one question of every kind. Anna's course also gets a Ukrainian
translation (`copy_for_translation`, titles and some texts translated, published). The
tutor then enrolls their students (`enrollment_create`), and the students leave some
progress (`courses.services.progress`) and submitted quiz attempts
(`courses.services.quizzes`).

Publishing: the pages are published directly as the demo admin through Wagtail's revision
API (`save_revision(user=admin).publish(user=admin)`), i.e. without going through the
"Course moderation" workflow a tutor's own edits go through. That is what an admin may do
in the editor too, and it keeps the seed to one run with no pending tasks.

The network is never needed: the video block points at an allow-listed YouTube address
whose embed HTML is stored in Wagtail's embed cache (`wagtailembeds.Embed`) before the
page is validated, so neither validation nor rendering asks YouTube for it.

Idempotent: every object is looked up first (pages by slug under their parent, media by
title in the tutor's collection, learner rows by student and key), so a second run creates
nothing and reports nothing. Existing pages are never overwritten (an editor may have
changed them). `demo_courses_flush()` removes the demo tutors' sections with every page
under them (all locales), the learner rows keyed to those pages, and the tutors' media,
collections and groups.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import Q, QuerySet
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page

from people.models import Level, Subject, User

from .blocks import answer_token, split_accepted_answers
from .models import (
    CourseEnrollment,
    CoursePage,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    TaskKind,
    TaskPage,
    TutorSectionPage,
)
from .services.enrollment import enrollment_create
from .services.progress import lesson_complete, lesson_view_record
from .services.quizzes import quiz_attempt_start, quiz_attempt_submit
from .services.sections import tutor_section_ensure

logger = logging.getLogger(__name__)

#: An allow-listed https video address (YouTube's first upload, a stand-in for a lesson
#: video). Its embed is stored locally, see `_video_embed_ensure`.
DEMO_VIDEO_URL = "https://www.youtube.com/watch?v=jNQXAC9IVRw"
DEMO_VIDEO_EMBED_HTML = (
    '<iframe width="560" height="315" '
    'src="https://www.youtube-nocookie.com/embed/jNQXAC9IVRw" '
    'title="Demo lesson video" loading="lazy" '
    'allow="accelerometer; encrypted-media; gyroscope; picture-in-picture" '
    "allowfullscreen></iframe>"
)

#: The block id of each course's main quiz (lesson 5) and of its exam task's quiz.
QUIZ_BLOCK_ID = "demo-quiz"
EXAM_BLOCK_ID = "demo-exam"

#: Every block type and question kind the demo content uses (the tests check all appear).
BLOCK_TYPES = (
    "heading",
    "text",
    "image",
    "video",
    "pdf",
    "callout",
    "code",
    "math",
    "file_download",
    "quiz",
)
QUESTION_KINDS = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
    "fill_in_blanks",
    "essay",
)


# ---------------------------------------------------------------------------------------
# Raw StreamField values
# ---------------------------------------------------------------------------------------


def _block(block_type: str, block_id: str, value: dict) -> dict:
    return {"type": block_type, "id": block_id, "value": value}


def heading(block_id: str, text: str, level: str = "h2") -> dict:
    return _block("heading", block_id, {"text": text, "level": level})


def rich_text(block_id: str, html: str) -> dict:
    return _block("text", block_id, {"text": html})


def image(block_id: str, image_pk: int, alt_text: str, caption: str) -> dict:
    return _block(
        "image",
        block_id,
        {"image": image_pk, "alt_text": alt_text, "decorative": False, "caption": caption},
    )


def video(block_id: str, caption: str, transcript: str = "") -> dict:
    return _block(
        "video",
        block_id,
        {"url": DEMO_VIDEO_URL, "file": None, "caption": caption, "transcript": transcript},
    )


def pdf(block_id: str, document_pk: int, title: str = "") -> dict:
    return _block("pdf", block_id, {"document": document_pk, "title": title})


def callout(block_id: str, kind: str, title: str, html: str) -> dict:
    return _block("callout", block_id, {"kind": kind, "title": title, "text": html})


def code(block_id: str, language: str, source: str) -> dict:
    return _block("code", block_id, {"language": language, "code": source})


def maths(block_id: str, source: str, spoken_text: str = "") -> dict:
    return _block("math", block_id, {"source": source, "spoken_text": spoken_text})


def file_download(block_id: str, document_pk: int, link_text: str) -> dict:
    return _block("file_download", block_id, {"document": document_pk, "link_text": link_text})


def quiz(block_id: str, title: str, instructions: str, questions: list[dict], **settings) -> dict:
    quiz_settings = {
        "max_attempts": 0,
        "time_limit_minutes": 0,
        "pass_mark_percent": 60,
        "shuffle_questions": False,
        "shuffle_options": False,
        "review_policy": "answers_after_submit",
    }
    quiz_settings.update(settings)
    return _block(
        "quiz",
        block_id,
        {
            "title": title,
            "instructions": instructions,
            "settings": quiz_settings,
            "questions": questions,
        },
    )


def question(kind: str, question_id: str, prompt: str, points: str = "1", **fields) -> dict:
    """A raw question of `kind`; `explanation` defaults to empty."""
    value = {"prompt": prompt, "points": points, "explanation": fields.pop("explanation", "")}
    value.update(fields)
    return _block(kind, question_id, value)


def options(*texts: str, correct: tuple[int, ...]) -> list[dict]:
    return [{"text": text, "is_correct": index in correct} for index, text in enumerate(texts)]


# ---------------------------------------------------------------------------------------
# Generated media
# ---------------------------------------------------------------------------------------


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines: tuple[str, ...]) -> bytes:
    """A valid one-page PDF (Helvetica, A4) with a title and lines of ASCII text.

    Written by hand, byte offsets and all, so no PDF library is needed for a worksheet.
    """
    commands = ["BT", "/F1 20 Tf", "72 770 Td", f"({_pdf_escape(title)}) Tj", "/F1 12 Tf"]
    for line in lines:
        commands += ["0 -24 Td", f"({_pdf_escape(line)}) Tj"]
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def draw_line_graph() -> PILImage.Image:
    """Axes, a grid and the line y = 2x + 1 (Anna's lesson image)."""
    size, step = 320, 32
    picture = PILImage.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(picture)
    for i in range(0, size + 1, step):
        draw.line([(i, 0), (i, size)], fill=(225, 230, 240))
        draw.line([(0, i), (size, i)], fill=(225, 230, 240))
    middle = size // 2
    draw.line([(0, middle), (size, middle)], fill="black", width=2)
    draw.line([(middle, 0), (middle, size)], fill="black", width=2)

    def point(x: float, y: float) -> tuple[float, float]:
        return (middle + x * step, middle - y * step)

    draw.line([point(-3, -5), point(2, 5)], fill=(200, 40, 40), width=3)
    draw.ellipse([*(c - 4 for c in point(0, 1)), *(c + 4 for c in point(0, 1))], fill="navy")
    draw.text(point(0.2, 1.4), "(0, 1)", fill="navy")
    draw.text(point(2.1, 4.6), "y = 2x + 1", fill=(200, 40, 40))
    return picture


def draw_exam_chart() -> PILImage.Image:
    """A bar chart of four exam papers' marks (Ben's lesson image)."""
    picture = PILImage.new("RGB", (400, 260), "white")
    draw = ImageDraw.Draw(picture)
    draw.line([(40, 220), (380, 220)], fill="black", width=2)
    papers = (("Reading", 25), ("Writing", 25), ("Listening", 25), ("Speaking", 25))
    colours = ((52, 101, 164), (78, 154, 6), (196, 160, 0), (204, 0, 0))
    for index, ((name, marks), colour) in enumerate(zip(papers, colours, strict=True)):
        left = 60 + index * 80
        draw.rectangle([left, 220 - marks * 7, left + 50, 220], fill=colour)
        draw.text((left, 228), name, fill="black")
        draw.text((left + 14, 220 - marks * 7 - 14), f"{marks}%", fill="black")
    return picture


@dataclass(frozen=True)
class DemoMediaSpec:
    """The generated media of one course, created in the tutor's own collection."""

    image_title: str
    image_filename: str
    draw: Callable[[], PILImage.Image]
    pdf_title: str
    pdf_filename: str
    pdf_lines: tuple[str, ...]
    download_title: str
    download_filename: str
    download_text: str


@dataclass
class DemoMedia:
    """The media objects a course's bodies refer to."""

    image: object
    worksheet: object
    download: object


# ---------------------------------------------------------------------------------------
# The courses
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoItem:
    """A lesson (kind None) or task of a demo course; `body` builds its raw body."""

    slug: str
    title: str
    text: str  # a lesson's summary, a task's instructions (rich text)
    body: Callable[[DemoMedia], list[dict]]
    kind: str | None = None


@dataclass(frozen=True)
class DemoCourse:
    """One tutor's demo course."""

    tutor_email: str
    slug: str
    title: str
    subject_slug: str
    level_code: str
    summary: str
    duration_minutes: int
    media: DemoMediaSpec
    items: tuple[DemoItem, ...]


def _algebra_quiz_questions() -> list[dict]:
    return [
        question(
            "single_choice",
            "q-single",
            "<p>What is the value of <i>x</i> in 2x + 3 = 11?</p>",
            options=options("3", "4", "7", "8", correct=(1,)),
            explanation="<p>Subtract 3 (2x = 8), then divide by 2.</p>",
        ),
        question(
            "multiple_choice",
            "q-multiple",
            "<p>Which of these are linear equations?</p>",
            options=options("y = 3x + 2", "x² + 1 = 0", "2a − 5 = 9", "1/x = 4", correct=(0, 2)),
        ),
        question(
            "true_false",
            "q-true-false",
            "<p>The equation x + 5 = 5 has the solution x = 0.</p>",
            correct=True,
        ),
        question(
            "short_answer",
            "q-short",
            "<p>What do we call the number in front of a variable, like the 3 in 3x?</p>",
            accepted_answers=["coefficient", "a coefficient", "the coefficient"],
            case_sensitive=False,
        ),
        question(
            "numeric",
            "q-numeric",
            "<p>Solve 4x − 6 = 4. Give <i>x</i> as a decimal.</p>",
            points="2",
            value="2.5",
            tolerance="0.01",
            unit="",
        ),
        question(
            "matching",
            "q-matching",
            "<p>Match each expression with its simplified form.</p>",
            points="2",
            pairs=[
                {"left": "2x + 3x", "right": "5x"},
                {"left": "x · x", "right": "x²"},
                {"left": "3(x + 2)", "right": "3x + 6"},
                {"left": "6x ÷ 2", "right": "3x"},
            ],
        ),
        question(
            "ordering",
            "q-ordering",
            "<p>Put the steps for solving 3x + 4 = 19 in order.</p>",
            points="2",
            items=[
                "Subtract 4 from both sides",
                "Simplify to 3x = 15",
                "Divide both sides by 3",
                "Check: 3 · 5 + 4 = 19",
            ],
        ),
        question(
            "fill_in_blanks",
            "q-blanks",
            "<p>Complete the sentence.</p>",
            text="In the expression 7y − 2, y is the [[1]] and 7 is its [[2]].",
            gaps=[{"answers": "variable|unknown"}, {"answers": "coefficient"}],
            case_sensitive=False,
        ),
        question(
            "essay",
            "q-essay",
            "<p>Explain in your own words why we do the same thing to both sides of an "
            "equation.</p>",
            points="4",
            min_words=10,
            max_words=200,
        ),
    ]


def _english_quiz_questions() -> list[dict]:
    return [
        question(
            "single_choice",
            "q-single",
            "<p>Choose the correct sentence.</p>",
            options=options(
                "She lives here since 2019.",
                "She has lived here since 2019.",
                "She is living here since 2019.",
                correct=(1,),
            ),
            explanation="<p><i>Since</i> with a point in time takes the present perfect.</p>",
        ),
        question(
            "multiple_choice",
            "q-multiple",
            "<p>Which of these words are adverbs?</p>",
            options=options("quickly", "happy", "often", "table", correct=(0, 2)),
        ),
        question(
            "true_false",
            "q-true-false",
            "<p>“Their”, “there” and “they’re” are pronounced the same.</p>",
            correct=True,
        ),
        question(
            "short_answer",
            "q-short",
            "<p>Write the past participle of “write”.</p>",
            accepted_answers=["written"],
            case_sensitive=False,
        ),
        question(
            "numeric",
            "q-numeric",
            "<p>A task asks for at least 250 words. You have written 180. How many more words "
            "do you need at least?</p>",
            value="70",
            tolerance="0",
            unit="words",
        ),
        question(
            "matching",
            "q-matching",
            "<p>Match each word with its synonym.</p>",
            points="2",
            pairs=[
                {"left": "rapid", "right": "fast"},
                {"left": "begin", "right": "start"},
                {"left": "purchase", "right": "buy"},
            ],
        ),
        question(
            "ordering",
            "q-ordering",
            "<p>Put the parts of an opinion essay in order.</p>",
            points="2",
            items=[
                "Introduction that states your opinion",
                "First supporting paragraph",
                "Second supporting paragraph",
                "Conclusion that sums up",
            ],
        ),
        question(
            "fill_in_blanks",
            "q-blanks",
            "<p>Complete the sentences with the right form of the verb.</p>",
            text="If I [[1]] (have) more time, I would read more. Last year I [[2]] (go) to York.",
            gaps=[{"answers": "had"}, {"answers": "went"}],
            case_sensitive=False,
        ),
        question(
            "essay",
            "q-essay",
            "<p>Describe your favourite place in 40 to 150 words.</p>",
            points="4",
            min_words=10,
            max_words=150,
        ),
    ]


ALGEBRA = DemoCourse(
    tutor_email="anna.shevchenko@demo.tutorflow.test",
    slug="algebra-foundations",
    title="Algebra foundations",
    subject_slug="mathematics",
    level_code="high-school",
    summary=(
        "Variables, expressions and equations from the ground up: solve linear equations "
        "with confidence and meet the quadratic formula."
    ),
    duration_minutes=300,
    media=DemoMediaSpec(
        image_title="Graph of y = 2x + 1",
        image_filename="graph-y-2x-1.png",
        draw=draw_line_graph,
        pdf_title="Linear equations worksheet",
        pdf_filename="linear-equations-worksheet.pdf",
        pdf_lines=(
            "Solve each equation. Show every step.",
            "1.  x + 7 = 12",
            "2.  3x = 21",
            "3.  2x - 5 = 9",
            "4.  5x + 4 = 3x + 10",
            "5.  4(x - 1) = 2x + 6",
        ),
        download_title="Worksheet answers",
        download_filename="worksheet-answers.txt",
        download_text="1. x = 5\n2. x = 7\n3. x = 7\n4. x = 3\n5. x = 5\n",
    ),
    items=(
        DemoItem(
            slug="variables-and-expressions",
            title="Variables and expressions",
            text="Letters that stand for numbers, and how to write and simplify expressions.",
            body=lambda media: [
                heading("h-intro", "What is a variable?"),
                rich_text(
                    "t-intro",
                    "<p>A <b>variable</b> is a letter that stands for a number we do not know "
                    "yet, or one that can change. In <i>3x + 2</i>, <i>x</i> is the variable, "
                    "3 is its <b>coefficient</b> and 2 is a <b>constant</b>.</p>"
                    "<ul><li>Like terms have the same variable: 2x and 5x.</li>"
                    "<li>Add like terms by adding their coefficients: 2x + 5x = 7x.</li></ul>",
                ),
                maths("m-expression", "3x + 2", "three x plus two"),
                image(
                    "i-graph",
                    media.image.pk,
                    "A straight line through (0, 1) on a grid, rising two squares for every "
                    "square to the right.",
                    "Every value of x gives one value of y = 2x + 1.",
                ),
                callout(
                    "c-tip",
                    "tip",
                    "Remember",
                    "<p>A variable can take any letter: <i>a</i>, <i>n</i>, <i>t</i>… The "
                    "rules stay the same.</p>",
                ),
            ],
        ),
        DemoItem(
            slug="solving-linear-equations",
            title="Solving linear equations",
            text="Keep the equation balanced: do the same thing to both sides.",
            body=lambda media: [
                heading("h-balance", "Keep it balanced"),
                rich_text(
                    "t-balance",
                    "<p>An equation is like a balance. Whatever you do to one side, do to the "
                    "other, and it stays true. Undo additions first, then multiplications.</p>",
                ),
                maths(
                    "m-solution",
                    "ax + b = c \\quad\\Rightarrow\\quad x = \\frac{c - b}{a}",
                    "a x plus b equals c, so x equals c minus b, over a",
                ),
                video(
                    "v-intro",
                    "A short demo video (replace it with your own lesson video).",
                    "The video shows a worked example: 2x + 3 = 11, so 2x = 8 and x = 4.",
                ),
                heading("h-check", "Check with a computer", "h3"),
                code(
                    "k-check",
                    "python",
                    "def solve_linear(a, b, c):\n"
                    '    """The x with a*x + b == c."""\n'
                    "    return (c - b) / a\n\n"
                    "print(solve_linear(2, 3, 11))  # 4.0\n",
                ),
            ],
        ),
        DemoItem(
            slug="worked-examples",
            title="Worked examples",
            text="Three equations solved step by step, and a worksheet to practise on.",
            body=lambda media: [
                heading("h-examples", "Step by step"),
                rich_text(
                    "t-examples",
                    "<ol><li>x + 7 = 12 → subtract 7 → x = 5</li>"
                    "<li>3x = 21 → divide by 3 → x = 7</li>"
                    "<li>2x − 5 = 9 → add 5 → 2x = 14 → divide by 2 → x = 7</li></ol>",
                ),
                pdf("p-worksheet", media.worksheet.pk, "Linear equations worksheet"),
                file_download("d-answers", media.download.pk, "Download the answers"),
                callout(
                    "c-warning",
                    "warning",
                    "Watch the signs",
                    "<p>Moving a term to the other side changes its sign: x − 4 = 6 gives "
                    "x = 6 <b>+</b> 4.</p>",
                ),
            ],
        ),
        DemoItem(
            slug="quadratic-equations",
            title="Quadratic equations",
            text="Equations with x², and the formula that solves every one of them.",
            body=lambda media: [
                heading("h-quadratic", "The quadratic formula"),
                rich_text(
                    "t-quadratic",
                    "<p>An equation of the form <i>ax² + bx + c = 0</i> (with a ≠ 0) is "
                    "<b>quadratic</b>. It has at most two solutions.</p>",
                ),
                maths(
                    "m-formula",
                    "x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}",
                    "x equals minus b plus or minus the square root of b squared minus four "
                    "a c, all over two a",
                ),
                callout(
                    "c-info",
                    "info",
                    "The discriminant",
                    "<p>If b² − 4ac is negative, the equation has no real solution.</p>",
                ),
            ],
        ),
        DemoItem(
            slug="check-your-understanding",
            title="Check your understanding",
            text="A quiz on everything so far: nine kinds of question.",
            body=lambda media: [
                rich_text(
                    "t-quiz",
                    "<p>Take your time. You can try again; your best answer counts.</p>",
                ),
                quiz(
                    QUIZ_BLOCK_ID,
                    "Algebra check",
                    "<p>Answer every question, then submit. The essay is marked by your tutor.</p>",
                    _algebra_quiz_questions(),
                    max_attempts=3,
                    pass_mark_percent=60,
                ),
            ],
        ),
        DemoItem(
            slug="homework-linear-equations",
            title="Homework: linear equations",
            kind=TaskKind.HOMEWORK,
            text="<p>Solve the five equations on the worksheet. Show every step.</p>",
            body=lambda media: [
                rich_text("t-homework", "<p>Print the worksheet or copy it into your book.</p>"),
                file_download("d-worksheet", media.worksheet.pk, "Download the worksheet"),
            ],
        ),
        DemoItem(
            slug="writing-explain-a-solution",
            title="Writing: explain a solution",
            kind=TaskKind.WRITING,
            text="<p>In about 150 words, explain how to solve the equation below, as if to a "
            "classmate who missed the lesson.</p>",
            body=lambda media: [maths("m-task", "5x + 4 = 3x + 10")],
        ),
        DemoItem(
            slug="exam-algebra-basics",
            title="Exam: algebra basics",
            kind=TaskKind.EXAM,
            text="<p>Twenty minutes, two attempts. Work on paper first.</p>",
            body=lambda media: [
                quiz(
                    EXAM_BLOCK_ID,
                    "Algebra basics exam",
                    "<p>Three questions; you need 60% to pass.</p>",
                    [
                        question(
                            "single_choice",
                            "e-single",
                            "<p>Which value of x solves 5x = 35?</p>",
                            options=options("5", "7", "30", correct=(1,)),
                        ),
                        question(
                            "numeric",
                            "e-numeric",
                            "<p>Solve x − 3.5 = 1.</p>",
                            value="4.5",
                            tolerance="0",
                        ),
                        question(
                            "short_answer",
                            "e-short",
                            "<p>What is the name of a letter that stands for a number?</p>",
                            accepted_answers=["variable", "a variable", "unknown"],
                        ),
                    ],
                    max_attempts=2,
                    time_limit_minutes=20,
                    review_policy="score_only",
                )
            ],
        ),
    ),
)

ENGLISH = DemoCourse(
    tutor_email="ben.clarke@demo.tutorflow.test",
    slug="english-for-exams",
    title="English for exams",
    subject_slug="english",
    level_code="exam-prep",
    summary=(
        "Get ready for an upper-intermediate English exam: what each paper tests, reading "
        "and listening strategies, the grammar that examiners look for, and essay practice."
    ),
    duration_minutes=360,
    media=DemoMediaSpec(
        image_title="The four exam papers",
        image_filename="exam-papers-chart.png",
        draw=draw_exam_chart,
        pdf_title="Reading text: the night train",
        pdf_filename="reading-the-night-train.pdf",
        pdf_lines=(
            "The night train left the station just after ten.",
            "Most passengers were asleep before midnight, but Clara stayed awake,",
            "watching the lights of small towns slide past the window.",
            "She had not seen her grandmother for six years.",
            "1. Why did Clara stay awake?  2. How long had it been since her last visit?",
        ),
        download_title="Vocabulary list",
        download_filename="vocabulary-list.txt",
        download_text=(
            "rapid - fast\nbegin - start\npurchase - buy\nrequire - need\nassist - help\n"
        ),
    ),
    items=(
        DemoItem(
            slug="exam-overview",
            title="What the exam tests",
            text="The four papers, how they are marked, and how to plan your preparation.",
            body=lambda media: [
                heading("h-papers", "Four papers, equal weight"),
                rich_text(
                    "t-papers",
                    "<p>The exam has four papers: <b>Reading</b>, <b>Writing</b>, "
                    "<b>Listening</b> and <b>Speaking</b>. Each is worth a quarter of the "
                    "final mark.</p>",
                ),
                image(
                    "i-chart",
                    media.image.pk,
                    "A bar chart: Reading, Writing, Listening and Speaking, each 25% of the mark.",
                    "Every paper counts the same.",
                ),
                maths(
                    "m-average",
                    "\\text{overall} = \\frac{R + W + L + S}{4}",
                    "overall equals R plus W plus L plus S, over four",
                ),
                callout(
                    "c-plan",
                    "info",
                    "Plan ahead",
                    "<p>Practise one paper each week and a full mock exam every month.</p>",
                ),
            ],
        ),
        DemoItem(
            slug="listening-skills",
            title="Listening skills",
            text="Listen for the gist first, then for detail.",
            body=lambda media: [
                heading("h-listening", "Two listenings"),
                video(
                    "v-listening",
                    "A short demo video (replace it with a listening exercise).",
                    "Listen once for the main idea, then again for names, numbers and dates.",
                ),
                rich_text(
                    "t-listening",
                    "<ul><li>Read the questions before the recording starts.</li>"
                    "<li>Write numbers as digits.</li><li>Check your spelling at the end."
                    "</li></ul>",
                ),
            ],
        ),
        DemoItem(
            slug="reading-strategies",
            title="Reading strategies",
            text="Skimming, scanning and a short text to practise on.",
            body=lambda media: [
                heading("h-reading", "Skim, then scan"),
                rich_text(
                    "t-reading",
                    "<p><b>Skim</b> the text for its general idea, then <b>scan</b> it for "
                    "the words in each question.</p>",
                ),
                pdf("p-reading", media.worksheet.pk, "Reading text: the night train"),
                file_download("d-vocabulary", media.download.pk, "Download the vocabulary list"),
                callout(
                    "c-time",
                    "tip",
                    "Mind the clock",
                    "<p>Spend no more than 15 minutes on one text.</p>",
                ),
            ],
        ),
        DemoItem(
            slug="grammar-tenses",
            title="Grammar: the present perfect",
            text="When to use “have done” instead of “did”.",
            body=lambda media: [
                heading("h-grammar", "Form and use"),
                rich_text(
                    "t-grammar",
                    "<p>Use the present perfect for a past action with a result now, or a "
                    "situation that started in the past and continues: <i>I have lived here "
                    "since 2019.</i></p>",
                ),
                heading("h-pattern", "The pattern", "h3"),
                code(
                    "k-pattern",
                    "plaintext",
                    "subject + have/has + past participle\n"
                    "I have finished.   She has written.   They have gone.\n",
                ),
            ],
        ),
        DemoItem(
            slug="grammar-and-vocabulary-quiz",
            title="Grammar and vocabulary quiz",
            text="Nine kinds of question on the course so far.",
            body=lambda media: [
                rich_text("t-quiz", "<p>Answer every question; the essay goes to your tutor.</p>"),
                quiz(
                    QUIZ_BLOCK_ID,
                    "Grammar and vocabulary",
                    "<p>Submit when you are ready. You will see the correct answers "
                    "afterwards.</p>",
                    _english_quiz_questions(),
                    max_attempts=3,
                ),
            ],
        ),
        DemoItem(
            slug="homework-vocabulary",
            title="Homework: vocabulary",
            kind=TaskKind.HOMEWORK,
            text="<p>Learn the ten words on the list and write one sentence with each.</p>",
            body=lambda media: [
                file_download("d-list", media.download.pk, "Download the vocabulary list"),
            ],
        ),
        DemoItem(
            slug="writing-opinion-essay",
            title="Writing: an opinion essay",
            kind=TaskKind.WRITING,
            text="<p>Write 200–250 words: “Should homework be banned?” Give two reasons and "
            "an example for each.</p>",
            body=lambda media: [
                callout(
                    "c-structure",
                    "tip",
                    "Structure",
                    "<p>Introduction, two paragraphs, conclusion.</p>",
                ),
            ],
        ),
        DemoItem(
            slug="mock-exam-reading",
            title="Mock exam: reading",
            kind=TaskKind.EXAM,
            text="<p>Read the text in the “Reading strategies” lesson, then answer. "
            "Fifteen minutes.</p>",
            body=lambda media: [
                quiz(
                    EXAM_BLOCK_ID,
                    "Reading mock exam",
                    "<p>Three questions about “The night train”.</p>",
                    [
                        question(
                            "single_choice",
                            "e-single",
                            "<p>When did the train leave?</p>",
                            options=options(
                                "Before ten", "Just after ten", "At midnight", correct=(1,)
                            ),
                        ),
                        question(
                            "true_false",
                            "e-true-false",
                            "<p>Clara slept for most of the journey.</p>",
                            correct=False,
                        ),
                        question(
                            "numeric",
                            "e-numeric",
                            "<p>How many years since Clara last saw her grandmother?</p>",
                            value="6",
                            tolerance="0",
                        ),
                    ],
                    max_attempts=2,
                    time_limit_minutes=15,
                    review_policy="score_only",
                )
            ],
        ),
    ),
)

COURSES = (ALGEBRA, ENGLISH)

#: The Ukrainian translation of Anna's course: page titles, summaries and some block texts
#: by block id. Quiz flags, accepted answers and ids stay as they are (shared grading).
ALGEBRA_UK = {
    "course": {
        "title": "Основи алгебри",
        "summary": (
            "Змінні, вирази та рівняння з самого початку: впевнено розв’язуйте лінійні "
            "рівняння та познайомтеся з формулою коренів квадратного рівняння."
        ),
    },
    "variables-and-expressions": {
        "title": "Змінні та вирази",
        "summary": "Букви, що позначають числа, і як записувати та спрощувати вирази.",
        "blocks": {
            "h-intro": {"text": "Що таке змінна?"},
            "t-intro": {
                "text": "<p><b>Змінна</b> — це буква, що позначає невідоме нам число або "
                "число, яке може змінюватися. У виразі <i>3x + 2</i> змінна — це <i>x</i>, "
                "3 — її <b>коефіцієнт</b>, а 2 — <b>стала</b>.</p>"
                "<ul><li>Подібні доданки мають однакову змінну: 2x і 5x.</li>"
                "<li>Щоб додати подібні доданки, додайте їхні коефіцієнти: 2x + 5x = 7x."
                "</li></ul>"
            },
            "m-expression": {"spoken_text": "три ікс плюс два"},
            "i-graph": {
                "alt_text": "Пряма на сітці, що проходить через точку (0, 1) і піднімається "
                "на дві клітинки на кожну клітинку праворуч.",
                "caption": "Кожному значенню x відповідає одне значення y = 2x + 1.",
            },
            "c-tip": {
                "title": "Запам’ятайте",
                "text": "<p>Змінну можна позначити будь-якою буквою: <i>a</i>, <i>n</i>, "
                "<i>t</i>… Правила залишаються тими самими.</p>",
            },
        },
    },
    "solving-linear-equations": {
        "title": "Розв’язування лінійних рівнянь",
        "summary": "Зберігайте рівновагу: робіть те саме з обома частинами рівняння.",
        "blocks": {
            "h-balance": {"text": "Зберігайте рівновагу"},
            "t-balance": {
                "text": "<p>Рівняння схоже на терези. Що б ви не зробили з однією "
                "частиною, зробіть те саме з іншою — і рівність залишиться правильною.</p>"
            },
            "h-check": {"text": "Перевірка на комп’ютері"},
        },
    },
    "worked-examples": {
        "title": "Розбір прикладів",
        "summary": "Три рівняння, розв’язані крок за кроком, і аркуш для практики.",
        "blocks": {
            "h-examples": {"text": "Крок за кроком"},
            "d-answers": {"link_text": "Завантажити відповіді"},
            "c-warning": {
                "title": "Стежте за знаками",
                "text": "<p>Перенесений в іншу частину доданок змінює знак: x − 4 = 6 дає "
                "x = 6 <b>+</b> 4.</p>",
            },
        },
    },
    "quadratic-equations": {
        "title": "Квадратні рівняння",
        "summary": "Рівняння з x² і формула, що розв’язує кожне з них.",
        "blocks": {
            "h-quadratic": {"text": "Формула коренів квадратного рівняння"},
            "c-info": {
                "title": "Дискримінант",
                "text": "<p>Якщо b² − 4ac від’ємний, рівняння не має дійсних коренів.</p>",
            },
        },
    },
    "check-your-understanding": {
        "title": "Перевір себе",
        "summary": "Тест з усього пройденого: дев’ять видів запитань.",
        "blocks": {
            "t-quiz": {
                "text": "<p>Не поспішайте. Можна спробувати ще раз; зараховується найкраща "
                "відповідь.</p>"
            },
            QUIZ_BLOCK_ID: {
                "title": "Перевірка з алгебри",
                "instructions": "<p>Дайте відповідь на кожне запитання й надішліть тест. "
                "Есе оцінює ваш репетитор.</p>",
            },
        },
    },
    "homework-linear-equations": {
        "title": "Домашнє завдання: лінійні рівняння",
        "instructions": "<p>Розв’яжіть п’ять рівнянь з робочого аркуша. Покажіть кожен крок.</p>",
    },
    "writing-explain-a-solution": {
        "title": "Письмове завдання: поясніть розв’язок",
        "instructions": "<p>Приблизно у 150 словах поясніть, як розв’язати рівняння нижче, "
        "так, ніби пояснюєте однокласникові, який пропустив урок.</p>",
    },
    "exam-algebra-basics": {
        "title": "Контрольна робота: основи алгебри",
        "instructions": "<p>Двадцять хвилин, дві спроби. Спершу розв’яжіть на папері.</p>",
        "blocks": {EXAM_BLOCK_ID: {"title": "Контрольна робота з основ алгебри"}},
    },
}

#: Which demo students leave progress: (student index, lessons viewed, lessons completed).
PROGRESS = ((0, 4, 3), (1, 2, 1))


# ---------------------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------------------


def _publish(page: Page, *, by: User) -> Page:
    """Publish `page` as `by` through a revision (no moderation: see the module docstring).

    Returns the page as stored, with `live_revision` set (quiz attempts pin it).
    """
    page.save_revision(user=by).publish(user=by)
    return type(page).objects.get(pk=page.pk)


def _video_embed_ensure(report) -> None:
    """Store the demo video's embed so that no validation or rendering fetches it."""
    _embed, created = Embed.objects.get_or_create(
        hash=get_embed_hash(DEMO_VIDEO_URL),
        defaults={
            "url": DEMO_VIDEO_URL,
            "type": "video",
            "html": DEMO_VIDEO_EMBED_HTML,
            "title": "Demo lesson video",
            "provider_name": "YouTube",
            "width": 560,
            "height": 315,
            "cache_until": None,
        },
    )
    if created:
        report.add("video embeds stored locally")


def _media(spec: DemoMediaSpec, *, tutor: User, collection: Collection, report) -> DemoMedia:
    """The course's image and documents in the tutor's collection, created when missing."""
    images = get_image_model().objects.filter(collection=collection)
    picture = images.filter(title=spec.image_title).first()
    if picture is None:
        buffer = BytesIO()
        spec.draw().save(buffer, "PNG")
        picture = get_image_model()(
            title=spec.image_title,
            file=ImageFile(buffer, name=spec.image_filename),
            collection=collection,
            uploaded_by_user=tutor,
        )
        picture._set_image_file_metadata()
        picture.save()
        report.add("images")

    documents = get_document_model().objects.filter(collection=collection)

    def document(title: str, filename: str, content: bytes):
        found = documents.filter(title=title).first()
        if found is not None:
            return found
        created = get_document_model()(
            title=title,
            file=ContentFile(content, name=filename),
            collection=collection,
            uploaded_by_user=tutor,
        )
        created._set_document_file_metadata()
        created.save()
        report.add("documents")
        return created

    worksheet = document(
        spec.pdf_title, spec.pdf_filename, pdf_bytes(spec.pdf_title, spec.pdf_lines)
    )
    download = document(
        spec.download_title, spec.download_filename, spec.download_text.encode("utf-8")
    )
    return DemoMedia(image=picture, worksheet=worksheet, download=download)


def _course(spec: DemoCourse, *, section: TutorSectionPage, admin: User, tutor: User, report):
    """The tutor's demo course under their section, created and published when missing."""
    course = section.get_children().filter(slug=spec.slug).specific().first()
    if course is not None:
        return course
    course = CoursePage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        subject=Subject.objects.filter(locale=Locale.get_default(), slug=spec.subject_slug).first(),
        level=Level.objects.filter(code=spec.level_code).first(),
        language="en",
        self_enroll=False,
        estimated_duration_minutes=spec.duration_minutes,
        owner=tutor,
        live=False,
    )
    section.add_child(instance=course)
    course = _publish(course, by=admin)
    report.add("courses published")
    return course


def _items(spec: DemoCourse, *, course: CoursePage, media: DemoMedia, admin, tutor, report):
    """The course's lessons and tasks in order, created and published when missing."""
    pages = []
    for item in spec.items:
        page = course.get_children().filter(slug=item.slug).specific().first()
        if page is None:
            common = {
                "title": item.title,
                "slug": item.slug,
                "body": item.body(media),
                "owner": tutor,
                "live": False,
            }
            if item.kind is None:
                page = LessonPage(summary=item.text, **common)
            else:
                page = TaskPage(kind=item.kind, instructions=item.text, **common)
            course.add_child(instance=page)
            page = _publish(page, by=admin)
            report.add("lessons published" if item.kind is None else "tasks published")
        pages.append(page)
    return pages


def _translated_body(page: Page, blocks: dict) -> list[dict]:
    """`page`'s raw body with the texts in `blocks` ({block id: {field: text}}) replaced."""
    body = copy.deepcopy(list(page.body.raw_data))
    for child in body:
        child["value"].update(blocks.get(child.get("id"), {}))
    return body


def _translate_algebra(*, course: CoursePage, items: list[Page], admin: User, report) -> None:
    """Anna's course in Ukrainian: copied for translation, texts translated, published."""
    uk, _created = Locale.objects.get_or_create(language_code="uk")
    course_uk = CoursePage.objects.filter(translation_key=course.translation_key, locale=uk).first()
    if course_uk is None:
        course_uk = course.copy_for_translation(uk, copy_parents=True)
        course_uk.title = ALGEBRA_UK["course"]["title"]
        course_uk.summary = ALGEBRA_UK["course"]["summary"]
        course_uk.language = "uk"
        _publish(course_uk, by=admin)
        report.add("Ukrainian translations published")
    for page in items:
        if Page.objects.filter(translation_key=page.translation_key, locale=uk).exists():
            continue
        texts = ALGEBRA_UK.get(page.slug, {})
        translated = page.copy_for_translation(uk)
        translated.title = texts.get("title", translated.title)
        if isinstance(translated, LessonPage):
            translated.summary = texts.get("summary", translated.summary)
        else:
            translated.instructions = texts.get("instructions", translated.instructions)
        translated.body = _translated_body(translated, texts.get("blocks", {}))
        _publish(translated, by=admin)
        report.add("Ukrainian translations published")


def _enroll(*, course: CoursePage, tutor: User, students: list[User], report) -> None:
    """The tutor enrolls each of their students (`enrollment_create`), unless enrolled."""
    for student in students:
        if CourseEnrollment.objects.filter(
            student=student, course_translation_key=course.translation_key
        ).exists():
            continue
        enrollment_create(student=student, course=course, by=tutor)
        report.add("course enrollments")


def _progress(*, course: CoursePage, lessons: list[Page], students: list[User], report) -> None:
    """Viewed and completed lessons as `PROGRESS` says, through the progress services."""
    for index, viewed, completed in PROGRESS:
        if index >= len(students):
            continue
        student = students[index]
        for number, lesson in enumerate(lessons[:viewed]):
            existing = LessonProgress.objects.filter(
                student=student, lesson_translation_key=lesson.translation_key
            ).first()
            if existing is None:
                lesson_view_record(
                    student=student,
                    lesson_translation_key=lesson.translation_key,
                    course_translation_key=course.translation_key,
                )
                report.add("lessons viewed")
            if number < completed and (existing is None or existing.completed_at is None):
                lesson_complete(
                    student=student,
                    lesson_translation_key=lesson.translation_key,
                    course_translation_key=course.translation_key,
                )
                report.add("lessons completed")


def correct_answers(quiz_value: dict, *, essay: str = "") -> dict:
    """The right answer to every question of a raw quiz value, in `grade_quiz` format.

    Used to submit the demo attempts; runs on the server only, like grading itself.
    """
    answers = {}
    for child in quiz_value["questions"]:
        qid, kind, value = child["id"], child["type"], child["value"]
        if kind == "single_choice":
            answers[qid] = next(i for i, o in enumerate(value["options"]) if o["is_correct"])
        elif kind == "multiple_choice":
            answers[qid] = [i for i, o in enumerate(value["options"]) if o["is_correct"]]
        elif kind == "true_false":
            answers[qid] = bool(value["correct"])
        elif kind == "short_answer":
            answers[qid] = value["accepted_answers"][0]
        elif kind == "numeric":
            answers[qid] = value["value"]
        elif kind == "matching":
            answers[qid] = {
                str(i): answer_token(qid, "right", i) for i in range(len(value["pairs"]))
            }
        elif kind == "ordering":
            answers[qid] = [answer_token(qid, "item", i) for i in range(len(value["items"]))]
        elif kind == "fill_in_blanks":
            answers[qid] = {
                str(n): split_accepted_answers(gap["answers"])[0]
                for n, gap in enumerate(value["gaps"], start=1)
            }
        elif kind == "essay" and essay:
            answers[qid] = essay
    return answers


#: The essay the first student of each tutor hands in (waits for the tutor's grade).
DEMO_ESSAY = (
    "Because an equation says that two things are equal. If I change only one side they "
    "are not equal any more, so I have to do the same to both sides to keep the balance."
)


def _raw_quiz(page: Page, block_id: str) -> dict:
    """The raw (JSON) value of the quiz `block_id` in `page`'s body."""
    return next(c["value"] for c in page.body.raw_data if c.get("id") == block_id)


def _attempt(*, student: User, page: Page, course: CoursePage, block_id: str, answers, report):
    """One submitted attempt of `student` at the quiz `block_id` of `page`, unless they have one."""
    if QuizAttempt.objects.filter(
        student=student, page_translation_key=page.translation_key, quiz_block_id=block_id
    ).exists():
        return
    attempt, _created = quiz_attempt_start(student=student, page=page, block_id=block_id)
    quiz_attempt_submit(
        attempt=attempt, data=answers, course_translation_key=course.translation_key
    )
    report.add("quiz attempts submitted")


def _quiz_page(pages: list[Page], block_id: str) -> Page:
    """The page among `pages` whose body holds the block `block_id`."""
    return next(p for p in pages if any(str(c.id) == block_id for c in p.body))


def _attempts(*, course: CoursePage, pages: list[Page], students: list[User], report) -> None:
    """The first student hands in the whole quiz (essay pending), the second the exam."""
    if students:
        quiz_page = _quiz_page(pages, QUIZ_BLOCK_ID)
        _attempt(
            student=students[0],
            page=quiz_page,
            course=course,
            block_id=QUIZ_BLOCK_ID,
            answers=correct_answers(_raw_quiz(quiz_page, QUIZ_BLOCK_ID), essay=DEMO_ESSAY),
            report=report,
        )
    if len(students) > 1:
        exam_page = _quiz_page(pages, EXAM_BLOCK_ID)
        answers = correct_answers(_raw_quiz(exam_page, EXAM_BLOCK_ID))
        answers.pop(next(iter(answers)))  # one question left unanswered: not a perfect score
        _attempt(
            student=students[1],
            page=exam_page,
            course=course,
            block_id=EXAM_BLOCK_ID,
            answers=answers,
            report=report,
        )


def course_spec_for(tutor: User) -> DemoCourse | None:
    """The demo course of a demo tutor (by e-mail), or None."""
    email = (tutor.email or "").lower()
    return next((spec for spec in COURSES if spec.tutor_email == email), None)


@transaction.atomic
def demo_courses_seed(*, admin: User, students_by_tutor: dict[User, list[User]], report) -> None:
    """Create whatever part of the demo courses is missing (see the module docstring).

    `students_by_tutor` maps each demo tutor to their (actively linked) students, in the
    order of `people.demo`; `report` is the seed's `SeedReport`, counting what was created.
    `admin` publishes the pages. Raises ValidationError/PermissionDenied from the services
    if the demo school is not as `people.demo` builds it (e.g. a student no longer linked).
    """
    _video_embed_ensure(report)
    for tutor, students in students_by_tutor.items():
        spec = course_spec_for(tutor)
        if spec is None:
            continue
        section = tutor_section_ensure(tutor=tutor)
        media = _media(spec.media, tutor=tutor, collection=section.collection, report=report)
        course = _course(spec, section=section, admin=admin, tutor=tutor, report=report)
        pages = _items(spec, course=course, media=media, admin=admin, tutor=tutor, report=report)
        if spec is ALGEBRA:
            _translate_algebra(course=course, items=pages, admin=admin, report=report)
        _enroll(course=course, tutor=tutor, students=students, report=report)
        lessons = [page for page in pages if isinstance(page, LessonPage)]
        _progress(course=course, lessons=lessons, students=students, report=report)
        _attempts(course=course, pages=pages, students=students, report=report)


# ---------------------------------------------------------------------------------------
# Flushing
# ---------------------------------------------------------------------------------------


def demo_course_pages(*, tutors) -> QuerySet[Page]:
    """Every page in the sections of `tutors` (sections included), in every locale."""
    condition = Q()
    for path in TutorSectionPage.objects.filter(tutor__in=tutors).values_list("path", flat=True):
        condition |= Q(path__startswith=path)
    return Page.objects.filter(condition) if condition else Page.objects.none()


@transaction.atomic
def demo_courses_flush(*, tutors) -> Counter:
    """Remove the sections of `tutors` with every page under them, and what hangs off them.

    Call it before the tutors themselves are deleted (sections are found by tutor). Goes:
    quiz attempts, lesson progress and enrollments keyed to those pages (whoever the
    student), the pages (all locales, revisions with them), the images and documents of
    the tutors' collections, the collections and the tutors' section groups. Returns the
    counts by label.
    """
    removed: Counter = Counter()
    sections = list(TutorSectionPage.objects.filter(tutor__in=tutors))
    pages = demo_course_pages(tutors=tutors)
    keys = list(pages.values_list("translation_key", flat=True))
    # Attempts first: they PROTECT the page revisions they were graded against.
    removed["quiz attempts"] = QuizAttempt.objects.filter(page_translation_key__in=keys).delete()[0]
    removed["lesson progress rows"] = LessonProgress.objects.filter(
        lesson_translation_key__in=keys
    ).delete()[0]
    removed["course enrollments"] = CourseEnrollment.objects.filter(
        course_translation_key__in=keys
    ).delete()[0]
    removed["course pages (sections, courses, lessons, tasks)"] = pages.count()
    collection_ids = {s.collection_id for s in sections if s.collection_id}
    group_ids = {s.editor_group_id for s in sections if s.editor_group_id}
    # Deepest first, so a section is deleted with its subtree and never twice.
    for section in sorted(sections, key=lambda page: page.depth):
        fresh = Page.objects.filter(pk=section.pk).first()
        if fresh is not None:
            fresh.delete()
    for model, label in ((get_image_model(), "images"), (get_document_model(), "documents")):
        for item in model.objects.filter(collection_id__in=collection_ids):
            item.delete()
            removed[label] += 1
    for collection in Collection.objects.filter(pk__in=collection_ids):
        if collection.get_children().exists():
            continue
        collection.delete()
        removed["media collections"] += 1
    removed["section groups"] = (
        Group.objects.filter(pk__in=group_ids).delete()[1].get(Group._meta.label, 0)
    )
    return Counter({label: count for label, count in removed.items() if count})

"""Authoring through the real Wagtail editor: a tutor builds a lesson with every block.

The lesson is posted to the admin's "add page" view exactly as the editor's form would
send it (StreamField, StructBlock and ListBlock form fields, Draftail rich text, chooser
pks), with every block type of `LessonBodyBlock` and a quiz holding every question kind,
and submitted for moderation. It must save as a draft revision in a running workflow,
not go live, and keep every block and question. No network: the video URL is resolved by
a local oEmbed finder.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.embeds.finders import get_finders
from wagtail.embeds.finders.base import EmbedFinder
from wagtail.models import Collection, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from courses.blocks import QUESTION_BLOCKS, LessonBodyBlock, QuestionKind
from courses.models import LessonPage
from tests.courses.factories import CoursePageFactory, make_image
from tests.courses.test_blocks import sentinel_quiz_raw

pytestmark = pytest.mark.django_db

VIDEO_URL = "https://www.youtube.com/watch?v=authoring"


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
            "html": '<iframe src="https://www.youtube.com/embed/local" title="Video"></iframe>',
        }


@pytest.fixture
def local_embeds(settings):
    settings.WAGTAILEMBEDS_FINDERS = [
        {"class": "tests.courses.test_editor_authoring.LocalVideoFinder"}
    ]
    get_finders.cache_clear()
    LocalVideoFinder.calls.clear()
    yield LocalVideoFinder.calls
    get_finders.cache_clear()


def block_form_data(block, value, prefix) -> dict[str, str]:
    """The editor's form fields for a raw (JSON-like) `value` of `block` under `prefix`.

    Mirrors the `value_from_datadict` of Wagtail's StreamBlock, ListBlock and StructBlock:
    streams and lists carry a count and per-item type/id/deleted/order fields with the
    child under ``-value``; structs put each child at ``prefix-name``.
    """
    data: dict[str, str] = {}
    if isinstance(block, blocks.StreamBlock):
        data[f"{prefix}-count"] = str(len(value))
        for index, item in enumerate(value):
            item_prefix = f"{prefix}-{index}"
            data[f"{item_prefix}-type"] = item["type"]
            data[f"{item_prefix}-id"] = item.get("id") or ""
            data[f"{item_prefix}-deleted"] = ""
            data[f"{item_prefix}-order"] = str(index)
            child = block.child_blocks[item["type"]]
            data.update(block_form_data(child, item["value"], f"{item_prefix}-value"))
    elif isinstance(block, blocks.ListBlock):
        data[f"{prefix}-count"] = str(len(value))
        for index, item in enumerate(value):
            item_prefix = f"{prefix}-{index}"
            data[f"{item_prefix}-id"] = f"{prefix}-item-{index}"
            data[f"{item_prefix}-deleted"] = ""
            data[f"{item_prefix}-order"] = str(index)
            data.update(block_form_data(block.child_block, item, f"{item_prefix}-value"))
    elif isinstance(block, blocks.StructBlock):
        value = value or {}
        for name, child in block.child_blocks.items():
            data.update(block_form_data(child, value.get(name), f"{prefix}-{name}"))
    elif isinstance(block, blocks.BooleanBlock):
        if value:
            data[prefix] = "on"
    elif isinstance(block, blocks.RichTextBlock):
        data[prefix] = rich_text(value or "")
    elif isinstance(block, blocks.ChooserBlock):
        data[prefix] = "" if value is None else str(getattr(value, "pk", value))
    else:
        data[prefix] = "" if value is None else str(value)
    return data


@pytest.fixture
def media(section, tutor):
    """An image, a PDF and a text document in the tutor's own collection."""
    collection = Collection.objects.get(name=f"Tutor #{tutor.pk}")
    image = make_image(title="Leaf diagram", collection=collection)
    documents = get_document_model().objects
    pdf = documents.create(
        title="Worksheet",
        file=ContentFile(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", name="worksheet.pdf"),
        collection=collection,
    )
    notes = documents.create(
        title="Notes",
        file=ContentFile(b"Plain notes for the lesson.\n", name="notes.txt"),
        collection=collection,
    )
    return {"image": image, "pdf": pdf, "notes": notes}


def full_body(media) -> list[dict]:
    """A raw lesson body with one block of every `LessonBodyBlock` type."""
    return [
        {"type": "heading", "id": "b-heading", "value": {"text": "Photosynthesis", "level": "h2"}},
        {
            "type": "text",
            "id": "b-text",
            "value": {"text": "<p>Plants turn <b>light</b> into sugar.</p>"},
        },
        {
            "type": "image",
            "id": "b-image",
            "value": {
                "image": media["image"].pk,
                "alt_text": "A labelled leaf",
                "decorative": False,
                "caption": "Parts of a leaf",
            },
        },
        {
            "type": "video",
            "id": "b-video",
            "value": {"url": VIDEO_URL, "file": None, "caption": "Intro", "transcript": "Hi."},
        },
        {"type": "pdf", "id": "b-pdf", "value": {"document": media["pdf"].pk, "title": "Sheet"}},
        {
            "type": "callout",
            "id": "b-callout",
            "value": {"kind": "tip", "title": "Remember", "text": "<p>Leaves are green.</p>"},
        },
        {"type": "code", "id": "b-code", "value": {"language": "python", "code": "print(1)"}},
        {
            "type": "math",
            "id": "b-math",
            "value": {"source": "6CO_2 + 6H_2O", "spoken_text": "six C O two"},
        },
        {
            "type": "file_download",
            "id": "b-file",
            "value": {"document": media["notes"].pk, "link_text": "Download the notes"},
        },
        {"type": "quiz", "id": "b-quiz", "value": sentinel_quiz_raw()},
    ]


def test_tutor_authors_a_lesson_with_every_block_and_submits_it(
    client, tutor, section, media, local_embeds
):
    course = CoursePageFactory(parent=section, live=False, owner=tutor)
    client.force_login(tutor)
    url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))

    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    body = LessonBodyBlock()
    raw_body = full_body(media)
    data.update(
        {
            "title": "Every block",
            "slug": "every-block",
            "summary": "A lesson that uses every block.",
            **block_form_data(body, raw_body, "body"),
        }
    )
    data["action-submit"] = "1"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    lesson = LessonPage.objects.get(slug="every-block")
    assert lesson.get_parent().pk == course.pk
    assert not lesson.live and lesson.has_unpublished_changes
    assert lesson.owner == tutor

    saved = lesson.get_latest_revision_as_object().body
    by_type = {child.block_type: child for child in saved}
    assert [child.block_type for child in saved] == list(body.child_blocks)
    assert [child.id for child in saved] == [item["id"] for item in raw_body]
    assert by_type["heading"].value["text"] == "Photosynthesis"
    assert "<b>light</b>" in by_type["text"].value["text"].source
    assert by_type["image"].value["image"] == media["image"]
    assert by_type["image"].value["alt_text"] == "A labelled leaf"
    assert by_type["video"].value["url"].url == VIDEO_URL
    assert by_type["pdf"].value["document"] == media["pdf"]
    assert by_type["callout"].value["kind"] == "tip"
    assert by_type["code"].value["code"] == "print(1)"
    assert by_type["math"].value["source"] == "6CO_2 + 6H_2O"
    assert by_type["file_download"].value["document"] == media["notes"]

    quiz = by_type["quiz"].value
    assert quiz["title"] == "Sentinel quiz"
    assert quiz["settings"]["max_attempts"] == 3
    questions = {child.block_type: child.value for child in quiz["questions"]}
    assert set(questions) == set(QuestionKind.values) == set(QUESTION_BLOCKS)
    assert [o["is_correct"] for o in questions["multiple_choice"]["options"]] == [
        True,
        True,
        False,
    ]
    assert questions["true_false"]["correct"] is True
    assert list(questions["short_answer"]["accepted_answers"]) == [
        "SENTINEL-ACCEPTED-7f3a",
        "sentinel accepted",
    ]
    assert questions["short_answer"]["case_sensitive"] is True
    assert str(questions["numeric"]["value"]) == "271828.1828"
    assert [pair["right"] for pair in questions["matching"]["pairs"]][0] == "RIGHT-3-MATCH"
    assert len(questions["ordering"]["items"]) == 6
    assert questions["fill_in_blanks"]["gaps"][1]["answers"] == "Seine"
    assert questions["essay"]["max_words"] == 50

    # The saved quiz is complete and valid, not just stored as an unfinished draft.
    quiz_block = body.child_blocks["quiz"]
    quiz_block.clean(quiz)

    state = WorkflowState.objects.active().for_instance(lesson).get()
    assert state.requested_by == tutor
    assert lesson.workflow_in_progress
    assert LocalVideoFinder.calls and set(LocalVideoFinder.calls) == {VIDEO_URL}

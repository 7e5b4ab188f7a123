"""Page and media factories for the courses tests (wagtail-factories).

Pages are created with `parent=` (added to the tree under it). They are live unless
`live=False` is given; tests that need revisions and workflows make them through the
admin or with `save_revision()`.
"""

from io import BytesIO

import factory
import wagtail_factories
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from courses.models import CoursePage, LessonPage, TaskPage
from tests.factories import LevelFactory, SubjectFactory


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = factory.LazyAttribute(lambda o: f"What you learn in {o.title}.")
    subject = factory.SubFactory(SubjectFactory)
    level = factory.SubFactory(LevelFactory)


def lesson_body(*, quiz: bool = False) -> list[dict]:
    """A small raw StreamField body: a heading and a text, and optionally a one-question quiz."""
    body = [
        {"type": "heading", "value": {"text": "Introduction", "level": "h2"}, "id": "h-1"},
        {"type": "text", "value": {"text": "<p>Plants make food.</p>"}, "id": "t-1"},
    ]
    if quiz:
        body.append(
            {
                "type": "quiz",
                "id": "quiz-1",
                "value": {
                    "title": "Check yourself",
                    "instructions": "",
                    "settings": {},
                    "questions": [
                        {
                            "type": "single_choice",
                            "id": "q-1",
                            "value": {
                                "prompt": "<p>Which gas do plants take in?</p>",
                                "options": [
                                    {"text": "Oxygen", "is_correct": False},
                                    {"text": "SENTINEL-CO2-ANSWER", "is_correct": True},
                                ],
                                "points": "1",
                                "explanation": "<p>SENTINEL-EXPLANATION</p>",
                            },
                        }
                    ],
                },
            }
        )
    return body


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    body = factory.LazyFunction(lesson_body)


class TaskPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = TaskPage

    title = factory.Sequence(lambda n: f"Task {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    kind = TaskPage.Kind.HOMEWORK
    instructions = "<p>Answer in full sentences.</p>"
    body = factory.LazyFunction(lesson_body)


def make_image(*, title: str, collection):
    """A real (tiny PNG) image in `collection`."""
    buffer = BytesIO()
    PILImage.new("RGB", (8, 6), "green").save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{slugify(title)}.png"), collection=collection
    )


def make_document(*, title: str, collection):
    """A small PDF document in `collection`."""
    return get_document_model().objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{slugify(title)}.pdf"),
        collection=collection,
    )

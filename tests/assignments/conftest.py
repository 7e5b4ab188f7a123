"""Assignment fixtures: a tutor's published course with a task, a quiz task and a lesson.

Pages are published through real revisions (tests.courses.learning_world.publish); the
tutor section comes from the real service, so ownership checks run as in production.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from courses.assignments.services import assignment_create
from courses.services.sections import tutor_section_ensure
from tests.courses.factories import CoursePageFactory, LessonPageFactory, TaskPageFactory
from tests.courses.learning_world import body_with, publish, quiz_block


@dataclass
class World:
    tutor: object
    student: object
    course: object
    task: object
    quiz_task: object
    lesson: object


def make_world(tutor, student, *, title="Homework") -> World:
    section = tutor_section_ensure(tutor=tutor)
    course = publish(CoursePageFactory(parent=section, title=title))
    task = publish(TaskPageFactory(parent=course, title=f"{title} essay"))
    quiz_task = publish(
        TaskPageFactory(parent=course, title=f"{title} quiz", body=body_with(quiz_block()))
    )
    lesson = publish(LessonPageFactory(parent=course, title=f"{title} lesson"))
    return World(tutor, student, course, task, quiz_task, lesson)


@pytest.fixture
def world(tutor, student):
    return make_world(tutor, student)


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


def give(world: World, page=None, **terms):
    """Assign `page` (the essay task by default) to the world's student, due in 7 days."""
    terms.setdefault("due_at", in_days(7))
    terms.setdefault("max_points", 10)
    return assignment_create(
        by=world.tutor, student=world.student, page=page or world.task, **terms
    )


# --- files -------------------------------------------------------------------------------


def text_file(name="answer.txt", content=b"My answer.\n"):
    return SimpleUploadedFile(name, content, "text/plain")


def pdf_file(name="answer.pdf"):
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, "application/pdf")


def png_file(name="drawing.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def docx_file(name="essay.docx", *, with_word=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        if with_word:
            archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def html_file(name="answer.pdf", content=b"<!DOCTYPE html><html><body>hi</body></html>"):
    return SimpleUploadedFile(name, content, "application/pdf")

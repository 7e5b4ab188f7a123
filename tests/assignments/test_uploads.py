"""Uploads: size, count, type by content, generated names, and downloads as attachments."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import uploads as upload_rules
from courses.assignments.models import SubmissionFile
from courses.assignments.services import submission_save_draft, submission_submit
from courses.uploads import check_upload
from tests.assignments.conftest import (
    docx_file,
    give,
    html_file,
    pdf_file,
    png_file,
    text_file,
)

pytestmark = pytest.mark.django_db


def refusal(upload) -> str:
    with pytest.raises(ValidationError) as info:
        check_upload(upload)
    return " ".join(info.value.message_dict["files"])


@pytest.mark.parametrize(
    ("make", "content_type", "extension"),
    [
        (pdf_file, "application/pdf", ".pdf"),
        (png_file, "image/png", ".png"),
        (docx_file, upload_rules.DOCX.content_type, ".docx"),
        (text_file, "text/plain", ".txt"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(make, content_type, extension):
    checked = check_upload(make())
    assert checked.content_type == content_type
    assert checked.kind.extension == extension


def test_a_text_file_with_another_extension_is_text():
    checked = check_upload(text_file("notes.md", "Ünïcode notes\n".encode()))
    assert checked.content_type == "text/plain"
    assert checked.original_name == "notes.md.txt"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("homework.vbs", "homework.vbs.txt"),
        ("run.bat", "run.bat.txt"),
        ("setup.ps1", "setup.ps1.txt"),
        ("a.hta", "a.hta.txt"),
        ("page.mhtml", "page.mhtml.txt"),
        ("answer.txt", "answer.txt"),
        ("ANSWER.TXT", "ANSWER.TXT"),
    ],
)
def test_the_kept_name_ends_with_the_extension_of_the_content(name, kept):
    assert check_upload(text_file(name, b"MsgBox 1")).original_name == kept


def test_a_macro_document_accepted_as_docx_is_named_docx():
    assert check_upload(docx_file("report.docm")).original_name == "report.docm.docx"
    assert check_upload(docx_file("report.docx")).original_name == "report.docx"
    assert check_upload(png_file("photo.PNG")).original_name == "photo.PNG"


def _zip_bomb_upload(name="bomb.odt", *, mimetype_size=100 * 1024 * 1024):
    """A small upload whose `mimetype` member unpacks to `mimetype_size` zero bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(mimetype_size // len(chunk)):
                member.write(chunk)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def test_a_zip_bomb_is_refused_without_unpacking_it(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    bomb = _zip_bomb_upload()
    assert bomb.size < 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        message = refusal(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "not a kind of file we accept" in message
    assert peak < 5 * 1024 * 1024
    assert time.monotonic() - started < 5


def test_a_large_mimetype_member_is_never_read(settings, monkeypatch):
    # within the total cap, but a `mimetype` member far larger than a type name
    bomb = _zip_bomb_upload(mimetype_size=1024 * 1024)
    monkeypatch.setattr(
        zipfile.ZipFile, "read", lambda *args, **kwargs: pytest.fail("member unpacked")
    )
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda *args, **kwargs: pytest.fail("member opened")
    )
    assert "not a kind of file we accept" in refusal(bomb)


def test_zips_with_too_many_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(upload_rules.ZIP_MAX_MEMBERS):
            archive.writestr(f"word/media/{number}.txt", "")
    upload = SimpleUploadedFile("essay.docx", buffer.getvalue(), "application/octet-stream")
    assert "not a kind of file we accept" in refusal(upload)


def test_a_pdf_that_is_really_html_is_refused():
    message = refusal(html_file("essay.pdf"))
    assert "essay.pdf" in message and "web page (HTML)" in message


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><p>hi</p>",
        b"  <html><body>x</body></html>",
        b"Looks harmless\n<script>alert(1)</script>\n",
        b"\xef\xbb\xbf<HTML>",
    ],
)
def test_html_renamed_txt_is_refused(content):
    assert "web page (HTML)" in refusal(text_file("answer.txt", content))


@pytest.mark.parametrize("name", ["page.html", "image.svg", "code.js"])
def test_web_page_names_are_refused_whatever_the_content(name):
    assert "web page or script" in refusal(text_file(name, b"plain words"))


def test_binary_and_unknown_kinds_are_refused():
    assert "not a kind of file we accept" in refusal(
        SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 64)
    )
    assert "not a kind of file we accept" in refusal(
        SimpleUploadedFile("notes.txt", b"text with a NUL \x00 byte")
    )
    assert "not a kind of file we accept" in refusal(
        SimpleUploadedFile("latin1.txt", "café".encode("latin-1"))
    )


def test_a_zip_without_the_office_structure_is_not_a_docx():
    assert "not a kind of file we accept" in refusal(docx_file(with_word=False))


def test_content_that_contradicts_the_name_is_refused():
    message = refusal(png_file("essay.pdf"))
    assert "PDF document" in message and "PNG image" in message


def test_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 10
    assert "too large" in refusal(text_file("big.txt", b"x" * 11))
    assert check_upload(text_file("ok.txt", b"x" * 10)).size == 10
    assert "empty" in refusal(text_file("empty.txt", b""))


def test_files_are_stored_under_generated_names(world, student):
    assignment = give(world)
    submission = submission_save_draft(
        by=student, assignment=assignment, files=[text_file("My Essay.txt"), png_file("a.png")]
    )
    rows = list(submission.files.order_by("pk"))
    assert [row.original_name for row in rows] == ["My Essay.txt", "a.png"]
    for row in rows:
        assert row.file.name.startswith("submissions/")
        assert "Essay" not in row.file.name and row.file.name.count("/") == 2
        assert row.file.storage.exists(row.file.name)
    assert rows[0].file.name.endswith(".txt") and rows[1].file.name.endswith(".png")
    assert rows[1].content_type == "image/png"


def test_a_path_in_the_name_is_only_displayed_without_it(world, student):
    assignment = give(world)
    submission = submission_save_draft(
        by=student, assignment=assignment, files=[text_file("..\\..\\secret.txt")]
    )
    assert submission.files.get().original_name == "secret.txt"


def test_a_refused_file_stores_nothing_and_keeps_the_draft(world, student):
    assignment = give(world)
    with pytest.raises(ValidationError):
        submission_save_draft(
            by=student,
            assignment=assignment,
            text="changed",
            files=[text_file("good.txt"), html_file("bad.pdf")],
        )
    assert not SubmissionFile.objects.exists()
    assignment.submission.refresh_from_db()
    assert assignment.submission.text == ""


def test_at_most_n_files(world, student, monkeypatch):
    monkeypatch.setattr("courses.assignments.services.work.MAX_FILES_PER_SUBMISSION", 2)
    assignment = give(world)
    submission_save_draft(by=student, assignment=assignment, files=[text_file(), text_file()])
    with pytest.raises(ValidationError) as info:
        submission_submit(by=student, assignment=assignment, files=[text_file()])
    assert "At most 2 files" in info.value.message_dict["files"][0]
    first = assignment.submission.files.first()
    submission_submit(
        by=student, assignment=assignment, files=[text_file()], remove_file_ids=[first.pk]
    )
    assert assignment.submission.files.count() == 2


# --- downloads -----------------------------------------------------------------------------


@pytest.fixture
def handed_in(world, student):
    assignment = give(world)
    return submission_submit(
        by=student, assignment=assignment, files=[text_file("réponse.txt", b"Bonjour\n")]
    )


def test_a_script_named_text_upload_downloads_as_txt(world, student, client_for, tutor):
    assignment = give(world)
    submission = submission_submit(
        by=student, assignment=assignment, files=[text_file("homework.vbs", b"MsgBox 1\n")]
    )
    row = submission.files.get()
    assert row.original_name == "homework.vbs.txt"
    response = client_for(tutor).get(reverse("assignments:file_download", args=[row.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="homework.vbs.txt"'


def test_downloads_are_attachments_with_a_safe_type(handed_in, client_for, tutor):
    row = handed_in.files.get()
    response = client_for(tutor).get(reverse("assignments:file_download", args=[row.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "r%C3%A9ponse.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"Bonjour\n"


def test_who_may_download(handed_in, client, student, parent, manager, admin_user, other_tutor):
    url = reverse("assignments:file_download", args=[handed_in.files.get().pk])
    for someone in (student, parent, manager, admin_user):
        client.force_login(someone)
        assert client.get(url).status_code == 200, someone
    for someone in (other_tutor,):
        client.force_login(someone)
        assert client.get(url).status_code == 404
    missing = reverse("assignments:file_download", args=[987654])
    assert client.get(missing).status_code == 404


def test_download_types_never_include_html():
    assert upload_rules.download_content_type("text/html") == "application/octet-stream"
    assert upload_rules.download_content_type("application/pdf") == "application/pdf"

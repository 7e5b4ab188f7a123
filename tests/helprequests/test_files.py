"""The upload policy: size, type by content (never by name), generated storage names."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.helprequests import files
from courses.helprequests.files import check_upload, check_uploads, generated_name

from .conftest import PDF_BYTES, PNG_BYTES, upload


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


OOXML = b'<?xml version="1.0"?><Types/>'
ACCEPTED = [
    ("task.pdf", PDF_BYTES, files.PDF),
    ("photo.png", PNG_BYTES, files.PNG),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, files.JPEG),
    ("anim.gif", b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00" + b"\x00" * 32, files.GIF),
    ("pic.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32, files.WEBP),
    (
        "essay.docx",
        _zip({"[Content_Types].xml": OOXML, "word/document.xml": b"<w:document/>"}),
        files.DOCX,
    ),
    (
        "marks.xlsx",
        _zip({"[Content_Types].xml": OOXML, "xl/workbook.xml": b"<workbook/>"}),
        files.XLSX,
    ),
    (
        "talk.pptx",
        _zip({"[Content_Types].xml": OOXML, "ppt/presentation.xml": b"<p/>"}),
        files.PPTX,
    ),
    (
        "essay.odt",
        _zip({"mimetype": files.ODT.encode(), "content.xml": b"<office:document/>"}),
        files.ODT,
    ),
    ("notes.txt", "Привіт! Notes with ünïcödé.\n".encode(), files.TEXT),
    ("bom.txt", b"\xef\xbb\xbfText with a byte-order mark", files.TEXT),
    ("no-extension", b"x = 1\ny = 2\n", files.TEXT),
]


@pytest.mark.parametrize(("name", "content", "expected"), ACCEPTED)
def test_accepted_types_are_recognised_by_content(name, content, expected):
    checked = check_upload(upload(name, content, "application/octet-stream"))
    assert checked.content_type == expected
    assert checked.size == len(content)
    # the kept name ends with the kind's extension ("no-extension" is offered as text)
    assert checked.original_name == (name if "." in name else name + ".txt")


REFUSED = [
    ("essay.pdf", b"<!DOCTYPE html><html><body>not a pdf</body></html>"),
    ("essay.pdf", b"  <html><script>alert(1)</script></html>"),
    ("notes.txt", b"Hello <SCRIPT src=//evil></SCRIPT>"),
    ("page.txt", b"\n<!doctype HTML>\n<p>hi</p>"),
    ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
    ("binary.txt", b"\x00\x01\x02\x03garbage\xff\xfe"),
    ("latin1.txt", "café".encode("latin-1")),
    ("archive.zip", _zip({"a.txt": b"hello"})),
    ("fake.docx", _zip({"[Content_Types].xml": OOXML, "other/part.xml": b"<x/>"})),
    ("fake.odt", _zip({"mimetype": b"application/zip"})),
    ("broken.docx", b"PK\x03\x04 this is not really a zip"),
]


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_other_content_is_refused_whatever_the_name_says(name, content):
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content, "application/pdf"))
    assert caught.value.code == "file_type"
    assert name in caught.value.messages[0]


def test_the_size_limit_is_checked_before_reading(settings):
    settings.UPLOAD_MAX_BYTES = 100
    assert check_upload(upload("ok.txt", b"a" * 100)).size == 100
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("big.pdf", PDF_BYTES + b"a" * 100))
    assert caught.value.code == "too_large"
    assert "100" in caught.value.messages[0]


def test_empty_files_are_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("empty.txt", b""))
    assert caught.value.code == "empty"


def test_every_refusal_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        check_uploads([upload("a.pdf", b"<html>"), upload("ok.txt"), upload("e.txt", b"")])
    assert len(caught.value.messages) == 2


def test_too_many_files_are_refused():
    with pytest.raises(ValidationError) as caught:
        check_uploads([upload(f"{i}.txt") for i in range(files.MAX_FILES_PER_UPLOAD + 1)])
    assert caught.value.code == "too_many"


def test_the_uploaders_path_is_never_kept():
    assert check_upload(upload("../../etc/passwd.txt")).original_name == "passwd.txt"


def test_stored_names_are_generated():
    name = generated_name(files.PDF)
    year = timezone.now().year
    assert re.fullmatch(rf"helprequests/{year}/[0-9a-f]{{32}}\.pdf", name)
    assert generated_name(files.PDF) != name


def test_store_saves_under_the_generated_name(db):
    from django.core.files.storage import default_storage

    checked = check_upload(upload("My secret essay.docx", ACCEPTED[5][1]))
    stored = files.store(checked)
    assert re.fullmatch(r"helprequests/\d{4}/[0-9a-f]{32}\.docx", stored)
    assert "secret" not in stored
    with default_storage.open(stored, "rb") as handle:
        assert handle.read() == ACCEPTED[5][1]
    files.delete_stored([stored])
    assert not default_storage.exists(stored)

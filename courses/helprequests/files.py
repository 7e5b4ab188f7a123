"""Upload policy for help-request files: size limit, type by content, generated names.

The same rules as homework uploads (courses/assignments/files.py), kept here so that the
two apps do not depend on each other:

- at most `settings.UPLOAD_MAX_BYTES` bytes, and not empty;
- the type is decided by the file's content (the `filetype` library and our own checks),
  never by its name or the browser's Content-Type: PDF, PNG, JPEG, GIF, WebP, Office Open
  XML documents (DOCX, XLSX, PPTX: a zip holding the right main part), OpenDocument text
  (ODT), and plain UTF-8 text that is not HTML. A "PDF" that is really HTML is neither a
  PDF by content nor acceptable text, so it is refused;
- stored through the default storage API under `helprequests/<year>/<uuid>.<ext>`; the
  uploader's file name is kept only as data, for the download's name.
"""

from __future__ import annotations

import io
import logging
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

#: How many bytes the type sniffing reads from the start of a file.
SNIFF_BYTES = 8192
#: Most files one form may hand in at once.
MAX_FILES_PER_UPLOAD = 10

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"

#: Content type → the extension the stored file gets.
EXTENSIONS = {
    PDF: ".pdf",
    PNG: ".png",
    JPEG: ".jpg",
    GIF: ".gif",
    WEBP: ".webp",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    ODT: ".odt",
    TEXT: ".txt",
}

#: Types `filetype` recognises by their magic bytes and we accept as they are.
SIMPLE_TYPES = frozenset({PDF, PNG, JPEG, GIF, WEBP})
#: The main part each Office Open XML type must contain.
OOXML_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
#: What makes text HTML (and so refused): checked case-insensitively.
HTML_STARTS = ("<!doctype", "<html")
HTML_ANYWHERE = ("<script",)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, with what its content says it is."""

    upload: object  # an UploadedFile
    content_type: str
    size: int
    original_name: str


def allowed_types_label() -> str:
    """The accepted kinds of file, for help texts and error messages."""
    return _("PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint, OpenDocument text, plain text")


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _zip_type(data: bytes) -> str | None:
    """DOCX / XLSX / PPTX / ODT when the zip holds the right part; None for other zips."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names:
                for part, content_type in OOXML_PARTS.items():
                    if part in names:
                        return content_type
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError):
        return None
    return None


def _text_type(data: bytes) -> str | None:
    """TEXT for UTF-8 text that is not HTML; None otherwise."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lowered = text.lstrip().lower()
    if lowered.startswith(HTML_STARTS) or any(marker in lowered for marker in HTML_ANYWHERE):
        return None
    return TEXT


def sniff_content_type(data: bytes) -> str | None:
    """The accepted content type of `data`, judged by its content alone; None if refused."""
    kind = filetype.guess(data[:SNIFF_BYTES])
    if kind is None:
        return _text_type(data)
    if kind.mime in SIMPLE_TYPES:
        return kind.mime
    if data[:4] == b"PK\x03\x04":
        return _zip_type(data)
    return None


def check_upload(upload) -> CheckedUpload:
    """Check one uploaded file against the policy; ValidationError says why it is refused.

    Reads the file (at most UPLOAD_MAX_BYTES of it: larger files are refused by their size
    before being read).
    """
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = upload.size or 0
    if size <= 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is too large: files may be at most %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    content_type = sniff_content_type(_read_all(upload))
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a file type we accept (%(types)s).")
            % {"name": name, "types": allowed_types_label()},
            code="file_type",
        )
    return CheckedUpload(upload=upload, content_type=content_type, size=size, original_name=name)


def check_uploads(uploads) -> list[CheckedUpload]:
    """Check several files; every refusal is reported at once."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            ngettext(
                "Attach at most %(count)d file at once.",
                "Attach at most %(count)d files at once.",
                MAX_FILES_PER_UPLOAD,
            )
            % {"count": MAX_FILES_PER_UPLOAD},
            code="too_many",
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return checked


def generated_name(content_type: str, *, now=None) -> str:
    """A fresh storage name: helprequests/<year>/<uuid><ext>; nothing of the uploader's."""
    year = (now or timezone.now()).year
    return f"helprequests/{year}/{uuid.uuid4().hex}{EXTENSIONS[content_type]}"


def store(checked: CheckedUpload) -> str:
    """Save a checked upload through the default storage; returns the stored name."""
    checked.upload.seek(0)
    return default_storage.save(generated_name(checked.content_type), checked.upload)


def delete_stored(names) -> None:
    """Remove stored files (used when the database write that needed them failed)."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # storage down: leave it for a sweep, but say so
            logger.warning("could not delete orphaned help-request file %s", name)

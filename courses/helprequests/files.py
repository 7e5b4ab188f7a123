"""Help-request files: the school's upload policy (`courses.uploads`), how many files one
form may carry, and where they are stored.

- the policy: at most `settings.UPLOAD_MAX_BYTES` bytes and not empty; the type decided
  by the file's content, never by its name or the browser's Content-Type (a "PDF" that is
  really HTML is refused); the same rules as work handed in with an assignment;
- stored through the default storage API under `helprequests/<year>/<uuid>.<ext>`; the
  uploader's file name is kept only as data, for the download's name.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import ngettext

from courses import uploads as policy

logger = logging.getLogger(__name__)

#: Most files one form may hand in at once.
MAX_FILES_PER_UPLOAD = 10

PDF = policy.PDF.content_type
PNG = policy.PNG.content_type
JPEG = policy.JPEG.content_type
GIF = policy.GIF.content_type
WEBP = policy.WEBP.content_type
DOCX = policy.DOCX.content_type
XLSX = policy.XLSX.content_type
PPTX = policy.PPTX.content_type
ODT = policy.ODT.content_type
TEXT = policy.TEXT.content_type

#: Content type → the extension the stored file gets.
EXTENSIONS = {kind.content_type: kind.extension for kind in policy.ACCEPTED_KINDS}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, with what its content says it is."""

    upload: object  # an UploadedFile
    content_type: str
    size: int
    original_name: str


def allowed_types_label() -> str:
    """The accepted kinds of file, for help texts and error messages."""
    return policy.accepted_kinds_text()


def check_upload(upload) -> CheckedUpload:
    """Check one uploaded file against the policy; ValidationError (code "empty",
    "too_large" or "file_type") says why it is refused."""
    try:
        checked = policy.check_upload(upload)
    except ValidationError as error:
        (refusal,) = error.error_dict["files"]
        raise ValidationError(refusal.message, code=refusal.code) from None
    return CheckedUpload(
        upload=checked.file,
        content_type=checked.content_type,
        size=checked.size,
        original_name=checked.original_name,
    )


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

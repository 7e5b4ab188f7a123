"""What anyone may upload (work handed in, help-request briefs and deliveries), decided by
the file's content: the school's one upload policy.

The name and the browser's content type are claims; the bytes decide. `check_upload`
sniffs the content with `filetype` and accepts only:

* PDF, PNG, JPEG, GIF and WebP (by their signatures);
* DOCX, XLSX and PPTX, which are zip archives: the archive must hold the
  `[Content_Types].xml` of Office Open XML and the part folder of its kind (`word/`,
  `xl/`, `ppt/`);
* ODT (a zip whose `mimetype` member names an OpenDocument text);
* plain text: valid UTF-8 with no NUL bytes that does not look like a web page (it may
  not start with `<!doctype` or `<html`, nor contain `<script` or `<svg` anywhere).

A file whose name claims one accepted kind while its content is another (a "PDF" that is
really HTML, a ".txt" that is a web page) is refused with a message saying so. Accepted
files are stored under generated names with the extension of the sniffed kind, their kept
display name is made to end with that extension too ("run.bat" accepted as text is offered
back as "run.bat.txt"), and they are served back only as downloads, so neither a browser nor
the desktop ever treats them as a page or a program. Zip archives are judged from their
directory (member count, declared sizes) before anything is unpacked. Every refusal is a
ValidationError on the field "files" with a code: "empty", "too_large" or "file_type".
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Bytes read for sniffing binary signatures.
HEAD_BYTES = 8192

#: Zip archives: at most this many members, and the declared uncompressed total at most
#: this many times UPLOAD_MAX_BYTES (a "zip bomb" is refused without unpacking anything).
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_EXPANSION = 20
#: The ODT `mimetype` member is read only when it declares at most this many bytes.
ZIP_MIMETYPE_MAX_BYTES = 100


@dataclass(frozen=True)
class Kind:
    """One accepted kind of file: its content type, stored extension and display name."""

    content_type: str
    extension: str
    label: object  # a lazy translation


PDF = Kind("application/pdf", ".pdf", gettext_lazy("PDF document"))
PNG = Kind("image/png", ".png", gettext_lazy("PNG image"))
JPEG = Kind("image/jpeg", ".jpg", gettext_lazy("JPEG image"))
GIF = Kind("image/gif", ".gif", gettext_lazy("GIF image"))
WEBP = Kind("image/webp", ".webp", gettext_lazy("WebP image"))
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    gettext_lazy("Word document"),
)
XLSX = Kind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    gettext_lazy("Excel spreadsheet"),
)
PPTX = Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    gettext_lazy("PowerPoint presentation"),
)
ODT = Kind("application/vnd.oasis.opendocument.text", ".odt", gettext_lazy("OpenDocument text"))
TEXT = Kind("text/plain", ".txt", gettext_lazy("plain text"))

ACCEPTED_KINDS = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, TEXT)

#: Kinds recognised by their binary signature (filetype's MIME type → our kind).
_BY_SIGNATURE = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/jpeg": JPEG,
    "image/gif": GIF,
    "image/webp": WEBP,
}

#: Office Open XML kinds: the folder the archive must contain.
_OOXML_PARTS = {DOCX: "word/", XLSX: "xl/", PPTX: "ppt/"}

#: What each extension claims. Text-like extensions not listed here are accepted for text.
_EXTENSION_CLAIMS = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".gif": GIF,
    ".webp": WEBP,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".odt": ODT,
    ".txt": TEXT,
}

#: Names a browser would treat as active content, whatever is inside: never accepted.
_REFUSED_EXTENSIONS = frozenset(
    {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".js", ".mjs", ".xml", ".xsl"}
)

#: Markers that make text a web page (checked lower-cased).
_HTML_STARTS = ("<!doctype", "<html")
_HTML_ANYWHERE = ("<script", "<svg")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: what it really is, and its display name."""

    file: object
    kind: Kind
    original_name: str
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def accepted_kinds_text() -> str:
    """The accepted kinds, for help texts: "PDF document, PNG image, …"."""
    return ", ".join(str(kind.label) for kind in ACCEPTED_KINDS)


def _display_name(name: str) -> str:
    """The student's file name without any folder part, trimmed to fit the column."""
    name = PurePosixPath((name or "").replace("\\", "/")).name.strip() or "file"
    if len(name) > 200:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: 200 - len(suffix)] + suffix
    return name


def _name_for_kind(name: str, kind: Kind) -> str:
    """`name` ending with `kind`'s extension, so a download never keeps an extension the
    content does not have ("homework.vbs" accepted as text becomes "homework.vbs.txt").
    Names whose extension already claims the kind (".jpeg" for JPEG) are kept."""
    if _EXTENSION_CLAIMS.get(PurePosixPath(name).suffix.lower()) is kind:
        return name
    return name + kind.extension


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _zip_kind(upload) -> Kind | None:
    """DOCX/XLSX/PPTX/ODT when the archive really has their structure, else None.

    Only the directory is trusted for sizes: archives with too many members or a declared
    uncompressed total above the cap are refused, and of the content only the first bytes
    of a small `mimetype` member are ever unpacked.
    """
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                return None
            declared_total = sum(member.file_size for member in members)
            if declared_total > ZIP_MAX_EXPANSION * settings.UPLOAD_MAX_BYTES:
                return None
            names = {member.filename for member in members}
            if "[Content_Types].xml" in names:
                for kind, folder in _OOXML_PARTS.items():
                    if any(name.startswith(folder) for name in names):
                        return kind
                return None
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > ZIP_MIMETYPE_MAX_BYTES:
                    return None
                with archive.open("mimetype") as member:
                    declared = member.read(ZIP_MIMETYPE_MAX_BYTES).strip()
                if declared == ODT.content_type.encode():
                    return ODT
            return None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError):
        return None
    finally:
        upload.seek(0)


def _text_kind(data: bytes) -> tuple[Kind | None, str]:
    """(TEXT, "") for acceptable plain text, else (None, reason)."""
    if b"\x00" in data:
        return None, "binary"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "binary"
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(_HTML_STARTS) or any(marker in lowered for marker in _HTML_ANYWHERE):
        return None, "html"
    return TEXT, ""


def sniff(upload) -> tuple[Kind | None, str]:
    """What the content of `upload` is: (kind, "") or (None, "html" | "binary" | "zip")."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    guess = filetype.guess(head) if head else None
    if guess is not None:
        if guess.mime in _BY_SIGNATURE:
            return _BY_SIGNATURE[guess.mime], ""
        if guess.extension in {"zip", "docx", "xlsx", "pptx", "odt"}:
            kind = _zip_kind(upload)
            return (kind, "") if kind else (None, "zip")
        return None, "binary"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        return (kind, "") if kind else (None, "zip")
    return _text_kind(_read_all(upload))


def _refused(message: str, code: str = "file_type") -> ValidationError:
    return ValidationError({"files": ValidationError(message, code=code)})


def check_upload(upload) -> CheckedUpload:
    """Check one uploaded file by size and content; return what it is, or raise.

    Raises ValidationError (field "files") with a message naming the file for: an empty
    or too large file, a name browsers treat as a web page or script, content of a kind
    not accepted (HTML, executables, archives, …), and content that contradicts the
    name's extension (a "PDF" that is really HTML).
    """
    name = _display_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None:
        size = len(_read_all(upload))
    limit = settings.UPLOAD_MAX_BYTES
    if size == 0:
        raise _refused(_("“%(name)s” is empty.") % {"name": name}, "empty")
    if size > limit:
        raise _refused(
            _("“%(name)s” is too large (%(size)s); the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            "too_large",
        )
    extension = PurePosixPath(name).suffix.lower()
    if extension in _REFUSED_EXTENSIONS:
        raise _refused(
            _("“%(name)s” is a web page or script file; these cannot be uploaded.") % {"name": name}
        )
    kind, reason = sniff(upload)
    claimed = _EXTENSION_CLAIMS.get(extension)
    if kind is None:
        if reason == "html":
            if claimed is not None and claimed is not TEXT:
                message = _(
                    "“%(name)s” is named like a %(claimed)s but its content is a web page "
                    "(HTML); it was refused."
                ) % {"name": name, "claimed": claimed.label}
            else:
                message = _(
                    "“%(name)s” contains a web page (HTML); only plain text is accepted."
                ) % {"name": name}
        else:
            message = _("“%(name)s” is not a kind of file we accept. Accepted: %(kinds)s.") % {
                "name": name,
                "kinds": accepted_kinds_text(),
            }
        raise _refused(message)
    if claimed is not None and claimed != kind:
        raise _refused(
            _(
                "“%(name)s” is named like a %(claimed)s but its content is a %(real)s; "
                "it was refused."
            )
            % {"name": name, "claimed": claimed.label, "real": kind.label}
        )
    upload.seek(0)
    return CheckedUpload(
        file=upload, kind=kind, original_name=_name_for_kind(name, kind), size=size
    )


def download_content_type(content_type: str) -> str:
    """The Content-Type a stored file is served with: its sniffed type if accepted, else
    application/octet-stream; text always as UTF-8 plain text."""
    if content_type == TEXT.content_type:
        return "text/plain; charset=utf-8"
    if content_type in {kind.content_type for kind in ACCEPTED_KINDS}:
        return content_type
    return "application/octet-stream"

"""Uploads handed in with a submission: the school's upload policy (`courses.uploads`)
and how many files one submission may hold."""

from django.conf import settings

from courses.uploads import (
    ACCEPTED_KINDS,
    CheckedUpload,
    accepted_kinds_text,
    check_upload,
    download_content_type,
    sniff,
)

#: How many files one submission may hold (the draft's files included).
MAX_FILES_PER_SUBMISSION = getattr(settings, "ASSIGNMENTS_MAX_FILES", 5)

__all__ = [
    "ACCEPTED_KINDS",
    "MAX_FILES_PER_SUBMISSION",
    "CheckedUpload",
    "accepted_kinds_text",
    "check_upload",
    "download_content_type",
    "sniff",
]

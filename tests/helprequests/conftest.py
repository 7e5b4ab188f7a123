"""Fixtures for help requests: a subject, a helper tutor, and requests in any state."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.helprequests import services
from courses.helprequests.models import HelpRequest
from tests import factories

Status = HelpRequest.Status

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def upload(name="notes.txt", content=b"Plain notes about the task.", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def subject(db):
    return factories.SubjectFactory(name="Mathematics")


@pytest.fixture
def helper(db):
    """A second tutor, assigned as helper in `request_in`."""
    return factories.TutorFactory(email="helper@example.test")


@pytest.fixture
def make_request(subject, student):
    """make_request(by=student, **fields) creates a NEW request through the service."""

    def _make(*, by=None, for_student=None, uploads=(), **fields):
        values = {
            "kind": HelpRequest.Kind.HOMEWORK,
            "subject": subject,
            "title": "Quadratic equations",
            "description": "Exercises 3 to 7 from the worksheet.",
            "deadline": timezone.now() + timedelta(days=2),
        }
        values.update(fields)
        return services.help_request_create(
            by=by or student, student=for_student or student, uploads=list(uploads), **values
        )

    return _make


@pytest.fixture
def request_in(make_request, student, tutor, helper, manager):
    """request_in(status) builds a request and walks it to `status` through the services.

    The manager assigns `tutor` (primary) and `helper`; the student reviews.
    """

    def _walk(status, **fields):
        help_request = make_request(**fields)
        if status == Status.NEW:
            return help_request
        if status == Status.CANCELLED:
            return services.help_request_cancel(help_request=help_request, by=student)
        help_request = services.help_request_assign(
            help_request=help_request, by=manager, primary_tutor=tutor, helpers=[helper]
        )
        if status == Status.ASSIGNED:
            return help_request
        help_request = services.help_request_accept(help_request=help_request, by=tutor)
        if status == Status.ACCEPTED:
            return help_request
        help_request = services.help_request_deliver(
            help_request=help_request, by=tutor, note="Worked solutions attached."
        )
        if status == Status.DELIVERED:
            return help_request
        if status == Status.CHANGES_REQUESTED:
            return services.help_request_ask_changes(
                help_request=help_request, by=student, note="Please explain exercise 5."
            )
        help_request = services.help_request_complete(help_request=help_request, by=student)
        if status == Status.COMPLETED:
            return help_request
        return services.help_request_close(
            help_request=help_request,
            by=manager,
            hours=Decimal("1.5"),
            price=Decimal("45"),
            currency="EUR",
        )

    return _walk

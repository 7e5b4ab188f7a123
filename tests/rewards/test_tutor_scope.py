"""A tutor reads a shared student's rewards history only for their own courses.

Two tutors teach one student: each sees the student's balances and items, but of the
history only what was earned at their own pages; another tutor's lesson titles, quiz
notes and links never reach them. The student's parents and school staff see it all.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.rewards import services
from courses.rewards.models import Reason
from courses.rewards.selectors import _pages_by_key, ledger_page, recent_entries
from courses.services.progress import lesson_complete
from courses.services.sections import tutor_section_ensure
from tests import factories
from tests.courses.learning_world import enroll, make_course

pytestmark = pytest.mark.django_db


def _learn(student, tutor, *, title, note):
    """The student completes a lesson of `tutor`'s and passes a quiz there (with a note)."""
    course, (lesson,) = make_course(tutor_section_ensure(tutor=tutor), title=title)
    enroll(student, course)
    lesson_complete(
        student=student,
        lesson_translation_key=lesson.translation_key,
        course_translation_key=course.translation_key,
    )
    services.points_award(
        student=student,
        amount=4,
        reason=Reason.QUIZ_PASSED,
        idempotency_key=f"quiz:{lesson.translation_key}",
        page_translation_key=lesson.translation_key,
        note=note,
    )
    return lesson


@pytest.fixture
def shared(tutor, student):
    """`student` learns with `tutor` (A) and with a second tutor (B)."""
    tutor_b = factories.ListedTutorFactory(email="tutor-b@example.test")
    factories.TutorStudentFactory(tutor=tutor_b, student=student)
    lesson_a = _learn(student, tutor, title="Secret algebra", note="37 % on the A quiz")
    lesson_b = _learn(student, tutor_b, title="Open geometry", note="91 % on the B quiz")
    return tutor_b, lesson_a, lesson_b


def _page(client, student):
    response = client.get(reverse("rewards:student", kwargs={"pk": student.pk}))
    assert response.status_code == 200
    return response, response.content.decode()


def test_tutor_b_never_sees_tutor_as_titles_notes_or_links(client_for, tutor, student, shared):
    tutor_b, lesson_a, lesson_b = shared
    response, html = _page(client_for(tutor_b), student)
    assert "Secret algebra" not in html
    assert "37 % on the A quiz" not in html
    assert lesson_a.url not in html
    assert "Open geometry lesson 1" in html and "91 % on the B quiz" in html
    assert 'data-testid="ledger-scoped"' in html
    rows = response.context["ledger"].object_list
    assert {row.link_label for row in rows} == {"Open geometry lesson 1"}
    assert response.context["ledger"].paginator.count == 2  # lesson and quiz of B only
    # The balances still count everything the student earned.
    everything = ledger_page(student).paginator.count
    assert everything > 4
    assert response.context["balances"].points == 10 + 4 + 10 + 4


def test_tutor_a_sees_only_their_own_side_too(client_for, tutor, student, shared):
    _tutor_b, _lesson_a, _lesson_b = shared
    _response, html = _page(client_for(tutor), student)
    assert "Secret algebra lesson 1" in html and "37 % on the A quiz" in html
    assert "Open geometry" not in html and "91 % on the B quiz" not in html


def test_parent_and_staff_see_the_whole_history(client_for, parent, manager, student, shared):
    for viewer in (parent, manager):
        _response, html = _page(client_for(viewer), student)
        assert "Secret algebra lesson 1" in html and "Open geometry lesson 1" in html
        assert 'data-testid="ledger-scoped"' not in html


def test_a_tutor_with_nothing_of_theirs_sees_an_empty_history(client_for, student, shared):
    tutor_c = factories.ListedTutorFactory(email="tutor-c@example.test")
    factories.TutorStudentFactory(tutor=tutor_c, student=student)
    response, html = _page(client_for(tutor_c), student)
    assert response.context["ledger"].paginator.count == 0
    assert "No points earned in your courses yet." in html
    assert "Secret algebra" not in html and "Open geometry" not in html


def test_page_titles_are_read_only_within_the_viewers_pages(tutor, student, shared):
    from courses.learning import tutor_page_keys

    tutor_b, lesson_a, lesson_b = shared
    keys = {lesson_a.translation_key, lesson_b.translation_key}
    scoped = _pages_by_key(keys, page_keys=tutor_page_keys(tutor_b))
    assert set(scoped) == {lesson_b.translation_key}
    assert set(_pages_by_key(keys)) == keys
    labels = {row.link_label for row in recent_entries(student, limit=20, viewer=tutor_b)}
    assert labels == {"Open geometry lesson 1"}

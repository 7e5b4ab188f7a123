"""Query budget: an enrolled student's lesson page runs the same number of queries with
5 or 40 blocks, and in a course of 3 or 30 lessons, with a quiz attempt open."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.courses.learning_world import QUIZ_ID, enroll, make_course, quiz_block

#: The pinned count for an enrolled student's lesson page with an attempt open: session,
#: user, the course with the enrolment (one query for the gate, reused by the page),
#: the progress read, attempts, and the page chrome. A change shows up here.
LESSON_PAGE_QUERIES = 21


def body_of(count: int) -> list[dict]:
    """`count` blocks: a quiz and a mix of content blocks that need no media."""
    kinds = [
        lambda n: {"type": "heading", "value": {"text": f"Part {n}", "level": "h2"}},
        lambda n: {"type": "text", "value": {"text": f"<p>Text {n} with <b>bold</b>.</p>"}},
        lambda n: {"type": "callout", "value": {"kind": "tip", "text": f"<p>Tip {n}</p>"}},
        lambda n: {"type": "code", "value": {"language": "python", "code": f"x = {n}"}},
        lambda n: {"type": "math", "value": {"source": f"x^{n}"}},
    ]
    blocks = [{**kinds[n % len(kinds)](n), "id": f"b-{n}"} for n in range(count - 1)]
    return [*blocks, quiz_block()]


def lesson_queries(client, section, student, *, blocks: int, lessons: int, title: str) -> int:
    course, items = make_course(section, lessons=lessons, body=body_of(blocks), title=title)
    enroll(student, course)
    lesson = items[len(items) // 2]
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    client.get(lesson.url)  # first view recorded; caches warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q-q-single"' in html  # the open attempt's form is rendered
    assert html.count('class="quiz-question') == 2
    return len(queries.captured_queries)


@pytest.mark.parametrize(("small", "large"), [((5, 3), (40, 3)), ((5, 3), (5, 30))])
def test_lesson_page_queries_do_not_grow(
    client_for, section, student, django_assert_num_queries, small, large
):
    client = client_for(student)
    baseline = lesson_queries(
        client, section, student, blocks=small[0], lessons=small[1], title="Small"
    )
    assert baseline == LESSON_PAGE_QUERIES
    course, items = make_course(section, lessons=large[1], body=body_of(large[0]), title="Large")
    enroll(student, course)
    lesson = items[len(items) // 2]
    client.post(reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID}))
    client.get(lesson.url)
    with django_assert_num_queries(baseline):
        response = client.get(lesson.url)
    assert response.status_code == 200
    assert response.content.decode().count('class="quiz-question') == 2


def test_first_view_adds_only_the_progress_insert(client_for, section, student):
    """The first visit records the view (an insert and its read-back); later visits read."""
    client = client_for(student)
    course, (lesson,) = make_course(section, body=body_of(5))
    enroll(student, course)
    client.get(course.url)  # warm the site and session caches
    with CaptureQueriesContext(connection) as first:
        client.get(lesson.url)
    with CaptureQueriesContext(connection) as second:
        client.get(lesson.url)
    with CaptureQueriesContext(connection) as third:
        client.get(lesson.url)
    assert len(first.captured_queries) == len(second.captured_queries) + 2
    assert len(second.captured_queries) == len(third.captured_queries)

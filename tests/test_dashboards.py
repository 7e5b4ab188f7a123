"""The dashboards' panels contributed by the apps (people.dashboard), on the site and in the
Wagtail admin, with their scoping and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.services.progress import lesson_complete, lesson_view_record
from courses.services.sections import tutor_section_ensure
from people.dashboard import panels_for
from tests import factories
from tests.courses.learning_world import enroll, make_course

DASHBOARD = reverse("people:dashboard")


@pytest.fixture
def course(tutor):
    course, _lessons = make_course(tutor_section_ensure(tutor=tutor), lessons=2)
    return course


def _complete(student, course, lesson):
    lesson_complete(
        student=student,
        lesson_translation_key=lesson.translation_key,
        course_translation_key=course.translation_key,
    )


def test_student_sees_courses_with_progress_chart_and_unread(client_for, student, course):
    enroll(student, course)
    _complete(student, course, course.get_children().first())
    factories.NotificationFactory(recipient=student, text="Your essay was graded.")
    html = client_for(student).get(DASHBOARD).text
    assert 'data-testid="course-progress"' in html and course.title in html
    assert "<polyline" in html and "50% now." in html
    assert 'data-testid="unread-notifications"' in html and "Your essay was graded." in html


def test_parent_sees_each_childs_courses(client_for, parent, student, other_student, course):
    enroll(student, course)
    html = client_for(parent).get(DASHBOARD).text
    assert course.title in html and student.display_name in html
    other_course, _ = make_course(
        tutor_section_ensure(tutor=factories.ListedTutorFactory()), title="Not my child's"
    )
    enroll(other_student, other_course)
    assert "Not my child&#x27;s" not in client_for(parent).get(DASHBOARD).text


def test_tutor_sees_progress_and_last_activity_in_own_courses_only(
    client_for, tutor, student, other_tutor, course
):
    enroll(student, course)
    lesson = course.get_children().first().specific
    lesson_view_record(
        student=student,
        lesson_translation_key=lesson.translation_key,
        course_translation_key=course.translation_key,
    )
    _complete(student, course, lesson)
    theirs, _ = make_course(tutor_section_ensure(tutor=other_tutor), title="Elsewhere")
    enroll(student, theirs)
    response = client_for(tutor).get(DASHBOARD)
    (link,) = [
        panel for panel in response.context["panels"] if panel["key"] == "courses.tutor_teaching"
    ][0]["data"]["students"]["rows"]
    assert (link.items_completed, link.items_total, link.percent) == (1, 2, 50)
    assert link.last_activity is not None
    html = response.text
    assert 'data-testid="student-activity"' in html and student.display_name in html
    assert "Elsewhere" not in html
    other_html = client_for(other_tutor).get(DASHBOARD).text
    assert course.title not in other_html


def test_tutor_progress_never_passes_100_percent_after_a_lesson_is_unpublished(
    client_for, tutor, student, course
):
    """Completions of a lesson taken offline still count as done, not as more than all."""
    from courses.dashboard import tutor_student_activity

    enroll(student, course)
    first, second = [page.specific for page in course.get_children()]
    _complete(student, course, first)
    _complete(student, course, second)
    second.unpublish()
    (link,) = tutor_student_activity(tutor)["rows"]
    assert (link.items_completed, link.items_total, link.percent) == (1, 1, 100)
    html = client_for(tutor).get(DASHBOARD).text
    assert "100% (1 of 1)" in html and "200%" not in html


def _tutor_dashboard_queries(client, tutor, count: int) -> int:
    for _ in range(count):
        factories.TutorStudentFactory(tutor=tutor, student=factories.StudentFactory())
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_tutor_dashboard_queries_do_not_grow_with_students(client_for, tutor, course):
    client = client_for(tutor)
    small = _tutor_dashboard_queries(client, tutor, 20)
    large = _tutor_dashboard_queries(client, tutor, 180)  # 200 students in all
    assert small == large


def test_staff_see_moderation_and_students_without_tutor(client_for, manager, tutor, course):
    lonely = factories.StudentFactory(first_name="Lonely", last_name="Learner")
    draft = course.get_children().first().specific
    draft.title = "Waiting for a moderator"
    draft.save_revision(user=tutor)
    draft.get_workflow().start(draft, tutor)
    html = client_for(manager).get(DASHBOARD).text
    assert 'data-testid="unassigned"' in html and lonely.display_name in html
    assert 'data-testid="moderation"' in html and 'data-count="moderation">1<' in html
    # The panel names the page by its live title and links to its editor.
    live_title = course.get_children().first().title
    assert live_title in html and reverse("wagtailadmin_pages:edit", args=[draft.pk]) in html


def test_wagtail_admin_home_shows_the_school_overview_to_staff_only(
    client_for, manager, admin_user, tutor
):
    factories.StudentFactory(first_name="Lonely", last_name="Learner")
    for user in (manager, admin_user):
        html = client_for(user).get(reverse("wagtailadmin_home")).text
        assert 'data-testid="school-overview"' in html and "Lonely Learner" in html
    html = client_for(tutor).get(reverse("wagtailadmin_home")).text
    assert 'data-testid="school-overview"' not in html


def test_panels_follow_the_role(student, parent, tutor, manager):
    keys = {
        user.role: {panel["key"] for panel in panels_for(user)}
        for user in (student, parent, tutor, manager)
    }
    assert "courses.student_progress" in keys["student"]
    assert "courses.parent_progress" in keys["parent"]
    assert "courses.tutor_teaching" in keys["tutor"]
    assert "courses.staff_school" in keys["manager"]
    assert "courses.tutor_teaching" not in keys["student"] | keys["parent"] | keys["manager"]


def test_parent_timeline_joins_each_childs_events(client_for, parent, student, tutor, course):
    from courses.models import AttemptStatus, QuizAttempt

    enroll(student, course)
    lesson = course.get_children().first().specific
    _complete(student, course, lesson)
    QuizAttempt.objects.create(
        student=student,
        page_translation_key=lesson.translation_key,
        quiz_block_id="quiz-main",
        revision=lesson.live_revision,
        attempt_number=1,
        status=AttemptStatus.GRADED,
        submitted_at=lesson.last_published_at,
        score=3,
        result={"percent": "75.00", "questions": []},
    )
    response = client_for(parent).get(DASHBOARD)
    html = response.text
    assert 'data-testid="child-timeline"' in html
    assert f"Completed “{lesson.title}”" in html
    assert f"Quiz in “{lesson.title}”: 75%" in html
    detail = client_for(parent).get(reverse("people:student_detail", args=[student.pk])).text
    assert 'data-testid="timeline"' in detail and f"Completed “{lesson.title}”" in detail
    tutor_view = client_for(tutor).get(reverse("people:student_detail", args=[student.pk])).text
    assert 'data-testid="timeline"' not in tutor_view


def test_parent_dashboard_queries_do_not_grow_with_events(client_for, parent, student, course):
    enroll(student, course)
    client = client_for(parent)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD)
    for lesson in course.get_children().specific():
        _complete(student, course, lesson)
    more, _ = make_course(tutor_section_ensure(tutor=factories.ListedTutorFactory()), lessons=5)
    enroll(student, more)
    for lesson in more.get_children().specific():
        _complete(student, more, lesson)
    with CaptureQueriesContext(connection) as after:
        client.get(DASHBOARD)
    assert len(after) == len(before) + 1  # + the completion times of the progress charts


def test_staff_see_todays_lessons(client_for, manager, tutor, student):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from scheduling.models import ScheduledLesson

    start = timezone.now() + timedelta(minutes=30)
    if timezone.localdate(start) != timezone.localdate():
        start = datetime.combine(
            timezone.localdate(), time(23, 0), tzinfo=timezone.get_current_timezone()
        )
    ScheduledLesson.objects.create(
        tutor=tutor, student=student, start=start, end=start + timedelta(minutes=30)
    )
    html = client_for(manager).get(DASHBOARD).text
    assert 'data-testid="todays-lessons"' in html and 'data-count="today">1<' in html
    assert student.display_name in html


# --- timelines: the newest events of EACH child ------------------------------------------


def _two_children(parent):
    """Child A (busy) and child B (quiet), both of `parent`."""
    busy, quiet = factories.StudentFactory(), factories.StudentFactory()
    for child in (busy, quiet):
        factories.GuardianshipFactory(parent=parent, student=child)
    return busy, quiet


def test_a_busy_child_does_not_hide_a_siblings_completions(parent):
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import LessonProgress
    from people.timeline import timeline_for

    busy, quiet = _two_children(parent)
    now = timezone.now()
    course_key = uuid.uuid4()
    for n in range(15):
        LessonProgress.objects.create(
            student=busy,
            lesson_translation_key=uuid.uuid4(),
            course_translation_key=course_key,
            completed_at=now - timedelta(minutes=n),
        )
    LessonProgress.objects.create(
        student=quiet,
        lesson_translation_key=uuid.uuid4(),
        course_translation_key=course_key,
        completed_at=now - timedelta(days=30),
    )
    timeline = timeline_for([busy.pk, quiet.pk], limit=6)
    assert [e.kind for e in timeline[quiet.pk]] == ["progress"]
    assert len(timeline[busy.pk]) == 6
    assert [e.at for e in timeline[busy.pk]] == [now - timedelta(minutes=n) for n in range(6)]


def test_a_busy_child_does_not_hide_a_siblings_assignments(parent, tutor, course):
    from datetime import timedelta

    from django.utils import timezone

    from courses.assignments.models import Assignment
    from people.timeline import timeline_for
    from tests.gradebook.world import make_assignment

    busy, quiet = _two_children(parent)
    lesson = course.get_children().first()
    now = timezone.now()
    for n in range(15):
        make_assignment(
            tutor, busy, lesson, course, title=f"Busy {n}", due_at=now + timedelta(hours=n + 1)
        )
    old = make_assignment(
        tutor, quiet, lesson, course, title="Quiet work", due_at=now + timedelta(days=20)
    )
    Assignment.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=30))
    timeline = timeline_for([busy.pk, quiet.pk], limit=6)
    texts = [e.text for e in timeline[quiet.pk]]
    assert "New work: “Quiet work”" in texts and "“Quiet work” is due" in texts
    assert sum(1 for e in timeline[busy.pk] if e.upcoming) == 6
    assert sum(1 for e in timeline[busy.pk] if not e.upcoming) == 6


def test_a_busy_child_does_not_hide_a_siblings_lessons(parent, tutor):
    from people.timeline import timeline_for
    from scheduling.models import ScheduledLesson
    from tests.scheduling.factories import at, make_lesson

    busy, quiet = _two_children(parent)
    done = ScheduledLesson.Status.COMPLETED
    for n in range(15):
        make_lesson(tutor, busy, start=at(-(n + 1), 10), status=done)
        make_lesson(tutor, busy, start=at(n + 1, 10))
    make_lesson(tutor, quiet, start=at(-40, 12), status=done)
    make_lesson(tutor, quiet, start=at(40, 12))
    timeline = timeline_for([busy.pk, quiet.pk], limit=6)
    quiet_events = timeline[quiet.pk]
    assert [e.upcoming for e in quiet_events] == [True, False]
    busy_upcoming = [e.at for e in timeline[busy.pk] if e.upcoming]
    busy_past = [e.at for e in timeline[busy.pk] if not e.upcoming]
    assert busy_upcoming == [at(n + 1, 10) for n in range(6)]
    assert busy_past == [at(-(n + 1), 10) for n in range(6)]


@pytest.mark.parametrize("events", [1, 12])
def test_the_timeline_runs_the_same_queries_however_many_events(
    parent, tutor, course, events, django_assert_num_queries
):
    """Courses (completions, attempts, titles), assignments (3), lessons (2): eight."""
    from courses.models import LessonProgress
    from people.timeline import timeline_for
    from tests.scheduling.factories import at, make_lesson

    busy, quiet = _two_children(parent)
    lesson = course.get_children().first()
    for child in (busy, quiet):
        LessonProgress.objects.create(
            student=child,
            lesson_translation_key=lesson.translation_key,
            course_translation_key=course.translation_key,
            completed_at=lesson.last_published_at,
        )
        for n in range(events):
            make_lesson(tutor, child, start=at(-(n + 1), 8 + (child == quiet)))
    with django_assert_num_queries(8):
        timeline_for([busy.pk, quiet.pk], limit=6)

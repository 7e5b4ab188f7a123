"""Adaptive rules: evaluated on the server, once per student and rule, on own courses only."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone

from courses.adaptive.forms import RuleForm
from courses.adaptive.models import AdaptiveRule, AdaptiveRuleFiring, RuleTrigger
from courses.adaptive.services import (
    course_item_pages,
    evaluate_quiz_rules,
    rule_create,
    rule_fire,
)
from courses.adaptive.tasks import evaluate_missed_assignments
from courses.assignments.models import Assignment, AssignmentSource
from courses.models import QuizAttempt
from messaging.models import Notification
from tests import factories
from tests.courses.factories import TaskPageFactory
from tests.courses.learning_world import QUIZ_ID, enroll, make_course, publish
from tests.gradebook.world import graded_attempt, make_assignment

RIGHT = {"q-q-single": "1", "q-q-short": "chlorophyll"}
WRONG = {"q-q-single": "0", "q-q-short": "ink"}
HALF = {"q-q-single": "1", "q-q-short": "ink"}


@pytest.fixture
def world(section, tutor, student):
    course, (quiz_lesson, extra) = make_course(section, lessons=2, title="Fractions")
    task = publish(TaskPageFactory(parent=course, title="Homework 1"))
    enroll(student, course)
    return {"course": course, "quiz_lesson": quiz_lesson, "extra": extra, "task": task}


def quiz_rule(world, tutor, *, threshold=60, active=True) -> AdaptiveRule:
    return rule_create(
        by=tutor,
        course=world["course"],
        trigger=RuleTrigger.QUIZ_BELOW,
        trigger_page=world["quiz_lesson"],
        quiz_block_id=QUIZ_ID,
        threshold_percent=threshold,
        action_page=world["extra"],
        due_in_days=5,
        instructions="Read it again.",
        is_active=active,
    )


def missed_rule(world, tutor) -> AdaptiveRule:
    return rule_create(
        by=tutor,
        course=world["course"],
        trigger=RuleTrigger.ASSIGNMENT_MISSED,
        trigger_page=world["task"],
        action_page=world["extra"],
        due_in_days=3,
    )


def take_quiz(client, lesson, answers) -> QuizAttempt:
    start = reverse("courses:quiz_start", kwargs={"pk": lesson.pk, "block_id": QUIZ_ID})
    assert client.post(start).status_code == 302
    attempt = QuizAttempt.objects.get(status=QuizAttempt.Status.IN_PROGRESS)
    submit = reverse("courses:attempt_submit", kwargs={"pk": attempt.pk})
    assert client.post(submit, answers).status_code == 302
    attempt.refresh_from_db()
    return attempt


# --- quiz_below ---------------------------------------------------------------------------


def test_low_score_assigns_the_page_with_a_reason(client_for, world, tutor, student):
    rule = quiz_rule(world, tutor)
    before = timezone.now()
    take_quiz(client_for(student), world["quiz_lesson"], WRONG)

    firing = AdaptiveRuleFiring.objects.get(rule=rule, student=student)
    assignment = firing.assignment
    assert assignment.source == AssignmentSource.RULE
    assert assignment.page_id == world["extra"].pk
    assert assignment.student == student and assignment.tutor == tutor
    assert assignment.reason == "Scored 0 % on quiz “Check yourself”"
    assert assignment.instructions == "Read it again."
    assert before + timedelta(days=5) <= assignment.due_at <= timezone.now() + timedelta(days=5)
    assert Notification.objects.filter(
        recipient=student, kind=Notification.Kind.ASSIGNMENT_ASSIGNED
    ).exists()


def test_fires_once_when_triggered_twice(client_for, world, tutor, student):
    rule = quiz_rule(world, tutor)
    client = client_for(student)
    take_quiz(client, world["quiz_lesson"], WRONG)
    take_quiz(client, world["quiz_lesson"], HALF)  # 50 %: below 60 again
    assert AdaptiveRuleFiring.objects.filter(rule=rule).count() == 1
    assert Assignment.objects.filter(student=student, source=AssignmentSource.RULE).count() == 1


def test_does_not_fire_at_or_above_threshold(client_for, world, tutor, student):
    quiz_rule(world, tutor, threshold=50)
    take_quiz(client_for(student), world["quiz_lesson"], HALF)  # exactly 50 %
    take_quiz(client_for(student), world["quiz_lesson"], RIGHT)
    assert not AdaptiveRuleFiring.objects.exists()
    assert not Assignment.objects.exists()


def test_inactive_rule_does_nothing(client_for, world, tutor, student):
    quiz_rule(world, tutor, active=False)
    take_quiz(client_for(student), world["quiz_lesson"], WRONG)
    assert not AdaptiveRuleFiring.objects.exists()
    assert not Assignment.objects.exists()


def test_deactivated_rule_stops_firing(client_for, world, tutor, student):
    rule = quiz_rule(world, tutor)
    client = client_for(tutor)
    response = client.post(reverse("adaptive:rule_deactivate", kwargs={"pk": rule.pk}))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active
    take_quiz(client_for(student), world["quiz_lesson"], WRONG)
    assert not AdaptiveRuleFiring.objects.exists()


def test_each_student_gets_their_own_firing(world, tutor, student):
    rule = quiz_rule(world, tutor)
    classmate = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=classmate)
    enroll(classmate, world["course"])
    for pupil in (student, classmate):
        evaluate_quiz_rules(attempt=graded_attempt(pupil, world["quiz_lesson"], score=1))
    assert set(rule.firings.values_list("student_id", flat=True)) == {student.pk, classmate.pk}


def test_rule_fire_is_idempotent_and_a_lost_race_makes_nothing(world, tutor, student):
    rule = quiz_rule(world, tutor)
    first = rule_fire(rule=rule, student=student, reason="low")
    assert first is not None
    assert rule_fire(rule=rule, student=student, reason="low") is None
    assert AdaptiveRuleFiring.objects.count() == 1
    assert Assignment.objects.count() == 1


def test_work_that_cannot_be_assigned_keeps_no_firing(world, tutor):
    rule = quiz_rule(world, tutor)
    stranger = factories.StudentFactory()  # not the tutor's student
    assert rule_fire(rule=rule, student=stranger, reason="low") is None
    assert not AdaptiveRuleFiring.objects.exists()
    assert not Assignment.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_triggers_fire_once(section, tutor, student):
    import threading

    from django.db import close_old_connections

    course, (lesson, extra) = make_course(section, lessons=2)
    enroll(student, course)
    rule = quiz_rule({"course": course, "quiz_lesson": lesson, "extra": extra}, tutor)
    barrier = threading.Barrier(2)
    results = []

    def fire():
        try:
            barrier.wait()
            results.append(rule_fire(rule=rule, student=student, reason="low"))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(1 for r in results if r is not None) == 1
    assert AdaptiveRuleFiring.objects.count() == 1
    assert Assignment.objects.filter(source=AssignmentSource.RULE).count() == 1


# --- assignment_missed --------------------------------------------------------------------


def test_missed_assignment_fires_from_the_job_once(world, tutor, student):
    rule = missed_rule(world, tutor)
    now = timezone.now()
    make_assignment(tutor, student, world["task"], world["course"], due_at=now + timedelta(hours=1))

    assert evaluate_missed_assignments(now=now)["fired"] == 0  # not due yet
    later = now + timedelta(hours=2)
    assert evaluate_missed_assignments(now=later)["fired"] == 1
    assert evaluate_missed_assignments(now=later + timedelta(minutes=15))["fired"] == 0
    firing = AdaptiveRuleFiring.objects.get(rule=rule, student=student)
    assert firing.assignment.page_id == world["extra"].pk
    assert firing.assignment.reason.startswith("Missed “Homework 1”")


def test_the_missed_reason_shows_the_due_date_in_the_students_timezone(world, tutor, student):
    student.timezone = "Pacific/Auckland"  # UTC+13 in November
    student.save(update_fields=["timezone"])
    missed_rule(world, tutor)
    tomorrow = timezone.now() + timedelta(days=1)
    due = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 20, 0, tzinfo=UTC)
    make_assignment(tutor, student, world["task"], world["course"], due_at=due)
    assert evaluate_missed_assignments(now=due + timedelta(hours=1))["fired"] == 1
    reason = AdaptiveRuleFiring.objects.get(student=student).assignment.reason
    local_day = timezone.localtime(due, zoneinfo.ZoneInfo("Pacific/Auckland"))
    assert local_day.date() != due.date()
    assert formats.date_format(local_day, "SHORT_DATE_FORMAT") in reason
    assert formats.date_format(due, "SHORT_DATE_FORMAT") not in reason


def test_submitted_work_is_not_missed(world, tutor, student):
    missed_rule(world, tutor)
    now = timezone.now()
    assignment = make_assignment(
        tutor, student, world["task"], world["course"], due_at=now + timedelta(hours=1)
    )
    submission = assignment.submission
    submission.status = submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.save()
    assert evaluate_missed_assignments(now=now + timedelta(days=1))["fired"] == 0


def test_assignments_due_before_the_rule_existed_do_not_fire(world, tutor, student):
    now = timezone.now()
    make_assignment(tutor, student, world["task"], world["course"], due_at=now - timedelta(days=2))
    missed_rule(world, tutor)
    assert evaluate_missed_assignments(now=now)["fired"] == 0


def test_missed_assignment_schedule_is_installed(db):
    from django_q.models import Schedule

    from courses.adaptive.tasks import SCHEDULE_NAME, TASK_PATH

    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert schedule.func == TASK_PATH and schedule.schedule_type == Schedule.MINUTES


def test_management_command_runs_the_job(world, tutor, student):
    from io import StringIO

    from django.core.management import call_command

    missed_rule(world, tutor)
    past = timezone.now() + timedelta(seconds=2)
    assignment = make_assignment(tutor, student, world["task"], world["course"], due_at=past)
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    AdaptiveRule.objects.update(created_at=timezone.now() - timedelta(days=1))
    out = StringIO()
    call_command("adaptive_evaluate", stdout=out)
    assert "1 rule firing(s)" in out.getvalue()


# --- only own courses and pages -----------------------------------------------------------


def test_service_refuses_another_tutors_course(world, other_tutor):
    with pytest.raises(PermissionDenied):
        rule_create(
            by=other_tutor,
            course=world["course"],
            trigger=RuleTrigger.ASSIGNMENT_MISSED,
            trigger_page=world["task"],
            action_page=world["extra"],
            due_in_days=3,
        )
    assert not AdaptiveRule.objects.exists()


def test_service_refuses_pages_of_another_course(world, tutor, section):
    other_course, (other_lesson,) = make_course(section, title="Other")
    with pytest.raises(ValidationError) as error:
        rule_create(
            by=tutor,
            course=world["course"],
            trigger=RuleTrigger.ASSIGNMENT_MISSED,
            trigger_page=world["task"],
            action_page=other_lesson,
            due_in_days=3,
        )
    assert "action_page" in error.value.message_dict


def test_form_offers_only_the_courses_pages_and_quizzes(world, other_section):
    foreign_course, (foreign_lesson,) = make_course(other_section, title="Foreign")
    form = RuleForm(
        {
            "trigger": RuleTrigger.QUIZ_BELOW,
            "quiz": f"{foreign_lesson.pk}:{QUIZ_ID}",
            "threshold_percent": 50,
            "action_page": str(foreign_lesson.pk),
            "due_in_days": 3,
            "max_points": "10",
        },
        pages=course_item_pages(world["course"]),
    )
    assert not form.is_valid()
    assert "quiz" in form.errors and "action_page" in form.errors
    quiz_values = [value for value, _label in form.fields["quiz"].choices if value]
    assert quiz_values == [f"{world['quiz_lesson'].pk}:{QUIZ_ID}", f"{world['extra'].pk}:{QUIZ_ID}"]


def test_quiz_rule_needs_quiz_and_threshold(world):
    form = RuleForm(
        {
            "trigger": RuleTrigger.QUIZ_BELOW,
            "action_page": str(world["extra"].pk),
            "due_in_days": 3,
            "max_points": "10",
        },
        pages=course_item_pages(world["course"]),
    )
    assert not form.is_valid()
    assert {"quiz", "threshold_percent"} <= set(form.errors)


# --- pages ----------------------------------------------------------------------------------


def test_tutor_creates_a_rule_through_the_form(client_for, world, tutor):
    client = client_for(tutor)
    url = reverse("adaptive:rule_create", kwargs={"pk": world["course"].pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "trigger": RuleTrigger.QUIZ_BELOW,
            "quiz": f"{world['quiz_lesson'].pk}:{QUIZ_ID}",
            "threshold_percent": "40",
            "action_page": str(world["extra"].pk),
            "due_in_days": "4",
            "max_points": "12.5",
            "instructions": "Again, slowly.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = AdaptiveRule.objects.get()
    assert (rule.tutor, rule.quiz_block_id, rule.threshold_percent) == (tutor, QUIZ_ID, 40)
    assert rule.quiz_title == "Check yourself"
    assert rule.max_points == Decimal("12.5")
    assert rule.course_translation_key == world["course"].translation_key
    listing = client.get(reverse("adaptive:rules")).content.decode()
    assert "Check yourself" in listing


def test_bad_form_is_400_and_saves_nothing(client_for, world, tutor):
    url = reverse("adaptive:rule_create", kwargs={"pk": world["course"].pk})
    response = client_for(tutor).post(url, {"trigger": RuleTrigger.ASSIGNMENT_MISSED})
    assert response.status_code == 400
    assert not AdaptiveRule.objects.exists()


def test_tutor_edits_own_rule(client_for, world, tutor):
    rule = quiz_rule(world, tutor)
    client = client_for(tutor)
    url = reverse("adaptive:rule_edit", kwargs={"pk": rule.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "trigger": RuleTrigger.ASSIGNMENT_MISSED,
            "trigger_page": str(world["task"].pk),
            "action_page": str(world["quiz_lesson"].pk),
            "due_in_days": "2",
            "max_points": "5",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.trigger == RuleTrigger.ASSIGNMENT_MISSED and rule.quiz_block_id == ""
    assert rule.threshold_percent is None and not rule.is_active


def test_another_tutor_cannot_see_or_change_the_rule(client_for, world, tutor, other_tutor):
    rule = quiz_rule(world, tutor)
    client = client_for(other_tutor)
    assert client.get(reverse("adaptive:rule_edit", kwargs={"pk": rule.pk})).status_code == 404
    assert client.post(reverse("adaptive:rule_edit", kwargs={"pk": rule.pk})).status_code == 404
    deactivate = reverse("adaptive:rule_deactivate", kwargs={"pk": rule.pk})
    assert client.post(deactivate).status_code == 404
    create = reverse("adaptive:rule_create", kwargs={"pk": world["course"].pk})
    assert client.get(create).status_code == 404
    firings = client.get(reverse("adaptive:firings"), {"rule": rule.pk})
    assert firings.status_code == 404
    assert "Check yourself" not in client.get(reverse("adaptive:rules")).content.decode()
    rule.refresh_from_db()
    assert rule.is_active


def test_firings_list(client_for, world, tutor, student):
    rule = quiz_rule(world, tutor)
    rule_fire(rule=rule, student=student, reason="Scored 10 % on quiz “Check yourself”")
    response = client_for(tutor).get(reverse("adaptive:firings"), {"rule": rule.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert student.get_full_name() in html and "Scored 10 %" in html


@pytest.mark.parametrize("size", [2, 20])
def test_rule_and_firing_lists_query_counts(
    client_for, world, tutor, size, django_assert_num_queries
):
    for n in range(size):
        rule = quiz_rule(world, tutor, threshold=10 + n)
        pupil = factories.StudentFactory()
        factories.TutorStudentFactory(tutor=tutor, student=pupil)
        rule_fire(rule=rule, student=pupil, reason="low")
    client = client_for(tutor)
    for name, expected in (
        ("adaptive:rules", RULES_QUERIES),
        ("adaptive:firings", FIRINGS_QUERIES),
    ):
        client.get(reverse(name))
        with django_assert_num_queries(expected):
            assert client.get(reverse(name)).status_code == 200


RULES_QUERIES = 11
FIRINGS_QUERIES = 9

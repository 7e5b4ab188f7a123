"""Parents' alerts: chosen per child or for all children, delivered once as notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from courses.adaptive.alerts import alert_settings_save, send_overdue_alerts
from courses.adaptive.models import AlertSent, ParentAlertSettings
from courses.adaptive.tasks import evaluate_missed_assignments
from courses.assignments.signals import submission_graded
from courses.models import QuizAttempt
from courses.services.progress import lesson_complete
from courses.signals import quiz_attempt_graded
from messaging.models import Notification
from tests import factories
from tests.courses.factories import TaskPageFactory
from tests.courses.learning_world import enroll, make_course, publish
from tests.gradebook.world import grade_assignment, graded_attempt, make_assignment

LOW = Notification.Kind.ALERT_LOW_GRADE
DONE = Notification.Kind.ALERT_COURSE_COMPLETED
OVERDUE = Notification.Kind.ASSIGNMENT_OVERDUE


@pytest.fixture
def world(section, tutor, student):
    course, (lesson1, lesson2) = make_course(section, lessons=2, title="Fractions")
    enroll(student, course)
    return {"course": course, "lessons": (lesson1, lesson2)}


def alerts(parent, kind):
    return list(Notification.objects.filter(recipient=parent, kind=kind))


def choose(parent, student=None, *, below=None, overdue=False, completed=False):
    return alert_settings_save(
        by=parent,
        student=student,
        low_grade_below_percent=below,
        notify_overdue=overdue,
        notify_course_completed=completed,
    )


def grade(attempt: QuizAttempt):
    quiz_attempt_graded.send(sender=QuizAttempt, attempt=attempt)


def test_low_quiz_grade_alerts_the_parent_once(world, parent, student):
    choose(parent, below=60)
    attempt = graded_attempt(student, world["lessons"][0], score=1)  # 25 %
    grade(attempt)
    grade(attempt)  # the same event again
    (alert,) = alerts(parent, LOW)
    assert "25 %" in alert.text and "Fractions lesson 1" in alert.text
    assert alert.link == reverse("courses:attempt_detail", kwargs={"pk": attempt.pk})


def test_no_alert_at_or_above_threshold_or_without_choice(world, parent, student, other_parent):
    choose(parent, below=50)
    grade(graded_attempt(student, world["lessons"][0], score=2))  # 50 %
    assert not alerts(parent, LOW)
    assert not alerts(other_parent, LOW)


def test_child_settings_override_all_children(world, parent, student):
    second = factories.StudentFactory()
    factories.GuardianshipFactory(parent=parent, student=second)
    enroll(second, world["course"])
    choose(parent, below=90)
    choose(parent, student, below=None, overdue=True)  # no grade alerts for this child
    grade(graded_attempt(student, world["lessons"][0], score=1))
    assert not alerts(parent, LOW)
    grade(graded_attempt(second, world["lessons"][0], score=1))
    assert len(alerts(parent, LOW)) == 1


def test_low_assignment_grade_alerts(world, tutor, parent, student):
    choose(parent, below=60)
    assignment = make_assignment(tutor, student, world["lessons"][1], world["course"])
    submission = grade_assignment(assignment, points=3)
    submission_graded.send(sender=type(submission), submission=submission)
    submission_graded.send(sender=type(submission), submission=submission)
    (alert,) = alerts(parent, LOW)
    assert "30 %" in alert.text


def test_a_grade_taken_from_a_quiz_attempt_is_announced_once(world, tutor, parent, student):
    choose(parent, below=60)
    attempt = graded_attempt(student, world["lessons"][1], score=1)
    grade(attempt)
    assignment = make_assignment(tutor, student, world["lessons"][1], world["course"])
    submission = grade_assignment(assignment, points=2.5)
    submission.quiz_attempt = attempt
    submission.save()
    submission_graded.send(sender=type(submission), submission=submission)
    assert len(alerts(parent, LOW)) == 1


def test_course_completed_alert_once_when_every_item_is_done(world, parent, student):
    choose(parent, completed=True)
    course = world["course"]
    lesson1, lesson2 = world["lessons"]
    for lesson in (lesson1,):
        lesson_complete(
            student=student,
            lesson_translation_key=lesson.translation_key,
            course_translation_key=course.translation_key,
        )
    assert not alerts(parent, DONE)
    lesson_complete(
        student=student,
        lesson_translation_key=lesson2.translation_key,
        course_translation_key=course.translation_key,
    )
    (alert,) = alerts(parent, DONE)
    assert "Fractions" in alert.text
    # A lesson added later and completed does not announce the course again.
    extra = publish(TaskPageFactory(parent=course, title="Bonus"))
    lesson_complete(
        student=student,
        lesson_translation_key=extra.translation_key,
        course_translation_key=course.translation_key,
    )
    assert len(alerts(parent, DONE)) == 1


def test_overdue_alert_once_per_assignment(world, tutor, parent, student, other_parent):
    choose(parent, overdue=True)
    now = timezone.now()
    assignment = make_assignment(
        tutor, student, world["lessons"][1], world["course"], due_at=now + timedelta(hours=1)
    )
    assert send_overdue_alerts(now=now) == 0
    later = now + timedelta(hours=2)
    assert evaluate_missed_assignments(now=later)["alerted"] == 1
    assert evaluate_missed_assignments(now=later + timedelta(minutes=15))["alerted"] == 0
    (alert,) = alerts(parent, OVERDUE)
    assert assignment.title in alert.text
    assert not alerts(other_parent, OVERDUE)
    assert AlertSent.objects.filter(recipient=parent, key=f"overdue:{assignment.pk}").exists()


def test_submitted_or_old_work_raises_no_overdue_alert(world, tutor, parent, student):
    choose(parent, overdue=True)
    now = timezone.now()
    old = make_assignment(tutor, student, world["lessons"][0], world["course"], due_at=now)
    assert send_overdue_alerts(now=now + timedelta(days=30)) == 0  # overdue for too long
    old.delete()
    submitted = make_assignment(
        tutor, student, world["lessons"][1], world["course"], due_at=now + timedelta(hours=1)
    )
    submitted.submission.status = submitted.submission.Status.SUBMITTED
    submitted.submission.submitted_at = now
    submitted.submission.save()
    assert send_overdue_alerts(now=now + timedelta(hours=2)) == 0
    assert not alerts(parent, OVERDUE)


def test_only_parents_choose_and_only_for_their_children(parent, other_student, tutor):
    with pytest.raises(PermissionDenied):
        choose(parent, other_student, below=50)
    with pytest.raises(PermissionDenied):
        choose(tutor, below=50)
    assert not ParentAlertSettings.objects.exists()


# --- the settings page ------------------------------------------------------------------------


def test_parent_saves_alerts_for_all_and_for_one_child(client_for, parent, student):
    client = client_for(parent)
    url = reverse("adaptive:alert_settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"low_grade_below_percent": "70", "notify_overdue": "on"})
    assert response.status_code == 302
    everyone = ParentAlertSettings.objects.get(parent=parent, student=None)
    assert (everyone.low_grade_below_percent, everyone.notify_overdue) == (70, True)
    assert not everyone.notify_course_completed

    response = client.post(
        url, {"student": student.pk, "low_grade_below_percent": "", "notify_course_completed": "on"}
    )
    assert response.status_code == 302
    child = ParentAlertSettings.objects.get(parent=parent, student=student)
    assert child.low_grade_below_percent is None and child.notify_course_completed
    page = client.get(url, {"student": student.pk})
    assert page.context["form"].initial["notify_course_completed"] is True


def test_settings_page_refuses_other_children_and_bad_thresholds(client_for, parent, other_student):
    client = client_for(parent)
    url = reverse("adaptive:alert_settings")
    assert client.get(url, {"student": other_student.pk}).status_code == 404
    assert (
        client.post(url, {"student": other_student.pk, "notify_overdue": "on"}).status_code == 404
    )
    assert client.post(url, {"low_grade_below_percent": "150"}).status_code == 400
    assert not ParentAlertSettings.objects.exists()


def test_settings_page_is_for_parents_only(client_for, student, tutor):
    url = reverse("adaptive:alert_settings")
    assert client_for(student).get(url).status_code == 403
    assert client_for(tutor).get(url).status_code == 403

"""seed_scheduling: a realistic month per tutor, through the services, and idempotent."""

from collections import Counter

import pytest
from django.utils import timezone

from scheduling.demo import seed_scheduling
from scheduling.models import (
    Availability,
    LessonChange,
    ScheduledLesson,
    SchedulePolicy,
)
from tests import factories

pytestmark = pytest.mark.django_db

Status = ScheduledLesson.Status


class Report:
    def __init__(self):
        self.created = Counter()

    def add(self, what, count=1):
        if count:
            self.created[what] += count


def tenant(tz):
    tutor = factories.ListedTutorFactory(timezone=tz)
    students = [factories.StudentFactory(timezone=tz) for _ in range(3)]
    classroom = factories.ClassroomFactory(tutor=tutor)
    for student in students:
        factories.TutorStudentFactory(tutor=tutor, student=student)
        factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    return tutor, students, classroom


def test_a_month_of_lessons_once():
    anna, anna_students, anna_class = tenant("Europe/Kyiv")
    ben, ben_students, ben_class = tenant("Europe/London")
    args = {
        "students_by_tutor": {anna: anna_students, ben: ben_students},
        "classrooms_by_tutor": {anna: anna_class, ben: ben_class},
    }
    report = Report()
    seed_scheduling(**args, report=report)
    now = timezone.now()
    for tutor in (anna, ben):
        lessons = ScheduledLesson.objects.filter(tutor=tutor)
        statuses = Counter(lessons.values_list("status", flat=True))
        assert statuses[Status.COMPLETED] >= 5
        assert statuses[Status.LATE_CANCELLED] == 1
        assert statuses[Status.NO_SHOW] == 1
        assert statuses[Status.CANCELLED_TUTOR] == 1
        assert lessons.filter(status=Status.SCHEDULED, end__lte=now).count() == 1  # unmarked
        assert lessons.filter(status=Status.SCHEDULED, start__gt=now).count() >= 8
        assert lessons.filter(series__isnull=False).count() == 6
        assert lessons.filter(classroom__isnull=False).count() == 1
        assert Availability.objects.filter(tutor=tutor).count() == 10
        assert LessonChange.objects.filter(lesson__tutor=tutor).exists()
    assert ScheduledLesson.objects.filter(tutor=anna, status=Status.REQUESTED).count() == 1
    assert SchedulePolicy.objects.get(tutor=anna).cancel_cutoff_hours == 2
    assert SchedulePolicy.objects.get(tutor=ben).auto_confirm
    assert report.created["weekly series"] == 2

    total = ScheduledLesson.objects.count()
    again = Report()
    seed_scheduling(**args, report=again)
    assert ScheduledLesson.objects.count() == total
    assert not again.created

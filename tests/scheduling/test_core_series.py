"""Recurring series: DST, bounds, conflicts, this / following / all edits, skipping."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from scheduling.errors import SlotTaken
from scheduling.models import LessonChange, LessonSeries, ScheduledLesson
from scheduling.services.series import occurrence_skip, series_create, series_edit
from tests.scheduling.factories import make_lesson

pytestmark = pytest.mark.django_db
Status = ScheduledLesson.Status
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# "Now" for these tests: well before the series, so no occurrence is in the past.
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def weekly(tutor, student, first_date, zone_name, **kwargs):
    options = {
        "start_time": time(17, 0),
        "duration_minutes": 60,
        "weekdays": [first_date.weekday()],
        "count": 4,
        "timezone_name": zone_name,
    }
    options.update(kwargs)
    return series_create(
        by=tutor, tutor=tutor, student=student, first_date=first_date, now=NOW, **options
    )


def local_times(series, zone):
    return [
        (lesson.start.astimezone(zone).date(), lesson.start.astimezone(zone).time())
        for lesson in series.lessons.order_by("start")
    ]


def test_weekly_lesson_keeps_local_time_across_kyiv_spring_dst(tutor, student):
    # Kyiv moves to summer time on Sunday 28 March 2027.
    series = weekly(tutor, student, date(2027, 3, 15), "Europe/Kyiv")
    assert local_times(series, KYIV) == [
        (date(2027, 3, 15), time(17)),
        (date(2027, 3, 22), time(17)),
        (date(2027, 3, 29), time(17)),
        (date(2027, 4, 5), time(17)),
    ]
    utc_hours = [lesson.start.hour for lesson in series.lessons.order_by("start")]
    assert utc_hours == [15, 15, 14, 14]


def test_weekly_lesson_keeps_local_time_across_new_york_autumn_dst(tutor, student):
    # New York returns to standard time on Sunday 7 November 2027.
    series = weekly(
        tutor, student, date(2027, 10, 25), "America/New_York", count=None, until=date(2027, 11, 15)
    )
    assert [t for _, t in local_times(series, NEW_YORK)] == [time(17)] * 4
    assert [lesson.start.hour for lesson in series.lessons.order_by("start")] == [21, 21, 22, 22]


def test_every_two_weeks_on_two_weekdays_until_a_date(tutor, student):
    series = weekly(
        tutor,
        student,
        date(2027, 3, 1),  # a Monday
        "UTC",
        weekdays=[0, 3],
        interval_weeks=2,
        count=None,
        until=date(2027, 3, 31),
    )
    assert [d for d, _ in local_times(series, zoneinfo.ZoneInfo("UTC"))] == [
        date(2027, 3, 1),
        date(2027, 3, 4),
        date(2027, 3, 15),
        date(2027, 3, 18),
        date(2027, 3, 29),
    ]
    assert all(lesson.series_id == series.pk for lesson in series.lessons.all())


def test_series_bounds_are_validated(tutor, student):
    with pytest.raises(ValidationError):
        weekly(tutor, student, date(2027, 3, 1), "UTC", count=None)  # neither until nor count
    with pytest.raises(ValidationError):
        weekly(tutor, student, date(2027, 3, 1), "UTC", weekdays=[])
    with pytest.raises(ValidationError):
        weekly(tutor, student, date(2027, 3, 1), "Mars/Olympus")
    with pytest.raises(ValidationError):
        weekly(tutor, student, date(2027, 2, 1), "UTC")  # before NOW
    assert not LessonSeries.objects.exists()


def test_one_conflict_refuses_the_whole_series(tutor, student):
    make_lesson(tutor, student, start=datetime(2027, 3, 22, 17, 30, tzinfo=UTC))
    with pytest.raises(SlotTaken):
        weekly(tutor, student, date(2027, 3, 15), "UTC")
    assert not LessonSeries.objects.exists()
    assert ScheduledLesson.objects.count() == 1


def test_edit_this_moves_one_occurrence(tutor, student):
    series = weekly(tutor, student, date(2027, 3, 15), "Europe/Kyiv")
    lessons = list(series.lessons.order_by("start"))
    second = lessons[1]
    new_start = second.start + timedelta(hours=1)
    series_edit(
        by=tutor,
        lesson=second,
        scope="this",
        start=new_start,
        end=new_start + timedelta(hours=1),
        now=NOW,
    )
    starts = [lesson.start for lesson in series.lessons.order_by("start")]
    assert starts == [lessons[0].start, new_start, lessons[2].start, lessons[3].start]


def test_edit_all_keeps_local_time_across_dst(tutor, student):
    series = weekly(tutor, student, date(2027, 3, 15), "Europe/Kyiv")
    first = series.lessons.order_by("start").first()
    # Move to 18:30 Kyiv time, 90 minutes.
    new_start = datetime(2027, 3, 15, 18, 30, tzinfo=KYIV)
    changed = series_edit(
        by=tutor,
        lesson=first,
        scope="all",
        start=new_start,
        end=new_start + timedelta(minutes=90),
        location="Library",
        now=NOW,
    )
    assert len(changed) == 4
    series.refresh_from_db()
    assert series.start_time == time(18, 30) and series.duration_minutes == 90
    assert [t for _, t in local_times(series, KYIV)] == [time(18, 30)] * 4
    assert {lesson.location for lesson in series.lessons.all()} == {"Library"}
    assert all(
        lesson.end - lesson.start == timedelta(minutes=90) for lesson in series.lessons.all()
    )
    assert LessonChange.objects.filter(action=LessonChange.Action.EDITED).count() == 4


def test_edit_all_can_shift_the_weekday_onto_old_slots(tutor, student):
    series = weekly(tutor, student, date(2027, 3, 15), "UTC")
    first = series.lessons.order_by("start").first()
    # One week later: each occurrence moves onto the next one's old slot.
    new_start = first.start + timedelta(days=7)
    series_edit(
        by=tutor,
        lesson=first,
        scope="all",
        start=new_start,
        end=new_start + timedelta(hours=1),
        now=NOW,
    )
    dates = [d for d, _ in local_times(series, zoneinfo.ZoneInfo("UTC"))]
    assert dates == [date(2027, 3, 22), date(2027, 3, 29), date(2027, 4, 5), date(2027, 4, 12)]


def test_edit_following_splits_the_series(tutor, student):
    series = weekly(tutor, student, date(2027, 3, 15), "UTC")
    lessons = list(series.lessons.order_by("start"))
    third = lessons[2]
    new_start = third.start + timedelta(hours=2)
    changed = series_edit(
        by=tutor,
        lesson=third,
        scope="following",
        start=new_start,
        end=new_start + timedelta(hours=1),
        now=NOW,
    )
    assert [lesson.pk for lesson in changed] == [lessons[2].pk, lessons[3].pk]
    series.refresh_from_db()
    assert series.until == date(2027, 3, 28)
    assert [lesson.start.hour for lesson in series.lessons.order_by("start")] == [17, 17]
    new_series = LessonSeries.objects.exclude(pk=series.pk).get()
    assert new_series.start_time == time(19) and new_series.first_date == date(2027, 3, 29)
    assert [lesson.start.hour for lesson in new_series.lessons.order_by("start")] == [19, 19]


def test_series_edit_refuses_an_overlap_and_changes_nothing(tutor, student):
    series = weekly(tutor, student, date(2027, 3, 15), "UTC")
    make_lesson(tutor, student, start=datetime(2027, 3, 29, 19, 0, tzinfo=UTC))
    first = series.lessons.order_by("start").first()
    with pytest.raises(SlotTaken):
        series_edit(
            by=tutor,
            lesson=first,
            scope="all",
            start=first.start + timedelta(hours=2),
            end=first.end + timedelta(hours=2),
            now=NOW,
        )
    assert [lesson.start.hour for lesson in series.lessons.order_by("start")] == [17] * 4
    assert set(series.lessons.values_list("status", flat=True)) == {Status.SCHEDULED}


def test_skip_a_date(tutor, student):
    series = weekly(tutor, student, date(2027, 3, 15), "UTC")
    second = series.lessons.order_by("start")[1]
    occurrence_skip(by=tutor, lesson=second, now=NOW)
    second.refresh_from_db()
    series.refresh_from_db()
    assert (second.status, second.chargeable) == (Status.CANCELLED_TUTOR, False)
    assert series.skipped_dates == ["2027-03-22"]
    assert second.changes.filter(action=LessonChange.Action.SKIPPED).exists()
    assert not second.participants.get().blocking
    with pytest.raises(ValidationError):
        occurrence_skip(by=tutor, lesson=second, now=NOW)


def test_series_edit_refuses_moved_occurrences_that_overlap_each_other(tutor, student):
    series = weekly(tutor, student, date(2027, 3, 15), "UTC")
    lessons = list(series.lessons.order_by("start"))
    # The second occurrence was moved alone onto the first one's day (15:00, not 17:00).
    moved_alone = datetime(2027, 3, 15, 15, 0, tzinfo=UTC)
    series_edit(
        by=tutor,
        lesson=lessons[1],
        scope="this",
        start=moved_alone,
        end=moved_alone + timedelta(hours=1),
        now=NOW,
    )
    # "All" at 12:00 would put both occurrences of 15 March on the same hour.
    new_start = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
    with pytest.raises(SlotTaken) as caught:
        series_edit(
            by=tutor,
            lesson=lessons[0],
            scope="all",
            start=new_start,
            end=new_start + timedelta(hours=1),
            now=NOW,
        )
    assert "each other" in caught.value.messages[0]
    starts = sorted(lesson.start for lesson in series.lessons.all())
    assert starts == [moved_alone, lessons[0].start, lessons[2].start, lessons[3].start]
    assert set(series.lessons.values_list("status", flat=True)) == {Status.SCHEDULED}

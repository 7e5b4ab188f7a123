"""The calendar grid helpers: days bounded by local midnights, DST-correct local times."""

import datetime as dt
from types import SimpleNamespace

from scheduling.calendar import (
    build_days,
    combine_local,
    find_conflicts,
    month_period,
    week_period,
    zone,
)

UTC = dt.UTC
BERLIN = zone("Europe/Berlin")


def fake_lesson(start, minutes=60, tutor_id=1, student_id=2, status="scheduled"):
    return SimpleNamespace(
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        tutor_id=tutor_id,
        student_id=student_id,
        is_blocking=status in ("requested", "scheduled", "completed"),
        participant_ids=[student_id],
    )


def test_week_across_the_autumn_change_is_25_hours_longer_and_keeps_local_times():
    # Clocks go back in Berlin on Sunday 25 October 2026 (03:00 CEST → 02:00 CET).
    period = week_period(dt.date(2026, 10, 21), BERLIN)
    assert period.first == dt.date(2026, 10, 19) and period.last == dt.date(2026, 10, 25)
    assert period.start == dt.datetime(2026, 10, 18, 22, tzinfo=UTC)  # 00:00 CEST
    assert period.end == dt.datetime(2026, 10, 25, 23, tzinfo=UTC)  # 00:00 CET
    assert period.end - period.start == dt.timedelta(days=7, hours=1)
    # A weekly 10:00 lesson: 08:00 UTC in summer time, 09:00 UTC in winter time.
    saturday = fake_lesson(dt.datetime(2026, 10, 24, 8, tzinfo=UTC))
    sunday = fake_lesson(dt.datetime(2026, 10, 25, 9, tzinfo=UTC), student_id=3)
    days = build_days(period, [saturday, sunday], BERLIN, today=dt.date(2026, 10, 21))
    by_date = {day.date: day for day in days}
    assert [e.local_start.strftime("%H:%M") for e in by_date[dt.date(2026, 10, 24)].entries] == [
        "10:00"
    ]
    assert [e.local_start.strftime("%H:%M") for e in by_date[dt.date(2026, 10, 25)].entries] == [
        "10:00"
    ]
    assert by_date[dt.date(2026, 10, 21)].is_today


def test_week_across_the_spring_change_is_an_hour_shorter():
    period = week_period(dt.date(2026, 3, 29), zone("Europe/Kyiv"))
    assert period.end - period.start == dt.timedelta(days=7, hours=-1)


def test_a_lesson_late_in_the_evening_belongs_to_its_local_day():
    # 23:30 UTC on Monday is already Tuesday 01:30 in Kyiv (UTC+2 in winter).
    kyiv = zone("Europe/Kyiv")
    period = week_period(dt.date(2026, 1, 12), kyiv)
    lesson = fake_lesson(dt.datetime(2026, 1, 12, 23, 30, tzinfo=UTC))
    days = build_days(period, [lesson], kyiv, today=dt.date(2026, 1, 1))
    assert [len(d.entries) for d in days] == [0, 1, 0, 0, 0, 0, 0]
    assert days[1].entries[0].local_start.strftime("%H:%M") == "01:30"


def test_combine_local_refuses_the_skipped_hour_and_takes_the_first_repeated_one():
    assert combine_local(dt.date(2026, 3, 29), dt.time(2, 30), BERLIN) is None
    assert combine_local(dt.date(2026, 3, 29), dt.time(3, 30), BERLIN) == dt.datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert combine_local(dt.date(2026, 10, 25), dt.time(2, 30), BERLIN) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_month_period_pads_to_whole_weeks():
    period = month_period(dt.date(2026, 2, 14), UTC)
    assert period.first == dt.date(2026, 1, 26) and period.last == dt.date(2026, 3, 1)
    assert len(period.days) == 35
    assert period.previous == dt.date(2026, 1, 1) and period.next == dt.date(2026, 3, 1)
    december = month_period(dt.date(2026, 12, 31), UTC)
    assert december.next == dt.date(2027, 1, 1)
    days = build_days(december, [], UTC, today=dt.date(2026, 12, 1))
    assert not days[0].in_month and days[1].in_month  # Mon 30 Nov, Tue 1 Dec


def test_conflicts_are_flagged_for_the_same_tutor_or_student_only():
    base = dt.datetime(2026, 5, 4, 10, tzinfo=UTC)
    a = fake_lesson(base, tutor_id=1, student_id=10)
    b = fake_lesson(base + dt.timedelta(minutes=30), tutor_id=1, student_id=11)
    c = fake_lesson(base, tutor_id=2, student_id=12)  # another tutor, another student
    d = fake_lesson(base + dt.timedelta(minutes=15), tutor_id=3, student_id=12)  # c's student
    e = fake_lesson(base + dt.timedelta(hours=1), tutor_id=1, student_id=13)  # touches b only
    cancelled = fake_lesson(base, tutor_id=1, student_id=14, status="cancelled_tutor")
    period = week_period(base.date(), UTC)
    days = build_days(period, [a, b, c, d, e, cancelled], UTC, today=base.date())
    flagged = {id(entry.lesson): entry.has_conflict for day in days for entry in day.entries}
    assert flagged[id(a)] and flagged[id(b)]
    assert flagged[id(c)] and flagged[id(d)]
    assert not flagged[id(cancelled)]
    assert flagged[id(e)] is True  # e overlaps b (10:30–11:30 vs 11:00–12:00)
    entries = [entry for day in days for entry in day.entries]
    find_conflicts([])  # nothing to do
    assert all(entry.local_start.tzinfo is not None for entry in entries)

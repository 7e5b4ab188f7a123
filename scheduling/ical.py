"""The per-user iCal feed, built with the icalendar library.

A calendar application subscribes to `/schedule/ical/<token>.ics`: the token
(CalendarSettings.ical_token) is the only credential, so it is long and random, and
regenerating it revokes the old URL at once (an old token answers 404).

Each lesson is one VEVENT whose UID is stable (`lesson-<id>@<host>`), so a moved lesson
updates the event in place; DTSTART/DTEND are in UTC and the calendar carries
X-WR-TIMEZONE with the viewer's zone for applications that show it; cancelled lessons stay
in the feed with STATUS:CANCELLED so that subscribers remove them from their view.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from .calendar import UTC

#: How far back and ahead the feed reaches.
FEED_PAST = dt.timedelta(days=90)
FEED_FUTURE = dt.timedelta(days=365)
PRODID = "-//Tutorflow//Scheduling//EN"


def _host() -> str:
    base = getattr(settings, "SITE_BASE_URL", "") or "tutorflow.local"
    return base.split("://", 1)[-1].split("/", 1)[0] or "tutorflow.local"


def lesson_uid(lesson) -> str:
    """A UID that never changes for a lesson, whatever is edited."""
    return f"lesson-{lesson.pk}@{_host()}"


def _summary(lesson, viewer) -> str:
    subject = getattr(lesson, "subject", None)
    if viewer.pk == lesson.tutor_id:
        other = lesson.student or lesson.classroom
        other_name = getattr(other, "display_name", None) or str(other or "")
    else:
        other_name = lesson.tutor.display_name
    if subject is not None:
        return gettext("%(subject)s with %(name)s") % {"subject": subject, "name": other_name}
    return gettext("Lesson with %(name)s") % {"name": other_name}


def _is_cancelled(lesson) -> bool:
    return not lesson.is_blocking


def build_feed(viewer, lessons, now: dt.datetime | None = None) -> bytes:
    """The iCalendar document (bytes) of `lessons` as `viewer` sees them."""
    now = now or timezone.now()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", gettext("Tutorflow lessons"))
    cal.add("x-wr-timezone", viewer.timezone or "UTC")
    base = getattr(settings, "SITE_BASE_URL", "")
    for lesson in lessons:
        event = icalendar.Event()
        event.add("uid", lesson_uid(lesson))
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", lesson.start.astimezone(UTC))
        event.add("dtend", lesson.end.astimezone(UTC))
        event.add("summary", _summary(lesson, viewer))
        event.add("last-modified", (lesson.updated_at or now).astimezone(UTC))
        event.add("status", "CANCELLED" if _is_cancelled(lesson) else "CONFIRMED")
        if lesson.status == lesson.Status.REQUESTED:
            event["status"] = icalendar.vText("TENTATIVE")
        location = lesson.meeting_url if lesson.is_online else lesson.location
        if location:
            event.add("location", location)
        if lesson.is_online and lesson.meeting_url:
            event.add("url", lesson.meeting_url)
        elif base:
            event.add("url", base + reverse("scheduling:lesson_detail", args=[lesson.pk]))
        cal.add_component(event)
    return cal.to_ical()

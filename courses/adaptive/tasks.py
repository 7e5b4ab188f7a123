"""Background work of the adaptive app, run by django-q2 (inline in tests).

`evaluate_missed_assignments` is scheduled every 15 minutes by the data migration
`0002_schedule_missed_assignments` (an idempotent `update_or_create` of one named
`Schedule`), and can be run by hand with `manage.py adaptive_evaluate`. It is idempotent:
a rule fires once per student, an alert goes out once per parent and assignment, so a
worker restart or a replayed schedule does no harm.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from .alerts import send_overdue_alerts
from .services import fire_missed_assignment_rules

logger = logging.getLogger(__name__)

#: The dotted path the django-q2 schedule calls.
TASK_PATH = "courses.adaptive.tasks.evaluate_missed_assignments"
SCHEDULE_NAME = "adaptive: missed assignments and overdue alerts"


def evaluate_missed_assignments(now: datetime | None = None) -> dict:
    """Fire assignment_missed rules and send overdue alerts for assignments past due.

    Returns the counts, for the task's result and the command's output.
    """
    now = now or timezone.now()
    fired = fire_missed_assignment_rules(now=now)
    alerted = send_overdue_alerts(now=now)
    if fired or alerted:
        logger.info("missed assignments: %s rule firings, %s overdue alerts", fired, alerted)
    return {"fired": fired, "alerted": alerted}

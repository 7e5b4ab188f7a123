"""Writes of lesson progress: viewed when opened, completed when marked or quiz passed.

Progress is keyed by the lesson's and the course's translation keys, so every
translation of a lesson shares one row per student. Both writes are idempotent and safe
under concurrent requests: the row is inserted with "on conflict do nothing" against the
one-row-per-student-and-lesson constraint, and completion only fills an empty
`completed_at` (the first completion time stands).

Callers check access first (`courses.learning.get_learnable_page_for`); these services
take the verified keys.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from courses.models import LessonProgress
from courses.signals import lesson_completed

logger = logging.getLogger(__name__)


def lesson_view_record(
    *,
    student,
    lesson_translation_key: uuid.UUID,
    course_translation_key: uuid.UUID,
    now: datetime | None = None,
) -> LessonProgress:
    """Record that `student` opened the lesson (first time only) and return its progress.

    One query on every visit after the first (the read); the first visit adds an insert
    that does nothing if another request made the row meanwhile, and reads it back.
    """
    progress = LessonProgress.objects.filter(
        student=student, lesson_translation_key=lesson_translation_key
    ).first()
    if progress is not None:
        return progress
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(
                student=student,
                lesson_translation_key=lesson_translation_key,
                course_translation_key=course_translation_key,
                viewed_at=now or timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    return LessonProgress.objects.get(
        student=student, lesson_translation_key=lesson_translation_key
    )


def lesson_complete(
    *,
    student,
    lesson_translation_key: uuid.UUID,
    course_translation_key: uuid.UUID,
    now: datetime | None = None,
) -> LessonProgress:
    """Mark the lesson completed for `student` (idempotent: the first time stands).

    Used by the "mark as complete" button and when the student passes the lesson's quiz.
    A lesson completed without being opened (a quiz submitted through the API) is
    recorded as viewed at the same time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        LessonProgress.objects.bulk_create(
            [
                LessonProgress(
                    student=student,
                    lesson_translation_key=lesson_translation_key,
                    course_translation_key=course_translation_key,
                    viewed_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        updated = LessonProgress.objects.filter(
            student=student,
            lesson_translation_key=lesson_translation_key,
            completed_at__isnull=True,
        ).update(completed_at=now)
        progress = LessonProgress.objects.get(
            student=student, lesson_translation_key=lesson_translation_key
        )
        if updated:
            lesson_completed.send(
                sender=LessonProgress,
                student=student,
                lesson_translation_key=lesson_translation_key,
                course_translation_key=course_translation_key,
                completed_at=now,
            )
    if updated:
        logger.info("student %s completed lesson %s", student.pk, lesson_translation_key)
    return progress

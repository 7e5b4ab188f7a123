"""Courses writes: tutor sections and their rights (`sections`), moderation (`moderation`)."""

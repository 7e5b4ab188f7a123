"""Fixtures of the gradebook tests: the tutor's section (from the courses fixtures)."""

from tests.courses.conftest import other_section, section  # noqa: F401

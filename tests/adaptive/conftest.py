"""Fixtures of the adaptive tests: the tutor's section (from the courses fixtures)."""

from tests.courses.conftest import other_section, section  # noqa: F401

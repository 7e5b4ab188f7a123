"""Enrolment URLs: self-enrolment, tutors enrolling students and classrooms."""

urlpatterns: list = []

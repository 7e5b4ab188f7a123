"""Homework: assignments, submissions, grading history, adaptive rules and the gradebook."""

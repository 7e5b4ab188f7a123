"""Scheduling: lessons with a time, recurring series, availability and booking, reminders, iCal."""

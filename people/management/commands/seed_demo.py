"""`manage.py seed_demo`: load (or, with --flush, remove) the demo school.

The data and the rules for creating it live in `people.demo`; this command only parses
options and reports. Safe to run again and again: a second run changes nothing.
"""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from people import demo

#: Loggers that report every inline background task at INFO: dozens of lines per seed that
#: would bury the logins this command prints.
CHATTY_LOGGERS = ("django_tasks", "django-q")


@contextmanager
def _quiet_task_logs():
    saved = {name: logging.getLogger(name).level for name in CHATTY_LOGGERS}
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    """Create the demo accounts, links, classrooms, pages and courses, or remove them (--flush)."""

    help = (
        "Create demo data (two tutors as separate tenants, their students, parents, "
        "classrooms, requests, pages, a published course per tutor with enrollments and "
        f"progress) with e-mails @{demo.DEMO_DOMAIN}. Idempotent. "
        "--flush removes only the demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Remove the demo accounts and what hangs off them instead of creating them.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with production settings (the demo password is public).",
        )

    def handle(self, *args, flush=False, allow_production=False, **options):
        if flush:
            self._flush()
            return
        if (settings.SETTINGS_MODULE or "").endswith(".production") and not allow_production:
            raise CommandError(
                "Refusing to seed demo accounts with production settings: their password is "
                "published. Pass --allow-production if this site is not reachable by others."
            )
        try:
            with _quiet_task_logs():
                report = demo.demo_seed()
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(f"Seeding the demo data failed: {exc}") from exc
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Demo data created:"))
            for what, count in report.created.items():
                self.stdout.write(f"  {count:>3}  {what}")
        else:
            self.stdout.write(self.style.SUCCESS("Demo data is already in place; nothing changed."))
        self._print_logins()

    def _print_logins(self):
        rows = demo.demo_logins()
        role_width = max(len(role) for role, _name, _email in rows)
        email_width = max(len(email) for _role, _name, email in rows)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (every account's password is {demo.DEMO_PASSWORD}):")
        self.stdout.write(f"  {'role':<{role_width}}  {'e-mail':<{email_width}}  password")
        for role, name, email in rows:
            self.stdout.write(
                f"  {role:<{role_width}}  {email:<{email_width}}  {demo.DEMO_PASSWORD}  ({name})"
            )
        self.stdout.write("")

    def _flush(self):
        with _quiet_task_logs():
            report = demo.demo_flush()
        if not report.users and not report.subjects_removed and not report.courses:
            self.stdout.write(self.style.SUCCESS("No demo data found; nothing removed."))
            return
        roles = ", ".join(f"{n} {role}" for role, n in sorted(report.users_by_role.items()))
        self.stdout.write(
            self.style.SUCCESS(f"Removed {report.users} demo accounts ({roles or 'none'}).")
        )
        for label, count in sorted(report.cascaded.items()):
            if count:
                self.stdout.write(f"  {count:>3}  {label} (with them)")
        if report.log_entries:
            self.stdout.write(f"  {report.log_entries:>3}  audit-log entries about them")
        if report.courses:
            self.stdout.write("Removed the demo courses:")
            for label, count in sorted(report.courses.items()):
                self.stdout.write(f"  {count:>3}  {label}")
        if report.subjects_removed:
            self.stdout.write(f"Removed demo subjects: {', '.join(report.subjects_removed)}.")
        if report.subjects_kept:
            self.stdout.write(
                f"Kept subjects other tutors teach: {', '.join(report.subjects_kept)}."
            )
        self.stdout.write("Pages (home, About, FAQ) are kept.")

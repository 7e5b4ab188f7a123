"""Run the missed-assignment rules and overdue alerts now (what the schedule runs)."""

from django.core.management.base import BaseCommand

from courses.adaptive.tasks import evaluate_missed_assignments


class Command(BaseCommand):
    help = "Fire assignment_missed adaptive rules and send parents' overdue alerts now."

    def handle(self, *args, **options):
        counts = evaluate_missed_assignments()
        self.stdout.write(
            f"{counts['fired']} rule firing(s), {counts['alerted']} overdue alert(s)."
        )

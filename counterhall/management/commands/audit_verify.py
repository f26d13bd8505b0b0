from django.core.management.base import BaseCommand, CommandError

from counterhall import audit


class Command(BaseCommand):
    help = "Recompute every audit entry digest and the seal chain; fail if anything was altered."

    def handle(self, *args, **options):
        result = audit.verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"audit log verification FAILED: {len(result.problems)} problem(s)")
        self.stdout.write(f"audit log intact: {result.entries} entries, {result.seals} seals")

from django.core.management.base import BaseCommand

from counterhall import audit, demo


class Command(BaseCommand):
    help = (
        "Load the demo hall (汪清县社会保险事业管理局): windows, staff, a few cases and a month of "
        "visits, cases and ratings before today. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-month",
            action="store_true",
            help="leave out the month of history before today (visits, cases, ratings)",
        )

    def handle(self, *args, no_month=False, **options):
        result = demo.seed(month=not no_month)
        # the demo month's entries are backdated (settled): chain and seal them now, as
        # audit_seal would in a few minutes (nothing else writes while the demo is seeded)
        sealed = audit.seal(settle_seconds=0)
        if sealed is not None:
            self.stdout.write(f"Sealed audit entries up to #{sealed.last_entry_id}.")
        hall = result["hall"]
        self.stdout.write(self.style.SUCCESS(f"Demo hall ready: {hall.name} ({hall.code})"))
        self.stdout.write(f"Demo logins (DEMO DATA — password for all: {demo.DEMO_PASSWORD}):")
        for username, full_name, roles, windows in demo.USERS:
            where = ", ".join(f"window {n}" for n in windows) or "-"
            self.stdout.write(
                f"  {username:<10} {full_name:<6} {', '.join(r.value for r in roles):<14} {where}"
            )
        self.stdout.write("Open http://127.0.0.1:8000/ and sign in.")

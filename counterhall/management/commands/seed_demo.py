from django.core.management.base import BaseCommand

from counterhall import demo


class Command(BaseCommand):
    help = "Load the demo hall (汪清县社会保险事业管理局): windows, staff, a few cases. Idempotent."

    def handle(self, *args, **options):
        result = demo.seed()
        hall = result["hall"]
        self.stdout.write(self.style.SUCCESS(f"Demo hall ready: {hall.name} ({hall.code})"))
        self.stdout.write(f"Demo logins (DEMO DATA — password for all: {demo.DEMO_PASSWORD}):")
        for username, full_name, roles, windows in demo.USERS:
            where = ", ".join(f"window {n}" for n in windows) or "-"
            self.stdout.write(
                f"  {username:<10} {full_name:<6} {', '.join(r.value for r in roles):<14} {where}"
            )
        self.stdout.write("Open http://127.0.0.1:8000/ and sign in.")

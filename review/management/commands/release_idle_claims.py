from django.core.management.base import BaseCommand

from review.services import release_idle_claims


class Command(BaseCommand):
    help = "Put review claims left idle longer than the hall's limit back in the queue."

    def add_arguments(self, parser):
        parser.add_argument("--hall", help="hall code (default: every hall)")

    def handle(self, *args, hall=None, **options):
        from counterhall.models import Hall

        hall_id = Hall.objects.get(code=hall).pk if hall else None
        released = release_idle_claims(hall_id=hall_id)
        self.stdout.write(f"released {len(released)} idle claim(s)")

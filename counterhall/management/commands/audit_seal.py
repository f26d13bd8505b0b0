from django.core.management.base import BaseCommand

from counterhall import audit


class Command(BaseCommand):
    help = "Seal settled audit entries into the digest chain (run every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--settle-seconds", type=int, default=300)

    def handle(self, *args, settle_seconds, **options):
        seal = audit.seal(settle_seconds=settle_seconds)
        if seal is None:
            self.stdout.write("nothing to seal")
        else:
            self.stdout.write(
                f"sealed entries #{seal.first_entry_id}–#{seal.last_entry_id} "
                f"({seal.entry_count}): {seal.digest}"
            )

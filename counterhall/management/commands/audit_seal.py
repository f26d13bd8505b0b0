from django.core.management.base import BaseCommand

from counterhall import audit


class Command(BaseCommand):
    help = (
        "Chain and seal settled audit entries and append the seal head to the export file "
        "(run every few minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--settle-seconds", type=int, default=None, help="default AUDIT_SETTLE_SECONDS"
        )

    def handle(self, *args, settle_seconds, **options):
        seal = audit.seal(settle_seconds=settle_seconds)
        if seal is None:
            self.stdout.write("nothing to seal")
        else:
            self.stdout.write(
                f"sealed entries #{seal.first_entry_id}–#{seal.last_entry_id} "
                f"(positions {seal.first_seq}–{seal.last_seq}): {seal.digest}"
            )

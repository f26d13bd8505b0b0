import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from counterhall import audit


class Command(BaseCommand):
    help = (
        "Verify the audit log: entry digests, the chain and the seals (from the last verified "
        "seal on, or everything with --full), and the seal heads in the export file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="verify from the first entry")
        parser.add_argument(
            "--against",
            metavar="FILE",
            help="the export file of seal heads (default: COUNTERHALL_AUDIT_EXPORT if set)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="worker processes for a large verify on PostgreSQL (default: the CPU count)",
        )

    def handle(self, *args, full, against, jobs, **options):
        path = Path(against) if against else audit.export_path()
        if against and not Path(against).exists():
            raise CommandError(f"no export file at {against}")
        if path is not None and not path.exists():
            path = None  # configured but nothing sealed and exported yet
        since = None if full else audit.last_verified_seal()
        started = time.perf_counter()
        result = audit.verify(since=since, against=path, jobs=max(jobs, 1))
        seconds = time.perf_counter() - started
        for problem in result.problems:
            self.stderr.write(problem)
        if result.more:
            self.stderr.write(f"… and {result.more} more problem(s)")
        if not result.ok:
            raise CommandError(
                f"audit log verification FAILED: {len(result.problems) + result.more} "
                f"problem(s); the first: {result.problems[0]}"
            )
        head = result.head
        if head is not None:
            with transaction.atomic():
                audit.record(
                    actor=None,
                    action="audit.verify",
                    target=head,
                    after={
                        "seal": head.pk,
                        "digest": head.digest,
                        "last_seq": head.last_seq,
                        "full": since is None,
                        "entries": result.entries,
                    },
                )
        scope = "full" if since is None else f"from chain position {result.since_seq + 1}"
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(
            f"audit log intact ({scope}): {result.entries} entries, {result.seals} seals, "
            f"{result.unsealed} not sealed yet"
            + (f", checked against {path}" if path else "")
            + f" in {seconds:.2f} s"
            + (f" ({result.segments} segments in {jobs} processes)" if result.segments > 1 else "")
        )

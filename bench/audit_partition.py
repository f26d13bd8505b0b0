"""Benchmark (not a test): what partitioning the audit log by month costs on PostgreSQL.

N entries spread over the last 12 months (real digests, sealed) are written, then timed:
``audit_partition --convert`` (the copy into monthly partitions with the indexes rebuilt,
one transaction holding the table's exclusive lock), ``--detach`` of the oldest month,
``audit.verify()`` over the rest (across the archived gap) and ``verify_archive`` of the
archived month; and a single entry insert's latency before and after the conversion.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \\
          .venv/bin/python bench/audit_partition.py [--entries 120000]

It creates its own database (``<name>_bench_partition``), migrates it and drops it at the
end. It prints the figures; it never fails on speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import create_database, drop_database


def months_back(n: int) -> dt.date:
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    for _ in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def fill(n: int) -> None:
    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    from counterhall import audit
    from counterhall.models import AuditEntry
    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BP", name="基准大厅")
    user = factories.UserFactory(username="bench-reviewer", hall=hall)
    per_month = n // 12
    for back in range(12, 0, -1):
        moment = dt.datetime.combine(
            months_back(back).replace(day=15), dt.time(10), tzinfo=timezone.get_default_timezone()
        )
        with time_machine.travel(moment, tick=True):
            for start in range(0, per_month, 5000):
                AuditEntry.objects.bulk_create(
                    audit._entry(
                        actor=user,
                        action="case.claim",
                        hall=hall,
                        before={"state": "submitted"},
                        after={"state": "in_review", "waited_seconds": 1800 + i},
                    )
                    for i in range(start, min(start + 5000, per_month))
                )
    audit.seal(settle_seconds=-60)


def insert_ms(samples: int = 200) -> float:
    from counterhall import audit

    times = []
    for i in range(samples):
        t0 = time.perf_counter()
        audit.record(actor=None, action="audit.verify", note=f"probe {i}")
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=120_000)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        raise SystemExit("set DATABASE_URL=postgres://… (PostgreSQL only)")
    url = create_database(base, "bench_partition")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ.setdefault("COUNTERHALL_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    from counterhall import audit
    from counterhall import audit_partitions as parts
    from counterhall.models import AuditEntry

    try:
        t0 = time.perf_counter()
        fill(args.entries)
        total = AuditEntry.objects.count()
        print(
            f"{total} entries over 12 months written and sealed in {time.perf_counter() - t0:.1f} s"
        )
        before_ms = insert_ms()
        t0 = time.perf_counter()
        call_command("audit_partition", "--convert", "--create-ahead=3", verbosity=0)
        convert_s = time.perf_counter() - t0
        after_ms = insert_ms()
        audit.seal(settle_seconds=-60)
        oldest = months_back(12)
        t0 = time.perf_counter()
        record = parts.detach(f"{oldest:%Y-%m}")
        detach_s = time.perf_counter() - t0
        audit.seal(settle_seconds=-60)
        t0 = time.perf_counter()
        result = audit.verify()
        verify_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        check = parts.verify_archive(f"{oldest:%Y-%m}")
        archive_s = time.perf_counter() - t0
        print(
            f"convert (copy into {len(parts.partitions())} partitions): {convert_s:.2f} s "
            f"({total / convert_s:,.0f} entries/s)"
        )
        print(f"detach {record['month']} ({record['entries']} entries): {detach_s:.3f} s")
        print(f"verify the rest ({result.entries} entries, ok={result.ok}): {verify_s:.2f} s")
        print(f"verify the archive ({check.entries} entries, ok={check.ok}): {archive_s:.2f} s")
        print(f"one audit.record(): median {before_ms:.2f} ms before, {after_ms:.2f} ms after")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)


if __name__ == "__main__":
    main()

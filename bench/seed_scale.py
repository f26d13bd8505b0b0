"""Benchmark (not a test): how fast ``manage.py seed_scale`` builds a province's data, and
how much room it takes.

1. The generator alone (``counterhall.synthetic`` plus the audit digests and chain links,
   no database writes): CPU seconds per 100,000 cases and per million audit entries.
2. ``seed_scale --halls H --cases N --years Y`` into a database of its own: wall time,
   this process's CPU time, rows per second, and ``pg_total_relation_size`` of the tables
   it fills (and per million cases), with the machine's load average before and after.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \\
          .venv/bin/python bench/seed_scale.py [--halls 20] [--cases 200000] [--years 1]

It creates ``<name>_bench_seed_scale`` next to the database in DATABASE_URL, migrates it,
and drops it at the end unless ``--keep``. It prints the figures; it never fails on speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import create_database, drop_database

TABLES = (
    "counterhall_case",
    "counterhall_visit",
    "counterhall_visit_cases",
    "counterhall_visitrating",
    "counterhall_signature",
    "counterhall_auditentry",
    "counterhall_auditseal",
    "registration_employer",
    "registration_insuredperson",
    "registration_employment",
    "contributions_assessmentbill",
    "contributions_contribution",
)


def generator_only(days: int, halls: int) -> None:
    from django.utils import timezone

    from counterhall import audit, demo, synthetic

    today = timezone.localdate()
    start = today - dt.timedelta(days=days)
    setups = [
        synthetic.HallSetup(
            id=h,
            code="B",
            windows=[
                synthetic.Counter(h * 100 + n, n, n == 9, synthetic.Person(n, f"t{n}"))
                for n in range(1, 10)
            ],
            reviewers=[synthetic.Person(20, "r1"), synthetic.Person(21, "r2")],
            signers={"leader": synthetic.Person(22, "l"), "finance": synthetic.Person(23, "f")},
            guide=synthetic.Person(24, "a"),
            callback=synthetic.Person(24, "a"),
        )
        for h in range(1, halls + 1)
    ]
    generator = synthetic.Generator(
        seed=1,
        now=timezone.now(),
        halls=setups,
        types=demo.business_types(),
        ids=dict.fromkeys(synthetic.TABLES, 1),
        calendar=synthetic.calendar_for(start, today),
    )
    key = audit.audit_key()
    cases = entries = 0
    gen_cpu = digest_cpu = 0.0
    link = audit.GENESIS
    days_list = synthetic.day_range(start, today - dt.timedelta(days=1))
    it = synthetic.batches(generator, days_list)
    while True:
        t = time.process_time()
        batch = next(it, None)
        gen_cpu += time.process_time() - t
        if batch is None:
            break
        t = time.process_time()
        for e in batch.entries:
            pk = e.pop("id")
            row = audit.entry_row(e, key=key)
            link = audit.chain_link(link, pk, row["digest"], key)
        digest_cpu += time.process_time() - t
        cases += len(batch.cases)
        entries += len(batch.entries)
    print(
        f"generator only ({halls} halls × {days} days): {cases:,} cases, {entries:,} entries "
        f"({entries / max(cases, 1):.1f} per case)"
    )
    print(
        f"  history: {gen_cpu:.1f} s CPU = {gen_cpu / cases * 1e5:.1f} s per 100k cases; "
        f"digests and links: {digest_cpu:.1f} s = {digest_cpu / entries * 1e6:.1f} s per "
        "million entries"
    )


def sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
            [list(TABLES)],
        )
        return dict(cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--halls", type=int, default=20)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("seed_scale needs PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ["DATABASE_URL"] = create_database(url, "bench_seed_scale")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        print(f"load average before: {os.getloadavg()}; {os.cpu_count()} CPUs")
        generator_only(days=60, halls=4)
        out = io.StringIO()
        wall, cpu = time.monotonic(), time.process_time()
        call_command("seed_scale", halls=args.halls, cases=args.cases, years=args.years, stdout=out)
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        print(out.getvalue().rstrip())
        from counterhall.models import AuditEntry, Case

        cases, entries = Case.objects.count(), AuditEntry.objects.count()
        print(
            f"seed_scale: {wall:.0f} s wall, {cpu:.0f} s CPU in this process; "
            f"{cases / wall:,.0f} cases/s, {entries / wall:,.0f} entries/s (wall)"
        )
        found = sizes()
        total = sum(found.values())
        for name in TABLES:
            print(f"  {name:<32} {found.get(name, 0) / 2**20:>10,.1f} MiB")
        print(
            f"  total {total / 2**30:.2f} GiB; per million cases "
            f"{total / 2**30 / cases * 1e6:.2f} GiB"
        )
        wall = time.monotonic()
        call_command("audit_verify", "--full", stdout=out)
        print(f"audit_verify --full: {time.monotonic() - wall:.0f} s ({entries:,} entries)")
        print(f"load average after: {os.getloadavg()}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(os.environ["DATABASE_URL"])


if __name__ == "__main__":
    main()

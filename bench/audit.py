"""Benchmark (not a test): what the audit log costs and how fast it is verified.

1. Transitions per second through the real services (``review.services.case_claim`` then
   ``case_release`` on submitted cases: lock, guard, permission, FSM, save, audit entry),
   with auditing on and with a no-op recorder (``audit.record``/``record_many`` replaced),
   single-threaded.
2. ``audit.seal()`` and ``audit.verify()`` over N entries: the full verify (every entry's
   digest, the chain and the seals) with each ``--jobs`` count of worker processes, and an
   incremental one (after the last verified seal, N/100 new entries), in entries per
   second and per client CPU second (the verifying process and its workers); plain
   SHA-256 and HMAC keyed.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \\
          .venv/bin/python bench/audit.py [--cases 500] [--entries 200000] [--jobs 1,2] \\
          [--digests sha256,hmac] [--no-transitions]

It creates its own database (``<name>_bench_audit`` next to the one in DATABASE_URL),
migrates it, and drops it at the end. It prints the figures; it never fails on speed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import create_database, drop_database


def build():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BA", name="基准大厅")
    window = factories.WindowFactory(hall=hall, number=1)
    teller = factories.UserFactory(username="bench-teller", hall=hall, windows=[window])
    teller.groups.add(Group.objects.get(name="teller"))
    reviewer = factories.UserFactory(username="bench-reviewer", hall=hall)
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    return hall, window, teller, reviewer


def submitted_cases(n: int, *, hall, window, teller, run: str) -> list[int]:
    from django.utils import timezone

    from counterhall.models import BusinessType, Case, CaseState, DocumentStatus

    bt = BusinessType.objects.get(code="REG01")
    docs = {d.code: {"status": DocumentStatus.RECEIVED} for d in bt.documents.all()}
    now = timezone.now()
    rows = [
        Case(
            number=f"BA-{run}-{i:06d}",
            hall=hall,
            window=window,
            business_type=bt,
            teller=teller,
            state=CaseState.SUBMITTED,
            applicant_name=f"办事人{i}",
            payload={},
            documents=docs,
            submitted_at=now - dt.timedelta(minutes=30, seconds=i),
        )
        for i in range(n)
    ]
    return [c.pk for c in Case.objects.bulk_create(rows, batch_size=1000)]


def noop(*args, **kwargs):
    return None


def transitions(ids, reviewer) -> float:
    """Transitions per second: claim and release each case (two transitions)."""
    from counterhall.models import CaseState
    from review import services

    t0 = time.perf_counter()
    for pk in ids:
        services.case_claim(actor=reviewer, case_id=pk, seen_state=CaseState.SUBMITTED)
        services.case_release(actor=reviewer, case_id=pk, seen_state=CaseState.IN_REVIEW)
    return 2 * len(ids) / (time.perf_counter() - t0)


def fill_log(n: int, *, reviewer, hall) -> None:
    """n entries like a claim's (bulk, through ``audit._entry`` so digests are real)."""
    from counterhall import audit
    from counterhall.models import AuditEntry

    batch = 5000
    for start in range(0, n, batch):
        entries = [
            audit._entry(
                actor=reviewer,
                action="case.claim",
                hall=hall,
                before={"state": "submitted"},
                after={"state": "in_review", "waited_seconds": 1800 + i, "reviewer": "审核员"},
                note="",
            )
            for i in range(start, min(start + batch, n))
        ]
        AuditEntry.objects.bulk_create(entries)


def verify_rates(n: int, *, reviewer, hall, jobs: list[int]) -> dict:
    from django.db import connection

    from counterhall import audit
    from counterhall.models import AuditEntry

    fill_log(n, reviewer=reviewer, hall=hall)
    total = AuditEntry.objects.count()
    t0 = time.perf_counter()
    audit.seal(settle_seconds=-60)
    seal_s = time.perf_counter() - t0
    with connection.cursor() as cursor:  # as autovacuum would after a bulk load
        cursor.execute("ANALYZE counterhall_auditentry")
    full = {}
    for j in jobs:
        load = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        result = audit.verify(jobs=j)
        seconds, parent_cpu = time.perf_counter() - t0, time.process_time() - c0
        if not result.ok:
            raise SystemExit(f"verify failed: {result.problems[:3]}")
        # the workers' CPU (their scans, reading included) when there were any
        cpu = parent_cpu + (result.worker_cpu if result.segments > 1 else 0)
        full[j] = (result.entries / seconds, seconds, result.entries / cpu, result.segments, load)
    since = result.head
    fill_log(max(n // 100, 1), reviewer=reviewer, hall=hall)
    audit.seal(settle_seconds=-60)
    t0 = time.perf_counter()
    inc = audit.verify(since=since)
    inc_s = time.perf_counter() - t0
    if not inc.ok:
        raise SystemExit(f"incremental verify failed: {inc.problems[:3]}")
    return {
        "total": total,
        "seal": n / seal_s,
        "full": full,
        "inc_entries": inc.entries,
        "inc_s": inc_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=500, help="cases claimed and released")
    parser.add_argument("--entries", type=int, default=200_000, help="entries to verify")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; median shown")
    parser.add_argument(
        "--jobs", default=f"1,{os.cpu_count() or 1}", help="worker processes of the full verify"
    )
    parser.add_argument("--digests", default="sha256,hmac", help="sha256, hmac or both")
    parser.add_argument(
        "--no-transitions", action="store_true", help="measure the seal and verify only"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/audit.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    dsn = create_database(url, "bench_audit")
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    try:
        hall, window, teller, reviewer = build()
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"PostgreSQL {connection.pg_version}, load {load}")
        if not args.no_transitions:
            transitions_bench(args, hall=hall, window=window, teller=teller, reviewer=reviewer)
        jobs = [int(j) for j in args.jobs.split(",")]
        print("audit log: entries per second")
        print(
            "  digests  entries  seal (/s)  jobs  segments  full verify (/s)  "
            "(per client CPU s)  full (s)  load"
        )
        for digests in args.digests.split(","):
            keyed = digests == "hmac"
            settings.AUDIT_KEY = "bench-key-" + "k" * 22 if keyed else ""
            r = verify_rates(args.entries, reviewer=reviewer, hall=hall, jobs=jobs)
            for j, (rate, seconds, per_cpu, segments, load) in r["full"].items():
                print(
                    f"  {'HMAC' if keyed else 'SHA-256':7s}  {r['total']:7d}  {r['seal']:9.0f}  "
                    f"{j:4d}  {segments:8d}  {rate:16.0f}  {per_cpu:18.0f}  {seconds:8.2f}  "
                    f"{load:.1f}"
                )
            print(f"  incremental: {r['inc_entries']} entries in {r['inc_s']:.3f} s")
    finally:
        connection.close()
        drop_database(dsn)


def transitions_bench(args, *, hall, window, teller, reviewer) -> None:
    from counterhall import audit

    print(f"transitions per second ({args.cases} cases claimed and released, one thread)")
    transitions(  # warm up
        submitted_cases(20, hall=hall, window=window, teller=teller, run="w"), reviewer
    )
    rates: dict[bool, list[float]] = {False: [], True: []}
    for run in range(2 * args.repeat):  # alternating, so load drifts hit both alike
        patched = bool(run % 2)
        ids = submitted_cases(args.cases, hall=hall, window=window, teller=teller, run=str(run))
        with contextlib.ExitStack() as stack:
            if patched:
                stack.enter_context(mock.patch.object(audit, "record", noop))
                stack.enter_context(mock.patch.object(audit, "record_many", noop))
            rates[patched].append(transitions(ids, reviewer))
    on, off = statistics.median(rates[False]), statistics.median(rates[True])
    print(f"  audit on        {on:8.0f} /s   (runs: {' '.join(f'{r:.0f}' for r in rates[False])})")
    print(f"  no-op recorder  {off:8.0f} /s   (runs: {' '.join(f'{r:.0f}' for r in rates[True])})")
    print(f"  auditing costs {100 * (1 - on / off):.0f} % of the transition rate")


if __name__ == "__main__":
    main()

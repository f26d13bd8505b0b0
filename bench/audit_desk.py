"""Benchmark (not a test): the auditor's desk on a large log.

With N audit entries (one hall, 10 staff, the case actions, 20,000 cases on 6 windows) it
times the desk's reads through ``counterhall.auditlog``: the first page, a page deep in the
log (by keyset cursor), the log filtered by staff member, by action, by window (entries of
the window's cases), by date and by subject (an applicant's name, a label's fragment); and
the CSV export of every entry (seconds, rows per second, peak Python memory by
tracemalloc). It prints PostgreSQL's plan (EXPLAIN ANALYZE)
of the first page and of the filtered pages, so the indexes of migration 0010 can be seen
at work.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \
          .venv/bin/python bench/audit_desk.py [--entries 10000,1000000] [--export 1000000]

It creates its own database (``<name>_bench_audit_desk``), migrates it, fills the log with
one INSERT … SELECT generate_series per size (the rows' digests are not the point here),
and drops it at the end. It prints the figures; it never fails on speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import create_database, drop_database

ACTIONS = [
    "case.open",
    "case.documents",
    "case.application",
    "case.submit",
    "case.claim",
    "case.approve",
    "case.complete",
    "auth.login",
    "person.lookup",
    "case.return",
]
CASES = 20_000
SUBJECT_NAME = "办事人4321"  # one case's applicant
SUBJECT_LABEL = "BA-004321"  # that case's entries' label


def build():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from counterhall.models import BusinessType, Case, CaseState
    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BA", name="基准大厅")
    windows = [factories.WindowFactory(hall=hall, number=n) for n in range(1, 7)]
    staff = []
    for i in range(10):
        user = factories.UserFactory(username=f"bench-{i}", hall=hall, windows=[windows[i % 6]])
        user.groups.add(Group.objects.get(name="teller" if i < 8 else "auditor"))
        staff.append(user)
    bt = BusinessType.objects.get(code="REG01")
    cases = Case.objects.bulk_create(
        [
            Case(
                number=f"BA-{i:06d}",
                hall=hall,
                window=windows[i % 6],
                business_type=bt,
                teller=staff[i % 8],
                state=CaseState.COMPLETED,
                applicant_name=f"办事人{i}",
            )
            for i in range(CASES)
        ],
        batch_size=5000,
    )
    return hall, windows, staff, [c.pk for c in cases]


def fill(total: int, *, hall, staff, case_ids, start: int) -> None:
    """Entries ``start`` … ``total - 1``: one per second back from now, staff and actions
    in turn, each on one of the cases."""
    from django.db import connection

    actors = ",".join(str(u.pk) for u in staff[:8])
    names = ",".join(f"'{u.username}'" for u in staff[:8])
    actions = ",".join(f"'{a}'" for a in ACTIONS)
    first_case = case_ids[0]
    sql = f"""
        INSERT INTO counterhall_auditentry
            (at, actor_id, actor_name, hall_id, action, target_type, target_id, target_label,
             before, after, note, digest, key_id, chain)
        SELECT now() - make_interval(secs => g),
               (ARRAY[{actors}])[1 + g % 8],
               (ARRAY[{names}])[1 + g % 8],
               {hall.pk},
               (ARRAY[{actions}])[1 + g % {len(ACTIONS)}],
               'counterhall.case',
               ({first_case} + g % {CASES})::text,
               'BA-' || lpad((g % {CASES})::text, 6, '0'),
               '{{"state": "draft"}}'::jsonb,
               '{{"state": "submitted"}}'::jsonb,
               '',
               md5(g::text) || md5(g::text), '', ''
        FROM generate_series({start}, {total - 1}) AS g
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute("ANALYZE counterhall_auditentry")


def timed(fn, repeat=5):
    best = None
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def measure(*, auditor, staff, windows) -> dict:
    from counterhall import auditlog

    out = {}
    out["first page"], (_rows, cursor) = timed(lambda: auditlog.audit_log(user=auditor))
    deep = cursor
    for _ in range(20):  # 20 pages in
        _rows, deep = auditlog.audit_log(user=auditor, after=deep)
    out["page 21 (cursor)"], _ = timed(lambda: auditlog.audit_log(user=auditor, after=deep))
    out["staff member"], _ = timed(lambda: auditlog.audit_log(user=auditor, actor=staff[3]))
    out["action"], _ = timed(lambda: auditlog.audit_log(user=auditor, action="case.approve"))
    out["window"], _ = timed(lambda: auditlog.audit_log(user=auditor, window=windows[2]))
    from django.utils import timezone

    day = timezone.localdate() - dt.timedelta(days=1)
    out["one day"], _ = timed(lambda: auditlog.audit_log(user=auditor, date_from=day, date_to=day))
    # a subject: one applicant (her case's entries, one in CASES) and a label's fragment
    out["subject (name)"], _ = timed(
        lambda: auditlog.audit_log(user=auditor, subject=SUBJECT_NAME), repeat=3
    )
    out["subject (label)"], _ = timed(
        lambda: auditlog.audit_log(user=auditor, subject=SUBJECT_LABEL), repeat=3
    )
    return out


def explain(*, auditor, staff, windows) -> None:
    from counterhall import auditlog

    base = auditlog.entries_visible_to(auditor).order_by("-at", "-pk")
    plans = {
        "first page": base,
        "staff member": auditlog.filter_entries(base, actor=staff[3]),
        "action": auditlog.filter_entries(base, action="case.approve"),
        "window": auditlog.filter_entries(base, window=windows[2]),
        "subject (name)": auditlog.filter_entries(base, subject=SUBJECT_NAME, user=auditor),
    }
    for name, qs in plans.items():
        print(f"\n-- EXPLAIN ANALYZE: {name}")
        print(qs[: auditlog.LOG_PAGE + 1].explain(analyze=True, buffers=True))


def export(*, auditor) -> dict:
    from counterhall import auditlog

    entries = auditlog.entries_visible_to(auditor)
    tracemalloc.start()
    t0 = time.perf_counter()
    size = rows = 0
    for chunk in auditlog.iter_chunks(auditlog.csv_rows(entries)):
        size += len(chunk)
        rows += 1
    elapsed = time.perf_counter() - t0
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": rows - 1, "seconds": elapsed, "bytes": size, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", default="10000,1000000", help="log sizes, comma-separated")
    parser.add_argument("--export", type=int, default=1_000_000, help="export at this size")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/audit_desk.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    dsn = create_database(url, "bench_audit_desk")
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.db import connection

    try:
        hall, windows, staff, case_ids = build()
        auditor = staff[9]
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"PostgreSQL {connection.pg_version}; load average {load}")
        done = 0
        for total in sorted(int(n) for n in args.entries.split(",")):
            t0 = time.perf_counter()
            fill(total, hall=hall, staff=staff, case_ids=case_ids, start=done)
            done = total
            print(f"\n== {total:,} entries (filled in {time.perf_counter() - t0:.1f} s)")
            for name, seconds in measure(auditor=auditor, staff=staff, windows=windows).items():
                print(f"  {name:<18} {seconds * 1000:8.2f} ms")
            if total == args.export:
                e = export(auditor=auditor)
                print(
                    f"  CSV export: {e['rows']:,} rows, {e['bytes'] / 1e6:.0f} MB in "
                    f"{e['seconds']:.1f} s ({e['rows'] / e['seconds']:,.0f} rows/s), "
                    f"peak Python memory {e['peak'] / 1e6:.1f} MB"
                )
            if not args.no_explain and total == max(int(n) for n in args.entries.split(",")):
                explain(auditor=auditor, staff=staff, windows=windows)
    finally:
        connection.close()
        drop_database(dsn)


if __name__ == "__main__":
    main()

"""Benchmark (not a test): the efficiency pages (服务效能) of a busy hall.

It writes DAYS hall days of a busy hall — per working day CASES cases, each with its served
visit and five audit entries (open, submit, claim, approve, complete), plus no-shows — rolls
the past days up (``metrics.rollup``, what the nightly task does), then times, as the hall's
leader through Django's test client (the whole request: view, engine, template):

- the dashboard (/efficiency/) for the last month and for the whole range,
- the before/after table, and its CSV and XLSX exports, for the whole range,

each the best of three, with the number of queries. A busy hall's year is about 200,000
cases and 250,000 visits (``--days 365 --cases 800``); the default is one month of it.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \
          .venv/bin/python bench/efficiency_pages.py [--days 30] [--cases 800]

It creates its own database (``<name>_bench_efficiency``), migrates it, fills it with bulk
INSERTs, and drops it at the end. It prints the figures; it never fails on speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import create_database, drop_database

STEPS = (
    ("case.open", None, "draft", 1),
    ("case.submit", "draft", "submitted", 4),
    ("case.claim", "submitted", "in_review", 6),
    ("case.approve", "in_review", "approved", 9),
    ("case.complete", "approved", "completed", 11),
)


def build(days: int, cases_per_day: int):
    from django.core.management import call_command
    from django.utils import timezone

    from counterhall.models import AuditEntry, BusinessType, Case, Visit
    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BE", name="效能基准大厅")
    windows = [factories.WindowFactory(hall=hall, number=n) for n in range(1, 9)]
    tellers = [
        factories.UserFactory(username=f"bench-t{i}", roles=["teller"], hall=hall, windows=[w])
        for i, w in enumerate(windows)
    ]
    reviewer = factories.UserFactory(username="bench-r", roles=["reviewer"], hall=hall)
    leader = factories.UserFactory(username="bench-l", roles=["leader"], hall=hall)
    types = list(BusinessType.objects.filter(is_special=False).order_by("code")[:8])
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first = today - dt.timedelta(days=days)
    through = Visit.cases.through
    total_cases = total_visits = 0
    day = first
    while day < today:
        if day.weekday() >= 5:
            day += dt.timedelta(days=1)
            continue
        visits, cases = [], []
        for i in range(cases_per_day):
            w = i % len(windows)
            issued = dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz) + dt.timedelta(
                seconds=30 * i
            )
            start = issued + dt.timedelta(minutes=5 + i % 20)
            visits.append(
                Visit(
                    hall=hall,
                    day=day,
                    category="general",
                    number=i + 1,
                    ticket=f"A{i + 1:04d}",
                    status="served",
                    calls=1,
                    issued_at=issued,
                    called_at=start,
                    service_started_at=start,
                    service_ended_at=start + dt.timedelta(minutes=6 + i % 15),
                    window=windows[w],
                    teller=tellers[w],
                )
            )
            cases.append(
                Case(
                    number=f"BE-{day:%Y%m%d}-{i:05d}",
                    hall=hall,
                    window=windows[w],
                    business_type=types[i % len(types)],
                    teller=tellers[w],
                    state="completed",
                    is_immediate=True,
                    created_at=start,
                    completed_at=start + dt.timedelta(minutes=11),
                    closed_at=start + dt.timedelta(minutes=11),
                )
            )
        for j in range(cases_per_day // 4):  # no-shows: a quarter as many
            issued = dt.datetime.combine(day, dt.time(14), tzinfo=tz) + dt.timedelta(minutes=j)
            visits.append(
                Visit(
                    hall=hall,
                    day=day,
                    category="general",
                    number=cases_per_day + j + 1,
                    ticket=f"A{cases_per_day + j + 1:04d}",
                    status="no_show",
                    calls=3,
                    issued_at=issued,
                    called_at=issued + dt.timedelta(minutes=3),
                    window=windows[j % len(windows)],
                    teller=tellers[j % len(windows)],
                )
            )
        Visit.objects.bulk_create(visits, batch_size=2000)
        Case.objects.bulk_create(cases, batch_size=2000)
        through.objects.bulk_create(
            [through(visit_id=v.pk, case_id=c.pk) for v, c in zip(visits, cases, strict=False)],
            batch_size=5000,
        )
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    at=c.created_at + dt.timedelta(minutes=offset - 1),
                    actor=reviewer if action in ("case.claim", "case.approve") else c.teller,
                    actor_name="bench",
                    hall_id=hall.pk,
                    action=action,
                    target_type="counterhall.case",
                    target_id=str(c.pk),
                    target_label=c.number,
                    before={"state": before} if before else None,
                    after={"state": after},
                    digest="bench",
                )
                for c in cases
                for action, before, after, offset in STEPS
            ],
            batch_size=5000,
        )
        total_cases += len(cases)
        total_visits += len(visits)
        day += dt.timedelta(days=1)
    return hall, leader, first, today - dt.timedelta(days=1), total_cases, total_visits


def timed(client, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, queries, size = float("inf"), 0, 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            best = min(best, time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(captured), len(body)
    return best, queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--cases", type=int, default=800, help="cases per working day")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://… (the bench makes its own database next to it)")
    os.environ["DATABASE_URL"] = bench_url = create_database(url, "bench_efficiency")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from counterhall import metrics

    settings.ALLOWED_HOSTS = ["*"]
    try:
        t0 = time.perf_counter()
        hall, leader, first, last, n_cases, n_visits = build(args.days, args.cases)
        print(f"data: {n_cases:,} cases, {n_visits:,} visits, {first} – {last} "
              f"({time.perf_counter() - t0:.0f} s to write)")  # fmt: skip
        t0 = time.perf_counter()
        rows = metrics.rollup(halls=[hall.pk], start=first, end=last)
        print(f"rollup: {rows:,} rows in {time.perf_counter() - t0:.1f} s")
        client = Client()
        client.force_login(leader)
        span = f"period=custom&start={first.isoformat()}&end={last.isoformat()}"
        month = f"period=custom&start={(last - dt.timedelta(days=29)).isoformat()}&end={last}"
        print(f"{'page':<44} {'best of 3':>10} {'queries':>8} {'bytes':>10}")
        for label, page in (
            ("dashboard, last 30 days", f"/efficiency/?{month}"),
            (f"dashboard, all {args.days} days", f"/efficiency/?{span}"),
            (f"before/after, all {args.days} days", f"/efficiency/before-after/?{span}"),
            ("before/after CSV", f"/efficiency/before-after/export.csv?{span}"),
            ("before/after XLSX", f"/efficiency/before-after/export.xlsx?{span}"),
        ):
            seconds, queries, size = timed(client, page)
            print(f"{label:<44} {seconds:>9.3f}s {queries:>8} {size:>10,}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            print(cursor.fetchone()[0].split(",")[0], "· load", os.getloadavg()[0])
    finally:
        connection.close()
        drop_database(bench_url)


if __name__ == "__main__":
    main()

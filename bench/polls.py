"""Benchmark (not a test): what a live fragment's poll costs, unchanged and changed, and
what the poll version's bump costs a write.

One hall with 20,000 cases (the teller's 30 open), 200 cases in the review queue and 300
tickets waiting today. Through Django's whole request stack (middleware, session, auth) on
PostgreSQL, in-process (Django's test client, no network), each polled fragment is
fetched N times with its current version (``X-Counterhall-Version``: the 204 "unchanged")
and N times with a stale one (a full render); it prints the median and p95 milliseconds
and the queries of one request. Then the writes: ``visit_issue`` (a ticket: one audit
entry) M times with the bump and M times with ``polls.bump`` replaced by a no-op.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \\
          .venv/bin/python bench/polls.py [--polls 300] [--writes 500]

It creates its own database (``<name>_bench_polls``), migrates it and drops it at the end.
It prints the figures; it never fails on speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import create_database, drop_database

CASES = 20_000


def build():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from counterhall import visit_services
    from counterhall.models import BusinessType, Case, CaseState, VisitCategory
    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BP", name="基准大厅")
    windows = [factories.WindowFactory(hall=hall, number=n) for n in range(1, 5)]
    teller = factories.UserFactory(username="bench-teller", hall=hall, windows=[windows[0]])
    teller.groups.add(Group.objects.get(name="teller"))
    others = factories.UserFactory(username="bench-teller2", hall=hall, windows=[windows[1]])
    others.groups.add(Group.objects.get(name="teller"))
    reviewer = factories.UserFactory(username="bench-reviewer", hall=hall)
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    guide = factories.UserFactory(username="bench-guide", hall=hall)
    guide.groups.add(Group.objects.get(name="hall_admin"))
    bt = BusinessType.objects.get(code="REG01")

    def state(i):
        if i < 30:
            return CaseState.DRAFT
        if i < 230:
            return CaseState.SUBMITTED
        return CaseState.COMPLETED

    Case.objects.bulk_create(
        [
            Case(
                number=f"BP-{i:06d}",
                hall=hall,
                window=windows[0] if i < 30 else windows[i % 2],
                business_type=bt,
                teller=teller if i < 30 else others,
                state=state(i),
                applicant_name=f"办事人{i}",
            )
            for i in range(CASES)
        ],
        batch_size=5000,
    )
    for _ in range(300):
        visit_services.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
    return hall, teller, reviewer, guide


def timed(client, url, headers, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    status = None
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        status = response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, headers=headers)
    times.sort()
    return (
        statistics.median(times),
        times[int(len(times) * 0.95) - 1],
        len(ctx.captured_queries),
        status,
    )


def measure_polls(hall, teller, reviewer, n):
    import re

    from django.test import Client
    from django.urls import reverse

    from counterhall import polls

    version = re.compile(r'"X-Counterhall-Version": "([^"]*)"')
    staff = Client()
    staff.force_login(teller)
    rev = Client()
    rev.force_login(reviewer)
    screen = Client()
    fragments = [
        ("worklist", staff, reverse("case-worklist")),
        ("call panel", staff, reverse("visit-panel")),
        ("review queue", rev, reverse("review:queue-live")),
        ("hall display", screen, reverse("hall-display", kwargs={"code": hall.code})),
        ("rating tablet", screen, reverse("visit-rate", kwargs={"code": hall.code, "number": 1})),
    ]
    base = {"HX-Request": "true", "X-Counterhall-Poll": "1"}
    print(f"\n== polls ({n} each; ms median / p95; queries of one request)")
    for name, client, url in fragments:
        first = client.get(url, headers=base)
        current = version.search(first.content.decode()).group(1)
        same = {**base, polls.VERSION_HEADER: current}
        stale = {**base, polls.VERSION_HEADER: "stale"}
        u = timed(client, url, same, n)
        c = timed(client, url, stale, n)
        print(
            f"  {name:<14} unchanged {u[0]:6.2f} / {u[1]:6.2f} ms, {u[2]} queries ({u[3]})"
            f"   changed {c[0]:6.2f} / {c[1]:6.2f} ms, {c[2]} queries ({c[3]})"
        )


def measure_writes(hall, guide, m):
    from counterhall import polls, visit_services
    from counterhall.models import VisitCategory

    def run():
        t0 = time.perf_counter()
        for _ in range(m):
            visit_services.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
        return (time.perf_counter() - t0) / m * 1000

    print(f"\n== writes: visit_issue ({m} each, one audit entry)")
    with_bump = run()
    with mock.patch.object(polls, "bump", return_value=None):
        without = run()
    with_again = run()
    print(f"  with the bump    {with_bump:6.2f} ms, again {with_again:6.2f} ms")
    print(f"  without the bump {without:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polls", type=int, default=300)
    parser.add_argument("--writes", type=int, default=500)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/polls.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    dsn = create_database(url, "bench_polls")
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.SECURE_SSL_REDIRECT = False
    try:
        hall, teller, reviewer, guide = build()
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"PostgreSQL {connection.pg_version}; load average {load}; {CASES:,} cases")
        measure_polls(hall, teller, reviewer, args.polls)
        measure_writes(hall, guide, args.writes)
    finally:
        connection.close()
        drop_database(dsn)


if __name__ == "__main__":
    main()

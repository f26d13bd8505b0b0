"""Benchmark (not a test): how long a sign-off batch takes, and in how many queries.

With N cases waiting for sign-off (leader and finance), a leader signs the whole batch
(one case excluded with a reason) through ``review.services.signoff_sign_batch`` — the full
path of the session page's one confirmation: the rows locked at once, each case's guard and
permission checked, one bulk UPDATE per act, the audit entries with their digests in one
INSERT, the signature rows in one INSERT — then finance signs the rest. The page's read
(``review.selectors.signoff_session``) is timed too.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \
          .venv/bin/python bench/signoff.py [--cases 2000] [--repeat 3]

It creates its own database (``<name>_bench_signoff`` next to the one in DATABASE_URL),
migrates it, and drops it at the end. It prints the figures; it never fails on speed.
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


def build():
    """A hall, a teller, a reviewer, a leader and a finance officer."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BS", name="基准大厅")
    window = factories.WindowFactory(hall=hall, number=1)
    users = {}
    for role in ("teller", "reviewer", "leader", "finance"):
        user = factories.UserFactory(
            username=f"bench-{role}", hall=hall, windows=[window] if role == "teller" else []
        )
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return hall, window, users


def fill(n: int, *, hall, window, users, run: int) -> list[int]:
    """n CON04 refunds waiting for leader and finance (created in bulk)."""
    from django.utils import timezone

    from counterhall.models import BusinessType, Case, CaseState, DocumentStatus

    bt = BusinessType.objects.get(code="CON04")
    docs = {d.code: {"status": DocumentStatus.RECEIVED} for d in bt.documents.all()}
    now = timezone.now()
    rows = [
        Case(
            number=f"BS-{run:02d}-{i:06d}",
            hall=hall,
            window=window,
            business_type=bt,
            teller=users["teller"],
            reviewer=users["reviewer"],
            state=CaseState.AWAITING_SIGNOFF,
            applicant_name=f"办事人{i}",
            payload={"amount": "80.00"},
            figures={"summary": [["refund_amount", f"{80 + i % 50}.00"]], "parameters": []},
            documents=docs,
            signoff_roles=["leader", "finance"],
            submitted_at=now - dt.timedelta(hours=2),
            decided_at=now - dt.timedelta(hours=1, seconds=i),
        )
        for i in range(n)
    ]
    return [c.pk for c in Case.objects.bulk_create(rows, batch_size=1000)]


def measure(n: int, *, hall, window, users, run: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from review import selectors, services

    ids = fill(n, hall=hall, window=window, users=users, run=run)
    User = get_user_model()
    leader = User.objects.get(pk=users["leader"].pk)  # fresh: nothing cached
    finance = User.objects.get(pk=users["finance"].pk)
    t0 = time.perf_counter()
    session = selectors.signoff_session(user=leader)
    read = time.perf_counter() - t0
    if len(session.case_ids) != n:
        raise SystemExit(f"the page shows {len(session.case_ids)} of {n} cases")
    with CaptureQueriesContext(connection) as q1:
        t0 = time.perf_counter()
        first = services.signoff_sign_batch(
            actor=leader, case_ids=ids, exclusions={ids[0]: "基准：排除一件"}
        )
        leader_s = time.perf_counter() - t0
    with CaptureQueriesContext(connection) as q2:
        t0 = time.perf_counter()
        second = services.signoff_sign_batch(actor=finance, case_ids=ids[1:])
        finance_s = time.perf_counter() - t0
    if len(first.signed) != n - 1 or len(first.held) != 1 or len(second.signed) != n - 1:
        raise SystemExit(f"the batch does not add up: {first} / {second}")
    return {
        "read": read,
        "leader": leader_s,
        "finance": finance_s,
        "q_leader": len(q1.captured_queries),
        "q_finance": len(q2.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="10,2000", help="batch sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; median shown")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/signoff.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    dsn = create_database(url, "bench_signoff")
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.db import connection

    try:
        hall, window, users = build()
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"PostgreSQL {connection.pg_version}, load {load}")
        print("cases  read page (s)  leader signs (s)  finance signs (s)  queries (leader/finance)")
        run = 0
        for n in (int(x) for x in args.cases.split(",")):
            results = []
            for _ in range(args.repeat):
                run += 1
                results.append(measure(n, hall=hall, window=window, users=users, run=run))
            med = {k: statistics.median(r[k] for r in results) for k in results[0]}
            print(
                f"{n:5d}  {med['read']:13.3f}  {med['leader']:16.3f}  {med['finance']:17.3f}"
                f"  {int(med['q_leader'])}/{int(med['q_finance'])}"
            )
    finally:
        connection.close()
        drop_database(dsn)


if __name__ == "__main__":
    main()

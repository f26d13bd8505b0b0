"""Benchmark (not a test): claims per second from the review queue.

With 10,000 queued cases, N reviewers (1, 4, 16 processes) take next as fast as they can:

- service: ``review.services.case_take_next`` — the full path a reviewer's click takes
  (SKIP LOCKED head, fire() with the claim guard and permission check, the case UPDATE,
  the audit entry with its digest, the guardian ``decide_case`` grant), one transaction;
- raw: a psycopg loop doing the same claim with hand-written SQL on the same database in the
  same run: the same head query with ``FOR UPDATE SKIP LOCKED``, the same UPDATE, the same
  audit row and the same guardian row, one transaction.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \
          .venv/bin/python bench/review_queue.py [--seconds 5] [--cases 10000]
      (with DJANGO_DB_PREPARE=5 the service side binds on the server and prepares its
      statements, as the raw loop's psycopg does; see counterhall/settings.py)

It creates its own database (``<name>_bench_review`` next to the one in DATABASE_URL),
migrates it, and drops it at the end. It prints the figures; it never fails on speed.
Reviewers are processes, not threads, so Python's GIL does not cap the service layer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import create_database, drop_database

CONCURRENCY = (1, 4, 16)


# --------------------------------------------------------------------------- set-up


def build(n_cases: int, n_reviewers: int):
    """A hall, a teller, reviewers, one general business type, and n queued cases."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from counterhall.models import BusinessType, Case, CaseState, DocumentStatus
    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BQ", name="基准大厅")
    window = factories.WindowFactory(hall=hall, number=1)
    teller = factories.UserFactory(username="bench-teller", hall=hall, windows=[window])
    teller.groups.add(Group.objects.get(name="teller"))
    reviewers = []
    for i in range(n_reviewers):
        r = factories.UserFactory(username=f"bench-reviewer-{i}", hall=hall)
        r.groups.add(Group.objects.get(name="reviewer"))
        reviewers.append(r.pk)
    bt = BusinessType.objects.get(code="REG01")
    docs = {d.code: {"status": DocumentStatus.RECEIVED} for d in bt.documents.all()}
    start = timezone.now() - dt.timedelta(hours=6)
    today = timezone.localdate()
    rows = []
    for i in range(n_cases):
        immediate = i % 10 == 0  # one in ten: the applicant is waiting at the window
        rows.append(
            Case(
                number=f"BQ-BENCH-{i:06d}",
                hall=hall,
                window=window,
                business_type=bt,
                teller=teller,
                state=CaseState.SUBMITTED,
                applicant_name=f"办事人{i}",
                payload={"name": f"单位{i}"},
                figures={"parameters": []},
                documents=docs,
                is_immediate=immediate,
                promised_deadline=None if immediate else today + dt.timedelta(days=1 + i % 20),
                submitted_at=start + dt.timedelta(seconds=i),
            )
        )
    Case.objects.bulk_create(rows, batch_size=1000)
    return hall.pk, teller.pk, reviewers


def reset_queue(dsn: str) -> None:
    """Every case back in the queue; the claims' audit rows and grants removed (TRUNCATE:
    the append-only trigger blocks UPDATE and DELETE, not TRUNCATE — this is a scratch
    database)."""
    import psycopg
    from guardian.models import UserObjectPermission

    from counterhall.models import AuditEntry, Case
    from counterhall.permissions import DECIDE_CASE

    codename = DECIDE_CASE.split(".")[1]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {AuditEntry._meta.db_table}")
        conn.execute(
            f"DELETE FROM {UserObjectPermission._meta.db_table} WHERE permission_id IN "
            "(SELECT id FROM auth_permission WHERE codename = %s)",
            [codename],
        )
        conn.execute(
            f"UPDATE {Case._meta.db_table} SET state = 'submitted', reviewer_id = NULL, "
            "claimed_at = NULL"
        )
        conn.execute(f"VACUUM ANALYZE {Case._meta.db_table}")
        conn.execute(f"VACUUM ANALYZE {AuditEntry._meta.db_table}")


# --------------------------------------------------------------------------- workers


def service_worker(reviewer_id, barrier, seconds, out):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from counterhall.permissions import REVIEW_SPECIAL, user_hall_id
    from counterhall.roles import user_roles
    from review.services import case_take_next

    user = get_user_model().objects.get(pk=reviewer_id)
    user_roles(user), user_hall_id(user), user.has_perm(REVIEW_SPECIAL)  # per-session caches
    barrier.wait()
    cpu0 = time.process_time()
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        if case_take_next(actor=user) is None:
            break
        count += 1
    out.put((count, time.monotonic(), time.process_time() - cpu0))
    connection.close()


HEAD_SQL = """
SELECT c.id, c.number, c.submitted_at, c.state, bt.name
  FROM counterhall_case c JOIN counterhall_businesstype bt ON bt.id = c.business_type_id
 WHERE c.hall_id = %(hall)s AND c.state = 'submitted' AND c.teller_id <> %(me)s
   AND NOT bt.is_special
 ORDER BY c.is_immediate DESC, c.promised_deadline ASC NULLS LAST, c.submitted_at ASC, c.id ASC
 LIMIT 1
   FOR UPDATE OF c SKIP LOCKED
"""
CLAIM_SQL = """
UPDATE counterhall_case SET state = 'in_review', reviewer_id = %(me)s, claimed_at = %(now)s,
       updated_at = %(now)s
 WHERE id = %(id)s AND state = 'submitted'
"""
AUDIT_SQL = """
INSERT INTO counterhall_auditentry (at, actor_id, actor_name, hall_id, action, target_type,
       target_id, target_label, before, after, note, digest)
VALUES (%(now)s, %(me)s, %(username)s, %(hall)s, 'case.claim', 'counterhall.case', %(id)s,
        %(label)s, %(before)s, %(after)s, '', %(digest)s)
"""
GRANT_SQL = """
INSERT INTO guardian_userobjectpermission (permission_id, content_type_id, object_pk, user_id)
VALUES (%(perm)s, %(ct)s, %(id)s, %(me)s)
"""


def raw_worker(dsn, hall_id, reviewer_id, perm_id, ct_id, barrier, seconds, out):
    import psycopg
    from psycopg.types.json import Jsonb

    conn = psycopg.connect(dsn)
    username = f"bench-reviewer-{reviewer_id}"
    barrier.wait()
    cpu0 = time.process_time()
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        with conn.transaction():
            row = conn.execute(HEAD_SQL, {"hall": hall_id, "me": reviewer_id}).fetchone()
            if row is None:
                break
            case_id, number, submitted_at, state, type_name = row
            now = dt.datetime.now(dt.UTC)
            after = {
                "state": "in_review",
                "reviewer": username,
                "waited_seconds": (now - submitted_at).total_seconds(),
            }
            params = {"id": case_id, "me": reviewer_id, "now": now, "hall": hall_id}
            conn.execute(CLAIM_SQL, params)
            label = f"{number} {type_name}"
            digest = hashlib.sha256(
                json.dumps(
                    [now.isoformat(), reviewer_id, hall_id, case_id, label, state, after],
                    ensure_ascii=False,
                    sort_keys=True,
                ).encode()
            ).hexdigest()
            conn.execute(
                AUDIT_SQL,
                {
                    **params,
                    "username": username,
                    "label": label,
                    "before": Jsonb({"state": state}),
                    "after": Jsonb(after),
                    "digest": digest,
                },
            )
            conn.execute(GRANT_SQL, {**params, "perm": perm_id, "ct": ct_id, "id": str(case_id)})
        count += 1
    out.put((count, time.monotonic(), time.process_time() - cpu0))
    conn.close()


def run(kind, n, *, dsn, hall_id, reviewers, seconds):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    from counterhall.models import Case

    perm = Permission.objects.get(codename="decide_case", content_type__app_label="counterhall")
    ct = ContentType.objects.get_for_model(Case)
    connections.close_all()  # never fork with an open connection
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(n + 1)
    out = ctx.Queue()
    procs = []
    for rid in reviewers[:n]:
        if kind == "service":
            args = (rid, barrier, seconds, out)
            procs.append(ctx.Process(target=service_worker, args=args))
        else:
            args = (dsn, hall_id, rid, perm.pk, ct.pk, barrier, seconds, out)
            procs.append(ctx.Process(target=raw_worker, args=args))
    for p in procs:
        p.start()
    barrier.wait()
    start = time.monotonic()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    claims = sum(r[0] for r in results)
    elapsed = max(r[1] for r in results) - start
    cpu_ms = sum(r[2] for r in results) * 1000 / max(claims, 1)
    check(claims)
    return claims / elapsed, cpu_ms


def check(claims: int) -> None:
    """Every claim exactly once: one audit entry and one claimed case per claim."""
    from counterhall.models import AuditEntry, Case

    claimed = Case.objects.filter(state="in_review").count()
    entries = AuditEntry.objects.filter(action="case.claim")
    distinct = entries.values("target_id").distinct().count()
    if not (claimed == claims == entries.count() == distinct):
        raise SystemExit(
            f"claims do not add up: {claims} claims, {claimed} cases in review, "
            f"{entries.count()} audit entries for {distinct} cases"
        )


def _binding() -> str:
    from django.db import connection

    options = connection.settings_dict.get("OPTIONS", {})
    if not options.get("server_side_binding"):
        return "client-side parameter binding, nothing prepared (default)"
    threshold = options.get("prepare_threshold")
    prepared = f"prepared after {threshold} runs" if threshold else "nothing prepared"
    return f"server-side parameter binding, {prepared} (DJANGO_DB_PREPARE)"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    parser.add_argument("--cases", type=int, default=10_000, help="queued cases")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure, alternating; the median is shown"
    )
    parser.add_argument(
        "--reviewers",
        default=",".join(map(str, CONCURRENCY)),
        help="concurrent reviewers to measure, comma-separated (default 1,4,16)",
    )
    args = parser.parse_args()
    concurrency = tuple(int(n) for n in args.reviewers.split(","))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL=postgres://… (SKIP LOCKED needs PostgreSQL)")
    dsn = create_database(url, "bench_review")
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    # Production-like settings (DEBUG off: no query log); a throw-away key for the scratch db.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    django.setup()
    try:
        hall_id, _teller_id, reviewers = build(args.cases, max(concurrency))
        print(
            f"review queue: {args.cases} queued cases, {args.seconds:g} s per run, median of "
            f"{args.repeat} alternating runs; reviewers are processes"
        )
        print(f"{os.cpu_count()} CPU(s), load average {_load()}; PostgreSQL at {url}")
        print(f"Django service side: {_binding()}")
        print()
        print(
            f"{'reviewers':>9}  {'service claims/s':>16}  {'raw claims/s':>12}  {'ratio':>6}"
            f"  {'client CPU ms/claim: service':>28}  {'raw':>5}"
        )
        for n in concurrency:
            rates = {"service": [], "raw": []}
            cpu = {"service": [], "raw": []}
            for _ in range(args.repeat):
                for kind in ("service", "raw"):
                    reset_queue(dsn)
                    rate, cpu_ms = run(
                        kind, n, dsn=dsn, hall_id=hall_id, reviewers=reviewers, seconds=args.seconds
                    )
                    rates[kind].append(rate)
                    cpu[kind].append(cpu_ms)
            service, raw = statistics.median(rates["service"]), statistics.median(rates["raw"])
            cpu_service, cpu_raw = statistics.median(cpu["service"]), statistics.median(cpu["raw"])
            print(
                f"{n:>9}  {service:>16.0f}  {raw:>12.0f}  {service / raw:>6.2f}"
                f"  {cpu_service:>28.2f}  {cpu_raw:>5.2f}"
            )
        print()
        print(f"load average at the end: {_load()}")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(dsn)


if __name__ == "__main__":
    main()

"""Benchmark (not a test): the efficiency dashboard's figures (counterhall.metrics) for a
busy hall's year and a province's year.

The busy hall: ``--cases`` cases (default 200,000) and ``--visits`` visits (250,000) over
the last 365 days up to today, on 8 windows, 10 tellers, 2 reviewers and a leader, 15
business types, with their audit entries (open, submit, claim, approve, a sign-off for one
in five time-limited cases, a return and resubmission for one in twenty, complete), one in
three visits rated, poor ratings with rectifications, no-shows, rejections, withdrawals and
cases still open past their promised date. Rows are written in bulk with INSERT … SELECT
generate_series (PostgreSQL only; ``manage.py seed_scale`` was not on main yet).

It builds the rollups of every past day (``metrics.rollup``, timed), checks that the
rolled-up figures equal ``figures_direct`` over the raw rows, then times (best of 3)
``figures()`` and ``figures_by()`` as the dashboard calls them: the year, per day, per
business type, per teller, one teller × one type (the FULL grain), and ``staff_load``.

The province (``--halls``, default 60): the busy hall's rollup rows are copied to the other
halls (each a busy hall's year as far as the figures' reads go: they read rollups for past
days and the raw rows of today, which only the busy hall has); then the year's figures,
per hall and per business type are timed over every hall.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/counterhall \\
          .venv/bin/python bench/metrics.py [--cases 200000 --visits 250000 --halls 60]

It creates its own database (``<name>_bench_metrics``), migrates it and drops it at the end
(``--keep`` to keep it). It prints the figures; it never fails on speed.
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

TYPES = 15
TZ = "Asia/Shanghai"


def build_staff():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from counterhall.models import BusinessType
    from tests import factories

    call_command("migrate", verbosity=0)
    hall = factories.HallFactory(code="BM", name="基准大厅")
    windows = [factories.WindowFactory(hall=hall, number=n) for n in range(1, 9)]
    tellers = []
    for i in range(10):
        user = factories.UserFactory(username=f"teller-{i}", hall=hall, windows=[windows[i % 8]])
        user.groups.add(Group.objects.get(name="teller"))
        tellers.append(user)
    reviewers = [factories.UserFactory(username=f"reviewer-{i}", hall=hall) for i in range(2)]
    leader = factories.UserFactory(username="leader", hall=hall)
    leader.groups.add(Group.objects.get(name="leader"))
    types = list(
        BusinessType.objects.filter(is_special=False).order_by("code").values_list("pk", flat=True)
    )[:TYPES]
    return hall, windows, tellers, reviewers, leader, types


def arr(values) -> str:
    return "ARRAY[" + ",".join(str(v) for v in values) + "]"


def fill(*, hall, windows, tellers, reviewers, leader, types, cases, visits, start, days):
    """The raw rows, in bulk (see the module's docstring for their shape)."""
    from django.db import connection

    h = hall.pk
    tel = arr(u.pk for u in tellers)
    win = arr(windows[i % 8].pk for i in range(len(tellers)))  # teller i's window
    rev = arr(u.pk for u in reviewers)
    bts = arr(types)
    nt = len(types)
    s = f"DATE '{start.isoformat()}'"
    visit_sql = f"""
    INSERT INTO counterhall_visit
      (created_at, updated_at, hall_id, day, category, number, ticket, priority, status, calls,
       issued_at, called_at, last_called_at, service_started_at, service_ended_at, window_id,
       teller_id, transfer_reason, applicant_name)
    SELECT x.issued, x.issued, {h}, x.d, 'general', x.n + 1, 'A' || (x.n + 1), false,
           CASE WHEN g % 50 = 0 THEN 'no_show' ELSE 'served' END, 1,
           x.issued, x.called, x.called,
           CASE WHEN g % 50 = 0 THEN NULL ELSE x.called + interval '1 min' END,
           CASE WHEN g % 50 = 0 THEN x.called + interval '5 min'
                ELSE x.called + interval '1 min' + make_interval(mins => 3 + g % 25) END,
           ({win})[1 + g % 10], ({tel})[1 + g % 10], '', ''
    FROM generate_series(0, {visits - 1}) AS g,
    LATERAL (SELECT {s} + (g % {days}) AS d, g / {days} AS n) AS y,
    LATERAL (SELECT y.d, y.n,
        ((y.d + time '08:30' + make_interval(mins => (y.n * 7) % 480)) AT TIME ZONE '{TZ}')
            AS issued,
        ((y.d + time '08:30' + make_interval(mins => (y.n * 7) % 480)) AT TIME ZONE '{TZ}')
            + make_interval(mins => g % 40, secs => g % 60) AS called) AS x
    ORDER BY g
    """
    # case k belongs to visit g = k; its times follow the visit's
    case_sql = f"""
    INSERT INTO counterhall_case
      (created_at, updated_at, number, hall_id, window_id, business_type_id, teller_id,
       reviewer_id, state, applicant_name, payload, figures, documents,
       round_trips, is_immediate, promised_deadline, signoff_roles, return_reasons,
       decision_note, completed_at, closed_at)
    SELECT c.created, c.created, 'BM-' || k, {h}, ({win})[1 + k % 10], ({bts})[1 + k % {nt}],
           ({tel})[1 + k % 10], ({rev})[1 + k % 2], c.state, '', '{{}}', '{{}}', '{{}}',
           CASE WHEN k % 20 = 1 AND k % 3 <> 0 AND c.state = 'completed' THEN 1 ELSE 0 END,
           k % 3 = 0, c.promised, '[]', '[]', '',
           CASE WHEN c.state = 'completed' THEN c.done END,
           CASE WHEN c.state = 'completed' THEN c.done
                WHEN c.state = 'rejected' THEN c.created + interval '3 min'
                WHEN c.state = 'withdrawn' THEN c.created + interval '5 min' END
    FROM generate_series(0, {cases - 1}) AS k,
    LATERAL (SELECT {s} + (k % {days}) AS d, k / {days} AS n) AS y,
    LATERAL (SELECT
        ((y.d + time '08:30' + make_interval(mins => (y.n * 7) % 480)) AT TIME ZONE '{TZ}')
            + make_interval(mins => k % 40, secs => k % 60) + interval '2 min' AS created,
        CASE WHEN k % 97 = 0 THEN 'in_review' WHEN k % 40 = 1 THEN 'rejected'
             WHEN k % 41 = 2 THEN 'withdrawn' ELSE 'completed' END AS state,
        CASE WHEN k % 3 = 0 THEN NULL WHEN k % 13 = 0 THEN y.d + 2 ELSE y.d + 5 END
            AS promised) AS c0,
    LATERAL (SELECT c0.created, c0.state, c0.promised,
        CASE WHEN k % 3 = 0 THEN c0.created + interval '8 min'
             ELSE c0.created + make_interval(days => 1 + k % 4, hours => 2) END AS done) AS c
    ORDER BY k
    """
    links_sql = f"""
    INSERT INTO counterhall_visit_cases (visit_id, case_id)
    SELECT v.id, c.id FROM generate_series(0, {visits - 1}) AS g
    JOIN counterhall_visit v ON v.hall_id = {h} AND v.category = 'general'
     AND v.day = {s} + (g % {days}) AND v.number = g / {days} + 1
    JOIN counterhall_case c ON c.number = 'BM-' || (CASE WHEN g < {cases} THEN g
                                                          ELSE (g - {cases}) * 4 END)
    WHERE g < {cases}  -- case k belongs to visit k; visits past the cases continue case
       OR (g % 2 = 0 AND v.status = 'served' AND (g - {cases}) * 4 < {cases})  -- 4·(g-C)
    """

    def entries(where: str, action: str, actor: str, moment: str, before, after) -> str:
        b = "NULL" if before is None else f"""'{{"state": "{before}"}}'::jsonb"""
        return f"""
        INSERT INTO counterhall_auditentry
          (at, actor_id, actor_name, hall_id, action, target_type, target_id, target_label,
           before, after, note, digest, key_id, chain)
        SELECT {moment}, {actor}, 'bench', {h}, '{action}', 'counterhall.case', c.id::text,
               c.number, {b}, '{{"state": "{after}"}}'::jsonb, '', 'bench', '', ''
        FROM counterhall_case c, LATERAL (SELECT substr(c.number, 4)::int AS k) AS q
        WHERE c.hall_id = {h} AND ({where})
        """

    imm = "q.k % 3 = 0"
    timed_ = "q.k % 3 <> 0"
    returned = f"{timed_} AND q.k % 20 = 1 AND c.state = 'completed'"
    signed = f"{timed_} AND q.k % 5 = 0"
    reached_review = "c.state IN ('completed', 'in_review')"
    claim_at = (
        f"CASE WHEN {imm} THEN c.created_at + interval '2 min' ELSE c.created_at "
        "+ interval '21 hours' + make_interval(mins => q.k % 120) END"
    )
    statements = [
        ("visits", visit_sql),
        ("cases", case_sql),
        ("visit links", links_sql),
        ("case.open", entries("true", "case.open", "c.teller_id", "c.created_at", None, "draft")),
        (
            "case.reject",
            entries(
                "c.state = 'rejected'",
                "case.reject",
                "c.teller_id",
                "c.closed_at",
                "draft",
                "rejected",
            ),
        ),
        (
            "case.withdraw",
            entries(
                "c.state = 'withdrawn'",
                "case.withdraw",
                "c.teller_id",
                "c.closed_at",
                "draft",
                "withdrawn",
            ),
        ),
        (
            "case.submit",
            entries(
                reached_review,
                "case.submit",
                "c.teller_id",
                "c.created_at + interval '1 min'",
                "draft",
                "submitted",
            ),
        ),
        (
            "first claim (returned)",
            entries(
                returned,
                "case.claim",
                "c.reviewer_id",
                "c.created_at + interval '10 min'",
                "submitted",
                "in_review",
            ),
        ),
        (
            "case.return",
            entries(
                returned,
                "case.return",
                "c.reviewer_id",
                "c.created_at + interval '15 min'",
                "in_review",
                "returned",
            ),
        ),
        (
            "case.resubmit",
            entries(
                returned,
                "case.resubmit",
                "c.teller_id",
                "c.created_at + interval '20 hours'",
                "returned",
                "submitted",
            ),
        ),
        (
            "case.claim",
            entries(
                reached_review, "case.claim", "c.reviewer_id", claim_at, "submitted", "in_review"
            ),
        ),
        (
            "case.approve",
            entries(
                f"c.state = 'completed' AND NOT ({signed})",
                "case.approve",
                "c.reviewer_id",
                f"{claim_at} + interval '10 min'",
                "in_review",
                "approved",
            ),
        ),
        (
            "case.approve (sign-off)",
            entries(
                f"c.state = 'completed' AND {signed}",
                "case.approve",
                "c.reviewer_id",
                f"{claim_at} + interval '10 min'",
                "in_review",
                "awaiting_signoff",
            ),
        ),
        (
            "case.sign",
            entries(
                f"c.state = 'completed' AND {signed}",
                "case.sign",
                str(leader.pk),
                f"{claim_at} + interval '130 min'",
                "awaiting_signoff",
                "approved",
            ),
        ),
        (
            "case.complete",
            entries(
                "c.state = 'completed'",
                "case.complete",
                "c.teller_id",
                "c.completed_at",
                "approved",
                "completed",
            ),
        ),
        (
            "ratings",
            f"""
            INSERT INTO counterhall_visitrating
              (visit_id, teller_id, grade, declined, reasons, comment, rated_at)
            SELECT v.id, v.teller_id,
                   CASE WHEN v.id % 9 = 0 THEN NULL WHEN v.id % 61 = 0 THEN 1
                        WHEN v.id % 31 = 0 THEN 2 WHEN v.id % 7 = 0 THEN 3
                        WHEN v.id % 2 = 0 THEN 4 ELSE 5 END,
                   v.id % 9 = 0, '[]', '', v.service_ended_at + interval '1 min'
            FROM counterhall_visit v
            WHERE v.hall_id = {h} AND v.status = 'served' AND v.id % 3 = 0
            """,
        ),
        (
            "rectifications",
            f"""
            INSERT INTO counterhall_rectification
              (created_at, updated_at, rating_id, hall_id, deadline, callback_at,
               callback_by_id, callback_outcome, measures)
            SELECT r.rated_at, r.rated_at, r.id, {h}, v.day + 21,
                   CASE WHEN r.id % 2 = 0 THEN r.rated_at + interval '3 days' END,
                   CASE WHEN r.id % 2 = 0 THEN {leader.pk} END, '', ''
            FROM counterhall_visitrating r JOIN counterhall_visit v ON v.id = r.visit_id
            WHERE v.hall_id = {h} AND r.grade <= 2
            """,
        ),
    ]
    with connection.cursor() as cursor:
        for name, sql in statements:
            t0 = time.perf_counter()
            cursor.execute(sql)
            print(f"  {name:<26} {cursor.rowcount:>9,} rows  {time.perf_counter() - t0:6.1f} s")
        for table in ("visit", "case", "auditentry", "visit_cases", "visitrating"):
            cursor.execute(f"ANALYZE counterhall_{table}")


def clone_rollups(hall, n: int) -> list:
    """``n - 1`` more halls carrying the busy hall's rollup rows."""
    from django.db import connection

    from counterhall.models import Hall

    halls = [hall]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i in range(1, n):
        code = "P" + letters[i // 26] + letters[i % 26]
        halls.append(Hall.objects.create(code=code, name=f"省内大厅 {code}", region="220000"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO counterhall_metricday
              (hall_id, day, period, grain, business_type_id, window_id, teller_id, data,
               built_at)
            SELECT h.id, m.day, m.period, m.grain, m.business_type_id, m.window_id,
                   m.teller_id, m.data, m.built_at
            FROM counterhall_metricday m, counterhall_hall h
            WHERE m.hall_id = {hall.pk} AND h.id <> {hall.pk}
            """
        )
        cursor.execute("ANALYZE counterhall_metricday")
    return halls


def page(user, url: str, repeat: int = 3) -> tuple[float, int]:
    """The best of ``repeat`` renders of a page through Django's whole stack (middleware,
    session, view, template) as ``user``, and its query count."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    client.force_login(user)
    times, queries = [], 0
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ALLOWED_HOSTS=["*"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": plain,
        },
    ):
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url, secure=True)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
    return min(times), queries


def best(fn, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--visits", type=int, default=250_000)
    parser.add_argument("--halls", type=int, default=60)
    parser.add_argument("--no-direct", action="store_true", help="skip figures_direct")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/metrics.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    dsn = create_database(url, "bench_metrics")
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from counterhall import metrics
    from counterhall.models import AuditEntry, Case, MetricDay, Visit

    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"PostgreSQL {connection.pg_version}; {os.cpu_count()} CPUs; load average {load}")
        hall, windows, tellers, reviewers, leader, types = build_staff()
        today = timezone.localdate()
        start = today - dt.timedelta(days=364)
        print(f"busy hall: {args.cases:,} cases, {args.visits:,} visits, {start} – {today}")
        t0 = time.perf_counter()
        fill(
            hall=hall,
            windows=windows,
            tellers=tellers,
            reviewers=reviewers,
            leader=leader,
            types=types,
            cases=args.cases,
            visits=args.visits,
            start=start,
            days=365,
        )
        print(
            f"  raw rows: {Case.objects.count():,} cases, {Visit.objects.count():,} visits, "
            f"{AuditEntry.objects.count():,} audit entries ({time.perf_counter() - t0:.0f} s)"
        )
        t0 = time.perf_counter()
        rows = metrics.rollup(halls=[hall], start=start, end=today)
        print(f"  rollup of 364 past days: {rows:,} rows in {time.perf_counter() - t0:.1f} s")

        year = {"halls": [hall], "start": start, "end": today}
        one_teller = {"teller": tellers[3].pk, "business_type": types[3]}
        if not args.no_direct:
            t_direct, direct = best(lambda: metrics.figures_direct(**year), repeat=1)
            _t, rolled = best(lambda: metrics.figures(**year), repeat=1)
            print(f"  figures_direct (raw rows): {t_direct:.2f} s; equal to figures(): "
                  f"{direct == rolled}")  # fmt: skip
            _t, d2 = best(lambda: metrics.figures_direct(**year, **one_teller), repeat=1)
            print(f"  one teller × one type equal: {d2 == metrics.figures(**year, **one_teller)}")
        f = metrics.figures(**year)
        print(
            f"  year: {f.tickets_issued:,} tickets, {f.cases_taken_in:,} taken in, "
            f"{f.cases_completed:,} completed, 即时办结率 {f.completed_during_visit_rate}, "
            f"wait median {f.wait.median} p90 {f.wait.p90}, overdue {f.overdue_now}, "
            f"steps/case {f.steps_per_case}, visits/case {f.visits_per_case}"
        )
        calls = {
            "figures(year)": lambda: metrics.figures(**year),
            "figures_by(day)": lambda: metrics.figures_by("day", **year),
            "figures_by(business_type)": lambda: metrics.figures_by("business_type", **year),
            "figures_by(teller)": lambda: metrics.figures_by("teller", **year),
            "figures(teller × type)": lambda: metrics.figures(**year, **one_teller),
            "staff_load(year)": lambda: metrics.staff_load(**year),
        }
        print("\nbusy hall's year (best of 3, seconds)")
        for name, fn in calls.items():
            print(f"  {name:<28} {best(fn)[0]:7.3f}")
        year_query = f"period=custom&start={start.isoformat()}&end={today.isoformat()}"
        for name, url in (
            ("dashboard page (leader)", f"/efficiency/?{year_query}"),
            ("before/after page", f"/efficiency/before-after/?{year_query}"),
        ):
            seconds, queries = page(leader, url)
            print(f"  {name:<28} {seconds:7.3f}   ({queries} queries)")

        halls = clone_rollups(hall, args.halls)
        print(
            f"\nprovince: {len(halls)} halls, {MetricDay.objects.count():,} rollup rows "
            "(best of 3, seconds)"
        )
        province = {"halls": halls, "start": start, "end": today}
        calls = {
            "figures(year)": lambda: metrics.figures(**province),
            "figures_by(hall)": lambda: metrics.figures_by("hall", **province),
            "figures_by(business_type)": lambda: metrics.figures_by("business_type", **province),
            "figures_by(day)": lambda: metrics.figures_by("day", **province),
        }
        for name, fn in calls.items():
            print(f"  {name:<28} {best(fn)[0]:7.3f}")
        from django.contrib.auth import get_user_model

        province_user = get_user_model().objects.create_superuser("bench-province", None, None)
        for name, url in (
            ("dashboard page (province)", f"/efficiency/?{year_query}"),
            ("dashboard page (one hall)", f"/efficiency/?{year_query}&hall={hall.code}"),
            ("before/after page", f"/efficiency/before-after/?{year_query}"),
        ):
            seconds, queries = page(province_user, url)
            print(f"  {name:<28} {seconds:7.3f}   ({queries} queries)")
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\nload average after: {load}")
    finally:
        connection.close()
        if not args.keep:
            drop_database(dsn)


if __name__ == "__main__":
    main()

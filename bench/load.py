"""A hall's day under load: 32 staff on gunicorn (2 workers × 4 threads) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ch_flatpages \\
        .venv/bin/python bench/load.py seed --cases 10000      # <db>_load, migrated, seeded
    DATABASE_URL=… .venv/bin/python bench/load.py run --seconds 180
    DATABASE_URL=… .venv/bin/python bench/load.py ramp --seconds 60

``seed`` makes its own database ``<name>_load`` next to DATABASE_URL's (``--suffix``), or
with ``--existing`` seeds into DATABASE_URL's database itself (a seed_scale province):
the demo hall and its catalogue, 32 staff (18 tellers at the six general windows, 8
reviewers, 2 leaders and 2 finance signers, 2 auditors), 200 employers, then ``--cases``
finished cases spread over ``--halls`` halls and ``--years`` years, with five audit entries
each (open, submit, claim with its wait, approve, complete), written in bulk.

``run`` starts gunicorn on it (``--port``, 2 workers × 4 threads, DEBUG off, kept
connections ``--conn-max-age``), drives ``--users`` staff with bench/load_locustfile.py
(locust, headless) for ``--seconds``, and prints p50/p95/p99 per page and in total, the
requests per second and the errors (sign-ins are shown apart and left out of the total).

``ramp`` runs the same day at ``--start``, ``--start + --step``, … users with shorter human
pauses (``--pause-scale``) until p95 passes ``--limit`` ms (250): the saturation point is
the requests per second of the last step under it.

Figures only; it never fails on speed (docs/benchmarks.md records runs).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402

BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "bench" / "load_locustfile.py"
CONFIG = Path(tempfile.gettempdir()) / "counterhall_load.json"
STAFF = {"teller": 18, "reviewer": 8, "signer": 4, "auditor": 2}
ACTIONS = ("case.open", "case.submit", "case.claim", "case.approve", "case.complete")


def load_url(args) -> str:
    base = os.environ["DATABASE_URL"]
    name = benchdb.urlparse(base).path.lstrip("/")
    return benchdb.dsn(base, f"{name}_{args.suffix}")


def django_on(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counterhall.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # seeding only; the server runs with DEBUG off
    import django

    django.setup()


# ---------------------------------------------------------------------------- seed


def uscc(i: int) -> str:
    from registration.validators import uscc_check_char

    first17 = f"91222424{i:09d}"
    return first17 + uscc_check_char(first17)


def seed(args) -> None:
    started = time.perf_counter()
    if args.existing:  # e.g. seed_scale's province: the load hall is added to it
        url = os.environ["DATABASE_URL"]
    else:
        url = benchdb.create_database(os.environ["DATABASE_URL"], args.suffix)
    django_on(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"migrated {url} in {time.perf_counter() - started:.0f} s", flush=True)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from counterhall import demo
    from counterhall.models import BusinessType, Hall, StaffProfile, Window, WindowKind
    from counterhall.permissions import WORK_AT_WINDOW
    from counterhall.roles import Role
    from registration import services as registration

    made = demo.seed(business_data=False)
    hall, windows = made["hall"], made["windows"]
    general = [w for w in windows.values() if w.kind == WindowKind.GENERAL]
    User = get_user_model()
    template = User(username="template")
    template.set_password(demo.DEMO_PASSWORD)
    roles = {
        "teller": [Role.TELLER],
        "reviewer": [Role.REVIEWER],
        "signer": [Role.LEADER, Role.FINANCE],
        "auditor": [Role.AUDITOR],
    }
    users: dict[str, list[str]] = {}
    staff = []
    for kind, count in STAFF.items():
        for i in range(1, count + 1):
            name = f"load-{kind}{i:02d}"
            user, _ = User.objects.update_or_create(
                username=name, defaults={"password": template.password, "first_name": name}
            )
            role = roles[kind][(i - 1) % len(roles[kind])]
            user.groups.set([Group.objects.get(name=role)])
            StaffProfile.objects.update_or_create(user=user, defaults={"hall": hall})
            if kind == "teller":
                for window in general:
                    assign_perm(WORK_AT_WINDOW, user, window)
            users.setdefault(kind, []).append(name)
            staff.append(user)
    employers = []
    for i in range(1, 201):
        code = uscc(i)
        if not registration.find_employer(code):
            registration.employer_register(
                actor=None,
                uscc=code,
                name=f"负载测试单位{i:03d}",
                legal_representative="王法人",
                injury_class=1 + i % 8,
                registered_on=dt.date(2020, 1, 1),
                region=hall.region,
            )
        employers.append(code)

    halls = [hall]
    for h in range(1, args.halls):
        other, _ = Hall.objects.get_or_create(
            code=f"LD{h:03d}", defaults={"name": f"负载测试大厅{h}", "region": hall.region}
        )
        halls.append(other)
    hall_windows = {
        h.pk: list(Window.objects.filter(hall=h)) or [Window.objects.create(hall=h, number=1)]
        for h in halls
    }
    bulk(args, halls=halls, hall_windows=hall_windows, staff=staff)
    bt = BusinessType.objects.get(code="REG02")
    case_ids = list(hall.cases.order_by("?").values_list("pk", flat=True)[:200])
    CONFIG.write_text(
        json.dumps(
            {
                "password": demo.DEMO_PASSWORD,
                "users": users,
                "weights": STAFF,
                "windows": [w.pk for w in general],
                "type_id": bt.pk,
                "type_code": bt.code,
                "employers": employers,
                "case_ids": case_ids,
                "database": url,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"seeded in {time.perf_counter() - started:.0f} s; config {CONFIG}", flush=True)


def bulk(args, *, halls, hall_windows, staff) -> None:
    """``args.cases`` finished cases and five audit entries each, in batches."""
    from django.db import connection, transaction
    from django.utils import timezone

    from counterhall.models import AuditEntry, BusinessType, Case, CaseState

    types = list(BusinessType.objects.filter(is_special=False))
    states = [CaseState.COMPLETED] * 17 + [CaseState.REJECTED, CaseState.WITHDRAWN]
    now = timezone.now()
    span = args.years * 365 * 24 * 3600
    rng = random.Random(18)
    batch = 5000
    done = 0
    started = time.perf_counter()
    while done < args.cases:
        n = min(batch, args.cases - done)
        rows = []
        for i in range(done, done + n):
            hall = halls[i % len(halls)]
            at = now - dt.timedelta(seconds=rng.randrange(600, span))
            rows.append(
                Case(
                    number=f"LD{hall.pk:03d}-{i:09d}",
                    hall=hall,
                    window=rng.choice(hall_windows[hall.pk]),
                    business_type=rng.choice(types),
                    teller=rng.choice(staff),
                    state=rng.choice(states),
                    applicant_name=f"办事人{i}",
                    created_at=at,
                    submitted_at=at + dt.timedelta(minutes=5),
                    claimed_at=at + dt.timedelta(minutes=20),
                    decided_at=at + dt.timedelta(minutes=30),
                    completed_at=at + dt.timedelta(minutes=35),
                )
            )
        with transaction.atomic():
            cases = Case.objects.bulk_create(rows)
            entries = []
            for case in cases:
                for k, action in enumerate(ACTIONS):
                    entries.append(
                        AuditEntry(
                            at=case.created_at + dt.timedelta(minutes=[0, 5, 20, 30, 35][k]),
                            actor=case.teller,
                            actor_name=case.teller.username,
                            hall=case.hall,
                            action=action,
                            target_type="counterhall.case",
                            target_id=str(case.pk),
                            target_label=case.number,
                            after={"waited_seconds": 900} if action == "case.claim" else None,
                            digest="0" * 64,
                        )
                    )
            AuditEntry.objects.bulk_create(entries, batch_size=5000)
        done += n
        if done % 100_000 == 0 or done == args.cases:
            rate = done / (time.perf_counter() - started)
            print(f"  {done} cases, {done * 5} audit entries ({rate:.0f} cases/s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# ----------------------------------------------------------------------------- run


def gunicorn(args, url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "load-bench-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_CONN_MAX_AGE": str(args.conn_max_age),
        # production settings less the cookies' Secure flag (plain http on the loopback)
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": str(ROOT / "bench"),
    }
    subprocess.run(
        [BIN / "python", "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "counterhall.wsgi",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def locust(args, users: int, seconds: int, pause_scale: float, prefix: str) -> list[dict]:
    env = {
        **os.environ,
        "COUNTERHALL_LOAD_CONFIG": str(CONFIG),
        "COUNTERHALL_PAUSE_SCALE": str(pause_scale),
    }
    subprocess.run(
        [
            BIN / "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(4, users // 4)),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{args.port}",
            "--csv",
            prefix,
            "--only-summary",
            "--reset-stats",  # and again when the last user has signed in (the locustfile)
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def summarise(rows: list[dict]) -> dict:
    """Per page and in total (sign-ins apart): count, errors, p50/p95/p99, requests/s."""
    pages = [r for r in rows if r["Name"] not in ("Aggregated", "login")]
    total = {
        "count": sum(int(r["Request Count"]) for r in pages),
        "errors": sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated"),
        "rps": sum(float(r["Requests/s"]) for r in pages),
    }
    # the total's percentiles are locust's own over every request ("Aggregated"): the stats
    # are reset when the last user has signed in (bench/load_locustfile.py), so no sign-in
    # is among them; were one there, the pages' own percentiles say what it did
    aggregated = next(r for r in rows if r["Name"] == "Aggregated")
    for q in ("50%", "95%", "99%"):
        total[q] = float(aggregated[q]) if aggregated[q] not in ("", "N/A") else 0.0
    return {"pages": pages, "total": total, "rows": rows}


def print_table(summary: dict) -> None:
    print(f"{'page':36} {'requests':>9} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6} ms")
    for r in sorted(summary["rows"], key=lambda r: r["Name"]):
        if r["Name"] == "Aggregated":
            continue
        print(
            f"{r['Type'] + ' ' + r['Name']:36.36} {r['Request Count']:>9} "
            f"{r['Failure Count']:>6} {r['50%']:>6} {r['95%']:>6} {r['99%']:>6}"
        )
    t = summary["total"]
    print(
        f"{'TOTAL (without login)':36} {t['count']:>9} {t['errors']:>6} "
        f"{t['50%']:>6.0f} {t['95%']:>6.0f} {t['99%']:>6.0f}   {t['rps']:.1f} req/s"
    )


def counts(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        cases = conn.execute("SELECT count(*) FROM counterhall_case").fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM counterhall_auditentry").fetchone()[0]
    return f"{cases} cases, {entries} audit entries"


def run(args) -> None:
    url = args.database or json.loads(CONFIG.read_text(encoding="utf-8"))["database"]
    print(f"database: {counts(url)}; load average {os.getloadavg()[0]:.1f}", flush=True)
    server = gunicorn(args, url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.command == "run":
                summary = summarise(locust(args, args.users, args.seconds, 1.0, f"{tmp}/run"))
                print(f"{args.users} staff, {args.seconds} s:")
                print_table(summary)
            else:
                ramp(args, tmp)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"after: {counts(url)}; load average {os.getloadavg()[0]:.1f}")


def ramp(args, tmp: str) -> None:
    last_ok = None
    users = args.start
    print(f"ramp: pauses × {args.pause_scale}, {args.seconds} s a step")
    print(f"{'users':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
    while users <= args.max:
        summary = summarise(
            locust(args, users, args.seconds, args.pause_scale, f"{tmp}/ramp{users}")
        )
        t = summary["total"]
        print(
            f"{users:>6} {t['rps']:>7.1f} {t['50%']:>6.0f} {t['95%']:>6.0f} {t['99%']:>6.0f} "
            f"{t['errors']:>6}",
            flush=True,
        )
        if t["95%"] > args.limit:
            break
        last_ok = (users, t["rps"])
        users += args.step
    if last_ok:
        print(
            f"saturation: p95 under {args.limit} ms up to {last_ok[1]:.1f} req/s "
            f"({last_ok[0]} users); the next step passed it"
        )
    else:
        print(f"saturation: p95 above {args.limit} ms already at {args.start} users")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--cases", type=int, default=10_000)
    s.add_argument("--halls", type=int, default=10)
    s.add_argument("--years", type=int, default=2)
    s.add_argument(
        "--existing",
        action="store_true",
        help="seed into DATABASE_URL's own database (migrated, e.g. by seed_scale) instead "
        "of a new <name>_<suffix>",
    )
    for p in (s, r := sub.add_parser("run"), g := sub.add_parser("ramp")):
        p.add_argument("--suffix", default="load")
    for p in (r, g):
        p.add_argument("--port", type=int, default=8106)
        p.add_argument("--conn-max-age", type=int, default=60)
        p.add_argument("--seconds", type=int, default=180)
        # another database seeded the same way (e.g. grown in SQL): the staff, windows and
        # employers of the config must be there
        p.add_argument("--database", default="")
    r.add_argument("--users", type=int, default=32)
    g.add_argument("--start", type=int, default=32)
    g.add_argument("--step", type=int, default=32)
    g.add_argument("--max", type=int, default=512)
    g.add_argument("--limit", type=float, default=250)
    g.add_argument("--pause-scale", type=float, default=0.25)
    args = parser.parse_args()
    if args.command == "seed":
        seed(args)
    else:
        run(args)


if __name__ == "__main__":
    main()

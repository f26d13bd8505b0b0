"""``manage.py seed_scale``: a province's data in bulk on PostgreSQL (docs/benchmarks.md).

Halls with windows and staff (ORM, a few hundred rows), then with PostgreSQL's COPY
(psycopg's ``cursor.copy()``): employers, persons, their employments, monthly bills and
contribution months, and the halls' history from ``counterhall.synthetic`` — visits, cases
of every type in plausible states, ratings, rectifications, signatures and the audit
entries of every step, digested, chained and sealed (one seal per day) as
``counterhall.audit`` does, so that ``audit_verify --full`` passes.

Everything runs in one transaction. Unless ``--keep-indexes``, the secondary indexes of
the tables loaded are dropped first and built again at the end (one sort per index instead
of millions of inserts into it); primary keys and unique constraints stay. Foreign keys are
Django's ``DEFERRABLE INITIALLY DEFERRED``, checked at commit. The audit log's append-only
triggers fire on UPDATE and DELETE only: COPY inserts, so they stay on. Run it on a
database of its own (no other writer: ids are assigned here and the sequences set after).
In review/ because it needs registration's and contributions' models (the top layer).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from guardian.models import UserObjectPermission

from contributions.models import AssessmentBill, Contribution
from counterhall import audit, demo, synthetic
from counterhall.models import (
    AuditEntry,
    AuditSeal,
    Case,
    CaseSequence,
    Hall,
    Rectification,
    Signature,
    StaffProfile,
    Visit,
    VisitRating,
    VisitSequence,
    Window,
    WindowKind,
)
from counterhall.roles import Role
from registration.models import Employer, Employment, InsuredPerson
from registration.validators import resident_id_check_char, uscc_check_char

PASSWORD = "counterhall-scale"  # noqa: S105  (generated staff, printed: never in production)
PER_WINDOW = 10  # cases a general window opens on a working day (about 11 tickets)
PERSONS_PER_CASE = 0.25
EMPLOYEES_PER_EMPLOYER = 20
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
HISTORY = {
    "cases": Case,
    "visits": Visit,
    "visit_cases": Visit.cases.through,
    "ratings": VisitRating,
    "rectifications": Rectification,
    "signatures": Signature,
    "entries": AuditEntry,
}
LOADED = [
    Employer,
    InsuredPerson,
    Employment,
    AssessmentBill,
    Contribution,
    *HISTORY.values(),
    AuditSeal,
]


def hall_code(prefix: str, n: int) -> str:
    letters = ""
    for _i in range(3):
        n, r = divmod(n, 26)
        letters = chr(ord("A") + r) + letters
    return prefix + letters


def resident_id(region: str, index: int) -> tuple[str, bool]:
    """A valid, unique 18-character resident ID for person ``index`` of a region, and
    whether it is a man's (the 17th digit odd)."""
    birth = dt.date(1962, 1, 1) + dt.timedelta(days=index % 14600)
    seq = (index // 14600) % 1000
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17), seq % 2 == 1


def uscc(region: str, index: int) -> str:
    body = f"{index:08d}"
    c = 11 - sum(int(ch) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    org = body + ("X" if c == 10 else "0" if c == 11 else str(c))
    first17 = f"91{region}{org}"
    return first17 + uscc_check_char(first17)


class Copier:
    """COPY rows into a model's table; counts what it wrote."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.rows = 0

    def copy(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        pk = model._meta.pk
        fields = [f for f in model._meta.concrete_fields if f is not pk or pk.attname in rows[0]]
        json_columns = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
        defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        names = [f.attname for f in fields]
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        with self.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                if defaults:
                    values = [row[n] if n in row else defaults[n] for n in names]
                else:
                    values = [row[n] for n in names]
                for i in json_columns:
                    if values[i] is not None:
                        values[i] = dumps(values[i])
                write(values)
        self.rows += len(rows)


class Command(BaseCommand):
    help = (
        "Build a province's data in bulk on PostgreSQL (COPY): halls, staff, employers, "
        "persons, contribution months and years of visits, cases of every type, ratings and "
        "sealed audit entries. See docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--halls", type=int, default=2)
        parser.add_argument("--cases", type=int, default=1000, help="about this many cases")
        parser.add_argument("--years", type=float, default=1.0, help="of history before today")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default="S", help="hall codes: prefix + 3 letters")
        parser.add_argument(
            "--contribution-months",
            type=int,
            default=12,
            help="pension months per employed person, up to last month",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="do not drop and rebuild the secondary indexes of the loaded tables",
        )

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale writes with PostgreSQL's COPY and needs PostgreSQL: set "
                "DATABASE_URL=postgres://… (for SQLite use seed_demo)."
            )
        halls, cases, years = opts["halls"], opts["cases"], opts["years"]
        if halls < 1 or cases < 1 or years <= 0:
            raise CommandError("--halls, --cases and --years must be positive.")
        prefix = opts["prefix"]
        if not prefix.isalpha() or not prefix.isupper() or not 1 <= len(prefix) <= 5:
            raise CommandError("--prefix: 1 to 5 capital letters.")
        if (
            Hall.objects.filter(code__startswith=prefix, code__regex=r"^[A-Z]+$")
            .filter(code__in=[hall_code(prefix, n) for n in range(halls)])
            .exists()
        ):
            raise CommandError(f"halls {hall_code(prefix, 0)}… exist: pick another --prefix.")
        self.rng = random.Random(opts["seed"])  # noqa: S311 (made-up data, reproducible)
        self.timings: dict[str, float] = {}
        started = self._last = time.monotonic()
        today = timezone.localdate()
        start = today - dt.timedelta(days=round(365 * years))
        cal = synthetic.calendar_for(start, today)
        working = [
            d for d in synthetic.day_range(start, today - dt.timedelta(1)) if cal.is_working(d)
        ]
        per_hall_day = cases / (halls * max(1, len(working)))
        general = max(3, round(per_hall_day / PER_WINDOW))
        with transaction.atomic():
            audit.seal(settle_seconds=0)  # the log so far, so that ours follows its chain
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                # no foreign-key trigger per row (a queue of millions of deferred checks):
                # the references are checked set-wise below, before the commit
                cursor.execute("SET LOCAL session_replication_role = replica")
                self.copier = Copier(cursor)
                dropped = [] if opts["keep_indexes"] else self._drop_indexes(cursor)
                setups = self._halls(prefix, halls, general)
                self._tick("halls and staff")
                people = self._masterdata(setups, cases, today, opts["contribution_months"])
                self._tick("employers, persons, contributions")
                volume = per_hall_day / (general * PER_WINDOW + 1.5)
                counts = self._history(setups, people, cal, start, today, volume, opts["seed"])
                self._tick("visits, cases, ratings, audit entries")
                for _name, sql in dropped:
                    cursor.execute(sql)
                self._tick(f"{len(dropped)} indexes rebuilt")
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
                self._check_references(cursor)
                self._tick("references checked")
                for sql in connection.ops.sequence_reset_sql(no_style(), LOADED):
                    cursor.execute(sql)
        with connection.cursor() as cursor:
            for model in LOADED:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self._tick("analyze")
        total = time.monotonic() - started
        self._report(counts, total)

    # ------------------------------------------------------------------ timing and report

    def _tick(self, what: str) -> None:
        now = time.monotonic()
        last = self._last
        self.timings[what] = now - last
        self._last = now
        self.stdout.write(f"  {what}: {now - last:.1f} s", ending="\n")
        self.stdout.flush()

    def _report(self, counts: dict[str, int], total: float) -> None:
        rows = self.copier.rows
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale: {counts['cases']:,} cases, {counts['visits']:,} visits, "
                f"{counts['entries']:,} audit entries, {counts['seals']:,} seals; "
                f"{rows:,} rows copied in {total:.0f} s ({rows / total:,.0f} rows/s)"
            )
        )
        self.stdout.write(
            f"Staff logins (GENERATED DATA — password for all: {PASSWORD}): "
            "<hall code lowercase>-t1 … (tellers), -s1 (special), -r1 -r2 (reviewers), "
            "-leader, -finance, -auditor, -admin"
        )

    # ------------------------------------------------------------------ integrity

    def _check_references(self, cursor) -> None:
        """Every foreign key of the loaded tables points at a row (one anti-join each, what
        the per-row triggers would have checked)."""
        q = connection.ops.quote_name
        for model in LOADED:
            for f in model._meta.concrete_fields:
                if not f.is_relation:
                    continue
                target = f.related_model._meta
                cursor.execute(
                    f"SELECT count(*) FROM {q(model._meta.db_table)} a "  # noqa: S608
                    f"WHERE a.{q(f.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                    f"{q(target.db_table)} b WHERE b.{q(f.target_field.column)} = a.{q(f.column)})"
                )
                (broken,) = cursor.fetchone()
                if broken:
                    raise CommandError(
                        f"{broken} rows of {model._meta.db_table}.{f.column} point nowhere"
                    )

    # ------------------------------------------------------------------ indexes

    def _drop_indexes(self, cursor) -> list[tuple[str, str]]:
        """The loaded tables' indexes that back no constraint: dropped now, rebuilt after."""
        tables = [m._meta.db_table for m in LOADED]
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.schemaname = current_schema() AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return indexes

    # ------------------------------------------------------------------ halls and staff

    def _halls(self, prefix: str, count: int, general: int) -> list[synthetic.HallSetup]:
        User = get_user_model()
        password = make_password(PASSWORD)
        groups = {g.name: g for g in Group.objects.all()}
        work = Permission.objects.get(
            codename="work_at_window", content_type__app_label="counterhall"
        )
        window_ct = ContentType.objects.get_for_model(Window)
        halls = Hall.objects.bulk_create(
            [
                Hall(
                    code=hall_code(prefix, n),
                    name=f"示例省第{n + 1}社会保险经办大厅",
                    region=f"22{n // 50 + 1:02d}{n % 50 + 1:02d}",
                    address="示例地址（生成数据）",
                )
                for n in range(count)
            ]
        )
        windows = Window.objects.bulk_create(
            [
                Window(
                    hall=hall,
                    number=number,
                    kind=WindowKind.SPECIAL if number == general + 1 else WindowKind.GENERAL,
                )
                for hall in halls
                for number in range(1, general + 2)
            ]
        )
        plan = []  # (hall, username, full name, role, window or None)
        by_hall: dict[int, list[Window]] = {}
        for window in windows:
            by_hall.setdefault(window.hall_id, []).append(window)
        for hall in halls:
            code = hall.code.lower()
            for window in by_hall[hall.pk]:
                special = window.kind == WindowKind.SPECIAL
                role = Role.SPECIAL_CLERK if special else Role.TELLER
                name = f"{code}-s1" if special else f"{code}-t{window.number}"
                plan.append((hall, name, f"柜员{window.number}", role, window))
            for suffix, full, role in (
                ("r1", "复核一", Role.REVIEWER),
                ("r2", "复核二", Role.REVIEWER),
                ("leader", "局长", Role.LEADER),
                ("finance", "财务", Role.FINANCE),
                ("auditor", "稽核", Role.AUDITOR),
                ("admin", "大厅管理员", Role.HALL_ADMIN),
            ):
                plan.append((hall, f"{code}-{suffix}", full, role, None))
        users = User.objects.bulk_create(
            [User(username=u, first_name=full, password=password) for _h, u, full, _r, _w in plan]
        )
        StaffProfile.objects.bulk_create(
            [StaffProfile(user=u, hall=p[0]) for u, p in zip(users, plan, strict=True)]
        )
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=u.pk, group_id=groups[p[3].value].pk)
                for u, p in zip(users, plan, strict=True)
            ]
        )
        UserObjectPermission.objects.bulk_create(
            [
                UserObjectPermission(
                    user=u, permission=work, content_type=window_ct, object_pk=str(p[4].pk)
                )
                for u, p in zip(users, plan, strict=True)
                if p[4] is not None
            ]
        )
        setups = []
        for hall in halls:
            mine = [(u, p) for u, p in zip(users, plan, strict=True) if p[0] is hall]
            person = {p[1].split("-", 1)[1]: synthetic.Person(u.pk, u.username) for u, p in mine}
            setups.append(
                synthetic.HallSetup(
                    id=hall.pk,
                    code=hall.code,
                    windows=[
                        synthetic.Counter(
                            window_id=p[4].pk,
                            number=p[4].number,
                            special=p[4].kind == WindowKind.SPECIAL,
                            teller=synthetic.Person(u.pk, u.username),
                        )
                        for u, p in mine
                        if p[4] is not None
                    ],
                    reviewers=[person["r1"], person["r2"]],
                    signers={
                        Role.LEADER.value: person["leader"],
                        Role.FINANCE.value: person["finance"],
                    },
                    guide=person["admin"],
                    callback=person["admin"],
                    signoff_time=hall.signoff_time,
                    region=hall.region,
                )
            )
        return setups

    # ------------------------------------------------------------------ master data

    def _masterdata(self, setups, cases: int, today: dt.date, months: int) -> dict:
        """Employers and persons per hall (ids reserved here), each person employed by one
        of the hall's employers, and ``months`` pension months (one paid bill per employer
        and month) up to last month."""
        rng = self.rng
        next_employer = (Employer.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        next_person = (InsuredPerson.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        next_bill = (AssessmentBill.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        per_hall_persons = max(20, round(cases * PERSONS_PER_CASE / len(setups)))
        per_hall_employers = max(2, per_hall_persons // EMPLOYEES_PER_EMPLOYER)
        now = timezone.now()
        first_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        periods = []
        month = first_month
        for _i in range(months):
            periods.append(month)
            month = (month - dt.timedelta(days=1)).replace(day=1)
        people: dict[int, tuple[range, range]] = {}
        for setup in setups:
            region = setup.region
            employers = range(next_employer, next_employer + per_hall_employers)
            persons = range(next_person, next_person + per_hall_persons)
            people[setup.id] = (employers, persons)
            self.copier.copy(
                Employer,
                [
                    {
                        "id": pk,
                        "uscc": uscc(region, pk),
                        "name": f"示例企业{pk:06d}有限公司",
                        "name_initials": "",
                        "address": "示例地址",
                        "legal_representative": synthetic.SURNAMES[pk % 100] + "经理",
                        "injury_class": 1 + pk % 8,
                        "bank_account": "",
                        "bank_name": "",
                        "region": region,
                        "status": "active",
                        "registered_on": dt.date(2005, 1, 1) + dt.timedelta(days=pk % 6000),
                        "deregistered_on": None,
                        "registered_by_case_id": None,
                        "deregistered_by_case_id": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for pk in employers
                ],
            )
            person_rows, employment_rows, contribution_rows = [], [], []
            for i, pk in enumerate(persons):
                number, male = resident_id(region, pk)
                birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                category = "male_60" if male else rng.choice(("female_50", "female_55"))
                person_rows.append(
                    {
                        "id": pk,
                        "id_number": number,
                        "name": synthetic.SURNAMES[rng.randrange(100)]
                        + rng.choice(synthetic.GIVEN)
                        + rng.choice(synthetic.GIVEN),
                        "name_initials": "",
                        "sex": "male" if male else "female",
                        "birth_date": birth,
                        "file_birth_date": None,
                        "phone": "",
                        "address": "",
                        "retirement_category": category,
                        "work_start": birth.replace(day=1) + dt.timedelta(days=365 * 20),
                        "deemed_months": 0,
                        "region": region,
                        "status": "active",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                employer = employers[i % len(employers)]
                employment_rows.append(
                    {
                        "person_id": pk,
                        "employer_id": employer,
                        "start": dt.date(2015, 1, 1) + dt.timedelta(days=pk % 3000),
                        "end": None,
                        "end_reason": "",
                        "start_case_id": None,
                        "end_case_id": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            bills = {}
            bill_rows = []
            for employer in employers:
                for period in periods:
                    bills[(employer, period)] = next_bill
                    bill_rows.append(
                        {
                            "id": next_bill,
                            "kind": "monthly",
                            "employer_id": employer,
                            "person_id": None,
                            "period": period,
                            "period_to": None,
                            "due_date": period + dt.timedelta(days=45),
                            "status": "paid",
                            "paid_on": period + dt.timedelta(days=40),
                            "figures": {},
                            "case_id": None,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    next_bill += 1
            cent = Decimal("0.01")
            for i, pk in enumerate(persons):
                employer = employers[i % len(employers)]
                base = Decimal(3000 + (pk * 37) % 9000)
                amounts = {
                    "person_id": pk,
                    "employer_id": employer,
                    "scheme": "pension",
                    "base": base,
                    "employer_amount": (base * Decimal("0.16")).quantize(cent),
                    "individual_amount": (base * Decimal("0.08")).quantize(cent),
                    "account_amount": (base * Decimal("0.08")).quantize(cent),
                    "status": "paid",
                    "created_at": now,
                    "updated_at": now,
                }
                for period in periods:
                    contribution_rows.append(
                        {**amounts, "period": period, "bill_id": bills[(employer, period)]}
                    )
            totals: dict[int, list[Decimal]] = {}
            for row in contribution_rows:
                t = totals.setdefault(row["bill_id"], [Decimal(0), Decimal(0), 0])
                t[0] += row["employer_amount"]
                t[1] += row["individual_amount"]
                t[2] += 1
            for bill in bill_rows:
                employer_total, individual_total, count = totals.get(
                    bill["id"], [Decimal(0), Decimal(0), 0]
                )
                bill.update(
                    employer_total=employer_total,
                    individual_total=individual_total,
                    principal=employer_total + individual_total,
                    total=employer_total + individual_total,
                    amount_paid=employer_total + individual_total,
                    late_fee=Decimal(0),
                    days_late=None,
                    figures={"persons": count},
                )
            self.copier.copy(InsuredPerson, person_rows)
            self.copier.copy(Employment, employment_rows)
            self.copier.copy(AssessmentBill, bill_rows)
            self.copier.copy(Contribution, contribution_rows)
            next_employer += per_hall_employers
            next_person += per_hall_persons
        return people

    # ------------------------------------------------------------------ history

    def _history(self, setups, people, cal, start, today, volume, seed) -> dict[str, int]:
        types = demo.business_types()
        ids = {
            name: (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
            for name, model in HISTORY.items()
            if name != "visit_cases"
        }
        for setup in setups:
            setup.visits_per_window = (8, 14)

        def subjects(rng, hall_id, bt):
            employers, persons = people[hall_id]
            employer = employers[rng.randrange(len(employers))]
            person = persons[rng.randrange(len(persons))]
            if bt.code in ("REG01", "REG02", "REG03", "CON01"):
                return employer, None
            if bt.code in ("REG04", "REG05"):
                return employer, person
            return None, person

        generator = synthetic.Generator(
            seed=seed,
            now=timezone.now(),
            halls=setups,
            types=types,
            ids=ids,
            calendar=cal,
            rectify_days=15,
            subjects=subjects,
            volume=volume,
        )
        key = audit.audit_key()
        last = AuditSeal.objects.order_by("-first_seq").first()
        link = last.digest if last else audit.GENESIS
        seq = last.last_seq if last else 0
        counts = dict.fromkeys(("cases", "visits", "entries", "seals"), 0)
        copy = self.copier.copy
        for days, batch in enumerate(
            synthetic.batches(generator, synthetic.day_range(start, today - dt.timedelta(1))), 1
        ):
            copy(Case, batch.cases)
            copy(Visit, batch.visits)
            copy(Visit.cases.through, batch.visit_cases)
            copy(VisitRating, batch.ratings)
            copy(Rectification, batch.rectifications)
            copy(Signature, batch.signatures)
            if batch.entries:
                rows = []
                first_seq, previous = seq + 1, link
                for e in batch.entries:
                    pk = e.pop("id")
                    row = audit.entry_row(e, key=key)
                    seq += 1
                    link = audit.chain_link(link, pk, row["digest"], key)
                    rows.append({"id": pk, **row, "seq": seq, "chain": link})
                copy(AuditEntry, rows)
                sealed = AuditSeal.objects.create(
                    first_seq=first_seq,
                    first_entry_id=rows[0]["id"],
                    last_entry_id=rows[-1]["id"],
                    entry_count=len(rows),
                    previous_digest=previous,
                    digest=link,
                    key_id=audit.key_fingerprint(key),
                    sealed_at=min(rows[-1]["at"] + dt.timedelta(minutes=5), timezone.now()),
                )
                transaction.on_commit(lambda s=sealed: audit.export_seal(s))
                counts["seals"] += 1
            counts["cases"] += len(batch.cases)
            counts["visits"] += len(batch.visits)
            counts["entries"] += len(batch.entries)
            if days % 30 == 0:
                self.stdout.write(
                    f"    {days} days: {counts['cases']:,} cases, {counts['entries']:,} entries"
                )
                self.stdout.flush()
        CaseSequence.objects.bulk_create(
            [
                CaseSequence(hall_id=h, day=d, last=n)
                for (h, d), n in generator.case_sequences.items()
            ],
            batch_size=5000,
        )
        VisitSequence.objects.bulk_create(
            [
                VisitSequence(hall_id=h, day=d, category=c, last=n)
                for (h, d, c), n in generator.visit_sequences.items()
            ],
            batch_size=5000,
        )
        return counts

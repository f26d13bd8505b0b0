"""The audit log partitioned by month on PostgreSQL (docs/scaling.md "Partitioning").

``manage.py audit_partition`` drives these: ``convert()`` turns the plain
counterhall_auditentry table into one partitioned by range of ``at`` (a partition per month
in the hall's time zone, and a default partition that catches anything outside them),
keeping every index, foreign key and the append-only trigger; ``create_ahead()`` adds the
coming months' partitions; ``detach()`` detaches a sealed old month to a standalone archive
table and records in the audit log which chain positions it took away (an ``audit.archive``
entry, itself chained and sealed), so ``audit.verify`` still verifies the remaining chain
across the gap; ``verify_archive()`` verifies an archived month on its own.

On a partitioned table the primary key is (id, at) and the chain position is unique per
(seq, at): PostgreSQL requires the partition key in every unique constraint. The ids come
from one sequence and ``audit.seal`` gives each position once, so both stay unique; a
migration that alters those constraints must be reviewed for a converted database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

TABLE = "counterhall_auditentry"
SEQUENCE = "counterhall_auditentry_id_part_seq"
TRIGGER = "counterhall_auditentry_append_only"
ARCHIVE_PREFIX = "counterhall_auditarchive_"


class PartitionError(Exception):
    pass


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _bound(day: dt.date) -> str:
    """A month's first midnight in the hall's time zone, as a timestamptz literal."""
    moment = dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())
    return moment.isoformat()


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def archive_name(month: dt.date) -> str:
    return f"{ARCHIVE_PREFIX}{month:%Y_%m}"


def parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
    except ValueError as exc:
        raise PartitionError(f"{value!r}: a month is YYYY-MM") from exc


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise PartitionError("partitioning the audit log needs PostgreSQL")


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        return cursor.fetchone()[0] == "p"


def partitions() -> list[str]:
    """The live partitions' table names, in bound order (the default partition last)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        return [r[0] for r in cursor.fetchall()]


def _create_partition(cursor, month: dt.date) -> bool:
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    cursor.execute(
        f"CREATE TABLE {name} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(_next_month(month))}')"
    )
    return True


def _trigger_sql(table: str) -> str:
    return (
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION counterhall_auditentry_append_only()"
    )


def convert(*, ahead: int = 3) -> list[str]:
    """Turn the plain audit table into a partitioned one, in one transaction holding an
    exclusive lock (writers of audit entries wait for it: run it in a quiet hour; it copies
    every row once). Returns the partitions created."""
    _require_postgresql()
    if is_partitioned():
        raise PartitionError(f"{TABLE} is already partitioned")
    legacy = f"{TABLE}_unpartitioned"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        # what to recreate: indexes other than the constraints', foreign keys
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [TABLE],
        )
        index_defs = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(f"SELECT min(at), coalesce(max(id), 0) FROM {TABLE}")  # noqa: S608 (our table names)
        oldest, max_id = cursor.fetchone()

        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {legacy}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {legacy} INCLUDING DEFAULTS) PARTITION BY RANGE (at)"
        )
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} START WITH {max_id + 1}")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, at)")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_seq_at_uniq UNIQUE (seq, at)")

        today = timezone.localdate()
        first = _month_start(timezone.localtime(oldest).date()) if oldest else _month_start(today)
        created, month = [], first
        last = _month_start(today)
        for _ in range(ahead):
            last = _next_month(last)
        while month <= last:
            _create_partition(cursor, month)
            created.append(partition_name(month))
            month = _next_month(month)
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")

        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {legacy}")  # noqa: S608 (our table names)
        cursor.execute(f"DROP TABLE {legacy}")
        for definition in index_defs:
            cursor.execute(definition.replace(f" ON public.{legacy} ", f" ON public.{TABLE} "))
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        cursor.execute(_trigger_sql(TABLE))
        # the new tables have no planner statistics yet: gather them before the desk's
        # queries are planned on guesses
        cursor.execute(f"ANALYZE {TABLE}")
    return created


def create_ahead(months: int) -> list[str]:
    """Create the partitions of this month and the next ``months`` months if missing."""
    _require_postgresql()
    if not is_partitioned():
        raise PartitionError(f"{TABLE} is not partitioned (run audit_partition --convert)")
    created = []
    month = _month_start(timezone.localdate())
    with transaction.atomic(), connection.cursor() as cursor:
        for _ in range(months + 1):
            if _create_partition(cursor, month):
                created.append(partition_name(month))
            month = _next_month(month)
    return created


@dataclass
class ChainRange:
    """A contiguous run of chain positions taken away with an archived month."""

    first_seq: int
    last_seq: int
    first_id: int
    last_id: int
    start_link: str  # the chain link before first_seq (from the live table or GENESIS)
    last_chain: str  # the chain link at last_seq

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class ArchiveCheck:
    table: str
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _ranges(cursor, table: str) -> list[ChainRange]:
    cursor.execute(f"SELECT seq, id, chain FROM {table} ORDER BY seq")  # noqa: S608
    rows = cursor.fetchall()
    ranges: list[ChainRange] = []
    for seq, pk, chain in rows:
        if ranges and seq == ranges[-1].last_seq + 1:
            r = ranges[-1]
            r.last_seq, r.last_id, r.last_chain = seq, pk, chain
        else:
            ranges.append(ChainRange(seq, seq, pk, pk, "", chain))
    return ranges


def detach(month_text: str, *, actor=None) -> dict:
    """Detach a month's partition to the archive table ``counterhall_auditarchive_YYYY_MM``
    and record the chain ranges it held in an ``audit.archive`` entry. Only a month before
    the current one, every entry of it sealed."""
    from counterhall import audit

    _require_postgresql()
    month = parse_month(month_text)
    if month >= _month_start(timezone.localdate()):
        raise PartitionError("only a month before the current one can be archived")
    name, archive = partition_name(month), archive_name(month)
    if name not in partitions():
        raise PartitionError(f"no live partition {name}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name} WHERE seq IS NULL")  # noqa: S608
        if cursor.fetchone()[0]:
            raise PartitionError(f"{name} has unsealed entries: run audit_seal first")
        ranges = _ranges(cursor, name)
        for r in ranges:
            cursor.execute(f"SELECT chain FROM {TABLE} WHERE seq = %s", [r.first_seq - 1])  # noqa: S608
            before = cursor.fetchone()
            r.start_link = before[0] if before else (audit.GENESIS if r.first_seq == 1 else "")
        if any(not r.start_link for r in ranges):
            # the position before is in an earlier archive: take its recorded link
            known = {
                rec["last_seq"]: rec["last_chain"]
                for entry in archive_records()
                for rec in entry["ranges"]
            }
            for r in ranges:
                r.start_link = r.start_link or known.get(r.first_seq - 1, "")
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cursor.execute(f"ALTER TABLE {name} RENAME TO {archive}")
        # an archive stands alone: no foreign keys into the live tables (the entries keep
        # the actor's name; the ids stay as they were)
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [archive],
        )
        for (constraint,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {archive} DROP CONSTRAINT {constraint}")
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {archive}")
        cursor.execute(_trigger_sql(archive))
        record = {
            "month": f"{month:%Y-%m}",
            "table": archive,
            "entries": sum(r.last_seq - r.first_seq + 1 for r in ranges),
            "ranges": [r.as_dict() for r in ranges],
        }
        audit.record(actor=actor, action="audit.archive", after=record, note=archive)
    return record


def archive_records() -> list[dict]:
    """What each ``audit.archive`` entry says was archived (oldest first)."""
    from counterhall.models import AuditEntry

    return [
        e
        for e in AuditEntry.objects.filter(action="audit.archive")
        .order_by("pk")
        .values_list("after", flat=True)
        if e
    ]


def verify_archive(month_text: str) -> ArchiveCheck:
    """Verify an archive table on its own: every entry's digest, and the chain of each
    recorded range from its recorded start link to its recorded last link."""
    from counterhall import audit

    month = parse_month(month_text)
    table = archive_name(month)
    check = ArchiveCheck(table=table)
    record = next((r for r in archive_records() if r.get("table") == table), None)
    if record is None:
        check.problems.append(f"{table}: no audit.archive entry records it")
        return check
    from counterhall.models import AuditEntry

    # raw() reads the archive table through the model, so values come back as verify()
    # reads them (JSON decoded, times aware)
    rows = AuditEntry.objects.raw(f"SELECT * FROM {table} ORDER BY seq")  # noqa: S608 (our table names)
    by_first = {r["first_seq"]: r for r in record["ranges"]}
    current, link, expected = None, "", None
    for entry in rows:
        check.entries += 1
        pk, seq, chain = entry.pk, entry.seq or 0, entry.chain  # archived: all sealed
        key = audit._key_for(entry.key_id)
        if audit.entry_digest(entry) != entry.digest:
            check.problems.append(f"entry #{pk}: content does not match its digest (altered)")
        if seq != expected:
            current = by_first.get(seq)
            if current is None:
                check.problems.append(f"entry #{pk}: position {seq} starts no recorded range")
                link, expected = chain, seq + 1
                continue
            link = current["start_link"]
        if audit._link(link, pk, entry.digest, key) != chain:
            check.problems.append(f"entry #{pk}: chain link at position {seq} does not match")
        if current is not None and seq == current["last_seq"] and chain != current["last_chain"]:
            check.problems.append(f"entry #{pk}: the range does not end on its recorded link")
        link, expected = chain, seq + 1
    if check.entries != record["entries"]:
        check.problems.append(
            f"{table}: {check.entries} entries, the archive record says {record['entries']}"
        )
    return check

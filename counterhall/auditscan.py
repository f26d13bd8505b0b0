"""Checking the audit log's entries fast: the scan behind ``audit.verify()``.

``audit.verify()`` checks the seals itself and hands the entries to ``scan()``: one stream
of raw rows (no model instances, no Django value conversion; ``at`` read as the canonical
UTC text and ``before``/``after`` as JSON text, see ``select_sql()``) in chain order, with
the state the chain had before the first row. A stream is a *segment*; the log can be cut
into segments by chain position and each scanned in its own process (``scan_ranges()``, on
PostgreSQL, every process reading the same snapshot), because a segment needs nothing from
the ones before it but the stored link and id of the entry just before it (``Start``),
whether an earlier entry was keyed, and the seals. The problems are the ones a single pass
finds, in the same order: the caller joins the segments' lists in chain order.

Imports only the standard library and psycopg, so a worker process starts fast without
Django (``multiprocessing``'s spawn).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

GENESIS = "0" * 64
MAX_PROBLEMS = 50

# The canonical serialisation of an entry's content, the digested bytes: what
# json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) gives for
# the content dict (audit._content_digest, the reference; a test keeps the two equal). The
# keys are fixed, so the sorted frame is written once; strings go through json's C escaper,
# the JSON columns through json's C scanner and C encoder (what json.loads and dumps call,
# without rebuilding the encoder on every call).
_quote = json.encoder.encode_basestring  # C, ensure_ascii=False
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_make_encoder = json.encoder.c_make_encoder  # type: ignore[attr-defined]  # None: no C
_encode = (
    _make_encoder(None, _ENCODER.default, _quote, None, ": ", ", ", True, False, True)
    if _make_encoder is not None
    else None
)
_scan = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]
_FRAME = (
    '{"action": %s, "actor": %s, "actor_name": %s, "after": %s, "at": "%sT%s+00:00", "before": %s, '
    '"hall": %s, "note": %s, "target_id": %s, "target_label": %s, "target_type": %s}'
)


class _Quoted(dict):
    """Quoted forms of the few values a column repeats (actions, staff names, types)."""

    def __missing__(self, value: str) -> str:
        quoted = _quote(value)
        if len(self) < 4096:
            self[value] = quoted
        return quoted


_quoted = _Quoted()
# Canonical forms of JSON texts seen (a log repeats small values such as {"state": …}).
_json_seen: dict[str, str] = {}
_JSON_SEEN_MAX = 4096


def canonical_json(text: str | None) -> str:
    """The canonical form of a stored JSON text: parsed, then dumped with sorted keys."""
    if text is None:
        return "null"
    found = _json_seen.get(text)
    if found is not None:
        return found
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        value, end = json.loads(text), len(text)  # raises the proper error
    if end != len(text):
        value = json.loads(text)  # trailing characters: json.loads says what is wrong
    found = "".join(_encode(value, 0)) if _encode is not None else _ENCODER.encode(value)
    if len(_json_seen) < _JSON_SEEN_MAX and len(text) <= 200:
        _json_seen[text] = found
    return found


def canonical_content(at, actor, actor_name, hall, action, ttype, tid, tlabel, before, after, note):
    """The digested text of one entry: ``at`` the UTC time as the database writes it
    (``select_sql``), ``before``/``after`` JSON text as stored (or None), the rest the
    columns' values."""
    seen, quoted = _json_seen, _quoted
    if len(at) != 26:
        at = _full_microseconds(at)
    return _FRAME % (
        quoted[action],
        "null" if actor is None else actor,
        quoted[actor_name],
        seen.get(after) or canonical_json(after),
        at[:10],
        at[11:],
        seen.get(before) or canonical_json(before),
        "null" if hall is None else hall,
        _quote(note) if note else '""',
        _quote(tid) if tid else '""',
        _quote(tlabel) if tlabel else '""',
        quoted[ttype],
    )


def _full_microseconds(at: str) -> str:
    """'YYYY-MM-DD HH:MM:SS[.f…]' with the fraction written to six digits (PostgreSQL drops
    trailing zeros, SQLite a zero fraction; the digest has isoformat's six)."""
    whole, _, fraction = at.partition(".")
    return f"{whole}.{fraction:0<6}"


def hasher(key: bytes | None) -> Callable[[bytes], str]:
    """The digest function for one key: HMAC-SHA256 with ``key`` (RFC 2104, the padded
    key's inner and outer states computed once and copied), plain SHA-256 for None."""
    sha256 = hashlib.sha256
    if key is None:

        def plain(data: bytes) -> str:
            return sha256(data).hexdigest()

        return plain
    if len(key) > 64:  # SHA-256's block size
        key = sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in key))
    outer = sha256(bytes(b ^ 0x5C for b in key))

    def keyed(data: bytes) -> str:
        i = inner.copy()
        i.update(data)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return keyed


# --------------------------------------------------------------------------- reading rows

# The columns an entry's digest covers, in the order canonical_content() takes them.
CONTENT = (
    "at",
    "actor_id",
    "actor_name",
    "hall_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "before",
    "after",
    "note",
)
# The columns a scan reads, in this order.
COLUMNS = ("id", *CONTENT, "digest", "key_id", "seq", "chain")


def select_sql(table: str, vendor: str) -> str:
    """``SELECT <COLUMNS> FROM table``; add the WHERE and ORDER BY. ``at`` is read as the
    UTC time's text, 'YYYY-MM-DD HH:MM:SS[.ffffff]' (canonical_content makes it ISO), and
    the JSON columns as text."""
    columns = list(COLUMNS)
    if vendor == "postgresql":
        columns[1] = "(at AT TIME ZONE 'UTC')::text"
        columns[9] = "before::text"
        columns[10] = "after::text"
    else:  # SQLite stores the UTC time as that text, and JSON as text
        columns[1] = "CAST(at AS TEXT)"
    return f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608


# ------------------------------------------------------------------------------- scanning


@dataclass(frozen=True)
class Start:
    """The chain just before a segment: the next position expected, the stored link and
    id of the entry before it (from the trusted seal or GENESIS at the very start)."""

    expected: int
    link: str
    previous_pk: int


@dataclass(frozen=True)
class Context:
    """What every segment of one verify shares."""

    keys: dict[str, bytes | None]  # key id → key (None: plain SHA-256)
    ends: dict[int, tuple[int, str, int]]  # a seal's last position → (seal id, digest, entry)
    sealed_to: int  # the last position a seal covers
    last_sealed_entry: int  # the last entry a seal covers
    cutoff: str  # unsealed entries older than this are late ('YYYY-MM-DD HH:MM:SS.ffffff' UTC)
    # archived months' ranges by first position (counterhall.audit_partitions)
    archived: dict[int, dict] = field(default_factory=dict)


@dataclass
class Segment:
    """What scanning one segment found (problems in the order a single pass finds them)."""

    end: Start
    count: int = 0
    unsealed: int = 0
    late: int | None = None  # the first settled entry not sealed
    keyed: bool = False  # an entry of the segment is keyed
    problems: list[str] = field(default_factory=list)
    more: int = 0  # problems past MAX_PROBLEMS, counted only
    cpu: float = 0.0  # CPU seconds the scan took in its process (reading included)


def scan(
    batches: Iterable[list[tuple]], ctx: Context, start: Start, *, keyed_before: bool
) -> Segment:
    """Check a stream of rows (``COLUMNS``), in batches: sealed ones in chain-position
    order, or the unsealed ones in id order. ``keyed_before``: an entry earlier in the log
    is keyed."""
    cpu = time.process_time()
    hashers = {key_id: hasher(key) for key_id, key in ctx.keys.items()}
    ends, sealed_to, last_sealed_entry = ctx.ends, ctx.sealed_to, ctx.last_sealed_entry
    cutoff = ctx.cutoff
    problems: list[str] = []
    more = 0

    def add(text: str) -> None:
        nonlocal more
        if len(problems) < MAX_PROBLEMS:
            problems.append(text)
        else:
            more += 1

    count, unsealed, late = 0, 0, None
    expected, link, previous_pk = start.expected, start.link, start.previous_pk
    keyed_seen = keyed_before
    keyed = False
    for row in itertools.chain.from_iterable(batches):
        count += 1
        pk, digest, key_id, seq, chain = row[0], row[12], row[13], row[14], row[15]
        digest_of = hashers.get(key_id)
        if digest_of is None:
            add(f"entry #{pk}: digested with an unknown key ({key_id})")
        elif digest_of(canonical_content(*row[1:12]).encode()) != digest:
            add(f"entry #{pk}: content does not match its digest (altered)")
        if key_id:
            keyed_seen = keyed = True
        elif keyed_seen:
            add(f"entry #{pk}: not keyed although earlier entries are (rehashed)")
        if seq is None:
            unsealed += 1
            if pk <= last_sealed_entry:
                add(
                    f"entry #{pk}: inside the sealed range (up to #{last_sealed_entry}) but "
                    "not chained (inserted after sealing)"
                )
            elif late is None and row[1] < cutoff:
                late = pk
            continue
        while seq > expected and expected in ctx.archived:
            r = ctx.archived[expected]
            expected, link, previous_pk = r["last_seq"] + 1, r["last_chain"], r["last_id"]
        if seq > expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
            add(
                f"entry at chain position {missing} is missing (deleted): "
                f"between entry #{previous_pk} and entry #{pk}"
            )
        elif seq < expected:  # a position already passed: not part of the chain here
            add(f"entry #{pk}: out of order (chain position {seq}, expected {expected})")
            continue
        elif pk <= previous_pk:
            add(f"entry #{pk}: out of order (chain position {seq} after entry #{previous_pk})")
        if digest_of is not None and digest_of(f"{link}:{pk}:{digest}".encode()) != chain:
            add(
                f"entry #{pk}: chain link at position {seq} does not match "
                "(rehashed, replaced or moved)"
            )
        end = ends.get(seq)
        if end is not None and (end[1] != chain or end[2] != pk):
            add(f"seal #{end[0]}: its digest is not the chain at entry #{pk}")
        if seq > sealed_to:
            add(
                f"entry #{pk}: chained at position {seq} but no seal covers it (a seal was deleted)"
            )
        expected, link, previous_pk = seq + 1, chain, pk
    return Segment(
        end=Start(expected, link, previous_pk),
        count=count,
        unsealed=unsealed,
        late=late,
        keyed=keyed,
        problems=problems,
        more=more,
        cpu=time.process_time() - cpu,
    )


# ------------------------------------------------------- segments in parallel (PostgreSQL)


@dataclass(frozen=True)
class Job:
    """One verify's segments for worker processes: where to read and what they share."""

    conninfo: str
    snapshot: str  # pg_export_snapshot() of the verifying transaction
    table: str
    since_seq: int  # positions up to here are trusted (0: full)
    start: Start  # the chain before position since_seq + 1
    ctx: Context
    itersize: int = 5000


_worker: dict = {}


def _worker_init(job: Job) -> None:
    import psycopg
    from psycopg import sql

    conn = psycopg.connect(job.conninfo, autocommit=True)
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(job.snapshot)))
    _worker.update(conn=conn, job=job)


def pg_batches(conn, sql: str, params: list, itersize: int) -> Iterable[list[tuple]]:
    """Rows of ``sql`` through a server-side cursor (psycopg), ``itersize`` at a time."""
    with conn.cursor(name="counterhall_audit_scan", binary=True) as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(itersize):
            yield batch


def segment_start(conn, job: Job, lower: int | None) -> Start:
    """The chain before position ``lower``: the stored link of the last chained entry
    before it (as a single pass carries it), or the job's start."""
    if lower is None:
        return job.start
    row = conn.execute(
        f"SELECT seq, id, chain FROM {job.table} WHERE seq > %s AND seq < %s "  # noqa: S608
        "ORDER BY seq DESC LIMIT 1",
        [job.since_seq, lower],
    ).fetchone()
    return job.start if row is None else Start(row[0] + 1, row[2], row[1])


def range_where(job: Job, lower: int | None, upper: int | None) -> tuple[str, list]:
    """Chained entries from ``lower`` (None: every position after the trusted ones and,
    in a full run, the ones out of the chain below 1) to before ``upper`` (None: the end)."""
    where, params = ["seq IS NOT NULL"], []
    if lower is not None:
        where.append("seq >= %s")
        params.append(lower)
    elif job.since_seq:
        where.append("seq > %s")
        params.append(job.since_seq)
    if upper is not None:
        where.append("seq < %s")
        params.append(upper)
    return " WHERE " + " AND ".join(where) + " ORDER BY seq", params


def scan_range(task: tuple[int | None, int | None, bool]) -> Segment:
    """Worker: scan the chained entries in [lower, upper) (see ``range_where``)."""
    lower, upper, keyed_before = task
    conn, job = _worker["conn"], _worker["job"]
    where, params = range_where(job, lower, upper)
    batches = pg_batches(conn, select_sql(job.table, "postgresql") + where, params, job.itersize)
    return scan(batches, job.ctx, segment_start(conn, job, lower), keyed_before=keyed_before)


def scan_ranges(job: Job, tasks: list[tuple[int | None, int | None, bool]], jobs: int):
    """The segments' results in order, scanned by ``jobs`` spawned worker processes (a
    worker that cannot start breaks the pool: the verify fails instead of waiting)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(job,),
    ) as pool:
        return list(pool.map(scan_range, tasks))

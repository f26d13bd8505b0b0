"""The one audit log: ``record()`` writes, ``seal()`` and ``verify()`` keep it honest.

Every service calls ``record()`` inside its own transaction, so a change without its audit
entry cannot exist. The log is append-only: the models refuse updates and deletes, and on
PostgreSQL triggers reject UPDATE and DELETE of entries and seals (migrations 0004, 0009).

It is tamper-evident without a global lock on the hot path:

- each entry carries the digest of its own content, an HMAC-SHA256 with the key in
  ``settings.AUDIT_KEY`` (from the environment, never in the database) or a plain SHA-256
  when no key is set (``key_id`` says which);
- ``seal()`` (``manage.py audit_seal``, every few minutes) gives each settled entry, in id
  order, its chain position ``seq`` and link ``chain`` = H(previous link, id, digest), and
  appends an ``AuditSeal`` whose digest is the last link; the seal is also appended to the
  export file (``settings.AUDIT_EXPORT_PATH``), which the database cannot rewrite;
- ``verify()`` (``manage.py audit_verify``) recomputes digests, links and seals and names
  the first entry that is altered, missing or out of order; ``--against FILE`` compares the
  seals with the exported heads. See docs/architecture.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from counterhall import auditscan

if TYPE_CHECKING:
    from counterhall.models import AuditSeal

# Dotted action names with their display labels (Wagtail's LogActionRegistry).
ACTIONS: dict[str, StrOrPromise] = {
    "case.open": _("受理登记"),
    "case.documents": _("核对要件"),
    "case.application": _("填写申请"),
    "case.submit": _("提交复核"),
    "case.notify_missing": _("出具一次性告知书"),
    "case.documents_received": _("补正材料到厅"),
    "case.withdraw": _("撤回"),
    "case.reject": _("不予受理"),
    "case.claim": _("认领复核"),
    "case.release": _("放回队列"),
    "case.approve": _("复核通过"),
    "case.return": _("退回柜员"),
    "case.resubmit": _("重新提交复核"),
    "case.sign": _("集中签批"),
    "case.hold": _("签批暂缓"),
    "case.complete": _("办结"),
    "case.take_over": _("接续办理"),
    "case.reassign": _("移交柜员"),
    "visit.issue": _("取号"),
    "visit.call": _("叫号"),
    "visit.recall": _("重呼"),
    "visit.no_show": _("过号"),
    "visit.start": _("开始办理"),
    "visit.end": _("办理结束"),
    "visit.transfer": _("转窗"),
    "visit.case": _("办事关联业务"),
    "visit.rate": _("办事评价"),
    "bundle.open": _("受理一件事"),
    "bundle.documents": _("一件事核对要件"),
    "bundle.application": _("一件事填写申请"),
    "bundle.notify_missing": _("一件事一次性告知"),
    "bundle.submit": _("一件事提交复核"),
    "rectification.open": _("差评整改立项"),
    "rectification.callback": _("整改回访"),
    "auth.login": _("登录"),
    "auth.logout": _("退出"),
    "pii.view": _("查看完整个人信息"),
    "person.lookup": _("按身份证号码查询人员"),
    "auth.login_failed": _("登录失败"),
    "admin.add": _("后台新增"),
    "admin.change": _("后台修改"),
    "admin.delete": _("后台删除"),
    "admin.grant": _("后台授权"),
    "audit.verify": _("审计日志校验"),
    "audit.key_rotate": _("审计密钥轮换"),
    "audit.archive": _("审计日志月分区归档"),
    "api.token_issue": _("签发接口令牌"),
    "api.token_refused": _("接口令牌申请被拒绝"),
    "api.token_revoke": _("撤销接口令牌"),
}


def register_action(name: str, label) -> None:
    """Business apps add their own actions (e.g. ``employer.change``) in AppConfig.ready."""
    ACTIONS.setdefault(name, label)


def action_label(name: str) -> str:
    return str(ACTIONS.get(name, name))


GENESIS = auditscan.GENESIS
# The columns an entry's digest covers, in the order verify() reads them.
CONTENT = auditscan.CONTENT


# One encoder, built once: what json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False,
# sort_keys=True) builds on every call (the same output, verify() calls it per entry).
_ENCODER = DjangoJSONEncoder(ensure_ascii=False, sort_keys=True)


def _canonical(value) -> str:
    return _ENCODER.encode(value)


def audit_key() -> bytes | None:
    """The current HMAC key (``COUNTERHALL_AUDIT_KEY``), kept outside the database, that
    new entries are digested with; None: plain SHA-256."""
    key = getattr(settings, "AUDIT_KEY", "")
    return key.encode() if key else None


def audit_keys() -> dict[str, bytes | None]:
    """Every key an entry may be digested with, by key id: none (""), the current key and
    the retired ones (``COUNTERHALL_AUDIT_RETIRED_KEYS``, kept after a rotation so that the
    entries made with them still verify; docs/deployment.md)."""
    keys: dict[str, bytes | None] = {"": None}
    for key in (*getattr(settings, "AUDIT_RETIRED_KEYS", ()), getattr(settings, "AUDIT_KEY", "")):
        if key:
            keys[key_fingerprint(key.encode())] = key.encode()
    return keys


def key_fingerprint(key: bytes | None) -> str:
    """What an entry or seal stores to say which key it was digested with ("" = none)."""
    return hashlib.sha256(b"counterhall-audit-key:" + key).hexdigest()[:16] if key else ""


def _hash(key: bytes | None, data: bytes) -> str:
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _content_digest(values, key: bytes | None) -> str:
    at, actor, actor_name, hall, action, ttype, tid, tlabel, before, after, note = values
    if isinstance(at, dt.datetime):
        at = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = {
        "at": at,
        "actor": actor,
        "actor_name": actor_name,
        "hall": hall,
        "action": action,
        "target_type": ttype,
        "target_id": tid,
        "target_label": tlabel,
        "before": before,
        "after": after,
        "note": note,
    }
    return _hash(key, _canonical(content).encode())


class UnknownKey(Exception):
    pass


def _key_for(key_id: str, keys: dict[str, bytes | None] | None = None) -> bytes | None:
    """The key of ``key_id`` in the keyring (``keys``: audit_keys(), when at hand)."""
    if not key_id:
        return None
    key = (keys if keys is not None else audit_keys()).get(key_id)
    if key is None:
        raise UnknownKey(key_id)
    return key


def key_usage() -> dict[str, int]:
    """How many entries each key id digested ("" = none): a rotation checks the keyring."""
    from django.db.models import Count

    from counterhall.models import AuditEntry

    rows = AuditEntry.objects.order_by().values_list("key_id").annotate(n=Count("pk"))
    return dict(rows.values_list("key_id", "n"))


def record_key_rotation():
    """Record that the current key took over (``manage.py audit_rotate_key``): the key id
    before it (the latest entry's with another key) and the retired ones in the keyring;
    None when the latest rotation recorded is to this key already."""
    from counterhall.models import AuditEntry

    key = audit_key()
    if key is None:
        raise UnknownKey("")
    current = key_fingerprint(key)
    latest = AuditEntry.objects.filter(action="audit.key_rotate").order_by("-pk").first()
    if latest is not None and (latest.after or {}).get("key_id") == current:
        return None
    previous = (
        AuditEntry.objects.exclude(key_id=current)
        .order_by("-pk")
        .values_list("key_id", flat=True)
        .first()
    )
    retired = sorted(k for k in audit_keys() if k and k != current)
    return record(
        actor=None,
        action="audit.key_rotate",
        before={"key_id": previous or ""},
        after={"key_id": current, "retired": retired},
    )


def entry_digest(entry) -> str:
    """The digest of everything an auditor relies on in an entry (keyed as its key_id says)."""
    values = [getattr(entry, name) for name in CONTENT]
    return _content_digest(values, _key_for(getattr(entry, "key_id", "")))


def _link(previous: str, pk: int, digest: str, key: bytes | None) -> str:
    """One chain link: the previous link, the entry's id and its digest."""
    return _hash(key, f"{previous}:{pk}:{digest}".encode())


def _normalise(value):
    # Round-trip through JSON so the stored and the digested forms are identical.
    return None if value is None else json.loads(_canonical(value))


def _entry(*, actor, action: str, target=None, before=None, after=None, note: str = "", hall=None):
    """One unsaved entry with its digest (computed over the values as stored)."""
    from counterhall.models import AuditEntry

    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}; add it with register_action().")
    hall_id = hall.pk if hall is not None else getattr(target, "hall_id", None)
    if hall is None and hall_id is None and target is not None:
        hall = getattr(target, "hall", None)
        hall_id = hall.pk if hall is not None else None
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    key = audit_key()
    values = {
        "at": timezone.now(),
        "actor": actor_obj,
        "actor_name": actor_obj.get_username() if actor_obj else str(_("系统")),
        "hall_id": hall_id,
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "target_label": str(target)[:200] if target is not None else "",
        "before": _normalise(before),
        "after": _normalise(after),
        "note": note or "",
    }
    entry = AuditEntry(**values, key_id=key_fingerprint(key))
    entry.digest = entry_digest(entry)
    return entry


def record(*, actor, action: str, target=None, before=None, after=None, note: str = "", hall=None):
    """Append one entry and bump the hall's poll version (``counterhall.polls``). Call it
    inside the service's transaction."""
    entry = _entry(
        actor=actor, action=action, target=target, before=before, after=after, note=note, hall=hall
    )
    entry.save(force_insert=True)
    from counterhall import polls

    polls.bump(entry.hall_id, [action])  # the hall's live fragments see the write
    return entry


def record_many(entries: list[dict]) -> list:
    """Append many entries in one INSERT (a batch act, e.g. the daily sign-off); each dict
    takes ``record()``'s arguments. Call it inside the service's transaction."""
    from counterhall import polls
    from counterhall.models import AuditEntry

    created = AuditEntry.objects.bulk_create([_entry(**e) for e in entries])
    for hall_id in {e.hall_id for e in created}:
        polls.bump(hall_id, [e.action for e in created if e.hall_id == hall_id])
    return created


def content_digest(values, key: bytes | None) -> str:
    """The digest of an entry's content given as a tuple in ``CONTENT`` order, as stored
    (bulk writers that build rows without model instances: ``review``'s seed_scale)."""
    return _content_digest(values, key)


def chain_link(previous: str, pk: int, digest: str, key: bytes | None) -> str:
    """The chain link ``seal()`` gives entry ``pk`` after link ``previous``."""
    return _link(previous, pk, digest, key)


def entry_row(values: dict, *, key: bytes | None, normalised: bool = False) -> dict:
    """A generated entry's row (``counterhall.synthetic``: history written in bulk, with the
    act's own time): ``values`` holds the ``CONTENT`` columns (``actor_id``, ``hall_id``);
    adds ``digest`` and ``key_id``. ``normalised``: before/after are plain JSON already."""
    if values["action"] not in ACTIONS:
        raise ValueError(f"Unregistered audit action {values['action']!r}.")
    if not normalised:
        values = {**values, "before": _normalise(values["before"])}
        values["after"] = _normalise(values["after"])
    digest = _content_digest([values[name] for name in CONTENT], key)
    return {**values, "digest": digest, "key_id": key_fingerprint(key)}


def history_for(target):
    """The audit entries of one object, oldest first: a case's history is its entries."""
    from counterhall.models import AuditEntry

    return (
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


# ------------------------------------------------------------------------------ sealing


def seal(*, settle_seconds: int | None = None):
    """Chain and seal every settled entry that no seal covers yet, in id order.

    Entries are sealed only once they have settled (older than ``settle_seconds``, default
    ``settings.AUDIT_SETTLE_SECONDS``), and the run stops at the first unsettled one, so
    that a transaction still open when the seal runs (with a lower id than a committed one)
    is not skipped. Only this function locks the latest seal; ``record()`` never waits on the
    seal (it bumps the hall's poll version: ``counterhall.polls``).
    """
    from counterhall.lock_objects import lock_last_seal
    from counterhall.models import AuditEntry, AuditSeal

    if settle_seconds is None:
        settle_seconds = settings.AUDIT_SETTLE_SECONDS
    key = audit_key()
    with transaction.atomic():
        last = lock_last_seal()
        after_id = last.last_entry_id if last else 0
        cutoff = timezone.now() - dt.timedelta(seconds=settle_seconds)
        rows = []
        for pk, at, digest, key_id in (
            AuditEntry.objects.filter(pk__gt=after_id)
            .order_by("pk")
            .values_list("pk", "at", "digest", "key_id")
            .iterator(chunk_size=5000)
        ):
            if at > cutoff:
                break
            rows.append((pk, digest, key_id))
        if not rows:
            return None
        previous = last.digest if last else GENESIS
        first_seq = last.last_seq + 1 if last else 1
        links = []
        link = previous
        keys = audit_keys()
        for pk, digest, key_id in rows:
            # each link is keyed like its entry: a keyed entry's link needs the key too
            link = _link(link, pk, digest, _key_for(key_id, keys))
            links.append(link)
        _set_chain([pk for pk, _d, _k in rows], first_seq, links)
        sealed = AuditSeal.objects.create(
            first_seq=first_seq,
            first_entry_id=rows[0][0],
            last_entry_id=rows[-1][0],
            entry_count=len(rows),
            previous_digest=previous,
            digest=link,
            key_id=key_fingerprint(key),
        )
        transaction.on_commit(lambda: export_seal(sealed))
    return sealed


def _set_chain(ids: list[int], first_seq: int, links: list[str]) -> None:
    """Give entries ``ids`` positions from ``first_seq`` on and their links: on PostgreSQL
    one UPDATE … FROM unnest() per 10,000 entries (Django's bulk_update builds a CASE per
    row, quadratic in the batch), elsewhere one prepared UPDATE executed per entry."""
    from counterhall.models import AuditEntry

    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    if connection.vendor != "postgresql":
        # one prepared UPDATE per entry (bulk_update's CASE per row is quadratic: 9 s for
        # the demo month's 10,000 entries on SQLite, this 0.1 s)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, chain = %s WHERE id = %s",  # noqa: S608
                [
                    (first_seq + i, link, pk)
                    for i, (pk, link) in enumerate(zip(ids, links, strict=True))
                ],
            )
        return
    step = 10000
    with connection.cursor() as cursor:
        for start in range(0, len(ids), step):
            cursor.execute(
                f"UPDATE {table} AS e SET seq = v.seq, chain = v.chain "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[]) AS v(id, seq, chain) "
                "WHERE e.id = v.id",
                [
                    ids[start : start + step],
                    list(range(first_seq + start, first_seq + min(start + step, len(ids)))),
                    links[start : start + step],
                ],
            )


def _seal_line(s) -> dict:
    return {
        "seal": s.pk,
        "first_seq": s.first_seq,
        "last_seq": s.last_seq,
        "first_entry": s.first_entry_id,
        "last_entry": s.last_entry_id,
        "previous": s.previous_digest,
        "digest": s.digest,
        "key_id": s.key_id,
        "sealed_at": s.sealed_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }


def export_path() -> Path | None:
    path = getattr(settings, "AUDIT_EXPORT_PATH", "")
    return Path(path) if path else None


def export_seal(s, path: Path | None = None) -> None:
    """Append the seal's head to the export file (one JSON line; opened for appending only:
    make the file append-only for the application's user, see docs/deployment.md)."""
    path = path or export_path()
    if path is None:
        return
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(_seal_line(s), sort_keys=True) + "\n")
        f.flush()


def read_export(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass
class Head:
    """The seal head as printed on the sign-off sheet: from the export file when there is
    one (what the database cannot rewrite), else the latest seal in the database."""

    seal_id: int | None
    last_seq: int
    last_entry_id: int
    digest: str
    sealed_at: dt.datetime
    exported: bool


def exported_head() -> Head | None:
    from counterhall.models import AuditSeal

    path = export_path()
    if path is not None and path.exists():
        lines = read_export(path)
        if lines:
            h = lines[-1]
            return Head(
                seal_id=h["seal"],
                last_seq=h["last_seq"],
                last_entry_id=h["last_entry"],
                digest=h["digest"],
                sealed_at=dt.datetime.fromisoformat(h["sealed_at"]),
                exported=True,
            )
    s = AuditSeal.objects.order_by("-first_seq").first()
    if s is None:
        return None
    return Head(s.pk, s.last_seq, s.last_entry_id, s.digest, s.sealed_at, exported=False)


# ---------------------------------------------------------------------------- verifying


@dataclass
class Verification:
    entries: int
    seals: int
    problems: list[str]
    head: AuditSeal | None = (
        None  # the last seal checked (incremental runs start after it next time)
    )
    since_seq: int = 0  # positions up to this one were trusted (incremental run)
    more: int = 0  # problems not listed (MAX_PROBLEMS)
    unsealed: int = 0  # entries not sealed yet (all recent when ok)
    notes: list[str] = field(default_factory=list)
    segments: int = 1  # the chained entries were scanned in this many segments
    worker_cpu: float = 0.0  # CPU seconds of the segments' scans (in worker processes)

    @property
    def ok(self) -> bool:
        return not self.problems


MAX_PROBLEMS = auditscan.MAX_PROBLEMS


class _Problems(list):
    def __init__(self):
        super().__init__()
        self.more = 0

    def add(self, text: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(text)
        else:
            self.more += 1


def last_verification():
    """The ``audit.verify`` entry of the latest successful ``audit_verify`` run (when, the
    seal and chain position it reached, full or incremental, entries checked), or None."""
    from counterhall.models import AuditEntry

    return AuditEntry.objects.filter(action="audit.verify").order_by("-pk").first()


def last_verified_seal():
    """The seal the latest successful ``audit_verify`` run reached, if it is still there
    unchanged (an ``audit.verify`` entry records it)."""
    from counterhall.models import AuditSeal

    entry = last_verification()
    if entry is None or not entry.after or not entry.after.get("seal"):
        return None
    s = AuditSeal.objects.filter(pk=entry.after["seal"]).first()
    if s is None or s.digest != entry.after.get("digest"):
        return None
    return s


# A full verify cuts the chain into segments of at least this many positions, scanned in
# parallel worker processes (``jobs``) on PostgreSQL.
SEGMENT_MIN = 10_000


def verify(
    *, since=None, against: Path | None = None, max_unsealed_seconds=None, jobs: int = 1
) -> Verification:
    """Recompute entry digests, the chain and the seals; name the first entry that is wrong.

    ``since``: a seal trusted as verified (an incremental run checks the positions after
    it); None checks everything. ``against``: the export file whose seal heads the database
    must still match. Entries older than ``max_unsealed_seconds`` (default
    ``settings.AUDIT_MAX_UNSEALED_SECONDS``) must be sealed. ``jobs``: worker processes
    for the chained entries (PostgreSQL, outside a transaction; see counterhall.auditscan).

    On PostgreSQL outside a transaction, everything is read in one REPEATABLE READ
    snapshot, which the worker processes share (``pg_export_snapshot()``).
    """
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with _snapshot() if snapshot else contextlib.nullcontext() as exported:
        return _verify(
            since=since,
            against=against,
            max_unsealed_seconds=max_unsealed_seconds,
            jobs=jobs if exported else 1,
            snapshot=exported,
        )


@contextlib.contextmanager
def _snapshot():
    """A read-only REPEATABLE READ transaction and its exported snapshot's name."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor.fetchone()[0]


def _verify(*, since, against, max_unsealed_seconds, jobs: int, snapshot) -> Verification:
    from counterhall.models import AuditEntry, AuditSeal

    if max_unsealed_seconds is None:
        max_unsealed_seconds = settings.AUDIT_MAX_UNSEALED_SECONDS
    problems = _Problems()
    start_seq = since.last_seq if since else 0
    start_link = since.digest if since else GENESIS

    # 1. the seals follow one another: no gap, no overlap, each on the previous digest
    seals = list(AuditSeal.objects.filter(first_seq__gt=start_seq).order_by("first_seq", "pk"))
    sealed_to, previous = start_seq, start_link
    for s in seals:
        if s.first_seq > sealed_to + 1:
            problems.add(
                f"seals leave a gap: chain positions {sealed_to + 1}–{s.first_seq - 1} are "
                f"covered by no seal (a seal was deleted) before seal #{s.pk}"
            )
        elif s.first_seq <= sealed_to:
            problems.add(
                f"seal #{s.pk} overlaps the previous seal "
                f"(positions {s.first_seq}–{s.last_seq}, previous seal ends at {sealed_to})"
            )
        if s.previous_digest != previous and s.first_seq == sealed_to + 1:
            problems.add(f"seal #{s.pk} does not follow the previous seal's digest")
        sealed_to, previous = max(sealed_to, s.last_seq), s.digest
    last_sealed_entry = seals[-1].last_entry_id if seals else (since.last_entry_id if since else 0)

    # 2. the entries: the chained ones by position (in segments, in parallel when asked),
    # then the unsealed ones by id; read as raw rows (auditscan)
    cutoff = timezone.now() - dt.timedelta(seconds=max_unsealed_seconds)
    ctx = auditscan.Context(
        keys=audit_keys(),
        ends={s.last_seq: (s.pk, s.digest, s.last_entry_id) for s in seals},
        sealed_to=sealed_to,
        last_sealed_entry=last_sealed_entry,
        cutoff=cutoff.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds"),
        # chain positions detached with an archived month (counterhall.audit_partitions): the
        # chain goes on across them from the link recorded at the archive's end
        archived={
            r["first_seq"]: r
            for after in AuditEntry.objects.filter(action="audit.archive").values_list(
                "after", flat=True
            )
            for r in (after or {}).get("ranges", [])
        },
    )
    job = auditscan.Job(
        conninfo=_conninfo() if jobs > 1 else "",
        snapshot=snapshot or "",
        table=connection.ops.quote_name(AuditEntry._meta.db_table),
        since_seq=start_seq,
        start=auditscan.Start(start_seq + 1, start_link, since.last_entry_id if since else 0),
        ctx=ctx,
    )
    tasks = _segments(job, jobs) if jobs > 1 else []
    if len(tasks) > 1:
        chained = auditscan.scan_ranges(job, tasks, jobs)
    else:
        where, params = auditscan.range_where(job, None, None)
        chained = [auditscan.scan(_rows(job, where, params), ctx, job.start, keyed_before=False)]
    keyed_before = any(segment.keyed for segment in chained)
    pending = auditscan.scan(
        _rows(job, " WHERE seq IS NULL ORDER BY id", []), ctx, job.start, keyed_before=keyed_before
    )
    for segment in [*chained, pending]:
        for problem in segment.problems:
            problems.add(problem)
        problems.more += segment.more
    expected, previous_pk = chained[-1].end.expected, chained[-1].end.previous_pk
    while sealed_to >= expected and expected in ctx.archived:
        r = ctx.archived[expected]
        expected, previous_pk = r["last_seq"] + 1, r["last_id"]
    if sealed_to >= expected:
        problems.add(
            f"the chain ends at position {expected - 1} (entry #{previous_pk}) but the seals "
            f"cover up to position {sealed_to}: entries at the tail were deleted"
        )
    if pending.late is not None:
        problems.add(
            f"entry #{pending.late}: settled but not sealed (run audit_seal; entries older than "
            f"{max_unsealed_seconds} s must be sealed)"
        )

    # 3. the exported heads
    notes: list[str] = []
    if against is not None:
        by_pk = {s.pk: s for s in AuditSeal.objects.all()}
        exported = read_export(against)
        for line in exported:
            found = by_pk.get(line["seal"])
            if found is None:
                problems.add(
                    f"seal #{line['seal']} (positions {line['first_seq']}–{line['last_seq']}, "
                    f"entries #{line['first_entry']}–#{line['last_entry']}) was exported but "
                    "is missing from the database (the log was cut back)"
                )
            elif found.digest != line["digest"] or found.last_seq != line["last_seq"]:
                problems.add(
                    f"seal #{found.pk}: differs from its exported head (entries "
                    f"#{line['first_entry']}–#{line['last_entry']} were rewritten)"
                )
        newest = max((line["seal"] for line in exported), default=0)
        not_exported = [s for s in by_pk.values() if s.pk > newest]
        if not_exported:
            notes.append(f"{len(not_exported)} seal(s) newer than the export file")

    return Verification(
        entries=sum(segment.count for segment in chained) + pending.count,
        seals=len(seals),
        problems=list(problems),
        head=seals[-1] if seals else since,
        since_seq=start_seq,
        more=problems.more,
        unsealed=pending.unsealed,
        notes=notes,
        segments=len(chained),
        worker_cpu=sum(segment.cpu for segment in chained),
    )


def _rows(job: auditscan.Job, where: str, params: list):
    """The rows of ``where`` for ``auditscan.scan()``, in batches: a server-side cursor on
    PostgreSQL (inside verify's transaction), batches of a plain cursor elsewhere."""
    sql = auditscan.select_sql(job.table, connection.vendor) + where
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        yield from auditscan.pg_batches(connection.connection, sql, params, job.itersize)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(job.itersize):
            yield batch


def _segments(job: auditscan.Job, jobs: int) -> list[tuple[int | None, int | None, bool]]:
    """The chain cut into position ranges for ``jobs`` workers: about four per worker, at
    least ``SEGMENT_MIN`` positions each; with whether an entry before each is keyed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(seq), max(seq) FROM {job.table} WHERE seq > %s",  # noqa: S608
            [job.since_seq],
        )
        low, high = cursor.fetchone()
        size = max(SEGMENT_MIN, -(-(high - low + 1) // (4 * jobs))) if low is not None else 0
        if low is None or high - low < size:
            return []  # one segment: scanned in this process
        # the first keyed entry in the stream (the rehash check carries "keyed" forward)
        cursor.execute(
            f"SELECT min(seq) FROM {job.table} "  # noqa: S608
            "WHERE seq IS NOT NULL AND key_id <> ''" + (" AND seq > %s" if job.since_seq else ""),
            [job.since_seq] if job.since_seq else [],
        )
        first_keyed = cursor.fetchone()[0]
    bounds = list(range(low + size, high + 1, size))
    lowers, uppers = [None, *bounds], [*bounds, None]
    return [
        (lower, upper, lower is not None and first_keyed is not None and first_keyed < lower)
        for lower, upper in zip(lowers, uppers, strict=True)
    ]


def _conninfo() -> str:
    """The libpq connection string of the default database, for worker processes."""
    from psycopg.conninfo import make_conninfo

    params = connection.get_connection_params()
    return make_conninfo(
        "",
        **{
            k: v for k, v in params.items() if isinstance(v, str | int) and k != "prepare_threshold"
        },
    )

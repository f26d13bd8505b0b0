"""The one audit log: ``record()`` writes, ``seal()`` and ``verify()`` keep it honest.

Every service calls ``record()`` inside its own transaction, so a change without its audit
entry cannot exist. The log is append-only: the model refuses updates and deletes, and on
PostgreSQL a trigger rejects UPDATE and DELETE (migration 0003). It is tamper-evident without
a global lock on the hot path: each entry carries the SHA-256 digest of its own content, and
``manage.py audit_seal`` periodically chains the digests of settled entries into AuditSeal
rows; ``manage.py audit_verify`` recomputes both. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

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
    "rectification.open": _("差评整改立项"),
    "rectification.callback": _("整改回访"),
    "auth.login": _("登录"),
    "auth.logout": _("退出"),
    "pii.view": _("查看完整个人信息"),
    "person.lookup": _("按身份证号码查询人员"),
}


def register_action(name: str, label) -> None:
    """Business apps add their own actions (e.g. ``employer.change``) in AppConfig.ready."""
    ACTIONS.setdefault(name, label)


def action_label(name: str) -> str:
    return str(ACTIONS.get(name, name))


GENESIS = "0" * 64


def _canonical(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def entry_digest(entry) -> str:
    """SHA-256 over everything an auditor relies on in an entry."""
    at = entry.at
    if isinstance(at, dt.datetime):
        at = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = {
        "at": at,
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "hall": entry.hall_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "before": entry.before,
        "after": entry.after,
        "note": entry.note,
    }
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


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
    return AuditEntry(**values, digest=entry_digest(AuditEntry(**values)))


def record(*, actor, action: str, target=None, before=None, after=None, note: str = "", hall=None):
    """Append one entry. Call it inside the service's transaction."""
    entry = _entry(
        actor=actor, action=action, target=target, before=before, after=after, note=note, hall=hall
    )
    entry.save(force_insert=True)
    return entry


def record_many(entries: list[dict]) -> list:
    """Append many entries in one INSERT (a batch act, e.g. the daily sign-off); each dict
    takes ``record()``'s arguments. Call it inside the service's transaction."""
    from counterhall.models import AuditEntry

    return AuditEntry.objects.bulk_create([_entry(**e) for e in entries])


def history_for(target):
    """The audit entries of one object, oldest first: a case's history is its entries."""
    from counterhall.models import AuditEntry

    return (
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


def _chain(previous: str, digests) -> str:
    h = hashlib.sha256(previous.encode())
    for d in digests:
        h.update(d.encode())
    return h.hexdigest()


def seal(*, settle_seconds: int = 300):
    """Seal every entry older than ``settle_seconds`` that no seal covers yet.

    Entries are sealed only once they have settled, so that a transaction still open when the
    seal runs (with a lower id than a committed one) is not skipped.
    """
    from counterhall.lock_objects import lock_last_seal
    from counterhall.models import AuditEntry, AuditSeal

    with transaction.atomic():
        last = lock_last_seal()
        after_id = last.last_entry_id if last else 0
        cutoff = timezone.now() - dt.timedelta(seconds=settle_seconds)
        rows = list(
            AuditEntry.objects.filter(pk__gt=after_id, at__lte=cutoff)
            .order_by("pk")
            .values_list("pk", "digest")
        )
        if not rows:
            return None
        previous = last.digest if last else GENESIS
        return AuditSeal.objects.create(
            first_entry_id=rows[0][0],
            last_entry_id=rows[-1][0],
            entry_count=len(rows),
            previous_digest=previous,
            digest=_chain(previous, (d for _pk, d in rows)),
        )


@dataclass
class Verification:
    entries: int
    seals: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> Verification:
    """Recompute every entry digest and every seal in the chain."""
    from counterhall.models import AuditEntry, AuditSeal

    problems: list[str] = []
    count = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        count += 1
        if entry_digest(entry) != entry.digest:
            problems.append(f"entry #{entry.pk}: content does not match its digest")
    previous = GENESIS
    seals = list(AuditSeal.objects.order_by("last_entry_id"))
    after_id = 0
    for s in seals:
        if s.previous_digest != previous:
            problems.append(f"seal #{s.pk}: does not follow the previous seal")
        digests = list(
            AuditEntry.objects.filter(pk__gt=after_id, pk__lte=s.last_entry_id)
            .order_by("pk")
            .values_list("digest", flat=True)
        )
        if len(digests) != s.entry_count or _chain(s.previous_digest, digests) != s.digest:
            problems.append(
                f"seal #{s.pk} (entries #{s.first_entry_id}–#{s.last_entry_id}): "
                "entries were changed, added or removed after sealing"
            )
        previous = s.digest
        after_id = s.last_entry_id
    return Verification(entries=count, seals=len(seals), problems=problems)

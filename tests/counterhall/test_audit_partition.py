"""The audit log partitioned by month on PostgreSQL (manage.py audit_partition): converted
with its rows, trigger and chain; new months created ahead; an old month detached to an
archive table while audit_verify still passes on the rest and the archive verifies alone.

The conversion stays in this worker's test database afterwards: the tests that run after
it use a partitioned audit log, as a converted deployment does."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from counterhall import audit
from counterhall import audit_partitions as parts
from counterhall.models import AuditEntry
from tests.clock import HALL_TZ

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def months_ago(n: int) -> dt.date:
    month = timezone.localdate().replace(day=1)
    for _ in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def record_in(month: dt.date, count: int) -> None:
    moment = dt.datetime.combine(month.replace(day=10), dt.time(10), tzinfo=HALL_TZ)
    with time_machine.travel(moment, tick=False):
        for i in range(count):
            audit.record(actor=None, action="audit.verify", note=f"{month:%Y-%m} #{i}")


def test_convert_create_ahead_detach_and_verify(postgres_only, settings):
    settings.AUDIT_SETTLE_SECONDS = 0
    old, middle, last = months_ago(3), months_ago(2), months_ago(1)
    for month, count in ((old, 4), (middle, 3), (last, 2)):
        record_in(month, count)
    audit.record(actor=None, action="audit.verify", note="this month")
    with pytest.raises(CommandError, match="not partitioned"):
        call_command("audit_partition", "--create-ahead=1")
    audit.seal(settle_seconds=0)
    before = AuditEntry.objects.count()
    assert audit.verify().ok

    # converted: partitioned, every row kept, the chain intact, the trigger in force
    call_command("audit_partition", "--convert", "--create-ahead=1")
    assert parts.is_partitioned()
    names = parts.partitions()
    assert parts.partition_name(old) in names
    assert parts.partition_name(months_ago(-1)) in names
    assert "counterhall_auditentry_default" in names
    assert AuditEntry.objects.count() == before
    assert audit.verify().ok
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(note__startswith=f"{old:%Y-%m}").update(note="changed")
    with pytest.raises(CommandError, match="already partitioned"):
        call_command("audit_partition", "--convert")

    # new entries land in their month and are sealed on the same chain
    entry = audit.record(actor=None, action="audit.verify", note="after")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM counterhall_auditentry WHERE id = %s", [entry.pk]
        )
        assert cursor.fetchone()[0] == parts.partition_name(timezone.localdate().replace(day=1))
    assert audit.seal(settle_seconds=0) is not None

    # refused: the current month, a month with unsealed entries, a malformed month
    with pytest.raises(CommandError, match="before the current one"):
        call_command("audit_partition", f"--detach={timezone.localdate():%Y-%m}")
    record_in(last, 1)
    with pytest.raises(CommandError, match="unsealed"):
        call_command("audit_partition", f"--detach={last:%Y-%m}")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("audit_partition", "--detach=2025-13")
    audit.seal(settle_seconds=0)

    # more months ahead
    call_command("audit_partition", "--create-ahead=3")
    assert parts.partition_name(months_ago(-3)) in parts.partitions()

    # the oldest month archived: gone from the live table, the rest still verifies
    call_command("audit_partition", f"--detach={old:%Y-%m}")
    archive = parts.archive_name(old)
    assert parts.partition_name(old) not in parts.partitions()
    assert not AuditEntry.objects.filter(note__startswith=f"{old:%Y-%m}").exists()
    record = AuditEntry.objects.get(action="audit.archive").after
    assert record["table"] == archive and record["entries"] == 4
    audit.seal(settle_seconds=0)
    result = audit.verify()
    assert result.ok, result.problems

    # the middle month too (its start link is the archived month's last link)
    call_command("audit_partition", f"--detach={middle:%Y-%m}")
    audit.seal(settle_seconds=0)
    assert audit.verify().ok

    # each archive verifies on its own, and a change in it is found
    assert parts.verify_archive(f"{old:%Y-%m}").ok
    assert parts.verify_archive(f"{middle:%Y-%m}").ok
    call_command("audit_partition", f"--verify-archive={old:%Y-%m}")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {archive} DISABLE TRIGGER ALL")
        cursor.execute(f"UPDATE {archive} SET note = 'forged' WHERE seq = 2")  # noqa: S608
        cursor.execute(f"ALTER TABLE {archive} ENABLE TRIGGER ALL")
    check = parts.verify_archive(f"{old:%Y-%m}")
    assert not check.ok
    assert "altered" in check.problems[0]
    with pytest.raises(CommandError, match="FAILED"):
        call_command("audit_partition", f"--verify-archive={old:%Y-%m}")

    # an archive keeps the append-only trigger
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {archive}")  # noqa: S608


def test_sqlite_is_refused(settings):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite refusal")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("audit_partition", "--convert")

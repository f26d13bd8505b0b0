"""Tamper evidence of the audit log: every tampering is detected and the first wrong entry
named. The tampering goes behind the application's back (queryset updates and deletes; on
PostgreSQL with the append-only triggers disabled, as a table owner could)."""

import contextlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from counterhall import audit
from counterhall.models import AuditEntry, AuditSeal


@contextlib.contextmanager
def tampering():
    """What an owner or superuser can do: switch the append-only triggers off."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks for ALTER
        cursor.execute("ALTER TABLE counterhall_auditentry DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE counterhall_auditseal DISABLE TRIGGER USER")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE counterhall_auditentry ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE counterhall_auditseal ENABLE TRIGGER USER")


def write(teller, n, *, seal=True):
    entries = [
        audit.record(actor=teller, action="auth.login", after={"n": i}, note=f"第{i}次")
        for i in range(n)
    ]
    if seal:
        audit.seal(settle_seconds=-60)
    return entries


def rehash(pk, **changes):
    """Change an entry and recompute its (plain) digest, as anyone with write access can."""
    with tampering():
        AuditEntry.objects.filter(pk=pk).update(**changes)
        entry = AuditEntry.objects.get(pk=pk)
        AuditEntry.objects.filter(pk=pk).update(digest=audit.entry_digest(entry))


def first_problem():
    result = audit.verify()
    assert not result.ok
    return result.problems[0]


def test_seal_chains_every_settled_entry_in_id_order(teller):
    entries = write(teller, 4)
    stored = list(AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).order_by("pk"))
    assert [e.seq for e in stored] == [1, 2, 3, 4]
    link = audit.GENESIS
    for e in stored:
        link = audit._link(link, e.pk, e.digest, None)
        assert e.chain == link
    s = AuditSeal.objects.get()
    assert (s.first_seq, s.last_seq, s.digest) == (1, 4, stored[-1].chain)
    more = write(teller, 2)
    s2 = AuditSeal.objects.latest("first_seq")
    assert (s2.first_seq, s2.previous_digest, s2.last_entry_id) == (5, s.digest, more[-1].pk)
    assert audit.verify().ok


def test_seal_leaves_unsettled_entries_and_stops_at_the_first(teller):
    write(teller, 2, seal=False)
    assert audit.seal(settle_seconds=3600) is None
    assert AuditEntry.objects.filter(seq__isnull=False).count() == 0
    assert audit.verify().ok  # recent unsealed entries are fine


def test_an_altered_sealed_entry_is_named(teller):
    entries = write(teller, 5)
    with tampering():
        AuditEntry.objects.filter(pk=entries[2].pk).update(note="改过")
    assert first_problem() == f"entry #{entries[2].pk}: content does not match its digest (altered)"


def test_a_rehashed_sealed_entry_is_named(teller):
    entries = write(teller, 5)
    rehash(entries[1].pk, note="改过")
    assert first_problem().startswith(f"entry #{entries[1].pk}: chain link at position 2")


def test_a_rehash_with_the_chain_and_seals_recomputed_is_caught_by_the_export(
    teller, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.AUDIT_EXPORT_PATH = str(tmp_path / "heads.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        entries = write(teller, 3)
    rehash(entries[0].pk, note="改过")
    # rewrite the chain and the seal consistently: the database alone cannot tell
    with tampering():
        link = audit.GENESIS
        for e in AuditEntry.objects.filter(seq__isnull=False).order_by("seq"):
            link = audit._link(link, e.pk, e.digest, None)
            AuditEntry.objects.filter(pk=e.pk).update(chain=link)
        AuditSeal.objects.update(digest=link)
    assert audit.verify().ok
    result = audit.verify(against=tmp_path / "heads.jsonl")
    seal = AuditSeal.objects.get()
    assert result.problems == [
        f"seal #{seal.pk}: differs from its exported head "
        f"(entries #{entries[0].pk}–#{entries[-1].pk} were rewritten)"
    ]


def test_a_rehash_after_the_last_seal_is_named_with_a_key(teller, settings):
    settings.AUDIT_KEY = "a-key-kept-outside-the-database"
    write(teller, 2)
    unsealed = write(teller, 2, seal=False)
    assert AuditEntry.objects.get(pk=unsealed[0].pk).key_id == audit.key_fingerprint(
        b"a-key-kept-outside-the-database"
    )
    with tampering():
        # without the key an attacker can only recompute a plain digest
        AuditEntry.objects.filter(pk=unsealed[1].pk).update(note="改过", key_id="")
        entry = AuditEntry.objects.get(pk=unsealed[1].pk)
        AuditEntry.objects.filter(pk=entry.pk).update(digest=audit.entry_digest(entry))
    assert first_problem() == (
        f"entry #{unsealed[1].pk}: not keyed although earlier entries are (rehashed)"
    )
    with tampering():  # or keep the key id with a digest under a guessed key
        settings.AUDIT_KEY = "a-guess"
        AuditEntry.objects.filter(pk=unsealed[1].pk).update(key_id=unsealed[1].key_id)
        guessed = audit._content_digest(
            [getattr(entry, name) for name in audit.CONTENT], b"a-guess"
        )
        AuditEntry.objects.filter(pk=entry.pk).update(digest=guessed)
    settings.AUDIT_KEY = "a-key-kept-outside-the-database"
    assert first_problem() == (
        f"entry #{unsealed[1].pk}: content does not match its digest (altered)"
    )


def test_keyed_entries_verify_only_with_their_key(teller, settings):
    settings.AUDIT_KEY = "k1"
    write(teller, 3)
    assert audit.verify().ok
    settings.AUDIT_KEY = "k2"
    assert "unknown key" in first_problem()


def test_a_deleted_sealed_entry_is_named_by_position(teller):
    entries = write(teller, 5)
    with tampering():
        AuditEntry.objects.filter(pk=entries[2].pk).delete()
    assert first_problem() == (
        f"entry at chain position 3 is missing (deleted): between entry #{entries[1].pk} "
        f"and entry #{entries[3].pk}"
    )


def test_entries_deleted_at_the_end_of_a_seal_are_detected(teller):
    entries = write(teller, 4)
    with tampering():
        AuditEntry.objects.filter(pk__in=[entries[2].pk, entries[3].pk]).delete()
    assert first_problem() == (
        f"the chain ends at position 2 (entry #{entries[1].pk}) but the seals cover up to "
        "position 4: entries at the tail were deleted"
    )


def test_reordered_entries_are_named(teller):
    entries = write(teller, 4)
    a, b = (AuditEntry.objects.get(pk=e.pk) for e in entries[1:3])
    columns = ["at", "note", "after", "digest"]
    with tampering():  # swap the contents (each still matching its digest)
        AuditEntry.objects.filter(pk=a.pk).update(**{c: getattr(b, c) for c in columns})
        AuditEntry.objects.filter(pk=b.pk).update(**{c: getattr(a, c) for c in columns})
    assert first_problem().startswith(f"entry #{a.pk}: chain link at position 2")


def test_entries_moved_in_the_chain_are_named(teller):
    entries = write(teller, 4)
    a, b = entries[1].pk, entries[2].pk
    with tampering():  # swap the chain positions
        AuditEntry.objects.filter(pk=a).update(seq=-1)
        AuditEntry.objects.filter(pk=b).update(seq=2)
        AuditEntry.objects.filter(pk=a).update(seq=3)
    assert first_problem() == f"entry #{b}: chain link at position 2 does not match " + (
        "(rehashed, replaced or moved)"
    )
    assert f"entry #{a}: out of order (chain position 3 after entry #{b})" in (
        audit.verify().problems
    )


def test_an_entry_moved_out_of_the_chain_is_named(teller):
    entries = write(teller, 3)
    with tampering():
        AuditEntry.objects.filter(pk=entries[1].pk).update(seq=-7)
    problems = audit.verify().problems
    assert problems[0] == f"entry #{entries[1].pk}: out of order (chain position -7, expected 1)"
    assert problems[1] == (
        f"entry at chain position 2 is missing (deleted): between entry #{entries[0].pk} "
        f"and entry #{entries[2].pk}"
    )


def test_deleting_all_seals_is_detected(teller):
    entries = write(teller, 3)
    with tampering():
        AuditSeal.objects.all().delete()
    assert first_problem() == (
        f"entry #{entries[0].pk}: chained at position 1 but no seal covers it (a seal was deleted)"
    )


def test_a_missing_seal_leaves_a_gap(teller):
    write(teller, 2)
    middle = write(teller, 2)
    write(teller, 2)
    with tampering():
        AuditSeal.objects.filter(last_entry_id=middle[-1].pk).delete()
    last = AuditSeal.objects.latest("first_seq")
    assert audit.verify().problems == [
        "seals leave a gap: chain positions 3–4 are covered by no seal (a seal was deleted) "
        f"before seal #{last.pk}"
    ]


def test_an_overlapping_seal_is_detected(teller):
    entries = write(teller, 3)
    s = AuditSeal.objects.get()
    AuditSeal.objects.create(
        first_seq=2,
        first_entry_id=entries[1].pk,
        last_entry_id=entries[2].pk + 1000,
        entry_count=2,
        previous_digest=s.digest,
        digest=s.digest,
    )
    assert "overlaps the previous seal" in first_problem()


def test_settled_entries_must_be_sealed(teller):
    entries = write(teller, 2, seal=False)
    result = audit.verify(max_unsealed_seconds=-60)
    assert result.problems == [
        f"entry #{entries[0].pk}: settled but not sealed (run audit_seal; entries older than "
        "-60 s must be sealed)"
    ]


def test_an_entry_slipped_into_a_sealed_range_is_named(teller):
    write(teller, 3)
    entry = audit._entry(actor=teller, action="auth.login")
    entry.pk = -1
    entry.save(force_insert=True)
    last = AuditSeal.objects.get().last_entry_id
    assert first_problem() == (
        f"entry #-1: inside the sealed range (up to #{last}) but not chained "
        "(inserted after sealing)"
    )


def test_truncating_the_tail_is_caught_against_the_export_file(
    teller, settings, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "heads.jsonl"
    settings.AUDIT_EXPORT_PATH = str(path)
    with django_capture_on_commit_callbacks(execute=True):
        write(teller, 3)
        tail = write(teller, 2)
    heads = [json.loads(line) for line in path.read_text().splitlines()]
    assert [h["last_seq"] for h in heads] == [3, 5]
    last = AuditSeal.objects.latest("first_seq")
    with tampering():  # cut the log back to before the last seal
        AuditSeal.objects.filter(pk=last.pk).delete()
        AuditEntry.objects.filter(pk__in=[e.pk for e in tail]).delete()
    assert audit.verify().ok  # consistent in itself
    result = audit.verify(against=path)
    assert result.problems == [
        f"seal #{last.pk} (positions 4–5, entries #{tail[0].pk}–#{tail[1].pk}) was exported "
        "but is missing from the database (the log was cut back)"
    ]
    with pytest.raises(CommandError, match=r"FAILED.*cut back"):
        call_command("audit_verify", "--against", str(path))


def test_audit_seal_exports_and_audit_verify_compares_by_default(
    teller, settings, tmp_path, capsys, django_capture_on_commit_callbacks
):
    path = tmp_path / "heads.jsonl"
    settings.AUDIT_EXPORT_PATH = str(path)
    write(teller, 2, seal=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit_seal", "--settle-seconds", "-60")
    assert "positions 1–2" in capsys.readouterr().out
    assert json.loads(path.read_text())["last_seq"] == 2
    call_command("audit_verify")
    assert f"checked against {path}" in capsys.readouterr().out
    path.write_text(path.read_text().replace('"last_seq": 2', '"last_seq": 3'))
    with pytest.raises(CommandError, match="differs from its exported head"):
        call_command("audit_verify", "--full")


def test_verify_is_incremental_and_full_on_demand(teller, capsys):
    entries = write(teller, 3)
    call_command("audit_verify")
    assert "intact (full): 3 entries" in capsys.readouterr().out
    recorded = AuditEntry.objects.get(action="audit.verify")
    assert recorded.after["last_seq"] == 3 and recorded.after["full"]
    write(teller, 2)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "intact (from chain position 4)" in out
    # the incremental run trusts what it verified before; --full does not
    with tampering():
        AuditEntry.objects.filter(pk=entries[0].pk).update(note="改过")
    call_command("audit_verify")
    with pytest.raises(CommandError, match=f"entry #{entries[0].pk}: content does not match"):
        call_command("audit_verify", "--full")


def test_the_batch_sheet_head_is_the_exported_one(
    teller, settings, tmp_path, django_capture_on_commit_callbacks
):
    assert audit.exported_head() is None
    write(teller, 2)
    head = audit.exported_head()
    assert head is not None and not head.exported and head.last_seq == 2
    settings.AUDIT_EXPORT_PATH = str(tmp_path / "heads.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        write(teller, 1)
    head = audit.exported_head()
    seal = AuditSeal.objects.latest("first_seq")
    assert head.exported and (head.seal_id, head.digest, head.last_seq) == (
        seal.pk,
        seal.digest,
        3,
    )


@pytest.mark.postgres
def test_postgres_seals_are_append_only(postgres_only, teller):
    write(teller, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.update(digest="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.all().delete()


@pytest.mark.postgres
def test_postgres_trigger_lets_the_seal_set_the_chain_once_and_nothing_else(postgres_only, teller):
    entry = write(teller, 1, seal=False)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(seq=1, chain="x", note="改过")
    audit.seal(settle_seconds=-60)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(seq=7, chain="y")
    assert audit.verify().ok


@pytest.mark.postgres
def test_postgres_tampering_with_the_triggers_on_is_refused(postgres_only, teller):
    entries = write(teller, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).delete()
    assert audit.verify().ok

"""The full verify in parallel (PostgreSQL): the chain cut into position segments, each
scanned by a worker process in the verifying transaction's snapshot. Every tampering is
placed in a segment after the first, where the worker starts from the stored chain just
before its range, and the problems must be exactly those of a single pass (jobs=1)."""

import pytest
from django.core.management import call_command

from counterhall import audit
from counterhall.models import AuditEntry, AuditSeal
from tests.counterhall.test_audit_chain import rehash, tampering

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def log(postgres_only, reference_data, teller, monkeypatch, settings):
    """12 keyed entries in three seals; segments of three positions: 1–3 (with anything
    below 1), 4–6, 7–9, 10 on. Returns the entries by chain position (1-based)."""
    monkeypatch.setattr(audit, "SEGMENT_MIN", 3)
    settings.AUDIT_KEY = "a-key-kept-outside-the-database"
    entries = []
    for n in (5, 4, 3):
        entries += [
            audit.record(actor=teller, action="auth.login", after={"n": i}, note=f"第{i}次")
            for i in range(n)
        ]
        audit.seal(settle_seconds=-60)
    return {i + 1: e.pk for i, e in enumerate(entries)}


def verify_both(segments=4):
    """verify() with two worker processes, checked against a single pass."""
    single = audit.verify(jobs=1)
    parallel = audit.verify(jobs=2)
    assert single.segments == 1 and parallel.segments == segments
    assert (parallel.problems, parallel.more, parallel.entries, parallel.unsealed) == (
        single.problems,
        single.more,
        single.entries,
        single.unsealed,
    )
    return parallel


def test_an_intact_log_verifies_in_segments(log):
    result = verify_both()
    assert result.ok and result.entries == 12


def test_an_altered_entry_in_a_later_segment_is_named(log):
    with tampering():
        AuditEntry.objects.filter(pk=log[8]).update(note="改过")
    assert verify_both().problems == [
        f"entry #{log[8]}: content does not match its digest (altered)"
    ]


def test_a_rehashed_entry_in_a_later_segment_is_named(log, settings):
    settings.AUDIT_KEY = ""  # without the key: a plain digest
    with tampering():
        AuditEntry.objects.filter(pk=log[11]).update(key_id="")
    rehash(log[11], note="改过")
    settings.AUDIT_KEY = "a-key-kept-outside-the-database"
    assert verify_both().problems[:2] == [
        # earlier entries are keyed: known to the worker of positions 10– from the database
        f"entry #{log[11]}: not keyed although earlier entries are (rehashed)",
        f"entry #{log[11]}: chain link at position 11 does not match (rehashed, replaced or moved)",
    ]


def test_an_entry_deleted_at_the_start_of_a_segment_is_named(log):
    with tampering():
        AuditEntry.objects.filter(pk=log[7]).delete()
    assert verify_both().problems == [
        f"entry at chain position 7 is missing (deleted): between entry #{log[6]} "
        f"and entry #{log[8]}",
        f"entry #{log[8]}: chain link at position 8 does not match (rehashed, replaced or moved)",
    ]


def test_entries_deleted_across_a_segment_boundary_are_one_gap(log):
    with tampering():
        AuditEntry.objects.filter(pk__in=[log[6], log[7], log[8]]).delete()
    assert verify_both().problems == [
        f"entry at chain position 6–8 is missing (deleted): between entry #{log[5]} "
        f"and entry #{log[9]}",
        f"entry #{log[9]}: chain link at position 9 does not match (rehashed, replaced or moved)",
    ]


def test_the_tail_deleted_is_detected_by_the_last_segment(log):
    with tampering():
        AuditEntry.objects.filter(pk__in=[log[10], log[11], log[12]]).delete()
    assert verify_both(segments=3).problems == [  # 1–3, 4–6, 7 on
        f"the chain ends at position 9 (entry #{log[9]}) but the seals cover up to "
        "position 12: entries at the tail were deleted"
    ]


def test_entries_swapped_across_a_segment_boundary_are_named(log):
    with tampering():  # positions 6 and 7 swapped: 6 ends one segment, 7 starts the next
        AuditEntry.objects.filter(pk=log[6]).update(seq=-1)
        AuditEntry.objects.filter(pk=log[7]).update(seq=6)
        AuditEntry.objects.filter(pk=log[6]).update(seq=7)
    problems = verify_both().problems
    assert problems[0] == (
        f"entry #{log[7]}: chain link at position 6 does not match (rehashed, replaced or moved)"
    )
    assert f"entry #{log[6]}: out of order (chain position 7 after entry #{log[7]})" in problems


def test_an_entry_moved_out_of_the_chain_is_named(log):
    with tampering():
        AuditEntry.objects.filter(pk=log[9]).update(seq=-7)
    assert verify_both().problems[:2] == [
        f"entry #{log[9]}: out of order (chain position -7, expected 1)",  # the first segment
        f"entry at chain position 9 is missing (deleted): between entry #{log[8]} "
        f"and entry #{log[10]}",
    ]


def test_a_deleted_seal_is_detected(log):
    middle = AuditSeal.objects.get(last_entry_id=log[9])
    with tampering():
        middle.__class__.objects.filter(pk=middle.pk).delete()
    last = AuditSeal.objects.latest("first_seq")
    assert verify_both().problems == [
        "seals leave a gap: chain positions 6–9 are covered by no seal (a seal was deleted) "
        f"before seal #{last.pk}"
    ]


def test_the_first_fifty_problems_and_the_count_match_a_single_pass(
    postgres_only, reference_data, teller, monkeypatch
):
    monkeypatch.setattr(audit, "SEGMENT_MIN", 3)
    entries = [audit.record(actor=teller, action="auth.login", note=str(i)) for i in range(70)]
    audit.seal(settle_seconds=-60)
    with tampering():
        AuditEntry.objects.filter(pk__in=[e.pk for e in entries[5:]]).update(note="改过")
    single = audit.verify(jobs=1)
    parallel = audit.verify(jobs=2)
    assert parallel.segments == 8
    assert len(parallel.problems) == audit.MAX_PROBLEMS and parallel.more == 15
    assert (parallel.problems, parallel.more) == (single.problems, single.more)
    assert parallel.problems[0] == (
        f"entry #{entries[5].pk}: content does not match its digest (altered)"
    )


def test_the_command_verifies_in_worker_processes(log, capsys):
    call_command("audit_verify", "--full", "--jobs", "2")
    assert "intact (full): 12 entries, 3 seals" in capsys.readouterr().out
    with tampering():
        AuditEntry.objects.filter(pk=log[12]).update(note="改过")
    with pytest.raises(Exception, match=f"entry #{log[12]}: content does not match"):
        call_command("audit_verify", "--full", "--jobs", "2")


def test_a_worker_that_cannot_connect_fails_the_verify_instead_of_hanging(log, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setattr(audit, "_conninfo", lambda: "host=127.0.0.1 port=1 dbname=none")
    with pytest.raises(BrokenProcessPool):
        audit.verify(jobs=2)

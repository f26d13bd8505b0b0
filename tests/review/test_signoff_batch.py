"""The daily session signs a batch: exclusions are held with their reason, cases changed
meanwhile are reported and the rest signed, the number of queries does not grow with the
batch, and a failure halfway leaves every case as it was."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counterhall import transitions
from counterhall.models import AuditEntry, Case, CaseState, Signature
from review import services
from tests.review.conftest import bulk_submitted


def awaiting_signoff(*, n, teller, window, reviewer, business_type, roles=("leader", "finance")):
    """Cases the reviewer approved, waiting for sign-off (created in bulk)."""
    cases = bulk_submitted(
        n=n, teller=teller, window=window, business_type=business_type, immediate=False
    )
    now = timezone.now()
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        state=CaseState.AWAITING_SIGNOFF,
        reviewer=reviewer,
        claimed_at=now - dt.timedelta(minutes=30),
        decided_at=now - dt.timedelta(minutes=20),
        signoff_roles=list(roles),
    )
    return [c.pk for c in cases]


@pytest.fixture
def batch(teller, window, reviewer, test_types):
    def make(n):
        return awaiting_signoff(
            n=n, teller=teller, window=window, reviewer=reviewer, business_type=test_types.limited
        )

    return make


def test_a_batch_signs_holds_the_excluded_and_reports_the_changed(batch, leader, finance, hall):
    from counterhall.roles import Role
    from tests import factories

    ids = batch(4)
    other_leader = factories.UserFactory(username="l2", roles=[Role.LEADER], hall=hall)
    services.case_sign(actor=other_leader, case_id=ids[2], seen_state=None)  # just signed

    result = services.signoff_sign_batch(
        actor=leader, case_ids=ids, exclusions={ids[1]: "金额需核实"}
    )

    assert [c.pk for c in result.signed] == [ids[0], ids[3]]
    assert [c.pk for c in result.held] == [ids[1]]
    assert [c.pk for c in result.changed] == [ids[2]]
    held = Case.objects.get(pk=ids[1])
    assert held.state == CaseState.RETURNED and held.return_reasons == ["金额需核实"]
    assert set(Signature.objects.filter(signer=leader).values_list("case_id", flat=True)) == {
        ids[0],
        ids[3],
    }
    assert Case.objects.get(pk=ids[0]).pending_signoff_roles() == ["finance"]
    # finance completes the two signed by the leader
    result = services.signoff_sign_batch(actor=finance, case_ids=[ids[0], ids[3]])
    assert {c.state for c in Case.objects.filter(pk__in=[ids[0], ids[3]])} == {CaseState.APPROVED}
    assert AuditEntry.objects.filter(action="case.sign").count() == 5


def test_an_exclusion_without_a_reason_is_refused(batch, leader):
    ids = batch(2)

    with pytest.raises(ValidationError):
        services.signoff_sign_batch(actor=leader, case_ids=ids, exclusions={ids[0]: "  "})

    assert not Signature.objects.exists()
    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.AWAITING_SIGNOFF}


def test_a_hold_in_the_batch_clears_earlier_signatures(batch, leader, finance):
    ids = batch(1)
    services.signoff_sign_batch(actor=leader, case_ids=ids)

    services.signoff_sign_batch(actor=finance, case_ids=ids, exclusions={ids[0]: "收款账户有误"})

    assert not Signature.objects.exists()
    entry = AuditEntry.objects.get(action="case.hold")
    assert entry.after["cleared_signatures"][0]["signer"] == leader.pk


def _queries(batch, leader, n):
    ids = batch(n)
    leader = type(leader).objects.get(pk=leader.pk)  # nothing cached on the user
    with CaptureQueriesContext(connection) as ctx:
        result = services.signoff_sign_batch(actor=leader, case_ids=ids, exclusions={ids[0]: "x"})
    assert len(result.signed) == n - 1 and len(result.held) == 1
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_batch(batch, leader):
    small = _queries(batch, leader, 10)
    Case.objects.filter(state=CaseState.AWAITING_SIGNOFF).delete()
    large = _queries(batch, leader, 2000)

    assert large == small


def test_a_failure_halfway_leaves_every_case_as_it_was(batch, leader, monkeypatch):
    ids = batch(10)
    calls = []
    real = transitions.has_transition_perm

    def failing(method, user):
        calls.append(1)
        if len(calls) == 15:  # past the sorting, halfway through signing
            raise RuntimeError("power cut")
        return real(method, user)

    monkeypatch.setattr(transitions, "has_transition_perm", failing)
    with pytest.raises(RuntimeError):
        services.signoff_sign_batch(actor=leader, case_ids=ids)

    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.AWAITING_SIGNOFF}
    assert not Signature.objects.exists()
    assert not AuditEntry.objects.filter(action="case.sign").exists()


def test_a_failure_after_the_writes_began_leaves_every_case_as_it_was(batch, leader, monkeypatch):
    ids = batch(10)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # the cases' UPDATE and the audit INSERT have run when the signatures fail
    monkeypatch.setattr(Signature.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.signoff_sign_batch(actor=leader, case_ids=ids, exclusions={ids[0]: "x"})

    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.AWAITING_SIGNOFF}
    assert not Case.objects.filter(signed_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action__in=["case.sign", "case.hold"]).exists()

"""What a transition writes: fire() saves the case through ``case.save()`` (django-fsm's
ConcurrentTransitionMixin guards the UPDATE with the state the case was loaded in) and
appends its audit entry with ``AuditEntry.objects.create``, in the caller's transaction."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import F, signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counterhall import audit, services
from counterhall.exceptions import StaleCase
from counterhall.models import AuditEntry, Case, CaseState
from counterhall.transitions import fire
from review import services as review_services
from review.services import CLAIM_FIELDS
from tests import factories

FIXED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _statements(queries, verb):
    return [q["sql"] for q in queries if q["sql"].startswith(verb)]


def _entries(case):
    return AuditEntry.objects.filter(target_type="counterhall.case", target_id=str(case.pk))


@pytest.mark.parametrize("loaded", ["every column", "the claim's columns"])
def test_claim_writes_the_row_and_its_entry(loaded, teller, window, reviewer, test_types):
    # given a submitted case, loaded whole or with only the columns a claim needs
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    qs = Case.objects.all() if loaded == "every column" else Case.objects.only(*CLAIM_FIELDS)
    loaded_case = qs.get(pk=case.pk)
    before = _entries(case).count()

    # when the reviewer claims it
    with (
        mock.patch.object(timezone, "now", return_value=FIXED),
        transaction.atomic(),
        CaptureQueriesContext(connection) as ctx,
    ):
        fire(loaded_case.claim, actor=reviewer, reviewer=reviewer, at=FIXED)

    # then one UPDATE guarded by the state it was loaded in, one INSERT of the entry
    (update,) = _statements(ctx.captured_queries, "UPDATE")
    assert "state" in update.split("WHERE")[1]
    assert len(_statements(ctx.captured_queries, "INSERT")) == 1
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.IN_REVIEW
    assert stored.reviewer == reviewer and stored.claimed_at == FIXED
    assert stored.updated_at == FIXED  # auto_now stamped by save()
    assert stored.applicant_name == case.applicant_name  # columns not loaded are kept
    assert stored.payload == case.payload
    entry = _entries(case).latest("pk")
    assert _entries(case).count() == before + 1
    assert (entry.action, entry.actor, entry.at) == ("case.claim", reviewer, FIXED)
    assert entry.before == {"state": CaseState.SUBMITTED}
    assert entry.after == {"state": CaseState.IN_REVIEW}
    assert entry.hall_id == case.hall_id and entry.target_label == str(stored)[:200]


def test_a_second_transition_on_the_same_instance_is_guarded_by_the_new_state(
    teller, window, reviewer, test_types
):
    # save() re-reads the state it guards with: the instance can go on to its next act.
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    with transaction.atomic():
        fire(case.claim, actor=reviewer, reviewer=reviewer, at=timezone.now())
        fire(case.release, actor=None, system=True)
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


def test_stale_instance_raises_stale_case_and_writes_nothing(teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    stale = Case.objects.get(pk=case.pk)
    services.case_withdraw(actor=teller, case_id=case.pk, seen_state=None, reason="撤回")
    entries = _entries(case).count()

    with transaction.atomic():
        with pytest.raises(StaleCase):
            fire(stale.reject, actor=teller, at=stale.created_at, reasons=["x"])
        # Whoever catches it cannot commit the rest of the block by mistake.
        assert transaction.get_connection().needs_rollback

    assert Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN
    assert _entries(case).count() == entries


def test_a_vanished_row_is_stale_not_inserted_again(teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    ghost = Case.objects.get(pk=case.pk)
    ghost.pk = 10**9  # a row that does not exist
    with transaction.atomic(), pytest.raises(StaleCase):
        fire(ghost.withdraw, actor=teller, at=timezone.now())
    assert not Case.objects.filter(pk=10**9).exists()


def test_an_error_after_the_save_rolls_the_transition_back(teller, window, reviewer, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    entries = _entries(case).count()

    with (
        mock.patch.object(audit, "entry_digest", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=CaseState.SUBMITTED)

    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.SUBMITTED and stored.reviewer is None
    assert _entries(case).count() == entries


def test_an_expression_is_written_and_read_back(teller, window, reviewer, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    trips = case.round_trips
    case.round_trips = F("round_trips") + 1
    with transaction.atomic():
        fire(case.claim, actor=reviewer, reviewer=reviewer, at=timezone.now())
    case.refresh_from_db(fields=["round_trips"])
    assert case.round_trips == trips + 1
    assert Case.objects.get(pk=case.pk).round_trips == trips + 1


def test_save_receivers_see_the_transition(teller, window, reviewer, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((instance.pk, instance.state))

    signals.pre_save.connect(receiver, sender=Case)
    try:
        review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=CaseState.SUBMITTED)
    finally:
        signals.pre_save.disconnect(receiver, sender=Case)
    assert seen == [(case.pk, CaseState.IN_REVIEW)]
    assert Case.objects.get(pk=case.pk).reviewer == reviewer


def test_recorded_entries_are_stored_as_digested(teller):
    # The digest is computed before the insert and must match what was stored.
    for _ in range(3):
        entry = audit.record(actor=teller, action="auth.login", after={"金额": "12.50", "n": 1})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.after == {"金额": "12.50", "n": 1} and stored.before is None
    assert stored.digest == entry.digest == audit.entry_digest(stored)
    assert audit.verify().ok


def test_an_audit_save_receiver_sees_the_entry(teller):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.action, created))

    signals.post_save.connect(receiver, sender=AuditEntry)
    try:
        entry = audit.record(actor=teller, action="auth.login")
    finally:
        signals.post_save.disconnect(receiver, sender=AuditEntry)
    assert seen == [("auth.login", True)] and entry.pk is not None

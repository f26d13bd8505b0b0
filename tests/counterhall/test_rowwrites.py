"""counterhall.rowwrites writes exactly what Model.save() writes, compiled once: the SQL
executed by both paths is compared, on SQLite and on PostgreSQL."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import F, Value, signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin

from counterhall import audit, rowwrites, services
from counterhall.exceptions import StaleCase
from counterhall.models import AuditEntry, Case, CaseState
from counterhall.transitions import fire
from review.services import CLAIM_FIELDS
from tests import factories

FIXED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _statements(queries, verb):
    return [q["sql"] for q in queries if q["sql"].startswith(verb)]


@pytest.fixture
def frozen_now():
    # auto_now and the audit time read timezone.now(): one value for both paths.
    with mock.patch.object(timezone, "now", return_value=FIXED):
        yield FIXED


@pytest.mark.parametrize("loaded", ["every column", "the claim's columns"])
def test_case_update_is_the_sql_save_executes(loaded, teller, window, test_types, frozen_now):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    qs = Case.objects.all() if loaded == "every column" else Case.objects.only(*CLAIM_FIELDS)
    by_orm, by_rowwrites = qs.get(pk=case.pk), qs.get(pk=case.pk)

    with CaptureQueriesContext(connection) as orm:
        by_orm.save()
    with CaptureQueriesContext(connection) as direct:
        assert rowwrites.update_loaded(by_rowwrites, where={"state": CaseState.SUBMITTED}) == 1

    assert _statements(direct.captured_queries, "UPDATE") == _statements(
        orm.captured_queries, "UPDATE"
    )
    assert len(direct.captured_queries) == 1


def test_update_writes_null_and_then_a_value_for_the_same_column(teller, window, test_types):
    # The compiler writes ``col = NULL`` for None: that is a different statement, not a
    # cached one with the wrong number of parameters.
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    case.reviewer = None
    assert rowwrites.update_loaded(case, where={"state": CaseState.SUBMITTED}) == 1
    case.reviewer = teller
    assert rowwrites.update_loaded(case, where={"state": CaseState.SUBMITTED}) == 1
    assert Case.objects.get(pk=case.pk).reviewer == teller
    case.reviewer = None
    assert rowwrites.update_loaded(case, where={"state": CaseState.SUBMITTED}) == 1
    assert Case.objects.get(pk=case.pk).reviewer is None


def test_update_guarded_by_where_touches_nothing_when_the_row_moved(teller, window, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    case.applicant_name = "改过的名字"
    assert rowwrites.update_loaded(case, where={"state": CaseState.IN_REVIEW}) == 0
    assert Case.objects.get(pk=case.pk).applicant_name != "改过的名字"


def test_what_needs_model_save_is_not_written(teller, window, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    case.applicant_name = Value("表达式写入")
    assert rowwrites.update_loaded(case, where={"state": CaseState.SUBMITTED}) is None
    case.applicant_name = "新名字"
    assert rowwrites.update_loaded(case, where={"state": None}) is None  # would be IS NULL
    unsaved = Case.objects.get(pk=case.pk)
    unsaved.pk = None
    assert rowwrites.update_loaded(unsaved, where={"state": CaseState.SUBMITTED}) is None
    assert Case.objects.get(pk=case.pk).applicant_name != "新名字"
    # Nothing of these was cached: an ordinary write of the case still works.
    assert rowwrites.update_loaded(case, where={"state": CaseState.SUBMITTED}) == 1


def test_an_expression_goes_through_save_and_is_read_back(teller, window, reviewer, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    trips = case.round_trips
    case.round_trips = F("round_trips") + 1
    with transaction.atomic():
        fire(case.claim, actor=reviewer, reviewer=reviewer, at=timezone.now())
    assert case.round_trips == trips + 1  # save() returned the value
    assert Case.objects.get(pk=case.pk).round_trips == trips + 1


def test_audit_insert_is_the_sql_save_executes(teller, frozen_now):
    def entry():
        return AuditEntry(
            at=timezone.now(),
            actor=teller,
            actor_name=teller.get_username(),
            hall_id=teller.staff.hall_id,
            action="auth.login",
            before={"状态": "草稿", "n": 1},
            after=None,
            note="",
            digest="0" * 64,
        )

    by_orm, by_rowwrites = entry(), entry()
    with CaptureQueriesContext(connection) as orm:
        by_orm.save(force_insert=True)
    with CaptureQueriesContext(connection) as direct:
        rowwrites.insert(by_rowwrites)

    assert _statements(direct.captured_queries, "INSERT") == _statements(
        orm.captured_queries, "INSERT"
    )
    assert by_rowwrites.pk == by_orm.pk + 1 and not by_rowwrites._state.adding
    stored = AuditEntry.objects.get(pk=by_rowwrites.pk)
    assert stored.before == {"状态": "草稿", "n": 1} and stored.after is None
    assert stored.at == FIXED


def test_recorded_entries_verify(teller):
    # The digest is computed before the insert and must match what was stored.
    for _ in range(3):
        audit.record(actor=teller, action="auth.login", after={"金额": "12.50"})
    assert audit.verify().ok


def test_a_save_receiver_makes_fire_use_model_save(teller, window, reviewer, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((instance.pk, instance.state))

    signals.pre_save.connect(receiver, sender=Case)
    try:
        assert not rowwrites.direct_writes(Case)
        services.case_claim(actor=reviewer, case_id=case.pk, seen_state=CaseState.SUBMITTED)
    finally:
        signals.pre_save.disconnect(receiver, sender=Case)
    assert seen == [(case.pk, CaseState.IN_REVIEW)]
    assert rowwrites.direct_writes(Case)
    assert Case.objects.get(pk=case.pk).reviewer == reviewer


@pytest.mark.parametrize("direct", [True, False], ids=["rowwrites", "model save"])
def test_stale_instance_raises_on_both_paths(direct, teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    stale = Case.objects.get(pk=case.pk)
    services.case_withdraw(actor=teller, case_id=case.pk, seen_state=None, reason="撤回")
    with (
        mock.patch.object(rowwrites, "direct_writes", return_value=direct),
        transaction.atomic(),
    ):
        with pytest.raises(StaleCase):
            fire(stale.reject, actor=teller, at=stale.created_at, reasons=["x"])
        # Whoever catches it cannot commit the rest of the block by mistake.
        assert transaction.get_connection().needs_rollback
    assert Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN


def test_case_save_is_the_one_fire_replays():
    # rowwrites writes a case without calling save(): a save() of Case's own would be
    # skipped on the hot path. Add it to transitions._save (or make it fall back) first.
    assert Case.save is ConcurrentTransitionMixin.save


def test_state_fields_are_the_fsm_fields():
    case = Case()
    assert [f.name for f in case.state_fields] == ["state"]


def test_shapes_past_the_bound_are_compiled_per_call(teller, window, test_types, monkeypatch):
    monkeypatch.setattr(rowwrites, "_updates", {})
    monkeypatch.setattr(rowwrites, "MAX_SHAPES", 1)
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case = Case.objects.get(pk=case.pk)
    case.reviewer = teller
    assert rowwrites.update_loaded(case, where={"state": CaseState.SUBMITTED}) == 1
    case.reviewer = None  # another shape: written, not kept
    assert rowwrites.update_loaded(case, where={"state": CaseState.SUBMITTED}) == 1
    assert len(rowwrites._updates) == 1
    assert Case.objects.get(pk=case.pk).reviewer is None


def test_an_audit_save_receiver_makes_record_use_model_save(teller):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.action)

    signals.post_save.connect(receiver, sender=AuditEntry)
    try:
        entry = audit.record(actor=teller, action="auth.login")
    finally:
        signals.post_save.disconnect(receiver, sender=AuditEntry)
    assert seen == ["auth.login"] and entry.pk is not None

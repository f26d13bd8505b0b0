"""A worker dying mid-way (simulated by an exception injected at each step) leaves no partial
state on PostgreSQL: no half-moved case, no audit entry without its change, no change
without its entry, no signature without its sign, no seal without its chain positions."""

from unittest import mock

import pytest

from counterhall import audit, registry, services, transitions
from counterhall.models import AuditEntry, AuditSeal, Case, CaseState, Signature
from registration.models import Employer
from review import services as review_services
from tests import casework
from tests.registration.test_handlers import REG01_DATA
from tests.review.test_signoff_batch import awaiting_signoff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class Killed(Exception):
    """The injected failure: the worker dies here."""


def die(*args, **kwargs):
    raise Killed


def after(real):
    """``real`` runs (its rows written), then the worker dies."""

    def wrapper(*args, **kwargs):
        real(*args, **kwargs)
        raise Killed

    return wrapper


def snapshot(case_ids):
    return (
        list(Case.objects.filter(pk__in=case_ids).order_by("pk").values_list("pk", "state")),
        AuditEntry.objects.count(),
        Signature.objects.count(),
    )


@pytest.fixture
def drafted(postgres_only, teller, window):
    return casework.intake("REG01", REG01_DATA, teller=teller, window=window)


@pytest.mark.parametrize(
    "step",
    [
        ("counterhall.transitions._save", die),  # before the UPDATE
        ("counterhall.transitions._save", after(transitions._save)),  # after it, before audit
        ("counterhall.audit.record", after(audit.record)),  # after the entry, before commit
    ],
    ids=["before-update", "after-update", "after-audit"],
)
def test_a_transition_killed_at_any_step_leaves_the_case_as_it_was(drafted, teller, step):
    before = snapshot([drafted.pk])
    target, effect = step
    with mock.patch(target, effect), pytest.raises(Killed):
        services.case_submit(actor=teller, case_id=drafted.pk, seen_state=None)
    assert snapshot([drafted.pk]) == before
    assert Case.objects.get(pk=drafted.pk).state == CaseState.DRAFT


def test_completion_killed_during_apply_writes_no_master_data(drafted, teller, reviewer):
    casework.approve(drafted, teller=teller, reviewer=reviewer)
    handler = registry.get_handler("REG01")
    before = snapshot([drafted.pk])

    def apply_then_die(case, actor):
        handler.apply(case, actor)
        assert Employer.objects.filter(uscc=REG01_DATA["uscc"]).exists()  # written, then…
        raise Killed

    fake = mock.Mock(wraps=handler, apply=apply_then_die)
    with (
        mock.patch.object(services.registry, "get_handler", return_value=fake),
        pytest.raises(Killed),
    ):
        services.case_complete(actor=teller, case_id=drafted.pk, seen_state=None)
    assert snapshot([drafted.pk]) == before
    assert not Employer.objects.exists()
    assert Case.objects.get(pk=drafted.pk).state == CaseState.APPROVED


def test_completion_killed_after_apply_before_its_entry_writes_nothing(drafted, teller, reviewer):
    casework.approve(drafted, teller=teller, reviewer=reviewer)
    before = snapshot([drafted.pk])
    applied = []
    real_get_handler = registry.get_handler

    def get_handler(code):
        handler = real_get_handler(code)
        return mock.Mock(wraps=handler, apply=lambda c, a: applied.append(handler.apply(c, a)))

    # apply has written the employer; the completing transition (fire) dies
    with (
        mock.patch.object(services.registry, "get_handler", get_handler),
        mock.patch.object(services, "fire", die),
        pytest.raises(Killed),
    ):
        services.case_complete(actor=teller, case_id=drafted.pk, seen_state=None)
    assert applied  # the effect ran before the failure
    assert snapshot([drafted.pk]) == before
    assert not Employer.objects.exists()


@pytest.mark.parametrize(
    "step",
    [
        ("counterhall.transitions.audit.record_many", die),  # after the bulk UPDATE
        ("counterhall.transitions.audit.record_many", after(audit.record_many)),
        ("review.services.Signature.objects.bulk_create", die),  # after the entries
    ],
    ids=["after-update", "after-entries", "at-signatures"],
)
def test_a_signoff_batch_killed_midway_signs_nothing(
    postgres_only, teller, window, reviewer, leader, test_types, step
):
    ids = awaiting_signoff(
        n=4, teller=teller, window=window, reviewer=reviewer, business_type=test_types.limited
    )
    before = snapshot(ids)
    target, effect = step
    with mock.patch(target, effect), pytest.raises(Killed):
        review_services.signoff_sign_batch(
            actor=leader, case_ids=ids[:3], exclusions={ids[3]: "金额需核实"}
        )
    assert snapshot(ids) == before
    assert set(Case.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        CaseState.AWAITING_SIGNOFF
    }


def seal_state():
    return (
        AuditSeal.objects.count(),
        AuditEntry.objects.filter(seq__isnull=False).count(),
        AuditEntry.objects.exclude(chain="").filter(chain__isnull=False).count(),
    )


@pytest.mark.parametrize(
    "step",
    [
        ("counterhall.audit._set_chain", after(audit._set_chain)),  # positions set, no seal
        ("counterhall.models.AuditSeal.objects.create", die),
    ],
    ids=["after-chain", "at-seal-row"],
)
def test_a_seal_killed_midway_leaves_no_seal_without_its_chain(postgres_only, teller, step):
    audit.seal(settle_seconds=-60)  # everything so far sealed
    for i in range(5):
        audit.record(actor=teller, action="auth.login", after={"n": i})
    before = seal_state()
    target, effect = step
    with mock.patch(target, effect), pytest.raises(Killed):
        audit.seal(settle_seconds=-60)
    assert seal_state() == before
    assert audit.verify().ok
    sealed = audit.seal(settle_seconds=-60)  # the next run seals them whole
    assert sealed is not None and sealed.entry_count == 5
    assert audit.verify().ok

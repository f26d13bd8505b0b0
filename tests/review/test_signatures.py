"""Signatures are rows (case, role, signer, acting-for, time) written with the case's move
and its audit entry: both roles in either order, one person signs once, a hold clears the
signatures and records why, and a failure leaves neither signature nor move."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied

from counterhall import audit
from counterhall.models import AuditEntry, Case, CaseState, Signature
from review import services
from tests import factories


@pytest.fixture
def awaiting(teller, window, reviewer, test_types):
    def make():
        return factories.approved_case(
            teller=teller, window=window, business_type=test_types.limited, reviewer=reviewer
        )

    return make


@pytest.mark.parametrize("order", [("leader", "finance"), ("finance", "leader")])
def test_both_roles_sign_in_either_order(awaiting, leader, finance, order):
    case = awaiting()
    signers = {"leader": leader, "finance": finance}
    first, second = (signers[role] for role in order)

    case = services.case_sign(actor=first, case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF)
    assert case.state == CaseState.AWAITING_SIGNOFF
    assert case.pending_signoff_roles() == [order[1]]
    case = services.case_sign(actor=second, case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF)

    assert case.state == CaseState.APPROVED and case.signed_at is not None
    rows = Signature.objects.filter(case=case).order_by("signed_at", "pk")
    assert [(s.role, s.signer, s.acting_for) for s in rows] == [
        (order[0], first, None),
        (order[1], second, None),
    ]
    entries = AuditEntry.objects.filter(action="case.sign", target_id=str(case.pk))
    assert [e.after["role"] for e in entries.order_by("pk")] == list(order)


def test_one_person_signs_once_even_holding_both_roles(awaiting, hall):
    from counterhall.roles import Role

    both = factories.UserFactory(username="lf", roles=[Role.LEADER, Role.FINANCE], hall=hall)
    case = awaiting()
    services.case_sign(actor=both, case_id=case.pk, seen_state=None)

    with pytest.raises(PermissionDenied):
        services.case_sign(actor=both, case_id=case.pk, seen_state=None)
    assert Signature.objects.filter(case=case).count() == 1


def test_a_hold_after_one_signature_clears_it_and_records_why(awaiting, leader, finance):
    case = awaiting()
    services.case_sign(actor=leader, case_id=case.pk, seen_state=None)

    case = services.case_hold(
        actor=finance, case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF, reasons=["金额有误"]
    )

    assert case.state == CaseState.RETURNED and case.return_reasons == ["金额有误"]
    assert not Signature.objects.filter(case=case).exists()
    entry = AuditEntry.objects.get(action="case.hold", target_id=str(case.pk))
    assert entry.after["reasons"] == ["金额有误"]
    assert [(s["role"], s["signer"]) for s in entry.after["cleared_signatures"]] == [
        ("leader", leader.pk)
    ]


def test_after_a_hold_and_resubmission_both_sign_afresh(
    awaiting, teller, reviewer, leader, finance
):
    from counterhall import services as core

    case = awaiting()
    services.case_sign(actor=leader, case_id=case.pk, seen_state=None)
    services.case_hold(actor=finance, case_id=case.pk, seen_state=None, reasons=["补充说明"])
    core.case_resubmit(actor=teller, case_id=case.pk, seen_state=CaseState.RETURNED)
    services.case_take_next(actor=reviewer)
    services.case_approve(actor=reviewer, case_id=case.pk, seen_state=CaseState.IN_REVIEW)

    case = Case.objects.get(pk=case.pk)
    assert case.pending_signoff_roles() == ["leader", "finance"]
    services.case_sign(actor=leader, case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF)


def test_a_failure_after_the_move_leaves_neither_signature_nor_move(awaiting, leader, monkeypatch):
    case = awaiting()

    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.case_sign(actor=leader, case_id=case.pk, seen_state=None)

    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_SIGNOFF
    assert not Signature.objects.exists()


def test_migration_carries_json_signoffs_over(awaiting, leader):
    case = awaiting()
    migration = importlib.import_module("counterhall.migrations.0006_signatures")

    class Fake:
        """The historical models of the migration's step, over today's tables."""

        def get_model(self, app, name):
            if name == "Case":
                return FakeCase
            return global_apps.get_model(app, name)

    class FakeCase:
        class objects:
            @staticmethod
            def exclude(**kwargs):
                class Row:
                    pk = case.pk
                    signed_at = None
                    updated_at = case.updated_at
                    signoffs = {
                        "leader": {
                            "user": leader.pk,
                            "name": "l1",
                            "at": case.updated_at.isoformat(),
                        }
                    }

                class Rows(list):
                    def only(self, *fields):
                        return self

                return Rows([Row()])

    migration.signoffs_to_rows(Fake(), None)

    row = Signature.objects.get(case=case)
    assert (row.role, row.signer, row.signed_at) == ("leader", leader, case.updated_at)

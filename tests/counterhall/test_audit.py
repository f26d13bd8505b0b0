import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, transaction

from counterhall import audit, services
from counterhall.models import AuditEntry, Case
from tests import factories


def test_audit_entry_is_written_in_the_services_transaction(teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    count = AuditEntry.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
        raise RuntimeError("the request failed after the service")

    assert AuditEntry.objects.count() == count
    assert Case.objects.get(pk=case.pk).state == "draft"


def test_entry_records_actor_action_target_states(teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    services.case_submit(actor=teller, case_id=case.pk, seen_state=None)

    entry = AuditEntry.objects.filter(action="case.submit").get()
    assert entry.actor == teller and entry.hall == case.hall
    assert entry.target_type == "counterhall.case" and entry.target_id == str(case.pk)
    assert entry.before == {"state": "draft"} and entry.after["state"] == "submitted"


def test_model_refuses_update_and_delete(teller):
    entry = audit.record(actor=teller, action="auth.login")
    entry.note = "changed"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_unknown_action_is_refused(teller):
    with pytest.raises(ValueError, match="Unregistered"):
        audit.record(actor=teller, action="case.teleport")


def test_login_is_audited(client, teller):
    client.post("/login/", {"username": "t1", "password": "pw-for-tests"})
    assert AuditEntry.objects.filter(action="auth.login", actor=teller).exists()


def test_audit_verify_command_passes_on_an_intact_log(teller, capsys):
    audit.record(actor=teller, action="auth.login")
    call_command("audit_seal", "--settle-seconds", "0")
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_postgres_trigger_rejects_update_and_delete(postgres_only, teller):
    entry = audit.record(actor=teller, action="auth.login")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

"""Rotating the audit key: entries keep the id of the key they were digested with, old ones
verify with the retired key in the keyring (COUNTERHALL_AUDIT_RETIRED_KEYS), new ones with
the current key. Runs on SQLite and, with DATABASE_URL=postgres://…, on PostgreSQL."""

import re

import pytest
from django.core.management import CommandError, call_command

from counterhall import audit
from counterhall.models import AuditEntry, AuditSeal

K1, K2 = "first-key-kept-outside", "second-key-kept-outside"
ID1, ID2 = audit.key_fingerprint(K1.encode()), audit.key_fingerprint(K2.encode())


def write(teller, n, *, seal=True):
    entries = [audit.record(actor=teller, action="auth.login", after={"n": i}) for i in range(n)]
    if seal:
        audit.seal(settle_seconds=-60)
    return entries


def rotate(settings, capsys):
    settings.AUDIT_KEY = K2
    settings.AUDIT_RETIRED_KEYS = [K1]
    call_command("audit_rotate_key", "--settle-seconds", "-60")
    return capsys.readouterr().out


def test_old_entries_verify_with_the_retired_key_after_a_rotation(teller, settings, capsys):
    settings.AUDIT_KEY = K1
    old = write(teller, 3)
    late = write(teller, 2, seal=False)  # made with K1, sealed after the switch
    out = rotate(settings, capsys)
    assert f"audit key rotated from {ID1} to {ID2}" in out
    assert re.search(f"{ID1} +5 entries  retired", out)
    new = write(teller, 2)
    keys = dict(AuditEntry.objects.values_list("pk", "key_id"))
    assert {keys[e.pk] for e in old + late} == {ID1} and {keys[e.pk] for e in new} == {ID2}
    rotation = AuditEntry.objects.get(action="audit.key_rotate")
    assert rotation.key_id == ID2
    assert rotation.before == {"key_id": ID1} and rotation.after == {
        "key_id": ID2,
        "retired": [ID1],
    }
    assert AuditSeal.objects.latest("first_seq").key_id == ID2
    result = audit.verify()
    assert result.ok, result.problems
    assert result.entries == 8
    call_command("audit_verify", "--full")  # the command verifies with the keyring too

    # the retired key is what lets the old entries verify
    settings.AUDIT_RETIRED_KEYS = []
    assert audit.verify().problems[0] == (
        f"entry #{old[0].pk}: digested with an unknown key ({ID1})"
    )


def test_an_old_entry_altered_after_a_rotation_is_named(teller, settings, capsys):
    settings.AUDIT_KEY = K1
    old = write(teller, 3)
    rotate(settings, capsys)
    write(teller, 2)
    from tests.counterhall.test_audit_chain import tampering

    with tampering():
        AuditEntry.objects.filter(pk=old[1].pk).update(note="改过")
    assert audit.verify().problems[0] == (
        f"entry #{old[1].pk}: content does not match its digest (altered)"
    )


def test_a_rotation_is_refused_while_the_keyring_lacks_a_key_in_use(teller, settings):
    settings.AUDIT_KEY = K1
    write(teller, 2)
    settings.AUDIT_KEY = K2  # switched without retiring K1
    settings.AUDIT_RETIRED_KEYS = []
    with pytest.raises(CommandError, match=f"lacks keys the log was digested with: {ID1} \\(2"):
        call_command("audit_rotate_key")
    assert not AuditEntry.objects.filter(action="audit.key_rotate").exists()


def test_a_rotation_is_recorded_once_and_needs_a_key(teller, settings, capsys):
    settings.AUDIT_KEY = ""
    write(teller, 1)
    with pytest.raises(CommandError, match="not set"):
        call_command("audit_rotate_key")
    settings.AUDIT_KEY = K1  # the first key: from plain digests to keyed ones
    call_command("audit_rotate_key")
    assert "rotated from (none) to" in capsys.readouterr().out
    call_command("audit_rotate_key")
    assert "already" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="audit.key_rotate").count() == 1
    assert audit.verify().ok


def test_new_prints_a_fresh_key_and_the_steps(settings, capsys):
    settings.AUDIT_KEY = K1
    call_command("audit_rotate_key", "--new")
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    key = first.rsplit(": ", 1)[1]
    assert first.startswith(f"new audit key (id {audit.key_fingerprint(key.encode())})")
    assert len(key) >= 40 and key != K1
    assert f"the current key is {ID1}" in out and "COUNTERHALL_AUDIT_RETIRED_KEYS" in out


def test_the_keyring_reads_the_retired_keys_from_the_environment(monkeypatch):
    import importlib

    from counterhall import settings as project_settings

    monkeypatch.setenv("COUNTERHALL_AUDIT_RETIRED_KEYS", f" {K1}, ,{K2} ")
    try:
        assert importlib.reload(project_settings).AUDIT_RETIRED_KEYS == [K1, K2]
    finally:
        monkeypatch.delenv("COUNTERHALL_AUDIT_RETIRED_KEYS")
        importlib.reload(project_settings)

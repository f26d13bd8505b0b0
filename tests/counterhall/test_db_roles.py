"""The application role cannot rewrite the audit log; the deploy check warns when the
application connects as a superuser or as the owner of the audit tables."""

import contextlib
import uuid

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from counterhall import audit
from counterhall.checks import role_warnings
from counterhall.models import AuditEntry, AuditSeal


def test_the_deploy_check_is_silent_on_sqlite(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite has no roles")
    assert not [
        m for m in run_checks(include_deployment_checks=True) if m.id.startswith("counterhall")
    ]


def test_db_roles_needs_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for other databases")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("db_roles")


@pytest.fixture
def roles(postgres_only, db):
    """An owner and an application role, created, granted and (with the test's transaction)
    rolled back: roles and grants are transactional in PostgreSQL."""
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"ch_test_owner_{suffix}", f"ch_test_app_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE needs no pending events
    call_command("db_roles", "--owner", owner, "--app", app, "--create", "--execute")
    return owner, app


@contextlib.contextmanager
def as_role(role):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(sql, params=()):
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(excinfo.value)


@pytest.mark.postgres
def test_the_application_role_cannot_rewrite_the_audit_log(roles, teller):
    owner, app = roles
    entry = audit.record(actor=teller, action="auth.login")
    audit.seal(settle_seconds=-60)
    with as_role(app):
        # the application works: it records, seals and verifies
        audit.record(actor=teller, action="auth.logout")
        assert audit.seal(settle_seconds=-60) is not None
        assert audit.verify().ok
        assert "permission denied" in refused(
            "UPDATE counterhall_auditentry SET note = 'x' WHERE id = %s", [entry.pk]
        )
        assert "append-only" in refused(
            "UPDATE counterhall_auditentry SET seq = 99, chain = 'x' WHERE id = %s", [entry.pk]
        )
        assert "permission denied" in refused("DELETE FROM counterhall_auditentry")
        assert "permission denied" in refused("DELETE FROM counterhall_auditseal")
        assert "permission denied" in refused("TRUNCATE counterhall_auditentry")
        assert "permission denied" in refused("TRUNCATE counterhall_auditseal")
        assert "must be owner" in refused("ALTER TABLE counterhall_auditentry DISABLE TRIGGER USER")
        assert role_warnings(connection.cursor()) == []
    with as_role(owner):
        assert [w.id for w in role_warnings(connection.cursor())] == ["counterhall.W102"]
    assert AuditEntry.objects.count() == 2 and AuditSeal.objects.count() == 2


@pytest.mark.postgres
def test_the_deploy_check_warns_about_a_superuser(postgres_only, db):
    # CI and the tests connect as the superuser postgres: the check says so (it runs only
    # with ``check --deploy``, which CI runs on SQLite; see docs/deployment.md)
    messages = run_checks(include_deployment_checks=True)
    assert "counterhall.W101" in [m.id for m in messages]
    assert "counterhall.W101" not in [m.id for m in run_checks()]


@pytest.mark.postgres
def test_db_roles_prints_the_sql(postgres_only, db, capsys):
    call_command("db_roles", "--owner", "o", "--app", "a")
    out = capsys.readouterr().out
    assert 'ALTER TABLE "public"."counterhall_auditentry" OWNER TO "o";' in out
    assert "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON" in out
    assert 'GRANT UPDATE (seq, chain) ON "public".counterhall_auditentry TO "a";' in out

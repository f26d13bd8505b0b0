"""On PostgreSQL, a trigger rejects UPDATE and DELETE on the audit log (append-only).

TRUNCATE (used by test flushes and by an operator with table ownership) is a separate,
deliberate act and is not blocked; see docs/architecture.md.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION counterhall_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'counterhall audit log is append-only (% rejected)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER counterhall_auditentry_append_only
    BEFORE UPDATE OR DELETE ON counterhall_auditentry
    FOR EACH ROW EXECUTE FUNCTION counterhall_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS counterhall_auditentry_append_only ON counterhall_auditentry;
DROP FUNCTION IF EXISTS counterhall_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("counterhall", "0003_parameters_calendar")]

    operations = [migrations.RunPython(forward, backward)]

"""Chain the audit entries themselves and make seals append-only.

Each entry gets a chain position (``seq``) and link (``chain``), assigned once by
``audit.seal()``; seals record their first position and the key their digests are keyed
with. Seals made before this migration chained digests differently: they are removed here
(before seals become append-only) and the next ``audit_seal`` run chains and seals every
settled entry again. Entry digests are unchanged.

On PostgreSQL the append-only trigger now lets an UPDATE set ``seq`` and ``chain`` on an
entry that has none yet and change nothing else, and the same kind of trigger rejects every
UPDATE and DELETE of a seal. TRUNCATE and ``DISABLE TRIGGER`` are kept from the application
by its database role (``manage.py audit_db_roles``, docs/deployment.md).
"""

from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION counterhall_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.chain = '' AND NEW.seq IS NOT NULL
       AND NEW.chain <> ''
       AND (to_jsonb(OLD) - 'seq' - 'chain') = (to_jsonb(NEW) - 'seq' - 'chain') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'counterhall audit log is append-only (% rejected)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS counterhall_auditentry_append_only ON counterhall_auditentry;
CREATE TRIGGER counterhall_auditentry_append_only
    BEFORE UPDATE OR DELETE ON counterhall_auditentry
    FOR EACH ROW EXECUTE FUNCTION counterhall_auditentry_append_only();
CREATE TRIGGER counterhall_auditseal_append_only
    BEFORE UPDATE OR DELETE ON counterhall_auditseal
    FOR EACH ROW EXECUTE FUNCTION counterhall_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS counterhall_auditseal_append_only ON counterhall_auditseal;
DROP TRIGGER IF EXISTS counterhall_auditentry_append_only ON counterhall_auditentry;
CREATE TRIGGER counterhall_auditentry_append_only
    BEFORE UPDATE OR DELETE ON counterhall_auditentry
    FOR EACH ROW EXECUTE FUNCTION counterhall_audit_append_only();
DROP FUNCTION IF EXISTS counterhall_auditentry_append_only();
"""


def drop_old_seals(apps, schema_editor):
    apps.get_model("counterhall", "AuditSeal").objects.using(
        schema_editor.connection.alias
    ).all().delete()


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("counterhall", "0008_document_pages")]

    operations = [
        migrations.RunPython(drop_old_seals, migrations.RunPython.noop),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=16, verbose_name="密钥标识"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, unique=True, verbose_name="链位置"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="链摘要"
            ),
        ),
        migrations.AddField(
            model_name="auditseal",
            name="first_seq",
            field=models.BigIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditseal",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(forward, backward),
    ]

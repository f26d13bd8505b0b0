"""An index in queue order over the submitted cases only, so taking the head of a hall's
queue (ORDER BY … LIMIT 1 FOR UPDATE SKIP LOCKED) reads the first rows of the index instead
of sorting the whole queue for each claim. On PostgreSQL only (the production database); it
lives here because the queue order is the review app's, while the table is counterhall's.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS review_case_queue_order_idx ON counterhall_case
    (hall_id, is_immediate DESC, promised_deadline ASC NULLS LAST, submitted_at ASC, id ASC)
    WHERE state = 'submitted'
"""
DROP = "DROP INDEX IF EXISTS review_case_queue_order_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0002_return_reasons"),
        ("counterhall", "0004_audit_append_only"),
    ]

    operations = [migrations.RunPython(create, drop)]

"""A trigram index for the auditor's desk's subject filter (part of an entry's label: a
case number, a name, a credit code) on PostgreSQL: measured at a million entries, the
filter read the whole log backwards, 0.4 s, growing with the log (docs/benchmarks.md)."""

from django.db import migrations

from counterhall.migration_ops import TrigramIndexOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("counterhall", "0020_search_trigrams")]

    operations = [
        TrigramIndexOnPostgres("counterhall_auditentry", "target_label", "audit_label_trgm_idx"),
    ]

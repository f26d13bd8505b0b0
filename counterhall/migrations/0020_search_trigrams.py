"""Trigram indexes for the header search's cases (by part of the number or of the
applicant's name) on PostgreSQL: measured at 2 million cases, the search read a hall's
every case (docs/benchmarks.md)."""

from django.db import migrations

from counterhall.migration_ops import TrigramIndexOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("counterhall", "0019_rollups_with_reviews")]

    operations = [
        TrigramIndexOnPostgres("counterhall_case", "number", "case_number_trgm_idx"),
        TrigramIndexOnPostgres("counterhall_case", "applicant_name", "case_applicant_trgm_idx"),
    ]

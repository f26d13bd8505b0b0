"""Trigram indexes for the header search's employers and persons by part of the name on
PostgreSQL (docs/benchmarks.md: 25,000 employers and 500,000 persons were read whole)."""

from django.db import migrations

from counterhall.migration_ops import TrigramIndexOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("registration", "0006_scale_indexes")]

    operations = [
        TrigramIndexOnPostgres("registration_employer", "name", "employer_name_trgm_idx"),
        TrigramIndexOnPostgres("registration_insuredperson", "name", "person_name_trgm_idx"),
    ]

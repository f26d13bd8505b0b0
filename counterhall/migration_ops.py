"""Migration operations shared by the apps' migrations."""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex
from django.db.migrations.operations.base import Operation


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """``CREATE INDEX CONCURRENTLY`` on PostgreSQL, so an index on a table of millions of
    rows (cases, the audit log) is built without blocking the hall's writes; a plain
    ``AddIndex`` elsewhere (SQLite in development and tests). The migration sets
    ``atomic = False``."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class TrigramIndexOnPostgres(Operation):
    """A trigram index (pg_trgm, GIN) on ``UPPER(column)`` for Django's ``icontains``
    (``UPPER(col::text) LIKE UPPER('%…%')``), built ``CONCURRENTLY``: a search by part of a
    name or number reads the index instead of every row. PostgreSQL only — SQLite in
    development and tests has no such index and scans, as before — and not part of the
    model state (the models declare no index that SQLite could not build). The migration
    sets ``atomic = False``; the extension is created if missing (pg_trgm is a trusted
    extension: the database owner may create it)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, table: str, column: str, name: str):
        self.table, self.column, self.name = table, column, name

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"table": self.table, "column": self.column, "name": self.name},
        )

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f'CREATE INDEX {self._concurrently(schema_editor)}IF NOT EXISTS "{self.name}" '
            f'ON "{self.table}" USING gin (UPPER("{self.column}") gin_trgm_ops)'
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'DROP INDEX {self._concurrently(schema_editor)}IF EXISTS "{self.name}"'
            )

    def _concurrently(self, schema_editor) -> str:
        """``CONCURRENTLY`` but on a partitioned table (the audit log once converted by
        ``manage.py audit_partition``), where PostgreSQL builds the index on each partition
        in turn and refuses the keyword."""
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [self.table])
            row = cursor.fetchone()
        return "" if row and row[0] == "p" else "CONCURRENTLY "

    def describe(self):
        return f"Trigram index {self.name} on {self.table}.{self.column} (PostgreSQL)"

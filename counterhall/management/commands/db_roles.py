"""PostgreSQL roles: an owner for migrations and an application role that cannot rewrite
the audit log (docs/deployment.md, "Database roles").

The application role gets SELECT, INSERT, UPDATE and DELETE on the tables and the use of
the sequences, but on the audit tables only SELECT and INSERT (plus UPDATE of the two chain
columns the seal sets once, which the append-only trigger polices, and of one seal column
so that ``SELECT … FOR UPDATE`` can lock the latest seal; the trigger rejects any UPDATE of
a seal). It owns nothing, so it cannot TRUNCATE, ALTER or DISABLE TRIGGER. Run it as a
superuser (or a role with CREATEROLE that may alter the tables) after ``migrate``, and again
after migrations that add tables (default privileges cover tables the owner creates).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

AUDIT_TABLES = ("counterhall_auditentry", "counterhall_auditseal")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def role_statements(*, owner: str, app: str, create: bool) -> list[str]:
    o, a = _q(owner), _q(app)
    statements = []
    if create:
        for role in (owner, app):
            statements.append(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                f"'{role}') THEN CREATE ROLE {_q(role)} LOGIN NOSUPERUSER NOCREATEDB "
                "NOCREATEROLE; END IF; END $$"
            )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        tables = sorted(row[0] for row in cursor.fetchall())
    s = _q(schema)
    statements += [
        f"GRANT CONNECT ON DATABASE {_q(database)} TO {o}, {a}",
        f"GRANT USAGE, CREATE ON SCHEMA {s} TO {o}",
        f"GRANT USAGE ON SCHEMA {s} TO {a}",
    ]
    statements += [f"ALTER TABLE {s}.{_q(t)} OWNER TO {o}" for t in tables]
    statements += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {a}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "
        f"{', '.join(f'{s}.{_q(t)}' for t in AUDIT_TABLES)} FROM {a}",
        f"GRANT UPDATE (seq, chain) ON {s}.counterhall_auditentry TO {a}",
        f"GRANT UPDATE (sealed_at) ON {s}.counterhall_auditseal TO {a}",
    ]
    return statements


class Command(BaseCommand):
    help = (
        "Print (or --execute) the SQL that makes OWNER own every table and gives APP "
        "insert/select only on the audit tables (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="counterhall_owner")
        parser.add_argument("--app", default="counterhall_app")
        parser.add_argument(
            "--create", action="store_true", help="create the roles (LOGIN, no password)"
        )
        parser.add_argument("--execute", action="store_true", help="run the SQL, not print it")

    def handle(self, *args, owner, app, create, execute, **options):
        if connection.vendor != "postgresql":
            raise CommandError("database roles are for PostgreSQL")
        if owner == app:
            raise CommandError("the owner and the application role must differ")
        statements = role_statements(owner=owner, app=app, create=create)
        if not execute:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"{owner} owns the tables; {app} may not rewrite the audit log")

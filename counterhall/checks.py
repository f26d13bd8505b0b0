"""System checks for deployment (``manage.py check --deploy``)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connection

ROLE_SQL = """
SELECT r.rolsuper,
       COALESCE(bool_or(pg_has_role(current_user, c.relowner, 'MEMBER')), false)
FROM pg_roles r
LEFT JOIN pg_class c ON c.oid IN (
    to_regclass('counterhall_auditentry'), to_regclass('counterhall_auditseal'))
WHERE r.rolname = current_user
GROUP BY r.rolsuper
"""


def role_warnings(cursor) -> list[Warning]:
    """Warnings for the role ``cursor`` is connected as (PostgreSQL)."""
    cursor.execute(ROLE_SQL)
    row = cursor.fetchone()
    if row is None:
        return []
    superuser, owner = row
    warnings = []
    if superuser:
        warnings.append(
            Warning(
                "The application connects to PostgreSQL as a superuser: it could disable the "
                "audit log's triggers and rewrite it.",
                hint="Connect as the application role (manage.py db_roles, "
                "docs/deployment.md); keep the superuser and the owner for migrations.",
                id="counterhall.W101",
            )
        )
    elif owner:
        warnings.append(
            Warning(
                "The application connects to PostgreSQL as the owner of the audit tables (or "
                "a member of it): it could TRUNCATE them or DISABLE their triggers.",
                hint="Run migrations as the owner and the application as the application "
                "role (manage.py db_roles, docs/deployment.md).",
                id="counterhall.W102",
            )
        )
    return warnings


@register(Tags.security, deploy=True)
def check_database_role(app_configs, **kwargs):
    """On PostgreSQL, warn when the application runs as a superuser or as the owner of the
    audit tables. It queries the database (the only deploy check that does); SQLite, the
    default and CI's ``check --deploy`` database, has no roles and is skipped."""
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            return role_warnings(cursor)
    except DatabaseError:
        return []  # an unreachable database is reported by migrate and every request

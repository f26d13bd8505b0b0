"""DJANGO_DB_PREPARE turns on server-side binding and prepared statements for PostgreSQL
only; without it Django's defaults stay (client-side binding, nothing prepared)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from counterhall import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
)


def options(**env):
    run_env = {k: v for k, v in os.environ.items() if k != "DJANGO_DB_PREPARE"}
    run_env.update(env, DJANGO_SECRET_KEY="test-only", DJANGO_DEBUG="0")
    out = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", SHOW], cwd=ROOT, env=run_env, capture_output=True, check=True
    )
    return json.loads(out.stdout)


PG = "postgres://u@127.0.0.1:5432/x"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": PG}, {"options": "-c jit=off"}),
        (
            {"DATABASE_URL": PG, "DJANGO_DB_PREPARE": "5"},
            {"server_side_binding": True, "prepare_threshold": 5, "options": "-c jit=off"},
        ),
        (
            {"DATABASE_URL": "sqlite:///x.sqlite3", "DJANGO_DB_PREPARE": "5"},
            {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        ),
    ],
)
def test_prepared_statements_only_when_asked_and_only_on_postgresql(env, expected):
    assert options(**env) == expected


def test_an_empty_database_url_means_the_default_sqlite():
    show = "from counterhall import settings as s; print(s.DATABASES['default']['ENGINE'])"
    run_env = {**os.environ, "DATABASE_URL": "", "DJANGO_SECRET_KEY": "t", "DJANGO_DEBUG": "0"}
    out = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", show], cwd=ROOT, env=run_env, capture_output=True, check=True
    )
    assert out.stdout.decode().strip() == "django.db.backends.sqlite3"


def database_settings(**env):
    """The default database's settings as production would read them (no test flag)."""
    show = (
        "import json; from counterhall import settings as s; d = s.DATABASES; "
        "print(json.dumps({a: {k: d[a].get(k) for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS',"
        " 'NAME')} for a in d} | {'read_replica': s.COUNTERHALL_READ_REPLICA}))"
    )
    run_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COUNTERHALL_TESTING", "DJANGO_CONN_MAX_AGE", "DATABASE_REPLICA_URL"}
    }
    run_env.update(env, DJANGO_SECRET_KEY="test-only", DJANGO_DEBUG="0")
    out = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", show], cwd=ROOT, env=run_env, capture_output=True, check=True
    )
    return json.loads(out.stdout)


def test_production_postgresql_keeps_connections_with_health_checks():
    d = database_settings(DATABASE_URL=PG)
    assert d["default"]["CONN_MAX_AGE"] == 60
    assert d["default"]["CONN_HEALTH_CHECKS"] is True
    assert (
        database_settings(DATABASE_URL=PG, DJANGO_CONN_MAX_AGE="5")["default"]["CONN_MAX_AGE"] == 5
    )


def test_sqlite_and_the_test_suite_open_a_connection_per_request():
    assert database_settings(DATABASE_URL="sqlite:///x.sqlite3")["default"]["CONN_MAX_AGE"] == 0
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0


def test_a_replica_url_configures_the_replica_alias():
    d = database_settings(DATABASE_URL=PG, DATABASE_REPLICA_URL="postgres://u@10.0.0.2:5432/x")
    assert d["read_replica"] == "replica"
    assert d["replica"] == {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True, "NAME": "x"}
    assert database_settings(DATABASE_URL=PG)["read_replica"] == ""
    assert "replica" not in database_settings(DATABASE_URL=PG)


@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile(postgres_only):
    """The efficiency figures' merge would otherwise be JIT-compiled (counterhall.metrics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

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
        ({"DATABASE_URL": PG}, {}),
        (
            {"DATABASE_URL": PG, "DJANGO_DB_PREPARE": "5"},
            {"server_side_binding": True, "prepare_threshold": 5},
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

"""The database a benchmark makes for itself next to the one in DATABASE_URL, and drops."""

from __future__ import annotations

from urllib.parse import urlparse, urlunparse


def dsn(url: str, dbname: str) -> str:
    """``url`` pointing at database ``dbname`` instead."""
    return urlunparse(urlparse(url)._replace(path="/" + dbname))


def create_database(url: str, suffix: str) -> str:
    """A fresh ``<name>_<suffix>`` next to the database of ``url``; its URL."""
    import psycopg

    base = urlparse(url).path.lstrip("/") or "postgres"
    name = f"{base}_{suffix}"
    with psycopg.connect(dsn(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return dsn(url, name)


def drop_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(dsn(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

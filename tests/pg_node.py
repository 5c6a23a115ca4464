"""Pytest plugin: one real PostgreSQL server per test session.

Loaded from ``conftest.py`` with ``pytest_plugins = [..., "pg_node"]``. The
session-scoped fixture :func:`pg_url` starts a server with
``scripts/postgres/start.sh`` (initdb into a temp dir, 127.0.0.1 only, trust
authentication; needs Debian's ``postgresql`` package) on a free port, and
stops it when the session ends. It is only started when a test asks for it,
so ``pytest -m "not postgres"`` never starts PostgreSQL. Tests that use it
carry the marker ``postgres``, registered here.

Environment:
    SOHOA_TEST_PG_URL: use this running server instead of starting one; its
        role must be allowed to create databases (each test gets its own
        ``t_…`` database, dropped afterwards).
    SOHOA_TEST_PG_PORT: first port to try (default 5450).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from _services import free_port, session_server

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "postgres"

#: Throwaway test data: no need to survive a power cut.
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``postgres`` marker (the suite runs with ``--strict-markers``)."""
    config.addinivalue_line("markers", "postgres: needs a real PostgreSQL server (started by the test session)")


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a real PostgreSQL database (a server started for this session unless SOHOA_TEST_PG_URL is set)."""
    if url := os.environ.get("SOHOA_TEST_PG_URL"):
        yield url
        return
    port = free_port(int(os.environ.get("SOHOA_TEST_PG_PORT", "5450")))
    yield from session_server("PostgreSQL", SCRIPTS, port, start_timeout=180, stop_timeout=60,
                              env={"SOHOA_PG_OPTS": _FAST})


@pytest.fixture
def pg_ledger_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty database on the session's server for one test; dropped afterwards."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(pg_url, name)
    finally:
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""Pytest plugin: one real Elasticsearch node per test session.

Loaded from ``conftest.py`` with ``pytest_plugins = ["es_node"]``. The
session-scoped fixture :func:`es_url` starts a node with
``scripts/elasticsearch/start.sh`` (which fetches the test distribution from
Maven Central into a cache on first use) on a free port and a temp data dir,
and stops it when the session ends. It is only started when a test asks for
it, so ``pytest -m "not elasticsearch"`` never starts Java.

Environment:
    SOHOA_TEST_ES_URL: use this running cluster instead of starting a node
        (tests create and delete only indices under their own ``t-…`` aliases).
    SOHOA_TEST_ES_PORT: first port to try (default 9250).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from _services import free_port, session_server

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "elasticsearch"


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    """Base URL of a real Elasticsearch node (started for this session unless SOHOA_TEST_ES_URL is set)."""
    if url := os.environ.get("SOHOA_TEST_ES_URL"):
        yield url.rstrip("/")
        return
    port = free_port(int(os.environ.get("SOHOA_TEST_ES_PORT", "9250")))
    yield from session_server("Elasticsearch", SCRIPTS, port, start_timeout=600, stop_timeout=120)


@pytest.fixture
def es_index_url(es_url: str) -> Iterator[str]:
    """An index URL under a fresh alias of its own; its indices are deleted afterwards."""
    url = f"{es_url}/t-{uuid.uuid4().hex[:12]}"
    yield url
    from indexing.elastic import ElasticIndex

    idx = ElasticIndex(url, check_schema=False)
    try:
        idx.drop()
    finally:
        idx.close()


@pytest.fixture
def es_index_factory(es_url: str) -> Iterator[Callable[[], str]]:
    """Make any number of fresh index URLs; all their indices are deleted afterwards."""
    urls: list[str] = []

    def make() -> str:
        urls.append(f"{es_url}/t-{uuid.uuid4().hex[:12]}")
        return urls[-1]

    yield make
    from indexing.elastic import ElasticIndex

    for url in urls:
        idx = ElasticIndex(url, check_schema=False)
        try:
            idx.drop()
        finally:
            idx.close()

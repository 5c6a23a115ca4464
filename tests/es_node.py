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
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "elasticsearch"


def _free_port(start: int, tries: int = 50) -> int:
    """The first port from ``start`` on that nobody listens on."""
    for port in range(start, start + tries):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {start}..{start + tries - 1}")


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    """Base URL of a real Elasticsearch node (started for this session unless SOHOA_TEST_ES_URL is set)."""
    if url := os.environ.get("SOHOA_TEST_ES_URL"):
        yield url.rstrip("/")
        return
    port = str(_free_port(int(os.environ.get("SOHOA_TEST_ES_PORT", "9250"))))
    try:
        out = subprocess.run([str(SCRIPTS / "start.sh"), port], capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired as exc:
        subprocess.run([str(SCRIPTS / "stop.sh"), port], capture_output=True, timeout=120)
        pytest.fail(f"Elasticsearch did not start within 600 s:\n{(exc.stderr or b'')[-6000:]!r}", pytrace=False)
    if out.returncode != 0:
        # start.sh prints the tails of the console and node logs on failure.
        pytest.fail(f"Elasticsearch did not start (start.sh exit {out.returncode}):\n{out.stderr[-8000:]}",
                    pytrace=False)
    try:
        yield out.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(SCRIPTS / "stop.sh"), port], capture_output=True, timeout=120)


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

"""Start a real server for the test session through its scripts/<name>/start.sh, and stop it after."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["free_port", "session_server"]


def free_port(start: int, tries: int = 50) -> int:
    """The first port from ``start`` on that nobody listens on.

    Each pytest-xdist worker (``gw0``, ``gw1``, …) starts 1000 ports further, so that two workers
    starting their servers at once never pick the same port (nor one an Elasticsearch node takes for
    its transport, 9300 and up).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    start += 1000 * (int(worker[2:]) if worker[2:].isdigit() else 0)
    for port in range(start, start + tries):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {start}..{start + tries - 1}")


def session_server(name: str, scripts: Path, port: int, *, start_timeout: float, stop_timeout: float,
                   env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``scripts/start.sh PORT``, yield the URL it prints last, then run ``stop.sh PORT``.

    A server that does not start fails the tests that need it with the tail
    of what ``start.sh`` printed (the scripts print their logs on failure).
    """
    stop = [str(scripts / "stop.sh"), str(port)]
    try:
        out = subprocess.run([str(scripts / "start.sh"), str(port)], capture_output=True, text=True,
                             timeout=start_timeout, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired as exc:
        subprocess.run(stop, capture_output=True, timeout=stop_timeout)
        pytest.fail(f"{name} did not start within {start_timeout:.0f} s:\n{(exc.stderr or b'')[-6000:]!r}",
                    pytrace=False)
    if out.returncode != 0:
        pytest.fail(f"{name} did not start (start.sh exit {out.returncode}):\n{out.stderr[-8000:]}", pytrace=False)
    try:
        yield out.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(stop, capture_output=True, timeout=stop_timeout)

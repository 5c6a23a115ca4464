"""Prefect's API for one command: the server configured, or a local one started early.

Without ``PREFECT_API_URL`` Prefect starts a temporary API server the first
time a flow needs one. That costs about 8 s before the first page is read:
Prefect imports its whole server package in *this* process (4 s of CPU) only
to start a subprocess that imports it again. :class:`LocalApi` starts the same
server subprocess (uvicorn with Prefect's app factory, UI off, ephemeral
services) without that import, and the CLI does it before importing the
flows, so the server starts on one core while this process imports OpenCV and
Prefect on the other. Its output goes to ``<data dir>/logs/prefect-server.log``
instead of the terminal.

This module must not import Prefect at module level: it runs first.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from sohoa.errors import ConfigError

__all__ = ["LocalApi", "configured_api_url", "early_local_api", "prefect_api"]

#: Exit code of uvicorn when its port was taken between our check and its bind.
_PORT_TAKEN = 3
#: Prefect's own default (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS) is 20 s, too short on a busy machine.
STARTUP_TIMEOUT_S = 180.0


def configured_api_url() -> str | None:
    """``PREFECT_API_URL`` from the environment, or from Prefect's settings once Prefect is imported."""
    if url := os.environ.get("PREFECT_API_URL"):
        return url
    if "prefect" not in sys.modules:
        return None
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalApi:
    """Prefect's API server in a subprocess, for the length of one command.

    Args:
        log_path: Where the server's output goes.
    """

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: BinaryIO | None = None
        self._spawn()

    @property
    def url(self) -> str:
        """The API's base URL (what ``PREFECT_API_URL`` expects)."""
        return f"http://127.0.0.1:{self.port}/api"

    def _spawn(self) -> None:
        spec = importlib.util.find_spec("prefect")
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError("Prefect is not installed (pip install -e .)")
        package_parent = Path(next(iter(spec.submodule_search_locations))).parent
        self.port = _free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log is None:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(package_parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            # The same switches Prefect gives its temporary server: no UI, the services of an ephemeral server.
            # This server lives for one command, so it also leaves out what only a lasting server serves:
            # automations (triggers and their actions, 0.4-1 s of the 4 s it took to answer) and the block
            # types for the UI (checking them imported every Prefect collection installed, Dask's included:
            # 0.4-0.7 s more). A configured server has both.
            env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1", "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
                 "PREFECT_API_BLOCKS_REGISTER_ON_START": "false", "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"},
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:  # noqa: S310 - our own loopback URL
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait(self, timeout_s: float = STARTUP_TIMEOUT_S) -> str:
        """Wait until the server answers; return its URL.

        Raises:
            ConfigError: it exited or did not answer in time (the log's tail is in the message).
        """
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self._proc is not None
            code = self._proc.poll()
            if code == _PORT_TAKEN:
                self._spawn()
                continue
            if code is not None:
                raise ConfigError(f"Prefect's API server exited with code {code}: {self._tail()}")
            if self._healthy():
                return self.url
            time.sleep(0.05)
        self.stop()
        raise ConfigError(f"Prefect's API server did not answer within {timeout_s:.0f} s: {self._tail()}")

    def _tail(self) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return f"(no log at {self.log_path})"
        return f"{self.log_path}: …{text[-1500:]}" if text else f"(empty log {self.log_path})"

    def stop(self) -> None:
        """Stop the server (it flushes what it received first) and close its log."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None


def _server_log(data_dir: Path) -> Path:
    return data_dir / "logs" / "prefect-server.log"


@contextlib.contextmanager
def early_local_api(data_dir: Path) -> Iterator[LocalApi | None]:
    """A local API server started now, unless ``PREFECT_API_URL`` names one to use; stopped at the end.

    Enter it as early as possible: the server starts while the caller goes on
    (importing the flows), and is handed to :func:`prefect_api` as ``early``.
    """
    api = None if configured_api_url() else LocalApi(_server_log(data_dir))
    try:
        yield api
    finally:
        if api is not None:
            api.stop()


@contextlib.contextmanager
def prefect_api(data_dir: Path, *, early: LocalApi | None = None,
                remote_workers: str | None = None) -> Iterator[str]:
    """The Prefect API for the flows run inside the block.

    The configured ``PREFECT_API_URL`` when there is one (a Prefect server
    running as a service, whose UI then shows every run); otherwise ``early``,
    or a local server started now, which the block's flows and any Dask
    worker on this machine report to, and which is stopped after the block.

    Args:
        data_dir: Where the local server's log goes.
        early: A server :func:`early_local_api` started before.
        remote_workers: The address of a Dask cluster the tasks will run on.

    Raises:
        ConfigError: the cluster is on another machine and no server is configured
            (its workers could not reach a server on this machine's loopback).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if url := configured_api_url():
        if early is not None:
            early.stop()  # a profile named a server after all
        yield url
        return
    host = urlsplit(remote_workers).hostname if remote_workers else None
    if host and host not in ("localhost", "127.0.0.1", "::1"):
        if early is not None:
            early.stop()
        raise ConfigError(
            f"Dask cluster {remote_workers}: set PREFECT_API_URL to a Prefect server its workers can reach "
            "(prefect server start --host 0.0.0.0)"
        )
    server = early or LocalApi(_server_log(data_dir))
    try:
        _import_flow_engine()
        url = server.wait()
        # Task runs (on this process's threads or its Dask workers) get the URL with each task's settings.
        # No flow-run heartbeats: they let a long-lived server notice a crashed run, and this one stops
        # with the command. The heartbeat thread sleeps in 1 s steps, so a flow's end waited for it
        # (half a second on average, every run).
        with temporary_settings(updates={PREFECT_API_URL: url, "flows.heartbeat_frequency": None}):
            try:
                yield url
            finally:
                _drain()
    finally:
        server.stop()


def _import_flow_engine() -> None:
    """Import what a flow run's first call imports, while the server starts (0.1-0.2 s less to wait after it).

    Prefect imports its flow and task engines on a flow's first call, and
    FastAPI's encoder to send the flow's parameters.
    """
    for name in ("fastapi.encoders", "prefect.flow_engine", "prefect.task_engine"):
        importlib.import_module(name)


def _drain(timeout_s: float = 10.0) -> None:
    """Send the events and logs Prefect still holds to the server before it stops.

    Without it they are sent at exit to a server that is gone, and Prefect
    prints "Error flushing events" tracebacks.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):  # nothing was started, or the server is gone: nothing to keep
            worker.drain_all(timeout=timeout_s)

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
import fcntl
import importlib.util
import json
import os
import signal
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

from flows.api_server import PORT_TAKEN, forget, read_state
from core.errors import ConfigError

__all__ = ["LocalApi", "SharedApi", "configured_api_url", "early_local_api", "prefect_api", "shared_status",
           "state_path", "stop_shared"]

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


#: The switches of a local server: no UI, the services of an ephemeral server. A local server lives for
#: one command or a few in a row, so it also leaves out what only a lasting server serves: automations
#: (triggers and their actions, 0.4-1 s of the 4 s it took to answer) and the block types for the UI
#: (checking them imported every Prefect collection installed, Dask's included: 0.4-0.7 s more). A
#: configured server has both.
_LOCAL_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
              "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false", "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
              "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"}


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

    def _command(self) -> list[str]:
        spec = importlib.util.find_spec("prefect")
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError("Prefect is not installed (pip install -e .)")
        package_parent = Path(next(iter(spec.submodule_search_locations))).parent
        return [sys.executable, "-m", "uvicorn", "--app-dir", str(package_parent), "--factory",
                "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                "--log-level", "error", "--lifespan", "on"]

    def _spawn(self, *, session: bool = False) -> None:
        self.port = _free_port()
        command = self._command()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log is None:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._proc = subprocess.Popen(command, env={**os.environ, **_LOCAL_ENV}, stdin=subprocess.DEVNULL,
                                      stdout=self._log, stderr=subprocess.STDOUT, start_new_session=session)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:  # noqa: S310 - our own loopback URL
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _exited(self) -> int | None:
        """The exit code of the server process, ``None`` while it runs."""
        return self._proc.poll() if self._proc is not None else None

    def wait(self, timeout_s: float = STARTUP_TIMEOUT_S) -> str:
        """Wait until the server answers; return its URL.

        Raises:
            ConfigError: it exited or did not answer in time (the log's tail is in the message).
        """
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            code = self._exited()
            if code == PORT_TAKEN:
                self._spawn()
                continue
            if code is not None:
                raise ConfigError(f"Prefect's API server exited with code {code}: {self._tail()}")
            if self._healthy():
                return self.url
            time.sleep(0.05)
        self.shutdown()
        raise ConfigError(f"Prefect's API server did not answer within {timeout_s:.0f} s: {self._tail()}")

    def _tail(self) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return f"(no log at {self.log_path})"
        return f"{self.log_path}: …{text[-1500:]}" if text else f"(empty log {self.log_path})"

    def shutdown(self) -> None:
        """Stop the server (it flushes what it received first) and close its log."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        """The command is done with the server: stop it."""
        self.shutdown()


class SharedApi(LocalApi):
    """The data directory's local API server, left running for the next command until idle for ``idle_s``.

    The first command on a data directory starts it in a session of its own
    (:mod:`flows.api_server`) and writes its address to
    ``<data dir>/run/prefect-api.json``; a later command finds it there and
    uses it, without the seconds a server takes to start. It stops itself
    once no request has been in flight for ``idle_s`` seconds, or with
    :func:`stop_shared` (``sohoa prefect-server stop``). One started by another
    Python or another Prefect (an upgrade) is replaced.
    """

    def __init__(self, data_dir: Path, idle_s: float) -> None:
        self.state_path = state_path(data_dir)
        self.idle_s = idle_s
        self.pid = 0
        self.reused = False
        super().__init__(_server_log(data_dir))

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "flows.api_server", "--port", str(self.port), "--idle-s", str(self.idle_s),
                "--state", str(self.state_path)]

    def _spawn(self, *, session: bool = True) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.state_path.with_suffix(".lock")):
            state = read_state(self.state_path)
            if state is not None and _running(state["pid"], self.state_path):
                if state.get("python") == sys.executable and state.get("prefect") == _prefect_version():
                    self.port, self.pid, self.reused, self._proc = state["port"], state["pid"], True, None
                    return
                _terminate(state["pid"])
            super()._spawn(session=True)
            assert self._proc is not None
            self.pid, self.reused = self._proc.pid, False
            _write_json(self.state_path, {"pid": self.pid, "port": self.port, "idle_s": self.idle_s,
                                          "python": sys.executable, "prefect": _prefect_version()})

    def _exited(self) -> int | None:
        if self._proc is not None:
            return self._proc.poll()
        return None if _running(self.pid, self.state_path) else -1

    def wait(self, timeout_s: float = STARTUP_TIMEOUT_S) -> str:
        """Wait until the server answers; return its URL. A kept server that is gone or does not answer
        within :data:`REUSE_TIMEOUT_S` is replaced by a new one (raises as :meth:`LocalApi.wait`)."""
        if self.reused:
            try:
                return super().wait(min(timeout_s, REUSE_TIMEOUT_S))
            except ConfigError:
                self.shutdown()
                self._spawn()
        return super().wait(timeout_s)

    def shutdown(self) -> None:
        """Stop the server whether this command started it or found it, and forget it."""
        if self._proc is None and self.pid and _running(self.pid, self.state_path):
            _terminate(self.pid)
        super().shutdown()
        forget(self.state_path, self.pid)

    def stop(self) -> None:
        """The command is done with the server: it stays for the next one (its log is closed here)."""
        self._proc = None  # not waited for: it outlives this command
        self._close_log()


#: A kept server answers at once; one that does not within this many seconds is replaced.
REUSE_TIMEOUT_S = 15.0


def state_path(data_dir: Path) -> Path:
    """Where a data directory's shared server writes its address (see :class:`SharedApi`); absolute, as
    the server's command line names it."""
    return data_dir.resolve() / "run" / "prefect-api.json"


def shared_status(data_dir: Path) -> dict[str, object] | None:
    """The data directory's shared server (``pid``, ``port``, ``url``, ``idle_s``), or ``None`` when none runs."""
    state = read_state(state_path(data_dir))
    if state is None or not _running(state["pid"], state_path(data_dir)):
        return None
    return {**state, "url": f"http://127.0.0.1:{state['port']}/api"}


def stop_shared(data_dir: Path) -> bool:
    """Stop the data directory's shared server; ``False`` when none was running."""
    state = read_state(state_path(data_dir))
    if state is None or not _running(state["pid"], state_path(data_dir)):
        state_path(data_dir).unlink(missing_ok=True)
        return False
    _terminate(state["pid"])
    state_path(data_dir).unlink(missing_ok=True)
    return True


def _prefect_version() -> str:
    from importlib.metadata import version

    return version("prefect")


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (a zombie child of this process does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: not ours to use
        return False
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    return True


def _running(pid: int, state: Path) -> bool:
    """Whether ``pid`` runs and is the shared server of ``state`` (not a process that took its number since)."""
    if not _alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:  # no /proc here: the number is all there is
        return True
    return b"flows.api_server" in argv and str(state).encode() in argv


def _terminate(pid: int, timeout_s: float = 10.0) -> None:
    """Ask ``pid`` to stop (it flushes what it received first); kill it if it has not within ``timeout_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (created if missing) for the block: one command starts the server."""
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_json(path: Path, value: dict[str, object]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(value), encoding="utf-8")
    os.replace(tmp, path)


def _server_log(data_dir: Path) -> Path:
    return data_dir / "logs" / "prefect-server.log"


def local_api(data_dir: Path, idle_s: float = 0.0) -> LocalApi:
    """The data directory's shared server (:class:`SharedApi`) kept ``idle_s`` seconds after its last use,
    or with ``idle_s`` 0 a server for this command alone."""
    return SharedApi(data_dir, idle_s) if idle_s > 0 else LocalApi(_server_log(data_dir))


@contextlib.contextmanager
def early_local_api(data_dir: Path, idle_s: float = 0.0) -> Iterator[LocalApi | None]:
    """A local API server started (or found) now, unless ``PREFECT_API_URL`` names one to use; let go at
    the end (stopped, unless it is shared: see :func:`local_api`).

    Enter it as early as possible: the server starts while the caller goes on
    (importing the flows), and is handed to :func:`prefect_api` as ``early``.
    """
    api = None if configured_api_url() else local_api(data_dir, idle_s)
    try:
        yield api
    finally:
        if api is not None:
            api.stop()


@contextlib.contextmanager
def prefect_api(data_dir: Path, *, early: LocalApi | None = None,
                remote_workers: str | None = None, idle_s: float = 0.0) -> Iterator[str]:
    """The Prefect API for the flows run inside the block.

    The configured ``PREFECT_API_URL`` when there is one (a Prefect server
    running as a service, whose UI then shows every run); otherwise ``early``,
    or a local server started now (:func:`local_api`), which the block's flows
    and any Dask worker on this machine report to, and which is let go after
    the block.

    Args:
        data_dir: Where the local server's log goes.
        early: A server :func:`early_local_api` started before.
        remote_workers: The address of a Dask cluster the tasks will run on.
        idle_s: Without ``early``: keep the local server this long after its last use for the next
            command on ``data_dir`` (0: stop it after the block).

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
    server = early or local_api(data_dir, idle_s)
    try:
        _import_flow_engine()
        url = server.wait()
        # Task runs (on this process's threads or its Dask workers) get the URL with each task's settings.
        # No flow-run heartbeats: they let a long-lived server notice a crashed run, and this one stops
        # with the command or soon after. The heartbeat thread sleeps in 1 s steps, so a flow's end waited
        # for it (half a second on average, every run).
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

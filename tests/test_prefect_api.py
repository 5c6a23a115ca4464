"""The Prefect API a command runs its flows on (flows/prefect_api.py), with a real Prefect server."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from flows.prefect_api import LocalApi, configured_api_url, early_local_api, prefect_api
from core.errors import ConfigError


@pytest.fixture
def no_api(monkeypatch: pytest.MonkeyPatch):
    """No Prefect API configured: neither the environment nor Prefect's settings (a test harness may set them)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield


def test_local_server_answers_then_stops(tmp_path: Path, no_api: None) -> None:
    with early_local_api(tmp_path) as api:
        assert isinstance(api, LocalApi)
        with prefect_api(tmp_path, early=api) as url:
            assert url == api.url
            from prefect.settings import PREFECT_API_URL

            assert PREFECT_API_URL.value() == url  # flows inside the block report here
            from prefect.settings import get_current_settings

            # No heartbeats to a server that stops with the command (a flow's end would wait for its thread).
            assert get_current_settings().flows.heartbeat_frequency is None
            with urllib.request.urlopen(f"{url}/health", timeout=5) as resp:
                assert json.load(resp) is True
            with urllib.request.urlopen(f"{url}/admin/settings", timeout=5) as resp:
                server = json.load(resp)["server"]
            # Task runs are recorded; automations and the UI's block types, which a server living for
            # one command cannot serve, are left out.
            assert server["services"]["task_run_recorder"]["enabled"]
            assert not server["services"]["triggers"]["enabled"]
            assert not server["register_blocks_on_start"]
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/health", timeout=2)
    assert (tmp_path / "logs" / "prefect-server.log").is_file()


def test_a_configured_server_is_used_and_none_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect-host:4200/api")
    assert configured_api_url() == "http://prefect-host:4200/api"
    with early_local_api(tmp_path) as api:
        assert api is None
    with prefect_api(tmp_path) as url:
        assert url == "http://prefect-host:4200/api"
        from prefect.settings import get_current_settings

        assert get_current_settings().flows.heartbeat_frequency is not None  # a lasting server watches for crashes
    assert not (tmp_path / "logs").exists()


def test_a_server_that_exits_is_named_with_its_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "NOT-A-LEVEL")  # fault injection: the server cannot configure itself
    api = LocalApi(tmp_path / "logs" / "prefect-server.log")
    with pytest.raises(ConfigError, match=r"exited with code \d+: .*prefect-server.log"):
        api.wait(timeout_s=60)
    api.stop()


def test_a_server_that_does_not_answer_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    # Fault injection: a database the server cannot reach; it keeps trying instead of answering.
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    api = LocalApi(tmp_path / "logs" / "prefect-server.log")
    with pytest.raises(ConfigError, match="did not answer within 3 s"):
        api.wait(timeout_s=3)
    assert api._proc is None  # stopped, not left running


def test_a_remote_cluster_needs_a_configured_server(tmp_path: Path, no_api: None) -> None:
    with pytest.raises(ConfigError, match="PREFECT_API_URL"):
        with prefect_api(tmp_path, remote_workers="tcp://10.0.0.5:8786"):
            pass


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
            return json.load(resp) is True
    except OSError:
        return False


def _gone(pid: int, within_s: float) -> bool:
    """Whether process ``pid`` has ended within ``within_s`` (a server this test process started and let go
    stays a zombie until reaped: ended)."""
    import time

    import psutil

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.2)
    return False


def test_a_shared_server_outlives_the_command_and_serves_the_next(tmp_path: Path, no_api: None) -> None:
    from flows.prefect_api import SharedApi, shared_status, state_path, stop_shared

    with early_local_api(tmp_path, idle_s=600) as api:
        assert isinstance(api, SharedApi) and not api.reused
        with prefect_api(tmp_path, early=api) as url:
            assert _answers(url)
    try:
        assert _answers(url)  # the command is over; its server is kept for the next one
        assert json.loads(state_path(tmp_path).read_text())["pid"] == api.pid
        with early_local_api(tmp_path, idle_s=600) as again:
            assert isinstance(again, SharedApi) and again.reused and again.pid == api.pid
            with prefect_api(tmp_path, early=again) as second:
                assert second == url
        status = shared_status(tmp_path)
        assert status is not None and status["url"] == url
    finally:
        assert stop_shared(tmp_path)
    assert _gone(api.pid, 15) and not _answers(url)
    assert not state_path(tmp_path).exists() and shared_status(tmp_path) is None
    assert not stop_shared(tmp_path)  # none left to stop


def test_a_shared_server_stops_itself_once_idle(tmp_path: Path, no_api: None) -> None:
    from flows.prefect_api import state_path

    with prefect_api(tmp_path, idle_s=2.0) as url:
        assert _answers(url)
        pid = json.loads(state_path(tmp_path).read_text())["pid"]
    assert _gone(pid, 60)
    assert not state_path(tmp_path).exists()  # it forgot itself on the way out


def test_a_kept_server_that_died_or_belongs_to_another_prefect_is_replaced(tmp_path: Path, no_api: None) -> None:
    import os
    import signal

    from flows.prefect_api import state_path, stop_shared

    with prefect_api(tmp_path, idle_s=600) as url:
        pass
    first = json.loads(state_path(tmp_path).read_text())
    try:
        os.kill(first["pid"], signal.SIGKILL)  # fault injection: killed, its address left behind
        assert _gone(first["pid"], 15)
        with prefect_api(tmp_path, idle_s=600) as url2:
            assert _answers(url2)
        second = json.loads(state_path(tmp_path).read_text())
        assert second["pid"] != first["pid"]
        # A server another Prefect started (here: the file says so) is stopped and replaced.
        state_path(tmp_path).write_text(json.dumps({**second, "prefect": "0.0"}))
        with prefect_api(tmp_path, idle_s=600) as url3:
            assert _answers(url3)
        assert _gone(second["pid"], 15)
        assert json.loads(state_path(tmp_path).read_text())["pid"] not in (first["pid"], second["pid"])
    finally:
        stop_shared(tmp_path)
    assert url


def test_a_process_that_took_the_number_of_a_gone_server_is_left_alone(tmp_path: Path) -> None:
    import os

    from flows.prefect_api import shared_status, state_path, stop_shared

    state_path(tmp_path).parent.mkdir(parents=True)
    # The file names a process that is not a server of this data dir: this very test.
    state_path(tmp_path).write_text(json.dumps({"pid": os.getpid(), "port": 1, "idle_s": 60.0}))
    assert shared_status(tmp_path) is None
    assert not stop_shared(tmp_path)  # and it did not signal the test
    assert not state_path(tmp_path).exists()


def test_idle_watch_counts_requests_in_flight() -> None:
    import asyncio

    from flows.api_server import IdleWatch

    now = [100.0]
    seen: list[float] = []

    async def app(scope: dict, receive: object, send: object) -> None:
        seen.append(watch.idle_for())  # a request in flight: not idle
        now[0] += 5.0

    watch = IdleWatch(app, clock=lambda: now[0])  # type: ignore[arg-type]
    now[0] = 130.0
    assert watch.idle_for() == 30.0
    asyncio.run(watch({"type": "http"}, None, None))  # type: ignore[arg-type]
    assert seen == [0.0] and watch.idle_for() == 0.0  # it just ended
    now[0] += 7.0
    assert watch.idle_for() == 7.0
    asyncio.run(watch({"type": "lifespan"}, None, None))  # type: ignore[arg-type]
    assert watch.idle_for() == 12.0  # the server's own start and stop are not requests


def test_prefect_server_command_shows_and_stops_the_kept_server(tmp_path: Path) -> None:
    from conftest import run_sohoa
    from flows.prefect_api import stop_shared

    data = tmp_path / "data"
    (tmp_path / "empty").mkdir()
    env = {"SOHOA_PREFECT_IDLE_MINUTES": "10", "PREFECT_API_URL": ""}
    none = run_sohoa(data, "prefect-server", "status", env=env)
    assert none.returncode == 1 and "none running" in none.stdout
    try:
        run = run_sohoa(data, "ingest", str(tmp_path / "empty"), "--batch", "b", "--no-progress", env=env)
        assert run.returncode == 0, run.stderr
        assert "Still processing items" not in run.stderr
        status = run_sohoa(data, "prefect-server", "status", env=env)
        assert status.returncode == 0 and "http://127.0.0.1:" in status.stdout
        url = status.stdout.split()[0]
        assert _answers(url)  # the ingest has exited; its server has not
        again = run_sohoa(data, "ingest", str(tmp_path / "empty"), "--batch", "b2", "--no-progress", env=env)
        assert again.returncode == 0
        assert run_sohoa(data, "prefect-server", "status", env=env).stdout.split()[0] == url
        stop = run_sohoa(data, "prefect-server", "stop", env=env)
        assert stop.returncode == 0 and "stopped" in stop.stdout
        assert not _answers(url)
        assert run_sohoa(data, "prefect-server", "stop", env=env).returncode == 1
    finally:
        stop_shared(data)  # a failed assertion must not leave it running for ten minutes

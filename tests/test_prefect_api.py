"""The Prefect API a command runs its flows on (flows/prefect_api.py), with a real Prefect server."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from flows.prefect_api import LocalApi, configured_api_url, early_local_api, prefect_api
from sohoa.errors import ConfigError


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

"""Web accounts from the command line: the first admin, password changes, disabling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _sohoa(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "sohoa.cli", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


def test_first_admin_and_account_lifecycle(tmp_path: Path) -> None:
    from web.app import WEB_DB
    from web.auth import WebStore

    add = _sohoa(tmp_path, "user", "add", "quantri", "--role", "admin", "--password-stdin", stdin="Mat-khau-123\n")
    assert add.returncode == 0, add.stderr
    assert "quantri (admin)" in add.stdout
    assert _sohoa(tmp_path, "user", "disable", "quantri").returncode == 0
    listing = _sohoa(tmp_path, "user", "list")
    assert "quantri\tadmin\tdisabled" in listing.stdout
    dup = _sohoa(tmp_path, "user", "add", "quantri", "--role", "clerk", "--password-stdin", stdin="x\n")
    assert dup.returncode == 1 and dup.stderr.startswith("sohoa:")
    store = WebStore(tmp_path / WEB_DB)
    try:
        assert [u.name for u in store.users()] == ["quantri"]
    finally:
        store.close()

"""Web accounts from the command line: the first admin, password changes, disabling."""

from __future__ import annotations

from pathlib import Path

from conftest import run_sohoa


def test_first_admin_and_account_lifecycle(tmp_path: Path) -> None:
    from web.app import WEB_DB
    from web.auth import WebStore

    add = run_sohoa(tmp_path, "user", "add", "quantri", "--role", "admin", "--password-stdin", stdin="Mat-khau-123\n")
    assert add.returncode == 0, add.stderr
    assert "quantri (admin)" in add.stdout
    assert run_sohoa(tmp_path, "user", "disable", "quantri").returncode == 0
    listing = run_sohoa(tmp_path, "user", "list")
    assert "quantri\tadmin\tdisabled" in listing.stdout
    dup = run_sohoa(tmp_path, "user", "add", "quantri", "--role", "clerk", "--password-stdin", stdin="x\n")
    assert dup.returncode == 1 and dup.stderr.startswith("sohoa:")
    store = WebStore(tmp_path / WEB_DB)
    try:
        assert [u.name for u in store.users()] == ["quantri"]
    finally:
        store.close()

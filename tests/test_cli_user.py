"""Web accounts from the command line, as an admin types them: the first admin, roles, weak passwords,
locks from failed logins, and the rule that an office always keeps one active admin."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_sohoa


def _store(data_dir: Path):
    from web.app import WEB_DB
    from web.auth import WebStore

    return WebStore(data_dir / WEB_DB)


def test_first_admin_and_account_lifecycle(tmp_path: Path) -> None:
    add = run_sohoa(tmp_path, "user", "add", "quantri", "--role", "admin", "--password-stdin", stdin="Mat-khau-123\n")
    assert add.returncode == 0, add.stderr
    assert "quantri (admin)" in add.stdout
    # the only admin can be neither disabled nor demoted: nobody could manage the accounts after
    for args in (("disable", "quantri"), ("role", "quantri", "clerk")):
        refused = run_sohoa(tmp_path, "user", *args)
        assert refused.returncode == 1 and "last active admin" in refused.stderr, refused.stderr
    assert "quantri\tadmin\tactive" in run_sohoa(tmp_path, "user", "list").stdout
    two = run_sohoa(tmp_path, "user", "add", "thuky", "--role", "clerk", "--password-stdin", stdin="tro-ly-luu-tru\n")
    assert two.returncode == 0, two.stderr
    assert run_sohoa(tmp_path, "user", "role", "thuky", "admin").returncode == 0
    assert run_sohoa(tmp_path, "user", "disable", "quantri").returncode == 0
    listing = run_sohoa(tmp_path, "user", "list").stdout
    assert "quantri\tadmin\tdisabled" in listing and "thuky\tadmin\tactive" in listing
    dup = run_sohoa(tmp_path, "user", "add", "quantri", "--role", "clerk", "--password-stdin", stdin="x\n")
    assert dup.returncode == 1 and dup.stderr.startswith("sohoa:")
    store = _store(tmp_path)
    try:
        assert [u.name for u in store.users()] == ["quantri", "thuky"]
    finally:
        store.close()


def test_a_password_easy_to_guess_is_refused(tmp_path: Path) -> None:
    for weak in ("12345678", "password1", "matkhau123", "quantri2024"):
        r = run_sohoa(tmp_path, "user", "add", "quantri", "--role", "admin", "--password-stdin", stdin=weak + "\n")
        assert r.returncode == 1 and "too easy to guess" in r.stderr, (weak, r.stderr)
    assert run_sohoa(tmp_path, "user", "list").stdout == ""


def test_unlock_lifts_a_lock_from_failed_logins(tmp_path: Path) -> None:
    from web.auth import MAX_FAILS_PER_IP, MAX_FAILS_PER_USER

    assert run_sohoa(tmp_path, "user", "add", "quantri", "--role", "admin", "--password-stdin",
                     stdin="Mat-khau-123\n").returncode == 0
    store = _store(tmp_path)
    try:
        for _ in range(MAX_FAILS_PER_USER):
            assert store.login("quantri", "doan-sai-mat-khau", "10.1.1.1") is None
        for i in range(MAX_FAILS_PER_IP):
            store.login(f"ai-do-{i}", "doan-sai-mat-khau", "10.1.1.2")
        assert store.login_blocked("quantri", "10.1.1.1") and store.login_blocked("moi", "10.1.1.2")
        assert store.locked() == (["quantri"], ["10.1.1.2"])
    finally:
        store.close()
    assert run_sohoa(tmp_path, "user", "unlock").returncode == 1
    assert run_sohoa(tmp_path, "user", "unlock", "khong-co").returncode == 1
    assert run_sohoa(tmp_path, "user", "unlock", "quantri").returncode == 0
    assert run_sohoa(tmp_path, "user", "unlock", "--address", "10.1.1.2").returncode == 0
    store = _store(tmp_path)
    try:
        assert not store.login_blocked("quantri", "10.1.1.1") and not store.login_blocked("moi", "10.1.1.2")
        assert store.locked() == ([], [])
        assert store.login("quantri", "Mat-khau-123", "10.1.1.1") is not None
    finally:
        store.close()


def test_add_asks_the_password_twice_and_passwd_and_enable_work(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`sohoa user add NAME --role R` as the guide shows it (the password asked twice at the terminal: the
    terminal's answers are given here), `user passwd`, then `user disable` and `user enable`."""
    import getpass

    from sohoa.cli import main

    answers: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": answers.pop(0))
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    answers[:] = ["Mat-khau-123", "Mat-khau-124"]
    assert main(["user", "add", "quantri", "--role", "admin"]) == 1  # the two answers differ
    answers[:] = ["Mat-khau-123", "Mat-khau-123"]
    assert main(["user", "add", "quantri", "--role", "admin"]) == 0 and not answers
    answers[:] = ["Thu-ky-luu-tru-9", "Thu-ky-luu-tru-9"]
    assert main(["user", "add", "thuky", "--role", "clerk"]) == 0
    answers[:] = ["Doi-mat-khau-2026", "Doi-mat-khau-2026"]
    assert main(["user", "passwd", "thuky"]) == 0
    assert run_sohoa(tmp_path, "user", "passwd", "thuky", "--password-stdin", stdin="123\n").returncode == 1
    store = _store(tmp_path)
    try:
        assert store.login("thuky", "Thu-ky-luu-tru-9", "10.1.1.3") is None
        assert store.login("thuky", "Doi-mat-khau-2026", "10.1.1.3") is not None
    finally:
        store.close()
    assert run_sohoa(tmp_path, "user", "disable", "thuky").returncode == 0
    store = _store(tmp_path)
    try:
        assert store.login("thuky", "Doi-mat-khau-2026", "10.1.1.3") is None
    finally:
        store.close()
    assert run_sohoa(tmp_path, "user", "enable", "thuky").returncode == 0
    assert "thuky\tclerk\tactive" in run_sohoa(tmp_path, "user", "list").stdout
    store = _store(tmp_path)
    try:
        assert store.login("thuky", "Doi-mat-khau-2026", "10.1.1.3") is not None
    finally:
        store.close()

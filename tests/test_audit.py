"""The audit trail an inspector uses: who looked at whose record, page or search, when (office time) and from
where; failed logins; filters and export; and a chain that shows a line changed or removed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import run_sohoa
from test_web import Demo, build_demo, client_for, login
from web.audit import GENESIS
from web.auth import WebStore


@pytest.fixture
def fresh(tmp_path: Path) -> Demo:
    return build_demo(tmp_path)


def _store(d: Demo) -> WebStore:
    return WebStore(d.settings.data_dir / "web.sqlite")


def test_every_look_at_personal_data_is_a_line_naming_the_person(fresh: Demo) -> None:
    c = client_for(fresh, "tracuu", ip="10.0.0.21")
    assert c.get("/search").status_code == 200  # the empty search lists every record
    assert c.get("/search", params={"q": "nguyen van an", "type": "xac_minh_van_bang"}).status_code == 200
    assert c.get(f"/records/{fresh.an}").status_code == 200
    for path in ("pages/1/restored.jpg", "pages/1/original.jpg", "crop/number.jpg", "record.pdf"):
        assert c.get(f"/records/{fresh.an}/{path}").status_code == 200, path
    assert login(client_for(fresh, ip="10.0.0.22"), "tracuu", "doan-sai-mat-khau").status_code == 401

    store = _store(fresh)
    try:
        lines = [x for x in store.audit.every() if x.user == "tracuu"]
    finally:
        store.close()
    assert [x.action for x in lines] == ["login", "search", "search", "view", "page", "page", "crop", "pdf",
                                         "login_failed"]
    assert all(x.subject == "Nguyễn Văn An" and x.record_key == fresh.an for x in lines[3:8])
    assert lines[1].detail == {"hits": 3, "on": dt.date.today().isoformat(), "page": 1}
    assert lines[2].detail["q"] == "nguyen van an" and lines[2].detail["type"] == "xac_minh_van_bang"
    assert lines[4].detail == {"page": 1, "image": "restored"} and lines[6].detail["field"] == "number"
    assert lines[-1].ip == "10.0.0.22"

    admin = client_for(fresh, "admin")
    page = admin.get("/admin/access-log", params={"user": "tracuu"}).text
    for text in ("Tra cứu", "Xem hồ sơ", "Xem ảnh trang", "Xem ảnh một trường", "Tải PDF", "Đăng nhập sai",
                 "Nguyễn Văn An", "từ khóa: nguyen van an · loại: Xác minh văn bằng", "ảnh: bản quét gốc",
                 "trường: Số, ký hiệu", "Asia/Ho_Chi_Minh", "9 dòng"):
        assert text in page, text
    # times as the office reads them, not UTC ISO
    local = lines[-1].at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M:%S")
    assert local in page and "+00:00" not in page
    assert "10.0.0.22" in admin.get("/admin/access-log", params={"action": "login_failed"}).text
    by_person = admin.get("/admin/access-log", params={"record": "Nguyễn Văn An"}).text
    body = by_person[by_person.index("<tbody>"):]
    assert "5 dòng" in by_person and "Đăng nhập" not in body and "Tra cứu" not in body
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert "0 dòng" in admin.get("/admin/access-log", params={"since": tomorrow}).text
    # a clerk cannot read the trail
    assert client_for(fresh, "tracuu").get("/admin/access-log").status_code == 403


def test_the_trail_exports_as_csv_and_the_export_is_a_line_too(fresh: Demo) -> None:
    c = client_for(fresh, "tracuu")
    c.get(f"/records/{fresh.dang_lam}")
    admin = client_for(fresh, "admin")
    r = admin.get("/admin/access-log.csv", params={"record": fresh.dang_lam})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Thời điểm", "Tên đăng nhập", "Địa chỉ", "Thao tác"]
    assert rows[1][1] == "tracuu" and rows[1][3] == "Xem hồ sơ" and rows[1][5] == "Trường THCS Đằng Lâm"
    assert len(rows) == 2
    store = _store(fresh)
    try:
        last = list(store.audit.every())[-1]
    finally:
        store.close()
    assert (last.user, last.action, last.detail) == ("admin", "audit_export", {"record": fresh.dang_lam})
    cli = run_sohoa(fresh.settings.data_dir, "audit", "export", "--user", "tracuu", "--lang", "en")
    assert cli.returncode == 0 and "Record opened" in cli.stdout and "Trường THCS Đằng Lâm" in cli.stdout


def test_a_line_changed_or_removed_breaks_the_chain(fresh: Demo) -> None:
    c = client_for(fresh, "tracuu")
    for key in (fresh.an, fresh.dang_lam, fresh.hung):
        c.get(f"/records/{key}")
    data = fresh.settings.data_dir
    ok = run_sohoa(data, "audit", "verify")
    assert ok.returncode == 0 and re.match(r"4 lines, last hash [0-9a-f]{64}: ok", ok.stdout), ok.stdout
    db = data / "web.sqlite"
    with sqlite3.connect(db) as conn:  # someone hides that a record was looked at
        conn.execute("UPDATE audit_log SET subject='Ai đó' WHERE id=3")
    bad = run_sohoa(data, "audit", "verify")
    assert bad.returncode == 1 and "line 3: changed after it was written" in bad.stderr
    with sqlite3.connect(db) as conn:  # ... and gives the line a hash that fits its new text
        row = conn.execute("SELECT prev, id, at, user, ip, action, record_key, subject, detail FROM audit_log "
                           "WHERE id=3").fetchone()
        from web.audit import line_hash

        conn.execute("UPDATE audit_log SET hash=? WHERE id=3", (line_hash(*row),))
    bad = run_sohoa(data, "audit", "verify")
    assert bad.returncode == 1 and "line 4: the line before it was changed" in bad.stderr
    with sqlite3.connect(db) as conn:  # or removes it
        conn.execute("DELETE FROM audit_log WHERE id=3")
    bad = run_sohoa(data, "audit", "verify")
    assert bad.returncode == 1 and "lines 3–3 are missing" in bad.stderr
    with sqlite3.connect(db) as conn:  # or removes the first lines
        conn.execute("DELETE FROM audit_log WHERE id<3")
    bad = run_sohoa(data, "audit", "verify")
    assert "line 4: the lines before it are missing" in bad.stderr


def test_prune_removes_lines_past_retention_and_the_chain_still_checks(
        fresh: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    import web.audit

    store = _store(fresh)
    try:
        long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2000)
        monkeypatch.setattr(web.audit, "_now", lambda: long_ago)  # a clock six years back
        for key in (fresh.an, fresh.dang_lam):
            store.audit.append("tracuu", "10.0.0.1", "view", record_key=key, subject="x")
        monkeypatch.undo()
        store.audit.append("tracuu", "10.0.0.1", "view", record_key=fresh.hung)
    finally:
        store.close()
    res = run_sohoa(fresh.settings.data_dir, "audit", "prune")
    assert res.returncode == 0 and "2 lines older than 1825 days removed" in res.stdout, res.stdout + res.stderr
    store = _store(fresh)
    try:
        lines = list(store.audit.every())
        check = store.audit.verify()
    finally:
        store.close()
    assert [x.action for x in lines] == ["view", "prune"] and lines[0].record_key == fresh.hung
    assert lines[1].user == "cli" and lines[1].detail["lines"] == 2 and lines[0].prev != GENESIS
    assert check.ok and check.lines == 2
    assert run_sohoa(fresh.settings.data_dir, "audit", "prune", "--days", "0").returncode == 1


def test_a_log_from_before_the_trail_is_chained_in(tmp_path: Path) -> None:
    db = tmp_path / "web.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE access_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, "
                     "ip TEXT NOT NULL, action TEXT NOT NULL, record_key TEXT)")
        conn.executemany("INSERT INTO access_log(at, user, ip, action, record_key) VALUES (?,?,?,?,?)", [
            ("2025-01-02T03:04:05+00:00", "tracuu", "10.0.0.1", "view", "k1"),
            ("2025-01-02T03:05:00+00:00", "admin", "10.0.0.2", "user:add:moi", None)])
    store = WebStore(db)
    try:
        lines = list(store.audit.every())
        assert [(x.user, x.action, x.record_key, x.detail) for x in lines] == [
            ("tracuu", "view", "k1", {}), ("admin", "user", None, {"old": "add:moi"})]
        assert lines[0].at == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        assert store.audit.verify().ok
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name='access_log'").fetchone()


def test_odd_filters_are_no_server_error(fresh: Demo) -> None:
    admin = client_for(fresh, "admin")
    for params in ({"since": "hôm qua"}, {"until": "9" * 5000}, {"action": "<script>"}, {"page": "²"},
                   {"record": "%"}, {"user": "x" * 5000}):
        assert admin.get("/admin/access-log", params=params).status_code == 200, params


def _lines_at(d: Demo, monkeypatch: pytest.MonkeyPatch, days_ago: dict[str, int]) -> None:
    """One "view" line per record, written ``days_ago[record]`` days back (a clock set back, then restored)."""
    import web.audit

    store = _store(d)
    try:
        for key, days in days_ago.items():
            then = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
            monkeypatch.setattr(web.audit, "_now", lambda then=then: then)
            store.audit.append("tracuu", "10.0.0.1", "view", record_key=key, subject=key)
            monkeypatch.undo()
    finally:
        store.close()


def _viewed(d: Demo) -> list[str]:
    store = _store(d)
    try:
        return [x.record_key for x in store.audit.every() if x.action == "view"]
    finally:
        store.close()


def test_export_options_and_the_retention_setting_as_typed(fresh: Demo, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """`audit export --since --until --record --out`, `audit prune --days N` and SOHOA_AUDIT_RETENTION_DAYS."""
    _lines_at(fresh, monkeypatch, {fresh.an: 400, fresh.dang_lam: 100, fresh.hung: 0})
    data = fresh.settings.data_dir
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    out = tmp_path / "quy.csv"
    res = run_sohoa(data, "audit", "export", "--since", str(today - dt.timedelta(days=150)),
                    "--until", str(today - dt.timedelta(days=50)), "--out", str(out))
    assert res.returncode == 0 and res.stdout == "", res.stderr
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 2 and fresh.dang_lam in rows[1], rows  # the header, the line of 100 days ago only
    by_record = run_sohoa(data, "audit", "export", "--record", fresh.an)
    assert fresh.an in by_record.stdout and fresh.dang_lam not in by_record.stdout

    kept = run_sohoa(data, "audit", "prune", env={"SOHOA_AUDIT_RETENTION_DAYS": "365"})
    assert kept.returncode == 0 and "1 lines older than 365 days removed" in kept.stdout, kept.stdout + kept.stderr
    assert _viewed(fresh) == [fresh.dang_lam, fresh.hung]
    shorter = run_sohoa(data, "audit", "prune", "--days", "30")
    assert shorter.returncode == 0 and "1 lines older than 30 days removed" in shorter.stdout
    assert _viewed(fresh) == [fresh.hung]
    assert run_sohoa(data, "audit", "verify").returncode == 0


def test_serve_prunes_the_trail_at_start(fresh: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    _lines_at(fresh, monkeypatch, {fresh.an: 400, fresh.hung: 0})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SOHOA_DATA_DIR": str(fresh.settings.data_dir),
           "SOHOA_AUDIT_RETENTION_DAYS": "365"}
    server = subprocess.Popen([sys.executable, "-m", "sohoa.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert _viewed(fresh) == [fresh.hung]
    store = _store(fresh)
    try:
        assert [x.user for x in store.audit.every() if x.action == "prune"] == ["serve"]
    finally:
        store.close()

"""Backup and restore of a data directory, on the committed samples ingested once.

A restored copy must answer the same searches and give the same counts as
the original; a damaged or unfinished backup, or a non-empty target, must be
refused with a clear message; a backup taken while another process holds a
write transaction on the ledger must succeed and hold only committed data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import run_sohoa
from sohoa.backup.check import compare_check
from sohoa.backup.manifest import MANIFEST, BackupError, read_manifest
from sohoa.backup.restore import run_restore
from sohoa.backup.writing import plan_backup, run_backup
from core.settings import Settings

pytestmark = pytest.mark.slow



@pytest.fixture
def data(ingested_samples: tuple[Path, object]) -> Path:
    """A data directory with every committed sample ingested (the session's, shared with test_demo.py)."""
    data, run = ingested_samples
    assert run.returncode == 0, run.stderr[-3000:]  # type: ignore[attr-defined]
    return data


def _search(data: Path, *args: str) -> dict:
    res = run_sohoa(data, "search", *args, "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for hit in out["hits"]:
        hit.pop("path", None)  # originals stay where they were; everything else must be equal
    return out


def _settings(data: Path, **kw: object) -> Settings:
    return Settings(data_dir=data, **kw)


def test_backup_then_restore_answers_the_same(data: Path, tmp_path: Path) -> None:
    dest, restored = tmp_path / "bk", tmp_path / "restored"
    backup = run_sohoa(data, "backup", str(dest))
    assert backup.returncode == 0, backup.stderr
    assert "manifest.json ghi sau cùng" in backup.stdout and "12 hồ sơ" in backup.stdout
    manifest = read_manifest(dest)
    names = {f["path"] for f in manifest["files"]}
    assert {"ledger.sqlite", "index.sqlite"} <= names and any(n.startswith("derived/") for n in names)
    assert manifest["check"]["index"]["doc_count"] == 12 and len(manifest["check"]["searches"]) >= 5

    res = run_sohoa(restored, "restore", str(dest), "--lang", "en")
    assert res.returncode == 0, res.stderr + res.stdout
    assert "Check passed" in res.stdout and "MISMATCH" not in res.stdout
    # The same searches and counts, through the CLI, on the original and the restored copy.
    for args in (("nguyen van an",), ("truong tieu hoc",), ("", "--type", "xac_minh_van_bang")):
        assert _search(restored, *args) == _search(data, *args)
    report = [run_sohoa(d, "report", "--format", "csv", "--as-of", "2024-03-31").stdout for d in (data, restored)]
    assert report[0] == report[1] and report[0].strip()
    # The restored ledger names derived files under the new data directory, and they exist.
    with sqlite3.connect(restored / "ledger.sqlite") as conn:
        paths = [p for (p,) in conn.execute("SELECT image_path FROM pages")]
    assert paths and all(p.startswith(str(restored / "derived")) and Path(p).is_file() for p in paths)


def test_corrupted_derived_file_fails_with_a_clear_message(data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "bk"
    run_backup(plan_backup(_settings(data), dest))
    victim = next(p for p in sorted((dest / "derived").rglob("*.jpg")))
    raw = bytearray(victim.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    victim.write_bytes(bytes(raw))
    res = run_sohoa(tmp_path / "restored", "restore", str(dest))
    assert res.returncode == 1
    rel = victim.relative_to(dest).as_posix()
    assert rel in res.stderr and "SHA-256" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "restored" / "ledger.sqlite").exists()  # nothing copied from a damaged backup


def test_missing_manifest_is_an_unfinished_backup(data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "bk"
    run_backup(plan_backup(_settings(data), dest))
    (dest / MANIFEST).unlink()
    with pytest.raises(BackupError, match="manifest.json.*unfinished"):
        run_restore(dest, _settings(tmp_path / "restored"))
    res = run_sohoa(tmp_path / "restored", "restore", str(dest))
    assert res.returncode == 1 and "thiếu manifest.json" in res.stderr and "Traceback" not in res.stderr


def test_restore_refuses_a_non_empty_target_unless_forced(data: Path, tmp_path: Path) -> None:
    dest, target = tmp_path / "bk", tmp_path / "target"
    run_backup(plan_backup(_settings(data), dest))
    target.mkdir()
    (target / "ledger.sqlite").write_bytes(b"an older ledger")
    (target / "ledger.sqlite-wal").write_bytes(b"its stale log")
    with pytest.raises(BackupError, match="not empty"):
        run_restore(dest, _settings(target))
    assert (target / "ledger.sqlite").read_bytes() == b"an older ledger"
    result = run_restore(dest, _settings(target), force=True)
    assert result.ok, result.items
    assert not (target / "ledger.sqlite-wal").exists() or (target / "ledger.sqlite-wal").read_bytes() != b"its stale log"


def test_backup_refuses_a_non_empty_destination(data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "bk"
    dest.mkdir()
    (dest / "something").write_text("x")
    with pytest.raises(BackupError, match="destination"):
        plan_backup(_settings(data), dest)
    with pytest.raises(BackupError, match="outside the data directory"):
        plan_backup(_settings(data), data / "backups")


def test_a_mismatch_fails_the_check_and_the_command(data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "bk"
    run_backup(plan_backup(_settings(data), dest))
    manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    manifest["check"]["ledger"]["cube"][0][3] += 1  # the backup "remembers" one record more
    manifest["check"]["searches"][0]["total"] += 1
    (dest / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    res = run_sohoa(tmp_path / "restored", "restore", str(dest))
    assert res.returncode == 1
    assert "Số hồ sơ theo loại × năm × tình trạng: KHÔNG KHỚP" in res.stderr
    assert "Các tìm kiếm mẫu: KHÔNG KHỚP" in res.stderr and "Kiểm tra KHÔNG đạt" in res.stderr
    # A restored copy changed afterwards is caught by the same comparison.
    check = read_manifest(dest)["check"]
    with sqlite3.connect(tmp_path / "restored" / "ledger.sqlite") as conn:
        conn.execute("DELETE FROM records WHERE id = (SELECT max(id) FROM records)")
    failed = {i.what for i in compare_check(tmp_path / "restored", check) if not i.ok}
    assert {"ledger_totals", "ledger_cube"} <= failed


def test_backup_while_another_writer_holds_the_ledger(data: Path, tmp_path: Path) -> None:
    writer = sqlite3.connect(data / "ledger.sqlite", isolation_level=None, timeout=5)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO batches(name, created_at) VALUES ('uncommitted', '2026-01-01')")
        writer.execute("UPDATE records SET subject = 'Không Được Thấy'")
        started = dt.datetime.now()
        result = run_backup(plan_backup(_settings(data), tmp_path / "bk"))
        assert (dt.datetime.now() - started).total_seconds() < 30  # did not wait for the writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.check["ledger"]["totals"]["batches"] == 1  # only committed data
    with sqlite3.connect(tmp_path / "bk" / "ledger.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM records WHERE subject = 'Không Được Thấy'").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = run_restore(tmp_path / "bk", _settings(tmp_path / "restored"))
    assert restored.ok, restored.items


def test_elasticsearch_index_is_left_out_and_rebuilt_on_restore(data: Path, tmp_path: Path) -> None:
    # The index URL is never contacted: an Elasticsearch index is not backed up.
    plan = plan_backup(_settings(data, index_url="http://127.0.0.1:9"), tmp_path / "bk")
    assert "index.sqlite" not in plan.databases and "index_es" in plan.notes
    result = run_backup(plan)
    assert result.check["index"] is None and all(s["total"] is None for s in result.check["searches"])
    restored = run_restore(tmp_path / "bk", _settings(tmp_path / "restored"))
    assert restored.ok, restored.items
    assert "index_rebuilt" in restored.notes and (tmp_path / "restored" / "index.sqlite").is_file()
    assert {i.what for i in restored.items} >= {"ledger_cube", "searches"}


def test_postgresql_ledger_is_left_to_pg_dump(data: Path, tmp_path: Path) -> None:
    from sohoa.backup.summary import backup_summary

    settings = _settings(data, ledger_url="postgresql://sohoa@db.example/sohoa")
    result = run_backup(plan_backup(settings, tmp_path / "bk"))
    assert "ledger.sqlite" not in {f.path for f in result.files} and result.check["ledger"] is None
    assert "pg_dump" in backup_summary(result, data, "vi") and "pg_dump" in backup_summary(result, data, "en")
    assert result.check["index"]["doc_count"] == 12  # the rest is still copied and checked


def test_the_backup_keeps_the_audit_trail_and_its_last_hash(data: Path, tmp_path: Path) -> None:
    from web.auth import WebStore

    store = WebStore(data / "web.sqlite")
    try:
        for i in range(3):
            store.audit.append("tracuu", "10.0.0.1", "search", detail={"q": f"nguyen {i}"})
    finally:
        store.close()
    verify = run_sohoa(data, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    lines, head = re.match(r"(\d+) lines, last hash ([0-9a-f]{64}): ok", verify.stdout).groups()
    dest, restored = tmp_path / "bk", tmp_path / "restored"
    assert run_sohoa(data, "backup", str(dest)).returncode == 0
    assert read_manifest(dest)["check"]["audit"] == {"lines": int(lines), "head": head, "ok": True}
    res = run_sohoa(restored, "restore", str(dest), "--lang", "en")
    assert res.returncode == 0 and "Access log (lines, hash chain): match (3)" in res.stdout, res.stdout + res.stderr


def test_reports_are_kept_and_restore_force_replaces_a_data_dir_as_typed(data: Path, tmp_path: Path) -> None:
    """The README's two commands: ``backup`` keeps ``reports/`` too; ``restore`` refuses a data dir that
    holds something (exit 1, nothing touched) and ``restore --force`` replaces it."""
    reports = data / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "bao-cao-q3.html").write_text("<h1>Báo cáo quý III</h1>", encoding="utf-8")
    dest, target, nowhere = tmp_path / "bk", tmp_path / "target", tmp_path / "not-this-one"
    # `--data-dir` after the command, as the guide types it (it wins over $SOHOA_DATA_DIR, here a wrong one)
    assert run_sohoa(nowhere, "backup", str(dest), "--data-dir", str(data)).returncode == 0
    assert "reports/bao-cao-q3.html" in {f["path"] for f in read_manifest(dest)["files"]}
    target.mkdir()
    (target / "ledger.sqlite").write_bytes(b"an older ledger")
    refused = run_sohoa(target, "restore", str(dest))
    assert refused.returncode == 1 and "not empty" in refused.stderr, refused.stderr
    assert (target / "ledger.sqlite").read_bytes() == b"an older ledger"
    forced = run_sohoa(nowhere, "restore", str(dest), "--data-dir", str(target), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert (target / "reports" / "bao-cao-q3.html").read_text(encoding="utf-8") == "<h1>Báo cáo quý III</h1>"
    assert _search(target, "nguyen van an") == _search(data, "nguyen van an")
    assert not nowhere.exists()

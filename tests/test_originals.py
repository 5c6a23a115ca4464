"""Originals are only read, and every run proves it by hashing them again at the end."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import ocr.pages
from conftest import SAMPLES
from flows.ingest import run_ingest, verify_original
from ocr.pages import PageJob, PageOutcome
from sohoa import cli
from core.settings import Settings

PAGES = ("004_mild_page.jpg", "006_mild_page.jpg")  # the two quickest sample pages


def _box(root: Path) -> Path:
    """A box with a nested folder holding two sample scans (copies: the committed samples stay untouched)."""
    inner = root / "hop-05" / "ngan-1"
    inner.mkdir(parents=True)
    for name in PAGES:
        shutil.copy(SAMPLES / "scans" / name, inner / name)
    return root / "hop-05"


def _fingerprints(box: Path) -> dict[str, tuple[str, int, int, int]]:
    """Content hash, size, mtime and ctime of every file; ctime moves on any write or chmod, even by root."""
    out = {}
    for p in sorted(box.rglob("*")):
        st = p.stat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        out[str(p.relative_to(box))] = (digest, st.st_size if p.is_file() else 0, st.st_mtime_ns, st.st_ctime_ns)
    return out


def test_verify_original(tmp_path: Path) -> None:
    scan = tmp_path / "a.jpg"
    shutil.copy(SAMPLES / "scans" / PAGES[0], scan)
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    assert verify_original(scan, sha) is None
    with scan.open("ab") as fh:
        fh.write(b"\0")
    assert "changed during the run" in verify_original(scan, sha)
    scan.unlink()
    assert "can no longer be read" in verify_original(scan, sha)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_read_only_originals_are_ingested_and_left_untouched(tmp_path: Path, settings: Settings) -> None:
    box = _box(tmp_path)
    dirs = [box, *[p for p in box.rglob("*") if p.is_dir()]]
    files = [p for p in box.rglob("*") if p.is_file()]
    for p in files:
        p.chmod(0o444)
    for d in dirs:
        d.chmod(0o555)
    try:
        before = _fingerprints(box)
        summary = run_ingest([str(box)], "hop-05", settings=settings)
        after = _fingerprints(box)
    finally:
        for d in dirs:
            d.chmod(0o755)
    assert summary.exit_code == 0, summary
    assert (summary.pages_read, summary.quarantined, summary.originals_changed) == (2, [], [])
    assert summary.records_written == 2
    # Root ignores permissions, so the proof is that nothing about the files moved, not that writing failed.
    assert after == before
    assert all(os.stat(p).st_mode & 0o777 == 0o444 for p in files)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_original_changed_during_the_run_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    box = _box(tmp_path)
    victim = next(box.rglob(PAGES[0]))
    data = tmp_path / "data"
    for var in ("SOHOA_INDEX_URL", "SOHOA_LEDGER_URL", "SOHOA_RUNNER", "SOHOA_DASK_ADDRESS"):
        monkeypatch.delenv(var, raising=False)
    real_read_pages = ocr.pages.read_pages

    def read_then_scribble(jobs: list[PageJob]) -> list[PageOutcome | Exception]:
        # Fault: another program writes to the scan after its page was read and before the run ends.
        out = real_read_pages(jobs)
        if any(job.path == victim for job in jobs):
            with victim.open("ab") as fh:
                fh.write(b"\0edited by another program")
        return out

    monkeypatch.setattr(ocr.pages, "read_pages", read_then_scribble)
    argv = ["--data-dir", str(data), "ingest", str(box), "--batch", "hop-05", "--no-progress", "--workers", "2"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"original changed during the run: {victim}: content changed during the run" in err

    con = sqlite3.connect(data / "ledger.sqlite")
    try:
        events = con.execute(
            "SELECT kind, message, file_id, run_id FROM events WHERE kind='original_modified'").fetchall()
        assert len(events) == 1 and str(victim) in events[0][1]
        status = dict(con.execute("SELECT path, status FROM files").fetchall())
        assert status == {str(victim): "failed", str(next(box.rglob(PAGES[1]))): "done"}
        summary = json.loads(con.execute("SELECT summary FROM runs WHERE id=?", (events[0][3],)).fetchone()[0])
        assert [p for p, _ in summary["originals_changed"]] == [str(victim)]
    finally:
        con.close()

    # The next run sees the new content, reads it and replaces the old content's record.
    monkeypatch.setattr(ocr.pages, "read_pages", real_read_pages)
    assert cli.main(argv) == 0
    con = sqlite3.connect(data / "ledger.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM records").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM pages WHERE status='done'").fetchone()[0] == 3
    finally:
        con.close()

"""kill -9 in the middle of a batch, rerun: it resumes, nothing lost, nothing counted twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLES

pytestmark = pytest.mark.slow


def _ingest(data: Path, box: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "SOHOA_WORKERS": "2"}
    env.pop("SOHOA_INDEX_URL", None)
    return subprocess.Popen([sys.executable, "-m", "sohoa.cli", "ingest", str(box), "--batch", "hop-01",
                             "--no-progress"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _pages_done(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    try:
        con = sqlite3.connect(ledger, timeout=5)
        try:
            return int(con.execute("SELECT count(*) FROM pages WHERE status='done'").fetchone()[0])
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def test_kill_9_mid_batch_then_resume(tmp_path: Path, ground_truth: dict) -> None:
    stack = next(f for f in ground_truth["files"] if f["path"].endswith("001_mild_stack.pdf"))
    box = tmp_path / "hop-01"
    box.mkdir()
    (box / "chong-ho-so.pdf").write_bytes((SAMPLES / stack["path"]).read_bytes())
    data = tmp_path / "data"
    ledger = data / "ledger.sqlite"
    total = len(stack["pages"])

    proc = _ingest(data, box)
    deadline = time.monotonic() + 300
    while _pages_done(ledger) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = _pages_done(ledger)
    assert 2 <= done_before < total

    again = _ingest(data, box)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err[-3000:]
    assert f"{total - done_before} trang đã đọc" in out  # only the pages the crash left
    con = sqlite3.connect(ledger)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*), count(DISTINCT page_no) FROM pages").fetchone() == (total, total)
        types = Counter(t for (t,) in con.execute("SELECT type FROM records WHERE duplicate_of IS NULL"))
    finally:
        con.close()
    assert types == Counter(r["type"] for r in ground_truth["records"] if r["file"] == stack["path"])

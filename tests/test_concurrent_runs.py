"""Two ingest runs at once on overlapping folders count nothing twice."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLES

pytestmark = pytest.mark.slow


def _start(data: Path, folder: Path, batch: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "SOHOA_WORKERS": "1"}
    env.pop("SOHOA_INDEX_URL", None)
    return subprocess.Popen([sys.executable, "-m", "sohoa.cli", "ingest", str(folder), "--batch", batch,
                             "--no-progress"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_on_overlapping_folders(tmp_path: Path, ground_truth: dict) -> None:
    singles = [f for f in ground_truth["files"] if len(f["pages"]) == 1][:3]
    a, b = tmp_path / "hop-a", tmp_path / "hop-b"
    a.mkdir()
    b.mkdir()
    # hop-a holds files 0 and 1, hop-b files 1 and 2: file 1 is in both, under another name in hop-b.
    for i, f in enumerate(singles):
        src = SAMPLES / f["path"]
        if i in (0, 1):
            shutil.copy(src, a / src.name)
        if i in (1, 2):
            shutil.copy(src, b / f"ban-sao-{src.name}")
    data = tmp_path / "data"
    runs = [_start(data, a, "hop-a"), _start(data, b, "hop-b")]
    outs = [p.communicate(timeout=900) for p in runs]
    for proc, (_, err) in zip(runs, outs):
        assert proc.returncode == 0, err[-3000:]
    con = sqlite3.connect(data / "ledger.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 3
        assert con.execute("SELECT count(*), count(DISTINCT file_id || '-' || page_no) FROM pages").fetchone() == (3, 3)
        assert con.execute("SELECT count(*) FROM sightings").fetchone()[0] == 4
        types = Counter(t for (t,) in con.execute("SELECT type FROM records WHERE duplicate_of IS NULL"))
    finally:
        con.close()
    expected = Counter(r["type"] for r in ground_truth["records"] if r["file"] in {f["path"] for f in singles})
    assert types == expected

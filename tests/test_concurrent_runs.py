"""Two ingest runs at once on overlapping folders count nothing twice, on the SQLite ledger and on PostgreSQL
(the README's setup for several machines: two processes writing one ledger)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLES
from ledger import Ledger

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest) -> str | None:
    """None for the data dir's SQLite ledger, or a fresh PostgreSQL database."""
    return None if request.param == "sqlite" else request.getfixturevalue("pg_ledger_url")


def _start(data: Path, folder: Path, batch: str, ledger_url: str | None) -> subprocess.Popen[str]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "SOHOA_WORKERS": "1"}
    env.pop("SOHOA_INDEX_URL", None)
    env.pop("SOHOA_LEDGER_URL", None)
    if ledger_url:
        env["SOHOA_LEDGER_URL"] = ledger_url
    return subprocess.Popen([sys.executable, "-m", "sohoa.cli", "ingest", str(folder), "--batch", batch,
                             "--no-progress"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_on_overlapping_folders(tmp_path: Path, ground_truth: dict, ledger_url: str | None) -> None:
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
    runs = [_start(data, a, "hop-a", ledger_url), _start(data, b, "hop-b", ledger_url)]
    outs = [p.communicate(timeout=900) for p in runs]
    for proc, (_, err) in zip(runs, outs):
        assert proc.returncode == 0, err[-3000:]
    with Ledger(ledger_url or data / "ledger.sqlite") as ledger:
        assert ledger.query("SELECT count(*) FROM files")[0][0] == 3
        assert tuple(ledger.query("SELECT count(*), count(DISTINCT file_id || '-' || page_no) FROM pages")[0]) == (3, 3)
        assert ledger.query("SELECT count(*) FROM sightings")[0][0] == 4
        types = Counter(r[0] for r in ledger.query("SELECT type FROM records WHERE duplicate_of IS NULL"))
    expected = Counter(r["type"] for r in ground_truth["records"] if r["file"] in {f["path"] for f in singles})
    assert types == expected

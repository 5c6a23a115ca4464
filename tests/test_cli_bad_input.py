"""The CLI names the file and the reason for bad input, and never crashes on garbage."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

from pipeline.records import PageText, build_records


def _sohoa(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "sohoa.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_ocr_on_bad_files_names_file_and_reason(tmp_path: Path) -> None:
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    web = tmp_path / "trang.pdf"
    web.write_text("<!DOCTYPE html><html></html>")
    for path, reason in ((empty, "empty"), (web, "HTML")):
        res = _sohoa("ocr", str(path), data=tmp_path / "d")
        assert res.returncode == 2
        assert str(path) in res.stderr and reason in res.stderr and "Traceback" not in res.stderr
    missing = _sohoa("ocr", str(tmp_path / "khong-co.pdf"), data=tmp_path / "d")
    assert missing.returncode != 0 and "khong-co.pdf" in missing.stderr and "Traceback" not in missing.stderr


def test_classify_text_survives_random_bytes(tmp_path: Path) -> None:
    junk = tmp_path / "rac.txt"
    junk.write_bytes(os.urandom(4000))
    res = _sohoa("classify", "--text", "--json", str(junk), data=tmp_path / "d")
    assert res.returncode == 0, res.stderr
    assert '"records"' in res.stdout


@settings(max_examples=150, deadline=None)
@given(pages=st.lists(st.text(max_size=400), min_size=1, max_size=4))
def test_build_records_never_raises_on_any_text(pages: list[str]) -> None:
    records = build_records([PageText(i, t) for i, t in enumerate(pages, start=1)], dt.date(2024, 1, 1))
    covered = sorted(p for rec, _ in records for p in rec.pages)
    assert covered == list(range(1, len(pages) + 1))  # every page belongs to exactly one record

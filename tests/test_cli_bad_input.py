"""The CLI names the file and the reason for bad input, and never crashes on garbage."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from hypothesis import given, settings, strategies as st

from pipeline.records import PageText, build_records

from conftest import HP, run_sohoa


def test_ocr_on_bad_files_names_file_and_reason(tmp_path: Path) -> None:
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    web = tmp_path / "trang.pdf"
    web.write_text("<!DOCTYPE html><html></html>")
    for path, reason in ((empty, "empty"), (web, "HTML")):
        res = run_sohoa(tmp_path / "d", "ocr", str(path), timeout=120)
        assert res.returncode == 2
        assert str(path) in res.stderr and reason in res.stderr and "Traceback" not in res.stderr
    missing = run_sohoa(tmp_path / "d", "ocr", str(tmp_path / "khong-co.pdf"), timeout=120)
    assert missing.returncode != 0 and "khong-co.pdf" in missing.stderr and "Traceback" not in missing.stderr


def test_classify_text_survives_random_bytes(tmp_path: Path) -> None:
    junk = tmp_path / "rac.txt"
    junk.write_bytes(os.urandom(4000))
    res = run_sohoa(tmp_path / "d", "classify", "--text", "--json", str(junk), timeout=120)
    assert res.returncode == 0, res.stderr
    assert '"records"' in res.stdout


@settings(max_examples=150, deadline=None)
@given(pages=st.lists(st.text(max_size=400), min_size=1, max_size=4))
def test_build_records_never_raises_on_any_text(pages: list[str]) -> None:
    records = build_records([PageText(i, t) for i, t in enumerate(pages, start=1)], dt.date(2024, 1, 1), HP)
    covered = sorted(p for rec, _ in records for p in rec.pages)
    assert covered == list(range(1, len(pages) + 1))  # every page belongs to exactly one record

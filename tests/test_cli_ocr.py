"""``sohoa ocr``: the restored reading the ingest makes, and ``--raw`` plain Tesseract."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_sohoa

SCAN = Path(__file__).resolve().parents[1] / "samples" / "scans" / "006_mild_page.jpg"


def _pages(data_dir: Path, *extra: str) -> list[dict[str, object]]:
    res = run_sohoa(data_dir, "ocr", str(SCAN), "--json", *extra, timeout=300)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["file"] == str(SCAN)
    return out["pages"]


def test_ocr_reads_the_restored_page_like_the_ingest(tmp_path: Path) -> None:
    (page,) = _pages(tmp_path)
    lines = str(page["text"]).splitlines()
    # The two header columns come out whole, each line on its own (the sample's ground truth).
    for line in ("UBND THÀNH PHỐ HẢI PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Số 781 /SGDĐT-KT&KĐCLGD", "Hải Phòng, ngày 13 tháng 01 năm 2012"):
        assert line in lines
    steps = page["steps"]
    assert isinstance(steps, list) and steps[:3] == ["gray", "holes", "normalize"]
    assert any(str(s).startswith("deskew-") for s in steps) and page["skew_deg"] != 0.0
    assert float(page["quality"]) > 0.8


def test_ocr_raw_is_plain_tesseract(tmp_path: Path) -> None:
    (page,) = _pages(tmp_path, "--raw")
    assert page["steps"] == [] and page["rotation"] == 0 and page["skew_deg"] == 0.0
    # A mildly damaged page reads without restoration too; its header columns may run together.
    assert "ngày 13 tháng 01 năm 2012" in str(page["text"])

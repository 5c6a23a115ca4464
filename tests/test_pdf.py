"""The searchable PDF of a record, written by ``sohoa pdf`` and read back with poppler."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pypdf
import pytest
from PIL import Image

from conftest import SAMPLES, run_sohoa
from ocr.pdf import PdfPage, searchable_pdf
from pipeline.folding import fold
from pipeline.ledger import Ledger


def _page(tmp_path: Path, words: list[dict[str, object]]) -> PdfPage:
    jpeg = tmp_path / "p.jpg"
    Image.fromarray(np.full((400, 300), 240, np.uint8)).save(jpeg, quality=80)
    return PdfPage(jpeg, words)


def test_text_layer_keeps_vietnamese_and_word_positions(tmp_path: Path) -> None:
    words = [
        {"text": "Nguyễn", "left": 20, "top": 50, "width": 80, "height": 20},
        {"text": "Văn", "left": 110, "top": 50, "width": 40, "height": 20},
        {"text": "Đức", "left": 160, "top": 300, "width": 50, "height": 20},
    ]
    data = searchable_pdf([_page(tmp_path, words)], dpi=100, title="Thử")
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    # 300 x 400 px at 100 dpi is 216 x 288 pt.
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (216, 288)
    assert reader.metadata is not None and reader.metadata.title == "Thử"
    if shutil.which("pdftotext"):
        (tmp_path / "r.pdf").write_bytes(data)
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        lines = [line.split() for line in text.splitlines() if line.strip()]
        # The first two words share a line above the third, as on the page.
        assert lines[0] == ["Nguyễn", "Văn"] and lines[-1] == ["Đức"]


def test_pages_without_words_still_make_a_pdf(tmp_path: Path) -> None:
    data = searchable_pdf([_page(tmp_path, []), _page(tmp_path, [])])
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 2



@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sample files (three pages) ingested once, with real restoration and Tesseract."""
    data = tmp_path_factory.mktemp("pdfdemo") / "data"
    run = run_sohoa(data, "ingest", str(SAMPLES / "scans" / "003_heavy_record.tif"),
                str(SAMPLES / "scans" / "004_mild_page.jpg"), "--batch", "pdf-demo", "--no-progress")
    assert run.returncode == 0, run.stderr[-2000:]
    return data


def test_cli_writes_a_searchable_pdf_per_record(demo_dir: Path, tmp_path: Path) -> None:
    with Ledger(demo_dir / "ledger.sqlite") as ledger:
        records = ledger.records()
    assert len(records) == 2
    rec = max(records, key=lambda r: len(r.pages))
    run = run_sohoa(demo_dir, "pdf", rec.key, "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    reader = pypdf.PdfReader(tmp_path / f"{rec.key}.pdf")
    assert len(reader.pages) == len(rec.pages) == 2
    text = fold(" ".join(p.extract_text() for p in reader.pages))
    assert rec.number and fold(rec.number.split("/")[0]) in text
    assert rec.subject and fold(rec.subject) in " ".join(text.split())


def test_cli_pdf_of_a_batch_reports_unknown_keys(demo_dir: Path, tmp_path: Path) -> None:
    with Ledger(demo_dir / "ledger.sqlite") as ledger:
        keys = {r.key for r in ledger.records()}
    run = run_sohoa(demo_dir, "pdf", "--batch", "pdf-demo", "no-such-key", "--out", str(tmp_path))
    assert run.returncode == 2 and "no-such-key" in run.stderr
    assert {p.stem for p in tmp_path.glob("*.pdf")} == keys

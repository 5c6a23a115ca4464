"""The searchable PDF/A-2b of a record, written by ``sohoa pdf``, read back with pypdf and poppler and
checked by veraPDF, the PDF Association's validator (fetched by ``scripts/verapdf/fetch.sh``)."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pikepdf
import pypdf
import pytest
from PIL import Image

from conftest import ROOT, SAMPLES, run_sohoa
from ocr.pdf import PdfPage, searchable_pdf
from pipeline.folding import fold
from ledger import Ledger
from web.images import pdf_pages

# What veraPDF reports for each file: whether it complies, and the clauses of the rules it failed.
Verdicts = dict[str, tuple[bool, list[str]]]


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


def test_pdf_claims_pdfa_2b_and_is_reproducible(tmp_path: Path) -> None:
    pages = [_page(tmp_path, [{"text": "Hồ", "left": 5, "top": 5, "width": 30, "height": 12}])]
    data = searchable_pdf(pages, title="Số 45/SGDĐT")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        assert pdf.pdf_version == "1.7" and not pdf.is_encrypted
        assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFA1"
        assert len(pdf.trailer.ID) == 2
    # Downloading a record twice gives the same file, document ID included.
    assert searchable_pdf(pages, title="Số 45/SGDĐT") == data


@pytest.fixture(scope="module")
def verapdf() -> Callable[[list[Path]], Verdicts]:
    """Run veraPDF with the PDF/A-2b profile on some files (one JVM start for all of them)."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("veraPDF needs Java (SOHOA_SETUP_TEST=1 scripts/setup.sh installs it)")
    fetch = subprocess.run([str(ROOT / "scripts" / "verapdf" / "fetch.sh")], capture_output=True, text=True,
                           timeout=900)
    assert fetch.returncode == 0, fetch.stderr[-2000:]
    jar = fetch.stdout.strip().splitlines()[-1]

    def validate(paths: list[Path]) -> Verdicts:
        run = subprocess.run([java, "-cp", jar, "org.verapdf.apps.GreenfieldCliWrapper", "--flavour", "2b",
                              "--format", "xml", *map(str, paths)], capture_output=True, text=True, timeout=600)
        # Exit 1 means "some file is not compliant"; the report says which and why.
        assert run.returncode in (0, 1), run.stderr[-2000:]
        verdicts: Verdicts = {}
        for job in ET.fromstring(run.stdout).iter("job"):
            report = job.find("validationReport")
            assert report is not None, ET.tostring(job, encoding="unicode")[:2000]
            assert report.get("profileName", "").startswith("PDF/A-2B")
            failed = [f"{r.get('clause')}-{r.get('testNumber')}: {r.findtext('description')}"
                      for r in report.iter("rule") if r.get("status") == "failed"]
            verdicts[Path(job.findtext("item/name", "")).name] = (report.get("isCompliant") == "true", failed)
        return verdicts

    return validate



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


def test_record_pdf_is_pdfa_2b_per_verapdf(demo_dir: Path, tmp_path: Path,
                                          verapdf: Callable[[list[Path]], Verdicts]) -> None:
    # The web's download and `sohoa pdf` build it from the same parts: restored pages and their OCR words.
    with Ledger(demo_dir / "ledger.sqlite") as ledger:
        rec = max(ledger.records(), key=lambda r: len(r.pages))
        pages = pdf_pages(ledger, rec)
    assert len(pages) == 2 and all(p.words for p in pages)
    record = tmp_path / "record.pdf"
    record.write_bytes(searchable_pdf(pages, title=f"{rec.number} {rec.subject}"))
    # A page the pipeline never writes: a CMYK JPEG, which the sRGB output intent cannot describe as is.
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (120, 80), (0, 40, 80, 10)).save(cmyk)
    odd = tmp_path / "odd.pdf"
    odd.write_bytes(searchable_pdf([PdfPage(cmyk, [{"text": "Đ", "left": 1, "top": 1, "width": 9, "height": 9}])]))

    verdicts = verapdf([record, odd])
    assert verdicts == {"record.pdf": (True, []), "odd.pdf": (True, [])}

    # Every word read on the pages is found, accents and all, in the text a PDF reader extracts.
    reader = pypdf.PdfReader(record)
    for page, read in zip(pages, reader.pages, strict=True):
        text = read.extract_text()
        words = [str(w.get("text", "")).strip() for w in page.words if str(w.get("text", "")).strip()]
        assert any(not w.isascii() for w in words)
        assert [w for w in words if w not in text] == []

"""Re-reading pages with other settings keeps the better reading and touches nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.ingest import run_ingest
from flows.reprocess import run_reprocess, select_pages
from ledger import Ledger
from core.errors import ConfigError
from core.settings import RestoreOptions, Settings, TesseractOptions

from conftest import SAMPLES

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def ingested(tmp_path: Path, ground_truth: dict, settings: Settings) -> tuple[Settings, Path]:
    heavy = next(f for f in ground_truth["files"] if f["damage"] == "heavy" and len(f["pages"]) == 1)
    mild = next(f for f in ground_truth["files"] if f["damage"] == "mild" and len(f["pages"]) == 1)
    box = tmp_path / "hop"
    box.mkdir()
    for f in (heavy, mild):
        shutil.copy(SAMPLES / f["path"], box / Path(f["path"]).name)
    run_ingest([str(box)], "hop", settings=settings)
    return settings, box / Path(heavy["path"]).name


def test_worse_settings_keep_the_old_reading(ingested: tuple[Settings, Path]) -> None:
    settings, heavy = ingested
    with Ledger(settings.ledger_path) as ledger:
        pages = select_pages(ledger, file=str(heavy))
        before = {p.page_no: (p.text, p.quality, p.image_path) for p in ledger.pages_of(pages[0][0])}
        untouched = ledger.query("SELECT file_id, page_no, text FROM pages WHERE file_id != ?", (pages[0][0],))
    raw = Settings(data_dir=settings.data_dir, restore=RestoreOptions(enabled=False))
    summary = run_reprocess(pages, raw)
    assert [p.kept for p in summary.pages] == ["old"]
    assert summary.pages[0].new_quality < summary.pages[0].old_quality
    with Ledger(settings.ledger_path) as ledger:
        after = {p.page_no: (p.text, p.quality, p.image_path) for p in ledger.pages_of(pages[0][0])}
        assert after == before and Path(after[1][2]).exists()
        assert ledger.query("SELECT file_id, page_no, text FROM pages WHERE file_id != ?",
                            (pages[0][0],)) == untouched


def test_better_settings_replace_the_reading_and_rebuild_records(ingested: tuple[Settings, Path]) -> None:
    settings, heavy = ingested
    with Ledger(settings.ledger_path) as ledger:
        pages = select_pages(ledger, file=str(heavy), page=1)
        # Pretend the stored reading was poor, as a badly damaged page's would be.
        ledger.query("UPDATE pages SET quality = 0.1 WHERE file_id = ?", (pages[0][0],))
        key = ledger.query("SELECT key FROM records WHERE file_id = ?", (pages[0][0],))[0][0]
    summary = run_reprocess(pages, Settings(data_dir=settings.data_dir, tesseract=TesseractOptions(psm=6)))
    assert [p.kept for p in summary.pages] == ["new"] and summary.records_written == 1
    with Ledger(settings.ledger_path) as ledger:
        assert ledger.pages_of(pages[0][0])[0].quality > 0.1
        assert ledger.records([key])[0].key == key  # same record, rebuilt in place


def test_selectors(ingested: tuple[Settings, Path]) -> None:
    settings, heavy = ingested
    with Ledger(settings.ledger_path) as ledger:
        key = ledger.query("SELECT key FROM records ORDER BY id LIMIT 1")[0][0]
        assert select_pages(ledger, record=key)
        assert len(select_pages(ledger, batch="hop")) == 2
        with pytest.raises(ConfigError):
            select_pages(ledger, batch="hop", record=key)
        with pytest.raises(ConfigError):
            select_pages(ledger, file="/no/such/file.pdf")


def test_a_page_that_fails_keeps_its_old_reading_and_the_others_go_on(
    ingested: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two pages read in one run: the heavy one cannot be decoded this time, the other is read again."""
    import ocr.pages
    from core.errors import CorruptFileError

    settings, heavy = ingested
    real_load = ocr.pages.load_page

    def heavy_unreadable(path, *args, **kwargs):  # fault injection around the real loader
        if Path(path) == heavy:
            raise CorruptFileError("the page cannot be decoded (injected)")
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(ocr.pages, "load_page", heavy_unreadable)
    with Ledger(settings.ledger_path) as ledger:
        pages = select_pages(ledger, batch="hop")
        before = {r["page_no"]: r["text"] for r in ledger.query(
            "SELECT p.page_no, p.text FROM pages p JOIN files f ON f.id = p.file_id WHERE f.path = ?", (str(heavy),))}
    summary = run_reprocess(pages, Settings(data_dir=settings.data_dir, tesseract=TesseractOptions(psm=6)))
    by_path = {Path(p.path): p for p in summary.pages}
    assert len(summary.pages) == 2
    assert by_path[heavy].kept.startswith("failed: ") and "injected" in by_path[heavy].kept
    assert by_path[heavy].new_quality is None
    other = next(p for path, p in by_path.items() if path != heavy)
    assert other.kept in ("old", "new") and other.new_quality is not None
    with Ledger(settings.ledger_path) as ledger:
        after = {r["page_no"]: r["text"] for r in ledger.query(
            "SELECT p.page_no, p.text FROM pages p JOIN files f ON f.id = p.file_id WHERE f.path = ?", (str(heavy),))}
    assert after == before  # the old reading stays


def test_the_reprocess_command_rereads_reindexes_and_says_when_a_page_failed(ingested: tuple[Settings, Path]) -> None:
    """Through the command the README shows: its options (below), then the pages read again, their records
    written to the index again (here an index deleted beforehand), and exit 2 naming a page that could not be
    read."""
    from conftest import run_sohoa

    settings, heavy = ingested
    _options_as_typed(settings, heavy)
    with Ledger(settings.ledger_path) as ledger:
        subjects = [r.subject for r in ledger.records() if r.subject]
    assert subjects
    (settings.data_dir / "index.sqlite").unlink()
    run = run_sohoa(settings.data_dir, "reprocess", "--batch", "hop", "--raw")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "trang 1" in run.stdout and "hồ sơ ghi lại" in run.stdout
    for subject in subjects:
        found = run_sohoa(settings.data_dir, "search", subject, "--json")
        assert found.returncode == 0 and subject in found.stdout, subject
    heavy.write_bytes(heavy.read_bytes()[:3000])  # the box's copy (not a sample), cut: its page cannot be decoded
    failed = run_sohoa(settings.data_dir, "reprocess", "--file", str(heavy))
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert f"{heavy} trang 1" in failed.stdout and "failed" in failed.stdout


def _options_as_typed(settings: Settings, heavy: Path) -> None:
    """`--record` reads that record's pages only; `--file F --page N` that page; `--lang` and `--psm` reach
    Tesseract (a language not installed fails the page, named, exit 2; the reading kept is the old one)."""
    from conftest import run_sohoa

    with Ledger(settings.ledger_path) as ledger:
        records = ledger.records()
        before = {(p.file_id, p.page_no): p.text for r in records for p in ledger.pages_of(r.file_id)}
    other = next(r for r in records if Path(r.path) != heavy)
    one = run_sohoa(settings.data_dir, "reprocess", "--record", other.key, "--psm", "6", "--lang", "vie",
                    "--workers", "1")
    assert one.returncode == 0, one.stdout + one.stderr
    read = [line for line in one.stdout.splitlines() if " trang " in line and "chất lượng" in line]
    assert read and all(line.startswith(f"{other.path} trang ") for line in read), one.stdout

    missing = run_sohoa(settings.data_dir, "reprocess", "--file", str(heavy), "--page", "1", "--lang", "xx-khong-co")
    assert missing.returncode == 2, missing.stdout + missing.stderr
    (line,) = [x for x in missing.stdout.splitlines() if " trang " in x and "chất lượng" in x]
    assert line.startswith(f"{heavy} trang 1") and "failed" in line and "xx-khong-co" in missing.stdout + line
    bad_psm = run_sohoa(settings.data_dir, "reprocess", "--file", str(heavy), "--psm", "42")
    assert bad_psm.returncode != 0 and "psm" in (bad_psm.stdout + bad_psm.stderr).lower(), bad_psm.stderr
    with Ledger(settings.ledger_path) as ledger:
        heavy_id = next(r.file_id for r in ledger.records() if Path(r.path) == heavy)
        assert {p.page_no: p.text for p in ledger.pages_of(heavy_id)} == {
            n: t for (f, n), t in before.items() if f == heavy_id}  # a failed re-read keeps the old reading

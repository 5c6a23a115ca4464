"""The ingest flow on real samples: Prefect, Tesseract, SQLite, the index."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pytest

from flows.ingest import MAX_PAGES_PER_TASK, index_task, page_runs, run_ingest
from indexing import SearchFilters, open_index
from pipeline.discover import sha256_file
from ledger import Ledger
from reporting.report import build_report
from core.settings import Settings

from conftest import SAMPLES

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _counts_by_type(settings: Settings) -> dict[str, int]:
    with Ledger(settings.ledger_path) as ledger:
        return {t.type.value: t.total for t in build_report(ledger, dt.date.today()).by_type if t.total}


@pytest.fixture
def small_box(tmp_path: Path, ground_truth: dict) -> tuple[Path, list[dict]]:
    """Two single-page sample scans plus two bad files in one folder."""
    box = tmp_path / "hop-02"
    box.mkdir()
    singles = [f for f in ground_truth["files"] if len(f["pages"]) == 1][:2]
    for f in singles:
        shutil.copy(SAMPLES / f["path"], box / Path(f["path"]).name)
    (box / "empty.pdf").write_bytes(b"")
    (box / "trang-web.pdf").write_text("<html><body>not a scan</body></html>")
    records = [r for r in ground_truth["records"] if r["file"] in {f["path"] for f in singles}]
    return box, records


def test_ingest_quarantines_bad_files_and_is_idempotent(small_box: tuple[Path, list[dict]], settings: Settings) -> None:
    box, expected = small_box
    before = {p.name: p.read_bytes() for p in box.iterdir()}

    first = run_ingest([str(box)], "hop-02", settings=settings, fonds="SGDĐT", box="02")
    assert first.pages_read == 2 and first.pages_failed == []
    reasons = dict(first.quarantined)
    assert set(reasons) == {str(box / "empty.pdf"), str(box / "trang-web.pdf")}
    assert "empty" in reasons[str(box / "empty.pdf")] and "HTML" in reasons[str(box / "trang-web.pdf")]
    assert first.exit_code == 2
    assert _counts_by_type(settings) == dict(Counter(r["type"] for r in expected))

    second = run_ingest([str(box)], "hop-02", settings=settings)
    assert (second.pages_read, second.pages_skipped, second.records_written) == (0, 2, 0)
    assert second.files_unchanged == 2
    assert _counts_by_type(settings) == dict(Counter(r["type"] for r in expected))

    # originals untouched
    assert {p.name: p.read_bytes() for p in box.iterdir()} == before
    # each record carries the box's location
    index = open_index(settings.resolved_index_url)
    hits = index.search("", SearchFilters(batch="hop-02")).hits
    index.close()
    assert len(hits) == len(expected) and all(h.doc["location"] == "SGDĐT / 02" for h in hits)


def test_same_scan_in_another_batch_is_not_counted_twice(small_box: tuple[Path, list[dict]],
                                                         settings: Settings, tmp_path: Path) -> None:
    box, expected = small_box
    run_ingest([str(box)], "hop-02", settings=settings)
    other = tmp_path / "hop-03"
    other.mkdir()
    src = next(p for p in box.iterdir() if p.suffix == ".jpg")
    shutil.copy(src, other / "ban-chup-lai.jpg")
    again = run_ingest([str(other)], "hop-03", settings=settings)
    assert again.pages_read == 0 and again.files_unchanged == 1 and again.exit_code == 0
    assert sum(_counts_by_type(settings).values()) == len(expected)
    with Ledger(settings.ledger_path) as ledger:
        seen = ledger.query("SELECT s.path FROM sightings s JOIN files f ON f.id = s.file_id WHERE f.sha256 = ?",
                            (sha256_file(src),))
        assert sorted(r[0] for r in seen) == sorted([str(src), str(other / "ban-chup-lai.jpg")])


def test_a_failing_page_is_recorded_and_retried_next_run(small_box: tuple[Path, list[dict]], settings: Settings,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import ocr.tesseract as tess

    box, expected = small_box
    monkeypatch.setattr(tess, "TESSERACT", "false")  # every Tesseract run crashes
    failed = run_ingest([str(box)], "hop-02", settings=settings)
    assert len(failed.pages_failed) == 2 and failed.exit_code == 2
    assert all("tesseract failed" in reason for _, _, reason in failed.pages_failed)
    monkeypatch.undo()
    healed = run_ingest([str(box)], "hop-02", settings=settings)
    assert healed.pages_read == 2 and healed.pages_failed == []
    assert _counts_by_type(settings) == dict(Counter(r["type"] for r in expected))


def test_index_task_catches_up_on_the_backlog(small_box: tuple[Path, list[dict]], settings: Settings) -> None:
    box, expected = small_box
    run_ingest([str(box)], "hop-02", settings=settings)
    (settings.data_dir / "index.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(settings.data_dir / "index.sqlite") + suffix).unlink(missing_ok=True)
    with Ledger(settings.ledger_path) as ledger:
        ledger.mark_all_unindexed()
    assert index_task.fn(settings) == len(expected)
    assert index_task.fn(settings) == 0


def test_same_paper_scanned_twice_is_counted_once(small_box: tuple[Path, list[dict]], settings: Settings) -> None:
    from PIL import Image

    box, expected = small_box
    src = next(p for p in sorted(box.iterdir()) if p.suffix == ".jpg")
    with Image.open(src) as img:  # another scan of the same paper: other bytes, same content
        img.save(box / "quet-lan-2.jpg", quality=88)
    assert sha256_file(src) != sha256_file(box / "quet-lan-2.jpg")
    summary = run_ingest([str(box)], "hop-02", settings=settings)
    assert summary.pages_read == 3
    assert _counts_by_type(settings) == dict(Counter(r["type"] for r in expected))
    with Ledger(settings.ledger_path) as ledger:
        dup = ledger.query("SELECT r.duplicate_of, f.path FROM records r JOIN files f ON f.id = r.file_id "
                           "WHERE r.duplicate_of IS NOT NULL")
    assert len(dup) == 1
    index = open_index(settings.resolved_index_url)
    try:
        assert index.search("", SearchFilters(batch="hop-02")).total == len(expected)
    finally:
        index.close()


def test_records_are_built_when_a_crash_came_after_the_last_page(small_box: tuple[Path, list[dict]],
                                                                  settings: Settings) -> None:
    box, expected = small_box
    run_ingest([str(box)], "hop-02", settings=settings)
    with Ledger(settings.ledger_path) as ledger:  # as if killed after the pages, before the records
        ledger.query("DELETE FROM records")
        ledger.query("UPDATE files SET status = 'pending' WHERE status = 'done'")
    again = run_ingest([str(box)], "hop-02", settings=settings)
    assert again.pages_read == 0 and again.records_written == len(expected)
    assert _counts_by_type(settings) == dict(Counter(r["type"] for r in expected))


def test_a_rescan_saved_over_the_old_file_supersedes_its_records(small_box: tuple[Path, list[dict]],
                                                                 settings: Settings, ground_truth: dict) -> None:
    box, expected = small_box
    run_ingest([str(box)], "hop-02", settings=settings)
    target = next(p for p in sorted(box.iterdir()) if p.suffix == ".jpg")
    old_sha = sha256_file(target)
    other = next(f for f in ground_truth["files"] if len(f["pages"]) == 1
                 and Path(f["path"]).name not in {p.name for p in box.iterdir()})
    shutil.copy(SAMPLES / other["path"], target)  # the archivist saved another scan under the same name
    again = run_ingest([str(box)], "hop-02", settings=settings)
    assert again.pages_read == 1
    replaced = next(r for r in expected if Path(r["file"]).name == target.name)
    now = Counter(r["type"] for r in expected if r is not replaced)
    now.update(r["type"] for r in ground_truth["records"] if r["file"] == other["path"])
    assert _counts_by_type(settings) == dict(now)
    with Ledger(settings.ledger_path) as ledger:
        assert "superseded" in ledger.query("SELECT error FROM files WHERE sha256=?", (old_sha,))[0][0]
        assert ledger.query("SELECT count(*) FROM events WHERE kind='original_changed'")[0][0] == 1


def test_page_runs_cover_every_page_and_shrink_to_single_pages() -> None:
    for count in (0, 1, 5, 63, 300):
        for workers in (1, 2, 4):
            sizes = page_runs(count, workers)
            assert sum(sizes) == count
            assert all(1 <= s <= MAX_PAGES_PER_TASK for s in sizes)
            assert sizes == sorted(sizes, reverse=True)
            if count >= 4 * workers:  # the last run of each worker is a single page
                assert sizes[-workers:] == [1] * workers
    assert len(page_runs(63, 2)) <= 63 // 3  # a third of the task runs a page each would cost


def test_a_bad_page_in_a_run_loses_nothing_and_a_transient_one_is_read_again(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages 1 and 2 of a six-page stack share a read task with one worker.

    Page 1 is refused as corrupt (no retry), page 2's Tesseract fails once
    (read again on its own): the other pages of the run are kept, every page
    is saved once, and the file's records are built from the pages read.
    """
    import ocr.pages
    from core.errors import CorruptFileError, TesseractCrashError

    assert page_runs(6, 1)[0] == 2
    box = tmp_path / "box"
    box.mkdir()
    shutil.copy(SAMPLES / "scans" / "002_heavy_stack.pdf", box)
    killed: list[int] = []
    real_load, real_ocr = ocr.pages.load_page, ocr.pages.run_ocr_many

    def corrupt_page_1(path, page_no, *args, **kwargs):  # fault injection around the real stages
        if page_no == 1:
            raise CorruptFileError("page 1 cannot be rendered (injected)")
        return real_load(path, page_no, *args, **kwargs)

    def killed_once(images, options, *, what):
        # Page 1 failed, so page 2 is read alone: its run is named after it.
        if what.endswith("page 2") and not killed:
            killed.append(2)
            raise TesseractCrashError("tesseract failed: killed by signal SIGKILL (injected)")
        return real_ocr(images, options, what=what)

    monkeypatch.setattr(ocr.pages, "load_page", corrupt_page_1)
    monkeypatch.setattr(ocr.pages, "run_ocr_many", killed_once)
    one = settings.model_copy(update={"workers": 1, "dpi": 200})
    summary = run_ingest([str(box)], "hop-runs", settings=one)
    assert killed == [2]
    assert summary.pages_read == 5
    assert [(Path(p).name, n) for p, n, _ in summary.pages_failed] == [("002_heavy_stack.pdf", 1)]
    assert "injected" in summary.pages_failed[0][2] and summary.exit_code == 2
    with Ledger(one.ledger_target) as ledger:
        (row,) = ledger.query("SELECT id, status FROM files")
        pages = ledger.pages_of(row["id"])
        assert [(p.page_no, p.status) for p in pages] == [(1, "failed")] + [(n, "done") for n in range(2, 7)]
        assert row["status"] == "failed" and summary.records_written >= 1


@pytest.mark.slow
def test_a_second_scan_at_other_damage_is_linked_to_the_first(tmp_path: Path, settings: Settings) -> None:
    """Two scans of one paper as the generator makes them (other damage, skew, resolution and colour, not
    the same file re-saved): the second scan's record is linked to the first's and counted once."""
    from samples.generator import generate

    truth = generate(tmp_path / "set", seed=20261206, n_records=3, levels=["mild"], layout="images", dpi=None,
                     max_skew=None, clean_images=False, jobs=1, style="varied", dpis=None, colours=None, rescans=2)
    rescans = {r["id"]: r["rescan_of"] for r in truth["records"] if r.get("rescan_of")}
    assert len(rescans) == 2
    run_ingest([str(tmp_path / "set" / "scans")], "hop-quet-lai", settings=settings)
    with Ledger(settings.ledger_path) as ledger:
        rows = ledger.query("SELECT r.key, r.duplicate_of, f.path, r.type FROM records r "
                            "JOIN files f ON f.id = r.file_id")
    by_file = {Path(path).name: (key, dup, type_) for key, dup, path, type_ in rows}
    file_of = {r["id"]: Path(r["file"]).name for r in truth["records"]}
    for rescan, original in rescans.items():  # either way round: the better reading is the one kept
        (key_a, dup_a, _), (key_b, dup_b, _) = by_file[file_of[rescan]], by_file[file_of[original]]
        assert dup_a == key_b or dup_b == key_a, (file_of[rescan], file_of[original], dup_a, dup_b)
    assert Counter(t for _, dup, _, t in rows if dup is None) == Counter(
        r["type"] for r in truth["records"] if not r.get("rescan_of"))

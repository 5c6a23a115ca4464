"""An ingest run's bookkeeping on a real SQLite ledger, without Prefect or Tesseract."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from flows.ingest_run import FileJob, IngestRun, PageFailure, inspect_one
from ocr.loader import FileInfo
from ocr.pages import PageJob, PageOutcome, page_fingerprint
from pipeline.discover import Discovered
from ledger import Ledger
from core.errors import ExitCode
from core.settings import Settings

from conftest import SAMPLES

LOG = logging.getLogger("test-ingest-run")


@pytest.fixture
def ledger(settings: Settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with Ledger(settings.ledger_target) as led:
        yield led


def _outcome(page_no: int, text: str = "QUYẾT ĐỊNH") -> PageOutcome:
    return PageOutcome(page_no=page_no, text=text, mean_conf=91.0, quality=0.8, word_count=2, rotation=0,
                       skew_deg=0.4, steps=("deskew",), image_path=f"p{page_no}.png", words_path=f"p{page_no}.tsv",
                       seconds=1.5)


def _file(ledger: Ledger, run: IngestRun, name: str, pages: int, todo: tuple[int, ...], build: bool = True) -> FileJob:
    """A file registered in the ledger as inspection would have, and its job."""
    sha = name.encode().hex().ljust(64, "0")
    row, _new = ledger.register_file(sha, 100, f"/box/{name}", run.batch_id)
    return FileJob(row.id, Path(f"/box/{name}"), sha, FileInfo("pdf", pages, 100), todo, build)


def _page(job: FileJob, n: int, settings: Settings) -> PageJob:
    return PageJob(job.path, job.sha256, job.info, n, settings)


def _runs(ledger: Ledger) -> list[tuple]:
    return [tuple(r) for r in ledger.query("SELECT id, status, pages_total, summary, settings FROM runs")]


def test_opening_a_run_opens_it_in_the_ledger(ledger: Ledger) -> None:
    run = IngestRun(ledger, "hop-01", "fp", fonds="SGDĐT", box="01", log=LOG)
    assert run.run_id > 0 and run.summary.run_id == run.run_id and run.summary.batch == "hop-01"
    assert _runs(ledger) == [(run.run_id, "running", 0, None, "fp")]
    assert tuple(ledger.query("SELECT name, fonds, box FROM batches")[0]) == ("hop-01", "SGDĐT", "01")


def test_paths_discovery_could_not_use_are_quarantined(ledger: Ledger) -> None:
    run = IngestRun(ledger, "hop-01", "fp", log=LOG)
    found = [Discovered(Path("/box/a.pdf")), Discovered(Path("/box/gone.pdf"), "no such file or folder"),
             Discovered(Path("/box/b.jpg"))]
    assert run.discovered(found) == ["/box/a.pdf", "/box/b.jpg"]
    assert run.summary.files_seen == 3
    assert run.summary.quarantined == [("/box/gone.pdf", "no such file or folder")]
    assert [tuple(r) for r in ledger.query("SELECT path, reason FROM quarantine")] == [
        ("/box/gone.pdf", "no such file or folder")]


def test_inspection_counts_new_and_unchanged_files_and_sets_the_total(ledger: Ledger,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    run = IngestRun(ledger, "hop-01", "fp", log=LOG)
    new = _file(ledger, run, "new.pdf", 3, (1, 2, 3))
    half = _file(ledger, run, "half.pdf", 4, (3, 4))
    unchanged = _file(ledger, run, "same.pdf", 2, (), build=False)
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        jobs = run.inspected([new, ("/box/bad.pdf", "the file is empty"), half, unchanged])
    assert jobs == [new, half, unchanged]
    s = run.summary
    assert (s.files_new, s.files_unchanged, s.pages_skipped) == (2, 1, 2 + 2)
    assert s.quarantined == [("/box/bad.pdf", "the file is empty")]
    assert "quarantined /box/bad.pdf: the file is empty" in caplog.text
    assert run.total == 5 and _runs(ledger)[0][2] == 5
    assert [(p.path.name, p.page_no) for p in run.page_jobs(Settings())] == [
        ("new.pdf", 1), ("new.pdf", 2), ("new.pdf", 3), ("half.pdf", 3), ("half.pdf", 4)]


def test_a_file_read_but_never_built_is_caught_up(ledger: Ledger) -> None:
    run = IngestRun(ledger, "hop-01", "fp", log=LOG)
    lost = _file(ledger, run, "lost.pdf", 2, ())
    done = _file(ledger, run, "done.pdf", 2, (), build=False)
    todo = _file(ledger, run, "todo.pdf", 2, (2,))
    run.inspected([lost, done, todo])
    assert run.caught_up() == [lost.file_id]


def test_pages_are_saved_and_a_file_is_complete_with_its_last_page(ledger: Ledger, settings: Settings,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    run = IngestRun(ledger, "hop-01", "fp", log=LOG)
    two = _file(ledger, run, "two.pdf", 2, (1, 2))
    one = _file(ledger, run, "one.jpg", 1, (1,))
    run.inspected([two, one])

    assert run.save(_page(two, 2, settings), _outcome(2)) is None
    assert run.save(_page(one, 1, settings), _outcome(1)) == one.file_id
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        failure = PageFailure(1, "Tesseract crashed", retryable=False)
        assert run.save(_page(two, 1, settings), failure) == two.file_id

    assert (run.done, run.total) == (3, 3)
    assert run.summary.pages_read == 2
    assert run.summary.pages_failed == [("/box/two.pdf", 1, "Tesseract crashed")]
    assert "/box/two.pdf page 1 failed: Tesseract crashed" in caplog.text
    assert ledger.run_progress(run.run_id) == (3, 3)
    pages = {p.page_no: p for p in ledger.pages_of(two.file_id)}
    assert (pages[1].status, pages[1].error) == ("failed", "Tesseract crashed")
    assert (pages[2].status, pages[2].text, pages[2].image_path) == ("done", "QUYẾT ĐỊNH", "p2.png")
    assert ledger.pages_done(two.file_id, "fp") == {2}
    events = [tuple(r) for r in ledger.query("SELECT kind, run_id, file_id, page_no, message FROM events")]
    assert events == [("page_failed", run.run_id, two.file_id, 1, "Tesseract crashed")]


def test_a_file_with_nothing_to_build_is_never_complete(ledger: Ledger, settings: Settings) -> None:
    # A file whose records are already built has no pages to read; a page of
    # it saved anyway (it cannot happen in a run) must not ask for a build.
    run = IngestRun(ledger, "hop-01", "fp", log=LOG)
    job = _file(ledger, run, "again.pdf", 1, (1,), build=False)
    run.inspected([job])
    assert run.save(_page(job, 1, settings), _outcome(1)) is None


def test_originals_changed_during_the_run_fail_their_files(ledger: Ledger, caplog: pytest.LogCaptureFixture) -> None:
    run = IngestRun(ledger, "hop-01", "fp", log=LOG)
    kept = _file(ledger, run, "kept.pdf", 1, (1,))
    changed = _file(ledger, run, "changed.pdf", 1, (1,))
    run.inspected([kept, changed])
    assert run.originals() == [("/box/kept.pdf", kept.sha256), ("/box/changed.pdf", changed.sha256)]

    with caplog.at_level(logging.WARNING, logger=LOG.name):
        run.originals_checked([None, "content changed during the run"])
    assert run.summary.originals_changed == [("/box/changed.pdf", "content changed during the run")]
    assert run.summary.exit_code == ExitCode.INCOMPLETE
    assert "original changed during the run" in caplog.text
    assert ledger.get_file(changed.file_id).status == "failed"
    assert ledger.get_file(changed.file_id).error == "content changed during the run"
    assert ledger.get_file(kept.file_id).status != "failed"
    kinds = [tuple(r) for r in ledger.query("SELECT kind, file_id FROM events")]
    assert kinds == [("original_modified", changed.file_id)]


def test_closing_keeps_the_summary_in_the_ledger(ledger: Ledger, settings: Settings) -> None:
    run = IngestRun(ledger, "hop-01", "fp", log=LOG)
    job = _file(ledger, run, "one.pdf", 1, (1,))
    run.inspected([job])
    run.save(_page(job, 1, settings), _outcome(1))
    run.records_built(3, 1)
    run.records_built(2, 0)

    summary = run.close(linked=4, indexed=5)
    assert summary is run.summary
    assert (summary.records_written, summary.records_removed, summary.linked, summary.indexed) == (5, 1, 4, 5)
    assert summary.exit_code == ExitCode.OK
    (_id, status, total, kept, _fp), = _runs(ledger)
    assert (status, total) == ("completed", 1)
    assert json.loads(kept) == json.loads(json.dumps(asdict(summary)))


def test_inspect_one_registers_a_scan_and_skips_the_pages_already_read(tmp_path: Path, settings: Settings,
                                                                        ledger: Ledger) -> None:
    scan = tmp_path / "box" / "001_mild_stack.pdf"
    scan.parent.mkdir()
    shutil.copy(SAMPLES / "scans" / scan.name, scan)
    batch_id = ledger.ensure_batch("hop-01")

    job = inspect_one(str(scan), batch_id, settings)
    assert isinstance(job, FileJob) and job.build
    assert job.info.kind == "pdf" and job.todo == tuple(range(1, job.info.pages + 1)) and job.info.pages > 1
    row = ledger.get_file(job.file_id)
    assert (row.status, row.page_count, row.path) == ("pending", job.info.pages, str(scan))

    # Page 1 read with these settings: only the others are left.
    ledger.save_page(job.file_id, 1, status="done", settings=page_fingerprint(settings), run_id=None, text="x")
    again = inspect_one(str(scan), batch_id, settings)
    assert isinstance(again, FileJob) and again.file_id == job.file_id and again.todo == job.todo[1:]

    # Every page read and the records built: nothing to do.
    for n in job.todo:
        ledger.save_page(job.file_id, n, status="done", settings=page_fingerprint(settings), run_id=None, text="x")
    ledger.set_file(job.file_id, status="done")
    assert inspect_one(str(scan), batch_id, settings) == FileJob(job.file_id, scan, job.sha256, job.info, (),
                                                                 build=False)


def test_inspect_one_quarantines_what_cannot_be_read(tmp_path: Path, settings: Settings, ledger: Ledger) -> None:
    batch_id = ledger.ensure_batch("hop-01")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    path, reason = inspect_one(str(empty), batch_id, settings)
    assert path == str(empty) and "empty" in reason
    gone = inspect_one(str(tmp_path / "gone.pdf"), batch_id, settings)
    assert gone[0] == str(tmp_path / "gone.pdf") and gone[1].startswith("cannot be read")
    assert {r[0] for r in ledger.query("SELECT path FROM quarantine")} == {str(empty), str(tmp_path / "gone.pdf")}

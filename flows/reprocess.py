"""Read chosen pages again with other settings and keep the better reading.

A clerk or archivist who finds a badly read record can have its pages (or a
single page, or a whole batch) read again — another language, restoration
off, another page segmentation mode — without touching anything else. The
new reading replaces the stored one only when its page quality score
(:func:`ocr.quality.page_quality`) is higher; the records of the files
concerned are then rebuilt and re-indexed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows.ingest import index_task, read_in_runs, records_task
from flows.ingest_run import PageFailure
from flows.prefect_api import LocalApi, prefect_api
from ocr.loader import inspect_file
from ocr.pages import PageJob, page_fingerprint
from ledger import Ledger
from core.errors import ConfigError
from core.settings import Settings

__all__ = ["PageChoice", "ReprocessSummary", "select_pages", "reprocess", "run_reprocess"]


@dataclass(frozen=True)
class PageChoice:
    """What happened to one page read again."""

    path: str
    page_no: int
    old_quality: float | None
    new_quality: float | None
    kept: str  # "new", "old" or "failed: <reason>"


@dataclass
class ReprocessSummary:
    """What a reprocess run did."""

    pages: list[PageChoice] = field(default_factory=list)
    records_written: int = 0
    indexed: int = 0

    @property
    def improved(self) -> int:
        """Pages whose new reading was kept."""
        return sum(1 for p in self.pages if p.kept == "new")


def select_pages(ledger: Ledger, *, record: str | None = None, file: str | None = None,
                 page: int | None = None, batch: str | None = None) -> list[tuple[int, int]]:
    """``(file_id, page_no)`` of the pages a selector names.

    Exactly one of ``record`` (a record key), ``file`` (a path as ingested,
    optionally with ``page``) or ``batch`` must be given.

    Raises:
        ConfigError: the selector is missing, ambiguous or matches nothing.
    """
    if sum(x is not None for x in (record, file, batch)) != 1:
        raise ConfigError("name exactly one of a record key, a file or a batch")
    if record is not None:
        rows = ledger.query("SELECT file_id, pages FROM records WHERE key=?", (record,))
        found = [(int(r[0]), int(n)) for r in rows for n in json.loads(r[1])]
    elif file is not None:
        rows = ledger.query(
            "SELECT p.file_id, p.page_no FROM pages p JOIN files f ON f.id = p.file_id "
            "WHERE (f.path = ? OR f.id IN (SELECT file_id FROM sightings WHERE path = ?)) "
            "AND (? IS NULL OR p.page_no = ?) ORDER BY p.page_no",
            (file, file, page, page),
        )
        found = [(int(r[0]), int(r[1])) for r in rows]
    else:
        rows = ledger.query(
            "SELECT p.file_id, p.page_no FROM pages p JOIN files f ON f.id = p.file_id "
            "JOIN batches b ON b.id = f.batch_id WHERE b.name = ? ORDER BY f.id, p.page_no",
            (batch,),
        )
        found = [(int(r[0]), int(r[1])) for r in rows]
    if not found:
        raise ConfigError("no stored page matches that selection")
    return found


@flow(name="reprocess-pages")
def reprocess(pages: list[tuple[int, int]], settings: Settings) -> ReprocessSummary:
    """Read ``pages`` again with ``settings`` and keep each page's better reading.

    Args:
        pages: ``(file_id, page_no)`` pairs, from :func:`select_pages`.
        settings: The settings to read with this time (language, restoration, psm).
    """
    summary = ReprocessSummary()
    fingerprint = page_fingerprint(settings)
    with Ledger(settings.ledger_target) as ledger:
        run_id = ledger.start_run(ledger.get_file(pages[0][0]).batch_id, fingerprint)
        rows, infos, jobs = {}, {}, []
        for file_id, page_no in pages:
            if file_id not in rows:  # a file is looked up and inspected once, however many of its pages
                rows[file_id] = row = ledger.get_file(file_id)
                infos[file_id] = inspect_file(Path(row.path), settings.limits, settings.dpi)
            row = rows[file_id]
            jobs.append(PageJob(Path(row.path), row.sha256, infos[file_id], page_no, settings))
        # By content: a changed original is a second file row under the same path.
        by_sha = {row.sha256: row for row in rows.values()}
        # The readings kept so far, each file's looked up once (a page's new reading replaces only its own).
        olds = {file_id: {p.page_no: p for p in ledger.pages_of(file_id)} for file_id in rows}
        touched: set[int] = set()
        # Read in runs as the ingest reads (one Tesseract a run, transient failures read again alone).
        for settled in read_in_runs(jobs, settings.workers):
            for job, out in settled:
                row, page_no = by_sha[job.sha256], job.page_no
                old = olds[row.id][page_no]
                if isinstance(out, PageFailure):  # the old reading stays; say why
                    summary.pages.append(PageChoice(row.path, page_no, old.quality, None, f"failed: {out.reason}"))
                    continue
                if old.status == "done" and (old.quality or 0.0) >= out.quality:
                    summary.pages.append(PageChoice(row.path, page_no, old.quality, out.quality, "old"))
                    continue
                ledger.save_page(
                    row.id, page_no, status="done", settings=fingerprint, run_id=run_id, text=out.text,
                    mean_conf=out.mean_conf, quality=out.quality, word_count=out.word_count, rotation=out.rotation,
                    skew_deg=out.skew_deg, image_path=out.image_path, words_path=out.words_path, seconds=out.seconds,
                )
                ledger.event("page_reprocessed", f"quality {old.quality} -> {out.quality}", run_id=run_id,
                             file_id=row.id, page_no=page_no)
                summary.pages.append(PageChoice(row.path, page_no, old.quality, out.quality, "new"))
                touched.add(row.id)
        today = dt.date.today()
        if touched:
            summary.records_written, _ = records_task(sorted(touched), run_id, settings, today)
        summary.indexed = index_task(settings)
        ledger.finish_run(run_id, "completed", {"reprocessed": len(pages), "improved": summary.improved})
    return summary


def run_reprocess(pages: list[tuple[int, int]], settings: Settings, *,
                  api: LocalApi | None = None) -> ReprocessSummary:
    """Run :func:`reprocess` with one worker thread per configured worker.

    ``api`` is a local Prefect API server started early (see :mod:`flows.prefect_api`).
    """
    if not pages:
        raise ConfigError("nothing to reprocess")
    with prefect_api(settings.data_dir, early=api, idle_s=settings.prefect_idle_s):
        return reprocess.with_options(task_runner=ThreadPoolTaskRunner(max_workers=settings.workers))(
            pages=pages, settings=settings)

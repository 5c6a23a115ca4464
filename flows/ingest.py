"""The ingest flow: a box of scans → ledger → records → index.

Tasks only wire the stages of ``ocr/`` and ``pipeline/``; what the run keeps
in the ledger and its summary (files set aside, pages read or failed, records
counted, originals checked, the run closed) is kept by a plain
:class:`flows.ingest_run.IngestRun`. Each task run costs
Prefect some 25–35 ms of CPU (mostly its server's), which per page or per
file would compete with Tesseract for no gain, so tasks take runs of work:
pages are read in runs (restore + OCR, the expensive part, in parallel) that
shrink towards the end of the batch so every core stays busy to the last
page (:func:`page_runs`); the records of the files a run completed are built
by one task; one task indexes the whole batch. File inspection (hash, page
count) runs in one task per thread, and one task checks at the end that no
original changed while the run read it. A page that fails with a transient
error (a killed Tesseract) is read again on its own, by a task with retries.

Tasks run on Prefect's thread pool (the default) or on a Dask cluster through
prefect-dask (``Settings.runner``): a local cluster of worker processes, or an
existing cluster on several machines sharing the data directory and ledger.
Everything a task receives pickles (paths, ids, :class:`Settings`,
:class:`ocr.pages.PageJob`) and every task opens its own :class:`Ledger`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact, update_progress_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.ingest_run import FileJob, IngestRun, IngestSummary, PageFailure, inspect_one
from flows.prefect_api import LocalApi, prefect_api
from indexing import open_index, to_index_doc
import ocr.pages
from ocr.derived import load_hand, word_confidences
from ocr.pages import PageJob, PageOutcome, page_fingerprint, read_page
from ocr.pixels import opencv_threads
from ocr.tesseract import limit_processes
from pipeline.discover import discover, sha256_file
from pipeline.duplicates import find_duplicates
from ledger import Ledger
from pipeline.learned import TypeModel, load_model
from pipeline.profile import Profile
from pipeline.profile_load import load_profile
from pipeline.records import PageText, build_records, doubtful_words
from pipeline.revocation import find_revocations
from reporting.report import build_report, render_markdown
from core.errors import failure_reason, is_retryable
from core.settings import Settings

__all__ = ["build_file_records", "ingest_batch", "page_runs", "read_pages", "run_ingest", "task_runner",
           "verify_original"]


def _retry_transient(task_obj: object, task_run: object, state: object) -> bool:
    """Prefect retry condition: only transient failures (a killed Tesseract), never a bad scan."""
    try:
        state.result()  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - we only classify the exception
        return is_retryable(exc)
    return False


@task(name="inspect-files")
def inspect_task(paths: list[str], batch_id: int, settings: Settings) -> list[FileJob | tuple[str, str]]:
    """:func:`flows.ingest_run.inspect_one` for a share of the batch's files (one task per worker, not per file)."""
    return [inspect_one(p, batch_id, settings) for p in paths]


#: Most pages one read task takes (see :func:`page_runs`).
MAX_PAGES_PER_TASK = 8


def page_runs(count: int, workers: int, most: int = MAX_PAGES_PER_TASK) -> list[int]:
    """How many pages each read task takes, in the order the tasks are submitted.

    Guided scheduling: each run is a quarter of the pages left per worker (at
    most ``most``), so runs shrink to single pages at the end of the batch and
    no core waits long for another to finish its last run. 63 pages on two
    workers take 21 tasks instead of 63.
    """
    sizes: list[int] = []
    left = count
    while left > 0:
        size = max(1, min(most, -(-left // (4 * max(workers, 1)))))
        sizes.append(size)
        left -= size
    return sizes


def read_pages(jobs: list[PageJob]) -> list[PageOutcome | PageFailure]:
    """Restore and OCR a run of pages (see :func:`ocr.pages.read_pages`); a failing page does not stop the others."""
    return [PageFailure(job.page_no, failure_reason(o), is_retryable(o)) if isinstance(o, Exception) else o
            for job, o in zip(jobs, ocr.pages.read_pages(jobs), strict=True)]


@task(name="read-pages")
def read_pages_task(jobs: list[PageJob]) -> list[PageOutcome | PageFailure]:
    """:func:`read_pages` for one run of pages (see :func:`page_runs`)."""
    return read_pages(jobs)


@task(name="read-page", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_retry_transient)
def read_page_task(job: PageJob) -> PageOutcome:
    """Restore and OCR one page, with retries for transient failures (see :func:`ocr.pages.read_page`)."""
    return read_page(job)


def read_in_runs(jobs: list[PageJob], workers: int) -> Iterator[list[tuple[PageJob, PageOutcome | PageFailure]]]:
    """Read pages in runs (:func:`page_runs`), giving each run's pages back as soon as it completes.

    A page that failed with a transient error (a killed Tesseract) is read
    again on its own by the retried task "read-page" and given back after
    the runs, alone; when its retries are spent it is a failure for good.
    Call it inside a flow: it submits Prefect tasks.
    """
    runs: dict[PrefectFuture[list[PageOutcome | PageFailure]], list[PageJob]] = {}
    start = 0
    for size in page_runs(len(jobs), workers):
        run = jobs[start : start + size]
        start += size
        runs[read_pages_task.submit(run)] = run
    again: dict[PrefectFuture[PageOutcome], PageJob] = {}
    for fut in as_completed(list(runs)):
        run = runs[fut]
        try:
            results: list[PageOutcome | PageFailure] = fut.result()
        except Exception as exc:  # noqa: BLE001 - the task itself died (a Dask worker lost): each page again
            results = [PageFailure(job.page_no, failure_reason(exc), True) for job in run]
        settled: list[tuple[PageJob, PageOutcome | PageFailure]] = []
        for job, result in zip(run, results, strict=True):
            if isinstance(result, PageFailure) and result.retryable:
                again[read_page_task.submit(job)] = job
            else:
                settled.append((job, result))
        yield settled
    for fut in as_completed(list(again)):
        job = again[fut]
        try:
            outcome: PageOutcome | PageFailure = fut.result()
        except Exception as exc:  # noqa: BLE001 - retries spent: the page is failed, the batch goes on
            outcome = PageFailure(job.page_no, failure_reason(exc), False)
        yield [(job, outcome)]


def build_file_records(ledger: Ledger, file_id: int, run_id: int, today: dt.date, profile: Profile,
                       model: TypeModel | None) -> tuple[int, int]:
    """Segment, classify and extract the records of one file into the ledger, with the office's profile.

    Records belong to the batch the file was first seen in, whichever batch
    this run is for.

    Returns:
        How many records were written and removed.
    """
    pages = ledger.pages_of(file_id)
    texts = [PageText(p.page_no, p.text if p.status == "done" else "", p.mean_conf, p.status != "done",
                      p.quality, doubtful_words(word_confidences(p.words_path)) if p.status == "done" else (),
                      load_hand(p.words_path) if p.status == "done" else ()) for p in pages]
    records = build_records(texts, today, profile, model)
    written, removed = ledger.replace_records(file_id, ledger.get_file(file_id).batch_id, records, run_id)
    failed = [p for p in pages if p.status != "done"]
    if failed:
        ledger.set_file(file_id, status="failed",
                        error="; ".join(f"page {p.page_no}: {p.error}" for p in failed))
    else:
        ledger.set_file(file_id, status="done")
    return len(written), len(removed)


@task(name="build-records")
def records_task(file_ids: list[int], run_id: int, settings: Settings, today: dt.date) -> tuple[int, int]:
    """:func:`build_file_records` for each of ``file_ids``; the records written and removed in all."""
    model = load_model(settings.data_dir)
    profile = load_profile(settings.profile)
    with Ledger(settings.ledger_target) as ledger:
        counts = [build_file_records(ledger, f, run_id, today, profile, model) for f in file_ids]
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def verify_original(path: Path, sha256: str) -> str | None:
    """Hash an original again and compare it with the hash taken when the run first saw it.

    Returns:
        None when the bytes are the same, else why not (changed, or no longer readable).
    """
    try:
        now = sha256_file(path)
    except OSError as exc:
        return f"can no longer be read: {exc.strerror or exc}"
    if now != sha256:
        return f"content changed during the run (sha256 {sha256[:12]}… then {now[:12]}…)"
    return None


@task(name="verify-originals")
def verify_task(files: list[tuple[str, str]]) -> list[str | None]:
    """Check that originals (path, sha256) still have the bytes the run read (see :func:`verify_original`)."""
    return [verify_original(Path(path), sha) for path, sha in files]


@task(name="link-records")
def links_task(settings: Settings) -> int:
    """Find duplicate scans and revoked or renewed results across the whole ledger.

    Returns:
        How many records' links changed.
    """
    with Ledger(settings.ledger_target) as ledger:
        rows = ledger.records()
        duplicates = {d.duplicate: (d.keep, d.reason) for d in find_duplicates(rows)}
        revocations = {k: (r.revoked_on, r.reason) for k, r in find_revocations(
            [r for r in rows if r.key not in duplicates], load_profile(settings.profile)).items()}
        return ledger.apply_links(duplicates, revocations)


@task(name="index-records", retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=_retry_transient)
def index_task(settings: Settings) -> int:
    """Bring the index up to date with the ledger in one bulk write.

    Works from the ledger's backlog, not from this run's results, so records
    left unindexed by a crash or an unreachable index are caught up.
    """
    with Ledger(settings.ledger_target) as ledger:
        todo, gone = ledger.index_backlog()
        if not todo and not gone:
            return 0
        index = open_index(settings.resolved_index_url)
        try:
            written = index.write(to_index_doc(r) for r in ledger.records(todo)) if todo else 0
            if gone:
                index.delete(gone)
        finally:
            index.close()
        ledger.mark_indexed(todo, gone)
        return written


@flow(name="ingest-batch", log_prints=False)
def ingest_batch(
    paths: list[str],
    batch: str,
    fonds: str | None = None,
    box: str | None = None,
    file_code: str | None = None,
    settings: Settings | None = None,
) -> IngestSummary:
    """Ingest the scans under ``paths`` as batch ``batch``.

    Args:
        paths: Files and folders of scans.
        batch: The batch's name (a box, usually).
        fonds: Archive fonds code of the box, shown with every record.
        box: Box number in the store room.
        file_code: File (hồ sơ) code inside the box.
        settings: Data dir, index, workers and engine options.

    Returns:
        What the run did, also published as Prefect artifacts.
    """
    settings = settings or Settings.from_env()
    today = dt.date.today()
    with Ledger(settings.ledger_target) as ledger:
        run = IngestRun(ledger, batch, page_fingerprint(settings), fonds=fonds, box=box, file_code=file_code,
                        log=get_run_logger())
        readable = run.discovered(discover(Path(p) for p in paths))
        # Each task costs Prefect's server some 30 ms of CPU: files are inspected in one share per thread.
        shares = _shares(readable, settings.workers + 1)
        inspected = [inspect_task.submit(share, run.batch_id, settings) for share in shares]
        jobs = run.inspected(out for fut in inspected for out in fut.result())
        progress = create_progress_artifact(0.0, key=_key("progress", batch), description=f"Batch {batch}: pages read")

        # A file's records are built as soon as its last page is saved, while other pages are still read.
        caught_up = run.caught_up()
        rec_futures = [records_task.submit(caught_up, run.run_id, settings, today)] if caught_up else []
        shown = 0.0
        for settled in read_in_runs(run.page_jobs(settings), settings.workers):
            complete = []
            for page, result in settled:
                if (file_id := run.save(page, result)) is not None:
                    complete.append(file_id)
                # Each update is a call to Prefect's server: every 2 s is enough for a progress bar.
                if run.done == run.total or time.monotonic() - shown >= 2.0:
                    shown = time.monotonic()
                    update_progress_artifact(progress, 100.0 * run.done / max(run.total, 1),
                                             description=f"Batch {batch}: {run.done} of {run.total} pages read")
            if complete:
                rec_futures.append(records_task.submit(complete, run.run_id, settings, today))

        for fut in rec_futures:
            run.records_built(*fut.result())
        linked = links_task(settings)
        indexed = index_task(settings)
        run.originals_checked(verify_task.submit(run.originals()).result() if jobs else [])
        if run.total == 0:
            update_progress_artifact(progress, 100.0)
        summary = run.close(linked, indexed)
        report = build_report(ledger, as_of=today)
    create_markdown_artifact(render_markdown(report, lang="vi"), key=_key("report", batch),
                             description="Báo cáo số hóa")
    create_table_artifact(
        [{"loai": r.label, "tong": r.total, "con_hieu_luc": r.valid} for r in report.by_type],
        key=_key("counts", batch), description="Số hồ sơ theo loại thủ tục",
    )
    return summary


def _shares(items: list[str], n: int) -> list[list[str]]:
    """``items`` cut into at most ``n`` runs of consecutive items of near-equal length, in order."""
    size = -(-len(items) // max(n, 1))
    return [items[i:i + size] for i in range(0, len(items), size)] if items else []


def _key(kind: str, batch: str) -> str:
    # Artifact keys allow lowercase letters, digits and dashes only.
    slug = re.sub(r"[^a-z0-9]+", "-", batch.lower()).strip("-") or "batch"
    return f"sohoa-{kind}-{slug}"[:100]


def run_ingest(
    paths: list[str], batch: str, *, settings: Settings, fonds: str | None = None, box: str | None = None,
    file_code: str | None = None, api: LocalApi | None = None,
) -> IngestSummary:
    """Run :func:`ingest_batch` on the task runner the settings choose (see :func:`task_runner`).

    ``api`` is a local Prefect API server started early (see :mod:`flows.prefect_api`).
    """
    remote = settings.dask_address if settings.runner == "dask" else None
    with prefect_api(settings.data_dir, early=api, remote_workers=remote, idle_s=settings.prefect_idle_s):
        runner = task_runner(settings)
        threads = settings.runner == "threads"
        # With threads, Tesseract processes are capped at the workers (see task_runner), and OpenCV works in
        # the thread that restores a page: the other cores are Tesseract's.
        limit_processes(settings.workers if threads else None)
        try:
            with opencv_threads(1) if threads else contextlib.nullcontext():
                return ingest_batch.with_options(task_runner=runner)(
                    paths=paths, batch=batch, fonds=fonds, box=box, file_code=file_code, settings=settings
                )
        finally:
            limit_processes(None)


def task_runner(settings: Settings) -> TaskRunner:
    """The Prefect task runner for ``settings.runner``.

    ``threads`` (default): threads in this process, which suffice on one
    machine: Tesseract and poppler run as separate processes and OpenCV
    releases the GIL. There is one thread more than ``settings.workers``
    while :func:`run_ingest` caps Tesseract processes at ``settings.workers``:
    the extra thread loads and restores the next page while the others wait
    for Tesseract, so no core idles between two pages. ``dask``: the cluster at
    ``settings.dask_address``, or else a local cluster of ``settings.workers``
    single-threaded worker processes started for the run and stopped after it.
    """
    if settings.runner == "threads":
        return ThreadPoolTaskRunner(max_workers=settings.workers + 1)
    # Imported here: prefect-dask (and distributed) are only needed by those who ask for Dask.
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": settings.workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None,
    })

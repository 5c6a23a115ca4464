"""One ingest run's bookkeeping in the ledger, without Prefect.

The ingest flow (:mod:`flows.ingest`) only wires tasks; what it records goes
through an :class:`IngestRun`: the run opened on its batch, the files set
aside, the pages still to read, each page's outcome, the records counted,
the originals checked again, the run closed with its :class:`IngestSummary`.
:func:`inspect_one` is the per-file part (hash, register, which pages are
left), run by the flow's inspection tasks on their own ledgers.

Nothing here submits a task or calls Prefect, so all of it is tested on a
real ledger with page outcomes built by hand (``tests/test_ingest_run.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ocr.loader import FileInfo, inspect_file
from ocr.pages import PageJob, PageOutcome, page_fingerprint
from pipeline.discover import Discovered, sha256_file
from ledger import Ledger
from core.errors import ExitCode, InputError, OriginalChangedError
from core.settings import Settings

__all__ = ["FileJob", "IngestRun", "IngestSummary", "PageFailure", "inspect_one"]


@dataclass(frozen=True)
class FileJob:
    """A file accepted for this run, the pages it still needs read, and whether its records need building.

    A file can have every page read and still lack records: a run killed
    between its last page and its records. ``build`` catches that up.
    """

    file_id: int
    path: Path
    sha256: str
    info: FileInfo
    todo: tuple[int, ...]
    build: bool = True


@dataclass(frozen=True)
class PageFailure:
    """A page that could not be read: why, and whether reading it again may help."""

    page_no: int
    reason: str
    retryable: bool


@dataclass
class IngestSummary:
    """What one run did; the CLI prints it and picks the exit code from it."""

    run_id: int = 0
    batch: str = ""
    files_seen: int = 0
    files_new: int = 0
    files_unchanged: int = 0
    pages_read: int = 0
    pages_skipped: int = 0
    pages_failed: list[tuple[str, int, str]] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    originals_changed: list[tuple[str, str]] = field(default_factory=list)
    records_written: int = 0
    records_removed: int = 0
    linked: int = 0
    indexed: int = 0

    @property
    def exit_code(self) -> ExitCode:
        """OK when everything was processed, INCOMPLETE when files or pages were set aside or an original
        changed."""
        return ExitCode.INCOMPLETE if self.quarantined or self.pages_failed or self.originals_changed else ExitCode.OK


def inspect_one(path: str, batch_id: int, settings: Settings) -> FileJob | tuple[str, str]:
    """Hash a file, register it and decide which of its pages need reading.

    Args:
        path: The file, as discovered.
        batch_id: The batch the run is for.
        settings: Where the ledger is, the limits a file must keep, the reading settings.

    Returns:
        A :class:`FileJob`, or ``(path, reason)`` when the file is quarantined.
    """
    p = Path(path)
    with Ledger(settings.ledger_target) as ledger:
        try:
            sha = sha256_file(p)
        except OSError as exc:
            reason = f"cannot be read: {exc.strerror or exc}"
            ledger.quarantine(batch_id, path, reason)
            return (path, reason)
        row, _new = ledger.register_file(sha, p.stat().st_size, path, batch_id)
        if superseded := ledger.supersede(batch_id, path, row.id):
            ledger.event("original_changed", f"{path} changed since it was first seen; "
                         f"{len(superseded)} earlier record(s) superseded", file_id=row.id)
        try:
            info = inspect_file(p, settings.limits, settings.dpi)
        except InputError as exc:
            ledger.set_file(row.id, status="quarantined", error=exc.message)
            ledger.quarantine(batch_id, path, exc.message, sha)
            return (path, exc.message)
        done = ledger.pages_done(row.id, page_fingerprint(settings))
        todo = tuple(n for n in range(1, info.pages + 1) if n not in done)
        if not todo and row.status == "done":
            return FileJob(row.id, p, sha, info, (), build=False)
        ledger.set_file(row.id, status="pending", kind=info.kind, page_count=info.pages)
        return FileJob(row.id, p, sha, info, todo)


class IngestRun:
    """A run of the ingest flow on one batch, as the ledger and the run's summary keep it.

    Opening one opens the run in the ledger; the flow then hands it, in
    order, what discovery found (:meth:`discovered`), what inspection made of
    the files (:meth:`inspected`), every page read or failed (:meth:`save`),
    the records built (:meth:`records_built`), the originals checked again
    (:meth:`originals_checked`), and closes it (:meth:`close`).

    Args:
        ledger: The ledger the run is kept in (the flow's own connection).
        batch: The batch's name.
        fingerprint: The reading settings' fingerprint (see :func:`ocr.pages.page_fingerprint`).
        fonds: Archive fonds code of the box.
        box: Box number in the store room.
        file_code: File (hồ sơ) code inside the box.
        log: Where warnings about files and pages set aside go (the flow's run logger).
    """

    def __init__(self, ledger: Ledger, batch: str, fingerprint: str, *, fonds: str | None = None,
                 box: str | None = None, file_code: str | None = None,
                 log: logging.Logger | logging.LoggerAdapter | None = None) -> None:
        self.ledger = ledger
        self.fingerprint = fingerprint
        self.log = log or logging.getLogger(__name__)
        self.batch_id = ledger.ensure_batch(batch, fonds=fonds, box=box, file_code=file_code)
        self.summary = IngestSummary(run_id=ledger.start_run(self.batch_id, fingerprint), batch=batch)
        #: The files accepted for this run, in the order inspection gave them back.
        self.jobs: list[FileJob] = []
        #: Pages this run has to read, and how many of them have been saved.
        self.total = 0
        self.done = 0
        self._owner: dict[tuple[Path, int], FileJob] = {}
        self._left: dict[int, int] = {}

    @property
    def run_id(self) -> int:
        """The run's id in the ledger."""
        return self.summary.run_id

    def discovered(self, found: list[Discovered]) -> list[str]:
        """Count what discovery found and quarantine the paths it could not use.

        Returns:
            The paths of the files to inspect, in discovery order.
        """
        self.summary.files_seen = len(found)
        for d in found:
            if d.problem:
                self.ledger.quarantine(self.batch_id, str(d.path), d.problem)
                self.summary.quarantined.append((str(d.path), d.problem))
        return [str(d.path) for d in found if not d.problem]

    def inspected(self, results: Iterable[FileJob | tuple[str, str]]) -> list[FileJob]:
        """Take what inspection made of the files (see :func:`inspect_one`): the run's files and pages to read.

        Quarantined files go into the summary; the run's page total goes into
        the ledger, so its progress can be followed from there.

        Returns:
            The files accepted for this run.
        """
        for out in results:
            if isinstance(out, FileJob):
                self.jobs.append(out)
            else:
                self.summary.quarantined.append(out)
                self.log.warning("quarantined %s: %s", *out)
        self.total = sum(len(j.todo) for j in self.jobs)
        self.ledger.set_run_total(self.run_id, self.total)
        self.summary.files_unchanged = sum(1 for j in self.jobs if not j.build)
        self.summary.files_new = len(self.jobs) - self.summary.files_unchanged
        self.summary.pages_skipped = sum(j.info.pages - len(j.todo) for j in self.jobs)
        self._owner = {(j.path, n): j for j in self.jobs for n in j.todo}
        self._left = {j.file_id: len(j.todo) for j in self.jobs}
        return self.jobs

    def page_jobs(self, settings: Settings) -> list[PageJob]:
        """Every page this run has to read, file by file, in page order."""
        return [PageJob(j.path, j.sha256, j.info, n, settings) for j in self.jobs for n in j.todo]

    def caught_up(self) -> list[int]:
        """Files with every page already read but no records yet (a run killed before building them)."""
        return [j.file_id for j in self.jobs if j.build and not j.todo]

    def save(self, page: PageJob, result: PageOutcome | PageFailure) -> int | None:
        """Keep a page's reading, or why it failed, in the ledger and the run's summary.

        Returns:
            The page's file id when this was the file's last page to read and
            its records are to be built now, else None.
        """
        j = self._owner[(page.path, page.page_no)]
        n = page.page_no
        if isinstance(result, PageOutcome):
            self.ledger.save_page(
                j.file_id, n, status="done", settings=self.fingerprint, run_id=self.run_id, text=result.text,
                mean_conf=result.mean_conf, quality=result.quality, word_count=result.word_count,
                rotation=result.rotation, skew_deg=result.skew_deg, image_path=result.image_path,
                words_path=result.words_path, seconds=result.seconds,
            )
            self.summary.pages_read += 1
        else:
            self.ledger.save_page(j.file_id, n, status="failed", settings=self.fingerprint, run_id=self.run_id,
                                  error=result.reason)
            self.ledger.event("page_failed", result.reason, run_id=self.run_id, file_id=j.file_id, page_no=n)
            self.summary.pages_failed.append((str(j.path), n, result.reason))
            self.log.warning("%s page %d failed: %s", j.path, n, result.reason)
        self.done += 1
        self._left[j.file_id] -= 1
        return j.file_id if self._left[j.file_id] == 0 and j.build else None

    def records_built(self, written: int, removed: int) -> None:
        """Count records written and removed for this run's files."""
        self.summary.records_written += written
        self.summary.records_removed += removed

    def originals(self) -> list[tuple[str, str]]:
        """Each accepted original's path and the sha256 it had when the run first saw it."""
        return [(str(j.path), j.sha256) for j in self.jobs]

    def originals_checked(self, reasons: list[str | None]) -> None:
        """Take the originals' second hashing, one reason (or None) per :meth:`originals` entry.

        Originals are only ever opened for reading, so a change means another
        program wrote the file while the run read it: what the ledger holds for
        it may mix two contents. The file is marked failed; the next run sees its
        new hash and reads it again.
        """
        for j, reason in zip(self.jobs, reasons, strict=True):
            if reason is None:
                continue
            err = OriginalChangedError(reason, path=str(j.path))
            self.ledger.event("original_modified", str(err), run_id=self.run_id, file_id=j.file_id)
            self.ledger.set_file(j.file_id, status="failed", error=reason)
            self.summary.originals_changed.append((str(j.path), reason))
            self.log.warning("original changed during the run: %s", err)

    def close(self, linked: int, indexed: int) -> IngestSummary:
        """Close the run as completed, with the records linked and indexed, and keep its summary in the ledger.

        Returns:
            The run's summary.
        """
        self.summary.linked = linked
        self.summary.indexed = indexed
        self.ledger.finish_run(self.run_id, "completed", asdict(self.summary))
        return self.summary

"""Pages from file to text: load → restore → OCR → derived files.

A page is read one way: load, restore, lay out (zones in reading order on
one canvas), then :func:`_read_run`'s stages — read, lay back, check (the
header's number and date lines again when unclear), floor (the lines in
doubt again from the page as scanned: :mod:`ocr.floor`), unread (print no
word covers, read alone: :mod:`ocr.unread`) — then save. The
same stages serve :func:`restore_and_read` (one page: ``sohoa ocr``,
``bench/ocr_quality.py``) and :func:`read_pages` (the stage the ingest flow
runs on a run of pages, whose canvases one Tesseract process reads). :class:`PageJob` is the one
picklable context a worker needs (settings, file, page number);
:func:`read_page` reads one page alone (the ingest's retry of a page).
Derived files get fixed, sortable names under the file's content hash, e.g.
``derived/ab/ab12…/p0003_<settings>_restored.jpg``, and are written atomically
(:mod:`ocr.derived`, which reads them back too).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar, cast

import cv2
import numpy as np

from ocr.derived import derived_dir_for, encode_jpeg, words_json, write_atomic
from ocr.floor import FloorDecision, FloorPlan, apply_floor, plan_floor
from ocr.loader import FileInfo, load_page
from ocr.postcorrect import Knowledge, knowledge_for
from ocr.quality import page_quality
from ocr.restore import RestoredPage, restore_page, split_ink
from ocr.layout import PageCanvas, canvas_words, page_canvas
from ocr.handwriting import digit_model_path, load_model, read_hand_fields
from ocr.header_lines import header_lines
from ocr.reread import Reread, RereadPlan, apply_reread, plan_reread, reread_header, second_look
from ocr.tesseract import OcrResult, run_ocr, run_ocr_many
from ocr.unread import UnreadPlan, apply_unread, plan_unread
from ocr.variants import VariantCanvas, read_canvases
from pipeline.domain import HandField
from pipeline.profile_load import load_profile
from core.settings import Settings, TesseractOptions

_log = logging.getLogger(__name__)

__all__ = ["knowledge", "page_fingerprint", "PageJob", "PageOutcome", "PageReading", "restore_and_read", "read_page", "read_pages", "digit_model", "hand_fields"]


@dataclass(frozen=True)
class PageJob:
    """Everything needed to read one page, small enough to send to a worker."""

    path: Path
    sha256: str
    info: FileInfo
    page_no: int
    settings: Settings


@dataclass(frozen=True)
class PageOutcome:
    """What reading a page produced."""

    page_no: int
    text: str
    mean_conf: float
    quality: float
    word_count: int
    rotation: int
    skew_deg: float
    steps: tuple[str, ...]
    image_path: str
    words_path: str
    seconds: float


@dataclass(frozen=True)
class PageReading:
    """A page restored and read, with what each part took."""

    restored: RestoredPage
    reread: Reread
    restore_s: float  # from the decoded page to the restored one
    read_s: float  # zones and header re-read
    #: The header's handwritten number, day and month as the digit reader read them.
    hand: tuple[HandField, ...] = ()
    #: Bands of print on the page (:attr:`ocr.layout.PageCanvas.print_lines`).
    print_lines: int = 0
    #: The lines in doubt read again from the page as scanned (:mod:`ocr.floor`).
    floor: tuple[FloorDecision, ...] = ()

    @property
    def result(self) -> OcrResult:
        """The page's words and text, header lines re-read where that helped."""
        return self.reread.result

    @property
    def steps(self) -> tuple[str, ...]:
        """Restoration steps, then the header lines read again (or checked), replaced or doubted, then the
        lines the floor took from the page as scanned (``floor-N``), then the print no word covered that was
        read surely (``unread-N``, :mod:`ocr.unread`)."""
        return _steps(self.restored, self.reread, self.floor)


def _steps(restored: RestoredPage, reread: Reread, floor: Sequence[FloorDecision] = ()) -> tuple[str, ...]:
    kept = sum(d.kept == "plain" for d in floor)
    found = sum(d.stage == "unread" and d.outcome == "found" for d in reread.decisions)
    return (restored.steps + tuple(f"reread-{k}" for k in reread.checked)
            + tuple(f"replaced-{k}" for k in reread.replaced) + tuple(f"doubted-{k}" for k in reread.doubted)
            + ((f"floor-{kept}",) if kept else ()) + ((f"unread-{found}",) if found else ()))


def _restore(load: Callable[[], np.ndarray], settings: Settings) -> RestoredPage:
    page = load()
    # The floor under the reading reads doubtful lines from the page as scanned, in plain gray.
    plain = None
    if settings.restore.enabled and settings.restore.floor:
        plain = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page.copy()
    # Restoration starts with the stain filter that makes the ink gray (and the pen layer).
    gray, pen = split_ink(page)
    del page  # the only reference to the colour page
    return restore_page(gray, settings.restore, settings.tesseract, pen=pen, plain=plain)


def digit_model(settings: Settings) -> Path:
    """The digit model pages are read with: the data directory's own when ``sohoa train`` made one."""
    return digit_model_path(settings.data_dir / "models")


def hand_fields(image: np.ndarray, result: OcrResult, know: Knowledge,
                model: Path | None = None) -> tuple[HandField, ...]:
    """The handwritten fields of a page's header (:mod:`ocr.handwriting`), found from its number and
    place-date lines as read, with the digit model at ``model`` (the shipped one by default)."""
    lines = header_lines(result, image.shape[0], know)
    try:
        reader = load_model(model) if model is not None else None
        return read_hand_fields(image, [(line.kind, line.words) for line in lines], reader)
    except (OSError, ValueError, KeyError) as exc:  # the digit model missing or damaged: the page is still read
        _log.warning("handwritten fields not read: %s", exc)
        return ()


def knowledge(settings: Settings) -> Knowledge:
    """What reading a page takes from the settings' profile (built once per profile and process)."""
    return knowledge_for(load_profile(settings.profile))


def page_fingerprint(settings: Settings) -> str:
    """A short hash of everything that changes a page's reading: the OCR settings and the profile's knowledge."""
    both = f"{settings.ocr_fingerprint()}:{knowledge(settings).fingerprint}:{digit_model(settings).stem}"
    return hashlib.sha256(both.encode()).hexdigest()[:12]


def restore_and_read(load: Callable[[], np.ndarray], settings: Settings, *, what: str) -> PageReading:
    """Restore a page and read it as the ingest does.

    Args:
        load: Returns the decoded page (grayscale or BGR). It is called here so
            that the colour page lives only until its ink gray is made (a 600 dpi
            A3 page is 200 MB in BGR).
        settings: Restoration and Tesseract options.
        what: A name for the page in error messages.

    Raises:
        InputError: the page cannot be decoded.
        OcrError: Tesseract failed on the page.
    """
    started = time.perf_counter()
    restored = _restore(load, settings)
    restored_at = time.perf_counter()
    canvas = page_canvas(restored.image, settings.tesseract)
    ((again, floor),) = _read_run([(restored, canvas)], settings.tesseract, knowledge(settings), what=what)
    if isinstance(again, Exception):
        raise again
    hand = hand_fields(restored.image, again.result, knowledge(settings), digit_model(settings))
    return PageReading(restored, again, restored_at - started, time.perf_counter() - restored_at, hand,
                       canvas.print_lines, floor)


#: Restored pixels a run of pages holds at most before Tesseract reads them (eight 300 dpi A4
#: pages; a 600 dpi A3 page, 70 million pixels, goes alone). Each page also holds its plain scan
#: for the floor (:attr:`ocr.restore.RestoredPage.plain`), as many pixels again.
BATCH_PIXELS = 80_000_000


def read_pages(jobs: Sequence[PageJob]) -> list[PageOutcome | Exception]:
    """Load, restore and OCR a run of pages, keeping each page's restored image and words.

    The pages are restored one by one, then read by one Tesseract process
    (:func:`ocr.tesseract.run_ocr_many`: one model load for the run instead
    of one a page), as many at a time as fit in :data:`BATCH_PIXELS`, so a
    run of 600 dpi A3 pages never sits in memory at once. When that Tesseract run
    fails, its pages are read one by one, so that only the page at fault
    fails. The header lines the pages need read again are read together
    too, one Tesseract run per language (:func:`ocr.variants.read_canvases`).
    A page that fails gets its exception in its place; the others go on.

    Returns:
        For each job, in order, what :func:`read_page` returns or the exception it raises.
    """
    out: list[PageOutcome | Exception | None] = [None] * len(jobs)
    pending: list[tuple[int, RestoredPage, PageCanvas, float]] = []

    def flush() -> None:
        started = time.perf_counter()
        settings = jobs[pending[0][0]].settings
        what = _what(jobs[pending[0][0]]) if len(pending) == 1 else f"{len(pending)} pages"
        floored = _read_run([(restored, canvas) for _, restored, canvas, _ in pending], settings.tesseract,
                            knowledge(settings), what=what, names=[_what(jobs[i]) for i, _, _, _ in pending])
        share = (time.perf_counter() - started) / len(pending)
        for (i, restored, canvas, spent), (again, floor) in zip(pending, floored, strict=True):
            out[i] = again if isinstance(again, Exception) else _attempt(
                lambda: _save(jobs[i], restored, again, spent + share, canvas.print_lines, floor))
        pending.clear()

    held = 0
    for i, job in enumerate(jobs):
        started = time.perf_counter()
        try:
            s = job.settings
            restored = _restore(lambda: load_page(job.path, job.page_no, job.info, s.limits, s.dpi), s)
            canvas = page_canvas(restored.image, s.tesseract)
        except Exception as exc:  # noqa: BLE001 - a bad page must not lose the pages after it
            out[i] = exc
            continue
        if pending and held + restored.image.size > BATCH_PIXELS:
            flush()
            held = 0
        pending.append((i, restored, canvas, time.perf_counter() - started))
        held += restored.image.size
        del restored, canvas
    if pending:
        flush()
    assert all(o is not None for o in out)
    return cast(list[PageOutcome | Exception], out)


_T = TypeVar("_T")


def _what(job: PageJob) -> str:
    return f"{job.path.name} page {job.page_no}"


def _attempt(step: Callable[[], _T]) -> _T | Exception:
    try:
        return step()
    except Exception as exc:  # noqa: BLE001 - handed back in the page's place
        return exc


def _read_run(pages: list[tuple[RestoredPage, PageCanvas]], options: TesseractOptions, know: Knowledge, *,
              what: str, names: Sequence[str] | None = None
              ) -> list[tuple[Reread | Exception, tuple[FloorDecision, ...]]]:
    """Read a run of restored pages: the stages every page goes through, in order, whether it is read alone
    (:func:`restore_and_read`) or with the pages of an ingest run (:func:`read_pages`).

    1. **read**: the pages' canvases, by one Tesseract process (:func:`ocr.tesseract.run_ocr_many`;
       page by page when that run fails, so only the page at fault fails);
    2. **lay back**: the zones' words put back on the page, post-corrected (:func:`ocr.layout.canvas_words`);
    3. **check**: the header's number and place-date lines read again where unclear, checked where clean,
       looked for where lost (:func:`_reread_run`; :mod:`ocr.reread` decides which and why);
    4. **floor**: the lines still in doubt read from the page as scanned (:func:`_floor_run`; :mod:`ocr.floor`);
    5. **unread**: print no word covers, read alone in the floor's Tesseract run (:mod:`ocr.unread`).

    What each stage decided is recorded with the page: the reread's kinds and the floor's decisions (its
    steps and its words file, :func:`_save`). A page that fails gets its exception in its place.

    Args:
        names: Each page's name in error messages (``what`` for all of them by default).
    """
    names = list(names) if names is not None else [what] * len(pages)
    try:
        reads: list[OcrResult | Exception] = list(run_ocr_many([c.image for _, c in pages], options, what=what))
    except Exception as exc:  # noqa: BLE001 - read alone, each page gets its own outcome
        reads = [exc] if len(pages) == 1 else [
            _attempt(lambda c=canvas, n=name: run_ocr(c.image, options, what=n))
            for (_, canvas), name in zip(pages, names, strict=True)]
    firsts = [read if isinstance(read, Exception) else _attempt(lambda c=canvas, r=read: canvas_words(c, r, know))
              for (_, canvas), read in zip(pages, reads, strict=True)]
    agains = _reread_run([(restored, first) for (restored, _), first in zip(pages, firsts, strict=True)],
                         options, know, what=what)
    return _floor_run([(restored, again) for (restored, _), again in zip(pages, agains, strict=True)],
                      options, know, what=what)


def _read_plans(plans: Sequence[Sequence[VariantCanvas] | None], options: TesseractOptions, *, what: str
                ) -> list[list[OcrResult | None] | None] | Exception:
    """The canvases of every plan of a run read together (:func:`ocr.variants.read_canvases`: one Tesseract
    run per language), handed back plan by plan (``None`` for no plan); the exception if that run failed."""
    canvases = [c for plan in plans if plan is not None for c in plan]
    reads = _attempt(lambda: read_canvases(canvases, options, what=what)) if canvases else []
    if isinstance(reads, Exception):
        return reads
    left = iter(reads)
    return [None if plan is None else [next(left) for _ in plan] for plan in plans]


def _reread_run(pages: list[tuple[RestoredPage, OcrResult | Exception]], options: TesseractOptions,
                know: Knowledge, *, what: str) -> list[Reread | Exception]:
    """The header lines of a run's pages read again, with one Tesseract run per language for the whole run.

    A page whose first reading failed keeps its exception. Should the run's
    re-read fail in an unforeseen way, each page is re-read alone, so that
    only the page at fault fails.
    """
    started = time.perf_counter()
    plans = [first if isinstance(first, Exception) else _attempt(
        lambda r=restored, f=first: plan_reread(r.image, f, know)) for restored, first in pages]
    reads = _read_plans([plan.canvases if isinstance(plan, RereadPlan) else None for plan in plans], options,
                        what=what)
    if isinstance(reads, Exception):
        return [first if isinstance(first, Exception) else _attempt(
            lambda r=restored, f=first: reread_header(r.image, f, options, know, what=what))
            for restored, first in pages]
    share = (time.perf_counter() - started) / len(pages)
    out: list[Reread | Exception] = []
    for (_, first), plan, mine in zip(pages, plans, reads, strict=True):
        if isinstance(plan, Exception):  # the first reading failed (it is its own plan), or the plan did
            out.append(plan)
        elif plan is None or mine is None:
            out.append(Reread(cast(OcrResult, first)))
        else:
            out.append(_attempt(lambda p=plan, f=first, m=mine: apply_reread(p, f, m, share)))
    return _second_looks(pages, out, options, know, what=what)


def _floor_run(pages: list[tuple[RestoredPage, Reread | Exception]], options: TesseractOptions, know: Knowledge,
               *, what: str) -> list[tuple[Reread | Exception, tuple[FloorDecision, ...]]]:
    """The last looks at each page's reading, read by one Tesseract run for the whole run of pages: the floor
    (:mod:`ocr.floor`: the lines in doubt read from the pages as scanned, kept where Tesseract is surer of
    them), then the print no word covers (:mod:`ocr.unread`: read alone, kept where read surely; its
    decisions join the page's others in :attr:`ocr.reread.Reread.decisions`).

    Should planning or reading fail in an unforeseen way, the pages keep their reading as it was.
    """
    plans = [_attempt(lambda r=restored, a=again: plan_floor(r.plain, a.result, know, options.lang))
             if isinstance(again, Reread) else None for restored, again in pages]
    unread = [_attempt(lambda r=restored, a=again: plan_unread(r.image, a.result, know, options.lang))
              if isinstance(again, Reread) else None for restored, again in pages]
    reads = _read_plans([plan.canvases if isinstance(plan, FloorPlan) else None for plan in plans]
                        + [plan.canvases if isinstance(plan, UnreadPlan) else None for plan in unread], options,
                        what=f"{what} (floor)")
    if isinstance(reads, Exception):
        _log.warning("the floor under %s was not read: %s", what, reads)
        return [(again, ()) for _, again in pages]
    out: list[tuple[Reread | Exception, tuple[FloorDecision, ...]]] = []
    for (_, again), plan, mine, missed, theirs in zip(pages, plans, reads[: len(pages)], unread,
                                                      reads[len(pages):], strict=True):
        floor: tuple[FloorDecision, ...] = ()
        if isinstance(plan, FloorPlan) and isinstance(again, Reread) and mine is not None:
            applied = _attempt(lambda p=plan, a=again, m=mine: apply_floor(p, a.result, m))
            if not isinstance(applied, Exception):
                again, floor = replace(again, result=applied[0]), applied[1]
        if isinstance(missed, UnreadPlan) and isinstance(again, Reread) and theirs is not None:
            found = _attempt(lambda p=missed, a=again, t=theirs: apply_unread(p, a.result, t))
            if not isinstance(found, Exception):
                again = replace(again, result=found[0], decisions=again.decisions + found[1])
        out.append((again, floor))
    return out


def _second_looks(pages: list[tuple[RestoredPage, OcrResult | Exception]], rereads: list[Reread | Exception],
                  options: TesseractOptions, know: Knowledge, *, what: str) -> list[Reread | Exception]:
    """The lines the run's checks doubted read again with every variant, in one more Tesseract run per language.

    Rare (a check reads other digits on a line or two in a thousand), so a
    second run, not a second canvas in every page's first: a failure here
    leaves the doubt as it was (see :func:`ocr.reread.second_look`).
    """
    started = time.perf_counter()
    again: list[tuple[int, RereadPlan]] = []
    for i, (reread, (restored, _)) in enumerate(zip(rereads, pages, strict=True)):
        if isinstance(reread, Reread) and reread.doubted:
            plan = _attempt(lambda r=reread, img=restored.image: plan_reread(img, r.result, know, only=r.doubted))
            if isinstance(plan, RereadPlan):
                again.append((i, plan))
    if not again:
        return rereads
    reads = _read_plans([plan.canvases for _, plan in again], options, what=what)
    if isinstance(reads, Exception):
        return rereads
    share = (time.perf_counter() - started) / len(again)
    out = list(rereads)
    for (i, plan), mine in zip(again, reads, strict=True):
        first = cast(Reread, rereads[i])
        assert mine is not None
        looked = _attempt(lambda p=plan, f=first, m=mine: apply_reread(p, f.result, m, share, doubted=True))
        if isinstance(looked, Reread):
            out[i] = second_look(first, looked)
    return out


def _save(job: PageJob, restored: RestoredPage, again: Reread, spent: float, print_lines: int,
          floor: Sequence[FloorDecision] = ()) -> PageOutcome:
    """Write a page's derived files (restored image, words) and say what reading it gave."""
    started = time.perf_counter()
    s = job.settings
    result = again.result
    folder = derived_dir_for(s, job.sha256)
    # The settings' fingerprint is part of the name: a page read again with other
    # settings (sohoa reprocess) must not overwrite the reading the ledger keeps.
    stem = f"p{job.page_no:04d}_{page_fingerprint(s)}"
    image_path = folder / f"{stem}_restored.jpg"
    words_path = folder / f"{stem}_words.json"
    write_atomic(image_path, encode_jpeg(restored.image))
    hand = hand_fields(restored.image, result, knowledge(s), digit_model(s))
    write_atomic(words_path, words_json(result, hand, [d.to_json() for d in again.decisions]
                                         + [d.to_json() for d in floor]))
    return PageOutcome(
        page_no=job.page_no,
        text=result.text,
        mean_conf=result.mean_conf,
        quality=page_quality(result, print_lines),
        word_count=len(result.words),
        rotation=restored.rotation,
        skew_deg=restored.skew_deg,
        steps=_steps(restored, again, floor),
        image_path=str(image_path),
        words_path=str(words_path),
        seconds=spent + time.perf_counter() - started,
    )


def read_page(job: PageJob) -> PageOutcome:
    """Load, restore and OCR one page, keeping the restored image and words.

    Args:
        job: The page and the settings to read it with.

    Returns:
        The page's text, confidence and where its derived files are.

    Raises:
        InputError: the page cannot be decoded.
        OcrError: Tesseract failed on the page.
    """
    (outcome,) = read_pages([job])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome

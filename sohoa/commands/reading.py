"""Reading scans: ``ingest`` a batch, ``ocr`` or ``classify`` one file, ``reprocess`` pages with other settings."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sohoa.commands.base import Command, iso_date, settings_from
from core.errors import ExitCode, InputError, SohoaError
from core.settings import RestoreOptions, Settings, TesseractOptions

__all__ = ["INGEST", "OCR", "CLASSIFY", "REPROCESS", "cmd_ingest", "cmd_ocr", "cmd_classify", "cmd_reprocess"]


# -- ingest -----------------------------------------------------------------


def _progress(settings: Settings, batch: str, stop: threading.Event) -> None:
    """Draw a progress bar from the ledger while the flow runs."""
    from tqdm import tqdm

    from ledger import Ledger

    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    bar = None
    while not stop.wait(0.5):
        if settings.ledger_url is None and not settings.ledger_path.exists():
            continue
        try:
            with Ledger(settings.ledger_target) as ledger:
                rows = ledger.query(
                    "SELECT r.id, r.pages_total FROM runs r JOIN batches b ON b.id=r.batch_id "
                    "WHERE b.name=? AND r.started_at >= ? ORDER BY r.id DESC LIMIT 1", (batch, started))
                if not rows:
                    continue
                done, total = ledger.run_progress(rows[0][0])
        except Exception:  # noqa: BLE001 - the bar is cosmetic; never break the run
            continue
        if bar is None and total:
            bar = tqdm(total=total, unit="trang", desc=f"Lô {batch}", file=sys.stderr)
        if bar is not None:
            bar.n = done
            bar.refresh()
    if bar is not None:
        bar.close()


def cmd_ingest(args: argparse.Namespace) -> int:
    """Run the ingest flow and print what happened."""
    from flows.prefect_api import early_local_api

    settings = settings_from(args, workers=args.workers, dask_address=args.dask_address,
                         runner=args.runner or ("dask" if args.dask_address else None))
    # Started before the flows are imported: the server starts while this process imports OpenCV and Prefect.
    with early_local_api(settings.data_dir, settings.prefect_idle_s) as api:
        from flows.ingest import run_ingest

        if settings.runner == "dask" and not os.environ.get("SOHOA_VERBOSE"):
            # Dask logs every worker's start and stop at INFO; read here by workers started from this process too.
            os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        stop = threading.Event()
        bar = None
        if not args.no_progress and sys.stderr.isatty() or os.environ.get("SOHOA_PROGRESS") == "1":
            bar = threading.Thread(target=_progress, args=(settings, args.batch, stop), daemon=True)
            bar.start()
        try:
            summary = run_ingest([str(p) for p in args.paths], args.batch, settings=settings, fonds=args.fonds,
                                 box=args.box, file_code=args.file_code, api=api)
        finally:
            stop.set()
            if bar is not None:
                bar.join()
    print(f"Lô {summary.batch}: {summary.files_seen} tệp, {summary.files_new} cần xử lý, "
          f"{summary.files_unchanged} đã xử lý trước đó; {summary.pages_read} trang đã đọc, "
          f"{summary.pages_skipped} trang bỏ qua (đã có); {summary.records_written} hồ sơ ghi, "
          f"{summary.indexed} hồ sơ đưa vào chỉ mục.")
    for path, reason in summary.quarantined:
        print(f"CÁCH LY / quarantined: {path}: {reason}", file=sys.stderr)
    for path, page, reason in summary.pages_failed:
        print(f"LỖI TRANG / page failed: {path} trang {page}: {reason}", file=sys.stderr)
    for path, reason in summary.originals_changed:
        print(f"TỆP GỐC BỊ THAY ĐỔI KHI ĐANG ĐỌC / original changed during the run: {path}: {reason}; "
              "chạy lại để đọc lại tệp (run again to read it again)", file=sys.stderr)
    return summary.exit_code


# -- ocr and classify -------------------------------------------------------


def _ocr_file(path: Path, settings: Settings) -> list[dict[str, object]]:
    from ocr.loader import inspect_file, load_page
    from ocr.pages import restore_and_read
    from ocr.quality import page_quality
    from ocr.tesseract import run_ocr
    from pipeline.records import doubtful_words

    try:
        info = inspect_file(path, settings.limits, settings.dpi)
    except SohoaError as exc:
        exc.path = exc.path or str(path)
        raise

    def one(page_no: int) -> dict[str, object]:
        what = f"{path.name} page {page_no}"
        rotation, skew, steps, hand, print_lines = 0, 0.0, [], (), None
        if settings.restore.enabled:
            reading = restore_and_read(lambda: load_page(path, page_no, info, settings.limits, settings.dpi),
                                       settings, what=what)
            result = reading.result
            rotation, skew, steps = reading.restored.rotation, reading.restored.skew_deg, list(reading.steps)
            hand, print_lines = reading.hand, reading.print_lines
        else:  # --raw: plain Tesseract on the page as scanned
            result = run_ocr(load_page(path, page_no, info, settings.limits, settings.dpi), settings.tesseract,
                             what=what)
        return {"page": page_no, "text": result.text, "mean_conf": round(result.mean_conf, 1),
                "quality": page_quality(result, print_lines), "rotation": rotation, "skew_deg": round(skew, 2),
                "steps": steps,
                "doubtful": list(doubtful_words([(w.text, w.conf) for w in result.words])),
                "hand": [h.to_json() for h in hand]}

    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        return list(pool.map(one, range(1, info.pages + 1)))


def cmd_ocr(args: argparse.Namespace) -> int:
    """Print the text of each page, separated by form feeds."""
    settings = settings_from(
        args, tesseract=TesseractOptions(lang=args.lang, psm=args.psm),
        restore=RestoreOptions(enabled=not args.raw),
    )
    pages = _ocr_file(args.file, settings)
    if args.json:
        print(json.dumps({"file": str(args.file), "pages": pages}, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write("\f".join(str(p["text"]) for p in pages) + "\n")
    return ExitCode.OK


def cmd_classify(args: argparse.Namespace) -> int:
    """Print the records found in a scan (or in OCR text)."""
    from pipeline.records import PageText, build_records

    settings = settings_from(args)
    if args.text:
        try:
            raw = args.file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror or exc}", path=str(args.file)) from exc
        pages = [PageText(i, t) for i, t in enumerate(raw.split("\f"), start=1)]
    else:
        from pipeline.domain import HandField

        pages = [PageText(int(p["page"]), str(p["text"]), float(p["mean_conf"]),  # type: ignore[arg-type]
                          quality=float(p["quality"]), doubtful=tuple(p["doubtful"]),  # type: ignore[arg-type]
                          hand=tuple(HandField.from_json(h) for h in p["hand"]))  # type: ignore[attr-defined]
                 for p in _ocr_file(args.file, settings)]
    from pipeline.learned import load_model
    from pipeline.profile_load import load_profile

    records = build_records(pages, args.on or dt.date.today(), load_profile(settings.profile),
                            load_model(settings.data_dir))
    out = [rec.to_json() for rec, _ in records]
    if args.json:
        print(json.dumps({"file": str(args.file), "records": out}, ensure_ascii=False, indent=2))
    else:
        for r in out:
            print(f"trang {r['pages']}: {r['type']} ({r['confidence']:.2f}) số {r['number'] or '?'} "
                  f"ngày {r['date'] or '?'} — {r['subject'] or '?'} — {r['status']}")
    return ExitCode.OK


# -- reprocess ------------------------------------------------------------


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Read chosen pages again and keep the better readings."""
    from flows.prefect_api import early_local_api

    settings = settings_from(
        args, workers=args.workers, tesseract=TesseractOptions(lang=args.lang, psm=args.psm),
        restore=RestoreOptions(enabled=not args.raw),
    )
    with early_local_api(settings.data_dir, settings.prefect_idle_s) as api:
        from flows.reprocess import run_reprocess, select_pages
        from ledger import Ledger

        with Ledger(settings.ledger_target) as ledger:
            pages = select_pages(ledger, record=args.record, file=args.file, page=args.page, batch=args.batch)
        summary = run_reprocess(pages, settings, api=api)
    for p in summary.pages:
        print(f"{p.path} trang {p.page_no}: chất lượng {p.old_quality} -> {p.new_quality}; giữ: {p.kept}")
    print(f"{summary.improved}/{len(summary.pages)} trang đọc tốt hơn; {summary.records_written} hồ sơ ghi lại.")
    return ExitCode.INCOMPLETE if any(p.kept.startswith("failed") for p in summary.pages) else ExitCode.OK


# -- their arguments --------------------------------------------------------


def _ingest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--batch", required=True, help="name of the batch (usually the box)")
    p.add_argument("--fonds", help="archive fonds code of the box")
    p.add_argument("--box", help="box number in the store room")
    p.add_argument("--file-code", help="file (hồ sơ) code inside the box")
    p.add_argument("--workers", type=int, help="pages read in parallel (default: one per core)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--runner", choices=("threads", "dask"),
                   help="where pages are read: threads here, or a Dask cluster (default: $SOHOA_RUNNER or threads)")
    p.add_argument("--dask-address", help="scheduler of an existing Dask cluster, e.g. tcp://host:8786 (implies "
                                          "--runner dask; default: $SOHOA_DASK_ADDRESS, else a local cluster)")


INGEST = Command(
    "ingest",
    help="ingest a batch of scans (files or folders)",
    description="Run the ingest flow on files and folders of scans.",
    arguments=_ingest_arguments,
    run=cmd_ingest,
)


def _ocr_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--raw", action="store_true", help="no restoration: plain Tesseract on the page as scanned")
    p.add_argument("--json", action="store_true", help="JSON with text, confidence, rotation and skew per page")
    p.add_argument("--lang", default="vie", help="Tesseract language(s) (default: vie)")
    p.add_argument("--psm", type=int, default=3, help="Tesseract page segmentation mode (default: 3)")


OCR = Command(
    "ocr",
    help="print the OCR text of each page of a file",
    description="Restore and OCR each page; pages are separated by a form feed (\\f).",
    arguments=_ocr_arguments,
    run=cmd_ocr,
)


def _classify_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="JSON output (the contract of the CLI)")
    p.add_argument("--text", action="store_true", help="FILE is OCR text (pages separated by \\f), not a scan")
    p.add_argument("--on", type=iso_date, help="date for the validity status (default: today)")


CLASSIFY = Command(
    "classify",
    help="find, classify and extract the records in a file",
    description="OCR a file, split it into records and print each record's fields.",
    arguments=_classify_arguments,
    run=cmd_classify,
)


def _reprocess_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--record", help="record key (as shown by search --json)")
    which.add_argument("--file", help="a scanned file, by the path it was ingested from")
    which.add_argument("--batch", help="every page of a batch")
    p.add_argument("--page", type=int, help="with --file: only this page (1-based)")
    p.add_argument("--lang", default="vie", help="Tesseract language(s), e.g. vie+eng (default: vie)")
    p.add_argument("--psm", type=int, default=3, help="Tesseract page segmentation mode (default: 3)")
    p.add_argument("--raw", action="store_true", help="no restoration this time")
    p.add_argument("--workers", type=int, help="pages read in parallel (default: one per core)")


REPROCESS = Command(
    "reprocess",
    help="read pages again with other settings, keep the better reading",
    description="Read a record's pages, one page or a whole batch again with other "
                "settings; each page keeps whichever reading has the better quality score.",
    arguments=_reprocess_arguments,
    run=cmd_reprocess,
)

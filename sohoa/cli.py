"""The ``sohoa`` command line: a thin layer over the library and the flows.

Exit codes: 0 success; 2 some inputs were quarantined or pages failed (they
are listed); 1 the command itself failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from sohoa import __version__
from sohoa.errors import ExitCode, InputError, SohoaError
from sohoa.settings import RestoreOptions, Settings, TesseractOptions

if TYPE_CHECKING:
    from ocr.digits_train import Confirmed
    from pipeline.ledger import Ledger

__all__ = ["main", "build_parser"]

STATUS_LABELS = {
    "vi": {"valid": "còn hiệu lực", "expired": "hết hiệu lực", "revoked": "đã thu hồi", "unknown": "chưa rõ"},
    "en": {"valid": "valid", "expired": "expired", "revoked": "revoked", "unknown": "unknown"},
}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (the docs test reads it too)."""
    p = argparse.ArgumentParser(
        prog="sohoa",
        description="Digitize damaged paper archives into searchable, countable records.",
    )
    p.add_argument("--version", action="version", version=f"sohoa {__version__}")
    p.add_argument("--data-dir", type=Path, help="data directory (default: $SOHOA_DATA_DIR or ./sohoa-data)")
    p.add_argument("--index", dest="index_url", help="index URL (default: $SOHOA_INDEX_URL or the embedded index)")
    p.add_argument("--profile", help="the office's knowledge: a shipped profile (default, hai-phong), a profile.json "
                                     "or its folder (default: $SOHOA_PROFILE or default)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("ingest", help="ingest a batch of scans (files or folders)",
                       description="Run the ingest flow on files and folders of scans.")
    s.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    s.add_argument("--batch", required=True, help="name of the batch (usually the box)")
    s.add_argument("--fonds", help="archive fonds code of the box")
    s.add_argument("--box", help="box number in the store room")
    s.add_argument("--file-code", help="file (hồ sơ) code inside the box")
    s.add_argument("--workers", type=int, help="pages read in parallel (default: one per core)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--runner", choices=("threads", "dask"),
                   help="where pages are read: threads here, or a Dask cluster (default: $SOHOA_RUNNER or threads)")
    s.add_argument("--dask-address", help="scheduler of an existing Dask cluster, e.g. tcp://host:8786 (implies "
                                          "--runner dask; default: $SOHOA_DASK_ADDRESS, else a local cluster)")

    s = sub.add_parser("ocr", help="print the OCR text of each page of a file",
                       description="Restore and OCR each page; pages are separated by a form feed (\\f).")
    s.add_argument("file", type=Path, metavar="FILE")
    s.add_argument("--raw", action="store_true", help="no restoration: plain Tesseract on the page as scanned")
    s.add_argument("--json", action="store_true", help="JSON with text, confidence, rotation and skew per page")
    s.add_argument("--lang", default="vie", help="Tesseract language(s) (default: vie)")
    s.add_argument("--psm", type=int, default=3, help="Tesseract page segmentation mode (default: 3)")

    s = sub.add_parser("classify", help="find, classify and extract the records in a file",
                       description="OCR a file, split it into records and print each record's fields.")
    s.add_argument("file", type=Path, metavar="FILE")
    s.add_argument("--json", action="store_true", help="JSON output (the contract of the CLI)")
    s.add_argument("--text", action="store_true", help="FILE is OCR text (pages separated by \\f), not a scan")
    s.add_argument("--on", type=_date, help="date for the validity status (default: today)")

    s = sub.add_parser("search", help="search records (diacritics optional)",
                       description="Full-text search over records; typing without diacritics works.")
    s.add_argument("query", metavar="QUERY", nargs="?", default="")
    s.add_argument("--type", help="procedure type code, e.g. xac_minh_van_bang")
    s.add_argument("--year", type=int, help="year of issue")
    s.add_argument("--issuer", help="issuing body (part of its name)")
    s.add_argument("--valid-on", type=_date, help="only records still valid on this date (YYYY-MM-DD)")
    s.add_argument("--limit", type=int, default=20, help="at most this many results (default: 20)")
    s.add_argument("--json", action="store_true", help="JSON output")
    s.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of labels (default: vi)")

    s = sub.add_parser("report", help="progress and counts of still-valid results",
                       description="The digitization report, from the ledger, on any date.")
    s.add_argument("--as-of", type=_date, help="report date: validity is on this day (default: --to, else today)")
    s.add_argument("--from", dest="date_from", type=_date, help="only work done (digitized) on or after this day")
    s.add_argument("--to", dest="date_to", type=_date, help="only work done (digitized) on or before this day")
    s.add_argument("--batch", help="only this batch")
    s.add_argument("--format", choices=("text", "md", "csv", "xlsx", "html", "pdf"), default="text",
                   help="output format (default: text; xlsx and pdf are binary: use --out or a pipe)")
    s.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default: vi)")
    s.add_argument("--out", type=Path, help="write to this file instead of standard output")

    s = sub.add_parser("reprocess", help="read pages again with other settings, keep the better reading",
                       description="Read a record's pages, one page or a whole batch again with other "
                                   "settings; each page keeps whichever reading has the better quality score.")
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--record", help="record key (as shown by search --json)")
    which.add_argument("--file", help="a scanned file, by the path it was ingested from")
    which.add_argument("--batch", help="every page of a batch")
    s.add_argument("--page", type=int, help="with --file: only this page (1-based)")
    s.add_argument("--lang", default="vie", help="Tesseract language(s), e.g. vie+eng (default: vie)")
    s.add_argument("--psm", type=int, default=3, help="Tesseract page segmentation mode (default: 3)")
    s.add_argument("--raw", action="store_true", help="no restoration this time")
    s.add_argument("--workers", type=int, help="pages read in parallel (default: one per core)")

    s = sub.add_parser("reindex", help="rebuild an index from the ledger",
                       description="Rebuild a search index from the ledger (the source of truth).")
    s.add_argument("--to", dest="to_url",
                   help="index URL to rebuild, sqlite:///… or http://host:9200[/alias] (default: the configured index)")

    s = sub.add_parser("train", help="learn the procedure type and handwritten digits from reviewed records",
                       description="Train a new version of the learned type model from the records people "
                                   "corrected or approved (it votes with the rules from the next run on), and "
                                   "a new digit model from the handwritten numbers and days people confirmed "
                                   "(taught their digits, and calibrated: the confidence above which a "
                                   "handwritten reading may skip review).")
    s.add_argument("--min-examples", type=int, default=20, help="fewest reviewed records to learn from (default: 20)")

    s = sub.add_parser("pdf", help="write the searchable PDF of records",
                       description="Write each record's searchable PDF: its restored pages with the OCR "
                                   "text as an invisible layer, to select, search and copy.")
    s.add_argument("keys", nargs="*", metavar="KEY", help="record keys (as `search --json` prints them)")
    s.add_argument("--batch", help="every record of this batch (duplicates left out)")
    s.add_argument("--out", type=Path, default=Path("."), help="folder to write KEY.pdf into (default: .)")

    s = sub.add_parser("backup", help="back up the data directory (ledger, index, derived files)",
                       description="Copy the ledger and index (SQLite online backup: consistent while an ingest "
                                   "runs), web accounts and derived files into DEST; manifest.json is written last.")
    s.add_argument("dest", type=Path, metavar="DEST", help="an empty or new folder outside the data directory")
    s.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="data directory to back up")
    s.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the summary (default: vi)")

    s = sub.add_parser("restore", help="restore a backup into a data directory and check it",
                       description="Verify a backup against its manifest, copy it into the data directory, then "
                                   "check that the restored copy gives the same counts and searches.")
    s.add_argument("src", type=Path, metavar="SRC", help="a folder written by sohoa backup")
    s.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="data directory to restore into")
    s.add_argument("--force", action="store_true",
                   help="restore into a non-empty data directory, replacing its ledger, index and derived files")
    s.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the summary (default: vi)")

    s = sub.add_parser("serve", help="run the clerks' web app",
                       description="Serve the web app (search, records, review, dashboard) in Vietnamese.")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--trusted-proxy", action="append", metavar="ADDR", default=None,
                   help="address or network (10.0.0.0/24) of the office's reverse proxy, whose X-Forwarded-For "
                        "and X-Forwarded-Proto name the client; repeat for several (default: none, or "
                        "SOHOA_TRUSTED_PROXIES, comma-separated)")
    s.add_argument("--secure-cookies", action="store_true",
                   help="mark the session cookie Secure on every answer (it is on https requests anyway)")

    s = sub.add_parser("user", help="manage web accounts (the first admin, too)",
                       description="Add, list, disable or enable web accounts, change their role, lift a login lock "
                                   "or set their password. There is always one active admin.")
    us = s.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    u = us.add_parser("add", help="add an account")
    u.add_argument("name", metavar="NAME")
    u.add_argument("--role", required=True, choices=("admin", "archivist", "clerk"), help="role of the account")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    u = us.add_parser("role", help="change an account's role (there is always one active admin)")
    u.add_argument("name", metavar="NAME")
    u.add_argument("role", choices=("admin", "archivist", "clerk"), metavar="ROLE", help="admin, archivist or clerk")
    u = us.add_parser("unlock", help="lift the lock failed logins put on an account (or, with --address, an address)")
    u.add_argument("name", nargs="?", metavar="NAME")
    u.add_argument("--address", metavar="ADDR", help="the client address to unlock")
    u = us.add_parser("passwd", help="set an account's password")
    u.add_argument("name", metavar="NAME")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for action in ("disable", "enable"):
        us.add_parser(action, help=f"{action} an account").add_argument("name", metavar="NAME")
    us.add_parser("list", help="list the accounts")

    s = sub.add_parser("audit", help="check, export or prune the web app's audit trail",
                       description="The audit trail of the web app (who looked at whose record, page or search, "
                                   "when, from where) is a hash chain in web.sqlite: verify finds a line changed or "
                                   "removed; export writes it as CSV; prune removes the lines past retention.")
    aus = s.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    aus.add_parser("verify", help="check the chain; print its lines and last hash; exit 1 naming where it breaks")
    a = aus.add_parser("export", help="the trail (or part of it) as CSV, oldest first")
    a.add_argument("--user", help="only this user's lines")
    a.add_argument("--record", help="only lines about this record key, or whose person or school contains this")
    a.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="from this local date")
    a.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="to this local date (included)")
    a.add_argument("--out", type=Path, metavar="FILE", help="write here (default: standard output)")
    a.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the headers and actions")
    a = aus.add_parser("prune", help="remove the lines older than the retention period (the chain stays checkable)")
    a.add_argument("--days", type=int, metavar="N",
                   help="keep the last N days (default: SOHOA_AUDIT_RETENTION_DAYS, or 1825)")

    s = sub.add_parser("prefect-server", help="show or stop the data directory's local Prefect server",
                       description="Without PREFECT_API_URL, ingest and reprocess start a local Prefect API "
                                   "server and leave it up for the next command on the same data directory "
                                   "until it has been idle SOHOA_PREFECT_IDLE_MINUTES (15); this shows or "
                                   "stops it.")
    ps = s.add_subparsers(dest="server_command", required=True, metavar="ACTION")
    ps.add_parser("status", help="its address and process; exit 1 when none runs")
    ps.add_parser("stop", help="stop it now; exit 1 when none was running")

    s = sub.add_parser("profile", help="show, check or grow the office's profile (its knowledge)",
                       description="What an office knows (places, issuers and their symbols, schools, standard "
                                   "lines, names) is a profile: show what one holds, check it, or grow it from the "
                                   "records people approved.")
    ps = s.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    ps.add_parser("show", help="what the profile holds (counts; --json for all of it)").add_argument(
        "--json", action="store_true", help="JSON output")
    c = ps.add_parser("check", help="load and check a profile; exit 1 with what is wrong")
    c.add_argument("path", nargs="?", metavar="PROFILE", help="a profile.json or its folder (default: --profile)")
    g = ps.add_parser("learn", help="write a profile that adds the issuers and schools of approved records")
    g.add_argument("--out", type=Path, required=True, help="folder to write profile.json into (created)")
    g.add_argument("--name", help="the new profile's name (default: the folder's)")
    return p


def _settings(args: argparse.Namespace, **extra: object) -> Settings:
    return Settings.from_env(data_dir=args.data_dir, index_url=args.index_url,
                             profile=getattr(args, "profile", None), **extra)


# -- ingest -----------------------------------------------------------------


def _progress(settings: Settings, batch: str, stop: threading.Event) -> None:
    """Draw a progress bar from the ledger while the flow runs."""
    from tqdm import tqdm

    from pipeline.ledger import Ledger

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

    settings = _settings(args, workers=args.workers, dask_address=args.dask_address,
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
    settings = _settings(
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

    settings = _settings(args)
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
    from pipeline.profile import load_profile

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


# -- search, report, reindex --------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    """Search the index and print the hits."""
    from indexing import SearchFilters, open_index
    from pipeline.domain import PROCEDURE_LABELS, ProcedureType
    from pipeline.validity import status_on

    settings = _settings(args)
    index = open_index(settings.resolved_index_url)
    try:
        result = index.search(
            args.query,
            SearchFilters(type=args.type, year=args.year, issuer=args.issuer, valid_on=args.valid_on),
            limit=args.limit,
        )
    finally:
        index.close()
    today = args.valid_on or dt.date.today()
    rows = []
    for hit in result.hits:
        d = hit.doc
        issued = dt.date.fromisoformat(str(d["issue_date"])) if d.get("issue_date") else None
        until = dt.date.fromisoformat(str(d["valid_until"])) if d.get("valid_until") else None
        revoked = dt.date.fromisoformat(str(d["revoked_on"])) if d.get("revoked_on") else None
        status = status_on(ProcedureType(str(d["type"])), issued, until, today, revoked).value
        rows.append({**{k: d.get(k) for k in ("key", "type", "number", "issue_date", "issuer", "subject",
                                              "valid_until", "batch", "location", "path", "pages")},
                     "status": status, "score": round(hit.score, 3), "snippet": hit.snippet})
    if args.json:
        print(json.dumps({"query": args.query, "total": result.total, "total_capped": result.total_capped,
                          "hits": rows}, ensure_ascii=False, indent=2))
        return ExitCode.OK
    labels = PROCEDURE_LABELS[args.lang]
    more = ("hơn " if args.lang == "vi" else "more than ") if result.total_capped else ""
    print(f"{more}{result.total} kết quả" if args.lang == "vi" else f"{more}{result.total} results")
    for r in rows:
        print(f"- {r['subject'] or '?'} | {labels[ProcedureType(str(r['type']))]} | số {r['number'] or '?'} | "
              f"{r['issue_date'] or '?'} | {STATUS_LABELS[args.lang][str(r['status'])]}")
        print(f"  {r['location'] or r['batch']} · {r['path']} trang {r['pages']}")
        print(f"  {r['snippet']}")
    return ExitCode.OK


def cmd_report(args: argparse.Namespace) -> int:
    """Print or write the report."""
    from pipeline.ledger import Ledger
    from pipeline.report import BINARY_FORMATS, build_report, render

    settings = _settings(args)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print("sohoa: error: --from is after --to", file=sys.stderr)
        return ExitCode.FAILED
    binary = args.format in BINARY_FORMATS
    if binary and not args.out and sys.stdout.isatty():
        print(f"sohoa: error: --format {args.format} is binary: give --out FILE or redirect the output",
              file=sys.stderr)
        return ExitCode.FAILED
    with Ledger(settings.ledger_target) as ledger:
        report = build_report(ledger, args.as_of or args.date_to or dt.date.today(), lang=args.lang,
                              batch=args.batch, date_from=args.date_from, date_to=args.date_to)
    out = render(report, args.format)
    data = out if isinstance(out, bytes) else (out if out.endswith("\n") else out + "\n").encode("utf-8")
    if args.out:
        args.out.write_bytes(data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return ExitCode.OK


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild an index from the ledger with no downtime.

    Elasticsearch gets a new versioned index and its alias is swapped
    atomically; the embedded index is rebuilt in one transaction (or, when
    its schema is outdated, in a new file renamed over the old one).
    """
    from indexing import rebuild_index, to_index_doc
    from pipeline.ledger import Ledger

    settings = _settings(args)
    url = args.to_url or settings.resolved_index_url
    with Ledger(settings.ledger_target) as ledger:
        # Duplicates (another scan of a paper already recorded) are never indexed.
        n = rebuild_index(url, ([to_index_doc(r) for r in chunk if r.duplicate_of is None]
                                for chunk in ledger.iter_records()))
        if url == settings.resolved_index_url:
            ledger.mark_all_unindexed()
            todo, gone = ledger.index_backlog()
            ledger.mark_indexed(todo, gone)
    print(f"{n} records indexed into {url}")
    return ExitCode.OK


def cmd_train(args: argparse.Namespace) -> int:
    """Train the next versions of the learned type model and of the digit model from reviewed records.

    Exit 0 when either learned something, 1 when neither did.
    """
    settings = _settings(args)
    digits = _train_digits(settings)
    types = _train_types(settings, args.min_examples)
    return ExitCode.OK if digits or types else ExitCode.FAILED


def _train_digits(settings: Settings) -> bool:
    """A new digit model from the handwritten fields people confirmed (:func:`ocr.digits_train.learn_confirmed`)."""
    from ocr.digits_train import confirmed_fields, learn_confirmed
    from ocr.handwriting import LOCAL_MODEL_GLOB, DigitModel
    from ocr.pages import digit_model
    from pipeline.learned import models_dir
    from pipeline.ledger import Ledger

    with Ledger(settings.ledger_target) as ledger:
        fields = _confirmed_digits(ledger, confirmed_fields(ledger))
    if not fields:
        print("sohoa train: chưa có số/ngày viết tay nào được xác nhận (no confirmed handwritten field yet)",
              file=sys.stderr)
        return False
    folder = models_dir(settings.data_dir)
    version = 1 + max((int(p.stem.rsplit("v", 1)[-1]) for p in folder.glob(LOCAL_MODEL_GLOB)), default=0)
    learned = learn_confirmed(DigitModel.load(digit_model(settings)), fields, f"digits-local-v{version}")
    if learned.model is None:
        print(f"sohoa train: mô hình chữ số giữ nguyên (digit model unchanged): {learned.why}", file=sys.stderr)
        return False
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digits-local-v{version}.npz"
    learned.model.save(path)
    print(f"Mô hình chữ số viết tay v{version}: {len(fields)} trường đã xác nhận; ngưỡng tự nhận "
          f"{learned.model.accept_above:.2f}.\n(digit model v{version}: {len(fields)} confirmed fields; "
          f"{learned.why}; accepted without review above {learned.model.accept_above:.2f}) -> {path}")
    return True


def _confirmed_digits(ledger: Ledger, approved: list[Confirmed]) -> list[Confirmed]:
    """The approved records' handwritten fields, and every field confirmed in the keyboard review queue
    (the latest confirmation of a field wins)."""
    from ocr.digits_train import Confirmed
    from pipeline.domain import HandField
    from web.corrections import hand_confirmations

    out = {(str(c.image), c.field.kind): c for c in approved}
    for h in hand_confirmations(ledger):
        if h.box is None or h.page_no is None or not h.confirmed.isdigit():
            continue
        rows = ledger.query("SELECT p.image_path FROM pages p JOIN records r ON r.file_id = p.file_id "
                            "WHERE r.key=? AND p.page_no=?", (h.record_key, h.page_no))
        if not rows or not rows[0]["image_path"] or not Path(rows[0]["image_path"]).is_file():
            continue
        top, bottom, left, right = (int(v) for v in h.box)
        field = HandField(h.kind, h.read, float(h.confidence or 0.0), (top, bottom, left, right))
        out[(rows[0]["image_path"], h.kind)] = Confirmed(Path(rows[0]["image_path"]), field, h.confirmed)
    return list(out.values())


def _train_types(settings: Settings, min_examples: int) -> bool:
    """The next version of the learned type model from reviewed records."""
    from pipeline.domain import ProcedureType
    from pipeline.learned import TrainingError, next_version, save_model, train_model
    from pipeline.profile import load_profile
    from pipeline.ledger import Ledger

    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("sohoa train: cần scikit-learn: pip install 'sohoa[learn]' (scikit-learn is needed)", file=sys.stderr)
        return False
    with Ledger(settings.ledger_target) as ledger:
        examples = [(text, ProcedureType(kind)) for text, kind in ledger.reviewed_records()]
    try:
        model = train_model(examples, next_version(settings.data_dir), load_profile(settings.profile),
                            min_examples=min_examples)
    except TrainingError as exc:
        print(f"sohoa train: chưa đủ dữ liệu (not enough data): {exc}", file=sys.stderr)
        return False
    path = save_model(model, settings.data_dir)
    card = model.card
    cv = f"{card.cv_accuracy:.1%}" if card.cv_accuracy is not None else "—"
    print(f"Mô hình v{card.version}: {card.examples} hồ sơ đã duyệt, {len(card.classes)} loại; "
          f"độ chính xác kiểm chéo {cv}, quy tắc {card.rules_accuracy:.1%} trên cùng hồ sơ.\n"
          f"(model v{card.version}: {card.examples} reviewed records; cross-validated accuracy {cv}, "
          f"rules {card.rules_accuracy:.1%} on the same records) -> {path}")
    return True


def cmd_pdf(args: argparse.Namespace) -> int:
    """Write ``KEY.pdf`` for each record asked for; exit 2 if one has no page image."""
    from ocr.pdf import searchable_pdf
    from pipeline.ledger import Ledger
    from web.images import pdf_pages

    settings = _settings(args)
    if not args.keys and not args.batch:
        print("sohoa pdf: cần KEY hoặc --batch (give record keys or --batch)", file=sys.stderr)
        return ExitCode.FAILED
    args.out.mkdir(parents=True, exist_ok=True)
    written, problems = 0, 0
    with Ledger(settings.ledger_target) as ledger:
        keys = list(args.keys)
        if args.batch:
            keys += [r[0] for r in ledger.query(
                "SELECT r.key FROM records r JOIN batches b ON b.id=r.batch_id "
                "WHERE b.name=? AND r.duplicate_of IS NULL ORDER BY r.id", (args.batch,))]
        found = {r.key: r for r in ledger.records(keys)}
        for key in dict.fromkeys(keys):
            rec = found.get(key)
            pages = pdf_pages(ledger, rec) if rec else []
            if not pages:
                problems += 1
                why = "không có hồ sơ này (no such record)" if rec is None else "không có ảnh trang (no page image)"
                print(f"sohoa pdf: {key}: {why}", file=sys.stderr)
                continue
            title = " ".join(x for x in (rec.number, rec.subject) if x) if rec else ""
            path = args.out / f"{key}.pdf"
            path.write_bytes(searchable_pdf(pages, dpi=settings.dpi, title=title))
            written += 1
            print(path)
    print(f"{written} tệp PDF đã ghi (PDF files written)", file=sys.stderr)
    return ExitCode.INCOMPLETE if problems else ExitCode.OK


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the data directory into DEST (see :mod:`sohoa.backup`)."""
    from sohoa.backup import backup_summary, plan_backup, run_backup

    settings = _settings(args)
    result = run_backup(plan_backup(settings, args.dest))
    print(backup_summary(result, settings.data_dir, args.lang))
    return ExitCode.OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the data directory and check it; 1 when the check fails."""
    from sohoa.backup import restore_summary, run_restore

    result = run_restore(args.src, _settings(args), force=args.force)
    print(restore_summary(result, args.src, args.lang), file=sys.stdout if result.ok else sys.stderr)
    return ExitCode.OK if result.ok else ExitCode.FAILED


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the clerks' web app until interrupted."""
    from web.app import serve

    settings = _settings(args)
    if args.trusted_proxy or args.secure_cookies:
        web = settings.web.model_copy(update={"secure_cookies": args.secure_cookies or settings.web.secure_cookies,
                                              **({"trusted_proxies": tuple(args.trusted_proxy)}
                                                 if args.trusted_proxy else {})})
        settings = settings.model_copy(update={"web": web})
    serve(settings, host=args.host, port=args.port)
    return ExitCode.OK


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu / password: ")
    if getpass.getpass("Nhập lại / again: ") != first:
        raise SohoaError("passwords differ")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    """Manage web accounts in ``web.sqlite`` of the data directory."""
    from web.app import WEB_DB
    from web.auth import AuthError, WebStore

    settings = _settings(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = WebStore(settings.data_dir / WEB_DB)
    try:
        if args.user_command == "add":
            user = store.add_user(args.name, args.role, _read_password(args))
            print(f"{user.name} ({user.role})")
        elif args.user_command == "passwd":
            store.set_password(args.name, _read_password(args))
        elif args.user_command in ("disable", "enable"):
            store.set_active(args.name, args.user_command == "enable")
        elif args.user_command == "role":
            store.set_role(args.name, args.role)
        elif args.user_command == "unlock":
            if not args.name and not args.address:
                raise SohoaError("user unlock: give a NAME or --address")
            store.unlock("cli", name=args.name, ip=args.address)
        else:
            for u in store.users():
                print(f"{u.name}\t{u.role}\t{'active' if u.active else 'disabled'}")
    except AuthError as exc:
        print(f"sohoa: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    finally:
        store.close()
    return ExitCode.OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Verify, export or prune the audit trail of ``web.sqlite``."""
    from web.app import WEB_DB, audit_csv
    from web.audit import AuditFilter
    from web.auth import WebStore

    settings = _settings(args)
    path = settings.data_dir / WEB_DB
    if not path.is_file():
        raise SohoaError(f"{path}: no web database here (the web app has not run on this data directory)")
    store = WebStore(path, settings.web.timezone)
    try:
        if args.audit_command == "verify":
            check = store.audit.verify()
            for problem in check.problems:
                print(f"{path}: {problem}", file=sys.stderr)
            print(f"{check.lines} lines, last hash {check.head}: {'ok' if check.ok else 'BROKEN'}")
            return ExitCode.OK if check.ok else ExitCode.FAILED
        if args.audit_command == "export":
            data = audit_csv(store, AuditFilter(user=args.user, record=args.record, since=args.since,
                                                until=args.until), args.lang)
            if args.out:
                args.out.write_bytes(data)
            else:
                sys.stdout.buffer.write(data)
            return ExitCode.OK
        days = args.days if args.days is not None else settings.web.audit_retention_days
        if days < 1:
            raise SohoaError("audit prune: --days must be at least 1")
        gone = store.audit.prune(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days), "cli")
        print(f"{gone} lines older than {days} days removed")
        return ExitCode.OK
    finally:
        store.close()


def cmd_profile(args: argparse.Namespace) -> int:
    """Show, check or grow the office's profile."""
    from pipeline.profile import check_profile, load_profile

    settings = _settings(args)
    if args.profile_command == "check":
        profile = load_profile(args.path or settings.profile)
        problems = check_profile(profile)
        for problem in problems:
            print(f"{profile.files[-1]}: {problem}")
        print(f"profile {profile.name}: {'ok' if not problems else f'{len(problems)} problem(s)'}"
              f" ({', '.join(str(f) for f in profile.files)})")
        return ExitCode.FAILED if problems else ExitCode.OK
    profile = load_profile(settings.profile)
    if args.profile_command == "show":
        summary = profile.summary()
        if args.json:
            print(json.dumps({**summary, "description": profile.description, "places": [
                {"name": p.name, "kind": p.kind, "from": p.start and p.start.isoformat(),
                 "to": p.end and p.end.isoformat()} for p in profile.places],
                "bodies": [{"name": b.name, "code": b.code} for b in profile.bodies],
                "issuers": [{"id": i.id, "lines": list(i.lines), "symbols": list(i.symbols)}
                            for i in profile.gazetteer.issuers],
                "schools": {d: list(v) for d, v in profile.gazetteer.schools.items()}},
                ensure_ascii=False, indent=2))
        else:
            print(f"{profile.name}: {profile.description}")
            for key, value in summary.items():
                if key not in ("name",):
                    print(f"  {key}: {value}")
        return ExitCode.OK
    from pipeline.ledger import Ledger
    from pipeline.profile_learn import learn_profile

    with Ledger(settings.ledger_target) as ledger:
        out, added = learn_profile(profile, ledger, args.out, args.name)
    print(f"{out}: {added['issuers']} issuer(s) and {added['schools']} school(s) from "
          f"{added['records']} approved record(s), extending {profile.name}")
    return ExitCode.OK


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Read chosen pages again and keep the better readings."""
    from flows.prefect_api import early_local_api

    settings = _settings(
        args, workers=args.workers, tesseract=TesseractOptions(lang=args.lang, psm=args.psm),
        restore=RestoreOptions(enabled=not args.raw),
    )
    with early_local_api(settings.data_dir, settings.prefect_idle_s) as api:
        from flows.reprocess import run_reprocess, select_pages
        from pipeline.ledger import Ledger

        with Ledger(settings.ledger_target) as ledger:
            pages = select_pages(ledger, record=args.record, file=args.file, page=args.page, batch=args.batch)
        summary = run_reprocess(pages, settings, api=api)
    for p in summary.pages:
        print(f"{p.path} trang {p.page_no}: chất lượng {p.old_quality} -> {p.new_quality}; giữ: {p.kept}")
    print(f"{summary.improved}/{len(summary.pages)} trang đọc tốt hơn; {summary.records_written} hồ sơ ghi lại.")
    return ExitCode.INCOMPLETE if any(p.kept.startswith("failed") for p in summary.pages) else ExitCode.OK


def cmd_prefect_server(args: argparse.Namespace) -> int:
    """Show or stop the data directory's shared local Prefect API server."""
    from flows.prefect_api import shared_status, stop_shared

    settings = _settings(args)
    none = f"Không có máy chủ Prefect nào đang chạy cho {settings.data_dir} / none running"
    if args.server_command == "stop":
        stopped = stop_shared(settings.data_dir)
        print(f"Đã dừng máy chủ Prefect của {settings.data_dir} / stopped" if stopped else none)
        return ExitCode.OK if stopped else ExitCode.FAILED
    status = shared_status(settings.data_dir)
    if status is None:
        print(none)
        return ExitCode.FAILED
    print(f"{status['url']} (pid {status['pid']}; tự dừng sau {float(status.get('idle_s', 0)) / 60:g} phút "
          "không dùng / stops after that many idle minutes)")
    return ExitCode.OK


COMMANDS = {
    "profile": cmd_profile,
    "serve": cmd_serve,
    "user": cmd_user,
    "audit": cmd_audit,
    "ingest": cmd_ingest,
    "ocr": cmd_ocr,
    "classify": cmd_classify,
    "search": cmd_search,
    "report": cmd_report,
    "reprocess": cmd_reprocess,
    "reindex": cmd_reindex,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "pdf": cmd_pdf,
    "train": cmd_train,
    "prefect-server": cmd_prefect_server,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sohoa`` command."""
    # Prefect's INFO logs drown the progress bar; SOHOA_VERBOSE=1 brings them back.
    if not os.environ.get("SOHOA_VERBOSE"):
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        # The Elasticsearch client logs each retry of an unreachable node with a traceback; what failed is
        # said once, by the error the command ends with.
        logging.getLogger("elastic_transport").setLevel(logging.ERROR)
        # Prefect's queue of events warns "Still processing items: N items remaining..." when it stops
        # with events left, which it then sends: a note about its own shutdown, not about the run.
        logging.getLogger("EventsWorker").setLevel(logging.ERROR)
    # The ephemeral Prefect server would try to send telemetry; offices are often offline.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # On a machine busy reading pages the ephemeral server can take longer than Prefect's 20 s to start.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SohoaError as exc:
        print(f"sohoa: error: {exc}", file=sys.stderr)
        return exc.exit_code if exc.exit_code in (ExitCode.FAILED, ExitCode.INCOMPLETE) else ExitCode.FAILED
    except KeyboardInterrupt:
        print("sohoa: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


def run() -> None:
    """The ``sohoa`` command: :func:`main`, then exit without the interpreter's last garbage collection.

    At exit Python walks every object its cycle collector tracks; with Prefect
    and the flows imported that took half a second at the end of every
    command (0.54 s after importing ``flows.ingest``). Nothing of sohoa's waits
    for it: files, databases, servers and temporary folders are closed before
    :func:`main` returns (temporary folders' finalizers run at exit all the
    same), so the objects left are frozen instead (:func:`gc.freeze`). Tests
    call :func:`main`, which leaves the collector alone.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()

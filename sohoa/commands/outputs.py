"""What the archive hands out: the ``report`` of progress and counts, the searchable ``pdf`` of records."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sohoa.commands.base import Command, iso_date, settings_from
from core.errors import ExitCode

__all__ = ["REPORT", "PDF", "cmd_report", "cmd_pdf"]


def cmd_report(args: argparse.Namespace) -> int:
    """Print or write the report."""
    from ledger import Ledger
    from reporting.report import BINARY_FORMATS, build_report, render

    settings = settings_from(args)
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


def cmd_pdf(args: argparse.Namespace) -> int:
    """Write ``KEY.pdf`` for each record asked for; exit 2 if one has no page image."""
    from ocr.pdf import searchable_pdf
    from ledger import Ledger
    from web.images import pdf_pages

    settings = settings_from(args)
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


# -- their arguments --------------------------------------------------------


def _report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=iso_date, help="report date: validity is on this day (default: --to, else today)")
    p.add_argument("--from", dest="date_from", type=iso_date, help="only work done (digitized) on or after this day")
    p.add_argument("--to", dest="date_to", type=iso_date, help="only work done (digitized) on or before this day")
    p.add_argument("--batch", help="only this batch")
    p.add_argument("--format", choices=("text", "md", "csv", "xlsx", "html", "pdf"), default="text",
                   help="output format (default: text; xlsx and pdf are binary: use --out or a pipe)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default: vi)")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")


REPORT = Command(
    "report",
    help="progress and counts of still-valid results",
    description="The digitization report, from the ledger, on any date.",
    arguments=_report_arguments,
    run=cmd_report,
)


def _pdf_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("keys", nargs="*", metavar="KEY", help="record keys (as `search --json` prints them)")
    p.add_argument("--batch", help="every record of this batch (duplicates left out)")
    p.add_argument("--out", type=Path, default=Path("."), help="folder to write KEY.pdf into (default: .)")


PDF = Command(
    "pdf",
    help="write the searchable PDF of records",
    description="Write each record's searchable PDF: its restored pages with the OCR "
                "text as an invisible layer, to select, search and copy.",
    arguments=_pdf_arguments,
    run=cmd_pdf,
)

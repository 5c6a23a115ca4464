"""The report flow: the quarterly report from the ledger, as files and Prefect artifacts.

It only wires :mod:`reporting.report`: one task computes the numbers, one task
per format writes a file, and the flow publishes a markdown artifact and
table artifacts under stable keys, so the Prefect UI keeps their history
from one run (one quarter) to the next.

Serve it on a schedule (a long-running process; needs a Prefect server, or
Prefect's local one)::

    python -m flows.report --serve --cron "0 7 1 1,4,7,10 *"

runs at 07:00 on the first day of each quarter and reports on the last day of
the quarter before (``previous_quarter=True``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from ledger import Ledger
from reporting.model import Report
from reporting.report import FORMATS, build_report, render, render_markdown
from core.settings import Settings

__all__ = ["report_flow", "build_report_task", "write_report_task", "quarter_end", "artifact_key", "report_name",
           "EXTENSIONS", "MARKDOWN_KEY", "TYPES_KEY", "BATCHES_KEY"]

MARKDOWN_KEY = "sohoa-quarterly-report"
TYPES_KEY = "sohoa-valid-by-type"
BATCHES_KEY = "sohoa-batch-progress"
EXTENSIONS = {"text": "txt", "md": "md", "csv": "csv", "xlsx": "xlsx", "html": "html", "pdf": "pdf"}


def quarter_end(day: dt.date, previous: bool = False) -> dt.date:
    """Last day of the quarter of ``day`` (or of the quarter before it)."""
    q_start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if previous:
        return q_start - dt.timedelta(days=1)
    nxt = dt.date(q_start.year + (q_start.month == 10), (q_start.month + 2) % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def artifact_key(base: str, batch: str | None) -> str:
    """A stable artifact key; a batch report gets its own (keys allow a-z, 0-9 and dashes)."""
    if not batch:
        return base
    slug = re.sub(r"[^a-z0-9]+", "-", batch.lower()).strip("-") or "batch"
    return f"{base}-{slug}"[:100]


def report_name(report: Report, lang: str) -> str:
    """File name stem: ``bao-cao-2026-09-30`` (``report-…`` in English), with the batch and period."""
    stem = f"{'bao-cao' if lang == 'vi' else 'report'}-{report.as_of.isoformat()}"
    if report.has_period:
        stem += f"-tu-{report.date_from or 'dau'}-den-{report.date_to or report.as_of}"
    if report.batch:
        stem += "-" + (re.sub(r"[^A-Za-z0-9]+", "-", report.batch).strip("-") or "batch")
    return stem


@task(name="build-report")
def build_report_task(settings: Settings, as_of: dt.date, lang: str, batch: str | None,
                      date_from: dt.date | None, date_to: dt.date | None) -> Report:
    """Compute the report's numbers from the ledger."""
    with Ledger(settings.ledger_target) as ledger:
        return build_report(ledger, as_of, lang=lang, batch=batch, date_from=date_from, date_to=date_to)


@task(name="write-report")
def write_report_task(report: Report, fmt: str, lang: str, out_dir: Path) -> Path:
    """Render the report in one format and write it under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{report_name(report, lang)}.{EXTENSIONS[fmt]}"
    data = render(report, fmt, lang)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    tmp.replace(path)  # readers never see half a report
    return path


@flow(name="sohoa-report", log_prints=False)
def report_flow(
    as_of: dt.date | None = None,
    lang: str = "vi",
    formats: list[str] | None = None,
    out_dir: str | None = None,
    batch: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    previous_quarter: bool = False,
    settings: Settings | None = None,
) -> dict[str, str]:
    """Write the report files and publish the report as Prefect artifacts.

    Args:
        as_of: Report date (validity is on this day); default ``date_to``, else today.
        lang: ``vi`` or ``en``.
        formats: Any of ``text``, ``md``, ``csv``, ``xlsx``, ``html``, ``pdf``; default md, html, pdf, xlsx, csv.
        out_dir: Folder for the files; default ``<data dir>/reports``.
        batch: Only this batch.
        date_from: Only work done on or after this day.
        date_to: Only work done on or before this day.
        previous_quarter: Report as of the last day of the previous quarter
            (for a schedule that runs at the start of each quarter); ignored
            when ``as_of`` is given.
        settings: Data dir (ledger) and the rest; from the environment by default.

    Returns:
        Each format and the path of the file written.

    Raises:
        ValueError: On an unknown format or language.
    """
    settings = settings or Settings.from_env()
    formats = list(formats or ["md", "html", "pdf", "xlsx", "csv"])
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or lang not in ("vi", "en"):
        raise ValueError(f"unknown format(s) {unknown} or language {lang!r}")
    today = dt.date.today()
    day = as_of or date_to or (quarter_end(today, previous=True) if previous_quarter else today)
    folder = Path(out_dir) if out_dir else settings.data_dir / "reports"
    report = build_report_task(settings, day, lang, batch, date_from, date_to)
    futures = {fmt: write_report_task.submit(report, fmt, lang, folder) for fmt in formats}
    written = {fmt: str(fut.result()) for fmt, fut in futures.items()}

    t_label = "Báo cáo số hóa" if lang == "vi" else "Digitization report"
    create_markdown_artifact(render_markdown(report, lang), key=artifact_key(MARKDOWN_KEY, batch),
                             description=f"{t_label} {day.isoformat()}")
    create_table_artifact(
        [{"type": c.type.value, "label": c.label, "total": c.total, "valid": c.valid, "expired": c.expired,
          "revoked": c.revoked, "unknown": c.unknown} for c in report.by_type],
        key=artifact_key(TYPES_KEY, batch), description=f"{t_label} {day.isoformat()}: by procedure type",
    )
    create_table_artifact(
        [{"batch": b.name, "location": b.location, "pages_expected": b.pages_expected, "pages": b.pages,
          "pages_failed": b.pages_failed, "records": b.records, "needs_review": b.needs_review,
          "percent": round(b.percent, 1)} for b in report.batches],
        key=artifact_key(BATCHES_KEY, batch), description=f"{t_label} {day.isoformat()}: by batch",
    )
    get_run_logger().info("report as of %s: %d still valid; files %s", day, report.valid_total, written)
    return written


def main(argv: list[str] | None = None) -> None:
    """``python -m flows.report``: run the flow once, or serve it on a cron schedule."""
    p = argparse.ArgumentParser(prog="python -m flows.report", description=__doc__.split("\n\n")[0])
    p.add_argument("--serve", action="store_true", help="serve the flow on a schedule (runs until stopped)")
    p.add_argument("--cron", default="0 7 1 1,4,7,10 *", help="schedule (default: 07:00 on each quarter's first day)")
    p.add_argument("--lang", default="vi", choices=("vi", "en"))
    p.add_argument("--out-dir", help="folder for the files (default: <data dir>/reports)")
    args = p.parse_args(argv)
    params = {"lang": args.lang, "out_dir": args.out_dir, "previous_quarter": True}
    if args.serve:
        report_flow.serve(name="sohoa-quarterly-report", cron=args.cron, parameters=params)
    else:
        print(report_flow(**params))


if __name__ == "__main__":
    main()

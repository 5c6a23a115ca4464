"""Progress and counts of still-valid results, from the ledger, for any date.

:func:`build_report` computes plain numbers (a :class:`Report`); renderers
turn them into text, markdown, CSV, XLSX, HTML or PDF in Vietnamese or
English (:func:`render`). Tests compare the numbers, never the strings.

What is counted (see ``docs/reports.md``):

- records issued on or before ``as_of`` (or with no readable issue date),
  with their status on ``as_of`` (valid through ``valid_until`` inclusive,
  revoked from ``revoked_on`` on);
- with a period (``date_from``/``date_to``), only the work done in it:
  records first written to the ledger (``records.created_at``), pages read
  (``pages.updated_at``), files first seen and files quarantined on a local
  date inside the period, both ends included;
- days are local dates of the machine (the ledger stores UTC timestamps).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from pipeline.domain import PROCEDURE_LABELS, ProcedureType, ValidityStatus
from ledger import Ledger
from pipeline.validity import status_on
from reporting._tables import TEXTS, fmt_int, report_tables
from reporting.model import BatchProgress, DayCount, Report, TypeCounts, quarterly_paragraph

__all__ = ["build_report", "render", "render_text", "render_markdown", "FORMATS", "BINARY_FORMATS"]

FORMATS = ("text", "md", "csv", "xlsx", "html", "pdf")
BINARY_FORMATS = ("xlsx", "pdf")

_EARLIEST = "0001-01-01"
_LATEST = "9999-12-31"


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _record_counts(ledger: Ledger, as_of: dt.date, where: str, params: dict[str, object]
                   ) -> tuple[Counter[tuple[str, int | None, str]], int, int]:
    """The cube of records, records needing review and their pages.

    The database groups records by what decides their status (type and dates),
    so a million records come back as a few thousand rows.
    """
    scope = ("FROM records r JOIN batches b ON b.id = r.batch_id "
             "WHERE (r.issue_date IS NULL OR r.issue_date <= :on) AND r.duplicate_of IS NULL "
             "AND date(r.created_at, 'localtime') BETWEEN :from AND :to" + where)
    cube: Counter[tuple[str, int | None, str]] = Counter()
    for t, issued, until, revoked, period, n in ledger.query(
        "SELECT r.type, r.issue_date, r.valid_until, r.revoked_on, r.period, COUNT(*) " + scope
        + " GROUP BY r.type, r.issue_date, r.valid_until, r.revoked_on, r.period", params,
    ):
        issued_d = _d(issued)
        st = status_on(ProcedureType(t), issued_d, _d(until), as_of, _d(revoked))
        # A date whose day was unreadable still gives its year (the month and year were read).
        year = issued_d.year if issued_d else int(period[:4]) if period else None
        cube[(t, year, st.value)] += int(n)
    # The review queue is small: its page lists are counted here, in the same way on both databases.
    review_pages = [len(json.loads(pages)) for (pages,) in ledger.query(
        "SELECT r.pages " + scope + " AND r.needs_review = 1", params)]
    return cube, len(review_pages), sum(review_pages)


def _batches(ledger: Ledger, where: str, params: dict[str, object]) -> tuple[BatchProgress, ...]:
    pages_in = "date(p.updated_at, 'localtime') BETWEEN :from AND :to"
    files_in = "date(f.first_seen, 'localtime') BETWEEN :from AND :to"
    rows = ledger.query(
        "SELECT b.name, b.fonds, b.box, b.file_code, "
        f"(SELECT count(*) FROM files f WHERE f.batch_id=b.id AND {files_in}) AS files, "
        f"(SELECT count(*) FROM files f WHERE f.batch_id=b.id AND {files_in} AND f.status='done') AS done, "
        f"(SELECT coalesce(sum(f.page_count), 0) FROM files f WHERE f.batch_id=b.id AND {files_in}) AS expected, "
        "(SELECT count(*) FROM quarantine q WHERE q.batch_id=b.id "
        "  AND date(q.seen_at, 'localtime') BETWEEN :from AND :to) AS quarantined, "
        "(SELECT count(*) FROM pages p JOIN files f ON f.id=p.file_id WHERE f.batch_id=b.id "
        f"  AND p.status='done' AND {pages_in}) AS pages, "
        "(SELECT count(*) FROM pages p JOIN files f ON f.id=p.file_id WHERE f.batch_id=b.id "
        f"  AND p.status='failed' AND {pages_in}) AS pages_failed, "
        "(SELECT count(*) FROM records r WHERE r.batch_id=b.id AND r.duplicate_of IS NULL "
        "  AND date(r.created_at, 'localtime') BETWEEN :from AND :to) AS records, "
        "(SELECT count(*) FROM records r WHERE r.batch_id=b.id AND r.needs_review=1 AND r.duplicate_of IS NULL "
        "  AND date(r.created_at, 'localtime') BETWEEN :from AND :to) AS review "
        "FROM batches b WHERE 1=1" + where + " ORDER BY b.name",
        params,
    )
    return tuple(
        BatchProgress(
            name=r["name"], location=" / ".join(x for x in (r["fonds"], r["box"], r["file_code"]) if x),
            files=r["files"] or 0, files_done=r["done"] or 0, files_quarantined=r["quarantined"] or 0,
            pages=r["pages"] or 0, pages_failed=r["pages_failed"] or 0, records=r["records"] or 0,
            needs_review=r["review"] or 0, pages_expected=r["expected"] or 0,
        )
        for r in rows
    )


def _daily(ledger: Ledger, where: str, params: dict[str, object]) -> tuple[DayCount, ...]:
    """Pages read (done, failed) and records written per local day."""
    days: dict[str, list[int]] = {}
    for day, done, failed in ledger.query(
        # Portable SQL (SQLite and PostgreSQL): no boolean sums, no output alias in WHERE.
        "SELECT date(p.updated_at, 'localtime') AS d, sum(CASE WHEN p.status='done' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN p.status='failed' THEN 1 ELSE 0 END) "
        "FROM pages p JOIN files f ON f.id=p.file_id JOIN batches b ON b.id=f.batch_id "
        "WHERE date(p.updated_at, 'localtime') BETWEEN :from AND :to" + where + " GROUP BY d", params,
    ):
        days.setdefault(day, [0, 0, 0])[:2] = [done, failed]
    for day, n in ledger.query(
        "SELECT date(r.created_at, 'localtime') AS d, count(*) FROM records r JOIN batches b ON b.id=r.batch_id "
        "WHERE date(r.created_at, 'localtime') BETWEEN :from AND :to AND r.duplicate_of IS NULL" + where
        + " GROUP BY d", params,
    ):
        days.setdefault(day, [0, 0, 0])[2] = n
    return tuple(DayCount(dt.date.fromisoformat(d), *v) for d, v in sorted(days.items()))


def build_report(
    ledger: Ledger, as_of: dt.date, lang: str = "vi", batch: str | None = None,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> Report:
    """Compute every count of the report from the ledger.

    Args:
        ledger: The source of truth.
        as_of: Records issued after this date are left out; status is on this date.
        lang: ``vi`` or ``en`` for the labels.
        batch: Only this batch, when given.
        date_from: Only work done on or after this (local) day.
        date_to: Only work done on or before this (local) day.

    Raises:
        ValueError: When ``date_from`` is after ``date_to``.
    """
    if date_from and date_to and date_from > date_to:
        raise ValueError(f"the period starts ({date_from}) after it ends ({date_to})")
    labels = PROCEDURE_LABELS[lang]
    where = " AND b.name = :batch" if batch else ""
    params: dict[str, object] = {
        "batch": batch, "on": as_of.isoformat(),
        "from": date_from.isoformat() if date_from else _EARLIEST,
        "to": date_to.isoformat() if date_to else _LATEST,
    }
    cube, review, review_pages = _record_counts(ledger, as_of, where, params)
    status: Counter[tuple[str, str]] = Counter()
    by_year: dict[str, Counter[int | None]] = {}
    for (t, year, st), n in cube.items():
        status[(t, st)] += n
        by_year.setdefault(t, Counter())[year] += n
    by_type = tuple(
        TypeCounts(
            type=pt, label=labels[pt],
            total=sum(status[(pt.value, s.value)] for s in ValidityStatus),
            valid=status[(pt.value, "valid")], expired=status[(pt.value, "expired")],
            revoked=status[(pt.value, "revoked")], unknown=status[(pt.value, "unknown")],
        )
        for pt in ProcedureType
    )
    batches = _batches(ledger, where, params)
    quarantine = tuple(
        (r[0], r[1]) for r in ledger.query(
            "SELECT q.path, q.reason FROM quarantine q JOIN batches b ON b.id=q.batch_id "
            "WHERE date(q.seen_at, 'localtime') BETWEEN :from AND :to" + where + " ORDER BY q.path", params)
    )
    return Report(
        as_of=as_of,
        lang=lang,
        by_type=by_type,
        by_type_year={t: dict(c) for t, c in by_year.items()},
        batches=batches,
        files_total=sum(b.files for b in batches),
        files_quarantined=len(quarantine),
        pages_done=sum(b.pages for b in batches),
        pages_failed=sum(b.pages_failed for b in batches),
        records_total=sum(cube.values()),
        records_review=review,
        quarantine=quarantine,
        cube=dict(cube),
        pages_review=review_pages,
        pages_expected=sum(b.pages_expected for b in batches),
        daily=_daily(ledger, where, params),
        date_from=date_from,
        date_to=date_to,
        batch=batch,
    )


def render_markdown(report: Report, lang: str | None = None) -> str:
    """The report as markdown: a summary, every table and the quarterly paragraph."""
    lang = lang or report.lang
    t = TEXTS[lang]
    out = [f"# {t['title']}", "", _heading_line(report, lang), ""]
    for table in report_tables(report, lang, compact=True):
        out += [f"## {table.title}", ""]
        out.append("| " + " | ".join(table.columns) + " |")
        out.append("|" + "|".join("---" if i < table.numeric_from else "---:" for i in range(len(table.columns))) + "|")
        for row in table.all_rows():
            cells = [_md_cell(v, lang) for v in row]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    if report.quarantine:
        out += [f"## {t['quarantine']}", ""]
        out += [f"- `{path}`: {reason}" for path, reason in report.quarantine]
        out.append("")
    out += [f"## {t['paragraph']}", "", quarterly_paragraph(report, lang), ""]
    return "\n".join(out)


def _md_cell(value: object, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return fmt_int(value, lang)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value).replace("|", "\\|")


def _heading_line(report: Report, lang: str) -> str:
    t = TEXTS[lang]
    line = f"**{t['as_of']}:** {report.as_of.isoformat()}"
    if report.has_period:
        line += (f" · **{t['period']}:** {report.date_from.isoformat() if report.date_from else '…'} – "
                 f"{report.date_to.isoformat() if report.date_to else '…'}")
    if report.batch:
        line += f" · **{t['batch']}:** {report.batch}"
    return line


def render_text(report: Report, lang: str | None = None) -> str:
    """The report as plain text for a terminal: aligned tables and the paragraph."""
    lang = lang or report.lang
    t = TEXTS[lang]
    out = [t["title"], _heading_line(report, lang).replace("**", ""), ""]
    for table in report_tables(report, lang, compact=True):
        rows = [[_md_cell(v, lang) for v in row] for row in table.all_rows()]
        cols = [str(c) for c in table.columns]
        widths = [max(len(r[i]) for r in [cols, *rows]) for i in range(len(cols))]
        widths[0] = min(widths[0], 60)

        def line(cells: list[str]) -> str:
            return "  ".join(
                (c[: widths[i]].ljust(widths[i]) if i < table.numeric_from else c.rjust(widths[i]))
                for i, c in enumerate(cells)
            ).rstrip()

        out += [table.title, line(cols), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in rows]
        out.append("")
    if report.quarantine:
        out += [t["quarantine"] + ":"]
        out += [f"  {path}: {reason}" for path, reason in report.quarantine]
        out.append("")
    out.append(quarterly_paragraph(report, lang))
    return "\n".join(out)


def render(report: Report, fmt: str, lang: str | None = None) -> str | bytes:
    """The report in one of :data:`FORMATS`: ``str`` for text formats, ``bytes`` for xlsx and pdf.

    Args:
        report: The numbers.
        fmt: ``text``, ``md``, ``csv``, ``xlsx``, ``html`` or ``pdf``.
        lang: ``vi`` or ``en``; the report's language by default.

    Raises:
        ValueError: On an unknown format.
    """
    lang = lang or report.lang
    if fmt == "text":
        return render_text(report, lang)
    if fmt == "md":
        return render_markdown(report, lang)
    if fmt in ("csv", "xlsx"):
        from reporting import _files

        return _files.render_csv(report) if fmt == "csv" else _files.render_xlsx(report, lang)
    if fmt == "html":
        from reporting._html import render_html

        return render_html(report, lang)
    if fmt == "pdf":
        from reporting._pdf import render_pdf

        return render_pdf(report, lang)
    raise ValueError(f"unknown report format {fmt!r} (one of {', '.join(FORMATS)})")


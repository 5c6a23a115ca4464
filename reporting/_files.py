"""The report as data files: one long CSV table, and an XLSX workbook with one sheet per table.

CSV shape (one row per number, every column always present)::

    section,type,year,status,batch,day,metric,value

- ``meta``: ``metric`` is ``as_of``, ``date_from``, ``date_to`` or ``batch``; ``value`` the ISO date or name;
- ``records``: records counted by ``type`` code, ``year`` of issue (empty: unknown) and ``status`` on the
  report date (``valid``, ``expired``, ``revoked``, ``unknown``); only non-zero cells;
- ``progress``: campaign totals by ``metric``;
- ``batch``: the same measures per ``batch``;
- ``daily``: ``pages_done``, ``pages_failed`` and ``records`` per local ``day``.

Every other number of the report is a sum over these rows.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from reporting._tables import TEXTS, report_tables

if TYPE_CHECKING:
    from reporting.model import Report

__all__ = ["CSV_COLUMNS", "SHEET_NAMES", "csv_rows", "render_csv", "render_xlsx"]

CSV_COLUMNS = ("section", "type", "year", "status", "batch", "day", "metric", "value")

#: Sheet name of each table key (Excel allows 31 characters).
SHEET_NAMES = {
    "vi": {"report": "Báo cáo", "summary": "Tổng hợp", "by_type": "Theo loại", "by_type_year": "Theo năm",
           "valid_by_type_year": "Còn hiệu lực theo năm", "batches": "Theo lô", "monthly": "Theo tháng",
           "daily": "Theo ngày", "data": "Dữ liệu"},
    "en": {"report": "Report", "summary": "Summary", "by_type": "By type", "by_type_year": "By year",
           "valid_by_type_year": "Valid by year", "batches": "By batch", "monthly": "By month",
           "daily": "By day", "data": "Data"},
}

_BATCH_METRICS = ("files", "files_done", "files_quarantined", "pages_expected", "pages_done", "pages_failed",
                  "records", "needs_review")


def csv_rows(report: Report) -> list[tuple[str, str, str, str, str, str, str, str | int]]:
    """The long table, in a stable order."""
    rows: list[tuple[str, str, str, str, str, str, str, str | int]] = []

    def add(section: str, value: str | int, *, type: str = "", year: str = "", status: str = "",  # noqa: A002
            batch: str = "", day: str = "", metric: str = "") -> None:
        rows.append((section, type, year, status, batch, day, metric, value))

    add("meta", report.as_of.isoformat(), metric="as_of")
    if report.date_from:
        add("meta", report.date_from.isoformat(), metric="date_from")
    if report.date_to:
        add("meta", report.date_to.isoformat(), metric="date_to")
    if report.batch:
        add("meta", report.batch, metric="batch")
    order = {c.type.value: i for i, c in enumerate(report.by_type)}
    for (t, year, status), n in sorted(report.cube.items(),
                                       key=lambda kv: (order[kv[0][0]], kv[0][1] or 9999, kv[0][2])):
        add("records", n, type=t, year="" if year is None else str(year), status=status)
    for metric, n in (("files", report.files_total), ("files_quarantined", report.files_quarantined),
                      ("pages_expected", report.pages_expected), ("pages_done", report.pages_done),
                      ("pages_failed", report.pages_failed), ("pages_review", report.pages_review),
                      ("records", report.records_total), ("records_review", report.records_review)):
        add("progress", n, metric=metric)
    for b in report.batches:
        values = (b.files, b.files_done, b.files_quarantined, b.pages_expected, b.pages, b.pages_failed, b.records,
                  b.needs_review)
        for metric, n in zip(_BATCH_METRICS, values):
            add("batch", n, batch=b.name, metric=metric)
    for d in report.daily:
        for metric, n in (("pages_done", d.pages_done), ("pages_failed", d.pages_failed), ("records", d.records)):
            add("daily", n, day=d.day.isoformat(), metric=metric)
    return rows


def render_csv(report: Report) -> str:
    """The long table as CSV text (UTF-8, comma-separated, with a header row)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(report))
    return buf.getvalue()


def render_xlsx(report: Report, lang: str) -> bytes:
    """A workbook: the paragraph first, then one sheet per table, then the long data table.

    Counts are numeric cells; each table sheet has the title in ``A1``, the
    headers in row 2 and the data from row 3 (the total row last, in bold).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from reporting.model import quarterly_paragraph

    t = TEXTS[lang]
    names = SHEET_NAMES[lang]
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE7EE")
    wb = Workbook()
    ws = wb.active
    ws.title = names["report"]
    ws["A1"] = t["title"]
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"], ws["B2"] = t["as_of"], report.as_of
    ws["B2"].number_format = "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd"
    row = 3
    if report.has_period:
        ws.cell(row, 1, t["period"])
        ws.cell(row, 2, report.date_from.isoformat() if report.date_from else "")
        ws.cell(row, 3, report.date_to.isoformat() if report.date_to else "")
        row += 1
    if report.batch:
        ws.cell(row, 1, t["batch"])
        ws.cell(row, 2, report.batch)
        row += 1
    ws.cell(row + 1, 1, t["paragraph"]).font = bold
    cell = ws.cell(row + 2, 1, quarterly_paragraph(report, lang))
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row + 2, start_column=1, end_row=row + 2, end_column=6)
    ws.row_dimensions[row + 2].height = 90
    ws.column_dimensions["A"].width = 28
    for table in report_tables(report, lang):
        ws = wb.create_sheet(names[table.key])
        ws["A1"] = table.title
        ws["A1"].font = Font(bold=True, size=12)
        for j, col in enumerate(table.columns, start=1):
            c = ws.cell(2, j, col)
            c.font, c.fill = bold, head_fill
            c.alignment = Alignment(wrap_text=True)
        for i, values in enumerate(table.all_rows(), start=3):
            for j, v in enumerate(values, start=1):
                c = ws.cell(i, j, v)
                if table.total and i == len(table.rows) + 3:
                    c.font = bold
        ws.column_dimensions["A"].width = 52 if table.key != "daily" else 14
        for j in range(2, len(table.columns) + 1):
            ws.column_dimensions[get_column_letter(j)].width = 14
        ws.freeze_panes = "B3"
    ws = wb.create_sheet(names["data"])
    ws.append(list(CSV_COLUMNS))
    for r in csv_rows(report):
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

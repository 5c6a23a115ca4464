"""The report's tables in one neutral shape, shared by every renderer.

Each :class:`Table` has a stable ``key``, a translated title and columns, and
rows of plain values (``str`` labels, ``int`` counts, ``float`` percentages).
Markdown, text, HTML, PDF and XLSX all draw the same tables, so the numbers
of every format agree by construction, and tests can read any format back
into the same table keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.domain import PROCEDURE_LABELS, ProcedureType

if TYPE_CHECKING:
    from reporting.model import DayCount, Report

__all__ = ["TEXTS", "CAMPAIGN_YEARS", "BEFORE", "AFTER", "Table", "fmt_int", "year_key", "bucket_years", "years_of",
           "year_label", "monthly", "report_tables"]

#: Years of issue always shown as columns: the backlog of the campaign.
CAMPAIGN_YEARS = tuple(range(2008, 2014))

Cell = str | int | float | None

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "BÁO CÁO SỐ HÓA KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "subtitle": "Sở Giáo dục và Đào tạo — kết quả số hóa hồ sơ lưu trữ",
        "as_of": "Tính đến ngày",
        "period": "Kỳ báo cáo (ngày số hóa)",
        "summary": "Tổng hợp tiến độ",
        "metric": "Chỉ tiêu",
        "value": "Số lượng",
        "files": "Tệp đã quét",
        "files_quarantined": "Tệp bị cách ly",
        "pages_expected": "Trang trong các tệp",
        "pages": "Trang đã nhận dạng",
        "pages_failed": "Trang lỗi",
        "pages_review": "Trang thuộc hồ sơ cần rà soát",
        "records": "Hồ sơ (kết quả TTHC) đã số hóa",
        "review": "Hồ sơ cần rà soát",
        "by_type": "Số kết quả theo loại thủ tục",
        "type": "Loại thủ tục",
        "total": "Đã số hóa",
        "valid": "Còn hiệu lực",
        "expired": "Hết hiệu lực",
        "revoked": "Đã thu hồi",
        "unknown": "Chưa rõ",
        "by_year": "Kết quả đã số hóa theo loại và năm ban hành",
        "valid_by_year": "Kết quả còn hiệu lực theo loại và năm ban hành",
        "year_unknown": "Không rõ năm",
        "year_unknown_short": "Không rõ",
        "before": "Trước {}",
        "after": "Sau {}",
        "batches": "Tiến độ theo lô / hộp",
        "batch": "Lô",
        "location": "Vị trí lưu trữ",
        "files_done": "Tệp xong",
        "percent": "% trang",
        "monthly": "Khối lượng theo tháng",
        "month": "Tháng",
        "daily": "Khối lượng theo ngày",
        "day": "Ngày",
        "cumulative": "Lũy kế trang",
        "quarantine": "Tệp bị cách ly",
        "paragraph": "Đoạn trích cho báo cáo quý",
        "all": "Tổng",
        "chart_status": "Kết quả theo loại thủ tục và tình trạng hiệu lực",
        "chart_years": "Kết quả đã số hóa theo năm ban hành",
        "chart_daily": "Số trang nhận dạng mỗi ngày",
        "chart_cumulative": "Tiến độ chiến dịch số hóa (lũy kế)",
        "chart_batches": "Tiến độ theo lô (% số trang)",
        "generated": "Lập bởi sohoa từ sổ cái",
        "none": "Chưa có dữ liệu",
    },
    "en": {
        "title": "DIGITIZATION REPORT OF ADMINISTRATIVE PROCEDURE RESULTS",
        "subtitle": "Department of Education and Training — digitized archive results",
        "as_of": "As of",
        "period": "Period (digitization date)",
        "summary": "Progress summary",
        "metric": "Measure",
        "value": "Count",
        "files": "Files scanned",
        "files_quarantined": "Files quarantined",
        "pages_expected": "Pages in the files",
        "pages": "Pages read",
        "pages_failed": "Pages failed",
        "pages_review": "Pages of records needing review",
        "records": "Records (procedure results) digitized",
        "review": "Records needing review",
        "by_type": "Results by procedure type",
        "type": "Procedure type",
        "total": "Digitized",
        "valid": "Still valid",
        "expired": "Expired",
        "revoked": "Revoked",
        "unknown": "Unknown",
        "by_year": "Results digitized by type and year of issue",
        "valid_by_year": "Still-valid results by type and year of issue",
        "year_unknown": "Year unknown",
        "year_unknown_short": "Unknown",
        "before": "Before {}",
        "after": "After {}",
        "batches": "Progress by batch / box",
        "batch": "Batch",
        "location": "Archive location",
        "files_done": "Files done",
        "percent": "% pages",
        "monthly": "Work by month",
        "month": "Month",
        "daily": "Work by day",
        "day": "Day",
        "cumulative": "Cumulative pages",
        "quarantine": "Quarantined files",
        "paragraph": "Paragraph for the quarterly report",
        "all": "Total",
        "chart_status": "Results by procedure type and validity",
        "chart_years": "Results digitized by year of issue",
        "chart_daily": "Pages read per day",
        "chart_cumulative": "Campaign progress (cumulative)",
        "chart_batches": "Progress by batch (% of pages)",
        "generated": "Made by sohoa from the ledger",
        "none": "No data yet",
    },
}


@dataclass(frozen=True)
class Table:
    """One table of the report.

    Attributes:
        key: Stable identifier (sheet and element ids, CSV sections, tests).
        title: Translated title.
        columns: Translated column headers.
        rows: Body rows.
        total: The total row, if the table has one.
        numeric_from: Index of the first numeric column.
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None
    numeric_from: int = 1

    def all_rows(self) -> tuple[tuple[Cell, ...], ...]:
        """Body rows then the total row."""
        return self.rows + ((self.total,) if self.total else ())


def fmt_int(n: int, lang: str) -> str:
    """An integer with the thousands separator of the language (``1.234`` / ``1,234``)."""
    s = f"{n:,}"
    return s.replace(",", ".") if lang == "vi" else s


YearKey = int | str | None  # a campaign year, BEFORE, AFTER, or None (unknown)
BEFORE, AFTER = "before", "after"


def year_key(year: int | None) -> YearKey:
    """The column a year of issue falls in: 2008–2013 as is, earlier and later years grouped."""
    if year is None:
        return None
    if year < CAMPAIGN_YEARS[0]:
        return BEFORE
    if year > CAMPAIGN_YEARS[-1]:
        return AFTER
    return year


def bucket_years(by_year: dict[str, dict[int | None, int]]) -> dict[str, dict[YearKey, int]]:
    """Counts by type and year regrouped into the year columns of :func:`years_of`."""
    out: dict[str, dict[YearKey, int]] = {}
    for t, counts in by_year.items():
        row = out.setdefault(t, {})
        for y, n in counts.items():
            row[year_key(y)] = row.get(year_key(y), 0) + n
    return out


def years_of(by_year: dict[str, dict[int | None, int]]) -> list[YearKey]:
    """Columns of a type × year table: earlier years, 2008–2013, later years, unknown (when found)."""
    found = {year_key(y) for c in by_year.values() for y in c}
    return [*([BEFORE] if BEFORE in found else []), *CAMPAIGN_YEARS, *([AFTER] if AFTER in found else []),
            *([None] if None in found else [])]


def year_label(key: YearKey, lang: str, short: bool = False) -> str:
    """Header of a year column."""
    t = TEXTS[lang]
    if key is None:
        return t["year_unknown_short" if short else "year_unknown"]
    if key == BEFORE:
        return t["before"].format(CAMPAIGN_YEARS[0])
    if key == AFTER:
        return t["after"].format(CAMPAIGN_YEARS[-1])
    return str(key)


def monthly(daily: tuple[DayCount, ...]) -> list[tuple[str, int, int, int]]:
    """Daily counts summed by month: ``(YYYY-MM, pages done, pages failed, records)``."""
    months: dict[str, list[int]] = {}
    for d in daily:
        m = months.setdefault(d.day.strftime("%Y-%m"), [0, 0, 0])
        m[0] += d.pages_done
        m[1] += d.pages_failed
        m[2] += d.records
    return [(k, *v) for k, v in sorted(months.items())]  # type: ignore[misc]


def _summary(report: Report, t: dict[str, str]) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (t["files"], report.files_total),
        (t["files_quarantined"], report.files_quarantined),
        (t["pages_expected"], report.pages_expected),
        (t["pages"], report.pages_done),
        (t["pages_failed"], report.pages_failed),
        (t["pages_review"], report.pages_review),
        (t["records"], report.records_total),
        (t["review"], report.records_review),
        (t["valid"], report.valid_total),
        (t["expired"], report.expired_total),
        (t["revoked"], report.revoked_total),
        (t["unknown"], report.unknown_total),
    ]
    return Table("summary", t["summary"], (t["metric"], t["value"]), tuple(rows))


def _by_type(report: Report, t: dict[str, str]) -> Table:
    rows = tuple((c.label, c.total, c.valid, c.expired, c.revoked, c.unknown) for c in report.by_type)
    total = (t["all"], report.records_total, report.valid_total, report.expired_total, report.revoked_total,
             report.unknown_total)
    return Table("by_type", t["by_type"], (t["type"], t["total"], t["valid"], t["expired"], t["revoked"],
                                           t["unknown"]), rows, total)


def _type_year(key: str, title: str, by_year: dict[str, dict[int | None, int]], lang: str) -> Table:
    t = TEXTS[lang]
    labels = PROCEDURE_LABELS[lang]
    years = years_of(by_year)
    counts = bucket_years(by_year)
    rows = []
    for pt in ProcedureType:
        c = counts.get(pt.value, {})
        if c:
            rows.append((labels[pt], *(c.get(y, 0) for y in years), sum(c.values())))
    total = (t["all"], *(sum(c.get(y, 0) for c in counts.values()) for y in years),
             sum(sum(c.values()) for c in counts.values()))
    columns = (t["type"], *(year_label(y, lang) for y in years), t["all"])
    return Table(key, title, columns, tuple(rows), total)


def _batches(report: Report, t: dict[str, str]) -> Table:
    rows = tuple(
        (b.name, b.location or None, b.files, b.files_done, b.files_quarantined, b.pages_expected, b.pages,
         b.pages_failed, round(b.percent, 1), b.records, b.needs_review)
        for b in report.batches
    )
    columns = (t["batch"], t["location"], t["files"], t["files_done"], t["files_quarantined"], t["pages_expected"],
               t["pages"], t["pages_failed"], t["percent"], t["records"], t["review"])
    pct = 100.0 * report.pages_done / report.pages_expected if report.pages_expected else 0.0
    total = (t["all"], None, report.files_total, sum(b.files_done for b in report.batches),
             sum(b.files_quarantined for b in report.batches), report.pages_expected, report.pages_done,
             report.pages_failed, round(pct, 1), sum(b.records for b in report.batches),
             sum(b.needs_review for b in report.batches))
    return Table("batches", t["batches"], columns, rows, total, numeric_from=2)


def _monthly(report: Report, t: dict[str, str]) -> Table:
    rows = tuple(monthly(report.daily))
    total = (t["all"], *(sum(r[i] for r in rows) for i in (1, 2, 3)))
    return Table("monthly", t["monthly"], (t["month"], t["pages"], t["pages_failed"], t["records"]), rows, total)


def _daily(report: Report, t: dict[str, str]) -> Table:
    rows = []
    cumulative = 0
    for d in report.daily:
        cumulative += d.pages_done
        rows.append((d.day.isoformat(), d.pages_done, d.pages_failed, d.records, cumulative))
    return Table("daily", t["daily"], (t["day"], t["pages"], t["pages_failed"], t["records"], t["cumulative"]),
                 tuple(rows))


def report_tables(report: Report, lang: str, *, compact: bool = False) -> list[Table]:
    """Every table of the report, in reading order.

    Args:
        report: The numbers.
        lang: ``vi`` or ``en``.
        compact: Leave out the day-by-day table (markdown, text and PDF show
            months and a chart instead).
    """
    t = TEXTS[lang]
    tables = [
        _summary(report, t),
        _by_type(report, t),
        _type_year("by_type_year", t["by_year"], report.by_type_year, lang),
        _type_year("valid_by_type_year", t["valid_by_year"], report.valid_by_type_year, lang),
        _batches(report, t),
        _monthly(report, t),
    ]
    if not compact:
        tables.append(_daily(report, t))
    return tables


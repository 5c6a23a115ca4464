"""Progress and counts of still-valid results, from the ledger, for any date.

:func:`build_report` computes plain numbers (a :class:`Report`); renderers
turn them into text or markdown in Vietnamese or English. Tests compare the
numbers, never the strings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from pipeline.domain import PROCEDURE_LABELS, ProcedureType, ValidityStatus
from pipeline.ledger import Ledger
from pipeline.validity import status_on

__all__ = ["TypeCounts", "BatchProgress", "Report", "build_report", "render_text", "render_markdown",
           "quarterly_paragraph", "FORMATS"]

FORMATS = ("text", "md")


@dataclass(frozen=True)
class TypeCounts:
    """Records of one procedure type issued on or before the report date."""

    type: ProcedureType
    label: str
    total: int
    valid: int
    expired: int
    revoked: int
    unknown: int


@dataclass(frozen=True)
class BatchProgress:
    """How far one batch (box) has come."""

    name: str
    location: str
    files: int
    files_done: int
    files_quarantined: int
    pages: int
    pages_failed: int
    records: int
    needs_review: int


@dataclass(frozen=True)
class Report:
    """Every number of the report."""

    as_of: dt.date
    lang: str
    by_type: tuple[TypeCounts, ...]
    by_type_year: dict[str, dict[int | None, int]]
    batches: tuple[BatchProgress, ...]
    files_total: int
    files_quarantined: int
    pages_done: int
    pages_failed: int
    records_total: int
    records_review: int
    quarantine: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def valid_total(self) -> int:
        """Still-valid results on the report date, all types."""
        return sum(t.valid for t in self.by_type)


_TEXTS = {
    "vi": {
        "title": "BÁO CÁO SỐ HÓA KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "as_of": "Tính đến ngày",
        "progress": "Tiến độ số hóa",
        "files": "Tệp đã quét",
        "quarantined": "tệp bị cách ly",
        "pages": "Trang đã nhận dạng",
        "failed": "trang lỗi",
        "records": "Hồ sơ (kết quả TTHC) đã số hóa",
        "review": "cần rà soát",
        "by_type": "Số kết quả theo loại thủ tục",
        "type": "Loại thủ tục",
        "total": "Đã số hóa",
        "valid": "Còn hiệu lực",
        "expired": "Hết hiệu lực",
        "revoked": "Đã thu hồi",
        "unknown": "Chưa rõ",
        "by_year": "Số kết quả theo loại và năm ban hành",
        "year_unknown": "không rõ năm",
        "batches": "Tiến độ theo lô / hộp",
        "batch": "Lô",
        "location": "Vị trí lưu trữ",
        "quarantine": "Tệp bị cách ly",
        "paragraph": "Đoạn trích cho báo cáo quý",
        "all": "Tổng",
    },
    "en": {
        "title": "DIGITIZATION REPORT OF ADMINISTRATIVE PROCEDURE RESULTS",
        "as_of": "As of",
        "progress": "Digitization progress",
        "files": "Files scanned",
        "quarantined": "files quarantined",
        "pages": "Pages read",
        "failed": "pages failed",
        "records": "Records (procedure results) digitized",
        "review": "need review",
        "by_type": "Results by procedure type",
        "type": "Procedure type",
        "total": "Digitized",
        "valid": "Still valid",
        "expired": "Expired",
        "revoked": "Revoked",
        "unknown": "Unknown",
        "by_year": "Results by type and year of issue",
        "year_unknown": "year unknown",
        "batches": "Progress by batch / box",
        "batch": "Batch",
        "location": "Archive location",
        "quarantine": "Quarantined files",
        "paragraph": "Paragraph for the quarterly report",
        "all": "Total",
    },
}


def build_report(ledger: Ledger, as_of: dt.date, lang: str = "vi", batch: str | None = None) -> Report:
    """Compute every count of the report from the ledger.

    Args:
        ledger: The source of truth.
        as_of: Records issued after this date are left out; status is on this date.
        lang: ``vi`` or ``en`` for the labels.
        batch: Only this batch, when given.
    """
    labels = PROCEDURE_LABELS[lang]
    bfilter = " AND b.name = :batch" if batch else ""
    params: dict[str, object] = {"batch": batch, "on": as_of.isoformat()}
    rows = ledger.query(
        "SELECT r.type, r.issue_date, r.valid_until, r.revoked_on, r.needs_review FROM records r "
        "JOIN batches b ON b.id = r.batch_id WHERE (r.issue_date IS NULL OR r.issue_date <= :on)" + bfilter,
        params,
    )
    status: Counter[tuple[str, str]] = Counter()
    by_year: dict[str, Counter[int | None]] = {}
    review = 0
    for t, issued, until, revoked, needs_review in rows:
        issued_d = dt.date.fromisoformat(issued) if issued else None
        st = status_on(
            ProcedureType(t), issued_d, dt.date.fromisoformat(until) if until else None, as_of,
            dt.date.fromisoformat(revoked) if revoked else None,
        )
        status[(t, st.value)] += 1
        by_year.setdefault(t, Counter())[issued_d.year if issued_d else None] += 1
        review += int(needs_review)
    by_type = tuple(
        TypeCounts(
            type=pt, label=labels[pt],
            total=sum(status[(pt.value, s.value)] for s in ValidityStatus),
            valid=status[(pt.value, "valid")], expired=status[(pt.value, "expired")],
            revoked=status[(pt.value, "revoked")], unknown=status[(pt.value, "unknown")],
        )
        for pt in ProcedureType
    )
    batches = tuple(
        BatchProgress(
            name=r["name"], location=" / ".join(x for x in (r["fonds"], r["box"], r["file_code"]) if x),
            files=r["files"] or 0, files_done=r["done"] or 0, files_quarantined=r["quarantined"] or 0,
            pages=r["pages"] or 0, pages_failed=r["pages_failed"] or 0, records=r["records"] or 0,
            needs_review=r["review"] or 0,
        )
        for r in ledger.query(
            "SELECT b.name, b.fonds, b.box, b.file_code, "
            "(SELECT count(*) FROM files f WHERE f.batch_id=b.id) AS files, "
            "(SELECT count(*) FROM files f WHERE f.batch_id=b.id AND f.status='done') AS done, "
            "(SELECT count(*) FROM quarantine q WHERE q.batch_id=b.id) AS quarantined, "
            "(SELECT count(*) FROM pages p JOIN files f ON f.id=p.file_id WHERE f.batch_id=b.id "
            "  AND p.status='done') AS pages, "
            "(SELECT count(*) FROM pages p JOIN files f ON f.id=p.file_id WHERE f.batch_id=b.id "
            "  AND p.status='failed') AS pages_failed, "
            "(SELECT count(*) FROM records r WHERE r.batch_id=b.id) AS records, "
            "(SELECT count(*) FROM records r WHERE r.batch_id=b.id AND r.needs_review=1) AS review "
            "FROM batches b WHERE 1=1" + bfilter + " ORDER BY b.name",
            params,
        )
    )
    quarantine = tuple(
        (r[0], r[1]) for r in ledger.query(
            "SELECT q.path, q.reason FROM quarantine q JOIN batches b ON b.id=q.batch_id WHERE 1=1"
            + bfilter + " ORDER BY q.path", params)
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
        records_total=len(rows),
        records_review=review,
        quarantine=quarantine,
    )


def quarterly_paragraph(report: Report, lang: str | None = None) -> str:
    """The sentence the office pastes into its quarterly report."""
    lang = lang or report.lang
    labels = PROCEDURE_LABELS[lang]
    parts = [(labels[t.type], t.valid) for t in report.by_type if t.valid and t.type is not ProcedureType.KHAC]
    date = report.as_of.strftime("%d/%m/%Y")
    if lang == "vi":
        head = (f"Tính tới thời điểm báo cáo (ngày {date}) có tổng số thủ tục còn hiệu lực "
                f"đã số hoá kiểm đếm là {report.valid_total}")
        if not parts:
            return head + "."
        first, *rest = parts
        items = [f"Thủ tục {first[0][0].lower() + first[0][1:]} là: {first[1]:02d}"]
        items += [f"{label}: {n:02d}" for label, n in rest]
        return head + ", trong đó: " + "; ".join(items) + "."
    head = f"As of {report.as_of.isoformat()}, the digitized procedure results still valid number {report.valid_total}"
    if not parts:
        return head + "."
    return head + ", of which: " + "; ".join(f"{label}: {n}" for label, n in parts) + "."


def _years(report: Report) -> list[int | None]:
    years = {y for c in report.by_type_year.values() for y in c}
    return sorted((y for y in years if y is not None)) + ([None] if None in years else [])


def render_markdown(report: Report, lang: str | None = None) -> str:
    """The report as markdown tables."""
    lang = lang or report.lang
    t = _TEXTS[lang]
    out = [f"# {t['title']}", "", f"**{t['as_of']}:** {report.as_of.isoformat()}", "", f"## {t['progress']}", ""]
    out += [
        f"- {t['files']}: {report.files_total} ({report.files_quarantined} {t['quarantined']})",
        f"- {t['pages']}: {report.pages_done} ({report.pages_failed} {t['failed']})",
        f"- {t['records']}: {report.records_total} ({report.records_review} {t['review']})",
        "",
        f"## {t['by_type']}",
        "",
        f"| {t['type']} | {t['total']} | {t['valid']} | {t['expired']} | {t['revoked']} | {t['unknown']} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in report.by_type:
        out.append(f"| {c.label} | {c.total} | {c.valid} | {c.expired} | {c.revoked} | {c.unknown} |")
    out.append(
        f"| **{t['all']}** | {sum(c.total for c in report.by_type)} | {report.valid_total} | "
        f"{sum(c.expired for c in report.by_type)} | {sum(c.revoked for c in report.by_type)} | "
        f"{sum(c.unknown for c in report.by_type)} |"
    )
    years = _years(report)
    labels = PROCEDURE_LABELS[lang]
    out += ["", f"## {t['by_year']}", ""]
    out.append(f"| {t['type']} | " + " | ".join(str(y) if y else t["year_unknown"] for y in years) + f" | {t['all']} |")
    out.append("|---|" + "---:|" * (len(years) + 1))
    for pt in ProcedureType:
        counts = report.by_type_year.get(pt.value, {})
        if counts:
            out.append(f"| {labels[pt]} | " + " | ".join(str(counts.get(y, 0)) for y in years)
                       + f" | {sum(counts.values())} |")
    out += ["", f"## {t['batches']}", "",
            f"| {t['batch']} | {t['location']} | {t['files']} | {t['pages']} | {t['records']} | {t['review']} |",
            "|---|---|---:|---:|---:|---:|"]
    for b in report.batches:
        out.append(f"| {b.name} | {b.location or '—'} | {b.files} | {b.pages} | {b.records} | {b.needs_review} |")
    if report.quarantine:
        out += ["", f"## {t['quarantine']}", ""]
        out += [f"- `{path}`: {reason}" for path, reason in report.quarantine]
    out += ["", f"## {t['paragraph']}", "", quarterly_paragraph(report, lang), ""]
    return "\n".join(out)


def render_text(report: Report, lang: str | None = None) -> str:
    """The report as plain text for a terminal."""
    lang = lang or report.lang
    t = _TEXTS[lang]
    width = max(len(c.label) for c in report.by_type) + 2
    out = [t["title"], f"{t['as_of']}: {report.as_of.isoformat()}", ""]
    out += [
        f"{t['files']}: {report.files_total} ({report.files_quarantined} {t['quarantined']})",
        f"{t['pages']}: {report.pages_done} ({report.pages_failed} {t['failed']})",
        f"{t['records']}: {report.records_total} ({report.records_review} {t['review']})",
        "",
        f"{t['type']:<{width}}{t['total']:>12}{t['valid']:>14}{t['expired']:>14}{t['revoked']:>12}{t['unknown']:>10}",
    ]
    for c in report.by_type:
        out.append(f"{c.label:<{width}}{c.total:>12}{c.valid:>14}{c.expired:>14}{c.revoked:>12}{c.unknown:>10}")
    out.append(f"{t['all']:<{width}}{sum(c.total for c in report.by_type):>12}{report.valid_total:>14}")
    if report.quarantine:
        out += ["", t["quarantine"] + ":"]
        out += [f"  {path}: {reason}" for path, reason in report.quarantine]
    out += ["", quarterly_paragraph(report, lang)]
    return "\n".join(out)

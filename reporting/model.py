"""The quarterly report as data: counts by type, year and batch, and the paragraph the office pastes.

Built by :func:`reporting.report.build_report` from the ledger; every renderer (text, Markdown,
CSV, Excel, HTML, PDF) reads this model, so they sit above it and never import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.domain import PROCEDURE_LABELS, ProcedureType, ValidityStatus

__all__ = ["QUARTERLY_TYPES", "TypeCounts", "BatchProgress", "DayCount", "Report", "quarterly_paragraph"]


#: The types the office lists in every quarterly paragraph, even at zero.
QUARTERLY_TYPES = (
    ProcedureType.XAC_MINH_VAN_BANG,
    ProcedureType.KIEM_DINH_CHAT_LUONG,
    ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA,
)


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
    pages_expected: int = 0

    @property
    def percent(self) -> float:
        """Pages read of the pages its files have, in percent (0 when unknown)."""
        return 100.0 * self.pages / self.pages_expected if self.pages_expected else 0.0


@dataclass(frozen=True)
class DayCount:
    """Work done on one day: pages read, pages failed, records written."""

    day: dt.date
    pages_done: int
    pages_failed: int
    records: int


@dataclass(frozen=True)
class Report:
    """Every number of the report.

    ``cube`` holds the records counted, by ``(type code, year of issue or
    None, status)``; every other record count derives from it.
    """

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
    cube: dict[tuple[str, int | None, str], int] = field(default_factory=dict)
    pages_review: int = 0
    pages_expected: int = 0
    daily: tuple[DayCount, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    batch: str | None = None

    @property
    def valid_total(self) -> int:
        """Still-valid results on the report date, all types."""
        return sum(t.valid for t in self.by_type)

    @property
    def expired_total(self) -> int:
        """Expired results on the report date, all types."""
        return sum(t.expired for t in self.by_type)

    @property
    def revoked_total(self) -> int:
        """Revoked results on the report date, all types."""
        return sum(t.revoked for t in self.by_type)

    @property
    def unknown_total(self) -> int:
        """Results whose status is unknown, all types."""
        return sum(t.unknown for t in self.by_type)

    @property
    def valid_by_type_year(self) -> dict[str, dict[int | None, int]]:
        """Still-valid results by type and year of issue."""
        out: dict[str, dict[int | None, int]] = {}
        for (t, year, st), n in self.cube.items():
            if st == ValidityStatus.VALID.value:
                out.setdefault(t, {})
                out[t][year] = out[t].get(year, 0) + n
        return out

    @property
    def has_period(self) -> bool:
        """Whether the report is restricted to work done in a period."""
        return self.date_from is not None or self.date_to is not None



def _vi_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def quarterly_paragraph(report: Report, lang: str | None = None) -> str:
    """The sentence the office pastes into its quarterly report.

    The three types the office always reports (:data:`QUARTERLY_TYPES`) are
    listed even at zero, other types only when they have still-valid results;
    counts are written with two digits as in the office's reports (``01``).
    With a period, the sentence speaks of the results digitized in it.
    """
    lang = lang or report.lang
    labels = PROCEDURE_LABELS[lang]
    parts = [(labels[t.type], t.valid) for t in report.by_type
             if t.type in QUARTERLY_TYPES or (t.valid and t.type is not ProcedureType.KHAC)]
    if lang == "vi":
        if report.has_period:
            start = _vi_date(report.date_from) if report.date_from else "khi bắt đầu"
            end = _vi_date(report.date_to) if report.date_to else _vi_date(report.as_of)
            head = (f"Trong kỳ báo cáo (từ ngày {start} đến ngày {end}), số thủ tục còn hiệu lực "
                    f"(tính đến ngày {_vi_date(report.as_of)}) đã số hoá kiểm đếm là {report.valid_total}")
        else:
            head = (f"Tính tới thời điểm báo cáo (ngày {_vi_date(report.as_of)}) có tổng số thủ tục còn hiệu lực "
                    f"đã số hoá kiểm đếm là {report.valid_total}")
        first, *rest = parts
        items = [f"Thủ tục {first[0][0].lower() + first[0][1:]} là: {first[1]:02d}"]
        items += [f"{label}: {n:02d}" for label, n in rest]
        return head + ", trong đó: " + "; ".join(items) + "."
    if report.has_period:
        start = report.date_from.isoformat() if report.date_from else "the start"
        end = (report.date_to or report.as_of).isoformat()
        head = (f"From {start} to {end}, the procedure results digitized and still valid on "
                f"{report.as_of.isoformat()} number {report.valid_total}")
    else:
        head = (f"As of {report.as_of.isoformat()}, the digitized procedure results still valid "
                f"number {report.valid_total}")
    return head + ", of which: " + "; ".join(f"{label}: {n}" for label, n in parts) + "."

"""The archive's own terms: procedure types, records and their validity.

Everything here is plain data (dataclasses and enums) so that every stage,
the ledger, the indexes and the flows share one vocabulary without importing
each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import Enum

__all__ = [
    "DOUBT_CONF",
    "REVIEW_CONFIDENCE",
    "ProcedureType",
    "ValidityStatus",
    "PROCEDURE_LABELS",
    "RecordFields",
    "ClassifiedRecord",
    "HandField",
]


#: A word read below this Tesseract confidence is doubtful: a number, date or name built from it sends
#: the record to review instead of being trusted (``pipeline.records``), and a header line whose digits
#: are read so is read again (``ocr.reread``).
DOUBT_CONF = 60.0
#: Below this classification confidence a record needs a human look (``pipeline.classify``,
#: ``pipeline.records``).
REVIEW_CONFIDENCE = 0.5


class ProcedureType(str, Enum):
    """Procedure codes; the string values are part of the CLI/JSON contract."""

    XAC_MINH_VAN_BANG = "xac_minh_van_bang"
    KIEM_DINH_CHAT_LUONG = "kiem_dinh_chat_luong"
    CONG_NHAN_CHUAN_QUOC_GIA = "cong_nhan_chuan_quoc_gia"
    CAP_BAN_SAO_VAN_BANG = "cap_ban_sao_van_bang"
    CHINH_SUA_VAN_BANG = "chinh_sua_van_bang"
    CONG_NHAN_VAN_BANG_NUOC_NGOAI = "cong_nhan_van_bang_nuoc_ngoai"
    KHAC = "khac"


class ValidityStatus(str, Enum):
    """Status of a result on a given date."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


#: Labels per language, used by reports and the CLI.
PROCEDURE_LABELS: dict[str, dict[ProcedureType, str]] = {
    "vi": {
        ProcedureType.XAC_MINH_VAN_BANG: "Xác minh văn bằng, chứng chỉ",
        ProcedureType.KIEM_DINH_CHAT_LUONG: (
            "Cấp giấy chứng nhận kiểm định chất lượng giáo dục"
        ),
        ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA: (
            "Công nhận trường đạt chuẩn Quốc gia"
        ),
        ProcedureType.CAP_BAN_SAO_VAN_BANG: "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        ProcedureType.CHINH_SUA_VAN_BANG: "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI: (
            "Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp"
        ),
        ProcedureType.KHAC: "Khác",
    },
    "en": {
        ProcedureType.XAC_MINH_VAN_BANG: "Verification of diplomas and certificates",
        ProcedureType.KIEM_DINH_CHAT_LUONG: "Education quality accreditation certificate",
        ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA: "Recognition of a school meeting the national standard",
        ProcedureType.CAP_BAN_SAO_VAN_BANG: "Certified copy of a diploma from the master register",
        ProcedureType.CHINH_SUA_VAN_BANG: "Correction of a diploma or certificate",
        ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI: "Recognition of a foreign diploma",
        ProcedureType.KHAC: "Other",
    },
}


@dataclass(frozen=True)
class RecordFields:
    """Fields extracted from the text of one record (any may be missing)."""

    number: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    subject: str | None = None
    title: str | None = None
    validity_years: int | None = None
    #: What was read of an incomplete date ("2025-02": the day unreadable; "2025"): ``date`` is then ``None``.
    period: str | None = None


@dataclass(frozen=True)
class HandField:
    """A field of the header written by hand (the number, the day, the month), as the digit reader read it.

    ``box`` is ``(top, bottom, left, right)`` on the restored page; ``sure``
    says the reader's confidence passed its calibrated threshold (the value
    may then skip review); ``written`` whether the slot holds handwriting.
    """

    kind: str  # "number", "day" or "month"
    digits: str
    confidence: float  # the product of the digits' probabilities, 0–1
    box: tuple[int, int, int, int]
    probabilities: tuple[float, ...] = ()
    sure: bool = False
    #: Written by hand (its digits taller than the page's typed ones), typed (``False``: the reader is
    #: not for it), or ``None`` when the page has no typed digits to tell by.
    written: bool | None = None

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "digits": self.digits, "confidence": round(self.confidence, 4),
                "box": list(self.box), "probabilities": [round(p, 4) for p in self.probabilities],
                "sure": self.sure, "written": self.written}

    @staticmethod
    def from_json(data: dict[str, object]) -> HandField:
        top, bottom, left, right = (int(v) for v in data["box"])  # type: ignore[union-attr]
        return HandField(str(data["kind"]), str(data["digits"]), float(data["confidence"]),  # type: ignore[arg-type]
                         (top, bottom, left, right),
                         tuple(float(p) for p in data.get("probabilities", ())),  # type: ignore[union-attr]
                         bool(data.get("sure", False)),
                         None if data.get("written") is None else bool(data.get("written")))


@dataclass(frozen=True)
class ClassifiedRecord:
    """One record found in a file: its pages, type, fields and validity.

    ``pages`` are 1-based page numbers inside the source file.
    """

    pages: tuple[int, ...]
    type: ProcedureType
    confidence: float
    reasons: tuple[str, ...]
    fields: RecordFields = field(default_factory=RecordFields)
    valid_until: dt.date | None = None
    status: ValidityStatus = ValidityStatus.UNKNOWN
    needs_review: bool = False
    #: Field name -> the value as read, for each field that holds a proposal of the profile
    #: (a symbol snapped to the issuer's, a school's or issuer's spelling): the page shows both.
    read: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The record as the JSON object of the CLI contract."""
        f = asdict(self.fields)
        return {
            "type": self.type.value,
            "number": f["number"],
            "date": self.fields.date.isoformat() if self.fields.date else None,
            "period": f["period"],
            "issuer": f["issuer"],
            "subject": f["subject"],
            "title": f["title"],
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "status": self.status.value,
            "confidence": round(self.confidence, 3),
            "reasons": list(self.reasons),
            "needs_review": self.needs_review,
            "read": dict(self.read),
            "pages": list(self.pages),
        }

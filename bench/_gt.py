"""Compare records in a ledger with a samples ground truth (shared by benchmarks and tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.folding import fold
from pipeline.ledger import RecordRow

__all__ = ["RecordScore", "score_records"]


@dataclass
class RecordScore:
    """Field accuracy over ground-truth records, and segmentation per file."""

    records: int = 0
    found: int = 0
    type_ok: int = 0
    number_ok: int = 0
    date_ok: int = 0
    subject_ok: int = 0
    issuer_ok: int = 0
    extra: int = 0
    misses: list[str] = field(default_factory=list)

    def pct(self, n: int) -> float:
        """Share of ground-truth records, in percent."""
        return 100.0 * n / max(self.records, 1)


def _norm(value: str | None) -> str:
    return fold(value or "").replace(" ", "")


def score_records(truth: dict, root: Path, rows: list[RecordRow]) -> RecordScore:
    """Match ledger records to ground-truth records by file and first page.

    Args:
        truth: A parsed ``ground_truth.json``.
        root: The folder the truth's relative paths start from.
        rows: Records from the ledger.
    """
    by_key = {(Path(r.path).resolve(), r.pages): r for r in rows}
    score = RecordScore(records=len(truth["records"]))
    matched = set()
    for gt in truth["records"]:
        key = ((root / gt["file"]).resolve(), tuple(gt["pages"]))
        rec = by_key.get(key)
        if rec is None:
            score.misses.append(f"{gt['file']} pages {gt['pages']}: not segmented as one record")
            continue
        matched.add(key)
        score.found += 1
        checks = {
            "type": rec.type == gt["type"],
            "number": (rec.number or "") == gt["number"],
            "date": rec.issue_date == dt.date.fromisoformat(gt["date"]),
            "subject": _norm(rec.subject) == _norm(gt["subject"]),
            "issuer": _norm(rec.issuer) == _norm(gt["issuer"]),
        }
        score.type_ok += checks["type"]
        score.number_ok += checks["number"]
        score.date_ok += checks["date"]
        score.subject_ok += checks["subject"]
        score.issuer_ok += checks["issuer"]
        for name, ok in checks.items():
            if not ok:
                got = {"type": rec.type, "number": rec.number, "date": rec.issue_date, "subject": rec.subject,
                       "issuer": rec.issuer}[name]
                score.misses.append(f"{gt['file']} {gt['pages']} {name}: expected {gt[name]!r}, got {got!r}")
    score.extra = len(set(by_key) - matched)
    return score

"""Compare predicted records with a samples ground truth (shared by benchmarks and tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.folding import fold
from ledger.rows import RecordRow
from pipeline.records import flagged_fields

__all__ = ["FIELDS", "Predicted", "RecordScore", "from_rows", "score", "score_records"]

#: Fields compared per matched record.
FIELDS = ("type", "number", "date", "subject", "issuer")


@dataclass(frozen=True)
class Predicted:
    """One record as a stage produced it, in the terms of the ground truth."""

    path: Path
    pages: tuple[int, ...]
    type: str
    number: str | None
    date: dt.date | None
    subject: str | None
    issuer: str | None
    #: The record's review reasons (none for a stage that gives none): a wrong field they name is flagged.
    reasons: tuple[str, ...] = ()


@dataclass
class RecordScore:
    """Field accuracy over ground-truth records, and segmentation per file.

    A field counts as right only when the record was segmented right (same
    file, same pages) and the value is exactly the truth (subject and issuer
    compared folded, without spaces; the issuer without an abbreviation's dot).
    """

    records: int = 0
    found: int = 0
    type_ok: int = 0
    number_ok: int = 0
    date_ok: int = 0
    subject_ok: int = 0
    issuer_ok: int = 0
    extra: int = 0
    #: Fields filled in but wrong (a missing value is not counted here: it
    #: sends the record to review instead of misleading a clerk).
    wrong: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    #: Fields wrong or missing that no review reason names: the failures that mislead a clerk.
    silent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    stacked_files: int = 0
    stacked_files_ok: int = 0
    misses: list[str] = field(default_factory=list)

    def pct(self, n: int) -> float:
        """Share of ground-truth records, in percent."""
        return 100.0 * n / max(self.records, 1)


def _norm(value: str | None) -> str:
    return fold(value or "").replace(" ", "")


def _norm_issuer(value: str | None) -> str:
    """An issuer compared without the dot of an abbreviation ("UBND TP. HẢI PHÒNG" is "UBND TP HẢI PHÒNG")."""
    return _norm(value).replace(".", "")


def from_rows(rows: Iterable[RecordRow]) -> list[Predicted]:
    """Ledger records as predictions."""
    return [Predicted(Path(r.path), tuple(r.pages), r.type, r.number, r.issue_date, r.subject, r.issuer,
                      tuple(r.reasons)) for r in rows]


def score(truth: dict, root: Path, preds: Iterable[Predicted], level: str | None = None) -> RecordScore:
    """Match predictions to ground-truth records by file and exact page set.

    Args:
        truth: A parsed ``ground_truth.json``.
        root: The folder the truth's relative paths start from.
        preds: Predicted records (paths absolute or relative to the cwd).
        level: Only score ground-truth records of this damage level.
    """
    by_key = {(p.path.resolve(), p.pages): p for p in preds}
    gts = [g for g in truth["records"] if level is None or g.get("damage") == level]
    res = RecordScore(records=len(gts))
    matched = set()
    per_file: dict[Path, list[bool]] = {}
    for gt in gts:
        path = (root / gt["file"]).resolve()
        key = (path, tuple(gt["pages"]))
        rec = by_key.get(key)
        per_file.setdefault(path, []).append(rec is not None)
        if rec is None:
            res.misses.append(f"{gt['file']} pages {gt['pages']}: not segmented as one record")
            continue
        matched.add(key)
        res.found += 1
        got = {"type": rec.type, "number": rec.number, "date": rec.date, "subject": rec.subject,
               "issuer": rec.issuer}
        checks = {
            "type": rec.type == gt["type"],
            "number": (rec.number or "") == gt["number"],
            "date": rec.date == dt.date.fromisoformat(gt["date"]),
            "subject": _norm(rec.subject) == _norm(gt["subject"]),
            "issuer": _norm_issuer(rec.issuer) == _norm_issuer(gt["issuer"]),
        }
        flagged = flagged_fields(rec.reasons)
        for name, ok in checks.items():
            setattr(res, f"{name}_ok", getattr(res, f"{name}_ok") + ok)
            if not ok and got[name] is not None:
                res.wrong[name] += 1
            if not ok and name not in flagged:
                res.silent[name] += 1
            if not ok:
                mark = "flagged" if name in flagged else "SILENT"
                res.misses.append(f"{gt['file']} {gt['pages']} {name} ({mark}): expected {gt[name]!r}, "
                                  f"got {got[name]!r}")
    files = set(per_file)
    res.extra = sum(1 for k in by_key if k[0] in files and k not in matched)
    for path, oks in per_file.items():
        if len(oks) > 1:
            extra_here = sum(1 for k in by_key if k[0] == path and k not in matched)
            res.stacked_files += 1
            res.stacked_files_ok += all(oks) and not extra_here
    return res


def score_records(truth: dict, root: Path, rows: list[RecordRow]) -> RecordScore:
    """Score ledger records against a ground truth (see :func:`score`)."""
    return score(truth, root, from_rows(rows))

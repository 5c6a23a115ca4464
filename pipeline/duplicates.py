"""The same paper scanned twice: recognise duplicate records, keep one, link the rest.

A re-scan has another file hash (other scanner settings, another crop), so
the ledger sees a new file. Its record is recognised from its key fields —
type, number, date, subject — and the similarity of the texts: two
verification replies share most of their template, so text alone is not
enough, and OCR may damage one field, so fields alone are not enough either.

Rules (all on folded text):

* candidates share at least one blocking key: the number's digits, or the
  (date, subject) pair;
* a field *agrees* when both sides have it and it is equal (numbers: at most
  one edit apart; subjects: fuzzy ratio ≥ 90), *conflicts* when both have it
  and it differs; a number read as digits alone that begin the other's (a
  damaged scan's "389" for "389/GDĐT-KT") does neither, nor does a subject
  whose words begin the other's (a name cut short: "Nguyễn Minh");
* a pair is a duplicate when the types do not conflict, no field conflicts,
  and the three fields agree and the texts are ≥ :data:`ALL_FIELDS_SIMILARITY`
  similar, or two agree and the texts are ≥ :data:`TEXT_SIMILARITY`, or one
  agrees and the texts are ≥ :data:`HIGH_SIMILARITY`.

Of each group of duplicates the record with the fewest doubts is kept
(not flagged for review, highest confidence, most fields, earliest key);
every other one is linked to it. :func:`find_duplicates` is pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold

__all__ = [
    "DuplicateLink",
    "ALL_FIELDS_SIMILARITY",
    "HIGH_SIMILARITY",
    "RecordLike",
    "TEXT_SIMILARITY",
    "compare",
    "find_duplicates",
]

#: Text similarity (0–100) that, with two agreeing fields, makes a duplicate.
TEXT_SIMILARITY = 80.0
#: Text similarity that, with one agreeing field, makes a duplicate.
HIGH_SIMILARITY = 92.0
#: Text similarity that, with all three key fields agreeing, makes a duplicate: a number is unique
#: to its issuer and year, so the texts of two heavily damaged scans of one paper need agree less.
ALL_FIELDS_SIMILARITY = 60.0
#: Characters of each text compared (the header and first paragraphs).
_TEXT_CHARS = 4000


class RecordLike(Protocol):
    """What duplicate detection reads from a record."""

    key: str
    type: str
    number: str | None
    issue_date: dt.date | None
    subject: str | None
    confidence: float
    needs_review: bool
    text: str


@dataclass(frozen=True)
class DuplicateLink:
    """A record found to be a copy of another.

    Attributes:
        duplicate: Key of the record to hide from counts.
        keep: Key of the record kept.
        similarity: Text similarity 0–100.
        reason: Human-readable explanation.
    """

    duplicate: str
    keep: str
    similarity: float
    reason: str


def _digits(number: str | None) -> str | None:
    if not number:
        return None
    m = re.match(r"\s*(\d+)", number)
    return m.group(1) if m else None


def _part_of(na: str, nb: str) -> bool:
    """Whether one of two folded numbers is digits alone that begin, or are begun by, the other's digits.

    A damaged scan reads its number in part: "389" for "389/GDĐT-KT&KĐCLGD", "202910" for
    "202/QĐ-SGDĐT" (the symbol read as digits). Such a number is not evidence of another paper;
    nor, agreeing with nothing, of the same one.
    """
    for bare, whole in ((na, nb), (nb, na)):
        lead = _digits(whole)
        if bare.isdigit() and lead and (bare.startswith(lead) or lead.startswith(bare)):
            return True
    return False


def _text(rec: RecordLike) -> str:
    return fold(rec.text[:_TEXT_CHARS])


def compare(a: RecordLike, b: RecordLike) -> tuple[bool, float, str]:
    """Decide whether two records are the same paper.

    Args:
        a: A record.
        b: Another record.

    Returns:
        ``(is_duplicate, text_similarity, reason)``.
    """
    if a.type != b.type and "khac" not in (a.type, b.type):
        return False, 0.0, f"types differ ({a.type} / {b.type})"
    agree, conflict = [], []
    if a.number and b.number:
        na, nb = fold(a.number).replace(" ", ""), fold(b.number).replace(" ", "")
        if Levenshtein.distance(na, nb) <= 1:
            agree.append("number")
        elif not _part_of(na, nb):
            conflict.append("number")
    if a.issue_date and b.issue_date:
        (agree if a.issue_date == b.issue_date else conflict).append("date")
    if a.subject and b.subject:
        sa, sb = fold(a.subject), fold(b.subject)
        if fuzz.ratio(sa, sb) >= 90:
            agree.append("subject")
        elif not (sa.startswith(sb + " ") or sb.startswith(sa + " ")):
            conflict.append("subject")
    if conflict:
        return False, 0.0, f"{', '.join(conflict)} differ"
    if not agree:
        return False, 0.0, "no key field to compare"
    sim = fuzz.ratio(_text(a), _text(b))
    needed = ALL_FIELDS_SIMILARITY if len(agree) >= 3 else TEXT_SIMILARITY if len(agree) == 2 else HIGH_SIMILARITY
    ok = sim >= needed
    why = f"same {', '.join(agree)}; text {sim:.0f}% similar ({'≥' if ok else '<'} {needed:.0f}%)"
    return ok, sim, why


def _rank(rec: RecordLike) -> tuple:
    filled = sum(v is not None for v in (rec.number, rec.issue_date, rec.subject))
    return (rec.needs_review, -rec.confidence, -filled, rec.key)


def find_duplicates(records: Iterable[RecordLike]) -> list[DuplicateLink]:
    """Find records that are copies of another record.

    Args:
        records: Records to compare (e.g. every record of the ledger).

    Returns:
        One link per duplicate record, pointing at the record kept; records
        that are no one's duplicate are not listed.
    """
    recs = {r.key: r for r in records}
    blocks: dict[tuple, list[str]] = {}
    for r in recs.values():
        digits = _digits(r.number)
        if digits:
            blocks.setdefault(("n", digits), []).append(r.key)
        if r.issue_date and r.subject:
            blocks.setdefault(("ds", r.issue_date, fold(r.subject)), []).append(r.key)
    parent = {k: k for k in recs}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    evidence: dict[tuple[str, str], tuple[float, str]] = {}
    seen: set[tuple[str, str]] = set()
    for keys in blocks.values():
        for i, ka in enumerate(keys):
            for kb in keys[i + 1:]:
                pair = (min(ka, kb), max(ka, kb))
                if pair in seen:
                    continue
                seen.add(pair)
                ok, sim, why = compare(recs[ka], recs[kb])
                if ok:
                    evidence[pair] = (sim, why)
                    parent[root(ka)] = root(kb)
    groups: dict[str, list[str]] = {}
    for k in recs:
        groups.setdefault(root(k), []).append(k)
    links = []
    for members in groups.values():
        if len(members) < 2:
            continue
        keep = min(members, key=lambda k: _rank(recs[k]))
        for k in sorted(members):
            if k == keep:
                continue
            sim, why = evidence.get((min(k, keep), max(k, keep)), (0.0, "same paper as another copy"))
            links.append(DuplicateLink(k, keep, sim, f"duplicate of {keep}: {why}"))
    return links

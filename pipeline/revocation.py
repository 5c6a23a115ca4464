"""Revocations and replacements found in later records.

A result stops being valid before it expires when a later decision

* **revokes** it — "thu hồi Quyết định số 123/QĐ-SGDĐT", "hủy bỏ …", "bãi bỏ
  …", "… hết hiệu lực";
* **replaces** it — "thay thế Quyết định số …", "Quyết định này thay thế …";
* **renews** it — a newer accreditation or national-standard recognition of
  the same school (identified through the gazetteer, so renames and mergers
  are followed) signed while the older one was still running.

:func:`find_revocations` works over any records with the attributes of
:class:`RecordLike` (the ledger's ``RecordRow`` has them) and returns, per
key of a revoked record, the day it stopped being valid and why. It is pure:
the caller stores ``revoked_on`` and the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.date_words import DIGIT
from pipeline.domain import ProcedureType
from pipeline.folding import fold_aligned
from pipeline.gazetteer import Gazetteer, school_identity
from pipeline.numbers_dates import Codes, normalize_number
from pipeline.place_dates import latest_cited_date
from pipeline.patterns import SO, SO_PUNCT
from pipeline.profile import Profile

__all__ = [
    "CitedAct",
    "RecordLike",
    "Revocation",
    "RENEWABLE_TYPES",
    "cited_revocations",
    "find_revocations",
]

#: Types whose later result for the same school replaces the earlier one.
RENEWABLE_TYPES = frozenset({ProcedureType.KIEM_DINH_CHAT_LUONG.value,
                             ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA.value})


class RecordLike(Protocol):
    """What revocation detection reads from a record."""

    key: str
    type: str
    number: str | None
    issue_date: dt.date | None
    subject: str | None
    valid_until: dt.date | None
    text: str


@dataclass(frozen=True)
class CitedAct:
    """An act a record revokes or replaces.

    Attributes:
        verb: ``"revokes"`` or ``"replaces"``.
        number: The cited act's number, normalised ("123/QĐ-SGDĐT").
        date: The cited act's date when the clause gives it.
    """

    verb: str
    number: str
    date: dt.date | None


@dataclass(frozen=True)
class Revocation:
    """Why a record stopped being valid.

    Attributes:
        key: The revoked record.
        revoked_on: First day it is no longer valid (the later act's date).
        by: Key of the later record.
        reason: Human-readable explanation.
    """

    key: str
    revoked_on: dt.date
    by: str
    reason: str


# Verbs on folded text: thu hồi, hủy bỏ/huỷ bỏ, bãi bỏ, thay thế, hết hiệu lực.
_REVOKE = r"thu h[o0]i|h[uy]y b[o0]|bai b[o0]|dinh chi"
_REPLACE = r"thay the"
_ACT = r"(?:quyet dinh|giay chung nhan|cong van|van ban|bang cong nhan|gcn|qd)"
_CLAUSE_RE = re.compile(
    rf"(?P<verb>{_REVOKE}|{_REPLACE})\s*(?:[a-z]+\s+){{0,4}}?{_ACT}\s*(?:[a-z]+\s+){{0,3}}?"
    rf"{SO}\s*{SO_PUNCT}?\s*(?P<num>{DIGIT}+(?:\s*/\s*{DIGIT}+)*)\s*/\s*(?P<suf>[a-z0-9&]+(?:\s*-\s*[a-z0-9&]+)*)"
    rf"(?P<tail>[^\n]{{0,40}})"
)


def cited_revocations(text: str, codes: Codes) -> list[CitedAct]:
    """Acts a record's text revokes or replaces.

    Reads clauses such as "Thu hồi Quyết định số 123/QĐ-SGDĐT ngày
    05/7/2010", "Hủy bỏ Giấy chứng nhận số 45/GCN-SGDĐT", "Quyết định này thay
    thế Quyết định số 12/QĐ-UBND" on folded text (OCR look-alikes in the
    digits are repaired as for the document's own number).

    Args:
        text: Record text.
        codes: The known codes of document numbers (the profile's).

    Returns:
        The cited acts in order of appearance.
    """
    original, folded = fold_aligned(text)
    flat = " ".join(folded.split())
    out: list[CitedAct] = []
    for m in _CLAUSE_RE.finditer(flat):
        verb = "replaces" if m.group("verb").startswith("thay") else "revokes"
        number = normalize_number(m.group("num"), m.group("suf"), None, codes)
        out.append(CitedAct(verb, number, latest_cited_date(m.group("tail")) if "ngay" in m.group("tail") else None))
    return out


def _same_number(a: str | None, b: str) -> bool:
    return a is not None and a.replace(" ", "").upper() == b.replace(" ", "").upper()


def _explicit(records: Sequence[RecordLike], codes: Codes) -> list[Revocation]:
    by_number: dict[str, list[RecordLike]] = {}
    for r in records:
        if r.number:
            by_number.setdefault(r.number.replace(" ", "").upper(), []).append(r)
    out = []
    for later in records:
        if later.issue_date is None:
            continue
        for act in cited_revocations(later.text, codes):
            for target in by_number.get(act.number.replace(" ", "").upper(), []):
                if target.key == later.key or target.issue_date is None:
                    continue
                if target.issue_date > later.issue_date:
                    continue
                if act.date is not None and act.date != target.issue_date:
                    continue
                word = "thu hồi/hủy bỏ" if act.verb == "revokes" else "thay thế"
                out.append(Revocation(target.key, later.issue_date, later.key,
                                      f"{act.verb} by {later.number or later.key} of "
                                      f"{later.issue_date.isoformat()} ({word} {act.number})"))
    return out


def _renewals(records: Sequence[RecordLike], gazetteer: Gazetteer) -> list[Revocation]:
    groups: dict[tuple[str, str], list[RecordLike]] = {}
    for r in records:
        if r.type in RENEWABLE_TYPES and r.subject and r.issue_date is not None:
            ident = school_identity(r.subject, gazetteer, r.issue_date)
            groups.setdefault((r.type, ident), []).append(r)
    out = []
    for (_rtype, _ident), recs in groups.items():
        recs.sort(key=lambda r: (r.issue_date, r.key))
        for older, newer in zip(recs, recs[1:], strict=False):
            assert older.issue_date is not None and newer.issue_date is not None
            if newer.issue_date <= older.issue_date:
                continue  # same day: a duplicate, not a renewal
            if older.valid_until is not None and newer.issue_date > older.valid_until:
                continue  # the older one had already expired
            out.append(Revocation(older.key, newer.issue_date, newer.key,
                                  f"replaced by the renewal {newer.number or newer.key} of "
                                  f"{newer.issue_date.isoformat()} for {newer.subject}"))
    return out


def find_revocations(records: Iterable[RecordLike], profile: Profile) -> dict[str, Revocation]:
    """Which records were revoked or replaced by later ones, and from when.

    Args:
        records: Records of the archive (all of them, or at least every record
            that may cite or renew another).
        profile: The office's profile: its names recognise a school across
            renames; its codes read the numbers of the acts a record cites.

    Returns:
        Key of each revoked record → its earliest :class:`Revocation`.
    """
    recs = list(records)
    found: dict[str, Revocation] = {}
    for rev in [*_explicit(recs, profile.codes), *_renewals(recs, profile.gazetteer)]:
        if rev.key not in found or rev.revoked_on < found[rev.key].revoked_on:
            found[rev.key] = rev
    return found

"""An office's own names: issuing bodies, districts and schools, with renames and mergers.

The names come from the office's profile (:mod:`pipeline.profile`; the
``issuers``, ``districts``, ``schools``, ``school_renames`` and
``level_renames`` of ``profile.json``): issuing bodies with their printed
header lines, folded aliases and symbols over the years, districts with the
dates they were created or renamed, the proper names of schools per
district, renames of school levels (PTCS → THCS, Mẫu giáo + Nhà trẻ → Mầm
non) and renames or mergers of single schools.

Two jobs:

* **recognise** what OCR read: an issuer's header lines or a school name is
  matched fuzzily on folded text; a match is a *proposal* the caller shows
  beside the reading, never a silent replacement
  ("Trường THCS Hùng Tiên" → "Trường THCS Hùng Tiến" goes to review);
* **identify** a school across renames and mergers (:func:`school_identity`),
  so that a renewal or a revocation finds the earlier record of the same
  school.

All functions are pure and take the gazetteer they use as an argument.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold

__all__ = [
    "issuer_symbols",
    "match_authority",
    "match_school_name",
    "District",
    "Gazetteer",
    "Issuer",
    "SchoolRename",
    "match_issuer",
    "parse_symbols",
    "school_identity",
]

@dataclass(frozen=True)
class Issuer:
    """An issuing body as its header prints it.

    Attributes:
        id: Stable identifier.
        lines: Canonical header lines, top to bottom.
        aliases: Folded spellings per line.
        main: Index of the line that names the body itself (must be found).
        start: First day the body issued under this name (``None``: open).
        end: Last day (``None``: open).
        authority: Folded phrases of the signing authority's line.
        symbols: The document symbols (ký hiệu) it numbers its acts with,
            printed form (``"QĐ-UBND"``).
        symbol_spans: ``(symbol, start, end)`` of the symbols used only for a
            while (``None``: open), e.g. "QĐ-UB" until the 2005 rules on
            document form; the others were used all along.
    """

    id: str
    lines: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...]
    main: int = 0
    start: dt.date | None = None
    end: dt.date | None = None
    authority: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()
    symbol_spans: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()

    def symbols_on(self, on: dt.date | None) -> tuple[str, ...]:
        """The symbols in use on ``on`` (all of them when ``on`` is ``None``)."""
        if on is None:
            return self.symbols
        spans = {s: (start, end) for s, start, end in self.symbol_spans}

        def in_use(symbol: str) -> bool:
            start, end = spans.get(symbol, (None, None))
            return (start is None or on >= start) and (end is None or on <= end)

        return tuple(s for s in self.symbols if in_use(s))

    @property
    def canonical(self) -> str:
        """Header lines joined with `` / ``."""
        return " / ".join(self.lines)


@dataclass(frozen=True)
class District:
    """A district (quận/huyện) and its life span."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    successor: str | None = None


@dataclass(frozen=True)
class SchoolRename:
    """A school renamed (or merged into another) on a day."""

    old: str
    new: str
    on: dt.date | None


@dataclass(frozen=True)
class Gazetteer:
    """All the names, parsed."""

    issuers: tuple[Issuer, ...]
    districts: tuple[District, ...]
    level_renames: dict[str, str]
    school_renames: tuple[SchoolRename, ...]
    schools: dict[str, tuple[str, ...]]

    @property
    def school_names(self) -> tuple[str, ...]:
        """Every known proper name of a school, longest first."""
        names = {n for names in self.schools.values() for n in names}
        return tuple(sorted(names, key=lambda n: (-len(n), n)))


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def parse_symbols(raw: list) -> tuple[tuple[str, ...], tuple[tuple[str, dt.date | None, dt.date | None], ...]]:
    """Symbols and the spans of those given as ``{"symbol", "from", "to"}``."""
    symbols, spans = [], []
    for entry in raw:
        if isinstance(entry, str):
            symbols.append(entry)
        else:
            symbols.append(entry["symbol"])
            spans.append((entry["symbol"], _day(entry.get("from")), _day(entry.get("to"))))
    return tuple(symbols), tuple(spans)


# --------------------------------------------------------------------------
# Issuers
# --------------------------------------------------------------------------


#: Share of an alias that may be misread in a header line.
STRICT_ERRORS = 0.12


def _line_score(alias: str, line: str) -> float:
    """Similarity (0..100) of a folded header line to an alias.

    Edit distance on the whole line or on its start (the right-hand header
    column may follow on the same OCR line), at most 12 % of the alias by
    default: "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" must not pass for "BỘ GIÁO DỤC VÀ
    ĐÀO TẠO".
    """
    if not line:
        return 0.0
    allowed = max(2, round(STRICT_ERRORS * len(alias)))
    # Compare with the whole line and with its starts around the alias's
    # length (letters lost or doubled shift where the issuer's name ends).
    ends = range(max(1, len(alias) - allowed), len(alias) + allowed + 1)
    dist = min(Levenshtein.distance(alias, line), *(Levenshtein.distance(alias, line[:n]) for n in ends))
    if dist > allowed:
        return 0.0
    return 100.0 * (1.0 - dist / len(alias))


def match_issuer(folded_lines: list[str], gazetteer: Gazetteer,
                 on: dt.date | None = None) -> tuple[Issuer, float] | None:
    """The issuer of the gazetteer whose every header line is on the page.

    Each of the issuer's lines must match one of ``folded_lines`` with at
    most :data:`STRICT_ERRORS` of its characters misread: a profile entry
    stands for a header only when *both* lines match ("ỦY BAN NHÂN DÂN"
    alone is every province's People's Committee). The best total wins.

    Args:
        folded_lines: Folded left-header lines.
        gazetteer: The office's names (its profile's).
        on: Issue date; bodies that did not exist on that day are skipped.

    Returns:
        ``(issuer, score)`` or ``None``.
    """
    best: tuple[Issuer, float] | None = None
    for issuer in gazetteer.issuers:
        if on is not None and ((issuer.start and on < issuer.start) or (issuer.end and on > issuer.end)):
            continue
        scores = [max((_line_score(a, fl) for a in aliases for fl in folded_lines), default=0.0)
                  for aliases in issuer.aliases]
        if min(scores) <= 0:
            continue
        total = sum(scores)
        if best is None or total > best[1]:
            best = (issuer, total)
    return best


def issuer_symbols(canonical: str | None, gazetteer: Gazetteer,
                   on: dt.date | None = None) -> tuple[str, ...]:
    """The document symbols of the issuer printed as ``canonical``.

    An issuer the gazetteer does not know (or none) gets every known symbol,
    so a misread symbol can still be snapped when it is close to one only.

    Args:
        canonical: The issuer as :func:`match_issuer` printed it, or ``None``.
        gazetteer: The office's names (its profile's).
        on: The document's date: symbols not in use that day are left out.
    """
    for issuer in gazetteer.issuers:
        if issuer.canonical == canonical:
            return issuer.symbols_on(on)
    return tuple(dict.fromkeys(s for issuer in gazetteer.issuers for s in issuer.symbols_on(on)))


def match_authority(text: str, gazetteer: Gazetteer) -> Issuer | None:
    """The issuer named by the authority line or the signature block.

    Used when the header is unreadable: "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ
    HẢI PHÒNG" under the title, or "TM. ỦY BAN NHÂN DÂN" above the signature.
    A line must match one of an issuer's ``authority`` phrases with at most
    12 % of its characters misread; the first phrase found in text order wins.

    Args:
        text: Record text.
        gazetteer: The office's names (its profile's).

    Returns:
        The issuer, or ``None``.
    """
    for line in text.split("\n"):
        folded = fold(line)
        if len(folded) < 8:
            continue
        for issuer in gazetteer.issuers:
            if any(_line_score(a, folded) > 0 for a in issuer.authority):
                return issuer
    return None


# --------------------------------------------------------------------------
# Schools
# --------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+")


def _allowed(name: str) -> int:
    n = len(name)
    return 0 if n < 4 else 1 if n < 9 else 2


def match_school_name(words: list[str], gazetteer: Gazetteer) -> tuple[str, int, int] | None:
    """The known school name that the first words spell, despite OCR errors.

    Every known name is compared (folded, by edit distance: none for names
    under 4 letters, one under 9, two above) with as many leading words as
    it has; the closest wins, the longer on a tie.

    Args:
        words: Words following "Trường <level>" in the text.
        gazetteer: The office's names (its profile's).

    Returns:
        ``(name, words used, distance)`` or ``None``.
    """
    best: tuple[str, int, int] | None = None
    for name in gazetteer.school_names:
        target = fold(name)
        n = len(target.split())
        if n > len(words):
            continue
        cand = " ".join(fold(w) for w in words[:n])
        dist = Levenshtein.distance(target, cand)
        if dist <= _allowed(target) and (best is None or (dist, -n) < (best[2], -best[1])):
            best = (name, n, dist)
    return best


def school_identity(name: str, gazetteer: Gazetteer, on: dt.date | None = None) -> str:
    """A folded key that is the same for one school across renames and mergers.

    Level renames (PTCS → THCS, Mẫu giáo/Nhà trẻ → Mầm non) and the
    gazetteer's school renames in force after ``on`` are applied, then the
    name is folded.

    Args:
        name: School name (any spelling; OCR noise is not corrected here).
        on: Date of the document naming the school; ``None`` applies every
            rename.
        gazetteer: The office's names (its profile's).

    Returns:
        E.g. ``"truong mam non hoa sen"``.
    """
    key = fold(name)
    for old, new in gazetteer.level_renames.items():
        key = re.sub(rf"^truong {re.escape(old)}\b", f"truong {fold(new)}", key)
    for _ in range(len(gazetteer.school_renames) + 1):
        changed = False
        for r in gazetteer.school_renames:
            if key == fold(r.old) and (on is None or r.on is None or on < r.on):
                key, changed = fold(r.new), True
        if not changed:
            break
    return key

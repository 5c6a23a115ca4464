"""A configurable gazetteer of issuing bodies, districts and schools.

The data lives in ``gazetteer.json`` next to this module (or any file with the
same shape): issuing bodies with their printed header lines and folded
aliases, the districts of Hải Phòng with the dates they were created or
renamed, the proper names of schools per district, renames of school levels
(PTCS → THCS, Mẫu giáo + Nhà trẻ → Mầm non) and renames or mergers of single
schools.

Two jobs:

* **normalise** what OCR read: an issuer header or a school name is matched
  fuzzily on folded text and replaced by the printed spelling of the
  gazetteer ("Trường THCS Hùng Tiên" → "Trường THCS Hùng Tiến");
* **identify** a school across renames and mergers (:func:`school_identity`),
  so that a renewal or a revocation finds the earlier record of the same
  school.

All functions are pure; :func:`load_gazetteer` caches the parsed file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold

__all__ = [
    "DEFAULT_GAZETTEER_PATH",
    "EMPTY",
    "active_gazetteer",
    "issuer_symbols",
    "match_authority",
    "match_school_name",
    "use_gazetteer",
    "District",
    "Gazetteer",
    "Issuer",
    "SchoolRename",
    "load_gazetteer",
    "match_issuer",
    "normalize_school",
    "parse_gazetteer",
    "school_identity",
]

DEFAULT_GAZETTEER_PATH = Path(__file__).with_name("gazetteer.json")


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


def _symbols(raw: list) -> tuple[tuple[str, ...], tuple[tuple[str, dt.date | None, dt.date | None], ...]]:
    """Symbols and the spans of those given as ``{"symbol", "from", "to"}``."""
    symbols, spans = [], []
    for entry in raw:
        if isinstance(entry, str):
            symbols.append(entry)
        else:
            symbols.append(entry["symbol"])
            spans.append((entry["symbol"], _day(entry.get("from")), _day(entry.get("to"))))
    return tuple(symbols), tuple(spans)


def parse_gazetteer(data: dict) -> Gazetteer:
    """Build a gazetteer from its JSON form.

    Raises:
        ValueError: When an issuer's aliases do not match its lines or its
            main line is out of range.
    """
    issuers = []
    for raw in data.get("issuers", []):
        lines = tuple(raw["lines"])
        aliases = tuple(tuple(fold(a) for a in group) for group in raw["aliases"])
        if len(aliases) != len(lines):
            raise ValueError(f"issuer {raw['id']}: one alias list per line expected")
        main = int(raw.get("main", 0))
        if not 0 <= main < len(lines):
            raise ValueError(f"issuer {raw['id']}: main line {main} out of range")
        authority = tuple(fold(a) for a in raw.get("authority", ()))
        symbols, spans = _symbols(raw.get("symbols", []))
        issuers.append(Issuer(raw["id"], lines, aliases, main, _day(raw.get("from")), _day(raw.get("to")),
                              authority, symbols, spans))
    districts = tuple(
        District(d["name"], d.get("kind", ""), tuple(d.get("aliases", ())), _day(d.get("from")),
                 _day(d.get("to")), d.get("successor"))
        for d in data.get("districts", [])
    )
    level_renames = {fold(r["old"]): r["new"] for r in data.get("level_renames", [])}
    renames = tuple(SchoolRename(r["old"], r["new"], _day(r.get("on"))) for r in data.get("school_renames", []))
    schools = {d: tuple(names) for d, names in data.get("schools", {}).items()}
    return Gazetteer(tuple(issuers), districts, level_renames, renames, schools)


@lru_cache(maxsize=8)
def load_gazetteer(path: Path = DEFAULT_GAZETTEER_PATH) -> Gazetteer:
    """Load (and cache) a gazetteer file; the packaged one by default."""
    return parse_gazetteer(json.loads(Path(path).read_text(encoding="utf-8")))


#: A gazetteer with no names (normalises nothing), for baselines and tests.
EMPTY = Gazetteer((), (), {}, (), {})
_active: list[Gazetteer] = []


def active_gazetteer() -> Gazetteer:
    """The gazetteer the extractors use: the innermost :func:`use_gazetteer`, else the packaged one."""
    return _active[-1] if _active else load_gazetteer()


@contextmanager
def use_gazetteer(gazetteer: Gazetteer) -> Iterator[Gazetteer]:
    """Make the extractors use another gazetteer inside a ``with`` block.

    For another office's names (a file given in the settings) or for a
    baseline without names (:data:`EMPTY`). Not thread-safe.
    """
    _active.append(gazetteer)
    try:
        yield gazetteer
    finally:
        _active.pop()


# --------------------------------------------------------------------------
# Issuers
# --------------------------------------------------------------------------


#: Share of an alias that may be misread in a header line; the looser one
#: applies to the main line once another line of the same issuer was found.
STRICT_ERRORS = 0.12
LOOSE_ERRORS = 0.3


def _line_score(alias: str, line: str, errors: float = STRICT_ERRORS) -> float:
    """Similarity (0..100) of a folded header line to an alias.

    Edit distance on the whole line or on its start (the right-hand header
    column may follow on the same OCR line), at most 12 % of the alias by
    default: "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" must not pass for "BỘ GIÁO DỤC VÀ
    ĐÀO TẠO".
    """
    if not line:
        return 0.0
    allowed = max(2, round(errors * len(alias)))
    # Compare with the whole line and with its starts around the alias's
    # length (letters lost or doubled shift where the issuer's name ends).
    ends = range(max(1, len(alias) - allowed), len(alias) + allowed + 1)
    dist = min(Levenshtein.distance(alias, line), *(Levenshtein.distance(alias, line[:n]) for n in ends))
    if dist > allowed:
        return 0.0
    return 100.0 * (1.0 - dist / len(alias))


def match_issuer(folded_lines: list[str], gazetteer: Gazetteer | None = None,
                 on: dt.date | None = None) -> tuple[Issuer, float] | None:
    """The issuer whose header lines best match the header of a page.

    The issuer's main line (the body itself: "SỞ GIÁO DỤC VÀ ĐÀO TẠO") must be
    found; each other line found adds half its score, so a damaged parent
    line ("TỐ HẢI PHÒNG") still gives the Department, and a two-line match
    beats a one-line body with a similar name.

    Args:
        folded_lines: Folded left-header lines.
        gazetteer: Names to use; the packaged gazetteer by default.
        on: Issue date; bodies that did not exist on that day are skipped.

    Returns:
        ``(issuer, score)`` or ``None``.
    """
    gaz = gazetteer or active_gazetteer()
    best: tuple[Issuer, float] | None = None
    for issuer in gaz.issuers:
        if on is not None and ((issuer.start and on < issuer.start) or (issuer.end and on > issuer.end)):
            continue
        scores = [max((_line_score(a, fl) for a in aliases for fl in folded_lines), default=0.0)
                  for aliases in issuer.aliases]
        if scores[issuer.main] <= 0 and any(sc > 0 for i, sc in enumerate(scores) if i != issuer.main):
            # "CAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG": the other line vouches for a damaged main line.
            scores[issuer.main] = 0.5 * max(
                (_line_score(a, fl, LOOSE_ERRORS) for a in issuer.aliases[issuer.main] for fl in folded_lines),
                default=0.0)
        if scores[issuer.main] <= 0:
            continue
        total = scores[issuer.main] + sum(0.5 * s for i, s in enumerate(scores) if i != issuer.main)
        if best is None or total > best[1]:
            best = (issuer, total)
    return best


def issuer_symbols(canonical: str | None, gazetteer: Gazetteer | None = None,
                   on: dt.date | None = None) -> tuple[str, ...]:
    """The document symbols of the issuer printed as ``canonical``.

    An issuer the gazetteer does not know (or none) gets every known symbol,
    so a misread symbol can still be snapped when it is close to one only.

    Args:
        canonical: The issuer as :func:`match_issuer` printed it, or ``None``.
        gazetteer: Names to use; the active gazetteer by default.
        on: The document's date: symbols not in use that day are left out.
    """
    gaz = gazetteer or active_gazetteer()
    for issuer in gaz.issuers:
        if issuer.canonical == canonical:
            return issuer.symbols_on(on)
    return tuple(dict.fromkeys(s for issuer in gaz.issuers for s in issuer.symbols_on(on)))


def match_authority(text: str, gazetteer: Gazetteer | None = None) -> Issuer | None:
    """The issuer named by the authority line or the signature block.

    Used when the header is unreadable: "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ
    HẢI PHÒNG" under the title, or "TM. ỦY BAN NHÂN DÂN" above the signature.
    A line must match one of an issuer's ``authority`` phrases with at most
    12 % of its characters misread; the first phrase found in text order wins.

    Args:
        text: Record text.
        gazetteer: Names to use; the active gazetteer by default.

    Returns:
        The issuer, or ``None``.
    """
    gaz = gazetteer or active_gazetteer()
    for line in text.split("\n"):
        folded = fold(line)
        if len(folded) < 8:
            continue
        for issuer in gaz.issuers:
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


def match_school_name(words: list[str], gazetteer: Gazetteer | None = None) -> tuple[str, int, int] | None:
    """The known school name that the first words spell, despite OCR errors.

    Every known name is compared (folded, by edit distance: none for names
    under 4 letters, one under 9, two above) with as many leading words as
    it has; the closest wins, the longer on a tie.

    Args:
        words: Words following "Trường <level>" in the text.
        gazetteer: Names to use; the active gazetteer by default.

    Returns:
        ``(name, words used, distance)`` or ``None``.
    """
    gaz = gazetteer or active_gazetteer()
    best: tuple[str, int, int] | None = None
    for name in gaz.school_names:
        target = fold(name)
        n = len(target.split())
        if n > len(words):
            continue
        cand = " ".join(fold(w) for w in words[:n])
        dist = Levenshtein.distance(target, cand)
        if dist <= _allowed(target) and (best is None or (dist, -n) < (best[2], -best[1])):
            best = (name, n, dist)
    return best


def normalize_school(name: str, gazetteer: Gazetteer | None = None) -> tuple[str, str | None]:
    """Give an OCR-read school name the gazetteer's spelling.

    ``name`` is "Trường <level> <proper name>" as the extractor printed it.
    The proper name is compared (folded, by edit distance: none for names
    under 4 letters, one under 9, two above) with every known school name;
    the closest within that distance replaces it, keeping the level.

    Args:
        name: School name as read.
        gazetteer: Names to use; the packaged gazetteer by default.

    Returns:
        ``(name, reason)``; the reason is ``None`` when nothing changed.
    """
    gaz = gazetteer or active_gazetteer()
    m = re.match(r"(Trường\s+(?:Mầm non|Tiểu học|THCS|THPT|TH&THCS|THCS&THPT|[^\s]+))\s+(.+)$", name)
    if not m:
        return name, None
    level, rest = m.group(1), m.group(2)
    words = _WORD_RE.findall(rest)
    found = match_school_name(words, gaz)
    if found is None:
        return name, None
    known, used, dist = found
    if used != len(words) and dist > 0:
        # Extra words after a fuzzy match: likely another name, keep as read.
        return name, None
    fixed = f"{level} {known}"
    if fixed == name:
        return name, None
    return fixed, f"subject: '{name}' → '{fixed}' (gazetteer, {dist} edit(s))"


def school_identity(name: str, on: dt.date | None = None, gazetteer: Gazetteer | None = None) -> str:
    """A folded key that is the same for one school across renames and mergers.

    Level renames (PTCS → THCS, Mẫu giáo/Nhà trẻ → Mầm non) and the
    gazetteer's school renames in force after ``on`` are applied, then the
    name is folded.

    Args:
        name: School name (any spelling; OCR noise is not corrected here).
        on: Date of the document naming the school; ``None`` applies every
            rename.
        gazetteer: Names to use; the packaged gazetteer by default.

    Returns:
        E.g. ``"truong mam non hoa sen"``.
    """
    gaz = gazetteer or active_gazetteer()
    key = fold(name)
    for old, new in gaz.level_renames.items():
        key = re.sub(rf"^truong {re.escape(old)}\b", f"truong {fold(new)}", key)
    for _ in range(len(gaz.school_renames) + 1):
        changed = False
        for r in gaz.school_renames:
            if key == fold(r.old) and (on is None or r.on is None or on < r.on):
                key, changed = fold(r.new), True
        if not changed:
            break
    return key

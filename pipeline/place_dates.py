"""Issue dates in noisy OCR text: the place-date line and what damage leaves of it.

The signing date is taken from the place-date line ("Bạc Liêu, ngày 18
tháng 02 năm 2025") rather than from the acts the body cites, read on folded
text (see :mod:`pipeline.folding`) with OCR look-alikes of digits repaired
(O→0, l/I/|→1, S→5, B→8). When the place-date line is there but cannot be
read as printed, the date is ``None`` (the record goes to review) unless
one safe repair makes it consistent with the rest of the text; every
repaired date carries a note ("date repaired from …") that sends its
record to review.

:mod:`pipeline.numbers_dates` and :mod:`pipeline.extract` re-export
:func:`parse_date` and :func:`parse_date_detail`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold_aligned

__all__ = ["DIGIT", "MAX_YEAR", "MIN_YEAR", "DateReading", "fix_digits", "latest_cited_date", "lines_aligned",
           "parse_date", "parse_date_detail", "parse_date_reading"]

#: Characters Tesseract prints instead of digits (folded, lower-case).
_DIGIT_FIX = str.maketrans({"o": "0", "ø": "0", "i": "1", "l": "1", "|": "1", "s": "5", "b": "8"})
#: Character class of a digit or a digit look-alike, in folded text ("ø": a slashed zero).
DIGIT = r"[0-9oøilsb|]"


def fix_digits(raw: str) -> str:
    return re.sub(r"\s+", "", raw).translate(_DIGIT_FIX)


def lines_aligned(text: str) -> list[tuple[str, str]]:
    original, folded = fold_aligned(text)
    return list(zip(original.split("\n"), folded.split("\n"), strict=True))

_DAY = rf"{DIGIT}{{1,2}}"
_YEAR = rf"{DIGIT}(?:\s?{DIGIT}){{3}}"
#: OCR spellings of the folded words "ngay", "thang", "nam" ("rgay", "nqay",
#: "tbang", "narn", and "9ay": "ng" read as one "9"): one letter may be wrong,
#: the shape must stay.
_NGAY = r"(?:(?:n\s?g|r\s?g|n\s?q|m\s?g|n\s?y)\s?[a-z]{1,2}|(?<![0-9])9a[yv])"
_THANG = r"t\s?[hbk]\s?[a-z]{2,3}"
_NAM = r"n\s?[a-z]\s?(?:m|rn)"
#: A speck read as a comma or a dot may stand between a word and its number ("tháng,04").
_WORD_DATE_RE = re.compile(
    rf"{_NGAY}\s*[:.,]?\s*(?P<d>{_DAY})\s*[,.]?\s*"
    rf"{_THANG}\s*[:.,]?\s*(?P<m>{_DAY})\s*[,.]?\s*"
    rf"{_NAM}\s*[:.,]?\s*(?P<y>{_YEAR})(?![0-9])"
)
#: "năm" as a damaged line may read it: a letter more between its "n" and "m" ("nềšm").
_LOOSE_NAM = r"n\s?[a-z]{1,2}\s?(?:m|rn)"
#: The same line with any short token in place of the numbers: a place-date
#: line whose digits are unreadable ("ngày 2T tháng 08 năm 2008").
#: "năm" may be gone altogether when a whole four-digit year follows ("tháng 1 .2011").
_LOOSE_WORD_DATE_RE = re.compile(
    rf"{_NGAY}\s*[:.]?\s*(?P<d>[^\s,.]{{1,3}})?\s*[,.]?\s*"
    rf"{_THANG}\s*[:.]?\s*(?P<m>[^\s,.]{{1,3}})\s*[,.]?\s*"
    rf"(?:{_LOOSE_NAM}\s*[:.,]?\s*(?P<y>[^\s,.]{{2,5}}(?:\s?[0-9oilsb|]){{0,2}})|(?<=[\s.,])(?P<y4>[0-9]{{4}})(?![0-9]))"
)
#: The place-date line is among the first lines of a page: the header's (an e-signature banner, a copy
#: stamp or a long "V/v …" subject can come before it).
TOP_LINES = 16
#: Score of a place-date line that was found but could not be read: above
#: any date of the body, below a readable place-date line on a later page.
_UNREADABLE_SCORE = 3.9
_NUM_DATE_RE = re.compile(
    rf"(?<![0-9])(?P<d>{_DAY})\s*[/.\-]\s*(?P<m>{_DAY})\s*[/.\-]\s*(?P<y>{_YEAR})(?![0-9])"
)
_PLACE_RE = re.compile(r"[a-z]{2,}(?:\s[a-z]{2,}){0,3}\s*[,.]\s*$")
#: A line that opens with the header's number ("Số: 840/QĐ-UBND …"): what follows it on the line is the
#: right column, the place-date line.
_NUMBER_LINE_START_RE = re.compile(r"\W{0,3}s[o0]\s*[:;.]?\s*[0-9oøilsb|]{1,5}\s*/\s*[a-z&]")
_BIRTH_RE = re.compile(r"(sinh|ns|n/s)\b[^\n]{0,12}$")
_CITATION_RE = re.compile(r"\b(so|ky|cap|luc|tu|den|truoc|sau)\s*[:]?\s*$")
_CITED_ACT_RE = re.compile(r"\bs[o0]\s*[:]?\s*\S+\s+(?:ngay\s*)?$")

MIN_YEAR = 1945
MAX_YEAR = 2100


def _to_date(d: str, m: str, y: str) -> dt.date | None:
    try:
        day, month, year = int(fix_digits(d)), int(fix_digits(m)), int(fix_digits(y))
    except ValueError:
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


#: Letters Tesseract prints for a digit of the italic place-date line that
#: are repaired only there, and only when the date stays consistent: the
#: italic "1" of Times-like fonts is read "T" ("ngày 2T" = 21, "TT" = 11).
_PLACE_DIGIT_REPAIR = str.maketrans({"t": "1", "u": "0"})


def _year_from_tail(tail: str) -> int | None:
    """The one year from :data:`MIN_YEAR` to :data:`MAX_YEAR` that ends with ``tail`` (2–3 digits).

    "08" is 2008 and "009" 2009; a tail two centuries fit ("67": 1967 or
    2067) gives ``None``, and so does a tail that may be the *start* of a
    year cut at the page edge or by a hole ("19", "20": "năm 20" is more
    likely 201x than 2020).
    """
    if not (tail.isdigit() and 2 <= len(tail) <= 3) or tail in _CENTURY_STARTS:
        return None
    years = [y for y in range(MIN_YEAR, MAX_YEAR + 1) if str(y).endswith(tail)]
    return years[0] if len(years) == 1 else None


#: Year tails that are also how a year starts.
_CENTURY_STARTS = frozenset({"19", "20"})


def _complete_year(raw: str) -> int | None:
    """A year whose first digits were lost to a hole or a stain ("Ø10", ")09" → 2010, 2009).

    Only a tail of two or three digits right after garbage (the damage is
    at the start, so the digits kept are the last ones), completed by
    :func:`_year_from_tail`; a year cut at the page edge ("năm 20") or a
    tail two centuries fit ("…67": 1967 or 2067) gives ``None``.
    """
    m = re.fullmatch(r"(?P<junk>[^0-9\s]+)\s?(?P<tail>[0-9oilsb|]{2,3})", raw.strip())
    if m is None:
        return None
    return _year_from_tail(fix_digits(m.group("tail")))


def _complete_month(raw: str) -> str | None:
    """A month whose first digit a stain or a hole took ("Z7", "#9"): "07", "09".

    Only a second digit from 3 to 9 leaves one month (a lost first digit
    before "1" or "2" could be 0 or 1).
    """
    if len(raw) == 2 and not raw[0].isdigit() and raw[1] in "3456789":
        return "0" + raw[1]
    return None


def _without_speck(raw: str) -> str | None:
    """A day or month with a speck glued before its two digits ("»I0", "•05"): the two digits.

    Two digits are a whole day or month, so what stands before them is dirt,
    not a lost digit; a speck before one digit ("»7") may be what is left of
    the first, and gives ``None``.
    """
    m = re.fullmatch(r"[^0-9a-z\s|]{1,2}(?P<digits>[0-9oilsb|]{2})", raw)
    return fix_digits(m.group("digits")) if m is not None else None


#: A legal basis of an act, up to its semicolon: "Căn cứ Quyết định số … ngày 07/7/2008 …;".
_BASIS_RE = re.compile(r"\bcan cu\b[^;]{0,400};")


class _Cited(NamedTuple):
    """What the text cites that a signing date cannot be earlier than."""

    #: The latest date cited anywhere (legal bases included): compared by year.
    any: dt.date | None = None
    #: The latest date cited outside the legal bases (the request answered, …): compared by day.
    answered: dt.date | None = None


def _cited(text: str) -> _Cited:
    folded = fold_aligned(text)[1]  # folded once for both
    return _Cited(_latest_in(folded, bases=True), _latest_in(folded, bases=False))


def _repair_place_date(loose: re.Match[str], later_than: _Cited) -> dt.date | None:
    """The date of an unreadable place-date line, when one repair makes it sure.

    Only the look-alikes of :data:`_DIGIT_FIX` and "T" for "1" are mapped
    (and the first digits of a year completed, see :func:`_complete_year`);
    any other letter ("Z", "?") leaves the date unreadable. The repaired date
    must not be earlier than what the text cites (:func:`_consistent`: acts,
    requests and birth dates all come before the signing).
    """
    parts = []
    for name, read in (("d", loose["d"]), ("m", loose["m"]), ("y", loose["y"] or loose["y4"])):
        if read is None:
            return None  # no day at all: nothing to repair
        raw = read.translate(_PLACE_DIGIT_REPAIR)
        fixed = fix_digits(raw)
        if name == "y" and not (fixed.isdigit() and len(fixed) == 4):
            year = _complete_year(read)
            if year is None and loose["y"] is not None and re.fullmatch(r"[0-9]{2,3}", read):
                year = _year_from_tail(read)  # "năm 12": the first digits eaten, "năm" itself kept
            fixed = str(year) if year is not None else fixed
        if name in "dm" and not fixed.isdigit():
            fixed = _without_speck(raw) or fixed
        if name == "m" and not fixed.isdigit():
            fixed = _complete_month(fixed) or fixed
        if not fixed.isdigit():
            return None
        parts.append(fixed)
    date = _to_date(*parts)
    return date if date is not None and _consistent(date, later_than) else None


def _consistent(date: dt.date, cited: _Cited) -> bool:
    """A repaired date is possible: valid, and not earlier than what the text cites.

    An act cites only what came before it: the request it answers by day,
    its legal bases by year only, as in :func:`parse_date_detail` (the
    generated sets cite their legal bases without regard to the act's day
    within a year: the decision of 7 July 2008 in acts of June 2008).
    """
    if cited.any is not None and date.year < cited.any.year:
        return False
    return cited.answered is None or date >= cited.answered


#: The place-date line with its words "tháng" and "năm" eaten: after "ngày",
#: three runs of digits (day, month, year or a year's tail) with short gaps.
#: Day and month must be whole words ("1#" may be a damaged "14"); only the
#: year may have garbage stuck before it (its lost first digits).
_SKELETON_RE = re.compile(
    rf"{_NGAY}\s*[:.]?\s*(?P<d>[0-9]{{1,2}})(?=[\s,.])(?P<g1>[^0-9\n]{{1,12}}?)(?<=\s)"
    r"(?P<m>[0-9]{1,2})(?=[\s,.])(?P<g2>[^0-9\n]{1,12}?)(?P<y>[0-9]{2,4})\s*[.,;:]?\s*$"
)


def _skeleton_date(line: str, later_than: _Cited) -> tuple[dt.date, str] | None:
    """The date of a place-date line whose words were damaged ("ngày 26 tháng 05 nărÍ-_ Ø10").

    The line must open with a place and "ngày" and end with three numbers
    that make a valid day, month and year: a four-digit year, or the tail of
    one (:func:`_year_from_tail`) right after garbage ("Ø10") or after the
    word "năm" damaged ("nu. 08": what ate the end of the word took the
    first digits of the year with it), of a year not earlier than a date
    the text cites.
    """
    m = _SKELETON_RE.search(line)
    if m is None or not _PLACE_RE.search(line[: m.start()]):
        return None
    year: int | None = int(m.group("y")) if len(m.group("y")) == 4 else None
    gap = m.group("g2")
    if year is None and gap[-1:].strip():
        year = _complete_year(gap.split()[-1] + m.group("y"))
    elif year is None and _damaged_nam(gap):
        year = _year_from_tail(m.group("y"))
    if year is None:
        return None
    date = _to_date(m.group("d"), m.group("m"), str(year))
    if date is None or not _consistent(date, later_than):
        return None
    return date, m.group(0)


def _damaged_nam(gap: str) -> bool:
    """The words between the month and the year are one damaged "năm" ("nu.", "nă—"), not "năm" itself."""
    words = gap.split()
    return (len(words) == 1 and re.fullmatch(_NAM + r"\W*", words[0]) is None
            and re.fullmatch(r"n[a-z]{0,2}\W{0,2}", words[0]) is not None)


#: A place-date line whose "ngày" was eaten ("Hải Phòng,. „ay 31 tháng 12 năm 2009"):
#: the place, a few damaged characters, then a *two-digit* day (a single digit
#: may be what is left of two: "— 1 tháng 6" was the 4th), "tháng", month, "năm", year.
_EATEN_NGAY_RE = re.compile(
    rf"^\W{{0,3}}(?P<place>[a-z]{{2,}}(?:\s[a-z]{{2,}}){{0,3}})\s*[,.]+(?P<gap>[^\n]{{0,8}}?)(?<=\s)"
    rf"(?P<d>[0-9]{{2}})\s*[,.]?\s*{_THANG}\s*[:.]?\s*(?P<m>{_DAY})\s*[,.]?\s*"
    rf"{_NAM}\s*[:.]?\s*(?P<y>{_YEAR})(?![0-9])"
)


def _matched_date(m: re.Match[str], later_than: _Cited) -> tuple[dt.date, str] | None:
    """The date of a repair's match (groups ``d``, ``m``, ``y``) and the text it read, if valid and not earlier than what is cited."""
    date = _to_date(m.group("d"), m.group("m"), m.group("y"))
    if date is None or not _consistent(date, later_than):
        return None
    return date, m.group(0)


def _date_after_gap(m: re.Match[str] | None, later_than: _Cited) -> tuple[dt.date, str] | None:
    """:func:`_matched_date` of a match whose ``gap`` (where "ngày" was) holds no "ngày" and no bare number."""
    if m is None or _NGAY_WORD_RE.search(m.group("gap")):
        return None
    if any(re.search(r"[0-9]", w) and not re.search(r"[a-z]", w) for w in m.group("gap").split()):
        return None
    return _matched_date(m, later_than)


def _eaten_ngay_date(line: str, later_than: _Cited) -> tuple[dt.date, str] | None:
    """The date of a place-date line that lost "ngày" to damage but kept the rest.

    The gap where "ngày" was holds at most a few characters, and a digit
    only inside a word with a letter ("„4y", what is left of "ngày"): a
    number there may be part of the day. The day must be two whole digits,
    and the date valid and not earlier than what the text cites.
    """
    return _date_after_gap(_EATEN_NGAY_RE.search(line), later_than)


#: A place-date line whose "năm" is eaten to a remnant stuck to the month or standing alone
#: ("tháng 3nc 2009", "tháng 09m 2013", "tháng 01ˆ m 2009"): "ngày", day, "tháng", month,
#: a short gap without digits, then a whole four-digit year ending the line.
_EATEN_NAM_RE = re.compile(
    rf"{_NGAY}\s*[:.]?\s*(?P<d>[0-9]{{1,2}})\s*[,.]?\s*{_THANG}\s*[:.]?\s*(?P<m>[0-9]{{1,2}})"
    r"(?P<gap>[^0-9\s][^0-9\n]{0,5}?|\s+[^0-9\s][^0-9\n]{0,4}?)\s*(?P<y>[0-9]{4})\s*[.,;:|]?\s*$"
)


def _eaten_nam_date(line: str, later_than: _Cited) -> tuple[dt.date, str] | None:
    """The date of a place-date line whose "năm" a stain left only a remnant of ("tháng 3nc 2009").

    The line must have the place before "ngày"; the gap between the month
    and the year holds no digit (a lost digit of the month would be there),
    and the date must be valid and not earlier than what the text cites.
    """
    m = _EATEN_NAM_RE.search(line)
    if m is None or not _PLACE_RE.search(line[: m.start()]):
        return None
    if len(m.group("m")) == 1 and m.group("gap")[0] not in " n":
        return None  # "tháng 1ˆ": what is stuck to a one-digit month may be its lost second digit
    return _matched_date(m, later_than)


#: A place-date line run into the "V/v …" line at its left, the place's last letter cut and "ngày"
#: eaten ("V/v xác minh văn bằng Hải Phòn ìy 15 tháng 08 năm 2008"): a place the profile knows
#: anywhere in the line, a short gap, a *two-digit* day, then "tháng", month, "năm", year, all readable.
_MERGED_TAIL = (rf"\s*[,.]*(?P<gap>[^\n]{{0,8}}?)(?<=\s)(?P<d>[0-9]{{2}})\s*[,.]?\s*{_THANG}\s*[:.]?\s*"
                rf"(?P<m>{_DAY})\s*[,.]?\s*{_NAM}\s*[:.]?\s*(?P<y>{_YEAR})(?![0-9])")


@lru_cache(maxsize=8)
def _merged_place_re(places: tuple[str, ...]) -> re.Pattern[str] | None:
    """The merged place-date line of any of ``places`` (folded), each with its last letter optional (cut)."""
    alts = sorted({re.escape(p[:-1]).replace("\\ ", "\\s?") + f"(?:{re.escape(p[-1])})?"
                   for p in places if len(p) >= 4}, key=len, reverse=True)
    return re.compile(rf"(?<![a-z])(?:{'|'.join(alts)}){_MERGED_TAIL}") if alts else None


def _merged_place_date(line: str, later_than: _Cited, places: tuple[str, ...]) -> tuple[dt.date, str] | None:
    """The date of a place-date line run into the line at its left, its "ngày" eaten.

    As :func:`_eaten_ngay_date`, but the place (one the profile knows, its
    last letter possibly cut) may be anywhere in the line and need not be
    followed by a comma.
    """
    pattern = _merged_place_re(places)
    if pattern is None:
        return None
    return _date_after_gap(pattern.search(line), later_than)


#: A place-date line cut after its day, the rest of it read as another line (a termite
#: tunnel's rim through the line: Tesseract reads the two sides as two blocks).
_PLACE_DAY_ONLY_RE = re.compile(
    rf"^\W{{0,3}}[a-z]{{2,}}(?:\s[a-z]{{2,}}){{0,3}}\s*[,.]\s*{_NGAY}\s*[:.]?\s*(?P<d>[0-9]{{1,2}})\s*[,.]?\s*$")
#: The other piece: nothing but "tháng", a whole month, "năm" and a whole year.
_MONTH_YEAR_ONLY_RE = re.compile(
    rf"^\W{{0,3}}{_THANG}\s*[:.]?\s*(?P<m>[0-9]{{1,2}})\s*[,.]?\s*{_NAM}\s*[:.]?\s*(?P<y>[0-9]{{4}})\W{{0,2}}$")


def _split_line_date(lines: list[str], idx: int, later_than: _Cited) -> tuple[dt.date, str] | None:
    """The date of a place-date line read as two lines ("Hải Phòng, ngày 31" and "tháng 07 năm 2008").

    Line ``idx`` must end right after the day; the next or the previous
    non-empty line (the pieces come in either order) must hold only
    "tháng", the month, "năm" and the year, every digit read as a digit:
    a piece that lost "tháng" ("x5 năm 2008", the month under the rim)
    gives nothing. The date must be valid and not earlier than what the
    text cites.
    """
    head = _PLACE_DAY_ONLY_RE.search(lines[idx])
    if head is None:
        return None
    after = [i for i in range(idx + 1, len(lines)) if lines[i].strip()][:1]
    before = [i for i in range(idx - 1, -1, -1) if lines[i].strip()][:1]
    for i in after + before:
        tail = _MONTH_YEAR_ONLY_RE.search(lines[i])
        if tail is None:
            continue
        date = _to_date(head.group("d"), tail.group("m"), tail.group("y"))
        if date is not None and _consistent(date, later_than):
            return date, f"{head.group(0).strip()}' + '{tail.group(0).strip()}"
    return None


#: "ngày" read well enough for the other rules: not an eaten one.
_NGAY_WORD_RE = re.compile(rf"(?<![a-z]){_NGAY}(?![a-z])")


def latest_cited_date(text: str, *, bases: bool = True) -> dt.date | None:
    """The latest date a text cites in full (acts, requests, birth dates; not "valid until" dates).

    The place-date line's own date counts too when it is in ``text``.

    Args:
        text: Page or record text.
        bases: Count the dates of the legal bases too ("Căn cứ … ;" clauses).
    """
    return _latest_in(fold_aligned(text)[1], bases=bases)


def _latest_in(folded: str, *, bases: bool) -> dt.date | None:
    """:func:`latest_cited_date` of text already folded."""
    if not bases:
        folded = _BASIS_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), folded)
    dates = []
    for line in folded.split("\n"):
        for regex in (_WORD_DATE_RE, _NUM_DATE_RE):
            for m in regex.finditer(line):
                if re.search(r"\b(den|het han|toi)\s*(ngay)?\s*$", line[: m.start()]):
                    continue  # "valid until ..." is after the signing
                d = _to_date(m.group("d"), m.group("m"), m.group("y"))
                if d is not None:
                    dates.append(d)
    return max(dates, default=None)


#: A place-date line with "ngày" and part of the day eaten ("Hải Phòng, — 1 tháng 6 năm
#: 2012"): unreadable, but still the signing line, not to be outranked by a cited date.
_EATEN_LINE_RE = re.compile(
    r"^\W{0,3}[a-z]{2,}(?:\s[a-z]{2,}){0,3}\s*[,.]+[^\n]{0,8}?(?<![0-9])[0-9]{1,2}\s*[,.]?\s*"
    rf"{_THANG}\s*[:.]?\s*\S{{1,3}}\s*[,.]?\s*{_NAM}"
)

def _signing_line_shape(line: str) -> re.Match[str] | None:
    """A place-date line too damaged to read: the place, then "ngày" and three numbers, or "tháng" and "năm"."""
    m = _SKELETON_RE.search(line)
    if m is not None and _PLACE_RE.search(line[: m.start()]):
        return m
    return _EATEN_LINE_RE.search(line)


@dataclass(frozen=True)
class DateReading:
    """The signing date as read from the place-date line.

    Attributes:
        date: The whole date, or ``None``.
        note: Why to review it: "date repaired from …", "date unreadable: …",
            "… is earlier than …"; empty for a date read as printed.
        year: The year read, also when the day or month was not.
        month: The month read, also when the day was not.
    """

    date: dt.date | None
    note: str = ""
    year: int | None = None
    month: int | None = None

    @property
    def period(self) -> str | None:
        """What was read of an incomplete date: ``"2025-02"`` or ``"2025"`` (``None`` when whole or nothing)."""
        if self.date is not None or self.year is None:
            return None
        return f"{self.year:04d}-{self.month:02d}" if self.month is not None else f"{self.year:04d}"


@dataclass(frozen=True)
class _Candidate:
    score: float
    line: int
    reading: DateReading


def _clean_number(raw: str | None, lo: int, hi: int, width: tuple[int, ...]) -> int | None:
    """A month or year of an unreadable place-date line that is itself whole: digits or safe look-alikes."""
    if raw is None:
        return None
    fixed = fix_digits(raw)
    if not fixed.isdigit() or len(fixed) not in width:
        return None
    value = int(fixed)
    return value if lo <= value <= hi else None


def _place_before(before: str, places: tuple[str, ...]) -> bool:
    """Text before "ngày" ends with a place: words and a comma, or a place the profile knows (a letter off)."""
    if _PLACE_RE.search(before):
        return True
    words = before.strip(" ,.").split()
    for n in range(1, 5):
        tail = " ".join(words[-n:])
        if len(tail) >= 6 and any(abs(len(pl) - len(tail)) <= 1 and Levenshtein.distance(pl, tail) <= 1
                                  for pl in places):
            return True
    return False


def _parts(loose: re.Match[str] | None) -> tuple[int | None, int | None]:
    """``(year, month)`` that an unreadable place-date line still shows whole."""
    if loose is None:
        return None, None
    year = _clean_number(loose["y"] or loose["y4"], MIN_YEAR, MAX_YEAR, (4,))
    month = _clean_number(loose["m"], 1, 12, (1, 2)) if year is not None else None
    return year, month


def _date_candidates(text: str, cited: _Cited, places: tuple[str, ...]) -> list[_Candidate]:
    """Scored date candidates; a reading without a date marks an unreadable place-date line.

    ``cited`` is what the text cites (:func:`latest_cited_date`): a
    repaired signing date may not be earlier (see :func:`_consistent`).
    ``places`` are the folded places the profile knows: a line that opens
    with one is a place-date line for sure.
    """
    out: list[_Candidate] = []
    nonempty = 0
    folded_lines = [line for _orig, line in lines_aligned(text)]
    for idx, line in enumerate(folded_lines):
        if not line.strip():
            continue
        nonempty += 1
        top = nonempty <= TOP_LINES
        found_before = len(out)
        for regex, base in ((_WORD_DATE_RE, 1.0), (_NUM_DATE_RE, 0.0)):
            for m in regex.finditer(line):
                date = _to_date(m.group("d"), m.group("m"), m.group("y"))
                if date is None:
                    continue
                before = line[: m.start()]
                score = base
                if _PLACE_RE.search(before):
                    score += 2.0
                    if any(pl in before[-len(pl) - 4:] for pl in places):
                        score += 1.0
                if top and (score >= 2.0 or len(before.strip(" .,;:-_|'`")) <= 3):
                    score += 1.0  # the header's place-date line, or what is left of it (not a body sentence)
                if _BIRTH_RE.search(before):
                    score -= 5.0
                if _CITATION_RE.search(before[-14:]) or _CITED_ACT_RE.search(before[-50:]):
                    score -= 2.0
                if score < 2.0 and _NUMBER_LINE_START_RE.match(before):
                    score += 2.0  # "Số: 840/QĐ-UBND Hải ngày 28 tháng 11 …": the place-date column, its place cut
                if regex is _NUM_DATE_RE and re.search(r"\bngay\s*$", before):
                    score += 1.0
                # "B" for a digit may be an 8, a 6 or a 3 under a stain (seed 18: "ngày 0B" printed 06):
                # the value is kept, the record goes to review. O, I, l and S are the usual, safe look-alikes.
                doubt = "b" in m.group("d") + m.group("m") + m.group("y")
                note = f"date {date.isoformat()} has a digit read as 'B': '{m.group(0)}'" if doubt else ""
                out.append(_Candidate(score, idx, DateReading(date, note, date.year, date.month)))
        if top and len(out) == found_before:
            loose = _LOOSE_WORD_DATE_RE.search(line)
            if loose is not None and not _place_before(line[: loose.start()], places):
                loose = None
            # The signing line is there but its digits or words are not:
            # repair them when that is safe, else rather no date (→ review)
            # than the date of an act cited in the body.
            repaired = _repair_place_date(loose, cited) if loose is not None else None
            if repaired is not None:
                out.append(_Candidate(_UNREADABLE_SCORE + 0.05, idx, DateReading(
                    repaired, f"date repaired from '{loose.group(0)}'", repaired.year, repaired.month)))
            elif (skeleton := _skeleton_date(line, cited) or _eaten_ngay_date(line, cited)
                  or _eaten_nam_date(line, cited) or _merged_place_date(line, cited, places)
                  or _split_line_date(folded_lines, idx, cited)) is not None:
                out.append(_Candidate(_UNREADABLE_SCORE + 0.05, idx, DateReading(
                    skeleton[0], f"date repaired from '{skeleton[1]}'", skeleton[0].year, skeleton[0].month)))
            elif (unreadable := loose or _signing_line_shape(line)) is not None:
                year, month = _parts(loose)
                out.append(_Candidate(_UNREADABLE_SCORE, idx, DateReading(
                    None, f"date unreadable: '{unreadable.group(0)}'", year, month)))
    return out


def parse_date_reading(text: str, places: tuple[str, ...] = ()) -> DateReading:
    """The signing date, what was read of it when it is incomplete, and a note when to review it.

    Args:
        text: Page or record text.
        places: Folded names of the places the profile knows (a line that
            names one is the place-date line; a place cut by damage is still
            found); none: any "<words>, ngày …" line.

    Returns:
        The reading: its note is empty for a date read as printed, says
        "date repaired from …" when OCR look-alikes of the place-date line
        were mapped to digits, "date unreadable: …" when the place-date line
        was found but no date could be read from it (the date is then
        ``None``; the year and month are kept when they were read whole),
        and "… is earlier than …" when the text cites a date of a later year
        (other than a "valid until" date): the date is kept, to review.
    """
    cited = _cited(text)
    cands = _date_candidates(text, cited, places)
    if not cands:
        return DateReading(None)
    best = max(cands, key=lambda c: (c.score, -c.line, c.reading.date is None))
    if best.score < 2.0:
        return DateReading(None)
    reading = best.reading
    date = reading.date
    if not reading.note and cited.any is not None and date is not None and cited.any.year > date.year:
        # An act cites only what came before it: a digit of its year was misread ("2006" for 2008).
        # (Within one year the test is left out: the generated sets cite their legal bases
        # without regard to the act's date, and a misread day or month is rarer.)
        reading = DateReading(date, f"date {date.isoformat()} is earlier than {cited.any.isoformat()}, "
                                    "cited in the text", date.year, date.month)
    return reading


def parse_date_detail(text: str, places: tuple[str, ...] = ()) -> tuple[dt.date | None, str]:
    """The signing date and a note when it was repaired or is unreadable (see :func:`parse_date_reading`)."""
    reading = parse_date_reading(text, places)
    return reading.date, reading.note


def parse_date(text: str, places: tuple[str, ...] = ()) -> dt.date | None:
    """The signing date from the place-date line.

    Reads "Hải Phòng, ngày 05 tháng 7 năm 2010", the same without
    diacritics, with OCR look-alikes in the digits ("ngay O5 thang 7 nam
    2Ol0"), and "Hải Phòng, 05/07/2010". A "<place>, ngày ..." line wins over
    other dates; birth dates ("sinh ngày ...") and dates of cited acts are
    penalised. Impossible dates (31/02) and years outside 1945–2100 are
    rejected.

    Args:
        text: Page or record text.
        places: Folded names of the places the profile knows.

    Returns:
        The date, or ``None`` when no plausible signing date is found.
    """
    return parse_date_reading(text, places).date

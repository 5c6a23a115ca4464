"""Damaged place-date lines: the repairs that are safe, and the shape of a line too damaged to read.

A stain, a hole or a termite tunnel through the place-date line leaves a
digit read as a letter ("ngày 2T"), the first digits of a year lost
("năm Ø10"), "tháng" or "năm" eaten, "ngày" eaten, the line run into the
"V/v" line at its left, or the line read as two. Each repair here reads
what is left only when one date fits it, and only a date not earlier than
what the text cites (:class:`Cited`); :mod:`pipeline.place_dates` keeps it
with a note that sends the record to review.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import NamedTuple

from pipeline.date_words import DAY, MAX_YEAR, MIN_YEAR, YEAR, fix_digits, to_date
from pipeline.patterns import NAM, NGAY, PLACE, PLACE_RE, THANG

__all__ = ["Cited", "consistent", "repair_place_date", "repaired_line_date", "signing_line_shape"]


class Cited(NamedTuple):
    """What the text cites that a signing date cannot be earlier than."""

    #: The latest date cited anywhere (legal bases included): compared by year.
    any: dt.date | None = None
    #: The latest date cited outside the legal bases (the request answered, …): compared by day.
    answered: dt.date | None = None


def consistent(date: dt.date, cited: Cited) -> bool:
    """A repaired date is possible: valid, and not earlier than what the text cites.

    An act cites only what came before it: the request it answers by day,
    its legal bases by year only, as in :func:`~pipeline.place_dates.parse_date_reading` (the
    generated sets cite their legal bases without regard to the act's day
    within a year: the decision of 7 July 2008 in acts of June 2008).
    """
    if cited.any is not None and date.year < cited.any.year:
        return False
    return cited.answered is None or date >= cited.answered


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



def repair_place_date(loose: re.Match[str], later_than: Cited) -> dt.date | None:
    """The date of an unreadable place-date line, when one repair makes it sure.

    Only the look-alikes of :func:`~pipeline.date_words.fix_digits` and "T" for "1" are mapped
    (and the first digits of a year completed, see :func:`_complete_year`);
    any other letter ("Z", "?") leaves the date unreadable. The repaired date
    must not be earlier than what the text cites (:func:`consistent`: acts,
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
    date = to_date(*parts)
    return date if date is not None and consistent(date, later_than) else None


#: The place-date line with its words "tháng" and "năm" eaten: after "ngày",
#: three runs of digits (day, month, year or a year's tail) with short gaps.
#: Day and month must be whole words ("1#" may be a damaged "14"); only the
#: year may have garbage stuck before it (its lost first digits).
_SKELETON_RE = re.compile(
    rf"{NGAY}\s*[:.]?\s*(?P<d>[0-9]{{1,2}})(?=[\s,.])(?P<g1>[^0-9\n]{{1,12}}?)(?<=\s)"
    r"(?P<m>[0-9]{1,2})(?=[\s,.])(?P<g2>[^0-9\n]{1,12}?)(?P<y>[0-9]{2,4})\s*[.,;:]?\s*$"
)


def _skeleton_date(line: str, later_than: Cited) -> tuple[dt.date, str] | None:
    """The date of a place-date line whose words were damaged ("ngày 26 tháng 05 nărÍ-_ Ø10").

    The line must open with a place and "ngày" and end with three numbers
    that make a valid day, month and year: a four-digit year, or the tail of
    one (:func:`_year_from_tail`) right after garbage ("Ø10") or after the
    word "năm" damaged ("nu. 08": what ate the end of the word took the
    first digits of the year with it), of a year not earlier than a date
    the text cites.
    """
    m = _SKELETON_RE.search(line)
    if m is None or not PLACE_RE.search(line[: m.start()]):
        return None
    year: int | None = int(m.group("y")) if len(m.group("y")) == 4 else None
    gap = m.group("g2")
    if year is None and gap[-1:].strip():
        year = _complete_year(gap.split()[-1] + m.group("y"))
    elif year is None and _damaged_nam(gap):
        year = _year_from_tail(m.group("y"))
    if year is None:
        return None
    date = to_date(m.group("d"), m.group("m"), str(year))
    if date is None or not consistent(date, later_than):
        return None
    return date, m.group(0)


def _damaged_nam(gap: str) -> bool:
    """The words between the month and the year are one damaged "năm" ("nu.", "nă—"), not "năm" itself."""
    words = gap.split()
    return (len(words) == 1 and re.fullmatch(NAM + r"\W*", words[0]) is None
            and re.fullmatch(r"n[a-z]{0,2}\W{0,2}", words[0]) is not None)


#: A place-date line whose "ngày" was eaten ("Hải Phòng,. „ay 31 tháng 12 năm 2009"):
#: the place, a few damaged characters, then a *two-digit* day (a single digit
#: may be what is left of two: "— 1 tháng 6" was the 4th), "tháng", month, "năm", year.
_EATEN_NGAY_RE = re.compile(
    rf"^\W{{0,3}}{PLACE}[,.]*(?P<gap>[^\n]{{0,8}}?)(?<=\s)"
    rf"(?P<d>[0-9]{{2}})\s*[,.]?\s*{THANG}\s*[:.]?\s*(?P<m>{DAY})\s*[,.]?\s*"
    rf"{NAM}\s*[:.]?\s*(?P<y>{YEAR})(?![0-9])"
)


def _matched_date(m: re.Match[str], later_than: Cited) -> tuple[dt.date, str] | None:
    """The date of a repair's match (groups ``d``, ``m``, ``y``) and the text it read, if valid and not earlier than what is cited."""
    date = to_date(m.group("d"), m.group("m"), m.group("y"))
    if date is None or not consistent(date, later_than):
        return None
    return date, m.group(0)


def _date_after_gap(m: re.Match[str] | None, later_than: Cited) -> tuple[dt.date, str] | None:
    """:func:`_matched_date` of a match whose ``gap`` (where "ngày" was) holds no "ngày" and no bare number."""
    if m is None or _NGAY_WORD_RE.search(m.group("gap")):
        return None
    if any(re.search(r"[0-9]", w) and not re.search(r"[a-z]", w) for w in m.group("gap").split()):
        return None
    return _matched_date(m, later_than)


def _eaten_ngay_date(line: str, later_than: Cited) -> tuple[dt.date, str] | None:
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
    rf"{NGAY}\s*[:.]?\s*(?P<d>[0-9]{{1,2}})\s*[,.]?\s*{THANG}\s*[:.]?\s*(?P<m>[0-9]{{1,2}})"
    r"(?P<gap>[^0-9\s][^0-9\n]{0,5}?|\s+[^0-9\s][^0-9\n]{0,4}?)\s*(?P<y>[0-9]{4})\s*[.,;:|]?\s*$"
)


def _eaten_nam_date(line: str, later_than: Cited) -> tuple[dt.date, str] | None:
    """The date of a place-date line whose "năm" a stain left only a remnant of ("tháng 3nc 2009").

    The line must have the place before "ngày"; the gap between the month
    and the year holds no digit (a lost digit of the month would be there),
    and the date must be valid and not earlier than what the text cites.
    """
    m = _EATEN_NAM_RE.search(line)
    if m is None or not PLACE_RE.search(line[: m.start()]):
        return None
    if len(m.group("m")) == 1 and m.group("gap")[0] not in " n":
        return None  # "tháng 1ˆ": what is stuck to a one-digit month may be its lost second digit
    return _matched_date(m, later_than)


#: A place-date line run into the "V/v …" line at its left, the place's last letter cut and "ngày"
#: eaten ("V/v xác minh văn bằng Hải Phòn ìy 15 tháng 08 năm 2008"): a place the profile knows
#: anywhere in the line, a short gap, a *two-digit* day, then "tháng", month, "năm", year, all readable.
_MERGED_TAIL = (rf"\s*[,.]*(?P<gap>[^\n]{{0,8}}?)(?<=\s)(?P<d>[0-9]{{2}})\s*[,.]?\s*{THANG}\s*[:.]?\s*"
                rf"(?P<m>{DAY})\s*[,.]?\s*{NAM}\s*[:.]?\s*(?P<y>{YEAR})(?![0-9])")


@lru_cache(maxsize=8)
def _merged_place_re(places: tuple[str, ...]) -> re.Pattern[str] | None:
    """The merged place-date line of any of ``places`` (folded), each with its last letter optional (cut)."""
    alts = sorted({re.escape(p[:-1]).replace("\\ ", "\\s?") + f"(?:{re.escape(p[-1])})?"
                   for p in places if len(p) >= 4}, key=len, reverse=True)
    return re.compile(rf"(?<![a-z])(?:{'|'.join(alts)}){_MERGED_TAIL}") if alts else None


def _merged_place_date(line: str, later_than: Cited, places: tuple[str, ...]) -> tuple[dt.date, str] | None:
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
    rf"^\W{{0,3}}{PLACE}\s*{NGAY}\s*[:.]?\s*(?P<d>[0-9]{{1,2}})\s*[,.]?\s*$")
#: The other piece: nothing but "tháng", a whole month, "năm" and a whole year.
_MONTH_YEAR_ONLY_RE = re.compile(
    rf"^\W{{0,3}}{THANG}\s*[:.]?\s*(?P<m>[0-9]{{1,2}})\s*[,.]?\s*{NAM}\s*[:.]?\s*(?P<y>[0-9]{{4}})\W{{0,2}}$")


def _split_line_date(lines: list[str], idx: int, later_than: Cited) -> tuple[dt.date, str] | None:
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
        date = to_date(head.group("d"), tail.group("m"), tail.group("y"))
        if date is not None and consistent(date, later_than):
            return date, f"{head.group(0).strip()}' + '{tail.group(0).strip()}"
    return None


def repaired_line_date(lines: list[str], idx: int, later_than: Cited,
                       places: tuple[str, ...]) -> tuple[dt.date, str] | None:
    """The date of a damaged place-date line that one of the repairs reads, and the text it read.

    Tried in order: the words "tháng" and "năm" eaten, "ngày" eaten, "năm"
    eaten to a remnant, the line run into the line at its left, the line
    read as two.

    Args:
        lines: The folded lines of the text.
        idx: The line to read.
        later_than: What the text cites (a repaired date is not earlier).
        places: The folded places the profile knows.

    Returns:
        ``(date, what was read)``, or ``None`` when no repair is sure.
    """
    line = lines[idx]
    return (_skeleton_date(line, later_than) or _eaten_ngay_date(line, later_than)
            or _eaten_nam_date(line, later_than) or _merged_place_date(line, later_than, places)
            or _split_line_date(lines, idx, later_than))


#: "ngày" read well enough for the other rules: not an eaten one.
_NGAY_WORD_RE = re.compile(rf"(?<![a-z]){NGAY}(?![a-z])")

#: A place-date line with "ngày" and part of the day eaten ("Hải Phòng, — 1 tháng 6 năm
#: 2012"): unreadable, but still the signing line, not to be outranked by a cited date.
_EATEN_LINE_RE = re.compile(
    rf"^\W{{0,3}}{PLACE}[,.]*[^\n]{{0,8}}?(?<![0-9])[0-9]{{1,2}}\s*[,.]?\s*"
    rf"{THANG}\s*[:.]?\s*\S{{1,3}}\s*[,.]?\s*{NAM}"
)

def signing_line_shape(line: str) -> re.Match[str] | None:
    """A place-date line too damaged to read: the place, then "ngày" and three numbers, or "tháng" and "năm".

    Args:
        line: A folded line.

    Returns:
        The part of the line that has the shape, or ``None``.
    """
    m = _SKELETON_RE.search(line)
    if m is not None and PLACE_RE.search(line[: m.start()]):
        return m
    return _EATEN_LINE_RE.search(line)

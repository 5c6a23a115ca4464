"""Issue dates in noisy OCR text: the place-date line and what damage leaves of it.

The signing date is taken from the place-date line ("Bạc Liêu, ngày 18
tháng 02 năm 2025") rather than from the acts the body cites, read on folded
text (see :mod:`pipeline.folding`) with OCR look-alikes of digits repaired
(O→0, l/I/|→1, S→5, B→8). When the place-date line is there but cannot be
read as printed, the date is ``None`` (the record goes to review) unless
one safe repair makes it consistent with the rest of the text; every
repaired date carries a note ("date repaired from …") that sends its
record to review.

The digit look-alikes and the date words live in :mod:`pipeline.date_words`,
the repairs of damaged place-date lines in :mod:`pipeline.date_repair`;
here the candidate lines are scored and the signing date chosen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.date_repair import Cited, repair_place_date, repaired_line_date, signing_line_shape
from pipeline.date_words import DAY, DIGIT, MAX_YEAR, MIN_YEAR, YEAR, fix_digits, lines_aligned, to_date
from pipeline.folding import fold_aligned
from pipeline.patterns import HEADER_LINES, NAM, NAM_DAMAGED, NGAY, PLACE_RE, SO, SO_PUNCT, THANG

__all__ = ["DateReading", "latest_cited_date", "parse_date", "parse_date_detail", "parse_date_reading"]

#: A speck read as a comma or a dot may stand between a word and its number ("tháng,04").
_WORD_DATE_RE = re.compile(
    rf"{NGAY}\s*[:.,]?\s*(?P<d>{DAY})\s*[,.]?\s*"
    rf"{THANG}\s*[:.,]?\s*(?P<m>{DAY})\s*[,.]?\s*"
    rf"{NAM}\s*[:.,]?\s*(?P<y>{YEAR})(?![0-9])"
)
#: The same line with any short token in place of the numbers: a place-date
#: line whose digits are unreadable ("ngày 2T tháng 08 năm 2008").
#: "năm" may be gone altogether when a whole four-digit year follows ("tháng 1 .2011").
_LOOSE_WORD_DATE_RE = re.compile(
    rf"{NGAY}\s*[:.]?\s*(?P<d>[^\s,.]{{1,3}})?\s*[,.]?\s*"
    rf"{THANG}\s*[:.]?\s*(?P<m>[^\s,.]{{1,3}})\s*[,.]?\s*"
    rf"(?:{NAM_DAMAGED}\s*[:.,]?\s*(?P<y>[^\s,.]{{2,5}}(?:\s?[0-9oilsb|]){{0,2}})|(?<=[\s.,])(?P<y4>[0-9]{{4}})(?![0-9]))"
)
#: The place-date line is among the first lines of a page: the header window and four lines more.
#: It is the right column's last line, which an interleaved page reads after the whole left column:
#: a long "V/v …" subject there comes before it too (with an e-signature banner or a copy stamp).
PLACE_DATE_LINES = HEADER_LINES + 4
#: Score of a place-date line that was found but could not be read: above
#: any date of the body, below a readable place-date line on a later page.
_UNREADABLE_SCORE = 3.9
_NUM_DATE_RE = re.compile(
    rf"(?<![0-9])(?P<d>{DAY})\s*[/.\-]\s*(?P<m>{DAY})\s*[/.\-]\s*(?P<y>{YEAR})(?![0-9])"
)
#: A line that opens with the header's number ("Số: 840/QĐ-UBND …"): what follows it on the line is the
#: right column, the place-date line.
_NUMBER_LINE_START_RE = re.compile(rf"\W{{0,3}}{SO}\s*{SO_PUNCT}?\s*{DIGIT}{{1,5}}\s*/\s*[a-z&]")
_BIRTH_RE = re.compile(r"(sinh|ns|n/s)\b[^\n]{0,12}$")
_CITATION_RE = re.compile(r"\b(so|ky|cap|luc|tu|den|truoc|sau)\s*[:]?\s*$")
#: "… số 12/QĐ-UBND ngày" before a date: the date of the act cited, not the signing date.
_CITED_ACT_RE = re.compile(rf"\b{SO}\s*[:]?\s*\S+\s+(?:{NGAY}\s*)?$")
#: "valid until …" ("đến ngày", "hết hạn", "tới"): the date after it is later than the signing.
_UNTIL_RE = re.compile(rf"\b(?:den|het han|toi)\s*(?:{NGAY})?\s*$")
#: "ngày" right before a date written with slashes ("ngày 05/7/2010").
_NGAY_BEFORE_RE = re.compile(rf"(?<![a-z]){NGAY}\s*$")
#: A legal basis of an act, up to its semicolon: "Căn cứ Quyết định số … ngày 07/7/2008 …;".
_BASIS_RE = re.compile(r"\bcan cu\b[^;]{0,400};")


def _cited(text: str) -> Cited:
    folded = fold_aligned(text)[1]  # folded once for both
    return Cited(_latest_in(folded, bases=True), _latest_in(folded, bases=False))


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
                if _UNTIL_RE.search(line[: m.start()]):
                    continue  # "valid until ..." is after the signing
                d = to_date(m.group("d"), m.group("m"), m.group("y"))
                if d is not None:
                    dates.append(d)
    return max(dates, default=None)



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
    if PLACE_RE.search(before):
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


def _date_candidates(text: str, cited: Cited, places: tuple[str, ...]) -> list[_Candidate]:
    """Scored date candidates; a reading without a date marks an unreadable place-date line.

    ``cited`` is what the text cites (:func:`latest_cited_date`): a
    repaired signing date may not be earlier (see :func:`consistent`).
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
        top = nonempty <= PLACE_DATE_LINES
        found_before = len(out)
        for regex, base in ((_WORD_DATE_RE, 1.0), (_NUM_DATE_RE, 0.0)):
            for m in regex.finditer(line):
                date = to_date(m.group("d"), m.group("m"), m.group("y"))
                if date is None:
                    continue
                before = line[: m.start()]
                score = base
                if PLACE_RE.search(before):
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
                if regex is _NUM_DATE_RE and _NGAY_BEFORE_RE.search(before):
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
            repaired = repair_place_date(loose, cited) if loose is not None else None
            if repaired is not None:
                out.append(_Candidate(_UNREADABLE_SCORE + 0.05, idx, DateReading(
                    repaired, f"date repaired from '{loose.group(0)}'", repaired.year, repaired.month)))
            elif (skeleton := repaired_line_date(folded_lines, idx, cited, places)) is not None:
                out.append(_Candidate(_UNREADABLE_SCORE + 0.05, idx, DateReading(
                    skeleton[0], f"date repaired from '{skeleton[1]}'", skeleton[0].year, skeleton[0].month)))
            elif (unreadable := loose or signing_line_shape(line)) is not None:
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
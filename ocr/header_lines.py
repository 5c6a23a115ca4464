"""The header's number line and place-date line among a page's words, and whether each read cleanly.

:func:`header_lines` finds the number line ("Số: 837/SGDĐT-KTKĐ") and the
place-date line ("Hải Phòng, ngày 28 tháng 1 năm 2008") among the words of
a page read, also one whose "ngày" a stain ate; :func:`judge` parses each
with the parsers of :mod:`pipeline.numbers_dates` and :mod:`pipeline.place_dates`
and says whether it read cleanly: a number whose symbol is made of known
codes, a date read as printed, from digits Tesseract was sure of
(:data:`pipeline.domain.DOUBT_CONF`; :data:`DATE_LOW_CONF` for the date).
:mod:`ocr.reread` reads again the lines that did not (and checks those
that did); :mod:`ocr.lost_lines` looks for those the page did not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr.postcorrect import Knowledge
from ocr.tesseract import OcrResult, OcrWord, group_lines
from pipeline.domain import DOUBT_CONF
from pipeline.folding import fold
from pipeline.numbers_dates import parse_number, unknown_codes
from pipeline.patterns import NAM_WORD, NGAY_WORD, PLACE, SO, SO_PUNCT, THANG_WORD
from pipeline.place_dates import parse_date_detail

__all__ = ["DATE_LOW_CONF", "HEADER_SHARE", "ISSUER_RE", "HeaderLine", "header_lines", "judge", "needs_reread",
           "valid_reading", "why_unclean"]

#: The same for the digits of the place-date line. A stain or a broken stroke turns
#: the "2" of "02" into a "3", the "8" of "2008" into a "6", and Tesseract is still
#: 80% sure of it, while most digits of a clean line are read at 90% and more.
DATE_LOW_CONF = 85.0
#: Only words whose top is in this share of the page from the top are header words.
HEADER_SHARE = 0.4

@dataclass(frozen=True)
class HeaderLine:
    """The number or place-date line of a header as the page read gave it."""

    kind: str  # "number" or "date"
    words: tuple[OcrWord, ...]
    value: str | None  # the parsed number, or the date in ISO form
    clean: bool

    @property
    def text(self) -> str:
        """The line as read."""
        return " ".join(w.text for w in self.words)


#: "Số" opening a line, then its colon, a digit or nothing ("Số:" whose number a stain ate).
_SO_RE = re.compile(rf"^\W{{0,3}}{SO}(?:\s*{SO_PUNCT}|\s*[0-9oilsb|]|\s*$)")
_NUMBER_SHAPE_RE = re.compile(r"^[0-9oils]{1,5}\s*/\s*[a-z&]")
#: "ngày" among the first words of a place-date line.
_NGAY_RE = re.compile(rf"^(?:\S+\s+){{0,2}}\W*{NGAY_WORD}")
_THANG_NAM_RE = re.compile(f"{THANG_WORD}|{NAM_WORD}")
#: The place and "ngày" ("Bạc Liêu, ngày"): a place-date line whatever follows.
_PLACE_RE = re.compile(rf"{PLACE}\s*\W*{NGAY_WORD}")
#: The place (its start may be garbled), a few damaged characters where "ngày" and the day were,
#: then "tháng" or "năm" after a number ("Hải Phòng,. „ay 31 tháng 12", "Hải Phòng, — 1 tháng 6").
_PLACE_EATEN_RE = re.compile(r"^\W{0,3}(?:\S+\s+){0,3}\S*[a-z]{2}\s*[,.]\W*\S{0,5}\s*[0-9oilstu|]{1,2}\s*"
                             rf"(?:{THANG_WORD}|{NAM_WORD})")


#: The issuer's second line ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", read "SỞ 9ỤC VÀ ĐÀO TẠO"): its "Sở" is no "Số".
ISSUER_RE = re.compile(r"(?<![a-z])(?:dao tao|giao duc)(?![a-z])")


def _digit_conf(words: tuple[OcrWord, ...] | list[OcrWord], digits: str) -> float:
    """Lowest confidence of the words holding the digits of ``digits`` (100 without any)."""
    confs = [w.conf for w in words if any(ch.isdigit() for ch in w.text)
             and "".join(ch for ch in w.text if ch.isdigit()) in digits]
    return min(confs, default=100.0)


def judge(kind: str, words: tuple[OcrWord, ...] | list[OcrWord], knowledge: Knowledge
          ) -> tuple[str | None, bool, float]:
    """Parse a number or place-date line: ``(value, clean, confidence of its digits)``.

    A number is clean when every code of its symbol is known; a date when it
    was read as printed (no repair, not unreadable). Clean values also need
    digits read at :data:`pipeline.domain.DOUBT_CONF` (numbers) or :data:`DATE_LOW_CONF`
    (dates) or above.
    """
    text = " ".join(w.text for w in words)
    if kind == "number":
        number = parse_number(text, knowledge.codes)
        if number is None:
            return None, False, 0.0
        conf = _digit_conf(words, number.rpartition("/")[0].replace("/", ""))
        return number, not unknown_codes(number, knowledge.codes) and conf >= DOUBT_CONF, conf
    date, note = parse_date_detail(text, knowledge.places)
    if date is None:
        return None, False, 0.0
    parts = f"{date.day:02d}{date.month:02d}{date.year}{date.day}{date.month}"
    conf = _digit_conf(words, parts)
    return date.isoformat(), not note and conf >= DATE_LOW_CONF, conf


def why_unclean(line: HeaderLine, knowledge: Knowledge) -> str:
    """Why a number or place-date line did not read cleanly (so it is read again)."""
    if line.value is None:
        return f"no {line.kind} parsed from it"
    if line.kind == "number" and (codes := unknown_codes(line.value, knowledge.codes)):
        return f"its symbol has codes no issuer uses: {', '.join(codes)}"
    if line.kind == "date" and (note := parse_date_detail(line.text, knowledge.places)[1]):
        return f"the date was repaired: {note}"
    conf = judge(line.kind, line.words, knowledge)[2]
    return f"its digits were read at {conf:.0f}% confidence"


def header_lines(result: OcrResult, height: int, knowledge: Knowledge) -> list[HeaderLine]:
    """The number line and the place-date line of a page's header, where found.

    The number line is the first header line with "Số:" (or a bare
    "123/QĐ-…" as its first word); the place-date line the first that opens
    with "ngày" and has "tháng" or "năm", or has the place before "ngày"
    ("Hải Phòng, ngày"), and no "sinh" (a birth date). Only words in the
    top :data:`HEADER_SHARE` of the page count.
    """
    head = tuple(w for w in result.words if w.top < HEADER_SHARE * height)
    found: dict[str, HeaderLine] = {}
    for words in group_lines(head).values():
        folded = fold(" ".join(w.text for w in words))
        kind = None
        if ("number" not in found and (_SO_RE.match(folded) or _NUMBER_SHAPE_RE.match(folded))
                and not ISSUER_RE.search(folded)):
            kind = "number"
        elif "date" not in found and "sinh" not in folded and _date_line(folded):
            kind = "date"
        if kind:
            value, clean, _ = judge(kind, words, knowledge)
            found[kind] = HeaderLine(kind, tuple(words), value, clean)
    return list(found.values())


def _date_line(folded: str) -> bool:
    """A folded line is a place-date line: "Hải Phòng, ngày", or "ngày" opening it and "tháng" or "năm"."""
    return (bool(_PLACE_RE.search(folded)) or bool(_PLACE_EATEN_RE.search(folded))
            or bool(_NGAY_RE.search(folded) and _THANG_NAM_RE.search(folded)))


def needs_reread(line: HeaderLine) -> bool:
    """A line is read again when it did not parse cleanly."""
    return not line.clean

def valid_reading(kind: str, words: list[OcrWord], knowledge: Knowledge) -> bool:
    """A reading parses to a value that needs no repair (the confidence of its digits aside)."""
    text = " ".join(w.text for w in words)
    if kind == "number":
        number = parse_number(text, knowledge.codes)
        return number is not None and not unknown_codes(number, knowledge.codes)
    date, note = parse_date_detail(text, knowledge.places)
    return date is not None and not note

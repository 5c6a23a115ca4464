"""A date as the place-date line prints it and Tesseract reads it: the words and the digits.

The shared ground of the date parsers (:mod:`pipeline.place_dates`,
:mod:`pipeline.date_repair`) and of the number parsers
(:mod:`pipeline.numbers_dates`): the look-alikes Tesseract prints for
digits, a day and a year as pattern fragments, and a date made of the three
numbers read. The words around them ("ngày", "tháng", "năm", the place)
are in :mod:`pipeline.patterns`.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.folding import fold_aligned

__all__ = ["DAY", "DIGIT", "MAX_YEAR", "MIN_YEAR", "YEAR", "fix_digits", "lines_aligned", "to_date"]

#: Characters Tesseract prints instead of digits (folded, lower-case).
_DIGIT_FIX = str.maketrans({"o": "0", "ø": "0", "i": "1", "l": "1", "|": "1", "s": "5", "b": "8"})
#: Character class of a digit or a digit look-alike, in folded text ("ø": a slashed zero).
DIGIT = r"[0-9oøilsb|]"


def fix_digits(raw: str) -> str:
    """Digits and their look-alikes read as digits, spaces dropped ("2O l0" → "2010").

    Args:
        raw: Folded text of a number.

    Returns:
        The text with each look-alike mapped to its digit; other characters stay.
    """
    return re.sub(r"\s+", "", raw).translate(_DIGIT_FIX)


def lines_aligned(text: str) -> list[tuple[str, str]]:
    """Each line of ``text`` as printed beside the same line folded.

    Args:
        text: Page or record text.

    Returns:
        ``(original, folded)`` per line; a value found in the folded line is
        cut out of the original at the same offsets.
    """
    original, folded = fold_aligned(text)
    return list(zip(original.split("\n"), folded.split("\n"), strict=True))


DAY = rf"{DIGIT}{{1,2}}"
YEAR = rf"{DIGIT}(?:\s?{DIGIT}){{3}}"

MIN_YEAR = 1945
MAX_YEAR = 2100


def to_date(d: str, m: str, y: str) -> dt.date | None:
    """The date of a day, a month and a year as read (look-alikes as digits), if it is one.

    Args:
        d: The day as read.
        m: The month as read.
        y: The year as read.

    Returns:
        The date; ``None`` when a part is no number, the date does not exist
        (31/02) or the year is outside :data:`MIN_YEAR`–:data:`MAX_YEAR`.
    """
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

"""The validity period a document prints ("có giá trị trong thời hạn 05 năm").

Read on folded text, its number in digits (OCR look-alikes repaired) or in
words; :mod:`pipeline.validity` turns it into the date a result is valid
until.
"""

from __future__ import annotations

import re

from pipeline.date_words import DIGIT, fix_digits
from pipeline.folding import fold_aligned

__all__ = ["parse_validity_years"]

_NUMBER_WORDS: dict[str, int] = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10,
}
_VALIDITY_RE = re.compile(
    r"(?:gia tri|thoi han|hieu luc)"
    r"(?:\s+(?:su dung|trong|thoi han|la|toi da|vong|ke ca))*\s*[:]?\s*"
    rf"(?:(?P<num>{DIGIT}{{1,2}})|(?P<word>mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi))"
    r"\s*(?:\([a-z ]{2,12}\)\s*)?[a-z]{1,2}m(?![a-z])"
)


def parse_validity_years(text: str) -> int | None:
    """A validity period printed in the text, in years.

    Reads "có giá trị trong thời hạn 05 năm", "có thời hạn 5 năm",
    "có giá trị 05 (năm) năm", "có hiệu lực trong năm năm".

    Args:
        text: Record text.

    Returns:
        Years (1–20) or ``None``.
    """
    folded = " ".join(fold_aligned(text)[1].split())
    for m in _VALIDITY_RE.finditer(folded):
        if m.group("num"):
            try:
                years = int(fix_digits(m.group("num")))
            except ValueError:
                continue
        else:
            years = _NUMBER_WORDS[m.group("word")]
        if 1 <= years <= 20:
            return years
    return None

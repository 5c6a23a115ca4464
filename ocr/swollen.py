"""Digits of the place-date line next to a word whose box a stain swelled.

A termite hole or a stain can eat one digit of "tháng 12" and leave the "2",
read at 96%: a valid date, clean, and the check reads it the same, for the
"1" is not on the paper any more. What is left is a trace in the layout:
Tesseract folds the damaged patch into the next word, whose box grows by
about a digit's width ("tháng" 6.3 digits wide, where it is 4.5 on every
other line of the tuning sets). The digits on either side of such a word
may have lost one of theirs: they keep their text, their confidence drops
below what the records stage trusts (:func:`ocr.reread.doubt_words`, as
for a check that read other digits), and a person looks at the date.

The widths are in widths of one digit of the line's year, so they hold at
any resolution. The medians and the margin come from the clean place-date
lines of eleven tuning sets (about 1,000 of each word): no "năm" was wider
than its median by a digit, two "ngày" were (each over a stained day), and
one "tháng" (the eaten "1" above).
"""

from __future__ import annotations

from ocr.tesseract import OcrWord
from pipeline.folding import fold

__all__ = ["KEYWORD_WIDTHS", "SWOLLEN_BY", "swollen_digits"]

#: Median width of each word of the place-date line, in widths of a digit of its year.
KEYWORD_WIDTHS = {"ngay": 3.84, "thang": 4.47, "nam": 3.31}
#: A word wider than its median by this many digit widths has more than itself in its box.
SWOLLEN_BY = 1.0


def _digit_width(words: tuple[OcrWord, ...] | list[OcrWord]) -> float | None:
    years = [w for w in words if len(w.text) == 4 and w.text.isdigit()]
    return years[-1].width / 4 if years else None


def swollen_digits(words: tuple[OcrWord, ...] | list[OcrWord]) -> list[OcrWord]:
    """The words with digits next to a swollen "ngày", "tháng" or "năm" of one place-date line.

    Args:
        words: The line's words, left to right.

    Returns:
        Those words (none when the line has no four-digit year to measure by).
    """
    unit = _digit_width(words)
    if unit is None or unit <= 0:
        return []
    out: list[OcrWord] = []
    for i, w in enumerate(words):
        median = KEYWORD_WIDTHS.get(fold(w.text))
        if median is None or w.width / unit <= median + SWOLLEN_BY:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(words) and any(ch.isdigit() for ch in words[j].text) and words[j] not in out:
                out.append(words[j])
    return out

"""A page quality score from Tesseract's word confidences and valid Vietnamese syllables.

Damage that defeats OCR shows in two ways: Tesseract is unsure of its
words, and what it reads are not syllables Vietnamese can spell. The score
(0–1) is the mean of the two; pages below
:data:`pipeline.records.REVIEW_QUALITY` send their record to the review queue.
"""

from __future__ import annotations

import re

from ocr.tesseract import OcrResult
from pipeline.folding import is_vietnamese_syllable

__all__ = ["page_quality"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def page_quality(result: OcrResult, print_lines: int | None = None) -> float:
    """Score one page's OCR from 0 (unreadable) to 1.

    Acronyms (upper-case words that are no syllable, such as "UBND") and
    numbers are left out of the syllable share. With ``print_lines``, the
    bands of print the layout found on the page: a page with fewer words
    read than lines of print was mostly not read (turned sideways, its ink
    too faint), and scores in proportion; a page with neither is blank and
    read as such (1). Without it an empty reading scores 0.
    """
    if not result.words:
        return 1.0 if print_lines == 0 else 0.0
    conf = sum(w.conf for w in result.words) / len(result.words) / 100.0
    words = [m.group(0) for w in result.words for m in _WORD.finditer(w.text)]
    # An upper-case word that is no syllable is an acronym (UBND, THCS, KTKĐ), not an error.
    words = [w for w in words if not (w.isupper() and len(w) > 1 and not is_vietnamese_syllable(w))]
    score = conf if not words else (conf + sum(is_vietnamese_syllable(w) for w in words) / len(words)) / 2
    if print_lines and len(result.words) < print_lines:
        score *= len(result.words) / print_lines
    return round(score, 3)

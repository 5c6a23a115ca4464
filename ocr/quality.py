"""A page quality score from Tesseract's word confidences and valid Vietnamese syllables.

Damage that defeats OCR shows in two ways: Tesseract is unsure of its
words, and what it reads are not syllables Vietnamese can spell. The score
(0–1) is the mean of the two; pages below
:data:`pipeline.records.REVIEW_QUALITY` send their record to the review queue.
"""

from __future__ import annotations

import re
import unicodedata

from ocr.tesseract import OcrResult

__all__ = ["is_vietnamese_syllable", "page_quality"]

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_SHAPE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})"
    r"(ng|nh|ch|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of a Vietnamese syllable (initial, vowels, final, one tone)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in nfd) > 1:
        return False
    base = "".join(ch for ch in nfd if not unicodedata.combining(ch)).replace("đ", "d")
    return bool(_SHAPE.match(base))


def page_quality(result: OcrResult) -> float:
    """Score one page's OCR from 0 (unreadable) to 1.

    Acronyms (upper-case words that are no syllable, such as "UBND") and
    numbers are left out of the syllable share; an empty page scores 0.
    """
    if not result.words:
        return 0.0
    conf = sum(w.conf for w in result.words) / len(result.words) / 100.0
    words = [m.group(0) for w in result.words for m in _WORD.finditer(w.text)]
    # An upper-case word that is no syllable is an acronym (UBND, THCS, KTKĐ), not an error.
    words = [w for w in words if not (w.isupper() and len(w) > 1 and not is_vietnamese_syllable(w))]
    if not words:
        return round(conf, 3)
    valid = sum(is_vietnamese_syllable(w) for w in words) / len(words)
    return round((conf + valid) / 2, 3)

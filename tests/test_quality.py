"""The page quality score separates readable pages from garbage."""

from __future__ import annotations

import numpy as np

from ocr.quality import is_vietnamese_syllable, page_quality
from ocr.tesseract import OcrResult, OcrWord, run_ocr
from pipeline.records import REVIEW_QUALITY
from sohoa.settings import TesseractOptions


def _result(text: str, conf: float) -> OcrResult:
    words = tuple(OcrWord(t, conf, 0, 0, 1, 1, 1, 1, 1) for t in text.split())
    return OcrResult(text, words)


def test_syllable_shapes() -> None:
    for ok in ("nghiêng", "Nguyễn", "QUYẾT", "đạt", "chuẩn", "giáo", "khuya", "trường", "ĐỊNH"):
        assert is_vietnamese_syllable(ok), ok
    for bad in ("xyzt", "tiếnng", "aàả", "strng", "ḿả"):
        assert not is_vietnamese_syllable(bad), bad


def test_readable_page_scores_high_and_garbage_low(text_page: np.ndarray) -> None:
    good = page_quality(run_ocr(text_page, TesseractOptions()))
    assert good > 0.9
    garbage = page_quality(_result("rnưỹ Jkqư ffl’ xzq ĩiĩ wwrt ạẹọ", 35.0))
    assert garbage < REVIEW_QUALITY
    assert page_quality(OcrResult("", ())) == 0.0


def test_acronyms_do_not_lower_the_score() -> None:
    assert page_quality(_result("UBND THCS KTKĐ Sở Giáo dục", 95.0)) == page_quality(_result("Sở Giáo dục", 95.0))

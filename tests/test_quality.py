"""The page quality score separates readable pages from garbage."""

from __future__ import annotations

import numpy as np

from ocr.quality import page_quality
from pipeline.folding import is_vietnamese_syllable
from ocr.tesseract import OcrResult, OcrWord, run_ocr
from pipeline.records import REVIEW_QUALITY
from core.settings import TesseractOptions


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


def test_a_page_read_far_short_of_its_print_scores_low() -> None:
    """Pages are scored against the lines of print the layout found: a page turned sideways or too faint that
    gives a word or two is not a well-read page, and a page with no print read as empty is a blank page."""
    one = _result("Nơi nhận", 96.0)
    assert page_quality(one) > REVIEW_QUALITY  # what was read is good, but not what it is measured against
    assert page_quality(one, print_lines=12) < REVIEW_QUALITY
    assert page_quality(one, print_lines=2) == page_quality(one)  # as many words as lines: not scaled
    assert page_quality(OcrResult("", ()), print_lines=0) == 1.0
    assert page_quality(OcrResult("", ()), print_lines=9) == 0.0
    assert page_quality(OcrResult("", ())) == 0.0  # nothing known of the print (plain Tesseract)


def test_a_page_whose_print_was_not_read_sends_its_record_to_review() -> None:
    import datetime as dt

    from conftest import HP
    from pipeline.records import PageText, build_records

    text = ("SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 45/SGDĐT-KTKĐ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Hải Phòng, ngày 05 tháng 7 năm 2010\nSở Giáo dục và Đào tạo xác minh văn bằng của ông Nguyễn Văn An.")
    pages = [PageText(1, text, 92.0, quality=0.95), PageText(2, "", None, quality=0.0)]
    (rec, _), = build_records(pages, dt.date(2020, 1, 1), HP)
    assert rec.pages == (1, 2) and "review: page 2 reading quality 0.00" in rec.reasons
    blank = [PageText(1, text, 92.0, quality=0.95), PageText(2, "", None, quality=1.0)]
    (rec, _), = build_records(blank, dt.date(2020, 1, 1), HP)
    assert not any("page 2" in r for r in rec.reasons)

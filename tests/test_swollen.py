"""A digit eaten beside "tháng": the word the stain swelled sends the date to review."""

from __future__ import annotations

import datetime as dt

from conftest import HP
from ocr.reread import DISSENT_CONF, doubt_words
from ocr.swollen import swollen_digits
from ocr.tesseract import OcrResult, OcrWord, words_to_text
from pipeline.records import PageText, build_records, doubtful_words


def _line(boxes: list[tuple[str, int, int, float]]) -> tuple[OcrWord, ...]:
    return tuple(OcrWord(text, conf, left, 600, width, 36, 2, 1, 4) for text, left, width, conf in boxes)


#: Seed 31, 031 page 1: "tháng 12" with its "1" eaten; Tesseract put the hole in the box of "tháng".
EATEN = _line([("Hải", 1435, 72, 91), ("Phòng,", 1523, 141, 96), ("ngày", 1682, 97, 97), ("13", 1797, 44, 97),
               ("tháng", 1857, 144, 62), ("2", 2009, 25, 96), ("năm", 2049, 84, 96), ("2011", 2147, 91, 94)])
#: Seed 31, 021 page 5: an undamaged line.
WHOLE = _line([("Hải", 1390, 71, 95), ("Phòng,", 1478, 140, 96), ("ngày", 1637, 96, 97), ("4", 1747, 23, 97),
               ("tháng", 1787, 111, 97), ("12", 1920, 43, 87), ("năm", 1979, 83, 96), ("2008", 2078, 101, 97)])


def test_the_digits_beside_a_swollen_word_are_found() -> None:
    assert [w.text for w in swollen_digits(EATEN)] == ["13", "2"]
    assert swollen_digits(WHOLE) == []
    # No year to measure by: nothing is judged.
    assert swollen_digits(tuple(w for w in EATEN if w.text != "2011")) == []


def test_a_swollen_word_sends_the_date_to_review() -> None:
    text = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 212/SGD&ĐT-KTKĐ\n" + words_to_text(EATEN) + "\nKính gửi: Công an thành phố"
    number = tuple(OcrWord(t, 93.0, 300 + 120 * i, 450, 100, 36, 1, 1, 3)
                   for i, t in enumerate(["Số:", "212/SGD&ĐT-KTKĐ"]))
    result = OcrResult(text, number + EATEN)
    doubted, swelled = doubt_words(result, swollen_digits(EATEN))
    assert swelled
    assert doubted.text == result.text  # the words keep their text
    low = {w.text: w.conf for w in doubted.words if w.conf <= DISSENT_CONF}
    assert low == {"13": DISSENT_CONF, "2": DISSENT_CONF}
    pages = [PageText(1, text, 90.0, doubtful=doubtful_words([(w.text, w.conf) for w in doubted.words]))]
    (rec, _), = build_records(pages, dt.date(2026, 1, 1), HP)
    assert rec.fields.date == dt.date(2011, 2, 13)
    assert rec.needs_review and any("date 2011-02-13 read with low confidence" in r for r in rec.reasons)
    # The whole line is left as it was.
    assert doubt_words(OcrResult(words_to_text(WHOLE), WHOLE), swollen_digits(WHOLE))[1] is False

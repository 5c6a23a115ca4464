"""The fixed parts' patterns (pipeline/patterns.py): the OCR spellings each accepts, and what it must not."""

import re

import pytest

from pipeline.folding import fold
from pipeline.patterns import (
    ABOUT_RE,
    BODY_START_RE,
    HEADER_LINES,
    MOTTO,
    MOTTO_LINE_RES,
    NAM,
    NAM_DAMAGED,
    NAM_WORD,
    NGAY,
    NGAY_WORD,
    NUMBER_SLOT_RE,
    PLACE,
    PLACE_RE,
    SO,
    SO_LABEL,
    THANG,
    THANG_WORD,
)


def _full(fragment: str, text: str) -> bool:
    return re.fullmatch(fragment, text) is not None


@pytest.mark.parametrize("read", ["so", "s0", "s6", "s8", "5o"])
def test_so_spellings(read):
    assert _full(SO, read)


@pytest.mark.parametrize("read", ["sa", "s1", "50", "o"])
def test_so_not(read):
    assert not _full(SO, read)


def test_so_label_5o_only_before_its_colon():
    assert re.search(SO_LABEL, "5o: 12")
    assert not re.search(SO_LABEL, "5o 12")
    assert re.search(SO_LABEL, "s8 12")


def test_so_label_not_inside_a_word_or_number():
    assert not re.search(SO_LABEL, "hoso 12")
    assert not re.search(SO_LABEL, "3so 12")


@pytest.mark.parametrize("line", ["Số: 123/QĐ-SGDĐT", "S0; 12/QĐ-UBND", "Số, 4/QĐ-UBND", "Số: /QĐ-UBND",
                                  "Số: 79 GDĐT-KT", "S&533/QĐ-UBND", "võ 191 /PGDĐT-CM", "S8: 12/QĐ-UBND",
                                  "3ố 703 /QĐ-SGDĐT"])
def test_number_slot(line):
    assert NUMBER_SLOT_RE.match(fold(line))


@pytest.mark.parametrize("line", ["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Quyết định số 12 của", "Hải Phòng, ngày 5 tháng 7",
                                  "12 703/QĐ-SGDĐT"])
def test_number_slot_not(line):
    assert not NUMBER_SLOT_RE.match(fold(line))


def test_body_start():
    assert BODY_START_RE.match(fold("Kính gửi: Sở Nội vụ"))
    assert BODY_START_RE.match(fold("- Căn cứ Luật Giáo dục;"))
    assert not BODY_START_RE.match(fold("Về việc kính gửi"))


@pytest.mark.parametrize("read", ["ngay", "rgay", "nqay", "mgay", "pgay", "rqay", "n gay", "nyay", "9ay", "9av"])
def test_ngay_spellings(read):
    assert _full(NGAY, read)


@pytest.mark.parametrize("read", ["thang", "nam", "kgay", "19ay"])
def test_ngay_not(read):
    # "19ay": a "9" after a digit is a digit, not "ng".
    assert not re.search(NGAY, read)


@pytest.mark.parametrize("read", ["ngay", "nqay", "rgay", "pgay", "9ay", "ngiy"])
def test_ngay_word(read):
    assert re.fullmatch(NGAY_WORD, read)


@pytest.mark.parametrize("read", ["nghi", "ngu", "ngayx"])
def test_ngay_word_not(read):
    # A line found by "ngày" alone: "Nghị định" of the body is no place-date line.
    assert not re.match(NGAY_WORD, read)


@pytest.mark.parametrize("read", ["thang", "tbang", "tkang", "t hang"])
def test_thang(read):
    assert _full(THANG, read)


@pytest.mark.parametrize("read", ["nam", "narn", "nem", "n am"])
def test_nam(read):
    assert _full(NAM, read)


def test_nam_damaged_takes_a_letter_more():
    assert _full(NAM_DAMAGED, "nesm") and not _full(NAM, "nesm")


def test_word_forms():
    assert re.search(THANG_WORD, "thang 7") and re.search(THANG_WORD, "tbng")
    assert not re.search(THANG_WORD, "pho thong")  # "phổ thông năm 2012" has no "tháng"
    assert re.search(NAM_WORD, "narn 2008") and not re.search(NAM_WORD, "nhanh")


@pytest.mark.parametrize("before", ["hai phong, ", "hue, ", "thanh pho ho chi minh, ", "bac lieu. "])
def test_place_before_a_date(before):
    assert PLACE_RE.search(before)


@pytest.mark.parametrize("before", ["so 12/qd-ubnd ", "hai phong", "a, "])
def test_place_not(before):
    assert not PLACE_RE.search(before)


def test_place_fragment_is_one_to_four_words_and_the_comma():
    assert _full(PLACE, "hai phong,")
    assert not _full(PLACE, "mot hai ba bon nam,")


def test_motto():
    assert MOTTO_LINE_RES[0].search(fold(MOTTO[0])) and MOTTO_LINE_RES[1].search(fold(MOTTO[1]))
    assert MOTTO_LINE_RES[0].search(fold("HÒA XÃ HỘI CHỦ NGHĨA VIỆT"))  # the start under a stain
    assert not MOTTO_LINE_RES[1].search(fold("tự động"))


@pytest.mark.parametrize("line", ["V/v xác minh văn bằng", "Về việc cấp bằng", "V/ xác minh", "V+$v xác minh",
                                  "V1v cấp bản sao", "V/y cấp"])
def test_about(line):
    assert ABOUT_RE.match(fold(line))


@pytest.mark.parametrize("line", ["Việt Nam", "Vụ Giáo dục", "vv"])
def test_about_not(line):
    assert not ABOUT_RE.match(fold(line))


def test_header_window():
    assert HEADER_LINES == 12

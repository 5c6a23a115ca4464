"""Tests for field extraction from noisy OCR text."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain import ProcedureType as P
from conftest import DEFAULT, HP
from pipeline.extract import extract_fields, extract_fields_noted
from pipeline.number_repair import parse_number_detail
from pipeline.numbers_dates import parse_number as _parse_number
from pipeline.subject import (
    SubjectReading,
    parse_person,
    parse_person_detail,
    parse_subject,
    parse_subject_detail,
)
from pipeline.subject import parse_school as _parse_school
from pipeline.titles import parse_about, parse_title
from pipeline.validity_period import parse_validity_years
from pipeline.folding import fold
from pipeline.place_dates import parse_date, parse_date_detail
from pipeline.issuers import read_issuer


def parse_number(text: str, **kw: object) -> str | None:
    return _parse_number(text, DEFAULT.codes, **kw)  # type: ignore[arg-type]


def parse_school(text: str) -> str | None:
    return _parse_school(text, HP.gazetteer)


def parse_issuer(text: str, profile=HP) -> str | None:  # type: ignore[no-untyped-def]
    return read_issuer(text, profile).value


def pnd(text: str, date: dt.date | None = None, title: str | None = None) -> tuple[str | None, str]:
    """parse_number_detail with the Hải Phòng office's profile and the text's own issuer: (value, note)."""
    got = parse_number_detail(text, HP, read_issuer(text, HP, date), date, title)
    return got.value, got.note

XAC_MINH = """\
UBND THÀNH PHỐ HẢI PHÒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc
Số: 45/SGDĐT-KTKĐ Hải Phòng, ngày 05 tháng 7 năm 2010
V/v xác minh văn bằng
Kính gửi: Công ty TNHH Hoa Mai
Sở Giáo dục và Đào tạo Hải Phòng nhận được Công văn số 12/CV ngày 20/6/2010
đề nghị xác minh văn bằng của bà có tên sau:
Họ và tên: Nguyễn Thị Hoa
Ngày sinh: 12/03/1990; Nơi sinh: Hải Phòng
Kết quả xác minh: bà Nguyễn Thị Hoa đã được Sở cấp bằng tốt nghiệp THPT năm 2008.
Nơi nhận:
- Như trên;
- Lưu VT, KTKĐ.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Trần Văn Bình
"""

CHUAN_QG = """\
ỦY BAN NHÂN DÂN
THÀNH PHỐ HẢI PHÒNG
Số: 1234/QĐ-UBND
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hải Phòng, ngày 15 tháng 8 năm 2011
QUYẾT ĐỊNH
Về việc công nhận Trường Tiểu học Đằng Lâm, quận Hải An
đạt chuẩn Quốc gia mức độ 1
CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG
Căn cứ Quyết định số 32/2005/QĐ-BGDĐT ngày 24 tháng 10 năm 2005 của Bộ Giáo dục và Đào tạo;
Xét đề nghị của Giám đốc Sở Giáo dục và Đào tạo,
QUYẾT ĐỊNH:
Điều 1. Công nhận Trường Tiểu học Đằng Lâm, quận Hải An đạt chuẩn Quốc gia mức độ 1.
Điều 2. Danh hiệu trường đạt chuẩn Quốc gia có giá trị trong thời hạn 05 năm.
"""

CHINH_SUA = """\
UBND THÀNH PHỐ HẢI PHÒNG
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 301/QĐ-SGDĐT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hải Phòng, ngày 3 tháng 12 năm 2012
QUYẾT ĐỊNH
Về việc chỉnh sửa nội dung văn bằng
Xét đơn đề nghị chỉnh sửa văn bằng của ông Lê Văn Nam ngày 12 tháng 11 năm 2012;
Điều 1. Chỉnh sửa nội dung bằng tốt nghiệp THCS đã cấp cho ông Lê Văn Nam, sinh ngày 02/02/1995:
Họ và tên ghi trong văn bằng: Lê Văn Năm; nay sửa lại là: Lê Văn Nam.
"""


# --------------------------------------------------------------------------
# parse_number
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số: 123/QĐ-SGDĐT", "123/QĐ-SGDĐT"),
        ("Số:157/ QĐ-NĐ-UB", "157/QĐ-NĐ-UB"),
        ("Số 45 /SGDĐT-KTKĐ", "45/SGDĐT-KTKĐ"),
        ("S0: l23/QD-SGDDT", "123/QĐ-SGDĐT"),
        ("So: 12/2010/QD-UBND", "12/2010/QĐ-UBND"),
        ("Số: 45/SGD&ĐT-TCCB", "45/SGD&ĐT-TCCB"),
        ("Số: 1O5 / 0D - 5GDĐT", "105/QĐ-SGDĐT"),
        ("UBND THÀNH PHỐ HẢI PHÒNG\nSố: 88/QĐ-SGDĐT Hải Phòng, ngày 1 tháng 2 năm 2010", "88/QĐ-SGDĐT"),
    ],
)
def test_parse_number_variants(text: str, expected: str) -> None:
    assert parse_number(text) == expected


def test_parse_number_blank_number_is_none() -> None:
    assert parse_number("Số: /BC-SGDĐT\nHải Phòng, ngày tháng 3 năm 2023") is None


def test_parse_number_prefers_header_over_cited_acts() -> None:
    text = "Căn cứ Quyết định số 32/2005/QĐ-BGDĐT ngày 24/10/2005;\nSố: 77/QĐ-SGDĐT"
    assert parse_number(text) == "77/QĐ-SGDĐT"
    assert parse_number("Căn cứ Quyết định số 32/2005/QĐ-BGDĐT ngày 24/10/2005;") is None


SUFFIXES = ["QĐ-SGDĐT", "SGDĐT-KTKĐ", "QĐ-UBND", "QĐ-GDĐT", "SGD&ĐT-TCCB", "QĐ-NĐ-UB"]
_DIGIT_NOISE = {"0": "O", "1": "l", "5": "S"}


def _noisy_number(rng: random.Random, number: str, suffix: str) -> str:
    num = "".join(_DIGIT_NOISE[c] if c in _DIGIT_NOISE and rng.random() < 0.4 else c
                  for c in number)
    if not any(c.isdigit() for c in num) and len(num) > 3:
        num = number  # four look-alikes in a row are not a number any more
    suf = fold(suffix).upper() if rng.random() < 0.5 else suffix
    suf = suf.replace("-", rng.choice(["-", " - ", "- ", "-"]))
    so = rng.choice(["Số:", "Số", "So:", "S0:", "Sô:", "Số :"])
    slash = rng.choice(["/", " /", "/ ", " / "])
    return f"{so}{rng.choice(['', ' ', '  '])}{num}{slash}{suf}"


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=9999),
    pad=st.booleans(),
    suffix=st.sampled_from(SUFFIXES),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_parse_number_recovers_from_ocr_noise(n: int, pad: bool, suffix: str, seed: int) -> None:
    number = f"{n:02d}" if pad else str(n)
    noisy = _noisy_number(random.Random(seed), number, suffix)
    assert parse_number(noisy) == f"{number}/{suffix}", noisy


# --------------------------------------------------------------------------
# parse_date
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hải Phòng, ngày 05 tháng 7 năm 2010", dt.date(2010, 7, 5)),
        ("Hai Phong, ngay 5 thang 07 nam 2010", dt.date(2010, 7, 5)),
        ("Hải Phòng, 05/07/2010", dt.date(2010, 7, 5)),
        ("Hai Phong, ngay O5 thang l2 nam 2Ol0", dt.date(2010, 12, 5)),
        ("Hải Phòng, ngày 31 tháng 2 năm 2010", None),
        ("Hải Phòng, ngày 12 tháng 13 năm 2010", None),
        ("Họ và tên: An, sinh ngày 12/03/1990", None),
        ("Hải Phòng, ngày    tháng 3 năm 2023", None),
    ],
)
def test_parse_date_variants(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_parse_date_prefers_place_date_over_body_dates() -> None:
    assert parse_date(XAC_MINH) == dt.date(2010, 7, 5)
    assert parse_date(CHUAN_QG) == dt.date(2011, 8, 15)
    # Place-date line at the bottom (certificates), birth date in the body.
    body = "Ông Nguyễn Văn An, sinh ngày 01 tháng 02 năm 1980\nHải Phòng, ngày 9 tháng 9 năm 2009"
    assert parse_date(body) == dt.date(2009, 9, 9)


_DATE_NOISE = {"0": "O", "1": "l", "5": "S"}


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2013, 12, 31)),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_parse_date_recovers_from_ocr_noise(day: dt.date, seed: int) -> None:
    rng = random.Random(seed)

    def noisy(num: str) -> str:
        return "".join(_DATE_NOISE.get(c, c) if rng.random() < 0.3 else c for c in num)

    d = f"{day.day:02d}" if rng.random() < 0.5 else str(day.day)
    m = f"{day.month:02d}" if rng.random() < 0.5 else str(day.month)
    form = rng.randrange(3)
    if form == 0:
        line = f"Hải Phòng, ngày {noisy(d)} tháng {noisy(m)} năm {noisy(str(day.year))}"
    elif form == 1:
        line = f"Hai Phong, ngay {noisy(d)} thang {noisy(m)} nam {noisy(str(day.year))}"
    else:
        line = f"Hải Phòng, {noisy(d)}/{noisy(m)}/{noisy(str(day.year))}"
    text = f"Số: 12/QĐ-SGDĐT\n{line}\nÔng Trần An, sinh ngày 01/02/1985"
    assert parse_date(text) == day, text


# --------------------------------------------------------------------------
# issuer, title, about
# --------------------------------------------------------------------------


def test_parse_issuer_interleaved_sgd() -> None:
    assert parse_issuer(XAC_MINH) == "UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO"


def test_parse_issuer_ubnd() -> None:
    assert parse_issuer(CHUAN_QG) == "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"


@pytest.mark.parametrize("profile", [DEFAULT, HP], ids=["default", "hai-phong"])
def test_parse_issuer_noisy_and_without_diacritics(profile) -> None:  # type: ignore[no-untyped-def]
    noisy = "UBND THANH PH0 HAI PHONG CONG HOA XA HOI CHU NGHIA VIET NAM\nSO GIAO DUC VA ÐAO TAO\nSố: 1/QĐ-SGDĐT"
    got = read_issuer(noisy, profile)
    assert got.value == "UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    # "PH0" is no word: the profile's line is put in its place, the reading kept, a person looks.
    assert got.read is not None and "PH0" in got.read and got.notes
    got = read_issuer("UY BAN NHAN DAN\nTHANH PHO HAl PHONG\nSo: 5/QD-UBND", profile)
    assert got.value == "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG" and got.notes


def test_parse_issuer_unknown_falls_back_to_raw_lines() -> None:
    text = "UBND HUYỆN AN LÃO\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 7/QĐ-PGDĐT"
    assert parse_issuer(text) == "UBND HUYỆN AN LÃO / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    assert parse_issuer("") is None


def test_parse_title_and_about() -> None:
    assert parse_title(CHUAN_QG) == "QUYẾT ĐỊNH"
    assert parse_title(XAC_MINH) is None
    assert parse_title("GIẤY CHỨNG NHẬN\nKIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC") == "GIẤY CHỨNG NHẬN"
    assert parse_about(XAC_MINH) == "xác minh văn bằng"
    assert parse_about(CHUAN_QG) == (
        "công nhận Trường Tiểu học Đằng Lâm, quận Hải An đạt chuẩn Quốc gia mức độ 1"
    )


# --------------------------------------------------------------------------
# subject
# --------------------------------------------------------------------------


def test_parse_person_forms() -> None:
    assert parse_person(XAC_MINH) == "Nguyễn Thị Hoa"
    assert parse_person("Cấp bản sao cho ông NGUYỄN VĂN AN, sinh ngày") == "Nguyễn Văn An"
    assert parse_person("đề nghị của Anh/Chị Phạm Minh Đức về việc") == "Phạm Minh Đức"
    assert parse_person("Ông/Bà Vũ Thị Lan") == "Vũ Thị Lan"
    assert parse_person("Kính gửi: Ông Giám đốc Công ty") is None
    assert parse_person("không có tên người") is None


def test_parse_person_past_damage_around_the_name() -> None:
    # Seed 28: the motto lost its "C" (":ÔNG HÒA XÃ HỘI …" is no "ông Hòa …") and "Họ" was read "He".
    motto = ":ÔNG HÒA XÃ HỘI ÄÑGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    assert parse_person(motto + "He và tên: Hà Văn Phòng\nNgày sinh: 23/04/1978") == "Hà Văn Phòng"
    assert parse_person(motto) is None
    # Seed 26: a speck after the name read "O"; "Y" and "Ý" are names of one letter.
    assert parse_person("Họ và tên: Vũ Thùy Nhung O\nNgày sinh: 01/02/1990") == "Vũ Thùy Nhung"
    assert parse_person("Họ và tên: Vũ Thùy Nhung H\nNgày sinh: 01/02/1990") == "Vũ Thùy Nhung"
    assert parse_person("Họ và tên: Nguyễn Thị Y\nNgày sinh: 01/02/1990") == "Nguyễn Thị Y"
    assert parse_person("Họ và tên: Lê Như Ý\nNgày sinh: 01/02/1990") == "Lê Như Ý"


@pytest.mark.parametrize(("text", "name"), [
    ("Cấp cho thí sinh Lê Văn Tám, sinh ngày 2/3/1990", "Lê Văn Tám"),
    ("Người được cấp văn bằng: TRẦN THỊ BÍCH\nNgày sinh: 01/02/1990", "Trần Thị Bích"),
    ("Học sinh: Phạm Văn Cường\nNgày sinh: 01/02/1990", "Phạm Văn Cường"),
    ("Điều 1. Cấp cho học sinh Trường THPT Lê Lợi bản sao", None),
])
def test_parse_person_named_by_a_role(text: str, name: str | None) -> None:
    """Other offices name the holder by a role ("thí sinh", "người được cấp văn bằng")."""
    assert parse_person(text) == name


def test_a_name_cut_before_a_damaged_word_backs_the_whole_one_or_is_flagged() -> None:
    """A last word glued to a digit ("Á1v") or with capitals inside ("MIx") is damage, not a name."""
    text = ("Xét đơn đề nghị của bà Nguyễn Thị Á1v ngày 14072013.\nHọ và tên: Nguyễn Thị MIx\n"
            "Điều 3. Trưởng phòng và bà Nguyễn Thị My chịu trách nhiệm thi hành")
    assert parse_person_detail(text) == SubjectReading("Nguyễn Thị My")
    alone = parse_person_detail("Xét đơn đề nghị của bà Nguyễn Thị Á1v ngày 14072013.")
    assert alone.value == "Nguyễn Thị" and alone.note.startswith("subject: ")
    for damaged in ("Họ và tên: Nguyễn Thúy 0anh\n", "xác minh văn bằng của ông Vũ Bá k\n", "Bà: Nguyên KÌ\n"):
        got = parse_person_detail(damaged)
        assert got.value is None or got.note.startswith("subject: "), got
    # A name printed in capitals keeps a mark Tesseract read small.
    assert parse_person_detail("Họ và tên: NGUYễN VĂN AN\nNgày sinh") == SubjectReading("Nguyễn Văn An")


def test_parse_person_takes_corrected_name() -> None:
    assert parse_subject(CHINH_SUA, P.CHINH_SUA_VAN_BANG, HP.gazetteer) == "Lê Văn Nam"


def test_parse_school_forms() -> None:
    assert parse_school(CHUAN_QG) == "Trường Tiểu học Đằng Lâm"
    assert parse_school("công nhận Trường THCS Lê Lợi đạt chuẩn") == "Trường THCS Lê Lợi"
    assert parse_school("TRƯỜNG MẦM NON HOA SEN\nĐạt tiêu chuẩn") == "Trường Mầm non Hoa Sen"
    assert parse_school("Trường THCS Trường Sơn, huyện An Lão") == "Trường THCS Trường Sơn"
    assert parse_school("công nhận Trường Tiểu học Trực Định số 2, huyện Kiến Xương") == (
        "Trường Tiểu học Trực Định số 2")
    assert parse_school("Trường THCS Lê Lợi số 12/QĐ") == "Trường THCS Lê Lợi"  # a number cited, not the school's
    # "Thị" and "Thì" are names' ("Võ Thị Sáu", "Ngô Thì Nhậm"), unless "thị xã" follows.
    assert parse_school("Trường THPT Võ Thị Sáu, huyện Đông Hưng") == "Trường THPT Võ Thị Sáu"
    assert parse_school("Trường Mầm non Ngô Thì Nhậm") == "Trường Mầm non Ngô Thì Nhậm"
    assert parse_school("Trường THCS Hòa Bình Thị xã Quảng Yên") == "Trường THCS Hòa Bình"
    # A name of one word goes on where its line was wrapped; one of two words is whole.
    assert parse_school("công nhận Trường Tiểu học Kim\nNghĩa, huyện Kiến Xương") == "Trường Tiểu học Kim Nghĩa"
    assert parse_school("Trường THCS Lê Lợi\nĐạt chuẩn") == "Trường THCS Lê Lợi"
    # …unless the next line opens with one word and a comma: the name's wrapped last word.
    assert parse_school("đối với: Trường Tiểu học Hồ Xuân\nHương, huyện Yên Khánh.") == (
        "Trường Tiểu học Hồ Xuân Hương")
    assert parse_school("Hiệu trưởng Trường THCS Lê Lợi\nHiệu trưởng chịu trách nhiệm") == "Trường THCS Lê Lợi"
    assert parse_school("truong thcs hoa sen") is None  # lower case and unknown: not a name
    assert parse_school("truong thcs le loi") == "Trường THCS Lê Lợi"  # a known school, spelt exactly
    assert parse_school("Trường Mầm non\nCầu Đất, quận Ngô Quyền") == "Trường Mầm non Cầu Đất"
    assert parse_school("Trường THPT Đoàn ập, huyện Tiên Lãng") == "Trường THPT Đoàn Lập"


def test_a_school_near_a_known_one_is_kept_as_printed_and_flagged() -> None:
    """A school not in the profile is no misread of the nearest one ("Nam Hương" is not "Tam Cường")."""
    got = parse_subject_detail("công nhận Trường Tiểu học Nam Hương đạt chuẩn", P.CONG_NHAN_CHUAN_QUOC_GIA,
                               HP.gazetteer)
    assert got.value == "Trường Tiểu học Nam Hương"
    assert "Tam Cường" in got.note and got.note.startswith("subject")
    # A garbled reading of a known one is replaced, the reading kept and the record flagged.
    got = parse_subject_detail("Trường THPT Đoàn ập, huyện Tiên Lãng", P.CONG_NHAN_CHUAN_QUOC_GIA, HP.gazetteer)
    assert got.value == "Trường THPT Đoàn Lập" and got.read == "Trường THPT Đoàn ập" and got.note
    # More words printed than the profile's name: another school, kept and flagged, never cut to the known one.
    for printed in ("Trường THCS Hùng Tiến số 2", "Trường THCS Hùng Tiến Mới"):
        got = parse_subject_detail(f"công nhận {printed}, huyện Vĩnh Bảo", P.CONG_NHAN_CHUAN_QUOC_GIA, HP.gazetteer)
        assert got.value == printed and got.note, got
    # The default profile knows no school: every school is as printed, nothing to flag.
    got = parse_subject_detail("công nhận Trường Tiểu học Nam Hương đạt chuẩn", P.CONG_NHAN_CHUAN_QUOC_GIA,
                               DEFAULT.gazetteer)
    assert (got.value, got.note) == ("Trường Tiểu học Nam Hương", "")


def test_parse_subject_dispatches_on_type() -> None:
    assert parse_subject(CHUAN_QG, P.CONG_NHAN_CHUAN_QUOC_GIA, HP.gazetteer) == "Trường Tiểu học Đằng Lâm"
    assert parse_subject(XAC_MINH, P.XAC_MINH_VAN_BANG, HP.gazetteer) == "Nguyễn Thị Hoa"
    assert parse_subject(CHUAN_QG, P.KHAC, HP.gazetteer) == "Trường Tiểu học Đằng Lâm"


# --------------------------------------------------------------------------
# validity years and all fields
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giấy chứng nhận có giá trị trong thời hạn 05 năm kể từ ngày ký.", 5),
        ("có thời hạn 5 năm", 5),
        ("co gia tri trong thoi han O5 nam", 5),
        ("có giá trị 05 (năm) năm", 5),
        ("Quyết định có hiệu lực kể từ ngày 05 tháng 7 năm 2010.", None),
        ("Quyết định có hiệu lực kể từ ngày ký.", None),
    ],
)
def test_parse_validity_years(text: str, expected: int | None) -> None:
    assert parse_validity_years(text) == expected


def test_extract_fields_full_record() -> None:
    f = extract_fields(CHUAN_QG, HP, P.CONG_NHAN_CHUAN_QUOC_GIA)
    assert f.number == "1234/QĐ-UBND"
    assert f.date == dt.date(2011, 8, 15)
    assert f.issuer == "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"
    assert f.subject == "Trường Tiểu học Đằng Lâm"
    assert f.title == "QUYẾT ĐỊNH"
    assert f.validity_years == 5


def test_extract_fields_classifies_when_type_missing() -> None:
    f = extract_fields(XAC_MINH, HP)
    assert f.subject == "Nguyễn Thị Hoa"
    assert f.number == "45/SGDĐT-KTKĐ"


# --------------------------------------------------------------------------
# Real Tesseract misreadings of heavy pages
# --------------------------------------------------------------------------

_WORD_NOISE = {
    "ngày": ["ngày", "rgày", "ngảy", "nqày", "ngàv", "ngay", "ngầy"],
    "tháng": ["tháng", "thảng", "tbáng", "thang", "tháug"],
    "năm": ["năm", "nǎm", "nam", "nảm", "narn"],
}


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2013, 12, 31)),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_parse_date_survives_misread_words(day: dt.date, seed: int) -> None:
    rng = random.Random(seed)
    ngay, thang, nam = (rng.choice(_WORD_NOISE[w]) for w in ("ngày", "tháng", "năm"))
    text = (f"Số: 5/QĐ-SGDĐT\nHải Phòng, {ngay} {day.day} {thang} {day.month} {nam} {day.year}\n"
            "Căn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân ngày 26/11/2003;")
    assert parse_date(text) == day, text


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2013, 12, 31)),
    bad=st.sampled_from(["?1", "1#", "Z", "ll?", "3?", "Tl?"]),
    body=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2013, 12, 31)),
)
def test_unreadable_signing_day_gives_no_date_not_a_body_date(day: dt.date, bad: str, body: dt.date) -> None:
    text = (f"S6:510/QĐ-UBND\nHải Phòng, ngày {bad} tháng {day.month:02d} năm {day.year}\nQUYẾT ĐỊNH\n"
            f"Căn cứ Luật ngày {body.day}/{body.month}/{body.year};\n"
            f"Xét Tờ trình số 23/TTr-SGDĐT ngày {body.day} tháng {body.month} năm {body.year},")
    assert parse_date(text) is None, text


@pytest.mark.parametrize("so", ["S6:", "S8:", "Sô:", "S0 :", "Sỗ:", "So"])
def test_parse_number_misread_so(so: str) -> None:
    assert parse_number(f"ỦY BAN NHÂN DÂN\n{so}510/QĐ-UBND\nHải Phòng") == "510/QĐ-UBND"


def test_parse_number_prefers_the_decision_over_its_certificate() -> None:
    text = ". Số: 745/QĐ-SGDĐT\nQUYẾT ĐỊNH\n" + "Căn cứ ...\n" * 30 + "Số: 69/GCN-SGDĐT\nGIẤY CHỨNG NHẬN"
    assert parse_number(text) == "745/QĐ-SGDĐT"


@pytest.mark.parametrize(
    ("line", "body", "expected"),
    [
        ("ngày 2T tháng 08 năm 2008", "ngày 12/07/2008", dt.date(2008, 8, 21)),
        ("ngày TT tháng 9 năm 2013", "ngày 20/8/2013", dt.date(2013, 9, 11)),
        ("ngày 19 tháng TT năm 2012", "ngày 01/10/2012", dt.date(2012, 11, 19)),
        ("ngày T tháng 04 năm 2010", "ngày 20/02/2010", dt.date(2010, 4, 1)),
        # The repair would put the signing before a request it answers: unreadable.
        ("ngày T tháng 04 năm 2010", "ngày 20/05/2010", None),
        ("ngày 37 tháng 12 năm 2011", "ngày 01/12/2011", None),
    ],
)
def test_parse_date_repairs_italic_one_read_as_t(line: str, body: str, expected: dt.date | None) -> None:
    text = f"Số: 1/QĐ-SGDĐT\nHải Phòng, {line}\nQUYẾT ĐỊNH\nXét Tờ trình số 23/TTr-SGDĐT {body},"
    date, note = parse_date_detail(text)
    assert date == expected
    assert note.startswith("date repaired" if expected else "date unreadable")


def test_snap_symbol_repairs_a_misread_symbol_of_the_issuer() -> None:
    from pipeline.issuers import symbols_for
    from pipeline.number_repair import snap_symbol

    so = symbols_for(read_issuer("UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1/QĐ-SGDĐT", HP), HP)
    assert "SGDĐT-KT&KĐCLGD" in so
    assert snap_symbol("96/SGDĐT-KT&KĐCLC", so) == "96/SGDĐT-KT&KĐCLGD"
    # Known symbols and the numeric part are never touched.
    assert snap_symbol("123/QĐ-SGDĐT", so) == "123/QĐ-SGDĐT"
    assert snap_symbol("07/2007/QĐ-SGDĐT", so) == "07/2007/QĐ-SGDĐT"


def test_snap_symbol_never_guesses_between_two_symbols() -> None:
    from pipeline.number_repair import snap_symbol

    # "QĐ-UEL" is 2 edits from "QĐ-UB" and 3 from "QĐ-UBND": no snap.
    assert snap_symbol("748/QĐ-UEL", ("QĐ-UBND", "QĐ-UB")) == "748/QĐ-UEL"
    # Far from every symbol: kept as read (the record goes to review).
    assert snap_symbol("837/SGDĐT", ("SGDĐT-KTKĐ", "SGDĐT-KT&KĐCLGD")) == "837/SGDĐT"
    assert snap_symbol("748/QĐ-UEL", ()) == "748/QĐ-UEL"


def test_extract_fields_snaps_the_number_to_the_issuer_symbols() -> None:
    text = (
        "UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 96/SGDĐT-KT&KĐCLC\n"
        "V/v xác minh văn bằng\nHải Phòng, ngày 05 tháng 7 năm 2010\n"
    )
    found = extract_fields_noted(text, HP)
    # A code no one knows ("KT&KĐCLC"): the issuer's symbol is put in, the reading kept, a person looks.
    assert found.fields.number == "96/SGDĐT-KT&KĐCLGD"
    assert found.read["number"] == "96/SGDĐT-KT&KĐCLC" and any(n.startswith("number") for n in found.notes)


def test_a_symbol_made_of_known_codes_is_never_snapped() -> None:
    """A district office's "QĐ-PGDĐT" is not the Department's "QĐ-SGDĐT"."""
    text = "UBND HUYỆN AN LÃO\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 7/QĐ-PGDĐT\nAn Lão, ngày 3 tháng 5 năm 2010\n"
    for profile in (DEFAULT, HP):
        found = extract_fields_noted(text, profile)
        assert found.fields.number == "7/QĐ-PGDĐT" and not found.read
    # "BS" is no code: the nearest symbol of the Department is proposed, the reading kept, flagged.
    text = "UBND TỈNH NAM ĐỊNH\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/BS-SGDĐT\nNam Định, ngày 3 tháng 5 năm 2010\n"
    found = extract_fields_noted(text, DEFAULT)
    assert found.read.get("number") == "12/BS-SGDĐT" or found.fields.number == "12/BS-SGDĐT"
    assert any(n.startswith("number") for n in found.notes)


def test_a_symbol_cut_inside_a_code_is_repaired_from_its_line_not_snapped() -> None:
    """Seed 20: "SGDĐT-KT&KĐC' ?D" parses as "SGDĐT-KT&KĐ", one edit from "SGDĐT-KTKĐ"."""
    head = "UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n"
    number, note = pnd(head + "Số: 556/SGDĐT-KT&KĐC' ?D\nV/v xác minh văn bằng\n")
    assert number == "556/SGDĐT-KT&KĐCLGD" and "proposed from the issuer's symbols" in note
    # The line ends with the symbol (seed 22: a speck read "&"): the nearest symbol, flagged.
    number, note = pnd(head + "Số:15/SGDĐT-KT&KĐ\nV/v xác minh văn bằng\n")
    assert number == "15/SGDĐT-KTKĐ" and "read '15/SGDĐT-KT&KĐ'" in note
    # Cut where two symbols start alike, the rest of the line unreadable: as read, with a note (review).
    number, note = pnd(head + "Số: 556/SGD ?\n")
    assert number == "556/SGD" and note == "number 556/SGD: its symbol is cut short"


@pytest.mark.parametrize(
    ("line", "number"),
    [
        (".5ố: 523/QĐ-SGD&ĐT °", "523/QĐ-SGD&ĐT"),  # "Số" read "5ố"
        ("Số: 320)Đ-SGD&ĐT", "320/QĐ-SGD&ĐT"),  # "/Q" read ")"
    ],
)
def test_number_survives_misread_so_and_slash(line: str, number: str) -> None:
    text = f"UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n{line}\n"
    assert extract_fields(text, HP).number == number


def test_a_header_number_whose_so_was_eaten_is_read_when_its_symbol_is_known() -> None:
    eaten = "ỦY BAN NHÂN DÂN\n1 ÌNH PHỐ HẢI PHÒNG\n1919/QĐ-UBND\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    assert parse_number(eaten) == "1919/QĐ-UBND"
    garbled = "U_ 'D THÀNH PHỐ HẢI PHÒNG\nS 5LÁO DỤC VÀ ĐÀO TẠO\n3ố: 231/QĐ-SGDĐT\n\nCỘNG HÒA XÃ HỘI\n"
    assert parse_number(garbled) == "231/QĐ-SGDĐT"  # "Số" a scrap of three characters before its colon
    # Seed 24: a blot on "ố:" left "S§": the "S" and a scrap before a space, no colon.
    assert parse_number("UBND\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nS§ 849/QĐ-SGD&ĐT\n") == "849/QĐ-SGD&ĐT"
    assert parse_number("UBND\nS5 849/QĐ-SGD&ĐT\n") is None  # "5" may be a digit of the number
    # The header's own "Số:" line still wins over a bare number, and nothing else is taken bare:
    # an unknown code, a number with words around it, a number below the header.
    assert parse_number("UBND\nSố: 45/QĐ-UBND\n1919/QĐ-UBND\n") == "45/QĐ-UBND"
    assert parse_number("UBND\n12/QĐ-XYZQ\n") is None
    assert parse_number("UBND\nVề: 12/QĐ-XYZQ\n") is None
    assert parse_number("UBND\ntheo 1919/QĐ-UBND\n") is None
    assert parse_number("\n".join(["dòng"] * 12) + "\n1919/QĐ-UBND\n") is None


def test_a_decision_whose_number_was_lost_does_not_take_its_certificates() -> None:
    """A decision with its certificate attached: the decision's number line was eaten."""
    head = "UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n"
    decision = head + "QUYẾT ĐỊNH\nVề việc công nhận trường đạt chuẩn quốc gia\n"
    certificate = "\nGIẤY CHỨNG NHẬN\nSố: 198/GCN-SGDĐT\nTrường Tiểu học Đại Đồng\n"
    number, note = pnd(decision + certificate, title="QUYẾT ĐỊNH")
    assert number is None and "198/GCN-SGDĐT" in note
    # A certificate filed on its own keeps its number; so does a decision whose own line was read.
    assert pnd(head + certificate, title="GIẤY CHỨNG NHẬN")[0] == "198/GCN-SGDĐT"
    read = head + "Số: 467/QĐ-SGDĐT\nQUYẾT ĐỊNH\n" + certificate
    assert pnd(read, title="QUYẾT ĐỊNH")[0] == "467/QĐ-SGDĐT"
    # Seed 30: the decision's line lost only its slash: its own number, proposed, not the certificate's.
    glued = head + "Số: 416QĐ-SGDĐT\nQUYẾT ĐỊNH\n" + certificate
    number, note = pnd(glued, dt.date(2011, 6, 8), "QUYẾT ĐỊNH")
    assert number == "416/QĐ-SGDĐT" and "proposed" in note
    # Seed 32: the decision's "số 773 /QĐ-SGDĐT" (small "s", no colon) ranks below "Số: 198/GCN-…".
    small = head + "số 773 /QĐ-SGDĐT\nQUYẾT ĐỊNH\n" + "\n".join(f"dòng {i}" for i in range(12)) + certificate
    assert pnd(small, title="QUYẾT ĐỊNH") == ("773/QĐ-SGDĐT", "")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("xác minh văn bằng của bà Đoàn Thùy Huyền, sinh ngày 12/3/1990", "Đoàn Thùy Huyền"),  # not "huyện"
        ("cấp cho ông Nguyễn Văn An Huyện Thủy Nguyên", "Nguyễn Văn An"),
        ("cấp cho ông Nguyễn Văn An Huyen Thuy Nguyen", "Nguyễn Văn An"),  # diacritics lost: read folded
    ],
)
def test_a_given_name_that_folds_to_a_place_word_stays_in_the_name(text: str, name: str) -> None:
    assert parse_person(text) == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Xác minh văn bằng của ông (bà) Ngô Văn Xuân, sinh năm 1985, quê quán Hà Nam", "Ngô Văn Xuân"),
        ("theo đơn của ông (bà): Hoàng Văn Tâm", "Hoàng Văn Tâm"),
        ("Cấp bản sao văn bằng cho ông Trần Quốc Bảo.", "Trần Quốc Bảo"),
        ("Ông/Bà Phạm Minh Đức, sinh ngày 1/2/1990", "Phạm Minh Đức"),
    ],
)
def test_a_person_named_in_running_text_is_found(text: str, name: str) -> None:
    assert parse_person(text) == name


def test_a_whole_symbol_before_the_place_is_kept_as_printed() -> None:
    """'591/SGDĐT-KT Khánh Hòa, ngày …': a known symbol, then the place-date column; not cut inside 'KTKĐ'."""
    head = "UBND TỈNH KHÁNH HÒA\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n"
    number, note = pnd(head + "Số: 591/SGDĐT-KT Khánh Hòa, ngày 01 tháng 02 năm 2011\nV/v xác minh văn bằng\n")
    assert number == "591/SGDĐT-KT" and not note
    # Garbage glued after the symbol is still a cut: never taken as printed.
    number, note = pnd(head + "Số: 556/SGDĐT-KT&KĐC' ?D\nV/v xác minh văn bằng\n")
    assert number is None or note


@pytest.mark.parametrize("place", DEFAULT.places, ids=lambda p: p.name)
def test_every_province_s_department_header_reads_as_printed(place) -> None:  # type: ignore[no-untyped-def]
    """The issuer rule's general property, beside its regression cases (mostly Hải Phòng's): the department
    of any province or city the profile knows, its authority written short or in full, is read as printed,
    with no review note."""
    kind = {"tỉnh": "TỈNH", "thành phố": "THÀNH PHỐ"}[place.kind]
    for authority in (f"UBND {kind} {place.name.upper()}", f"ỦY BAN NHÂN DÂN {kind} {place.name.upper()}"):
        got = read_issuer(f"{authority}\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/SGDĐT-VP\nV/v xác minh văn bằng", DEFAULT)
        assert (got.value, got.notes) == (f"{authority} / SỞ GIÁO DỤC VÀ ĐÀO TẠO", ()), authority


def test_an_issuer_line_with_a_mark_no_header_prints_is_flagged() -> None:
    """Seed 96: "HUYỆN THUỶ: NGUYÊN", a stain read as a colon, matched the profile's line and was kept silently."""
    got = read_issuer("UỶ BAN NHÂN DÂN HUYỆN THUỶ: NGUYÊN\nPHÒNG GIÁO DỤC - ĐÀO TẠO\nSố: 12/PGDĐT", DEFAULT)
    assert got.value == "UỶ BAN NHÂN DÂN HUYỆN THUỶ: NGUYÊN / PHÒNG GIÁO DỤC - ĐÀO TẠO"
    assert got.notes == ("issuer line 'UỶ BAN NHÂN DÂN HUYỆN THUỶ: NGUYÊN' holds marks no header line prints (:)",)
    clean = read_issuer("UBND TP. HẢI PHÒNG\nSỞ GD&ĐT\nSố: 12/SGDĐT-VP", DEFAULT)
    assert not any("marks" in n for n in clean.notes)

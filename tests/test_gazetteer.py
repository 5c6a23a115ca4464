"""Tests for the gazetteer of issuers, districts and schools."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pipeline.extract import parse_issuer, parse_school
from pipeline.folding import fold
from pipeline.gazetteer import (
    DEFAULT_GAZETTEER_PATH,
    load_gazetteer,
    match_issuer,
    normalize_school,
    parse_gazetteer,
    school_identity,
)

SGD = "UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO"
UBND = "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"


def test_packaged_gazetteer_loads() -> None:
    gaz = load_gazetteer()
    assert {i.id for i in gaz.issuers} >= {"sgddt-hp", "ubnd-hp", "bgddt"}
    assert "Hùng Tiến" in gaz.schools["Vĩnh Bảo"]
    assert gaz.level_renames[fold("PTCS")] == "THCS"
    assert json.loads(DEFAULT_GAZETTEER_PATH.read_text(encoding="utf-8"))["version"] == 1


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        # The parent line eaten by a stain: the Department's own line is enough.
        ("TỐ HẢI PHÒNG CỘNG HOÀ XÃ HỘI CH fX VIỆT NAM\nSỞ GIÁO DỰc ŸÀ ĐÀO TẠO Độc lập - Tự do\nSố: 1/QĐ-SGDĐT", SGD),
        ("UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1/QĐ-SGDĐT", SGD),
        ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHÀNH PHỐ HẢI PHÒNG Độc lập\nS6:510/QĐ-UBND", UBND),
        ("BỘ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5/BGDĐT-GDTrH", "BỘ GIÁO DỤC VÀ ĐÀO TẠO"),
        ("UBND HUYỆN AN LÃO\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5/PGDĐT", "UBND HUYỆN AN LÃO / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"),
    ],
)
def test_parse_issuer_with_the_gazetteer(header: str, issuer: str) -> None:
    assert parse_issuer(header) == issuer


def test_match_issuer_respects_dates() -> None:
    gaz = parse_gazetteer({"issuers": [
        {"id": "old", "lines": ["SỞ GIÁO DỤC - ĐÀO TẠO"], "aliases": [["so giao duc - dao tao"]], "to": "2009-12-31"},
        {"id": "new", "lines": ["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "aliases": [["so giao duc va dao tao"]],
         "from": "2010-01-01"},
    ]})
    lines = ["so giao duc va dao tao"]
    assert match_issuer(lines, gaz, on=dt.date(2011, 1, 1))[0].id == "new"  # type: ignore[index]
    assert match_issuer(lines, gaz, on=dt.date(2008, 1, 1))[0].id == "old"  # type: ignore[index]


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("Trường THCS Hùng Tiên", "Trường THCS Hùng Tiến"),
        ("Trường Tiểu học Đăng Lâm", "Trường Tiểu học Đằng Lâm"),
        ("Trường THPT Lach Trav", "Trường THPT Lạch Tray"),
        ("Trường Mầm non Nguyễn Bỉnh Khiêm", "Trường Mầm non Nguyễn Bỉnh Khiêm"),
        ("Trường THCS Hoa Sen", "Trường THCS Hoa Sen"),  # unknown: kept as read
        ("Trường THCS Lê", "Trường THCS Lê"),  # too short to guess
    ],
)
def test_normalize_school(raw: str, fixed: str) -> None:
    assert normalize_school(raw)[0] == fixed


def test_parse_school_votes_across_ocr_variants() -> None:
    text = ("Về việc công nhận Trường THCS Hùng Tiên, huyện Vĩnh Bảo\n"
            "Điều 1. Công nhận Trường THCS Hùng Tiến, huyện Vĩnh Bảo\n"
            "Hiệu trưởng Trường THCS Hưng Tiến căn cứ Quyết định thi hành")
    assert parse_school(text) == "Trường THCS Hùng Tiến"


def test_school_identity_follows_renames_and_mergers() -> None:
    gaz = parse_gazetteer({
        "level_renames": [{"old": "Mẫu giáo", "new": "Mầm non"}, {"old": "PTCS", "new": "THCS"}],
        "school_renames": [
            {"old": "Trường Mầm non Hoa Sen", "new": "Trường Mầm non Hoa Hồng", "on": "2011-09-01"},
            {"old": "Trường Tiểu học Cát Bi", "new": "Trường TH&THCS Cát Bi", "on": "2012-08-01"},
            {"old": "Trường THCS Cát Bi", "new": "Trường TH&THCS Cát Bi", "on": "2012-08-01"},
        ],
    })
    assert school_identity("Trường Mẫu giáo Hoa Sen", dt.date(2009, 1, 1), gaz) == "truong mam non hoa hong"
    assert school_identity("Trường PTCS Cát Bi", dt.date(2009, 1, 1), gaz) == "truong th&thcs cat bi"
    assert school_identity("Trường Tiểu học Cát Bi", dt.date(2010, 1, 1), gaz) == school_identity(
        "Trường TH&THCS Cát Bi", dt.date(2013, 1, 1), gaz)
    # After the rename the old name is another school (a new one took it).
    assert school_identity("Trường Mầm non Hoa Sen", dt.date(2012, 1, 1), gaz) == "truong mam non hoa sen"


def test_bad_gazetteer_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_gazetteer({"issuers": [{"id": "x", "lines": ["A", "B"], "aliases": [["a"]]}]})


def test_symbols_in_use_on_a_date() -> None:
    gaz = parse_gazetteer({"issuers": [{
        "id": "x", "lines": ["ỦY BAN NHÂN DÂN"], "aliases": [["uy ban nhan dan"]],
        "symbols": ["QĐ-UBND", {"symbol": "QĐ-UB", "to": "2005-12-31"}, {"symbol": "KH-UBND", "from": "2009-01-01"}],
    }]})
    (issuer,) = gaz.issuers
    assert issuer.symbols == ("QĐ-UBND", "QĐ-UB", "KH-UBND")
    assert issuer.symbols_on(None) == issuer.symbols
    assert issuer.symbols_on(dt.date(2005, 12, 31)) == ("QĐ-UBND", "QĐ-UB")
    assert issuer.symbols_on(dt.date(2010, 1, 1)) == ("QĐ-UBND", "KH-UBND")


def test_every_code_of_the_packaged_symbols_is_a_known_code() -> None:
    from pipeline.gazetteer import issuer_symbols
    from pipeline.numbers_dates import KNOWN_CODES, parse_number

    for symbol in issuer_symbols(None):
        assert set(symbol.split("-")) <= KNOWN_CODES, symbol
        assert parse_number(f"Số: 12/{symbol}") == f"12/{symbol}"

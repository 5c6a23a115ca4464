"""Tests for an office's own names: issuers matched on both lines, schools across renames, symbols over time."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import DEFAULT, HP
from pipeline.gazetteer import Gazetteer, Issuer, SchoolRename, issuer_symbols, match_issuer, school_identity
from pipeline.issuers import read_issuer
from pipeline.numbers_dates import parse_number, unknown_codes
from pipeline.subject import parse_school

SGD = "UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO"
UBND = "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"


def _issuer(id_: str, line: str, start: str | None = None, end: str | None = None,
            symbols: tuple[str, ...] = (), spans: tuple = ()) -> Issuer:  # type: ignore[type-arg]
    from pipeline.folding import fold

    day = lambda v: dt.date.fromisoformat(v) if v else None  # noqa: E731
    return Issuer(id_, (line,), ((fold(line),),), 0, day(start), day(end), (), symbols, spans)


def test_the_example_office_profile_holds_its_names() -> None:
    gaz = HP.gazetteer
    assert {i.id for i in gaz.issuers} >= {"sgddt-hp", "ubnd-hp"}
    assert "Hùng Tiến" in gaz.schools["Vĩnh Bảo"]
    assert gaz.level_renames["ptcs"] == "THCS"
    assert not DEFAULT.gazetteer.issuers and not DEFAULT.gazetteer.schools  # the default names no office


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1/QĐ-SGDĐT", SGD),
        ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHÀNH PHỐ HẢI PHÒNG Độc lập\nS6:510/QĐ-UBND", UBND),
        ("BỘ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5/BGDĐT-GDTrH", "BỘ GIÁO DỤC VÀ ĐÀO TẠO"),
        ("UBND HUYỆN AN LÃO\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5/PGDĐT", "UBND HUYỆN AN LÃO / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"),
    ],
)
def test_read_issuer_with_the_office_profile(header: str, issuer: str) -> None:
    got = read_issuer(header, HP)
    assert got.value == issuer and not got.notes


def test_one_matching_line_does_not_make_the_office_issuer() -> None:
    """The parent line eaten: "SỞ GIÁO DỤC VÀ ĐÀO TẠO" alone is every province's Department."""
    got = read_issuer("TỐ HẢI PHÒNG CỘNG HOÀ XÃ HỘI CH fX VIỆT NAM\nSỞ GIÁO DỰc ŸÀ ĐÀO TẠO Độc lập - Tự do\n"
                      "Số: 1/QĐ-SGDĐT", HP)
    assert got.issuer is None and got.value != SGD
    assert got.notes  # what is left of the parent line is flagged
    # Another province's People's Committee is never the office's, whatever its first line.
    got = read_issuer("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 237/QĐ-UBND", HP)
    assert got.value == "ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI" and got.issuer is None


def test_match_issuer_respects_dates() -> None:
    gaz = Gazetteer((_issuer("old", "SỞ GIÁO DỤC - ĐÀO TẠO", end="2009-12-31"),
                     _issuer("new", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", start="2010-01-01")), (), {}, (), {})
    lines = ["so giao duc va dao tao"]
    assert match_issuer(lines, gaz, on=dt.date(2011, 1, 1))[0].id == "new"  # type: ignore[index]
    assert match_issuer(lines, gaz, on=dt.date(2008, 1, 1))[0].id == "old"  # type: ignore[index]


def test_parse_school_votes_across_ocr_variants() -> None:
    text = ("Về việc công nhận Trường THCS Hùng Tiên, huyện Vĩnh Bảo\n"
            "Điều 1. Công nhận Trường THCS Hùng Tiến, huyện Vĩnh Bảo\n"
            "Hiệu trưởng Trường THCS Hưng Tiến căn cứ Quyết định thi hành")
    assert parse_school(text, HP.gazetteer) == "Trường THCS Hùng Tiến"


def test_school_identity_follows_renames_and_mergers() -> None:
    gaz = Gazetteer((), (), {"mau giao": "Mầm non", "ptcs": "THCS"}, (
        SchoolRename("Trường Mầm non Hoa Sen", "Trường Mầm non Hoa Hồng", dt.date(2011, 9, 1)),
        SchoolRename("Trường Tiểu học Cát Bi", "Trường TH&THCS Cát Bi", dt.date(2012, 8, 1)),
        SchoolRename("Trường THCS Cát Bi", "Trường TH&THCS Cát Bi", dt.date(2012, 8, 1)),
    ), {})
    assert school_identity("Trường Mẫu giáo Hoa Sen", gaz, dt.date(2009, 1, 1)) == "truong mam non hoa hong"
    assert school_identity("Trường PTCS Cát Bi", gaz, dt.date(2009, 1, 1)) == "truong th&thcs cat bi"
    assert school_identity("Trường Tiểu học Cát Bi", gaz, dt.date(2010, 1, 1)) == school_identity(
        "Trường TH&THCS Cát Bi", gaz, dt.date(2013, 1, 1))
    # After the rename the old name is another school (a new one took it).
    assert school_identity("Trường Mầm non Hoa Sen", gaz, dt.date(2012, 1, 1)) == "truong mam non hoa sen"


def test_symbols_in_use_on_a_date() -> None:
    issuer = _issuer("x", "ỦY BAN NHÂN DÂN", symbols=("QĐ-UBND", "QĐ-UB", "KH-UBND"),
                     spans=(("QĐ-UB", None, dt.date(2005, 12, 31)), ("KH-UBND", dt.date(2009, 1, 1), None)))
    assert issuer.symbols_on(None) == issuer.symbols
    assert issuer.symbols_on(dt.date(2005, 12, 31)) == ("QĐ-UBND", "QĐ-UB")
    assert issuer.symbols_on(dt.date(2010, 1, 1)) == ("QĐ-UBND", "KH-UBND")


def test_every_code_of_the_office_symbols_is_a_known_code() -> None:
    for symbol in issuer_symbols(None, HP.gazetteer):
        assert not unknown_codes(f"1/{symbol}", HP.codes), symbol
        assert parse_number(f"Số: 12/{symbol}", HP.codes) == f"12/{symbol}"

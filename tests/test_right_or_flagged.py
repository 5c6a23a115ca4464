"""Every value is what the page prints, read with confidence, or it goes to review with its reason.

Properties over damaged readings of headers any office prints, and the real
scans of ``../shared/real-scans`` where they are on this machine (never
copied into the project).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.real_scans import score_doc
from conftest import DEFAULT, ROOT, run_sohoa
from pipeline.domain import ProcedureType
from pipeline.extract import extract_fields_noted
from pipeline.folding import fold
from pipeline.header_block import is_stamp_line
from pipeline.issuers import read_issuer
from pipeline.records import PageText, build_records, flagged_fields
from pipeline.subject import parse_person_detail

REAL = ROOT.parent / "shared" / "real-scans"
PLACES = [p for p in DEFAULT.places if p.exists_on(dt.date(2012, 1, 1))]


def _header(place_idx: int, form: int) -> tuple[str, str]:
    """A header any province prints (lines as printed), and its issuer."""
    place = PLACES[place_idx % len(PLACES)]
    kind = "TỈNH" if place.kind == "tỉnh" else "THÀNH PHỐ"
    name = place.name.upper()
    lines = [
        [f"UBND {kind} {name}", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"],
        ["ỦY BAN NHÂN DÂN", f"{kind} {name}"],
        [f"ỦY BAN NHÂN DÂN {kind} {name}"],
    ][form % 3]
    return "\n".join(lines), " / ".join(lines)


def _damage(text: str, rng: random.Random, n: int) -> str:
    chars = list(text)
    spots = [i for i, c in enumerate(chars) if c.isalpha()]
    for i in rng.sample(spots, min(n, len(spots))):
        chars[i] = rng.choice("abcdefghiklmnopqrstuvxyz01|_.'ÀÁẠĐƠƯ")
    return "".join(chars)


@settings(max_examples=150, deadline=None)
@given(place=st.integers(0, 200), form=st.integers(0, 2), seed=st.integers(0, 10**6), hits=st.integers(0, 3))
def test_a_header_is_read_as_printed_or_flagged(place: int, form: int, seed: int, hits: int) -> None:
    header, printed = _header(place, form)
    damaged = _damage(header, random.Random(seed), hits)
    got = read_issuer(damaged + "\nSố: 12/QĐ-UBND\n", DEFAULT, dt.date(2012, 1, 1))
    if fold(got.value or "").replace(" ", "") != fold(printed).replace(" ", ""):
        assert got.notes, (damaged, got)


@settings(max_examples=80, deadline=None)
@given(place=st.integers(0, 200), seed=st.integers(0, 10**6), hits=st.integers(0, 2))
def test_numbers_and_dates_are_read_as_printed_or_flagged(place: int, seed: int, hits: int) -> None:
    rng = random.Random(seed)
    header, _ = _header(place, 0)
    number, day = f"{rng.randint(1, 1999)}/QĐ-SGDĐT", dt.date(2012, rng.randint(1, 12), rng.randint(1, 28))
    place_name = PLACES[place % len(PLACES)].name
    lines = _damage(f"Số: {number}\n{place_name}, ngày {day.day} tháng {day.month} năm {day.year}", rng, hits)
    text = f"{header}\n{lines}\nQUYẾT ĐỊNH\nVề việc chỉnh sửa nội dung văn bằng\n"
    found = extract_fields_noted(text, DEFAULT, ProcedureType.CHINH_SUA_VAN_BANG)
    flagged = flagged_fields([f"review: {n}" for n in found.notes])
    (rec, _), = build_records([PageText(1, text)], dt.date(2026, 1, 1), DEFAULT)
    flagged |= flagged_fields(rec.reasons)
    assert found.fields.number == number or "number" in flagged, (lines, found)
    assert found.fields.date == day or "date" in flagged, (lines, found)


def test_score_doc_tells_right_flagged_and_silent() -> None:
    truth = {"number": "12/QĐ-UBND", "date": "2025-02-18", "issuer": "ỦY BAN NHÂN DÂN TỈNH BẠC LIÊU",
             "issuer_parent": "ỦY BAN NHÂN DÂN"}
    right = {"number": "12/QĐ-UBND", "date": "2025-02-18", "issuer": "ỦY BAN NHÂN DÂN / TỈNH BẠC LIÊU",
             "type": "khac", "reasons": ["review: unknown procedure type"]}
    assert score_doc(truth, right) == {"number": "right", "date": "right", "month": "right", "issuer": "right",
                                       "type": "right"}
    partial = {**right, "number": None, "date": None, "period": "2025-02",
               "reasons": ["review: no document number found", "review: no issue date found (read: 2025-02)"]}
    got = score_doc(truth, partial)
    assert (got["number"], got["date"], got["month"]) == ("flagged", "flagged", "right")
    wrong = {**right, "number": "10/QĐ-UBND", "issuer": "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"}
    got = score_doc(truth, wrong)
    assert (got["number"], got["issuer"]) == ("silent", "silent")


# --------------------------------------------------------------------------
# Real paper (../shared/real-scans; skipped where it is absent)
# --------------------------------------------------------------------------

needs_real = pytest.mark.skipif(not (REAL / "keyfields_gt.json").is_file(),
                                reason="../shared/real-scans is not on this machine (it is never copied here)")


def _first_page(pdf: Path, out: Path) -> Path:
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(out / pdf.stem)], check=True, capture_output=True, timeout=120)
    return out / f"{pdf.stem}.png"


@needs_real
@pytest.mark.slow
@pytest.mark.parametrize("name", ["img/dn2020_1906_SGDDT-CTrTT_p1.jpg", "pdf/qng2025_237_QD-UBND.pdf",
                                  "pdf/hp2025_440_QD-UBND.pdf"])
def test_real_first_pages_are_right_or_flagged(tmp_path: Path, name: str) -> None:
    truth = json.loads((REAL / "keyfields_gt.json").read_text(encoding="utf-8"))[name]
    page = REAL / name if name.endswith(".jpg") else _first_page(REAL / name, tmp_path)
    done = run_sohoa(tmp_path, "classify", str(page), "--json")
    assert done.returncode == 0, done.stderr
    (record, *_) = json.loads(done.stdout)["records"]
    outcome = score_doc(truth, record)
    assert "silent" not in outcome.values(), (outcome, record)
    assert outcome["issuer"] == "right" and outcome["type"] == "right"
    if not truth.get("number_handwritten"):
        assert outcome["number"] == "right"  # a typed number is read
    assert outcome["month"] == "right"  # the typed month and year of a date whose day is handwritten


def test_a_number_read_inside_a_line_is_flagged() -> None:
    """A diploma's register number ("vào sổ số: 3212/THCS") is no document number the header prints."""
    text = ("UBND HUYỆN ĐÔNG HƯNG\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nxác minh văn bằng, vào sổ số: 3212/THCS\n"
            "Đông Hưng, ngày 3 tháng 5 năm 2010\n")
    found = extract_fields_noted(text, DEFAULT, ProcedureType.XAC_MINH_VAN_BANG)
    assert found.fields.number == "3212/THCS" and any(n.startswith("number") for n in found.notes)
    # Not even a symbol to doubt: the line alone tells.
    found = extract_fields_noted(text.replace("/THCS", "/QĐ-PGDĐT"), DEFAULT, ProcedureType.XAC_MINH_VAN_BANG)
    assert any(n.startswith("number 3212/QĐ-PGDĐT read inside a line") for n in found.notes), found.notes


@pytest.mark.parametrize("line", ["UBND THÁI BÌNH", "ỦY BAN NHÂN DÂN THÁI BÌNH", "UBND TỈNH THÁI", "SỞ GIÁO",
                                  "ỦY BAN AN"])
def test_a_peoples_committee_without_its_kind_or_whole_place_is_flagged(line: str) -> None:
    got = read_issuer(f"{line}\nSố: 12/QĐ-SGDĐT\n", DEFAULT, dt.date(2010, 5, 3))
    assert got.notes and line in got.notes[0], got


def test_a_header_that_lost_a_line_is_flagged() -> None:
    """Seed 48: the committee's place line lost; a district committee's body line lost (its number tells)."""
    got = read_issuer("ỦY BAN NHÂN DÂN\nSố: 12/QĐ-UBND\n", DEFAULT)
    assert got.value == "ỦY BAN NHÂN DÂN" and got.notes
    found = extract_fields_noted("UBND HUYỆN YÊN DŨNG\nSố: 12/QĐ-PGDĐT\nYên Dũng, ngày 3 tháng 4 năm 2010\n"
                                 "QUYẾT ĐỊNH\n", DEFAULT)
    assert {"number", "issuer"} <= flagged_fields([f"review: {n}" for n in found.notes])
    # The motto's start read on the parent line is no part of it.
    got = read_issuer("UBND THÀNH PHÔ HẢI PHÒNG CỘNG HÒA XÃ HỘI CI\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1/QĐ-SGDĐT\n",
                      DEFAULT)
    assert got.value == "UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO" and not got.notes


def test_an_incoming_mail_stamp_is_no_issuer() -> None:
    """The receiving office's name above "CÔNG VĂN ĐẾN" goes with the stamp; the issuer under it stays."""
    stamped = ("SỞ GIÁO DỤC VÀ ĐÀO TẠO\nVĂN PHÒNG UBND TỈNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCÔNG VĂN ĐẾN\n"
               "Số: 12/QĐ-SGDĐT\n")
    got = read_issuer(stamped, DEFAULT)
    assert got.value == "SỞ GIÁO DỤC VÀ ĐÀO TẠO", got
    # "ĐẾN" opening a line of slots is a stamp's; a title's "ĐẾN NĂM 2030" and a temple's "ĐỀN" are not.
    assert read_issuer("SỞ Y TẾ\nĐẾN Số: 45 Ngày: 3/4\nSố: 9/KH-SYT\n", DEFAULT).value is None
    assert [is_stamp_line(x, DEFAULT) for x in ("ĐẾN Số: 45", "CÔNG VĂN ĐẾN.", "ĐẾN NĂM 2030", "ĐỀN HÙNG",
                                                "đến ngày 5")] == [True, True, False, False, False]
    header = "BAN QUẢN LÝ KHU DI TÍCH\nĐỀN HÙNG\nSố: 3/QĐ-BQL\n"
    assert read_issuer(header, DEFAULT).read == "BAN QUẢN LÝ KHU DI TÍCH / ĐỀN HÙNG"


def test_a_page_without_a_header_takes_the_issuer_from_its_enacting_line_and_flags_it() -> None:
    """A consolidated text's first page: stamps where the header goes, the ministry in the enacting sentence."""
    page = ("VĂN PHÒNG CHÍNH PHỦ\nĐộc lập - Tự do - Hạnh phúc\nCÔNG VĂN ĐẾN\nTHÔNG TƯ\n"
            "Thông tư số 86/2016/TT-BQP ngày 20 tháng 6 năm 2016 của\nBộ trưởng Bộ Tư pháp ban hành Quy chế;\n"
            "Xét đề nghị của Chủ nhiệm Tổng cục Chính trị;\n"
            "Bộ trưởng Bộ Quốc phòng ban hành Thông tư Quy định và hướng dẫn\n")
    got = read_issuer(page, DEFAULT)
    assert got.value == "BỘ QUỐC PHÒNG" and got.read == "Bộ Quốc phòng", got
    assert got.notes and "enacting line" in got.notes[0]
    # A decision's authority line, in capitals, names the committee and its place as read.
    got = read_issuer("QUYẾT ĐỊNH\nVề việc công nhận\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nCăn cứ Luật;\n",
                      DEFAULT)
    assert got.value == "ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI" and got.notes
    # A cited act ("… của Bộ trưởng Bộ X ban hành …") names no issuer.
    got = read_issuer("Căn cứ Thông tư số 22/2012/TT-BGDĐT của Bộ trưởng Bộ Giáo dục và Đào tạo ban hành Quy chế;\n",
                      DEFAULT)
    assert got.value is None and got.notes


def test_a_district_office_without_its_parent_line_is_flagged() -> None:
    """A district's or province's office alone names no district: its "UBND HUYỆN X" line was lost."""
    got = read_issuer("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/PGDĐT-VP\n", DEFAULT)
    assert got.value == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" and got.notes and "names no district" in got.notes[0]
    got = read_issuer("UBND HUYỆN AN LÃO\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/PGDĐT-VP\n", DEFAULT)
    assert got.value == "UBND HUYỆN AN LÃO / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" and not got.notes


def test_a_line_that_opens_as_a_body_and_is_none_is_flagged() -> None:
    """"SỞ DỤC VÀ ĐÀO" (a stain ate "GIÁO" and "TẠO") is no body: flagged, never passed as printed."""
    got = read_issuer("SỞ DỤC VÀ ĐÀO\nSố: 12/QĐ-SGDĐT\n", DEFAULT)
    assert got.notes and "SỞ DỤC VÀ ĐÀO" in got.notes[0]
    # A body the profile lists, and one it does not list by a header word of its own, pass as printed.
    for header in ("BỘ TÀI CHÍNH\nCỤC THUẾ", "BỘ CHỈ HUY QUÂN SỰ TỈNH", "CÔNG AN TỈNH NGHỆ AN"):
        assert not read_issuer(f"{header}\nSố: 1/QĐ-X\n", DEFAULT).notes, header


def test_a_district_cut_to_one_word_is_flagged_and_a_numbered_one_is_kept() -> None:
    """"HUYỆN THỦ" is what a stain left of a district's name; "QUẬN 1" is a district named by its number."""
    for header in ("UBND HUYỆN THỦ\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "ỦY BAN NHÂN DÂN\nHUYỆN THỦ"):
        got = read_issuer(f"{header}\nSố: 1/QĐ-PGDĐT\n", DEFAULT)
        assert got.notes and "HUYỆN THỦ" in got.notes[0], got
    got = read_issuer("UBND QUẬN 1\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1/QĐ-PGDĐT\n", DEFAULT)
    assert got.value == "UBND QUẬN 1 / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" and not got.notes, got


def test_a_name_with_a_letter_alone_inside_is_flagged() -> None:
    got = parse_person_detail("Họ và tên: Bùi M Thơm\nNgày sinh: 01/02/1990")
    assert got.value == "Bùi M Thơm" and got.note.startswith("subject: ")
    got = parse_person_detail("Họ và tên: Phạm V\nNgày sinh: 01/02/1990")  # the last word cut to a letter
    assert got.value == "Phạm V" and got.note.startswith("subject: ")
    assert not parse_person_detail("Họ và tên: Nguyễn Thị Y\nNgày sinh: 01/02/1990").note


def test_a_body_read_one_word_short_of_another_of_its_forms_is_flagged() -> None:
    """"SỞ GIÁO DỤC ĐÀO TẠO" is also what a stain over "VÀ" (or the dash) leaves: kept as read, flagged."""
    got = read_issuer("UBND TỈNH KHÁNH HÒA\nSỞ GIÁO DỤC ĐÀO TẠO\nSố: 1/SGDĐT-KT\n", DEFAULT)
    assert got.value == "UBND TỈNH KHÁNH HÒA / SỞ GIÁO DỤC ĐÀO TẠO"
    assert got.notes and "may have lost a word" in got.notes[0]
    for line in ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ GIÁO DỤC - ĐÀO TẠO"):
        assert not read_issuer(f"UBND TỈNH KHÁNH HÒA\n{line}\nSố: 1/SGDĐT-KT\n", DEFAULT).notes, line


def test_a_header_line_ending_in_a_unit_without_its_name_is_flagged() -> None:
    """"UBND TỈNH" is what a stain left of "UBND TỈNH <name>": kept as read, flagged."""
    for header in ("UBND TỈNH\nSỞ GIÁO DỤC VÀ ĐÀO TẠO", "UBND HUYỆN\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                   "ỦY BAN NHÂN DÂN THÀNH PHỐ\nSỞ GIÁO DỤC VÀ ĐÀO TẠO"):
        got = read_issuer(f"{header}\nSố: 1/SGDĐT-KT\n", DEFAULT)
        assert any("without its name" in n for n in got.notes), got
    assert not read_issuer("UBND TỈNH KHÁNH HÒA\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1/SGDĐT-KT\n", DEFAULT).notes


def test_a_parent_line_read_as_its_place_alone_is_flagged() -> None:
    """"QUẬN LÊ CHÂN" over "PHÒNG GIÁO DỤC - ĐÀO TẠO" is what damage left of "UBND QUẬN LÊ CHÂN" (seed 92):
    kept as read, flagged. The place under "ỦY BAN NHÂN DÂN" and a party committee are printed so."""
    for header in ("QUẬN LÊ CHÂN\nPHÒNG GIÁO DỤC - ĐÀO TẠO", "TỈNH KHÁNH HÒA\nSỞ GIÁO DỤC VÀ ĐÀO TẠO",
                   "THÀNH PHỐ ĐÀ NẴNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO"):
        got = read_issuer(f"{header}\nSố: 1/QĐ-PGDĐT\n", DEFAULT)
        assert got.value == header.replace("\n", " / ")
        assert any("without its committee" in n for n in got.notes), got
    for header in ("ỦY BAN NHÂN DÂN\nTỈNH KHÁNH HÒA", "UBND QUẬN LÊ CHÂN\nPHÒNG GIÁO DỤC - ĐÀO TẠO",
                   "TỈNH ỦY KHÁNH HÒA\nBAN TỔ CHỨC"):
        got = read_issuer(f"{header}\nSố: 1/QĐ-UBND\n", DEFAULT)
        assert not any("without its committee" in n for n in got.notes), got


def test_a_person_is_the_labelled_name_not_a_capitalised_phrase_after_it() -> None:
    families = DEFAULT.folded_families
    # "có" read with a capital after the name in running text: the labelled name is not outvoted
    # by the longer one it begins (only a name cut short by damage backs a longer one).
    text = ("Xác minh văn bằng của bà có tên sau:\nHọ và tên: Đoàn Thùy Tuyết\n"
            "Đối chiếu sổ gốc, bà Đoàn Thùy Tuyết Có tên trong sổ gốc.")
    got = parse_person_detail(text, families)
    assert got.value == "Đoàn Thùy Tuyết" and not got.note, got
    # "Ông CÓ TÊN SAU;" and the label read "Họ và tên;": the name beginning with a family name wins.
    text = ("xác minh văn bằng của Ông CÓ TÊN SAU;\nHọ và tên; Đào Khắc Tài\n"
            "Đối chiếu sổ gốc, ông Đào Khắc Tài có tên trong sổ gốc.")
    got = parse_person_detail(text, families)
    assert got.value == "Đào Khắc Tài" and not got.note, got
    # Only a phrase, or a family name the profile does not know: kept as read, flagged.
    got = parse_person_detail("xác minh văn bằng của Ông CÓ TÊN SAU;\n", families)
    assert got.value == "Có Tên Sau" and "family name" in got.note, got
    got = parse_person_detail("Họ và tên: Ksor Văn H'Hen\n", families)
    assert got.value is not None and got.value.startswith("Ksor") and "family name" in got.note, got
    # Without the profile's family names (a bare call), nothing is flagged for that.
    assert not parse_person_detail("Họ và tên: Ksor Văn Bình\n").note


def test_a_name_read_shorter_than_another_mention_of_it_is_flagged() -> None:
    # Seed 67: the holder's mention damaged after two words ("Nguyên Minh loi,"), its full name
    # further on after "và bà" at a line's end. The name wrapped onto the next line is found now,
    # and the shorter name, which outvotes it, is flagged with the longer one.
    families, given = DEFAULT.folded_families, DEFAULT.folded_given
    text = ("Điều 1. Cấp bản sao bằng tốt nghiệp từ sổ gốc cho ông\n(bà) Nguyên Minh loi, sinh năm 1975\n"
            "Điều 3. Văn phòng Phòng Giáo dục và Đào tạo và bà\nNguyễn Minh Hoa chịu trách nhiệm thi hành.")
    got = parse_person_detail(text, families, given)
    assert got.value == "Nguyên Minh" and "Nguyễn Minh Hoa" in got.note, got
    # A capitalised word after the name that is no given name ("Có") is not a longer reading of it.
    text = "Họ và tên: Đoàn Thùy Tuyết\nĐối chiếu sổ gốc, bà Đoàn Thùy Tuyết Có tên trong sổ gốc."
    assert not parse_person_detail(text, families, given).note
    # "bà" at a line's end and a label on the next line: no name starts there.
    assert parse_person_detail("xác minh văn bằng của bà\nHọ tên người đề nghị: x\n") == parse_person_detail("")

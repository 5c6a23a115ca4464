"""Tests for duplicate records (the same paper scanned twice) and revocations."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

import pytest

from conftest import HP
from pipeline.duplicates import compare, find_duplicates
from pipeline.records import PageText, build_records
from pipeline.revocation import cited_revocations, find_revocations


@dataclass(frozen=True)
class Rec:
    """The attributes of a ledger record that the two detectors read."""

    key: str
    type: str
    number: str | None
    issue_date: dt.date | None
    subject: str | None
    text: str
    confidence: float = 0.9
    needs_review: bool = False
    valid_until: dt.date | None = None


def _noisy(text: str, seed: int, rate: float = 0.03) -> str:
    """OCR-like damage: letters swapped for look-alikes, some diacritics lost."""
    rng = random.Random(seed)
    swaps = {"o": "ô", "a": "á", "e": "c", "n": "r", "ư": "u", "đ": "d", "1": "l", "0": "O"}
    return "".join(swaps.get(c, c) if rng.random() < rate else c for c in text)


def _records_of(truth: dict, file: str) -> list[tuple[dict, str]]:
    """Ground-truth records of a sample file with their clean text."""
    f = next(f for f in truth["files"] if f["path"] == file)
    texts = {p["page"]: p["text"] for p in f["pages"]}
    return [(r, "\n\n".join(texts[p] for p in r["pages"])) for r in truth["records"] if r["file"] == file]


def _from_text(key: str, text: str) -> Rec:
    rec, full = build_records([PageText(1, text)], dt.date(2026, 1, 1), HP)[0]
    f = rec.fields
    return Rec(key, rec.type.value, f.number, f.date, f.subject, full, rec.confidence, rec.needs_review,
               rec.valid_until)


def test_rescan_with_ocr_noise_is_a_duplicate(ground_truth: dict) -> None:
    (_, text), *_ = _records_of(ground_truth, "scans/004_mild_page.jpg")
    a, b = _from_text("a:1", text), _from_text("b:1", _noisy(text, 1))
    ok, sim, why = compare(a, b)
    assert ok, why
    assert sim > 85
    links = find_duplicates([a, b])
    assert [(link.duplicate, link.keep) for link in links] in ([("b:1", "a:1")], [("a:1", "b:1")])


def test_keeps_the_record_without_doubts() -> None:
    a = Rec("a:1", "xac_minh_van_bang", "45/SGDĐT-KTKĐ", dt.date(2010, 7, 5), "Nguyễn Văn An", "x" * 50,
            needs_review=True)
    b = replace(a, key="b:1", needs_review=False)
    (link,) = find_duplicates([a, b])
    assert (link.duplicate, link.keep) == ("a:1", "b:1")
    assert "duplicate of b:1" in link.reason


def test_same_template_other_person_is_not_a_duplicate(ground_truth: dict) -> None:
    (_, t1), *_ = _records_of(ground_truth, "scans/004_mild_page.jpg")
    (_, t2), *_ = _records_of(ground_truth, "scans/006_mild_page.jpg")
    a, b = _from_text("a:1", t1), _from_text("b:1", t2)
    assert a.type == b.type == "xac_minh_van_bang"
    assert not compare(a, b)[0]
    assert find_duplicates([a, b]) == []


def test_same_number_other_year_is_not_a_duplicate() -> None:
    a = Rec("a:1", "xac_minh_van_bang", "45/SGDĐT-KTKĐ", dt.date(2010, 7, 5), "Nguyễn Văn An", "y" * 80)
    b = replace(a, key="b:1", issue_date=dt.date(2011, 3, 2), subject="Trần Thị Hằng")
    assert find_duplicates([a, b]) == []


def test_a_damaged_field_does_not_hide_a_duplicate() -> None:
    text = "Số: 45/SGDĐT-KTKĐ xác minh văn bằng của ông Nguyễn Văn An " * 20
    a = Rec("a:1", "xac_minh_van_bang", "45/SGDĐT-KTKĐ", dt.date(2010, 7, 5), "Nguyễn Văn An", text)
    b = replace(a, key="b:1", issue_date=None, number="46/SGDĐT-KTKĐ")  # one digit misread, date lost
    assert compare(a, b)[0]


@pytest.mark.parametrize("partial", ["389", "389910"])
def test_a_number_read_in_part_does_not_set_a_rescan_apart(partial: str) -> None:
    """Seed 66: a heavy scan's number read "389" (the symbol lost) or with its symbol read as digits."""
    text = "Số: 389/GDĐT-KT&KĐCLGD xác minh văn bằng của ông Phan Mạnh Vinh, có tên trong sổ gốc " * 15
    a = Rec("a:1", "xac_minh_van_bang", "389/GDĐT-KT&KĐCLGD", dt.date(2011, 10, 19), "Phan Mạnh Vinh", text)
    b = replace(a, key="b:1", number=partial)
    ok, _, why = compare(a, b)
    assert ok and "number" not in why, why  # the date and the subject agree; the number neither way
    # Other digits, or a whole number with another symbol, still set two papers apart.
    for other in ("388", "39", "389/QĐ-UBND", "398/GDĐT-KT&KĐCLGD"):
        assert not compare(a, replace(b, number=other))[0], other


def test_a_name_cut_short_does_not_set_a_rescan_apart() -> None:
    """Seed 67: a heavy scan's holder read "Nguyên Minh" (the given name lost), the other "Nguyễn Minh Hoa"."""
    text = "Điều 1. Cấp bản sao bằng tốt nghiệp từ sổ gốc cho bà Nguyễn Minh Hoa, sinh năm 1975 " * 15
    a = Rec("a:1", "cap_ban_sao_van_bang", "252/QĐ-GDĐT", dt.date(2011, 6, 22), "Nguyễn Minh Hoa", text)
    b = replace(a, key="b:1", subject="Nguyên Minh")
    ok, _, why = compare(a, b)
    assert ok and "subject" not in why, why
    assert not compare(a, replace(b, subject="Nguyễn Minh Tuấn"))[0]  # another given name: another person


def test_two_heavily_damaged_scans_agreeing_on_every_key_field_are_one_paper() -> None:
    """Seed 42: two heavy scans of one decision, number, date and school alike, texts 79% alike."""
    text = "Số: 551/QĐ-SGDĐT công nhận Trường THPT Thái Giang đạt kiểm định chất lượng giáo dục " * 12
    a = Rec("a:1", "kiem_dinh_chat_luong", "551/QĐ-SGDĐT", dt.date(2009, 7, 17), "Trường THPT Thái Giang", text)
    b = replace(a, key="b:1", text="".join("#" if i % 3 == 0 else c for i, c in enumerate(text)))  # a third lost
    ok, sim, why = compare(a, b)
    assert ok and 60 <= sim < 80, why
    # Two fields alike are not enough at that similarity.
    assert not compare(a, replace(b, subject=None))[0]


def test_three_copies_link_to_one() -> None:
    base = Rec("c:1", "cap_ban_sao_van_bang", "212/QĐ-SGDĐT", dt.date(2008, 10, 17), "Đinh Hồng Lan", "z" * 90)
    links = find_duplicates([base, replace(base, key="a:1"), replace(base, key="b:1")])
    assert sorted(link.duplicate for link in links) == ["b:1", "c:1"]
    assert {link.keep for link in links} == {"a:1"}


# --------------------------------------------------------------------------
# Revocation and replacement
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verb", "number", "date"),
    [
        ("Điều 1. Thu hồi Quyết định số 123/QĐ-SGDĐT ngày 05/7/2010 của Giám đốc Sở", "revokes",
         "123/QĐ-SGDĐT", dt.date(2010, 7, 5)),
        ("Hủy bỏ Giấy chứng nhận số 45/GCN-SGDĐT.", "revokes", "45/GCN-SGDĐT", None),
        ("Huỷ bỏ Quyết định số 7/QD-SGDDT", "revokes", "7/QĐ-SGDĐT", None),
        ("Quyết định này thay thế Quyết định số l2/QĐ-UBND ngày 3 tháng 4 năm 2009.", "replaces",
         "12/QĐ-UBND", dt.date(2009, 4, 3)),
    ],
)
def test_cited_revocations(text: str, verb: str, number: str, date: dt.date | None) -> None:
    (act,) = cited_revocations(text, HP.codes)
    assert (act.verb, act.number, act.date) == (verb, number, date)


def test_citations_of_legal_bases_revoke_nothing() -> None:
    assert cited_revocations("Căn cứ Quyết định số 12/QĐ-UBND ngày 3/4/2009 của UBND thành phố;", HP.codes) == []


def test_explicit_revocation() -> None:
    old = Rec("f1:1", "kiem_dinh_chat_luong", "123/QĐ-SGDĐT", dt.date(2010, 7, 5), "Trường THCS Lê Lợi", "…",
              valid_until=dt.date(2015, 7, 5))
    later = Rec("f2:1", "khac", "9/QĐ-SGDĐT", dt.date(2011, 2, 1), None,
                "QUYẾT ĐỊNH\nVề việc thu hồi Giấy chứng nhận\nĐiều 1. Thu hồi Quyết định số 123/QĐ-SGDĐT "
                "ngày 05/7/2010 về việc cấp Giấy chứng nhận kiểm định chất lượng giáo dục.")
    revs = find_revocations([old, later], HP)
    assert set(revs) == {"f1:1"}
    assert revs["f1:1"].revoked_on == dt.date(2011, 2, 1)
    assert revs["f1:1"].by == "f2:1"


def test_revocation_needs_the_cited_date_to_match() -> None:
    old = Rec("f1:1", "chinh_sua_van_bang", "123/QĐ-SGDĐT", dt.date(2009, 1, 5), "Lê Văn Nam", "…")
    later = Rec("f2:1", "khac", "9/QĐ-SGDĐT", dt.date(2011, 2, 1), None,
                "Thu hồi Quyết định số 123/QĐ-SGDĐT ngày 05/7/2010.")
    assert find_revocations([old, later], HP) == {}


def test_renewal_for_the_same_school_replaces_the_older_result() -> None:
    first = Rec("a:1", "cong_nhan_chuan_quoc_gia", "510/QĐ-UBND", dt.date(2008, 8, 21), "Trường THCS Hùng Tiến",
                "…", valid_until=dt.date(2013, 8, 21))
    renewal = replace(first, key="b:1", number="900/QĐ-UBND", issue_date=dt.date(2013, 6, 1),
                      valid_until=dt.date(2018, 6, 1))
    other = replace(first, key="c:1", subject="Trường THCS Tam Cường", issue_date=dt.date(2012, 1, 1))
    late = replace(first, key="d:1", subject="Trường THCS Tam Cường", issue_date=dt.date(2018, 1, 1))
    revs = find_revocations([first, renewal, other, late], HP)
    assert set(revs) == {"a:1"}  # c:1 had expired when d:1 was signed
    assert revs["a:1"].revoked_on == dt.date(2013, 6, 1)
    assert "renewal" in revs["a:1"].reason


def test_reindex_leaves_duplicates_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from indexing import open_index
    from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
    from ledger import Ledger
    from sohoa.cli import main

    data = tmp_path / "data"
    rec = ClassifiedRecord(pages=(1,), type=ProcedureType.XAC_MINH_VAN_BANG, confidence=0.9, reasons=(),
                           fields=RecordFields(number="5/SGDĐT-KTKĐ", subject="Nguyễn Văn An"))
    with Ledger(data / "ledger.sqlite") as ledger:
        batch = ledger.ensure_batch("hop-01")
        keys = []
        for sha in ("a" * 64, "b" * 64):  # the same paper scanned twice
            f, _ = ledger.register_file(sha, 10, f"/{sha[0]}.pdf", batch)
            keys += ledger.replace_records(f.id, batch, [(rec, "Nguyễn Văn An 5/SGDĐT-KTKĐ")], run_id=None)[0]
        ledger.apply_links({keys[1]: (keys[0], "same number and subject")}, {})
    assert main(["--data-dir", str(data), "reindex"]) == 0
    index = open_index(f"sqlite:///{data / 'index.sqlite'}")
    try:
        assert [h.doc["key"] for h in index.search("Nguyễn Văn An").hits] == [keys[0]]
    finally:
        index.close()

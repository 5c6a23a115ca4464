"""Tests for Vietnamese folding."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.folding import fold, fold_aligned, index_tokens, is_vietnamese_syllable, subtokens, tokens

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
VI_TEXT = st.text(
    alphabet=st.sampled_from(list(VIETNAMESE + VIETNAMESE.upper() + " \t\n-/0123456789,.")),
    max_size=60,
)


def test_fold_examples() -> None:
    assert fold("Nguyễn Văn An") == "nguyen van an"
    assert fold("ĐÀO TẠO") == "dao tao"
    assert fold("  SỞ GIÁO DỤC\tVÀ\n ĐÀO TẠO ") == "so giao duc va dao tao"
    assert fold("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM") == "cong hoa xa hoi chu nghia viet nam"
    assert fold("Ủy ban nhân dân") == fold("Uỷ ban nhân dân") == "uy ban nhan dan"


def test_fold_composed_and_decomposed_are_identical() -> None:
    text = "Hải Phòng, ngày 05 tháng 7 năm 2010 — Trường Tiểu học Đằng Lâm"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert fold(nfd) == fold(text) == "hai phong, ngay 05 thang 7 nam 2010 — truong tieu hoc dang lam"


def test_fold_handles_eth_and_stray_marks() -> None:
    assert fold("ÐÀO") == "dao"  # U+00D0 (Eth) read for Đ
    assert fold("a\u0301\u0301b") == "ab"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_fold_is_idempotent_any_unicode(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@settings(max_examples=150, deadline=None)
@given(VI_TEXT)
def test_fold_vietnamese_is_ascii_and_nfd_invariant(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert fold(unicodedata.normalize("NFD", text)) == folded
    assert folded == folded.lower()


@settings(max_examples=150, deadline=None)
@given(VI_TEXT)
def test_fold_aligned_keeps_positions(text: str) -> None:
    original, folded = fold_aligned(unicodedata.normalize("NFD", text))
    assert len(original) == len(folded)
    assert " ".join(folded.split()) == fold(text)


def test_tokens_keep_document_numbers_whole() -> None:
    assert tokens("Số: 123/QĐ-SGDĐT, ngày 05/7/2010") == ["so", "123/qd-sgddt", "ngay", "05/7/2010"]
    assert tokens("SGD&ĐT Hải Phòng") == ["sgd&dt", "hai", "phong"]


def test_subtokens_and_index_tokens() -> None:
    assert subtokens("123/qd-sgddt") == ["123", "qd", "sgddt"]
    assert subtokens("an") == ["an"]
    assert index_tokens("Số 45/SGDĐT-KTKĐ") == ["so", "45/sgddt-ktkd", "45", "sgddt", "ktkd"]


@pytest.mark.parametrize(("word", "ok"), [("Tâ", False), ("Phươ", False), ("Că", False), ("Tâm", True), ("Tây", True),
                                          ("Phương", True), ("Thuở", True), ("Tư", True)])
def test_a_vowel_that_needs_a_final_is_no_syllable_without_one(word: str, ok: bool) -> None:
    """"â", "ă" and "ươ" never end a syllable: "Tâ" is what a stain left of "Tâm"."""
    assert is_vietnamese_syllable(word) is ok


@pytest.mark.parametrize(("word", "ok"), [
    ("Luụa", False),  # a misread "Lụa": the shape of a syllable, vowels no syllable has
    ("Ngưuyễn", False), ("Lụa", True), ("người", True), ("rượu", True), ("khuya", True), ("khuỷu", True),
    ("Nguyễn", True), ("quyền", True), ("giữa", True), ("gìn", True), ("hoặc", True), ("xoong", True),
    ("nuoc", True), ("LUONG", True),  # read or typed without hats and horns: still a syllable's letters
    ("luua", False),
])
def test_the_vowels_must_be_a_syllables(word: str, ok: bool) -> None:
    assert is_vietnamese_syllable(word) is ok


def test_a_name_with_a_syllable_no_one_has_is_not_taken_silently() -> None:
    import datetime as dt

    from conftest import DEFAULT
    from pipeline.records import PageText, build_records, flagged_fields

    text = ("SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/SGDĐT-KTKĐ\nV/v xác minh văn bằng\nHà Nội, ngày 3 tháng 4 năm 2010\n"
            "Kính gửi: Công ty ABC\nSở Giáo dục và Đào tạo xác minh văn bằng của bà có tên sau:\n"
            "Họ và tên: Trần Ngọc {}\nNgày sinh: 12/3/1990\nĐã được cấp Bằng tốt nghiệp Trung học phổ thông.\n")
    for name, flagged in (("Luụa", True), ("Lụa", False)):
        (rec, _), = build_records([PageText(1, text.format(name), 90.0)], dt.date(2026, 1, 1), DEFAULT)
        assert rec.fields.subject == f"Trần Ngọc {name}"
        assert ("subject" in flagged_fields(rec.reasons)) is flagged, rec.reasons

"""Vietnamese post-correction: diacritics fixed by context, garbage dropped, names kept."""

from __future__ import annotations

from ocr.postcorrect import Lexicon, correct_result, is_garbage, load_lexicon, tall_strokes
from ocr.tesseract import OcrResult, OcrWord, words_to_text


def _line(text: str, conf: float = 90.0, line: int = 1) -> list[OcrWord]:
    return [OcrWord(t, conf, 10 * i, 10, 8, 8, 1, 1, line) for i, t in enumerate(text.split())]


def _result(*lines: str) -> OcrResult:
    words = [w for i, ln in enumerate(lines, start=1) for w in _line(ln, line=i)]
    return OcrResult(words_to_text(words), tuple(words))


def test_known_diacritic_confusions_are_fixed() -> None:
    read = _result("Cấp Giây chứng nhận kiếm định chất lượng giáo dục",
                   "Bằng tốt nghiệp Bố túc trung học phố thông, số vào số cấp bằng")
    fixed, changes = correct_result(read)
    assert fixed.text.splitlines() == [
        "Cấp Giấy chứng nhận kiểm định chất lượng giáo dục",
        "Bằng tốt nghiệp Bổ túc trung học phổ thông, số vào sổ cấp bằng",
    ]
    assert changes == 5


def test_correct_text_and_names_are_left_alone() -> None:
    text = ("Sở Giáo dục và Đào tạo Hải Phòng xác nhận ông Nguyễn Văn Án", "Số hiệu: B 0123456; số vào sổ 12/THPT")
    fixed, changes = correct_result(_result(*text))
    assert changes == 0 and fixed.text.splitlines() == list(text)


def test_context_does_not_cross_lines() -> None:
    # "kiếm" ends a line; the next line's "định" must not count as its neighbour.
    lex = Lexicon.from_texts(["kiểm định"])
    fixed, _ = correct_result(_result("thanh kiếm", "định"), lex)
    assert fixed.text.splitlines()[0] == "thanh kiếm"


def test_stain_and_signature_garbage_is_dropped() -> None:
    words = _line("KT. GIÁM ĐỐC") + [OcrWord("—>_", 31.0, 0, 0, 5, 5, 1, 1, 2), OcrWord("3>", 20.0, 9, 0, 5, 5, 1, 1, 2)]
    fixed, changes = correct_result(OcrResult(words_to_text(words), tuple(words)))
    assert fixed.text == "KT. GIÁM ĐỐC" and changes == 2
    assert not is_garbage(OcrWord("./.", 95.0, 0, 0, 1, 1, 1, 1, 1))  # confident punctuation stays
    assert not is_garbage(OcrWord("2", 10.0, 0, 0, 1, 1, 1, 1, 1))  # a lone digit stays (a page number)


def test_signature_strokes_far_taller_than_the_text_are_dropped() -> None:
    # Read on generated pages: a scribbled signature comes out as confident "letters" 3-5 lines tall.
    body = _line("Điều 1. Cấp bản sao văn bằng tốt nghiệp trung học phổ thông cho ông Nguyễn Văn An "
                 "sinh ngày tại xã Cát Bà huyện Cát Hải thành phố Hải Phòng")
    body = [OcrWord(w.text, w.conf, w.left, w.top, w.width, 40, 1, 1, 1) for w in body]
    scribble = OcrWord("c<<2", 70.0, 1650, 2040, 376, 193, 1, 2, 1)
    word_like = OcrWord("mang", 47.0, 1600, 2300, 200, 145, 1, 3, 1)
    # Large handwritten numbers filled into blanks stay, alone or with their printed symbol.
    filled_in = OcrWord("123/QĐ-UBND", 88.0, 300, 400, 260, 150, 1, 4, 1)
    number = OcrWord("05", 85.0, 900, 400, 80, 150, 1, 4, 1)
    unsure = OcrWord("07", 40.0, 900, 600, 80, 150, 1, 5, 1)
    words = [*body, scribble, word_like, filled_in, number, unsure]
    assert tall_strokes(words) == {len(body), len(body) + 1, len(body) + 4}
    fixed, _ = correct_result(OcrResult(words_to_text(words), tuple(words)))
    assert "c<<2" not in fixed.text and "mang" not in fixed.text
    assert "123/QĐ-UBND" in fixed.text and "05" in fixed.text
    assert fixed.text.startswith("Điều 1. Cấp bản sao văn bằng")
    # Too few words for a median: nothing is judged by height.
    assert tall_strokes([*body[:5], scribble]) == set()


def test_packaged_lexicon_loads_once() -> None:
    assert load_lexicon() is load_lexicon()
    assert "kiểm" in load_lexicon().variants["kiem"]


def test_a_word_seen_on_one_side_yields_to_one_seen_on_both() -> None:
    # "Trưởng" is a real word and fits after "của", but only "Trường" fits both neighbours.
    lex = Lexicon.from_texts(["báo cáo của trưởng phòng", "của trường đại học"])
    fixed, _ = correct_result(_result("công văn của Trưởng Đại học Hải Phòng"), lex)
    assert fixed.text == "công văn của Trường Đại học Hải Phòng"


def test_a_capitalised_name_needs_both_neighbours_to_change() -> None:
    # "Văn phòng" is common, yet the school "Văn Phong" is a name and must stay.
    lex = Lexicon.from_texts(["văn phòng sở", "văn phòng ủy ban"])
    fixed, _ = correct_result(_result("Trường Mầm non Văn Phong, huyện Cát Hải"), lex)
    assert fixed.text == "Trường Mầm non Văn Phong, huyện Cát Hải"
    fixed, _ = correct_result(_result("chuyển Văn Phong sở"), lex)
    assert fixed.text == "chuyển Văn Phòng sở"


def test_look_alike_characters_and_the_filing_code_are_fixed() -> None:
    fixed, _ = correct_result(_result("Căn cứ Quyết định số 07/⁄2007/QĐÐ-BGDĐT ngày 02⁄4/2007",
                                      "- Lưu: VE KTKĐ.", "- Lưu: VTE;"))
    assert fixed.text.splitlines() == ["Căn cứ Quyết định số 07/2007/QĐ-BGDĐT ngày 02/4/2007",
                                       "- Lưu: VT, KTKĐ.", "- Lưu: VT."]

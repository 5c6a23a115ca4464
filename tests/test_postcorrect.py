"""Vietnamese post-correction: diacritics fixed by context, garbage dropped, names kept."""

from __future__ import annotations

from dataclasses import replace

from conftest import DEFAULT, HP
from ocr.lexicon import Lexicon
from ocr.postcorrect import (
    correct_result,
    in_print_flow,
    is_garbage,
    knowledge_for,
    flat_strokes,
    lone_specks,
    snap_formula_line,
    stroke_scraps,
    tall_strokes,
)
from ocr.tesseract import OcrResult, OcrWord, words_to_text

#: The Hải Phòng office's knowledge (its lines and report among the default's): the documents here are its.
KNOW = knowledge_for(HP)


def _with(lex: Lexicon):  # type: ignore[no-untyped-def]
    return replace(KNOW, lexicon=lex)


def _line(text: str, conf: float = 90.0, line: int = 1) -> list[OcrWord]:
    return [OcrWord(t, conf, 10 * i, 10, 8, 8, 1, 1, line) for i, t in enumerate(text.split())]


def _result(*lines: str) -> OcrResult:
    words = [w for i, ln in enumerate(lines, start=1) for w in _line(ln, line=i)]
    return OcrResult(words_to_text(words), tuple(words))


def test_known_diacritic_confusions_are_fixed() -> None:
    read = _result("Cấp Giây chứng nhận kiếm định chất lượng giáo dục",
                   "Bằng tốt nghiệp Bố túc trung học phố thông, số vào số cấp bằng")
    fixed, changes = correct_result(read, KNOW)
    assert fixed.text.splitlines() == [
        "Cấp Giấy chứng nhận kiểm định chất lượng giáo dục",
        "Bằng tốt nghiệp Bổ túc trung học phổ thông, số vào sổ cấp bằng",
    ]
    assert changes == 5


def test_correct_text_and_names_are_left_alone() -> None:
    text = ("Sở Giáo dục và Đào tạo Hải Phòng xác nhận ông Nguyễn Văn Án", "Số hiệu: B 0123456; số vào sổ 12/THPT")
    fixed, changes = correct_result(_result(*text), KNOW)
    assert changes == 0 and fixed.text.splitlines() == list(text)


def test_context_does_not_cross_lines() -> None:
    # "kiếm" ends a line; the next line's "định" must not count as its neighbour.
    lex = Lexicon.from_texts(["kiểm định"])
    fixed, _ = correct_result(_result("thanh kiếm", "định"), _with(lex))
    assert fixed.text.splitlines()[0] == "thanh kiếm"


def test_stain_and_signature_garbage_is_dropped() -> None:
    words = _line("KT. GIÁM ĐỐC") + [OcrWord("—>_", 31.0, 0, 0, 5, 5, 1, 1, 2), OcrWord("3>", 20.0, 9, 0, 5, 5, 1, 1, 2)]
    fixed, changes = correct_result(OcrResult(words_to_text(words), tuple(words)), KNOW)
    assert fixed.text == "KT. GIÁM ĐỐC" and changes == 2
    assert not is_garbage(OcrWord("./.", 95.0, 0, 0, 1, 1, 1, 1, 1))  # confident punctuation stays
    assert not is_garbage(OcrWord("2", 10.0, 0, 0, 1, 1, 1, 1, 1))  # a lone digit stays (a page number)
    # A doubted word in brackets and sentence marks is print ("- Bộ GD&ĐT (để b/c);").
    assert not is_garbage(OcrWord("b/c);", 40.0, 0, 0, 5, 1, 1, 1, 1))
    assert is_garbage(OcrWord("));", 40.0, 0, 0, 3, 1, 1, 1, 1))


def test_a_doubted_word_set_in_a_line_of_print_is_kept() -> None:
    """OCR seed 109, 029: "- Bộ GD&ĐT (để b/©);", the last word at 25% with its "c" read as a symbol, was
    dropped as a stain's garbage. As tall as the print beside it, on its baseline and a space from it, it
    is print; the same scrap beside a lone page number, off the baseline or far from the words, is not."""
    line = [OcrWord(t, 93.0, x, 1906, w, 30, 3, 1, 1) for t, x, w in (("-", 275, 8), ("Bộ", 295, 36),
                                                                         ("GD&ĐT", 341, 117), ("(để", 467, 41))]
    scrap = OcrWord("b/©);", 25.0, 519, 1906, 56, 30, 3, 1, 1)
    assert in_print_flow([*line, scrap]) == {4}
    assert in_print_flow([*line, replace(scrap, top=1930)]) == set()  # below the baseline
    assert in_print_flow([*line, replace(scrap, left=600)]) == set()  # far from the last word
    assert in_print_flow([*line, replace(scrap, height=60)]) == set()  # twice the print's height
    assert in_print_flow([*line, replace(scrap, text="©);")]) == set()  # no letter or digit
    page_number = OcrWord("2", 83.0, 943, 946, 28, 32, 10, 1, 1)
    assert in_print_flow([page_number, OcrWord("à`", 0.0, 880, 951, 34, 39, 10, 1, 1)]) == set()
    assert "b/c);" in _text([*line, scrap]).split()


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
    fixed, _ = correct_result(OcrResult(words_to_text(words), tuple(words)), KNOW)
    assert "c<<2" not in fixed.text and "mang" not in fixed.text
    assert "123/QĐ-UBND" in fixed.text and "05" in fixed.text
    assert fixed.text.startswith("Điều 1. Cấp bản sao văn bằng")
    # Too few words for a median: nothing is judged by height.
    assert tall_strokes([*body[:5], scribble]) == set()


def test_a_rule_read_as_letters_far_flatter_than_the_text_is_dropped() -> None:
    # OCR seed 97, 012: a scanner strip's edge read as a 36-character "word" 6 px tall, at confidence 0.
    body = [replace(w, height=46) for w in _line("Điều 1. Cấp bản sao văn bằng tốt nghiệp trung học phổ thông")]
    rule = OcrWord('T"r-_~-—ẶÉKXKẶÏẶÏ----ằẶằ—=.-e=axam®m', 0.0, 1424, 191, 769, 6, 1, 1, 9)
    # A dash is as flat, and print; so is a flat word read with confidence.
    dash = OcrWord("-", 40.0, 10, 300, 14, 5, 1, 2, 1)
    sure = OcrWord("ười", 91.0, 40, 300, 60, 12, 1, 2, 1)
    # Nor a word read right that Tesseract gave a box of a few pixels (OCR seed 97, 036).
    tiny = OcrWord("PHỔ", 56.7, 441, 352, 6, 2, 1, 3, 1)
    words = [*body, rule, dash, sure, tiny]
    assert flat_strokes(words) == {len(body)}
    fixed, _ = correct_result(OcrResult(words_to_text(words), tuple(words)), KNOW)
    assert "axam" not in fixed.text and fixed.text.startswith("Điều 1. Cấp bản sao")
    assert flat_strokes([*body[:5], rule]) == set()  # too few words for a median


def test_a_title_in_large_print_read_with_confidence_is_not_a_stroke() -> None:
    # A certificate's title is 2-3 times the body's height; it is print when its syllables are
    # known words read with confidence, while a stroke read as a doubted "word" still goes.
    body = [replace(w, height=40) for w in _line("Điều 1. Cấp bản sao văn bằng tốt nghiệp trung học phổ thông")]
    title = [OcrWord(t, 91.0, 300 * i, 100, 250, 110, 1, 1, 9) for i, t in enumerate(("GIẤY", "CHỨNG", "NHẬN"))]
    stroke = OcrWord("mang", 47.0, 1600, 2300, 200, 145, 1, 3, 1)
    words = [*title, *body, stroke]
    assert tall_strokes(words, KNOW.lexicon) == {len(words) - 1}
    fixed, _ = correct_result(OcrResult(words_to_text(words), tuple(words)), KNOW)
    assert fixed.text.startswith("GIẤY CHỨNG NHẬN") and "mang" not in fixed.text


def test_a_profiles_knowledge_is_built_once() -> None:
    assert knowledge_for(HP) is knowledge_for(HP)
    assert "kiểm" in knowledge_for(DEFAULT).lexicon.variants["kiem"]
    # The office's own report and lines are in its knowledge, not in the default's.
    assert "THÀNH PHỐ HẢI PHÒNG" in KNOW.formulas and "THÀNH PHỐ HẢI PHÒNG" not in knowledge_for(DEFAULT).formulas


def test_a_word_seen_on_one_side_yields_to_one_seen_on_both() -> None:
    # "Trưởng" is a real word and fits after "của", but only "Trường" fits both neighbours.
    lex = Lexicon.from_texts(["báo cáo của trưởng phòng", "của trường đại học"])
    fixed, _ = correct_result(_result("công văn của Trưởng Đại học Hải Phòng"), _with(lex))
    assert fixed.text == "công văn của Trường Đại học Hải Phòng"


def test_a_capitalised_name_needs_both_neighbours_to_change() -> None:
    # "Văn phòng" is common, yet the school "Văn Phong" is a name and must stay.
    lex = Lexicon.from_texts(["văn phòng sở", "văn phòng ủy ban"])
    fixed, _ = correct_result(_result("Trường Mầm non Văn Phong, huyện Cát Hải"), _with(lex))
    assert fixed.text == "Trường Mầm non Văn Phong, huyện Cát Hải"
    fixed, _ = correct_result(_result("chuyển Văn Phong sở"), _with(lex))
    assert fixed.text == "chuyển Văn Phòng sở"


def test_look_alike_characters_and_the_filing_code_are_fixed() -> None:
    fixed, _ = correct_result(_result("Căn cứ Quyết định số 07/⁄2007/QĐÐ-BGDĐT ngày 02⁄4/2007",
                                      "- Lưu: VE KTKĐ.", "- Lưu: VTE;"), KNOW)
    assert fixed.text.splitlines() == ["Căn cứ Quyết định số 07/2007/QĐ-BGDĐT ngày 02/4/2007",
                                       "- Lưu: VT, KTKĐ.", "- Lưu: VT."]


def _words(text: str, conf: float = 90.0, line: int = 1, block: int = 1) -> list[OcrWord]:
    return [OcrWord(t, conf, 10 * i, 10 * line, 8, 8, block, 1, line) for i, t in enumerate(text.split())]


def _text(words: list[OcrWord]) -> str:
    return correct_result(OcrResult(words_to_text(words), tuple(words)), KNOW)[0].text


def test_act_ending_is_kept_glued_and_read_back_from_an_ellipsis() -> None:
    # Read on generated pages: "./." beside the signature at confidence 16, split from its word.
    doubted = [*_words("căn cứ Quyết định thi"), *_words("hành", conf=16.0)[:1],
               OcrWord("./.", 16.0, 60, 10, 8, 8, 1, 1, 1)]
    assert _text(doubted) == "căn cứ Quyết định thi hành./."
    # "./." read "..." at the end of the last paragraph; an ellipsis inside a paragraph stays.
    assert _text(_words("trả lời để Trường được biết...")) == "trả lời để Trường được biết./."
    inside = [*_words("ghi sai..."), *_words("ngày sinh", line=2)]
    assert _text(inside).splitlines()[0] == "ghi sai..."


def test_formula_lines_are_put_back_only_when_close_and_alike() -> None:
    formulas = KNOW.formulas
    assert snap_formula_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAI.", formulas) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert snap_formula_line("TT. GIÁM ĐỐC", formulas) == "KT. GIÁM ĐỐC"
    assert snap_formula_line("- CT; các PCT UBND TP;", formulas) == "- CT, các PCT UBND TP;"
    assert snap_formula_line("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", formulas) is None  # the old spelling, exact
    assert snap_formula_line("- Như Điều 4;", formulas) is None  # digits are never changed
    assert snap_formula_line("GIÁM ĐỐC SỞ", formulas) is None  # another number of words
    assert snap_formula_line("Điều 1. Công nhận", formulas) is None
    closing = [*_words("- Lưu: VFE KFKĐ.", line=1), *_words("KT: GIÁM ĐỐC", line=2),
               *_words("TM. ÚUY BAN NHÂN DÂN", line=3)]
    assert _text(closing).splitlines() == ["- Lưu: VT, KTKĐ.", "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"]


def test_family_and_middle_names_take_the_marks_of_a_common_name() -> None:
    read = [*_words("cấp bản sao văn bằng của bà Định Thị Hạnh", line=1), *_words("Phạm Vẫn Thuần", line=2)]
    assert _text(read).splitlines() == ["cấp bản sao văn bằng của bà Đinh Thị Hạnh", "Phạm Văn Thuần"]
    # Outside a name, and names that are listed or given names, stay as read.
    kept = [*_words("sinh tại Nam Định", line=1), *_words("xác nhận bà Trần Vân Anh", line=2),
            *_words("Nguyễn Văn Án", line=3)]
    assert _text(kept).splitlines() == ["sinh tại Nam Định", "xác nhận bà Trần Vân Anh", "Nguyễn Văn Án"]
    names = KNOW.names
    assert names.spelling("Định", "family") == "Đinh" and names.spelling("Đinh", "family") is None


def test_doubtful_non_syllables_become_the_syllable_one_letter_away() -> None:
    assert _text(_words("KT. GLIÁM ĐỐC", conf=70.0)) == "KT. GIÁM ĐỐC"
    assert _text(_words("chịu trách nhiệm thi hành Quyết định nàyv./.", conf=40.0)).endswith("định này./.")
    # A confident word, and a code one letter from another code, stay.
    assert _text(_words("xem GLIÁM ĐỐC", conf=95.0)) == "xem GLIÁM ĐỐC"
    codes = [OcrWord(w.text, 50.0 if w.text == "PCT" else 90.0, w.left, w.top, 8, 8, 1, 1, 1)
             for w in _words("- CT, các PCT UBND TP;")]
    assert _text(codes) == "- CT, các PCT UBND TP;"


def test_stray_capitals_inside_and_at_the_start_of_a_line() -> None:
    assert _text(_words("có tÊn sau:")) == "có tên sau:"
    assert _text(_words("PHÓ GiÁM ĐỐC")) == "PHÓ GIÁM ĐỐC"
    assert _text(_words("Tờ trình số 12/TTr-SGDĐT")) == "Tờ trình số 12/TTr-SGDĐT"
    lines = [*_words("đề nghị xác minh văn bằng của ông", line=1), *_words("Có tên sau:", line=2)]
    assert _text(lines).splitlines()[1] == "có tên sau:"
    # The lexicon saw "chuẩn Quốc gia" capitalised; a new sentence after a full stop keeps its capital.
    kept = [*_words("đạt chuẩn", line=1), *_words("Quốc gia mức độ 1", line=2),
            *_words("thi hành.", line=3), *_words("Có hiệu lực", line=4)]
    assert _text(kept).splitlines()[1:] == ["Quốc gia mức độ 1", "thi hành.", "Có hiệu lực"]
    # Inside a line too, between two lower-case words (OCR seed 116, 020: a monospace "l" read as "L");
    # a name followed by a capitalised word, or ending the line, stays.
    assert _text(_words("Quyết định có hiệu Lực kể từ ngày ký")) == "Quyết định có hiệu lực kể từ ngày ký"
    assert _text(_words("công nhận Trường Lê Lợi")) == "công nhận Trường Lê Lợi"
    assert _text(_words("đạt chuẩn Quốc gia")) == "đạt chuẩn Quốc gia"
    assert _text(_words("đã được cấp Bằng tốt nghiệp")) == "đã được cấp Bằng tốt nghiệp"  # seed 116, 019


def test_scraps_beside_a_signature_and_lone_specks_are_dropped() -> None:
    body = [OcrWord(w.text, w.conf, w.left, w.top, w.width, 40, 1, 1, 1)
            for w in _words("Nơi nhận: - Như trên; - Lưu: VT, KTKĐ. KT. GIÁM ĐỐC PHÓ")]
    stroke = [OcrWord("C.C?z_", 67.0, 1500, 500, 570, 144, 3, 1, 1), OcrWord("'", 78.0, 2100, 520, 9, 9, 3, 1, 1),
              OcrWord("có", 20.0, 2120, 500, 40, 60, 3, 1, 1)]
    speck = OcrWord("x", 33.0, 900, 900, 20, 24, 4, 1, 1)
    page_no = OcrWord("2", 45.0, 1300, 100, 20, 30, 5, 1, 1)
    words = [*body, *stroke, speck, page_no]
    assert tall_strokes(words) == {len(body)}
    assert stroke_scraps(words, {len(body)}) == {len(body) + 1, len(body) + 2}
    assert lone_specks(words) == {len(body) + 3}
    fixed = _text(words)
    assert "C.C?z_" not in fixed and " có" not in fixed and "x" not in fixed.split()
    assert fixed.split()[-1] == "2"


def test_a_standard_line_does_not_overwrite_another_confident_word() -> None:
    # A district office's "- Sở GD&ĐT (để b/c);" is two characters from the department's standard
    # "- Bộ GD&ĐT (để b/c);"; read at 93% it stays what the page prints. A doubtful word, or one that
    # the lexicon does not know, still takes the standard line's; so do marks on the same letters.
    assert "- Bộ GD&ĐT (để b/c);" in KNOW.formulas
    assert _text(_words("- Sở GD&ĐT (để b/c);", conf=93.0)) == "- Sở GD&ĐT (để b/c);"
    doubtful = _words("- Sở GD&ĐT (để b/c);", conf=93.0)
    doubtful[1] = replace(doubtful[1], conf=45.0)
    assert _text(doubtful) == "- Bộ GD&ĐT (để b/c);"
    assert _text(_words("- Bô GD&ĐT (để b/c);", conf=93.0)) == "- Bộ GD&ĐT (để b/c);"  # marks only
    assert _text(_words("- Bọ GD&ĐT (để b/c);", conf=93.0)) == "- Bộ GD&ĐT (để b/c);"


def test_a_doubted_dash_opening_a_list_item_is_kept_a_speck_elsewhere_is_not() -> None:
    """OCR seed 114, 025 p2: the "-" of "- Lưu: VT." was read at 47% and dropped as garbage."""
    from ocr.postcorrect import list_marks

    def w(text: str, conf: float, left: int, top: int, width: int, height: int, line: int = 1) -> OcrWord:
        return OcrWord(text, conf, left, top, width, height, 1, 1, line)

    item = [w("-", 47, 42, 254, 8, 3), w("Lưu:", 96, 68, 248, 42, 15), w("VT.", 91, 127, 249, 33, 14)]
    assert list_marks(item) == {0}
    # Not at the line's start, not beside a sure word, as tall as a letter, or far from the word: no mark.
    inside = [w("Lưu:", 96, 68, 248, 42, 15), w("-", 47, 115, 254, 8, 3), w("VT.", 91, 127, 249, 33, 14)]
    doubted = [w("-", 47, 42, 254, 8, 3), w("Lưu:", 50, 68, 248, 42, 15)]
    tall = [w("-", 47, 42, 248, 8, 14), w("Lưu:", 96, 68, 248, 42, 15)]
    far = [w("-", 47, 2, 254, 8, 3), w("Lưu:", 96, 68, 248, 42, 15)]
    assert not any(list_marks(words) for words in (inside, doubted, tall, far))


def test_a_row_of_accents_read_as_a_line_of_its_own_goes() -> None:
    """OCR seed 114, 023 (heavy): the accents over a capitals header were read as a line of marks above it
    ("ˆ", "`", "^" at 76–96%), cut into a line a mark by the header's gaps."""
    from ocr.postcorrect import stray_marks

    def w(text: str, left: int, top: int, height: int, line: int, conf: float = 90.0) -> OcrWord:
        return OcrWord(text, conf, left, top, 10 * len(text), height, 1, 1, line)

    accents = [w("ˆ", 473, 274, 5, 1), w("`", 924, 275, 4, 2), w("^", 1035, 274, 6, 2)]
    header = [w(t, 100 + 120 * k, 290, 38, 3) for k, t in enumerate("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".split())]
    end = [w("thi", 100, 400, 38, 4), w("hành./.", 200, 400, 38, 4), w("./.", 300, 450, 8, 5)]
    dash = [w("-", 100, 500, 6, 6), w("Lưu:", 130, 490, 38, 6)]
    words = accents + header + end + dash
    assert stray_marks(words) == {0, 1, 2}  # the act's end alone, a dash beside a word stay
    assert stray_marks(accents + header[:3]) == set()  # too few words to know the print's size

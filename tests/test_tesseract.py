"""The one Tesseract wrapper, on the real Tesseract program."""

from __future__ import annotations

import numpy as np
import pytest

import ocr.tesseract as tess
from ocr.tesseract import parse_tsv, run_ocr, run_ocr_many
from core.errors import TesseractCrashError, TesseractNotFoundError, TesseractTimeoutError
from core.settings import TesseractOptions


def test_reads_vietnamese_text(text_page: np.ndarray) -> None:
    result = run_ocr(text_page, TesseractOptions(lang="vie"))
    assert "Nguyễn Văn An" in result.text
    assert "Hải Phòng, ngày 05 tháng 7 năm 2010" in result.text
    assert result.mean_conf > 70
    assert all(w.width > 0 and w.height > 0 for w in result.words)


def test_blank_page_is_an_empty_result() -> None:
    result = run_ocr(np.full((400, 400), 255, np.uint8), TesseractOptions())
    assert result.text == "" and result.words == () and result.mean_conf == 0.0


def test_timeout_is_a_typed_retryable_error(text_page: np.ndarray) -> None:
    with pytest.raises(TesseractTimeoutError) as info:
        run_ocr(text_page, TesseractOptions(timeout_s=0.01), what="p1")
    assert info.value.retryable and "p1" in str(info.value)


def test_crash_is_a_typed_error(monkeypatch: pytest.MonkeyPatch, text_page: np.ndarray) -> None:
    monkeypatch.setattr(tess, "TESSERACT", "false")
    with pytest.raises(TesseractCrashError) as info:
        run_ocr(text_page, TesseractOptions())
    assert info.value.retryable


def test_missing_binary_and_model(monkeypatch: pytest.MonkeyPatch, text_page: np.ndarray) -> None:
    with pytest.raises(TesseractNotFoundError, match="language model"):
        run_ocr(text_page, TesseractOptions(lang="xyz"))
    with pytest.raises(TesseractNotFoundError, match="xyz"):
        tess.check_languages("vie+xyz")
    monkeypatch.setattr(tess, "TESSERACT", "no-such-tesseract-binary")
    with pytest.raises(TesseractNotFoundError):
        run_ocr(text_page, TesseractOptions())


def test_thread_limit_is_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert tess._env(TesseractOptions(thread_limit=1))["OMP_THREAD_LIMIT"] == "1"


def test_parse_tsv_keeps_lines_and_blocks() -> None:
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t91.5\tSở",
        "5\t1\t1\t1\t1\t2\t70\t10\t50\t20\t88\tGiáo",
        "5\t1\t1\t1\t2\t1\t10\t40\t50\t20\t-1\t ",
        "5\t1\t2\t1\t1\t1\t10\t90\t50\t20\t70\tSố:",
    ]
    result = parse_tsv(head + "\n".join(rows))
    assert result.text == "Sở Giáo\n\nSố:"
    assert [w.text for w in result.words] == ["Sở", "Giáo", "Số:"]
    assert result.mean_conf == pytest.approx((91.5 + 88 + 70) / 3)


def test_limit_processes_caps_concurrent_tesseract_runs(text_page: np.ndarray) -> None:
    import threading
    import time

    import ocr.tesseract as tess

    running, peak = 0, 0
    lock = threading.Lock()
    real = tess._spawn

    def counting(args, options):  # type: ignore[no-untyped-def]
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.05)
            return real(args, options)
        finally:
            with lock:
                running -= 1

    tess._spawn = counting
    tess.limit_processes(1)
    try:
        threads = [threading.Thread(target=tess.run_ocr, args=(text_page[:200], TesseractOptions()))
                   for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        tess._spawn = real
        tess.limit_processes(None)
    assert peak == 1


def test_several_pages_in_one_run_read_as_they_do_alone(text_page: np.ndarray) -> None:
    blank = np.full((400, 400), 255, np.uint8)
    turned = np.ascontiguousarray(text_page[:, ::-1])  # mirrored: other words, same size
    pages = [text_page, blank, turned]
    together = run_ocr_many(pages, TesseractOptions())
    assert together == [run_ocr(p, TesseractOptions()) for p in pages]
    assert "Nguyễn Văn An" in together[0].text and together[1].words == ()
    assert run_ocr_many([], TesseractOptions()) == []


def test_a_gutter_through_a_line_starts_a_new_line_and_word_spaces_do_not() -> None:
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import split_columns

    def word(text: str, left: int, line: int = 1) -> OcrWord:
        return OcrWord(text, 90.0, left, 100, 20 * len(text), 40, 1, 1, line)

    # A justified line's spaces stretched to a word's height stay spaces.
    justified = [word("Căn", 0), word("cứ", 100), word("Luật", 180)]
    number_and_date = [word("Số:", 0, 2), word("12/QĐ", 80, 2), word("Hải", 900, 2), word("Phòng,", 980, 2)]
    words = split_columns(justified + number_and_date)
    assert [w.text for w in words] == [w.text for w in justified + number_and_date]  # nothing lost or moved
    assert words_to_text(words).splitlines() == ["Căn cứ Luật", "Số: 12/QĐ", "Hải Phòng,"]
    assert len({(w.block, w.par, w.line) for w in words}) == 3


def test_header_columns_close_together_are_split_in_the_middle_of_the_text_only() -> None:
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import split_columns

    def word(text: str, left: int, line: int) -> OcrWord:
        return OcrWord(text, 90.0, left, 40 * line, 20 * len(text), 40, 1, 1, line)

    # Two words on each side of a gap of two word heights, halfway across the text: two columns.
    row = [word("ĐÀO", 700, 1), word("TẠO", 800, 1), word("Độc", 960, 1), word("lập", 1040, 1)]
    # The same gap to one side, or with one word before it (a blank for a handwritten number),
    # or between a word and a line's last word: one line.
    side = [word("Căn", 0, 2), word("cứ", 80, 2), word("Quyết", 200, 2), word("định", 320, 2)]
    blank = [word("Số:", 800, 3), word("/QĐ-UBND", 960, 3), word("x", 1140, 3)]
    last = [word("Trường", 500, 4), word("THCS", 640, 4), word("An", 800, 4)]
    edges = [word("a", 0, 5), word("b", 1880, 5)]  # the text's width: 0 to 1900
    lines = words_to_text(split_columns(row + side + blank + last + edges)).splitlines()
    assert lines[:2] == ["ĐÀO TẠO", "Độc lập"]
    assert lines[2:5] == ["Căn cứ Quyết định", "Số: /QĐ-UBND x", "Trường THCS An"]


def test_a_wide_space_in_running_text_is_no_gutter_while_header_columns_are() -> None:
    """A space a justified line stretched after a full stop, halfway across, under and over running
    text, stays a space (OCR seed 113, 023: "… kể từ ngày ký.   Chánh Văn phòng …" had been cut in two);
    two header lines whose close gutters do not line up are each cut (seed 111, 012)."""
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import split_columns

    def line(texts: list[str], top: int, no: int, wide_after: int = -1, left: int = 0) -> list[OcrWord]:
        words = []
        for k, text in enumerate(texts):
            words.append(OcrWord(text, 90.0, left, top, 20 * len(text), 25, 1, 1, no))
            left += 20 * len(text) + (40 if k == wide_after else 12)
        return words

    above = line("Điều 2. Thời hạn công nhận là 05 năm kể từ ngày ký Quyết định này.".split(), 100, 1)
    stretched = line("Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám"
                     .split(), 140, 2, wide_after=10)
    below = line("đốc Sở Giáo dục và Đào tạo và Hiệu trưởng Trường THCS Thụy Khê chịu trách nhiệm".split(), 180, 3)
    assert words_to_text(split_columns(above + stretched + below)).splitlines()[1] == " ".join(
        w.text for w in stretched)
    alone = words_to_text(split_columns(stretched)).splitlines()  # with no lines around, the gap decides
    assert alone == ["Điều 3. Quyết định có hiệu lực kể từ ngày ký.", "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám"]

    issuer = line("UBND HUYỆN VĨNH BẢO".split(), 100, 1, wide_after=3) + line(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA".split(), 100, 1, left=480)
    office = line("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO".split(), 140, 2) + line(
        "Độc lập - Tự do".split(), 140, 2, left=600)
    assert words_to_text(split_columns(issuer + office)).splitlines() == [
        "UBND HUYỆN VĨNH BẢO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Độc lập - Tự do"]


def test_header_columns_one_space_apart_are_cut_under_the_gutter_of_the_line_below() -> None:
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import split_columns

    def line(spec: str, top: int, no: int) -> list[OcrWord]:
        return [OcrWord(text, 90.0, int(a), top, int(b) - int(a), 29, 1, 1, no)
                for text, a, b in (item.rsplit("@", 2) for item in spec.split())]

    # As Tesseract read a header whose columns touch (a wide serif in bold): the issuer's line and the
    # motto 12 px apart, like the words; below, the number and the motto's second line 244 px apart.
    glued = line("UỶ@28@73 BAN@83@153 NHÂN@165@264 DÂN@277@347 TỈNH@358@444 HẢI@457@517 DƯƠNG@529@650 "
                 "CỘNG@662@766 HOÀ@780@860 XÃ@871@918 HỘI@930@999 CHỦ@1013@1092 NGHĨA@1105@1227 "
                 "VIỆT@1238@1324 NAM@1336@1421", 109, 1)
    below = line("Số:1354/QĐ-UBND@170@509 Độc@753@830 lập@845@906 -@922@933 Tự@948@1005 do@1016@1064 "
                 "-@1079@1091 Hạnh@1107@1216 phúc@1230@1329", 154, 2)
    assert words_to_text(split_columns(glued + below)).splitlines() == [
        "UỶ BAN NHÂN DÂN TỈNH HẢI DƯƠNG", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số:1354/QĐ-UBND", "Độc lập - Tự do - Hạnh phúc"]
    # The columns' space ends where the gutter of the line below begins, not inside it (OCR seed 101, 008).
    touching = line("ỦY@125@176 BAN@190@268 NHÂN@282@391 DÂN@408@487 HUYỆN@502@635 NGHÌA@651@771 HƯNG@786@895 "
                    "CỘNG@913@1039 HÒA@1058@1152 XÃ@1169@1223 HỘI@1240@1322 CHỦ@1340@1435 NGHĨA@1453@1601 "
                    "VIỆT@1614@1719 NAM@1734@1836", 346, 1)
    second = line("PHÒNG@117@302 GIÁO@322@461 DỤC@470@584 VÀ@598@657 ĐÀO@683@780 TẠO@802@905 Độc@1017@1109 "
                  "lập@1131@1206 -@1226@1239 Tự@1259@1329 do@1343@1401 -@1422@1435 Hạnh@1457@1592 phúc@1611@1733",
                  397, 2)
    assert words_to_text(split_columns(touching + second)).splitlines()[:2] == [
        "ỦY BAN NHÂN DÂN HUYỆN NGHÌA HƯNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    # Running text beside a cut row keeps its spaces: it is not in capitals.
    text = line("Phòng@28@150 GD&ĐT@160@300 huyện@310@420 Lương@430@560 Sơn@570@650 thông@662@780 báo@790@860 "
                "kết@871@918 quả@930@999 để@1013@1092 quý@1105@1227 cơ@1238@1324 quan@1336@1421", 109, 1)
    assert words_to_text(split_columns(text + below)).splitlines()[0] == " ".join(w.text for w in text)
    # Nor is the issuer's second line, wider than the number under it: it ends in the gutter, one column.
    issuer = line("PHÒNG@60@200 GIÁO@212@330 DỤC@342@440 VÀ@452@505 ĐÀO@530@610 TẠO@622@700", 109, 1)
    assert words_to_text(split_columns(issuer + below)).splitlines()[0] == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    # Nor the motto next to specks of a stain read as a "line" with wide gaps.
    specks = [OcrWord(t, 20.0, a, 60, 12, 7, 1, 1, 0) for t, a in (("°", 861), ("k", 1088), ("~", 1215), ("_", 1322))]
    motto = line("CỘNG@612@730 HÒA@749@837 XÃ@854@909 HỘI@927@999 CHỦ@1017@1103 NGHĨA@1122@1257 VIỆT@1271@1366 "
                 "NAM@1382@1476", 79, 1)
    assert words_to_text(split_columns(specks + motto)).splitlines()[-1] == " ".join(w.text for w in motto)
    # Nor is a capitals line far from the cut one.
    far = [OcrWord(w.text, w.conf, w.left, w.top + 400, w.width, w.height, w.block, w.par, w.line) for w in below]
    assert words_to_text(split_columns(glued + far)).splitlines()[0] == " ".join(w.text for w in glued)


def test_a_justified_line_whose_spaces_are_all_stretched_wide_stays_one_line() -> None:
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import split_columns

    # Monospace type justified on a short line: every space 1.6 word heights, the middle one too.
    texts = ["và", "Phát", "triển", "nông", "thôn", "chi", "nhánh", "tỉnh", "Hải", "Dương"]
    words, left = [], 0
    for text in texts:
        words.append(OcrWord(text, 90.0, left, 100, 20 * len(text), 32, 1, 1, 1))
        left += 20 * len(text) + 51
    assert words_to_text(split_columns(words)) == " ".join(texts)
    # Monospace header columns: spaces of 0.9 word heights, a gutter of 1.75 between the "V/v" line and
    # the place-date: two lines.
    left = ["V/v", "xác", "minh", "văn", "bằng", "tốt", "nghiệp"]
    right = ["Thanh", "Hóa,", "ngày", "26", "tháng", "8", "năm", "2008"]
    words, x = [], 0
    for k, text in enumerate(left + right):
        if k == len(left):
            x += 42 - 22
        words.append(OcrWord(text, 90.0, x, 100, 14 * len(text), 24, 1, 1, 1))
        x += 14 * len(text) + 22
    assert words_to_text(split_columns(words)).splitlines() == [" ".join(left), " ".join(right)]


def test_a_line_read_twice_is_kept_once_the_reading_with_more_evidence() -> None:
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import drop_twice_read

    def line(spec: str, top: int, par: int) -> list[OcrWord]:
        return [OcrWord(text, float(conf), int(a), top, int(b) - int(a), 17, 20, par, 1)
                for text, a, b, conf in (item.rsplit("@", 3) for item in spec.split())]

    # OCR seed 101, 036: a seal's ring touches the line; Tesseract found it twice, words interleaved.
    above = line("văn@197@230@95 bằng@235@280@95 đúng@285@330@95 với@335@370@95 sổ@375@400@95 "
                 "gốc@405@440@95", 1766, 3)
    first = line("Sở@248@295@93 GD&@317@333@93 ða@469@471@5 trả@493@497@97 lời@513@549@97 đế@565@581@79 "
                 "Cô@589@614@97 y@664@666@60 Cố@675@701@97 phần@723@743@93 Xâyả@785@827@65 óa@942@946@92 "
                 "được@967@993@93 biết./.@1014@1079@89", 1801, 4)
    second = line("3D&ĐT@291@368@79 Thanh@374@437@96 Hóa@446@485@96 trả@500@517@97 lời@547@550@97 "
                  "để@571@581@89 Công@605@642@97 ty@649@664@97 Cố@691@702@91 phần@711@757@97 Xây@766@803@78 "
                  "lắp@813@843@78 Thanh@853@909@96 Hóa@923@959@97 lợc@993@1015@30 biết./@1037@1071@88", 1801, 5)
    below = line("Nơi@197@230@95 nhận:@235@290@95", 1966, 6)
    kept = words_to_text(list(drop_twice_read(above + first + second + below))).split("\n")
    assert [x for x in kept if x] == ["văn bằng đúng với sổ gốc",
                                      "3D&ĐT Thanh Hóa trả lời để Công ty Cố phần Xây lắp Thanh Hóa lợc biết./",
                                      "Nơi nhận:"]
    # Lines one above the other, or side by side on one row (header columns), are different print, a
    # mark at their right end stretching their extents over each other or not (OCR seed 101, 021).
    marked = [*above, OcrWord("\\", 20.0, 1880, 1700, 20, 120, 20, 3, 1)]
    beside = [OcrWord(w.text, w.conf, w.left + 1200, w.top, w.width, w.height, 20, 7, 1) for w in second]
    assert drop_twice_read(marked + second + beside + below) == tuple(marked + second + beside + below)


def test_a_lines_end_read_as_a_block_of_its_own_goes_back_on_its_line() -> None:
    """OCR seed 114, 025 p2: Tesseract made blocks of "UBND;" and "VT." a word space after "- CT, các PCT"
    and "- Lưu:", read after the signer's block: each line came out in two."""
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import join_row_pieces

    def line(spec: str, top: int, block: int, no: int = 1) -> list[OcrWord]:
        return [OcrWord(text, 90.0, int(a), top + (6 if text == "-" else 0), int(b) - int(a),
                        3 if text == "-" else 15, block, 1, no) for text, a, b in (i.rsplit("@", 2) for i in spec.split())]

    recipients = line("-@42@50 CT,@67@100 các@120@150 PCT@165@202", 220, 2) + line(
        "-@42@50 Lưu:@68@110", 252, 2, 2)
    signer = line("TM.@656@690 ỦY@712@740 BAN@757@800", 220, 3)
    pieces = line("UBND;@217@274", 221, 5) + line("VT.@127@160", 250, 4)
    words = join_row_pieces(recipients + signer + pieces)
    assert sorted(w.text for w in words) == sorted(w.text for w in recipients + signer + pieces)  # none lost
    assert words_to_text(words).splitlines() == ["- CT, các PCT UBND;", "- Lưu: VT.", "", "TM. ỦY BAN"]
    # A piece a gutter away (the signer's block, the other header column) stays apart, and so do two
    # capitals lines one space apart (header columns; :func:`split_columns` cuts them when read as one).
    far = line("Độc@400@450 lập@462@500", 220, 6)
    issuer = line("UBND@40@110 HUYỆN@122@200 HIỆP@212@280 HÒA@292@350", 100, 7)
    motto = line("CỘNG@365@440 HÒA@452@510 XÃ@522@560 HỘI@572@630", 100, 8)
    kept = recipients[:4] + far + issuer + motto
    assert join_row_pieces(kept) == tuple(kept)


def test_a_standard_line_read_at_the_end_of_another_is_a_line_of_its_own() -> None:
    """OCR seed 114, 023: the issuer on a line of its own set one space before the motto, no gutter under
    them: "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" was one line."""
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import cut_standard_lines

    def line(text: str, no: int, wide_before: str = "") -> list[OcrWord]:
        words, left = [], 0
        for t in text.split():
            left += 24 if t == wide_before else 14  # the columns' space, one and a half of the others
            words.append(OcrWord(t, 90.0, left, 40 * no, 50, 30, 1, 1, no))
            left += 50
        return words

    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    formulas = (motto, "ỦY BAN NHÂN DÂN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Độc lập - Tự do - Hạnh phúc",
                "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    # As read (misread, within reach), with the wider space between the columns.
    glued = line("ỦY BAN NHÂN DẦN TỈNH KHÁNH HÒA CỘNG HÒA XÃ HỘI CHỦ NGHIA VIỆT NAM", 1, "CỘNG")
    office = line("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc", 2, "Độc")
    # A standard line that starts a line may go on; one ending a line a plain space on is its end (the
    # signer's title); running text in small letters is no capitals line.
    issuer = line("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", 3)
    title = line("GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO", 4)
    text = line("theo đề nghị của Giám đốc Sở Giáo dục và Đào tạo", 5, "Sở")
    words = cut_standard_lines(glued + office + issuer + title + text, formulas)
    assert [w.text for w in words] == [w.text for w in glued + office + issuer + title + text]
    assert words_to_text(words).splitlines() == [
        "ỦY BAN NHÂN DẦN TỈNH KHÁNH HÒA", "CỘNG HÒA XÃ HỘI CHỦ NGHIA VIỆT NAM", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "theo đề nghị của Giám đốc Sở Giáo dục và Đào tạo"]


def test_a_gap_holding_print_tesseract_dropped_is_no_gutter() -> None:
    """OCR seed 110, 024 (heavy): Tesseract dropped a faded "V-PC13" from "… số 714/C[V-PC13] ngày
    28/04/2013 …", and the gap of five word heights it left was cut as a gutter."""
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import split_columns

    line = [OcrWord(t, 90.0, a, 100, w, 18, 1, 1, 1)
            for t, a, w in (("Công", 300, 50), ("văn", 360, 40), ("714/C", 442, 60), ("ngày", 597, 45),
                            ("28/04/2013", 657, 116))]
    assert words_to_text(split_columns(line)).splitlines() == ["Công văn 714/C", "ngày 28/04/2013"]
    assert words_to_text(split_columns(line, printed=lambda a, b: a.text == "714/C")).splitlines() == [
        "Công văn 714/C ngày 28/04/2013"]


def test_the_canvas_tells_a_printed_gap_from_white_paper() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from conftest import FONT
    from ocr.layout import PageCanvas, _printed_gap
    from ocr.tesseract import OcrWord

    img = Image.new("L", (800, 60), 255)
    ImageDraw.Draw(img).text((205, 15), "V-PC13", font=ImageFont.truetype(FONT, 30), fill=170)  # faded
    printed = _printed_gap(PageCanvas(np.asarray(img).copy(), 1.0, ((0, 60, 0, 0),)))
    before, after = OcrWord("714/C", 90.0, 100, 15, 100, 30, 1, 1, 1), OcrWord("ngày", 90.0, 320, 15, 60, 30, 1, 1, 1)
    assert printed(before, after)
    far = OcrWord("Hải", 90.0, 620, 15, 50, 30, 1, 1, 1)
    assert not printed(after, far)  # white paper between


def test_a_stain_read_as_a_tall_word_does_not_keep_header_columns_glued() -> None:
    """OCR seed 110, 028 (heavy): a stain over "CỘNG HOÀ" was read as one word 86 px tall among 47 px
    capitals; measured by its tallest word, the line looked twice the size of the line under it, whose
    gutter was then taken for specks' gaps, and the columns set one space apart stayed one line."""
    from ocr.tesseract import OcrWord, words_to_text
    from ocr.word_lines import split_columns

    def line(spec: str, top: int, no: int) -> list[OcrWord]:
        return [OcrWord(text, 90.0, int(a), top, int(b) - int(a), int(h), 3, 1, no)
                for text, a, b, h in (item.split("@") for item in spec.split())]

    glued = line("ỦY@297@360@42 BAN@378@470@33 NHÂN@489@623@42 DÂN@639@738@42 HUYỆN@756@919@49 TIÊN@932@1040@42 "
                 "LÃNG@1055@1184@41 CỘNG—@1196@1419@86 .À@1436@1502@53 XÃ@1518@1592@47 HỘI@1610@1715@59 "
                 "CHỦ@1735@1858@53 NGHĨA@1878@2067@47 VIỆT@2083@2216@56 NAM@2234@2364@37", 173, 1)
    below = line("PHÒNG@312@513@48 GIÁO@535@676@48 DỤC@695@813@38 VÀ@832@903@45 ĐÀO@921@1039@47 TẠO@1057@1171@48 "
                 "Độc@1341@1456@57 lập@1480@1574@57 -@1597@1615@8 Tự@1637@1725@44 do@1741@1814@45 -@1838@1856@8 "
                 "Hạnh@1880@2047@56 phúc@2069@2220@57", 233, 2)
    assert words_to_text(split_columns(glued + below)).splitlines() == [
        "ỦY BAN NHÂN DÂN HUYỆN TIÊN LÃNG", "CỘNG— .À XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "Độc lập - Tự do - Hạnh phúc"]

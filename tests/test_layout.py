"""Reading order: the two-column header comes out with each field intact."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.layout import (
    CANVAS_PAD,
    ColumnZone,
    MIN_OCR_SCALE,
    find_zones,
    ocr_scale,
    page_canvas,
    read_page_text,
    top_down,
)
from ocr.tesseract import OcrWord
from core.settings import TesseractOptions

from ocr.postcorrect import knowledge_for
from conftest import FONT, HP

#: The Hải Phòng office's reading knowledge (the documents here are its).
KNOW = knowledge_for(HP)

LEFT = ["UBND THÀNH PHỐ HẢI PHÒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 123/QĐ-SGDĐT"]
RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hải Phòng, ngày 05 tháng 7 năm 2010"]
BODY = ["QUYẾT ĐỊNH", "Về việc cấp giấy chứng nhận kiểm định chất lượng giáo dục",
        "Điều 1. Cấp giấy chứng nhận cho Trường THCS Lê Lợi, quận Lê Chân, thành phố Hải Phòng."]


def _header_split(page: np.ndarray) -> ColumnZone | None:
    """The two-column header of a page, or ``None`` (a continuation page)."""
    return find_zones(page).header


def _draw_header(d: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, top: int) -> None:
    """The two header columns, each line centred in its column, from row ``top``."""
    for i, line in enumerate(LEFT):
        d.text((560 - d.textlength(line, font=font) / 2, top + i * 70), line, font=font, fill=0)
    for i, line in enumerate(RIGHT):
        d.text((1720 - d.textlength(line, font=font) / 2, top + i * 70), line, font=font, fill=0)


def _page() -> np.ndarray:
    font = ImageFont.truetype(FONT, 46)
    img = Image.new("L", (2480, 1800), 255)
    d = ImageDraw.Draw(img)
    _draw_header(d, font, 150)
    for i, line in enumerate(BODY):
        x = 1240 - d.textlength(line, font=font) / 2 if i < 2 else 180
        d.text((x, 520 + i * 90), line, font=font, fill=0)
    return np.asarray(img).copy()


def test_header_split_is_found_between_the_columns() -> None:
    split = _header_split(_page())
    assert split is not None
    assert 1000 < split.x < 1200  # the gutter between the columns
    assert 150 + 2 * 70 + 40 < split.bottom < 520  # below the header, above the title


def test_a_scanner_edge_down_the_page_does_not_hide_the_header() -> None:
    # A dark line along the left edge, top to bottom, touches every row of text.
    page = _page()
    page[:, 20:28] = 0
    split = _header_split(page)
    assert split is not None and 1000 < split.x < 1200


def test_scanner_edges_tilted_by_deskewing_do_not_hide_the_header() -> None:
    # Deskewing a crooked scan tilts the scanner's edges with it: a line down the side that
    # drifts sideways, and a thin line along the top crossing the gutter (two held-out pages).
    page = _page()
    h, w = page.shape
    for y in range(h):
        x = 20 + int(y * np.tan(np.radians(2.0)))
        page[y, x : x + 6] = 0
    for x in range(500, w - 60):
        y = 30 + int((x - 500) * np.tan(np.radians(1.2)))
        page[y : y + 3, x] = 0
    split = _header_split(page)
    assert split is not None and 1000 < split.x < 1200
    assert 150 + 2 * 70 + 40 < split.bottom < 520


def test_a_thick_scanner_edge_tilted_along_the_top_does_not_hide_the_header() -> None:
    # The bed's edge along the top of a scan, 14 px thick, tilted 2.5° by deskewing: its band
    # of rows is taller than a line of text, but nowhere thicker than a letter's stem (seed 41).
    page = _page()
    h, w = page.shape
    for x in range(0, w):
        y = 20 + int(x * np.tan(np.radians(2.5)))
        page[y : y + 14, x] = 0
    split = _header_split(page)
    assert split is not None and 1000 < split.x < 1200
    assert 150 + 2 * 70 + 40 < split.bottom < 520


def test_continuation_page_has_no_header() -> None:
    page = _page()[500:]
    assert _header_split(page) is None


def test_fields_come_out_whole_and_in_order() -> None:
    text = read_page_text(_page(), TesseractOptions(), KNOW).text
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in LEFT + RIGHT:
        assert line in lines, f"{line!r} not read as one line: {lines}"
    order = [lines.index(x) for x in (LEFT[0], LEFT[2], RIGHT[0], RIGHT[2], BODY[0])]
    assert order == sorted(order)


def test_a_mark_in_the_margin_beside_the_header_does_not_hide_it() -> None:
    # Read on a generated page: a pen doodle in the left margin touched the header's first
    # lines, which then made one tall band; judged by that band's height the gutter between
    # the columns looked too narrow, and the header was read straight across.
    font = ImageFont.truetype(FONT, 46)
    img = Image.new("L", (2480, 1800), 255)
    d = ImageDraw.Draw(img)
    for i, (left, right) in enumerate(zip([*LEFT, "V/v xác minh văn bằng"], [*RIGHT, ""], strict=True)):
        d.text((1040 - d.textlength(left, font=font), 150 + i * 70), left, font=font, fill=0)
        d.text((1200, 150 + i * 70), right, font=font, fill=0)
    for i, line in enumerate(BODY):
        x = 1240 - d.textlength(line, font=font) / 2 if i < 2 else 180
        d.text((x, 520 + i * 90), line, font=font, fill=0)
    d.ellipse((40, 130, 150, 340), outline=0, width=12)  # a loop of ink, not a straight edge
    split = _header_split(np.asarray(img).copy())
    assert split is not None and 1040 <= split.x <= 1200


def test_ocr_scale_brings_the_median_line_to_the_target_and_never_enlarges() -> None:
    assert ocr_scale(50.0, 38) == 0.76
    assert ocr_scale(100.0, 38) == 0.38  # a 600 dpi scan
    assert ocr_scale(20.0, 38) == 1.0  # small print is not enlarged
    assert ocr_scale(1000.0, 38) == MIN_OCR_SCALE
    assert ocr_scale(None, 38) == ocr_scale(50.0, 0) == 1.0


def test_a_page_read_shrunk_gives_the_same_text_with_boxes_on_the_page() -> None:
    """The header page at twice its size (a 600 dpi scan) is read at the target line height.

    The text is the same as at its own size, and every word box lands on the
    enlarged page where the word is (a dark pixel inside it).
    """
    page = _page()
    big = np.asarray(Image.fromarray(page).resize((page.shape[1] * 2, page.shape[0] * 2), Image.LANCZOS))
    zones = find_zones(big)
    assert zones.line_height is not None and ocr_scale(zones.line_height, 38) < 0.5
    shrunk = read_page_text(big, TesseractOptions(), KNOW)
    whole = read_page_text(big, TesseractOptions(line_px=0), KNOW)
    assert shrunk.text == whole.text
    for line in LEFT + RIGHT:
        assert line in shrunk.text
    assert shrunk.words and all(big[w.top : w.top + w.height, w.left : w.left + w.width].min() < 128
                                for w in shrunk.words)
    number = next(w for w in shrunk.words if w.text.startswith("123/"))
    assert abs(number.top - 2 * (150 + 2 * 70)) < 40  # where the number line is on the enlarged page


def test_lines_joined_by_damage_do_not_make_the_print_look_larger() -> None:
    """Two lines in three are set so close that each pair makes one band: the size is still one line's."""
    font = ImageFont.truetype(FONT, 46)
    img = Image.new("L", (2480, 2000), 255)
    d = ImageDraw.Draw(img)
    y = 100
    for i in range(12):
        d.text((180, y), f"Điều {i}. Cấp giấy chứng nhận cho Trường THCS Lê Lợi, quận Lê Chân.", font=font, fill=0)
        y += 36 if i % 3 == 0 else 110  # lines 0-1, 3-4, 6-7, 9-10 touch: each pair is one band
    single = find_zones(np.asarray(img).copy()).line_height
    assert single is not None and 40 <= single <= 52  # a pair's band is 76 px, the median band 62


def test_the_canvas_leaves_out_white_and_boxes_come_back_to_the_page() -> None:
    """Tesseract is not given the page's margins or the white above and below each zone; words land where they are."""
    page = _page()
    canvas = page_canvas(page, TesseractOptions(line_px=0))
    assert canvas.scale == 1.0
    ink_cols = np.flatnonzero((page < 160).any(axis=0))
    assert canvas.image.shape[1] == ink_cols[-1] - ink_cols[0] + 1 + 2 * CANVAS_PAD
    assert (canvas.image[:, :CANVAS_PAD] == 255).all()
    # Less than the page stacked with its header twice, as it was before the white was left out.
    assert canvas.image.size < 0.9 * page.shape[1] * (page.shape[0] + find_zones(page).header.bottom)
    result = read_page_text(page, TesseractOptions(line_px=0), KNOW)
    assert result.words and all(page[w.top : w.top + w.height, w.left : w.left + w.width].min() < 128
                                for w in result.words)
    motto = next(w for w in result.words if w.text == "Độc")
    assert motto.left > find_zones(page).header.x  # the right column's words go back to the right column


def test_a_blank_page_gives_no_words() -> None:
    blank = np.full((1200, 900), 255, np.uint8)
    assert page_canvas(blank, TesseractOptions()).image.min() == 255
    assert read_page_text(blank, TesseractOptions(), KNOW).words == ()


def test_two_columns_sharing_one_row_under_a_centred_header_come_out_as_two_lines() -> None:
    # The motto centred on top and the issuer under it: no two-column header for the
    # zones to split, so Tesseract sees the number and the place-date as one row of text.
    font = ImageFont.truetype(FONT, 46)
    img = Image.new("L", (2480, 1400), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(RIGHT[:2] + LEFT[:2]):
        d.text((1240 - d.textlength(line, font=font) / 2, 120 + i * 70), line, font=font, fill=0)
    d.text((260, 420), LEFT[2], font=font, fill=0)
    d.text((2300 - d.textlength(RIGHT[2], font=font), 420), RIGHT[2], font=font, fill=0)
    for i, line in enumerate(BODY[1:]):
        d.text((180, 600 + i * 90), line, font=font, fill=0)
    lines = [ln.strip() for ln in read_page_text(np.asarray(img).copy(), TesseractOptions(), KNOW).text.splitlines()]
    assert LEFT[2] in lines and RIGHT[2] in lines, lines


def test_header_columns_set_close_together_are_still_two_columns() -> None:
    # The left column ends a little over a line's height before the right one starts:
    # read straight across, "UBND … HẢI PHÒNG CỘNG HÒA …" was one line. Each column is centred,
    # as headers are set (lines that all reach the gutter on both sides are a typewriter's spaces).
    font = ImageFont.truetype(FONT, 46)
    img = Image.new("L", (2480, 1500), 255)
    d = ImageDraw.Draw(img)
    left_width = max(d.textlength(line, font=font) for line in LEFT)
    right_width = max(d.textlength(line, font=font) for line in RIGHT)
    left_end = left_width + 150
    gutter = 60  # about 1.3 text lines (a line of this print is 46 pixels tall)
    for i, line in enumerate(LEFT):
        d.text((left_end - (left_width + d.textlength(line, font=font)) / 2, 150 + i * 70), line, font=font, fill=0)
    for i, line in enumerate(RIGHT):
        d.text((left_end + gutter + (right_width - d.textlength(line, font=font)) / 2, 150 + i * 70), line,
               font=font, fill=0)
    for i, line in enumerate(BODY):
        x = 1240 - d.textlength(line, font=font) / 2 if i < 2 else 180
        d.text((x, 520 + i * 90), line, font=font, fill=0)
    page = np.asarray(img).copy()
    split = _header_split(page)
    assert split is not None and left_end < split.x < left_end + gutter
    lines = [ln.strip() for ln in read_page_text(page, TesseractOptions(), KNOW).text.splitlines()]
    for line in LEFT + RIGHT:
        assert line in lines, f"{line!r} not read as one line: {lines}"


def _faded_body_over_a_footer(size: int, fill: int) -> tuple[np.ndarray, int]:
    """Body lines in faded print (``fill`` gray, ``size`` px) above "Nơi nhận" and the signer: the page and
    the row where the footer starts."""
    body = ["Điều 2. Văn bằng được công nhận có giá trị sử dụng tại Việt Nam theo quy định của",
            "pháp luật.", "Điều 3. Chánh Văn phòng, Trưởng phòng Khảo thí và Kiểm định chất lượng giáo dục",
            "và bà Trần Khánh Giang chịu trách nhiệm thi hành Quyết định này./."]
    font, small = ImageFont.truetype(FONT, size), ImageFont.truetype(FONT, 40)
    bold = ImageFont.truetype(FONT.replace("Regular", "Bold"), 46)
    img = Image.new("L", (2480, 2200), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(body * 2):
        d.text((240, 300 + i * 70), line, font=font, fill=fill)
    y = 300 + 8 * 70 + 40
    for i, line in enumerate(["Nơi nhận:", "- Như Điều 3;", "- Bộ GD&ĐT (để b/c);", "- Lưu VT, CM."]):
        d.text((240, y + i * 50), line, font=bold if i == 0 else small, fill=0)
    d.text((1300, y), "GIÁM ĐỐC", font=bold, fill=0)
    d.text((1250, y + 260), "Huỳnh Cẩm Gấm", font=bold, fill=0)
    return np.asarray(img).copy(), y


@pytest.mark.parametrize(("size", "fill"), [(38, 150), (34, 150), (38, 0)])
def test_a_faded_body_line_is_not_split_as_the_footer(size: int, fill: int) -> None:
    """Strokes one pixel wide on the layout's small view (faded or light print) were opened away with the
    specks: the last body lines looked like two columns and were read in two pieces."""
    page, footer_top = _faded_body_over_a_footer(size, fill)
    footer = find_zones(page).footer
    assert footer is not None and 300 + 7 * 70 + size < footer.top <= footer_top
    assert 700 < footer.x < 1250  # between "Nơi nhận" and the signer


MONO = FONT.replace("Serif", "Mono")
#: Justified lines of a typewriter face, as on a continuation page (no header, no footer).
MONO_BODY = ["Căn cứ Thông tư liên tịch số 35/2008/TTLT-BGDĐT-BNV ngày",
             "14/7/2008 của Bộ Giáo dục và Đào tạo, Bộ Nội vụ hướng dẫn chức",
             "Kết quả giải quyết thủ tục hành chính được công khai tại",
             "trụ sở và trên trang thông tin điện tử của Sở theo quy định.",
             "Tổ chức, cá nhân có liên quan có trách nhiệm sử dụng kết",
             "quả giải quyết thủ tục hành chính đúng mục đích, không được"]


def _light_monospace_page(size: int, fill: int, width: int = 1312) -> np.ndarray:
    """A 150 dpi page of justified monospace body lines in light print."""
    font = ImageFont.truetype(MONO, size)
    img = Image.new("L", (width, 1824), 255)
    d = ImageDraw.Draw(img)
    pool = " ".join(MONO_BODY).split()
    rng = np.random.default_rng(size + fill)
    for i in range(40):
        # Lines of running text: no two alike, so their spaces do not line up down the page.
        words: list[str] = []
        while d.textlength(" ".join(words), font=font) < 0.97 * (width - 300):  # a full line, then justified
            words.append(str(rng.choice(pool)))
        words.pop()
        gap = (width - 300 - sum(d.textlength(w, font=font) for w in words)) / (len(words) - 1)
        x = 150.0
        for word in words:
            d.text((x, 60 + i * int(size * 1.9)), word, font=font, fill=fill)
            x += d.textlength(word, font=font) + gap
    return np.asarray(img).copy()


_ALIGNED = pytest.mark.xfail(strict=True, reason="a run of three lines whose spaces line up at full size too "
                             "still looks like a header's gutter")


@pytest.mark.parametrize(("size", "fill"), [(20, 150), (24, 120), (18, 150),
                                            pytest.param(20, 120, marks=_ALIGNED), pytest.param(22, 100, marks=_ALIGNED)])
def test_light_monospace_lines_are_not_cut_into_columns(size: int, fill: int) -> None:
    """The thin strokes of a typewriter face are opened away on the layout's small view, where justified
    lines then leave a wide "gutter": the lines were cut mid-word ("điện t" | "ử của Sở") and read as a
    header's or footer's two columns. A gutter must be white at full size too."""
    zones = find_zones(_light_monospace_page(size, fill))
    assert zones.header is None and zones.footer is None, zones


def _word(text: str, block: int, left: int, top: int) -> OcrWord:
    return OcrWord(text, 95.0, left, top, 20 * len(text), 30, block, 1, 1)


def test_a_block_read_before_the_header_it_lies_below_comes_after_it() -> None:
    # Seen on a one-column decision: a mark at the text's left edge widened the body's block to the
    # margin, Tesseract read that block first and the whole header after it, where no parser looked.
    body = [_word("Căn", 1, 30, 1270), _word("cứ", 1, 100, 1270), _word("Điều", 1, 30, 1500)]
    motto = [_word("CỘNG", 2, 500, 600)]
    issuer = [_word("UBND", 3, 300, 800)]
    number, date = [_word("Số:28/QĐ-SGDĐT", 4, 300, 900)], [_word("ngày", 5, 900, 905)]
    ordered = top_down([*body, *motto, *issuer, *number, *date])
    assert [w.text for w in ordered] == ["CỘNG", "UBND", "Số:28/QĐ-SGDĐT", "ngày", "Căn", "cứ", "Điều"]


def test_blocks_side_by_side_keep_tesseracts_order() -> None:
    # Columns share rows: the right one, a little higher, is not moved before the left.
    left = [_word("UBND", 1, 100, 110), _word("SỞ", 1, 100, 160)]
    right = [_word("CỘNG", 2, 1200, 100), _word("Độc", 2, 1200, 150)]
    below = [_word("QUYẾT", 3, 600, 400)]
    assert top_down([*left, *right, *below]) == (*left, *right, *below)
    assert top_down([]) == ()


def _close_set_header() -> tuple[np.ndarray, list[str], list[str], int]:
    """A header whose columns' first two lines are set close together (one band of the layout's small view),
    each column centred, the gutter about 1.4 text lines: the page, its columns' lines, the gutter's left."""
    font, bold = ImageFont.truetype(FONT, 40), ImageFont.truetype(FONT.replace("Regular", "Bold"), 40)
    left = ["ỦY BAN NHÂN DÂN HUYỆN VĂN LÂM", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Số: 217 /QĐ-GDĐT"]
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    img = Image.new("L", (2480, 1500), 255)
    d = ImageDraw.Draw(img)
    faces = [font, bold, font]
    left_width = max(d.textlength(line, font=f) for line, f in zip(left, faces, strict=True))
    right_width = d.textlength(right[0], font=bold)
    left_end, gutter = 620 + left_width / 2, 56
    for (line, f), y in zip(zip(left, faces, strict=True), (150, 186, 270), strict=True):
        d.text((left_end - (left_width + d.textlength(line, font=f)) / 2, y), line, font=f, fill=0)
    for line, y in zip(right, (150, 186), strict=True):
        d.text((left_end + gutter + (right_width - d.textlength(line, font=bold)) / 2, y), line, font=bold, fill=0)
    date = "Văn Lâm, ngày 4 tháng 12 năm 2013"
    d.text((left_end + gutter + (right_width - d.textlength(date, font=font)) / 2, 330), date, font=font, fill=0)
    for i, line in enumerate(BODY):
        x = 1240 - d.textlength(line, font=font) / 2 if i < 2 else 180
        d.text((x, 520 + i * 90), line, font=font, fill=0)
    return np.asarray(img).copy(), left, right, int(left_end)


def test_header_lines_set_close_together_are_no_typewriters_spaces() -> None:
    """OCR seed 109, 012: the columns' first two lines made one band of the small view, that band reached a
    narrow gutter on both sides, and the gutter was taken for a typewriter's spaces lined up: the header
    was read straight across ("ỦY BAN NHÂN DÂN HUYỆN VĂN LÂM CỘNG HÒA …"). A band of two lines tells
    nothing of whether each line reaches the gutter."""
    page, left, right, left_end = _close_set_header()
    split = _header_split(page)
    assert split is not None and left_end < split.x < left_end + 56
    lines = [ln.strip() for ln in read_page_text(page, TesseractOptions(), KNOW).text.splitlines()]
    for line in left[:2] + right:
        assert line in lines, f"{line!r} not read as one line: {lines}"


def test_pieces_of_the_paper_edge_beside_a_centred_motto_are_no_header_column() -> None:
    """OCR seed 106, 010: a motto set above the issuer, centred, and the paper's edge at the left margin,
    broken into short pieces: a two-column header was found between them and cut the issuer's lines."""
    font = ImageFont.truetype(FONT, 46)
    img = Image.new("L", (2480, 1800), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(RIGHT[:2]):
        d.text((1240 - d.textlength(line, font=font) / 2, 150 + i * 70), line, font=font, fill=0)
    for i, line in enumerate(LEFT[:2]):
        d.text((300, 320 + i * 70), line, font=font, fill=0)
    for i, line in enumerate(BODY):
        d.text((180, 520 + i * 90), line, font=font, fill=0)
    for top in (140, 215, 330, 400):
        d.rectangle((120, top, 127, top + 40), fill=0)  # the edge, in pieces shorter than a rule
    page = np.asarray(img).copy()
    assert find_zones(page).header is None
    lines = [ln.strip() for ln in read_page_text(page, TesseractOptions(), KNOW).text.splitlines()]
    assert LEFT[0] in lines and LEFT[1] in lines


def test_a_faded_body_line_between_two_bands_ends_the_footer() -> None:
    """OCR seed 106, 010: body lines so faded that they made no band of the layout's small view lay between
    the footer and body lines whose own faded middle left a gap over the footer's gutter: the body was
    taken for the footer's two columns and every line of it read in two pieces; and the footer, once
    found below them, must not start inside the last faded line either."""
    font, bold = ImageFont.truetype(FONT, 34), ImageFont.truetype(FONT.replace("Regular", "Bold"), 46)
    img = Image.new("L", (2480, 2000), 255)
    d = ImageDraw.Draw(img)
    _draw_header(d, bold, 100)
    d.text((1240 - d.textlength("QUYẾT ĐỊNH", font=bold) / 2, 360), "QUYẾT ĐỊNH", font=bold, fill=0)
    faint = "Sau khi kiểm tra hồ sơ lưu trữ, Phòng Giáo dục và Đào tạo huyện xác nhận: bà Nguyễn Hồng"
    for i in range(3):
        y = 460 + i * 140
        d.text((240, y), "Điều 3. Chánh Văn phòng", font=font, fill=0)
        d.text((1460, y), "chịu trách nhiệm thi hành.", font=font, fill=0)
        d.text((240, y + 70), faint, font=font, fill=175)
    y = 460 + 3 * 140
    for i, line in enumerate(["Nơi nhận:", "- Như Điều 3;", "- Lưu VT, CM."]):
        d.text((240, y + i * 50), line, font=bold if i == 0 else font, fill=0)
    d.text((1460, y), "GIÁM ĐỐC", font=bold, fill=0)
    d.text((1420, y + 260), "Huỳnh Cẩm Gấm", font=bold, fill=0)
    footer = find_zones(np.asarray(img).copy()).footer
    faded_bottom = 460 + 2 * 140 + 70 + 34
    assert footer is not None and faded_bottom < footer.top <= y


def test_two_justified_lines_whose_spaces_line_up_are_no_header() -> None:
    """OCR seed 106, 036 (a continuation page in a typewriter face): the first two lines' spaces lined up
    under the page number, a "gutter" under a line's height wide that both lines' words reach on both
    sides; the lines were read cut in two ("… để thẩm" | "định.")."""
    font = ImageFont.truetype(MONO, 30)
    img = Image.new("L", (2024, 1400), 255)
    d = ImageDraw.Draw(img)
    d.text((1000, 120), "2", font=font, fill=0)
    space = d.textlength(" ", font=font)
    rows = [("chuyển đến bộ phận chuyên môn để thẩm", "định. Hồ sơ gồm có bản sao văn"),
            ("    Trường hợp phát hiện sai sót, tổ", "chức, cá nhân phản ánh kịp"),
            ("thời về Sở Giáo dục và Đào tạo Hải Phòng để được xem xét, giải", ""),
            ("quyết theo quy định của pháp luật.", "")]
    at = 260 + d.textlength(rows[0][0], font=font) + space
    for i, (head, tail) in enumerate(rows):
        if tail:
            d.text((at - space - d.textlength(head, font=font), 260 + i * 75), head, font=font, fill=120)
            d.text((at, 260 + i * 75), tail, font=font, fill=120)
        else:
            d.text((260, 260 + i * 75), head, font=font, fill=120)
    assert find_zones(np.asarray(img).copy()).header is None


def test_a_zone_ends_in_white_rows_not_through_a_line() -> None:
    """OCR seed 106, 011: a number line too small and faint to count among the page's lines lay halfway
    between the header's last line and the next one; the header ended through it, and its two halves were
    read as "CÃ Q//Ø1E\\ 'PVT'" and "VU O/Á/1/7Á717171". A zone now ends in the white rows nearest halfway."""
    from ocr.layout import _clear_row

    letters = np.zeros((200, 400), np.uint8)
    letters[98:104, 40:160] = 1  # the faint line, between rows 93 and 108
    end = _clear_row(letters, 93, 108)
    assert not letters[end].any() and (93 <= end < 98 or 104 <= end < 108)
    assert _clear_row(letters, 60, 90) == 75  # halfway, where that is white
    letters[60:90, 40:160] = 1
    assert _clear_row(letters, 60, 90) == 75  # no white row at all: halfway still


def test_two_marks_tell_nothing_of_the_size_of_the_print() -> None:
    """OCR seed 110, 010 p2: a continuation page of faint print whose only bands on the layout's small view
    were a termite's trail at the top and at the bottom; the print was taken to be their height (128 px),
    the page shrunk to a quarter for Tesseract, and nothing was read. Two bands or fewer give no size."""
    img = Image.new("L", (1400, 1830), 255)
    d = ImageDraw.Draw(img)
    d.rectangle((300, 40, 420, 170), fill=0)  # two blots, each as wide as a word
    d.rectangle((900, 1650, 1020, 1780), fill=0)
    font = ImageFont.truetype(FONT, 24)
    for i, line in enumerate(["Nơi nhận:", "- Như Điều 3;", "- Lưu VT, CM."]):
        d.text((150, 300 + i * 40), line, font=font, fill=215)  # faded: no band on the small view
    zones = find_zones(np.asarray(img).copy())
    assert zones.lines <= 2 and zones.line_height is None
    assert ocr_scale(zones.line_height, 38) == 1.0


def test_a_word_space_under_the_header_gutter_does_not_make_the_line_two_columns() -> None:
    """OCR seed 114, 008: a recipient's line under a monospace header had a word space just where the
    header's columns leave white ("- Cục Thuế tỉnh | Bắc Giang"); the header's run took that line, its gutter
    shrank to the space, and the line's end was read after the right column. A line whose white at the
    gutter is no wider than its other spaces runs across it."""
    font = ImageFont.truetype(MONO, 30)
    img = Image.new("L", (1800, 1400), 255)
    d = ImageDraw.Draw(img)
    left = ["UBND HUYỆN HIỆP HÒA", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Số 211/PGDĐT", "V/v xác minh văn bằng"]
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
             "Hiệp Hòa, ngày 24 tháng 10 năm 2008"]
    left_width = max(d.textlength(line, font=font) for line in left)
    left_end, gutter_end = 250 + left_width, 250 + left_width + 200
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        d.text((250 + (left_width - d.textlength(a, font=font)) / 2, 120 + i * 48), a, font=font, fill=0)
        d.text((gutter_end, 120 + i * 48), b, font=font, fill=0)
    d.text((440, 340), "Kính gửi:", font=font, fill=0)
    # The recipient's words a stretched space apart, one of them in the middle of the header's gutter.
    words, space = "- Cục Thuế tỉnh Bắc Giang".split(), 26
    x = (left_end + gutter_end) / 2 - space / 2 - sum(d.textlength(w, font=font) + space for w in words[:4]) + space
    for w in words:
        d.text((x, 390), w, font=font, fill=0)
        x += d.textlength(w, font=font) + space
    for i, line in enumerate(MONO_BODY):
        d.text((240, 470 + i * 48), line, font=font, fill=0)
    page = np.asarray(img).copy()
    header = _header_split(page)
    assert header is not None and header.bottom < 390 and left_end < header.x < gutter_end
    lines = [ln.strip() for ln in read_page_text(page, TesseractOptions(), KNOW).text.splitlines()]
    assert "- Cục Thuế tỉnh Bắc Giang" in lines, lines


def test_a_body_line_the_small_view_thinned_is_no_column_beside_a_footer() -> None:
    """OCR seed 114, 020 (heavy): the faint "Nơi nhận" column made no band of the small view, and the body's
    last line, thinned there to two pieces, was the left column's only print: the footer's gutter cut it
    mid-word ("… để Bộ CÌ" | "hi huy Quân sự …"). A band whose letters fill the gutter shows no column."""
    from ocr.gutters import find_gutter

    ink = np.zeros((360, 460), np.uint8)
    letters = ink.copy()
    for top, left, right in ((342, 300, 375), (293, 300, 375)):  # the signer's name and title, right only
        ink[top : top + 6, left:right] = letters[top : top + 6, left:right] = 1
    ink[265:271, 40:245] = ink[265:271, 293:440] = 1  # the body's line, its middle lost on the opened view
    letters[265:271, 40:440] = 1
    bands = [(342, 348), (293, 299), (265, 271)]
    assert find_gutter(ink, letters, [(265, 271), (293, 299), (342, 348)], bands, min_gutter=0.06, line_h=6.0) is None
    # With the left column's print beside the signer's lines, the footer stands (the body's line left out).
    ink[293:299, 40:120] = letters[293:299, 40:120] = 1
    ink[342:348, 40:120] = letters[342:348, 40:120] = 1
    found = find_gutter(ink, letters, [(265, 271), (293, 299), (342, 348)], bands, min_gutter=0.06, line_h=6.0)
    assert found is not None and found[0] == 2 and 120 <= found[1] < found[2] <= 300



def test_a_faint_last_body_line_the_small_view_lost_stays_out_of_the_footer() -> None:
    """OCR seed 110, 024 (heavy): the body's last line, faded to 135–200, made no band nor letters on the
    layout's small view; the footer started halfway between the body and its first band, in that line, and
    its gutter cut it ("… để Công an t" | "ỉnh Nam Định được biết./."). At full size the line's rows hold
    ink: the footer starts below them, and a speck there moves nothing."""
    from ocr.layout import _below_faint_print

    font = ImageFont.truetype(FONT, 30)
    img = Image.new("L", (1800, 400), 255)
    d = ImageDraw.Draw(img)
    d.text((220, 100), "Sở trả lời để Công an tỉnh Nam Định được biết./.", font=font, fill=180)
    d.text((160, 300), "Nơi nhận:", font=font, fill=0)
    page = np.asarray(img).copy()
    ink = np.flatnonzero((page[:290] < 200).any(axis=1))
    top = _below_faint_print(page, 60, 300, 24.0)
    assert ink[-1] < top < 300
    page[:290] = 255
    page[150:156, 800:806] = 0  # a speck
    assert _below_faint_print(page, 60, 300, 24.0) == 60


def test_a_running_lines_space_is_found_where_its_letters_narrow_the_gutter() -> None:
    """OCR seed 116, 029: the gutter is found on the opened view; the letters keep thin strokes, so the
    recipient's space under it ("Kính gửi: Bảo | hiểm …") was narrower than the gutter and not taken for it."""
    from ocr.gutters import _before_running_line

    letters = np.zeros((100, 400), bool)
    letters[26:33, 40:151] = letters[26:33, 217:330] = True  # a header line, columns far apart
    row = letters[89:97]
    # Words 6 px apart; the one under the gutter (176–190 on the opened view) 8 px, its letters reaching in.
    for a, b in ((60, 120), (126, 150), (156, 179), (187, 260), (266, 300), (306, 350)):
        row[:, a:b] = True
    assert _before_running_line(letters, [(26, 33), (89, 97)], 2, (176, 190), 8.0) == 1

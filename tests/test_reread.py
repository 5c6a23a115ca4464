"""Re-reading the number and place-date lines of a header (ocr/reread.py), with the real Tesseract."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.layout import read_page_text
from ocr.loader import inspect_file
from ocr.pages import PageJob, load_words, read_page
from ocr.reread import Variant, header_lines, line_box, reread_header
from ocr.tesseract import OcrResult, OcrWord, words_to_text
from pipeline.numbers_dates import parse_date_detail, parse_number
from sohoa.settings import Settings, TesseractOptions

from conftest import SAMPLES

FONTS = "/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf"
OPTIONS = TesseractOptions()


def header_page(number: str = "Số: 518/QĐ-SGDĐT", date_line: str = "Hải Phòng, ngày 28 tháng 1 năm 2008",
                stain_number: bool = False) -> np.ndarray:
    """An A4 page at 300 dpi with the two-column header of a decision, as the generator lays it out."""
    img = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(img)
    regular, bold, italic = (ImageFont.truetype(FONTS.format(s), 54) for s in ("Regular", "Bold", "Italic"))
    draw.text((620, 300), "UBND THÀNH PHỐ HẢI PHÒNG", font=regular, fill=0, anchor="ma")
    draw.text((620, 370), "SỞ GIÁO DỤC VÀ ĐÀO TẠO", font=bold, fill=0, anchor="ma")
    draw.text((620, 450), number, font=regular, fill=0, anchor="ma")
    draw.text((1750, 300), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold, fill=0, anchor="ma")
    draw.text((1750, 370), "Độc lập - Tự do - Hạnh phúc", font=bold, fill=0, anchor="ma")
    draw.text((1750, 520), date_line, font=italic, fill=0, anchor="ma")
    draw.text((1240, 700), "QUYẾT ĐỊNH", font=bold, fill=0, anchor="ma")
    draw.text((1240, 780), "Về việc công nhận văn bằng do cơ sở giáo dục nước ngoài cấp", font=bold, fill=0,
              anchor="ma")
    if stain_number:
        # A termite hole restored to white would leave nothing; a dark blot over the digits leaves nothing legible.
        left = 620 - regular.getlength(number) / 2 + regular.getlength("Số: ")
        draw.rectangle((left - 4, 440, left + regular.getlength("518") + 4, 510), fill=0)
    return np.asarray(img).copy()


@pytest.fixture(scope="module")
def clean_page() -> tuple[np.ndarray, OcrResult]:
    image = header_page()
    return image, read_page_text(image, OPTIONS)


def test_clean_header_is_not_read_again(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, first = clean_page
    lines = {line.kind: line for line in header_lines(first, image.shape[0])}
    assert lines["number"].value == "518/QĐ-SGDĐT" and lines["number"].clean
    assert lines["date"].value == "2008-01-28" and lines["date"].clean
    again = reread_header(image, first, OPTIONS)
    assert again.checked == () and again.result is first


def test_month_misread_T1_is_read_again(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """The italic "1" of a heavy page read "T1": the parser repairs it to 11 (wrong), the re-read reads 1."""
    image, clean = clean_page
    first = OcrResult(text="", words=tuple(replace(w, text="T1", conf=63.0) if w.text == "1" else w
                                           for w in clean.words))
    first = OcrResult(text=words_to_text(first.words), words=first.words)
    assert parse_date_detail(first.text) == (dt.date(2008, 11, 28), "date repaired from 'ngay 28 thang t1 nam 2008'")

    again = reread_header(image, first, OPTIONS)

    assert again.checked == ("date",) and again.replaced == ("date",)
    assert parse_date_detail(again.result.text) == (dt.date(2008, 1, 28), "")
    assert parse_number(again.result.text) == "518/QĐ-SGDĐT"
    # Only the place-date line changed, its words stayed in the line's band and in reading order.
    assert again.result.text.replace("tháng 1 năm", "tháng T1 năm") == first.text
    date_line = next(line for line in header_lines(first, image.shape[0]) if line.kind == "date")
    top, bottom, left, right = line_box(date_line, image.shape)
    new_words = [w for w in again.result.words if w not in first.words]
    assert new_words and all(top <= w.top and w.top + w.height <= bottom and left <= w.left < right
                             for w in new_words)


def test_number_under_a_blot_is_left_alone() -> None:
    """Nothing legible to read again: the line keeps its first reading (the record goes to review) — no guess."""
    image = header_page(stain_number=True)
    first = read_page_text(image, OPTIONS)
    assert parse_number(first.text) is None

    again = reread_header(image, first, OPTIONS)

    assert "number" in again.checked and "number" not in again.replaced
    assert parse_number(again.result.text) is None
    assert parse_date_detail(again.result.text) == (dt.date(2008, 1, 28), "")


def test_a_failing_second_look_keeps_the_first_reading(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, clean = clean_page
    first = OcrResult(text="", words=tuple(replace(w, text="T1") if w.text == "1" else w for w in clean.words))
    first = OcrResult(text=words_to_text(first.words), words=first.words)
    # A language model that is not installed: Tesseract fails, the page does not.
    again = reread_header(image, first, OPTIONS, variants=(Variant("missing", "xx-not-installed", 2.0),))
    assert again.checked == ("date",) and again.replaced == () and again.result is first


def test_header_lines_skip_acts_cited_in_the_body() -> None:
    def word(text: str, top: int, line: int, left: int) -> OcrWord:
        return OcrWord(text, 90.0, left, top, 60, 40, 1, 1, line)

    cited = [word(t, 600, 1, 100 + 80 * i) for i, t in enumerate("Căn cứ Quyết định số 32/2005/QĐ-BGDĐT".split())]
    birth = [word(t, 700, 2, 100 + 80 * i) for i, t in enumerate("Ngày sinh: ngày 12 tháng 3 năm 1990".split())]
    result = OcrResult(text="", words=tuple(cited + birth))
    assert header_lines(result, 3508) == []


def test_read_page_saves_the_re_read_line(tmp_path: Path) -> None:
    """A heavy demo page whose day 21 is read "2T": the words JSON and the text carry the re-read "21"."""
    path = SAMPLES / "scans" / "005_heavy_page.jpg"
    settings = Settings(data_dir=tmp_path / "data")
    outcome = read_page(PageJob(path, "ab" * 32, inspect_file(path, settings.limits), 1, settings))

    assert "reread-date" in outcome.steps and "replaced-date" in outcome.steps
    assert parse_date_detail(outcome.text) == (dt.date(2008, 8, 21), "")
    words = load_words(outcome.words_path)
    assert words_to_text([OcrWord(**w) for w in words]) == outcome.text  # type: ignore[arg-type]
    assert parse_number(outcome.text) == "510/QĐ-UBND"

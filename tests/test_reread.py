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
from ocr.derived import load_words
from ocr.pages import PageJob, read_page
from ocr.header_lines import DATE_LOW_CONF, HeaderLine, header_lines, judge, why_unclean
from ocr.lost_lines import band_reading, lost_lines
from ocr.reread import (
    DISSENT_CONF,
    Reread,
    _blots_mattered,
    _cited_year,
    apply_reread,
    check_box,
    line_box,
    plan_reread,
    reread_header,
    second_look,
)
from ocr.tesseract import OcrResult, OcrWord, words_to_text
from ocr.votes import dissent, pick
from ocr.variants import VARIANTS, Variant, read_canvases, remove_blots
from pipeline.numbers_dates import parse_number
from pipeline.place_dates import parse_date_detail
from pipeline.records import doubtful_words
from core.settings import Settings, TesseractOptions

from ocr.postcorrect import knowledge_for
from conftest import HP, SAMPLES

#: The Hải Phòng office's reading knowledge (the documents here are its).
KNOW = knowledge_for(HP)

FONTS = "/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf"
OPTIONS = TesseractOptions()
#: The first reading of the synthetic pages, at full size: its 54 px font shrunk to the
#: 38 px lines of the page read (``line_px``) reads the glued "518/QĐ-SGDĐT" at 53%, and
#: these tests are about what the re-read does with a given first reading.
FIRST = TesseractOptions(line_px=0)


def header_page(number: str = "Số: 518/QĐ-SGDĐT", date_line: str = "Hải Phòng, ngày 28 tháng 1 năm 2008",
                stain_number: bool = False, date_blot: tuple[str, float, float, float, float] | None = None
                ) -> np.ndarray:
    """An A4 page at 300 dpi with the two-column header of a decision, as the generator lays it out.

    ``date_blot``: an ink blot on the place-date line, ``(text before it, dx, dy, rx, ry)``: an
    ellipse of radii ``rx``, ``ry`` centred ``dx`` right of where that text ends, ``dy`` below the
    line's top.
    """
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
    if date_blot is not None:
        before, dx, dy, rx, ry = date_blot
        cx = 1750 - italic.getlength(date_line) / 2 + italic.getlength(before) + dx
        draw.ellipse((cx - rx, 520 + dy - ry, cx + rx, 520 + dy + ry), fill=0)
    return np.asarray(img).copy()


@pytest.fixture(scope="module")
def clean_page() -> tuple[np.ndarray, OcrResult]:
    image = header_page()
    return image, read_page_text(image, FIRST, KNOW)


def test_clean_header_is_not_read_again(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, first = clean_page
    lines = {line.kind: line for line in header_lines(first, image.shape[0], KNOW)}
    assert lines["number"].value == "518/QĐ-SGDĐT" and lines["number"].clean
    assert lines["date"].value == "2008-01-28" and lines["date"].clean
    again = reread_header(image, first, OPTIONS, KNOW)
    # Only the clean lines' checks read: they read the same number and date, so nothing changed.
    assert again.checked == ("check-number", "check-date") and again.doubted == () and again.result is first


def test_a_confident_misread_date_is_doubted_by_the_check(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """Seed 25: a ring of a stain on the "4" of "04", read "03" at 96%: clean, so never read again.

    The check with the English model reads "28" where this first reading has "23": the date's
    doubtful digits go below what the records stage trusts; then the line is read again as a
    damaged one is, and the variants, agreeing on "28", put it right (seed 32's "tháng 03") — still
    doubted: the page read other digits at 96%, and on seed 75 the page's were the right ones.
    """
    image, clean = clean_page
    words = tuple(replace(w, text="23", conf=96.0) if w.text == "28" else w for w in clean.words)
    first = OcrResult(text=words_to_text(words), words=words)
    line = next(line for line in header_lines(first, image.shape[0], KNOW) if line.kind == "date")
    assert line.value == "2008-01-23" and line.clean

    plan = plan_reread(image, first, KNOW)
    assert plan is not None
    checked = apply_reread(plan, first, read_canvases(plan.canvases, OPTIONS), 0.0)
    assert checked.checked == ("check-number", "check-date") and checked.doubted == ("date",)
    assert checked.replaced == () and checked.result.text == first.text
    assert [w.conf for w in checked.result.words if w.text == "23"] == [DISSENT_CONF]
    assert doubtful_words([(w.text, w.conf) for w in checked.result.words]) == ("23",)
    assert [w.conf for w in checked.result.words if w.text != "23"] == [w.conf for w in first.words if w.text != "23"]

    again = reread_header(image, first, OPTIONS, KNOW)
    assert again.checked == ("check-number", "check-date", "recheck-date")
    assert again.replaced == ("date",) and again.doubted == ("date",)
    assert [line.value for line in header_lines(again.result, image.shape[0], KNOW)] == ["518/QĐ-SGDĐT", "2008-01-28"]
    assert doubtful_words([(w.text, w.conf) for w in again.result.words]) == ("28",)


def test_a_second_look_keeps_the_doubt_it_does_not_settle() -> None:
    first = Reread(OcrResult("a", ()), ("check-number", "check-date"), (), 0.5, ("date", "number"))
    again = Reread(OcrResult("b", ()), ("date", "number"), ("number",), 0.25)
    looked = second_look(first, again)
    assert looked.result.text == "b" and looked.seconds == 0.75
    assert looked.checked == ("check-number", "check-date", "recheck-date", "recheck-number")
    assert looked.replaced == ("number",) and looked.doubted == ("date",)


def test_a_confident_misread_number_is_replaced_when_both_checks_read_it(
        clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """Seed 27: a clean "858" read "958" at 76%; the band alone, as is and upscaled, reads 858 twice."""
    image, clean = clean_page
    words = tuple(replace(w, text=w.text.replace("518", "918"), conf=76.0) if "518" in w.text else w
                  for w in clean.words)
    first = OcrResult(text=words_to_text(words), words=words)
    line = next(line for line in header_lines(first, image.shape[0], KNOW) if line.kind == "number")
    assert line.value == "918/QĐ-SGDĐT" and line.clean

    again = reread_header(image, first, OPTIONS, KNOW)

    assert again.checked == ("check-number", "check-date") and again.replaced == ("number",)
    assert parse_number(again.result.text, KNOW.codes) == "518/QĐ-SGDĐT"
    assert again.result.text.replace("518/", "918/") == first.text
    # Replaced, not trusted: the page read other digits, so the number goes to review (seed 75: the
    # page's "563" was right and the checks' "568" wrong).
    assert doubtful_words([(w.text, w.conf) for w in again.result.words]) == ("518/QĐ-SGDĐT",)


def test_what_is_no_dissent_of_a_check() -> None:
    line = HeaderLine("date", tuple(_words("Hải Phòng, ngày 04 tháng 6 năm 2012")), "2012-06-04", True)
    assert dissent(line, _words("Hai Phong, ngay 03 thang 6 nam 2012"), None, KNOW) is not None
    assert dissent(line, _words("Hai Phong, ngay 04 thang 6 nam 2012"), None, KNOW) is None  # the same date
    assert dissent(line, _words("Hai Phong, ngay 0 thang 6 nam"), None, KNOW) is None  # no date
    assert dissent(line, _words("Hai Phong, ngay l3 thang 6 nam 2012"), None, KNOW) is None  # "l3": 13 only by a look-alike
    assert dissent(line, _words("Hai Phong, ngay 04 thang 6 nam 2006"), 2008, KNOW) is None  # before what the page cites
    assert dissent(line, [], None, KNOW) is None  # the check's run failed
    number = HeaderLine("number", tuple(_words("Số: 858/SGDĐT-KTKĐ")), "858/SGDĐT-KTKĐ", True)
    assert dissent(number, _words("Số: 958/SGDĐT-KTKĐ"), None, KNOW) is not None
    assert dissent(number, _words("Số: 858/SGD&ĐT-KTKĐ"), None, KNOW) is None  # only the symbol read otherwise


def _words(text: str) -> list[OcrWord]:
    return [OcrWord(t, 90.0, 100 * k, 500, 90, 40, 1, 1, 1) for k, t in enumerate(text.split())]


def test_month_misread_T1_is_read_again(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """The italic "1" of a heavy page read "T1": the parser repairs it to 11 (wrong), the re-read reads 1."""
    image, clean = clean_page
    first = OcrResult(text="", words=tuple(replace(w, text="T1", conf=63.0) if w.text == "1" else w
                                           for w in clean.words))
    first = OcrResult(text=words_to_text(first.words), words=first.words)
    assert parse_date_detail(first.text, KNOW.places) == (dt.date(2008, 11, 28), "date repaired from 'ngay 28 thang t1 nam 2008'")

    again = reread_header(image, first, OPTIONS, KNOW)

    assert again.checked == ("date", "check-number") and again.replaced == ("date",)
    assert parse_date_detail(again.result.text, KNOW.places) == (dt.date(2008, 1, 28), "")
    assert parse_number(again.result.text, KNOW.codes) == "518/QĐ-SGDĐT"
    # Only the place-date line changed, its words stayed in the line's band and in reading order.
    assert again.result.text.replace("tháng 1 năm", "tháng T1 năm") == first.text
    date_line = next(line for line in header_lines(first, image.shape[0], KNOW) if line.kind == "date")
    top, bottom, left, right = line_box(date_line, image.shape)
    new_words = [w for w in again.result.words if w not in first.words]
    assert new_words and all(top <= w.top and w.top + w.height <= bottom and left <= w.left < right
                             for w in new_words)


def test_number_under_a_blot_is_left_alone() -> None:
    """Nothing legible to read again: the line keeps its first reading (the record goes to review) — no guess."""
    image = header_page(stain_number=True)
    first = read_page_text(image, FIRST, KNOW)
    assert parse_number(first.text, KNOW.codes) is None

    again = reread_header(image, first, OPTIONS, KNOW)

    assert "number" in again.checked and "number" not in again.replaced
    assert parse_number(again.result.text, KNOW.codes) is None
    assert parse_date_detail(again.result.text, KNOW.places) == (dt.date(2008, 1, 28), "")


def test_a_failing_second_look_keeps_the_first_reading(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, clean = clean_page
    first = OcrResult(text="", words=tuple(replace(w, text="T1") if w.text == "1" else w for w in clean.words))
    first = OcrResult(text=words_to_text(first.words), words=first.words)
    # A language model that is not installed: Tesseract fails, the page does not.
    again = reread_header(image, first, OPTIONS, KNOW, variants=(Variant("missing", "xx-not-installed", 2.0),))
    assert again.checked == ("date", "check-number") and again.replaced == () and again.result.text == first.text
    # The doubt that sent the line back is not settled: its least sure digits go to review.
    assert [d.outcome for d in again.decisions if d.kind == "date"] == ["doubted"]
    assert doubtful_words([(w.text, w.conf) for w in again.result.words])


def _t1_reading(clean: OcrResult) -> OcrResult:
    words = tuple(replace(w, text="T1", conf=63.0) if w.text == "1" else w for w in clean.words)
    return OcrResult(text=words_to_text(words), words=words)


def test_a_run_of_pages_is_re_read_together_as_each_page_alone(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """The ingest re-reads a run's pages with one Tesseract per language; each page gets what it gets alone."""
    image, clean = clean_page
    blot = header_page(stain_number=True)
    pages = [(image, _t1_reading(clean)), (blot, read_page_text(blot, FIRST, KNOW)), (image, clean)]
    plans = [plan_reread(img, first, KNOW) for img, first in pages]
    assert all(plan is not None for plan in plans)
    # A clean header is not read again: its place-date line is only checked.
    assert (plans[2].todo, plans[2].lost, [line.kind for line in plans[2].checks]) == ([], [], ["number", "date"])
    canvases = [c for plan in plans if plan is not None for c in plan.canvases]
    # Page 1: its place-date line read again, its number line checked; page 2: its number line read
    # again (no English), its place-date line checked; page 3: both lines checked.
    assert [c.lang for c in canvases] == ["vie", "eng", "vie", "vie", "eng", "eng", "vie"]

    reads = iter(read_canvases(canvases, OPTIONS, what="3 pages"))
    for (img, first), plan in zip(pages, plans, strict=True):
        assert plan is not None
        together = apply_reread(plan, first, [next(reads) for _ in plan.canvases], 0.0)
        alone = reread_header(img, first, OPTIONS, KNOW)
        assert ((together.result, together.checked, together.replaced, together.doubted)
                == (alone.result, alone.checked, alone.replaced, alone.doubted))
        assert parse_date_detail(together.result.text, KNOW.places) == (dt.date(2008, 1, 28), "")


def test_a_run_gives_a_doubted_line_its_second_look_as_a_page_alone(
        clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """The ingest's run re-read (``ocr.pages._reread_run``) reads the lines its checks doubted again too."""
    from ocr.pages import _reread_run
    from ocr.restore import RestoredPage

    image, clean = clean_page
    misread = tuple(replace(w, text="23", conf=96.0) if w.text == "28" else w for w in clean.words)
    firsts = [OcrResult(text=words_to_text(misread), words=misread), clean]
    run = _reread_run([(RestoredPage(image), first) for first in firsts], OPTIONS, KNOW, what="2 pages")
    for first, together in zip(firsts, run, strict=True):
        assert isinstance(together, Reread)
        alone = reread_header(image, first, OPTIONS, KNOW)
        assert ((together.result, together.checked, together.replaced, together.doubted)
                == (alone.result, alone.checked, alone.replaced, alone.doubted))
        assert parse_date_detail(together.result.text, KNOW.places) == (dt.date(2008, 1, 28), "")
    assert run[0].replaced == ("date",) and run[0].checked[-1] == "recheck-date"  # type: ignore[union-attr]


def test_a_failing_run_of_re_reads_is_read_canvas_by_canvas(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, clean = clean_page
    missing = (Variant("missing", "xx-not-installed", 2.0),)
    plans = [plan_reread(image, _t1_reading(clean), KNOW, missing) for _ in range(2)]
    canvases = [c for plan in plans if plan is not None for c in plan.canvases if c.lang == "xx-not-installed"]
    assert len(canvases) == 2
    # The model is not installed: the run fails, then each canvas alone; none gives words, no page fails.
    assert read_canvases(canvases, OPTIONS) == [None, None]


def test_header_lines_skip_acts_cited_in_the_body() -> None:
    def word(text: str, top: int, line: int, left: int) -> OcrWord:
        return OcrWord(text, 90.0, left, top, 60, 40, 1, 1, line)

    cited = [word(t, 600, 1, 100 + 80 * i) for i, t in enumerate("Căn cứ Quyết định số 32/2005/QĐ-BGDĐT".split())]
    birth = [word(t, 700, 2, 100 + 80 * i) for i, t in enumerate("Ngày sinh: ngày 12 tháng 3 năm 1990".split())]
    result = OcrResult(text="", words=tuple(cited + birth))
    assert header_lines(result, 3508, KNOW) == []


def test_read_page_saves_the_re_read_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose first reading misreads the day (a fault injected into the first reading, since no sample
    page is sure to be misread by every Tesseract): the date line is read again from the pixels, and the words
    JSON and the text carry the re-read day."""
    import ocr.pages

    first_reading = ocr.pages.canvas_words

    def misread_day(*args: object) -> OcrResult:
        result = first_reading(*args)  # type: ignore[arg-type]
        words = list(result.words)
        for i in range(1, len(words) - 1):
            if words[i - 1].text == "ngày" and words[i + 1].text == "tháng" and words[i].text == "13":
                words[i] = replace(words[i], text="1Z", conf=40.0)
        assert words != list(result.words), "the first reading has no day 13 to misread"
        return OcrResult(words_to_text(words), tuple(words), result.tesseract)

    monkeypatch.setattr(ocr.pages, "canvas_words", misread_day)
    path = SAMPLES / "scans" / "006_mild_page.jpg"
    settings = Settings(data_dir=tmp_path / "data")
    outcome = read_page(PageJob(path, "ab" * 32, inspect_file(path, settings.limits), 1, settings))

    assert "reread-date" in outcome.steps and "replaced-date" in outcome.steps, outcome.steps
    assert parse_date_detail(outcome.text, KNOW.places) == (dt.date(2012, 1, 13), "")
    words = load_words(outcome.words_path)
    assert words_to_text([OcrWord(**w) for w in words]) == outcome.text  # type: ignore[arg-type]


def _line_words(text: str, conf: float = 95.0, top: int = 500, line: int = 3) -> list[OcrWord]:
    return [OcrWord(t, conf, 1300 + 90 * i, top, 80, 40, 2, 1, line) for i, t in enumerate(text.split())]


def test_a_date_digit_read_below_85_is_read_again(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """A stain turns the month "1" into a "7" that Tesseract is still 80% sure of: read again, put right."""
    image, clean = clean_page
    words = tuple(replace(w, text="7", conf=80.0) if w.text == "1" else w for w in clean.words)
    first = OcrResult(text=words_to_text(words), words=words)
    date_line = next(line for line in header_lines(first, image.shape[0], KNOW) if line.kind == "date")
    assert date_line.value == "2008-07-28" and not date_line.clean

    again = reread_header(image, first, OPTIONS, KNOW)

    assert again.checked == ("date", "check-number") and again.replaced == ("date",)
    assert parse_date_detail(again.result.text, KNOW.places) == (dt.date(2008, 1, 28), "")


# --------------------------------------------------------------------------
# Ink blots on the digits
# --------------------------------------------------------------------------


def test_remove_blots_takes_off_a_blot_and_leaves_print() -> None:
    image = header_page(date_line="Hải Phòng, ngày 22 tháng 2 năm 2011")
    crop = image[500:570, 1100:2400]
    assert remove_blots(crop) is None  # print alone: no blot, the blot variants read nothing
    blotted = header_page(date_line="Hải Phòng, ngày 22 tháng 2 năm 2011",
                          date_blot=("Hải Phòng, ngày 22 tháng ", -2, 38, 10, 8))[500:570, 1100:2400]
    cleaned = remove_blots(blotted)
    assert cleaned is not None
    changed = cleaned != blotted
    assert (blotted[changed] < 100).mean() > 0.8  # what was painted white is the blot
    assert (changed & (crop < 100)).sum() < 0.02 * (crop < 100).sum()  # the print around it stays


def test_a_month_touched_by_a_blot_is_read_again_without_it() -> None:
    """A blot touching the month's "2" reads "tháng«®": the crop without the blot reads 2."""
    line = "Hải Phòng, ngày 22 tháng 2 năm 2011"
    image = header_page(date_line=line, date_blot=("Hải Phòng, ngày 22 tháng ", -2, 38, 10, 8))
    first = read_page_text(image, FIRST, KNOW)
    assert parse_date_detail(first.text, KNOW.places)[0] is None

    again = reread_header(image, first, OPTIONS, KNOW)

    assert again.checked == ("date", "check-number") and again.replaced == ("date",)
    assert parse_date_detail(again.result.text, KNOW.places) == (dt.date(2011, 2, 22), "")
    assert parse_number(again.result.text, KNOW.codes) == "518/QĐ-SGDĐT"


def test_a_month_under_a_blot_is_left_alone() -> None:
    """The blot covers the whole "1": without the blot nothing is left to read — no guess."""
    line = "Hải Phòng, ngày 13 tháng 1 năm 2011"
    image = header_page(date_line=line, date_blot=("Hải Phòng, ngày 13 tháng ", 12, 30, 14, 22))
    first = read_page_text(image, FIRST, KNOW)
    assert parse_date_detail(first.text, KNOW.places)[0] is None

    again = reread_header(image, first, OPTIONS, KNOW)

    assert again.checked == ("date", "check-number") and again.replaced == ()
    assert parse_date_detail(again.result.text, KNOW.places)[0] is None


def test_blot_variants_read_only_crops_with_a_blot(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """Without a blot a blot variant's crop is the plain one: not read, so not a second vote for the same reading."""
    image, clean = clean_page
    plan = plan_reread(image, _t1_reading(clean), KNOW)
    assert plan is not None
    read_with = {plan.variants[j].name for canvas in plan.reread_canvases for _, _, _, j in canvas.placed}
    assert read_with == {v.name for v in VARIANTS if not v.blots}


def test_blot_crops_leave_the_other_canvases_as_they_were() -> None:
    """What Tesseract reads in a crop depends on its canvas: the blot crops go on canvases of their own."""
    image = header_page(date_line="Hải Phòng, ngày 22 tháng 2 năm 2011",
                        date_blot=("Hải Phòng, ngày 22 tháng ", -2, 38, 10, 8))
    first = read_page_text(image, FIRST, KNOW)
    plan = plan_reread(image, first, KNOW)
    without = plan_reread(image, first, KNOW, tuple(v for v in VARIANTS if not v.blots))
    assert plan is not None and without is not None
    assert [c.lang for c in plan.reread_canvases] == ["vie", "eng", "vie", "eng"]
    assert len(plan.reread_canvases) == len(without.reread_canvases) + 2
    for canvas, alone in zip(plan.reread_canvases, without.reread_canvases, strict=False):
        assert canvas.lang == alone.lang and np.array_equal(canvas.image, alone.image)
    assert all(plan.variants[j].blots for canvas in plan.reread_canvases[2:] for _, _, _, j in canvas.placed)


def test_a_blot_variant_reading_what_its_twin_read_does_not_vote() -> None:
    """A blot away from the digits changes nothing: the same value read twice is still one vote."""
    wrong = _line_words("Hải Phòng, ngày 22 tháng 3 năm 2011")
    right = _line_words("Hải Phòng, ngày 22 tháng 2 năm 2011")
    eaten = _line_words("Hải Phòng, ngày 22 tháng ø năm 2011")
    names = [v.name for v in VARIANTS]
    per_variant: list[list[OcrWord]] = [[] for _ in VARIANTS]
    per_variant[names.index("vie x1")] = wrong
    per_variant[names.index("vie x1 blots")] = _line_words("Hải Phòng, ngày 22 tháng 3 năm 2011 |")
    per_variant[names.index("vie x2 thick")] = eaten
    per_variant[names.index("vie x2 thick blots")] = right
    line = HeaderLine("date", tuple(eaten), None, False)
    assert pick(line, per_variant, KNOW) == wrong  # the one reading of "3" counted twice would win

    kept = _blots_mattered("date", per_variant, VARIANTS, KNOW)

    assert kept[names.index("vie x1 blots")] == []  # "3" again, in other words: no second vote
    assert kept[names.index("vie x2 thick blots")] == right  # the "2" the blot hid from its twin votes
    assert kept[names.index("vie x1")] == wrong
    assert pick(line, kept, KNOW) is None  # one vote each: no value wins


def test_a_date_from_look_alikes_does_not_vote() -> None:
    """"năm 201 |" parses as 2011 and "tháng l2" as 12: no reading saw those digits, they do not vote."""
    first = HeaderLine("date", tuple(_line_words("Hải Phòng, ngày 08 tháng 2 năm 201")), None, False)
    glued = _line_words("Hải Phòng, ngày 08 tháng 2 năm 201 |")
    assert parse_date_detail(" ".join(w.text for w in glued), KNOW.places) == (dt.date(2011, 2, 8), "")
    right = _line_words("Hai Phong, ngay 08 thang 2 nam 2012")
    assert pick(first, [glued, glued], KNOW) is None
    assert pick(first, [glued, right, glued, right], KNOW) == right
    assert pick(first, [_line_words("Hải Phòng, ngày 08 tháng l2 năm 2012")] * 3, KNOW) is None


def test_a_date_read_surely_is_clean() -> None:
    line = _line_words("Hải Phòng, ngày 11 tháng 02 năm 2009", conf=DATE_LOW_CONF)
    assert judge("date", line, KNOW) == ("2009-02-11", True, DATE_LOW_CONF)
    assert judge("date", _line_words("Hải Phòng, ngày 11 tháng 03 năm 2009", conf=81.0), KNOW)[1] is False


def test_a_re_read_year_before_what_the_page_cites_does_not_vote() -> None:
    """Three variants read "2006" for the 2008 of a decision that answers a request of April 2008."""
    first = HeaderLine("date", tuple(_line_words("Hải Phòng, ngày 09 tháng 5 năm 200%")), None, False)
    wrong = _line_words("Hải Phòng, ngày 09 tháng 5 năm 2006", conf=81.0)
    right = _line_words("Hai Phong, ngay 09 thang 5 nam 2008,", conf=92.0)
    readings = [wrong, wrong, wrong, right]
    assert pick(first, readings, KNOW) == wrong  # nothing else to go by: the majority wins
    assert pick(first, readings, KNOW, cited_year=2008) is None  # one reading of 2008 left: not enough
    assert pick(first, [wrong, right, right], KNOW, cited_year=2008) == right


def test_the_cited_year_comes_from_the_rest_of_the_page() -> None:
    date_words = _line_words("Hải Phòng, ngày 09 tháng 5 năm 2009", top=500, line=3)
    body = [OcrWord(t, 95.0, 100 + 90 * i, 1600, 80, 40, 5, 1, 1)
            for i, t in enumerate("Xét đơn đề nghị ngày 17/04/2008,".split())]
    result = OcrResult(text="", words=tuple(date_words + body))
    line = next(line for line in header_lines(result, 3508, KNOW) if line.kind == "date")
    assert _cited_year(result, line) == 2008  # the line's own 2009 is what is in doubt: not counted


@pytest.mark.parametrize(
    ("text", "is_date_line"),
    [
        ("Hải Phòng,. „ay 31 tháng 12 năm 2009", True),  # "ngày" eaten
        ("Hải Phòng, — 1 tháng 6 năm 2012", True),  # "ngày" and half the day eaten
        ("Hải Phòng, ngày 03 tháng 6 nu. 08", True),
        ("Trường Đại học Hải Phòng, tháng 5", False),  # no day before "tháng"
        ("UBND THÀNH PHỐ HẢI PHÒNG", False),
    ],
)
def test_place_date_lines_with_words_eaten_are_found(text: str, is_date_line: bool) -> None:
    result = OcrResult(text="", words=tuple(_line_words(text)))
    assert [line.kind for line in header_lines(result, 3508, KNOW)] == (["date"] if is_date_line else [])


# --------------------------------------------------------------------------
# Lines the page read lost
# --------------------------------------------------------------------------


def _without(result: OcrResult, starts: str) -> OcrResult:
    """The page read with the line opening with ``starts`` lost (a stain ate it)."""
    keys = {(w.block, w.par, w.line) for w in result.words if w.text == starts}
    words = tuple(w for w in result.words if (w.block, w.par, w.line) not in keys)
    assert len(words) < len(result.words)
    return OcrResult(text=words_to_text(words), words=words)


def test_a_lost_number_line_is_found_below_the_issuer(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, clean = clean_page
    first = _without(clean, "Số:")
    assert parse_number(first.text, KNOW.codes) is None
    lost = lost_lines(first, image.shape, header_lines(first, image.shape[0], KNOW), KNOW)
    assert [line.kind for line in lost] == ["number"]
    top, bottom, left, right = lost[0].box
    assert top < 450 + 20 and bottom > 450 + 54 and left < 400 and right > 840  # the line is drawn at y 450

    again = reread_header(image, first, OPTIONS, KNOW)

    assert again.checked == ("lost-number", "check-date") and again.replaced == ("lost-number",)
    assert parse_number(again.result.text, KNOW.codes) == "518/QĐ-SGDĐT"
    lines = again.result.text.split("\n")
    assert "ĐÀO TẠO" in lines[lines.index(next(t for t in lines if "518" in t)) - 1]  # right below the issuer
    assert words_to_text(again.result.words) == again.result.text


def test_a_lost_place_date_line_is_found_below_the_motto(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, clean = clean_page
    first = _without(clean, "Hải")
    assert parse_date_detail(first.text, KNOW.places)[0] is None

    again = reread_header(image, first, OPTIONS, KNOW)

    assert again.checked == ("lost-date", "check-number") and again.replaced == ("lost-date",)
    assert parse_date_detail(again.result.text, KNOW.places) == (dt.date(2008, 1, 28), "")
    assert parse_number(again.result.text, KNOW.codes) == "518/QĐ-SGDĐT"


def test_a_page_without_a_header_has_no_lost_line() -> None:
    """A continuation page: no issuer, no motto, nothing to look for, no Tesseract run."""
    body = tuple(OcrWord(t, 95.0, 200 + 120 * i, 400, 100, 40, 1, 1, 1)
                 for i, t in enumerate("Điều 2. Chánh Văn phòng Sở chịu trách nhiệm thi hành".split()))
    first = OcrResult(text=words_to_text(body), words=body)
    image = np.full((3508, 2480), 255, np.uint8)
    assert lost_lines(first, image.shape, [], KNOW) == []
    assert reread_header(image, first, OPTIONS, KNOW).result is first


def test_a_value_the_page_text_gives_is_never_looked_for_again() -> None:
    """The number run into another line: header_lines misses it, the records stage still reads it."""
    issuer = _line_words("SỞ GIÁO DỤC VÀ ĐÀO TẠO", top=370, line=1)
    issuer = [replace(w, left=300 + 90 * i, block=1) for i, w in enumerate(issuer)]
    glued = [replace(w, left=300 + 90 * i, block=1) for i, w in
             enumerate(_line_words("V/v xác minh Số: 412/SGD&ĐT-KTKĐ", top=450, line=2))]
    words = tuple(issuer + glued)
    result = OcrResult(text=words_to_text(words), words=words)
    assert parse_number(result.text, KNOW.codes) == "412/SGD&ĐT-KTKĐ"
    assert [line.kind for line in lost_lines(result, (3508, 2480), header_lines(result, 3508, KNOW), KNOW)] == []


def test_the_issuer_line_is_not_a_number_line() -> None:
    """"SỞ GIÁO DỤC" with "GIÁO D" eaten reads "SỞ 9ỤC VÀ ĐÀO TẠO": its "Sở 9" is no "Số: 9"."""
    result = OcrResult(text="", words=tuple(_line_words("SỞ 9ỤC VÀ ĐÀO TẠO", top=370)))
    assert header_lines(result, 3508, KNOW) == []


def test_band_reading_takes_the_line_that_parses() -> None:
    vv = _line_words("V/v xác minh văn bằng", top=520, line=1)
    number = _line_words("Số: 811/QĐ-SGDĐT", top=450, line=2)
    assert [w.text for w in band_reading("number", vv + number, KNOW)] == ["Số:", "811/QĐ-SGDĐT"]
    assert band_reading("date", vv + number, KNOW) == []


def test_a_number_line_read_as_only_so_is_read_to_the_column_side() -> None:
    line = HeaderLine("number", (OcrWord("Số:", 90.0, 380, 430, 60, 40, 1, 1, 3),), None, False)
    assert line_box(line, (3508, 2480))[3] >= int(0.47 * 2480)


def test_a_clean_line_is_checked_on_its_words_alone() -> None:
    """A check reads the clean line's words and one line height around them, not the damaged line's wide band."""
    words = tuple(_line_words("Số: 858/SGDĐT-KT&KĐCLGD", top=450))
    line = HeaderLine("number", words, "858/SGDĐT-KT&KĐCLGD", True)
    left, right = min(w.left for w in words), max(w.left + w.width for w in words)
    h = words[0].height
    top, bottom, box_left, box_right = check_box(line, (3508, 2480))
    assert (box_left, box_right) == (left - h, right + h)
    assert top < 450 < bottom
    assert box_right - box_left < line_box(line, (3508, 2480))[3] - line_box(line, (3508, 2480))[2]


def test_every_line_looked_at_again_is_recorded_with_why_and_what_came_of_it(
        clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """The re-read's decisions: a damaged line's reason and outcome, a clean line's check."""
    image, first = clean_page
    again = reread_header(image, _t1_reading(first), OPTIONS, KNOW)
    by_kind = {d.kind: d for d in again.decisions}
    assert by_kind["date"].stage == "reread" and by_kind["date"].outcome == "replaced", again.decisions
    assert "T1" in by_kind["date"].read and "1" in by_kind["date"].new and by_kind["date"].why
    assert by_kind["number"].stage == "check" and by_kind["number"].outcome == "confirmed"
    assert by_kind["date"].to_json()["stage"] == "reread"


def test_why_a_line_is_unclean() -> None:
    number = HeaderLine("number", tuple(_line_words("Số: 518/QĐ-UEL")), "518/QĐ-UEL", False)
    assert "UEL" in why_unclean(number, KNOW)
    date = HeaderLine("date", tuple(_line_words("Hải Phòng, ngày 28 tháng 1 năm 2008", conf=70.0)), "2008-01-28",
                      False)
    assert "70%" in why_unclean(date, KNOW)
    assert "no number" in why_unclean(HeaderLine("number", tuple(_line_words("Số:")), None, False), KNOW)


def _day_doubted(clean: OcrResult, conf: float) -> OcrResult:
    words = tuple(replace(w, conf=conf) if w.text == "28" else w for w in clean.words)
    return OcrResult(text=words_to_text(words), words=words)


def test_a_doubt_no_reading_settles_sends_the_digits_to_review(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    """The day read at 78%: above what the records stage doubts, below what is clean. When no reading
    of the line again agrees with it (here every variant's run failed), it is kept as read but doubted."""
    image, clean = clean_page
    first = _day_doubted(clean, 78.0)
    assert doubtful_words([(w.text, w.conf) for w in first.words]) == ()
    plan = plan_reread(image, first, KNOW)
    assert plan is not None
    again = apply_reread(plan, first, [None] * len(plan.canvases), 0.0)
    assert parse_date_detail(again.result.text, KNOW.places)[0] == dt.date(2008, 1, 28)
    assert doubtful_words([(w.text, w.conf) for w in again.result.words]) == ("28",)
    assert [d.outcome for d in again.decisions if d.kind == "date"] == ["doubted"]


def test_a_doubt_the_readings_settle_as_read_is_not_sent_to_review(clean_page: tuple[np.ndarray, OcrResult]) -> None:
    image, clean = clean_page
    again = reread_header(image, _day_doubted(clean, 78.0), OPTIONS, KNOW)
    assert "date" in again.checked and "date" not in again.replaced
    assert doubtful_words([(w.text, w.conf) for w in again.result.words]) == ()
    assert [d.outcome for d in again.decisions if d.kind == "date"] == ["kept"]

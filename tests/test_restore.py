"""Each restoration step does what it claims, on pages made for it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr.orientation import ascender_ratio, coarse_orientation, estimate_skew, rotate, rotate_quarter, upside_down
from ocr.pixels import components, opencv_threads
from ocr.seal import _best_circle
from ocr.restore import _upscale_nearest, crop_paper, ink_gray, normalize_background, remove_holes, restore_page
from ocr.tesseract import Orientation, run_ocr
from pipeline.folding import fold
from core.settings import RestoreOptions, TesseractOptions


@pytest.mark.parametrize("angle", [4.0, -2.5, 7.0])
def test_skew_comes_back_within_a_fifth_of_a_degree(text_page: np.ndarray, angle: float) -> None:
    tilted = rotate(text_page, angle)
    assert estimate_skew(tilted) == pytest.approx(-angle, abs=0.2)


@pytest.mark.parametrize("angle", [6.0, -7.5])
def test_skew_is_read_from_the_text_not_a_strip_of_scanner_bed(text_page: np.ndarray, angle: float) -> None:
    # A cropped scan keeps a dark strip of the bed along one edge, straight
    # whatever the text's tilt; it once outweighed the text and read 0°.
    tilted = rotate(text_page, angle)
    tilted[-40:] = 20
    tilted[:, :25] = 20
    assert estimate_skew(tilted) == pytest.approx(-angle, abs=0.2)


def test_page_on_its_side_is_detected(text_page: np.ndarray) -> None:
    assert coarse_orientation(text_page) == 0
    assert coarse_orientation(rotate_quarter(text_page, 90)) == 90
    assert coarse_orientation(rotate_quarter(text_page, 270)) == 90


def test_crop_paper_from_dark_scanner_bed(text_page: np.ndarray) -> None:
    h, w = text_page.shape
    bed = np.full((h + 400, w + 300), 25, np.uint8)
    bed[150 : 150 + h, 120 : 120 + w] = text_page
    cropped, (x, y, cw, ch) = crop_paper(bed)
    assert abs(x - 120) < 30 and abs(y - 150) < 30
    assert abs(cw - w) < 60 and abs(ch - h) < 60
    # No dark bed left along the edges of the crop.
    assert cropped[:5].mean() > 200 and cropped[:, -5:].mean() > 200


@pytest.mark.parametrize("shape", [(37, 29), (250, 180), (3, 7)])
def test_upscaling_the_bed_mask_takes_the_pixels_a_fancy_index_takes(shape: tuple[int, int]) -> None:
    small = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    for factor, start in ((4.0, 0), (4.0, 5), (3.97, 2)):
        size = int(shape[0] * factor) - start - 1, int(shape[1] * factor) - start - 1
        rows = (np.arange(start, start + size[0]) / factor).astype(np.intp)
        cols = (np.arange(start, start + size[1]) / factor).astype(np.intp)
        assert np.array_equal(_upscale_nearest(small, rows, cols), small[rows[:, None], cols[None, :]])


def test_coloured_stains_fade_but_ink_stays(text_page: np.ndarray) -> None:
    bgr = cv2.cvtColor(text_page, cv2.COLOR_GRAY2BGR).astype(np.float32)
    bgr *= np.array([0.72, 0.88, 0.97], np.float32)  # yellowed paper (B, G, R)
    stain = np.zeros(text_page.shape, np.float32)
    cv2.circle(stain, (700, 500), 180, 1.0, -1)
    stain = cv2.GaussianBlur(stain, (0, 0), 40)[..., None]
    bgr = bgr * (1 - 0.55 * stain * np.array([0.9, 0.7, 0.4], np.float32))  # brown mould
    gray = ink_gray(np.clip(bgr, 0, 255).astype(np.uint8))
    out = normalize_background(gray)
    ink = text_page < 100
    paper = ~cv2.dilate(ink.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert out[paper].mean() > 245  # paper, stain included, is white again
    assert out[ink].mean() < 110  # ink is still dark


def test_termite_holes_do_not_become_black_blobs(text_page: np.ndarray) -> None:
    holed = text_page.copy()
    cv2.circle(holed, (1700, 300), 70, 20, -1)  # a hole showing the dark scanner bed
    out = normalize_background(holed)
    assert out[300, 1700] > 200


def test_faded_ink_is_darkened(text_page: np.ndarray) -> None:
    faded = (255 - (255 - text_page.astype(np.float32)) * 0.35).astype(np.uint8)
    out = normalize_background(faded)
    ink = text_page < 100
    assert faded[ink].mean() > 150
    assert out[ink].mean() < faded[ink].mean() - 60


def test_faded_ink_beside_black_blots_is_darkened(text_page: np.ndarray) -> None:
    """Termite trails the scanner's lid shows black held the ink's darkest pixels: the faded print was not
    stretched, and Tesseract read nothing of the page (seed 100). The blots do not count for the stretch."""
    faded = (255 - (255 - text_page.astype(np.float32)) * 0.3).astype(np.uint8)
    blotted = faded.copy()
    for y in range(200, faded.shape[0] - 200, 90):  # trails along both edges, thinner than the closing
        cv2.line(blotted, (30, y), (60, y + 60), 0, 22)
        cv2.line(blotted, (faded.shape[1] - 60, y), (faded.shape[1] - 30, y + 60), 0, 22)
    ink = text_page < 100
    assert (blotted < 100).sum() > 0.05 * (blotted < 200).sum()  # the blots are the ink's darkest 5%
    out = normalize_background(blotted)
    assert out[ink].mean() < faded[ink].mean() - 60


def test_restore_page_reads_a_tilted_stained_page(text_page: np.ndarray) -> None:
    tilted = rotate(text_page, 3.0)
    bgr = cv2.cvtColor(tilted, cv2.COLOR_GRAY2BGR).astype(np.float32) * np.array([0.75, 0.9, 1.0], np.float32)
    restored = restore_page(bgr.astype(np.uint8), RestoreOptions(), TesseractOptions())
    assert restored.skew_deg == pytest.approx(-3.0, abs=0.2)
    text = fold(run_ocr(restored.image, TesseractOptions()).text)
    assert "nguyen van an" in text and "hai phong, ngay 05 thang 7 nam 2010" in text


def test_upside_down_page_is_turned_upright(text_page: np.ndarray) -> None:
    restored = restore_page(rotate_quarter(text_page, 180), RestoreOptions(), TesseractOptions())
    assert restored.rotation == 180
    assert "nguyen van an" in fold(run_ocr(restored.image, TesseractOptions()).text)


@pytest.mark.parametrize(
    ("ratio", "osd", "flip"),
    [
        (7.0, None, False),  # clearly upright: OSD is not asked
        (0.5, None, True),  # looks upside down and OSD has no answer
        (0.5, Orientation(rotate=180, confidence=0.98), True),
        # A short page with a seal looked upside down to the ratio; OSD said upright (a seed 43 page).
        (0.5, Orientation(rotate=0, confidence=2.26), False),
        (0.5, Orientation(rotate=0, confidence=0.4), True),  # too unsure to overrule
        (1.0, Orientation(rotate=180, confidence=5.0), True),  # undecided: OSD's clear answer
        (1.0, Orientation(rotate=180, confidence=2.0), False),
        (1.0, None, False),
    ],
)
def test_upside_down_decision(ratio: float, osd: Orientation | None, flip: bool) -> None:
    asked: list[bool] = []

    def run_osd() -> Orientation | None:
        asked.append(True)
        return osd

    assert upside_down(ratio, run_osd) is flip
    assert asked == ([] if ratio > 1.4 else [True])


@pytest.mark.parametrize(
    ("ratio", "osd", "scores", "flip"),
    [
        # The ratio says upside down, OSD upright but unsure: the page is read both ways.
        (0.68, Orientation(rotate=0, confidence=0.82), (120.0, 30.0), False),  # a short mono page, upright
        (0.68, Orientation(rotate=0, confidence=0.82), (30.0, 120.0), True),
        (0.68, Orientation(rotate=0, confidence=0.82), (100.0, 110.0), False),  # not clearly better turned
        # The ratio in between, OSD says upside down but unsure.
        (0.72, Orientation(rotate=180, confidence=1.93), (20.0, 90.0), True),
        (0.72, Orientation(rotate=180, confidence=1.93), (90.0, 20.0), False),
    ],
)
def test_where_the_cues_disagree_the_better_reading_decides(ratio: float, osd: Orientation,
                                                           scores: tuple[float, float], flip: bool) -> None:
    assert upside_down(ratio, lambda: osd, lambda: scores) is flip


@pytest.mark.parametrize(("ratio", "osd"), [(7.0, None), (0.5, Orientation(rotate=0, confidence=2.26)),
                                            (0.5, None), (0.5, Orientation(rotate=180, confidence=0.98)),
                                            (1.0, Orientation(rotate=180, confidence=5.0)), (1.0, None)])
def test_the_page_is_read_both_ways_only_where_the_cues_disagree(ratio: float, osd: Orientation | None) -> None:
    def reads() -> tuple[float, float]:
        raise AssertionError("read both ways although the cues decided")

    upside_down(ratio, lambda: osd, reads)


def test_print_reads_better_upright_than_turned(text_page: np.ndarray) -> None:
    from ocr.orientation import READ_BETTER, reading_score

    upright, turned = (run_ocr(page, TesseractOptions()) for page in (text_page, rotate_quarter(text_page, 180)))
    up = reading_score((w.text, w.conf) for w in upright.words)
    down = reading_score((w.text, w.conf) for w in turned.words)
    assert up > READ_BETTER * down  # upside-down print is not read as print


def test_restoration_can_be_switched_off(text_page: np.ndarray) -> None:
    restored = restore_page(text_page, RestoreOptions(enabled=False), TesseractOptions())
    assert restored.steps == ("gray",) and restored.image is text_page


@given(st.lists(st.integers(0, 255), min_size=1, max_size=400))
def test_median_from_the_histogram_is_numpys(values: list[int]) -> None:
    from ocr.pixels import percentile_of_hist

    arr = np.array(values, dtype=np.uint8)
    hist = cv2.calcHist([arr.reshape(1, -1)], [0], None, [256], [0, 256]).ravel()
    assert percentile_of_hist(hist, 50) == float(np.median(arr))


def test_ascender_ratio_ignores_blobs_larger_than_letters() -> None:
    """A stain bigger than a letter beside the lines changes nothing; clearing it leaves the page as it was."""
    page = np.full((900, 1400), 255, np.uint8)
    for i, y in enumerate(range(120, 800, 110)):
        cv2.putText(page, f"Quyet dinh so {i} nam {2008 + i}", (80, y), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    stained = page.copy()
    cv2.circle(stained, (1250, 450), 90, 0, -1)  # far taller than a line: not a letter
    before = stained.copy()
    assert ascender_ratio(stained) == pytest.approx(ascender_ratio(page))
    assert np.array_equal(stained, before)  # the caller's page is not touched


def _small_page() -> np.ndarray:
    """A letter photographed small: 576×960, letters about 10 px tall, tilted 0.4° (a social-media JPEG)."""
    from PIL import Image, ImageDraw, ImageFont

    from conftest import FONT

    img = Image.new("L", (576, 960), 250)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 13)
    lines = ["Thực hiện chỉ đạo của UBND thành phố tại Công văn số 4869/UBND-SYT ngày",
             "26/7/2020 về việc khẩn trương triển khai các biện pháp phòng, chống dịch,",
             "Sở Giáo dục và Đào tạo yêu cầu thủ trưởng các đơn vị, trường học khẩn",
             "trương thực hiện những nội dung sau: báo cáo công tác chuẩn bị, kiểm tra"]
    for i in range(40):
        d.text((40, 40 + 21 * i), lines[i % len(lines)], font=font, fill=20)
    page = np.asarray(img)
    m = cv2.getRotationMatrix2D((288, 480), 0.4, 1.0)
    return cv2.warpAffine(page, m, (576, 960), borderValue=250)


def test_a_small_page_is_judged_upright_or_upside_down_on_an_enlarged_view() -> None:
    """At 70 dpi a 0.4° deskew blurs the letters' few pixels: up and down are told on the page enlarged."""
    page = _small_page()
    assert restore_page(page, RestoreOptions(), TesseractOptions()).rotation == 0
    assert restore_page(cv2.rotate(page, cv2.ROTATE_180), RestoreOptions(), TesseractOptions()).rotation == 180


def _bold_lines(size: int, lines: list[str]) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", size)
    body = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", size // 2)
    img = Image.new("L", (2480, 1600), 235)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        d.text((200, 150 + i * int(size * 1.4)), line, font=bold, fill=25)
    for i in range(6):
        d.text((200, 900 + i * size), "Sở Giáo dục và Đào tạo nhận được công văn của ông", font=body, fill=25)
    return np.asarray(img).copy()


@pytest.mark.parametrize("size", [90, 120])
def test_bold_print_as_wide_as_a_hole_is_read_not_erased(size: int) -> None:
    # A certificate's bold title at 300 dpi, or a bold header scanned at 600 dpi: strokes as wide
    # as a small hole, but letters in a row; a hole of the same darkness on its own still goes.
    from ocr.pages import restore_and_read
    from core.settings import Settings

    page = _bold_lines(size, ["GIẤY CHỨNG NHẬN", "SỞ GIÁO DỤC"])
    cv2.circle(page, (2100, 1400), 45, 20, -1)
    cleaned = remove_holes(page)
    assert cleaned[1400, 2100] > 200
    assert np.count_nonzero(cleaned[100:800] < 100) == np.count_nonzero(page[100:800] < 100)
    text = restore_and_read(lambda: page, Settings(), what="bold title").result.text
    assert "GIẤY CHỨNG NHẬN" in text and "SỞ GIÁO DỤC" in text, text


def _signed_page(seal: bool, scale: float = 1.0, ink: int = 40) -> np.ndarray:
    """A letter's end in grey at 300 dpi: body lines, the signer's block, and a round seal in ink over it.

    At ``scale`` 0.5 it is scanned at 150 dpi in 1-bit, the seal's rings a pixel thin. ``ink`` is the
    seal's grey (170: a pale red seal scanned in grey).
    """
    from PIL import Image, ImageDraw, ImageFont

    serif = "/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf"
    body = ImageFont.truetype(serif.format("Regular"), 54)
    bold = ImageFont.truetype(serif.format("Bold"), 56)
    img = Image.new("L", (2480, 2200), 240)
    d = ImageDraw.Draw(img)
    for i in range(6):
        d.text((250, 150 + i * 80), "Sở Giáo dục và Đào tạo đã nhận được công văn của ông Trần Văn An", font=body,
               fill=30)
    block = {"KT. GIÁM ĐỐC": 800, "PHÓ GIÁM ĐỐC": 880, "Nguyễn Thị Hạnh": 1300}
    for line, y in block.items():
        d.text((1650 - d.textlength(line, font=bold) / 2, y), line, font=bold, fill=30)
    page = np.asarray(img).copy()
    if scale != 1.0:
        page = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        page = np.where(page < 140, 0, 255).astype(np.uint8)
    if seal:
        # Outer and inner rings through the title and the name, a star in the middle. A pale seal's ink
        # lets the print under it show as dark as it was; a dark one's covers it.
        stamp = np.full_like(page, 255)
        centre = (round(1540 * scale), round(1080 * scale))
        thick = (7, 3) if scale == 1.0 else (1, 1)
        cv2.circle(stamp, centre, round(250 * scale), ink, thick[0])
        cv2.circle(stamp, centre, round(175 * scale), ink, thick[1])
        star = np.array([[centre[0] + 60 * scale * np.cos(a), centre[1] + 60 * scale * np.sin(a)]
                         for a in np.linspace(-np.pi / 2, 3.5 * np.pi, 5, endpoint=False)])
        cv2.fillPoly(stamp, [star.astype(np.int32)], ink)
        page = np.minimum(page, stamp) if ink > 128 else np.where(stamp < 255, stamp, page)
    return page


@pytest.mark.parametrize(("scale", "ink"), [(1.0, 40), (0.5, 40), (1.0, 170)])
def test_a_seal_in_ink_loses_its_rings_and_the_letters_crossing_them_stay(scale: float, ink: int) -> None:
    from ocr.seal import remove_seal_rings

    page = _signed_page(seal=True, scale=scale, ink=ink)
    unsealed = remove_seal_rings(page)
    angles = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    near = np.ones((3, 3), np.uint8)  # ink within a pixel of the circle: a ring one pixel thin is hit
    dark = (ink + 240) // 2  # the seal's ink against the paper (240)
    for radius in (250, 175):
        ys = np.round((1080 + radius * np.sin(angles)) * scale).astype(int)
        xs = np.round((1540 + radius * np.cos(angles)) * scale).astype(int)
        assert (cv2.erode(page, near)[ys, xs] < dark).mean() > 0.95
        assert (cv2.erode(unsealed, near)[ys, xs] < dark).mean() < 0.3  # what is left crosses letters
    # The letters keep nearly all their ink; the body lines, far from the seal, all of it.
    letters = _signed_page(seal=False, scale=scale) < 128
    assert np.count_nonzero(unsealed[letters] < 128) >= 0.95 * np.count_nonzero(letters)
    top = round(700 * scale)
    assert np.array_equal(unsealed[:top], page[:top])


def test_print_along_a_pale_seals_inner_ring_stays() -> None:
    """OCR seed 109, 029: a pale seal's inner ring ran along the signer's title and name, whose print made
    that ring look dark, and it was erased as a dark ring is, the letters along it with it ("PHÙ G'ÁM
    ĐỐC"). The rings of one seal are one ink: the palest ring's grey tells the print from the seal."""
    from ocr.seal import remove_seal_rings

    page = _signed_page(seal=True, ink=170)
    stroke = np.full_like(page, 255)
    cv2.ellipse(stroke, (1540, 1080), (175, 175), 0, 20, 260, 30, 5)  # dark print along most of the inner ring
    page = np.minimum(page, stroke)
    unsealed = remove_seal_rings(page)
    along = stroke < 128
    assert np.count_nonzero(unsealed[along] < 128) >= 0.95 * np.count_nonzero(along)
    angles = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    ys = np.round(1080 + 250 * np.sin(angles)).astype(int)
    xs = np.round(1540 + 250 * np.cos(angles)).astype(int)
    assert (cv2.erode(unsealed, np.ones((3, 3), np.uint8))[ys, xs] < 205).mean() < 0.3  # the outer ring went


def test_a_rings_band_is_measured_where_it_runs_alone() -> None:
    """OCR seed 106, 007 (1-bit, 150 dpi): the signer's title and name run along the top and bottom of a thin
    ring; counted, their ink widened the ring's band over their letters, which went with it ("TƯ ỜNC
    PHÒNG", the name lost). The band is measured in the sectors where the ring runs alone."""
    from ocr.seal import _ring_alone

    polar = np.zeros((720, 200), bool)
    polar[:, 100:103] = True  # the ring, at every angle
    polar[:90, 80:125] = True  # a line of print along it, over two of sixteen sectors
    polar[360:450, 80:125] = True
    alone = _ring_alone(polar, 100, 103, 40)
    assert len(alone) == 720 - 180 and not alone[:, 80:95].any()
    polar[:, 80:125] = True  # print all around: no sector is alone, every angle counts
    assert len(_ring_alone(polar, 100, 103, 40)) == 720


def test_a_page_without_a_seal_comes_back_as_it_was(text_page: np.ndarray) -> None:
    from ocr.seal import remove_seal_rings

    page = _signed_page(seal=False)
    assert remove_seal_rings(page) is page
    assert remove_seal_rings(text_page) is text_page
    # A circle drawn through the text but far from closed (a stain's edge, a doodle) is not a seal.
    arc = page.copy()
    cv2.ellipse(arc, (1540, 1080), (250, 250), 0, 0, 200, 40, 7)
    assert remove_seal_rings(arc) is arc


@pytest.mark.parametrize("ink", [40, 170])
def test_the_signer_under_a_seal_in_ink_is_read(ink: int) -> None:
    # Tesseract's layout analysis took the signer's block touched by the rings for a picture
    # and read none of it: neither the title nor the name. A pale seal (170, 190 once normalised) too.
    from ocr.pages import restore_and_read
    from core.settings import Settings

    reading = restore_and_read(lambda: _signed_page(seal=True, ink=ink), Settings(), what="signed page")
    text = fold(reading.result.text)
    assert "seal" in reading.restored.steps
    assert "giam doc" in text and "nguyen thi hanh" in text, reading.result.text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_components_are_opencvs_default_labelling(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ink = cv2.dilate((rng.random((301, 407)) > 0.985).astype(np.uint8), np.ones((3, 5), np.uint8))
    ink[rng.random(ink.shape) > 0.97] = 1
    got, want = components(ink), cv2.connectedComponentsWithStats(ink, connectivity=8)
    assert got[0] == want[0]
    for a, b in zip(got[1:], want[1:], strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(("cx", "cy", "reach", "inner"), [(150.0, 120.0, 90, 36), (203.4, 97.8, 61, 18)])
def test_a_circles_ink_counted_by_opencv_is_numpys_mean(cx: float, cy: float, reach: int, inner: int) -> None:
    rng = np.random.default_rng(reach)
    dark = np.where(rng.random((260, 330)) > 0.6, np.uint8(255), np.uint8(0))
    cv2.circle(dark, (150, 120), 60, 255, 2)
    polar = cv2.warpPolar(dark, (reach, 360), (cx, cy), reach, cv2.WARP_POLAR_LINEAR) > 127
    assert _best_circle(dark, cx, cy, reach, inner) == float(polar[:, inner:].mean(axis=0).max())


def test_opencv_works_on_one_thread_inside_the_block_and_as_before_after() -> None:
    before = cv2.getNumThreads()
    with opencv_threads(1):
        assert cv2.getNumThreads() == 1
    assert cv2.getNumThreads() == before


def test_a_circle_leaving_the_page_finds_no_ink_beyond_it() -> None:
    """Unrolled around a centre near the edge, the points off the page are no ink: without OpenCV's fill
    they took whatever the new array's memory held, so a seal's search could depend on what ran before."""
    from ocr.seal import _polar

    for _ in range(5):
        np.full((4000, 4000), 255, np.uint8)  # memory that a new array may reuse
        assert not _polar(np.zeros((60, 60), np.uint8), 3.0, 3.0, 50, 360).any()

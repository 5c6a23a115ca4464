"""Reading order of Vietnamese administrative pages.

The first page of a document opens with two header columns side by side:
issuer and number on the left, motto and place-date line on the right.
Tesseract often reads such lines straight across, gluing "UBND THÀNH PHỐ HẢI
PHÒNG" to "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and the number to the motto,
which breaks every field in them; the closing block ("Nơi nhận" on the
left, the signature on the right) suffers the same. :func:`find_zones` finds
these bands and the white gutter between their columns from the ink alone;
the page is then read zone by zone — header left, header right, body, footer
left, footer right — and texts and word boxes are put back in that order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.gutters import (GUTTER_LINES, WIDE_GUTTER_LINES, find_gutter, print_rows, text_lines, white_at_full_size,
                         white_lines)
from ocr.pixels import components, true_runs
from ocr.postcorrect import Knowledge, correct_result
from ocr.tesseract import OcrResult, OcrWord, run_ocr, words_to_text
from ocr.word_lines import PrintedGap, cut_standard_lines, drop_twice_read, join_row_pieces, split_columns
from core.settings import TesseractOptions

__all__ = ["ColumnZone", "PageZones", "text_lines", "find_zones", "ocr_scale", "PageCanvas", "page_canvas", "top_down", "canvas_words",
           "read_page_text"]


@dataclass(frozen=True)
class ColumnZone:
    """Rows ``[top, bottom)`` of a page laid out in two columns split at column ``x``."""

    top: int
    bottom: int
    x: int


@dataclass(frozen=True)
class PageZones:
    """The two-column header and footer of a page, where found."""

    header: ColumnZone | None
    footer: ColumnZone | None
    line_height: float | None = None  # the height of one text line (lower quartile), in page pixels
    lines: int = 0  # bands of print the page holds (text lines, marks joined to them included)


#: The steepest tilt (degrees) of a scanner edge or fold that is still removed before the gutter search.
_MAX_EDGE_TILT = 5.0


#: A band of rows whose ink is nowhere thicker than this (at the layout's scale), or than half
#: the page's median line height, is a line, not text.
_MAX_RULE_THICKNESS = 3
#: Fewer pixels than this on the layout's quarter-size view is a speck, not a letter or a stroke of one.
_SPECK_AREA = 4


def _ink(gray: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """The page's ink on a view ``factor`` times smaller: specks opened away, rules and scanner edges left
    out (for the lines); and as thresholded (for :func:`_letters`)."""
    small = cv2.resize(gray, (gray.shape[1] // factor, gray.shape[0] // factor), interpolation=cv2.INTER_AREA)
    # A fixed threshold on the restored page (paper is white there) keeps faded
    # ink, which Otsu drops; a faded stretch of a body line must not look like a gutter.
    ink = (small < 225).astype(np.uint8)
    # Specks and dust would bridge the gutter; keep letter-sized blobs and larger.
    return _without_rules(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))), ink


def _letters(ink: np.ndarray) -> np.ndarray:
    """The blobs of ``ink`` (thresholded, not opened) the size of letters or larger, rules left out.

    The opening that clears specks for the lines also erases strokes one
    pixel wide here (a thin monospace, a faded line): a line of them left a
    false gutter through the body, whose pieces were then read as two columns
    ("và Hiệu trưởng Trường THCS Ph" | "úc Hà chịu trách nhiệm"). Here specks
    are left out by their area instead, so that such a line shows
    (:func:`ocr.gutters.find_gutter`'s ``through``).
    """
    _, labels, stats, _ = components(ink)
    keep = (stats[:, cv2.CC_STAT_AREA] >= _SPECK_AREA).astype(np.uint8)
    keep[0] = 0
    return _without_rules(keep[labels])


def _without_rules(ink: np.ndarray) -> np.ndarray:
    # Long rules and leftover scanner edges would cross a gutter too.
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(8, ink.shape[1] // 6)), np.uint8))
    # So would a scanner edge or a fold running down the page: it would join every row into one "line".
    # Deskewing tilts a scanner edge that was straight in the scan, so the edge is looked for in the
    # ink widened sideways by the drift of a line tilted up to _MAX_EDGE_TILT over the kernel's height.
    tall = max(8, ink.shape[0] // 8)
    drift = 1 + 2 * int(np.ceil(tall * np.tan(np.radians(_MAX_EDGE_TILT)) / 2))
    rules |= cv2.morphologyEx(cv2.dilate(ink, np.ones((1, drift), np.uint8)), cv2.MORPH_OPEN,
                              np.ones((tall, 1), np.uint8))
    return ink & (1 - rules)




#: A faded line that a zone must end clear of holds letters across at least this many line heights (about a
#: dozen letters); lighter scraps of print or marks between two zones leave their end where it was.
_LIGHT_LINE_LINES = 8.0


#: The size of the print is measured on at least this many bands (:attr:`PageZones.line_height`).
_SIZE_LINES = 3


def find_zones(gray: np.ndarray, *, factor: int = 4) -> PageZones:
    """Find the two-column header at the top and footer at the bottom of a page.

    The header is the longest run of text lines from the top that all leave
    the same vertical strip empty, somewhere between 25% and 60% of the
    width, with ink on both sides of it; a short line centred on the page
    (the title) or one crossing the strip (the body) ends it. The footer
    ("Nơi nhận" on the left, the signature block on the right) is the same
    from the bottom up.
    """
    ink, thresholded = _ink(gray, factor)
    h, w = ink.shape
    # Rows of specks, dots and scraps of the scanner edge are not lines of text; nor is a band
    # no column of which holds a letter's stem (half a line's height): a tilted edge or rule
    # along the top or bottom, which deskewing turns from a row into a band of rows.
    bands = [(t, b) for t, b in text_lines(ink) if np.count_nonzero(ink[t:b].any(axis=0)) >= 0.05 * w]
    stem = max(_MAX_RULE_THICKNESS, 0.5 * float(np.median([b - t for t, b in bands]))) if bands else 0
    lines = [(t, b) for t, b in bands if ink[t:b].sum(axis=0).max() > stem]

    top_bands: list[tuple[int, int]] = []
    for top, bottom in lines:
        if top >= 0.4 * h or len(top_bands) == 14:
            break
        cols = np.nonzero(ink[top:bottom].any(axis=0))[0]
        centred = abs((cols[0] + cols[-1]) / 2 - w / 2) < 0.05 * w
        # A header line holding both columns also looks centred, but spans most of the width.
        if centred and cols[-1] - cols[0] < 0.5 * w and top_bands:
            break
        top_bands.append((top, bottom))
    header = None
    # The line height is the page's, not the header's: a mark in the margin
    # beside the header (a doodle, a stain's edge) joins its few lines into
    # one tall band, which would make the gutter look too narrow.
    line_h = float(np.median([b - t for t, b in lines])) if lines else None
    letters = _letters(thresholded)
    del thresholded
    # Lines of light print too, for where a zone ends: a faded line that made no band is not cut in two.
    # A line's worth of letters, not a mark or a word's scraps (a zone's end moved by those reads worse).
    letter_lines = text_lines(letters)
    light = [(t, b) for t, b in letter_lines
             if line_h and np.count_nonzero(letters[t:b].any(axis=0)) >= _LIGHT_LINE_LINES * line_h]
    found = find_gutter(ink, letters, letter_lines, top_bands, line_h=line_h, gutter_lines=GUTTER_LINES)
    if found and line_h and found[2] - found[1] < WIDE_GUTTER_LINES * line_h and not white_at_full_size(
            gray, top_bands[: found[0]], found, factor, GUTTER_LINES * line_h * factor):
        found = find_gutter(ink, letters, letter_lines, top_bands, line_h=line_h)
    if found and line_h and not white_lines(gray, top_bands[: found[0]], found, factor,
                                             GUTTER_LINES * line_h * factor):
        found = None  # the first lines of a monospace continuation page, cut mid-word (see the footer's)
    used = 0
    if found:
        used, left, right = found
        last = top_bands[used - 1][1]
        nxt = lines[lines.index(top_bands[used - 1]) + 1][0] if top_bands[used - 1] != lines[-1] else h
        nxt = min([nxt, *(t for t, _ in light if t >= last)])
        header = ColumnZone(top=0, bottom=_clear_row(letters, last, nxt) * factor, x=(left + right) // 2 * factor)

    rest = lines[lines.index(top_bands[used - 1]) + 1 :] if used else lines
    bottom_bands = list(reversed(rest))[:16]
    footer = None
    # The footer's gutter is wide (the signature sits far right); a hole eaten
    # down through the body makes a narrow one, which must not split the body.
    found = find_gutter(ink, letters, letter_lines, bottom_bands, min_gutter=0.06, line_h=line_h)
    # Body lines of a thin monospace face, which the opening erases at this size, leave a wide "gutter"
    # only here: taken, it cut a page's last lines mid-word ("điện t" | "ử của Sở") and read them as a
    # footer's two columns. A footer's gutter is white at full size too, on most of its lines.
    if found and line_h and not white_lines(gray, bottom_bands[: found[0]], found, factor,
                                             GUTTER_LINES * line_h * factor):
        found = None
    if found:
        count, left, right = found
        first = bottom_bands[count - 1]
        idx = lines.index(first)
        prev = lines[idx - 1][1] if idx > 0 else 0
        prev = max([prev, *(b for _, b in light if b <= first[0])])
        top = _below_faint_print(gray, _clear_row(letters, prev, first[0]) * factor, first[0] * factor,
                                 line_h * factor if line_h else 0.0)
        footer = ColumnZone(top=top, bottom=gray.shape[0], x=(left + right) // 2 * factor)
    # For the size of the print, a single line: damage that joins two lines into one band
    # makes bands taller, never shorter, so the lower quartile is what one line measures.
    # Two or fewer bands tell nothing of the print: on a page of faint print, marks (a termite's trail, a
    # blot) may be all that made bands, and the page was shrunk by their height to nothing readable.
    single = float(np.percentile([b - t for t, b in lines], 25)) * factor if len(lines) >= _SIZE_LINES else None
    return PageZones(header=header, footer=footer, line_height=single, lines=len(lines))


#: Darker than this on the restored page (paper 255) is print when looking for faint lines at full size.
_FAINT_INK = 200
#: A row of a faint line of text holds at least this many line heights of ink pixels (a speck, a dot far fewer).
_FAINT_ROW_LINES = 3.0


def _below_faint_print(gray: np.ndarray, top: int, first: int, line_h: float) -> int:
    """Where the footer starts, given ``top`` (from the small view) and its first band's top ``first`` (both
    at full size): below any faint line of text between them, halfway to the band.

    A faded last line of the body can vanish from the small view altogether ("Sở trả lời để Công an tỉnh
    Nam Định được biết./." on a heavy page, 135–200 on white), and the footer's gutter then cut it in two;
    it is the body's. At full size its rows still hold a line's worth of ink.
    """
    # The band's own accents may stand above its top on the small view: half a line is left to it.
    end = first - int(line_h / 2)
    if end <= top or not line_h:
        return top
    rows = np.flatnonzero((gray[top:end] < _FAINT_INK).sum(axis=1) >= _FAINT_ROW_LINES * line_h)
    return top if rows.size == 0 else top + (int(rows[-1]) + 1 + first - top) // 2


def _clear_row(letters: np.ndarray, top: int, bottom: int) -> int:
    """Where a zone ends between rows ``top`` and ``bottom``: halfway, or where that row holds print (a line
    too faint or small to count among the page's lines, a number under the issuer), in the middle of the
    white run of rows nearest to it, so that no line is cut in two."""
    mid = int(top + bottom) // 2
    rows = print_rows(letters[top:bottom])
    if bottom <= top or not rows[mid - top]:
        return mid
    runs = [(top + a, top + b) for a, b in true_runs(~rows)]  # white rows [a, b)
    if not runs:
        return mid
    a, b = min(runs, key=lambda r: (abs((r[0] + r[1]) // 2 - mid), r[0] - r[1]))
    return int(a + b) // 2


#: The smallest factor :func:`ocr_scale` shrinks a page by (a 600 dpi scan of small print).
MIN_OCR_SCALE = 0.25


def ocr_scale(line_height: float | None, line_px: int) -> float:
    """The factor that brings a page's text line (:attr:`PageZones.line_height`) to ``line_px`` pixels; 1 for none or 0 (never enlarges)."""
    if not line_px or not line_height:
        return 1.0
    return min(1.0, max(MIN_OCR_SCALE, line_px / line_height))


#: Rows of white between two zones on the canvas Tesseract reads.
CANVAS_GAP = 120
#: White kept around the text of a zone (above and below) and of the page (left and right).
CANVAS_PAD = 40
#: Darker than this is ink when a zone is cut to its text (the restored paper is white).
_TRIM_INK = 160


@dataclass(frozen=True)
class PageCanvas:
    """What Tesseract reads of a page: its zones stacked without the white around the text, and shrunk.

    ``placed`` holds, for each zone, its rows ``[top, bottom)`` on the
    canvas at full size, and the shift ``(dy, dx)`` that takes a canvas
    pixel back to the page.
    """

    image: np.ndarray
    scale: float
    placed: tuple[tuple[int, int, int, int], ...]
    #: Bands of print on the page (:attr:`PageZones.lines`): what a reading of it is measured against.
    print_lines: int = 0


def _page_zones(shape: tuple[int, ...], zones_found: PageZones) -> list[tuple[int, int, int, int]]:
    """The page's zones in reading order, as ``(top, bottom, left, right)``."""
    height, width = shape[:2]
    head, foot = zones_found.header, zones_found.footer
    if head is None and foot is None:
        return [(0, height, 0, width)]
    body_top = head.bottom if head else 0
    body_bottom = foot.top if foot else height
    zones: list[tuple[int, int, int, int]] = []
    if head:
        zones += [(0, head.bottom, 0, head.x), (0, head.bottom, head.x, width)]
    if body_bottom > body_top:
        zones.append((body_top, body_bottom, 0, width))
    if foot:
        zones += [(foot.top, height, 0, foot.x), (foot.top, height, foot.x, width)]
    return [z for z in zones if z[1] > z[0] and z[3] > z[2]]


def _ink_span(values: np.ndarray) -> tuple[int, int] | None:
    """First and past-the-last index where ``values`` is true, widened by :data:`CANVAS_PAD`; ``None`` for none."""
    hits = np.flatnonzero(values)
    if hits.size == 0:
        return None
    return max(0, int(hits[0]) - CANVAS_PAD), min(values.size, int(hits[-1]) + 1 + CANVAS_PAD)


def page_canvas(image: np.ndarray, options: TesseractOptions) -> PageCanvas:
    """The canvas Tesseract reads for a restored page (see :func:`read_page_text`).

    Each zone (header left, header right, body, footer left, footer right;
    the whole page when it has no two-column header or footer) is copied
    below the previous one with :data:`CANVAS_GAP` rows of white, at its
    own column, so that no line runs from one zone into another and
    Tesseract reads them top to bottom in one run (one model load, not one
    a zone). The white Tesseract would search for nothing is left out: the
    rows above and below a zone's text, and the margins left and right of
    the page's text. A zone is not moved sideways: cut to its own text and
    put at the left, a narrow footer column was read before the body. The
    canvas is then shrunk so that a text line is ``options.line_px`` tall
    (:func:`ocr_scale`).
    """
    zones_found = find_zones(image)
    scale = ocr_scale(zones_found.line_height, options.line_px)
    ink = image < _TRIM_INK
    parts = [(top + rows[0], top + rows[1], left, right)
             for top, bottom, left, right in _page_zones(image.shape, zones_found)
             if (rows := _ink_span(ink[top:bottom, left:right].any(axis=1)))]
    cols = _ink_span(ink.any(axis=0))
    if not parts or cols is None:  # a blank page: Tesseract finds nothing on it either way
        parts, cols = [(0, image.shape[0], 0, image.shape[1])], (0, image.shape[1])
    x0, x1 = cols
    canvas = np.full((sum(b - t for t, b, _, _ in parts) + CANVAS_GAP * (len(parts) + 1), x1 - x0), 255,
                     dtype=image.dtype)
    placed: list[tuple[int, int, int, int]] = []
    y = CANVAS_GAP
    for top, bottom, left, right in parts:
        left, right = max(left, x0), min(right, x1)
        canvas[y : y + bottom - top, left - x0 : right - x0] = image[top:bottom, left:right]
        placed.append((y, y + bottom - top, top - y, x0))
        y += bottom - top + CANVAS_GAP
    del ink
    if scale < 1.0:
        canvas = cv2.resize(canvas, (max(1, round(canvas.shape[1] * scale)), max(1, round(canvas.shape[0] * scale))),
                            interpolation=cv2.INTER_AREA)
    return PageCanvas(canvas, scale, tuple(placed), zones_found.lines)


def top_down(words: Sequence[OcrWord]) -> tuple[OcrWord, ...]:
    """``words`` with Tesseract's blocks in the canvas's order: a block goes before every block it lies
    wholly above; blocks that share rows (columns side by side) keep Tesseract's order.

    The canvas stacks a page's zones top to bottom in reading order, so a block read after one it lies
    wholly above is out of order. Tesseract reads that way when a mark at the text's left edge (a
    scanner's strip, a hole's rim) widens the body's block to the margin: its column analysis reads
    the body first and the header after it, out of the parsers' reach.
    """
    blocks: dict[int, list[OcrWord]] = {}
    for w in words:
        blocks.setdefault(w.block, []).append(w)
    spans = {b: (min(w.top for w in ws), max(w.top + w.height for w in ws)) for b, ws in blocks.items()}
    left = list(blocks)
    ordered: list[OcrWord] = []
    while left:
        # The block with the highest top has none wholly above it, so one is always found.
        first = next(b for b in left if not any(spans[o][1] <= spans[b][0] for o in left))
        left.remove(first)
        ordered.extend(blocks[first])
    return tuple(ordered)


#: Of the columns between two words of a line, at least this share holding ink (darker than
#: :data:`_GAP_INK` on the canvas) is print between them, not a gutter...
PRINTED_GAP_SHARE = 0.4
#: ... faint print included (a faded number Tesseract dropped is 135–200 on the restored paper's 255).
_GAP_INK = 200


def _printed_gap(canvas: PageCanvas) -> PrintedGap:
    """Whether the canvas holds print between two words (boxes at the canvas's full size) on their rows."""
    image, scale = canvas.image, canvas.scale

    def printed(a: OcrWord, b: OcrWord) -> bool:
        # Two pixels in from each word's box: a box may miss its letter's last column.
        x0, x1 = round((a.left + a.width) * scale) + 2, round(b.left * scale) - 2
        y0 = round(min(a.top, b.top) * scale)
        y1 = round(max(a.top + a.height, b.top + b.height) * scale)
        if x1 - x0 < 2 or y1 <= y0:
            return False
        return float((image[y0:y1, x0:x1] < _GAP_INK).any(axis=0).mean()) >= PRINTED_GAP_SHARE

    return printed


def canvas_words(canvas: PageCanvas, read: OcrResult, knowledge: Knowledge | None) -> OcrResult:
    """The words Tesseract read on ``canvas``, with boxes on the page, post-corrected with ``knowledge``.

    Each word goes back by the shift of the zone nearest its centre. A
    line read twice is kept once (:func:`~ocr.word_lines.drop_twice_read`);
    a line's end read as a block of its own goes back on its line
    (:func:`~ocr.word_lines.join_row_pieces`); lines are cut at gutters
    (:func:`~ocr.word_lines.split_columns`) and, with ``knowledge``, before
    a standard line read at their end (:func:`~ocr.word_lines.cut_standard_lines`).
    Tesseract's own words, both readings included, are kept in
    :attr:`OcrResult.tesseract`; without ``knowledge`` and with no line read
    twice they are the words.
    """
    scale = canvas.scale
    if scale < 1.0:
        read = OcrResult(text=read.text, words=tuple(
            replace(w, left=round(w.left / scale), top=round(w.top / scale),
                    width=max(1, round(w.width / scale)), height=max(1, round(w.height / scale)))
            for w in read.words))
    printed = _printed_gap(canvas)
    raw = split_columns(top_down(join_row_pieces(read.words)), printed=printed)
    # A line of print Tesseract read twice is read once; the words it gave stay in ``raw``.
    once = drop_twice_read(read.words)
    columns = raw if len(once) == len(read.words) else split_columns(top_down(join_row_pieces(once)), printed=printed)
    if knowledge is not None:
        columns = cut_standard_lines(columns, knowledge.formulas)
    read = OcrResult(text=words_to_text(columns), words=columns)
    if knowledge is not None:
        read = correct_result(read, knowledge)[0]

    def shift(w: OcrWord) -> OcrWord:
        centre = w.top + w.height // 2
        _, _, dy, dx = min(canvas.placed, key=lambda p: max(p[0] - centre, centre - p[1], 0))
        return replace(w, top=w.top + dy, left=w.left + dx)

    return OcrResult(text=read.text, words=tuple(shift(w) for w in read.words),
                     tesseract=tuple(shift(w) for w in raw))


def read_page_text(image: np.ndarray, options: TesseractOptions, knowledge: Knowledge | None, *,
                   what: str = "page") -> OcrResult:
    """OCR a restored page in reading order: header left, header right, body, footer left, footer right.

    The page's zones go to Tesseract on one canvas (:func:`page_canvas`),
    shrunk so that one of its text lines is ``options.line_px`` tall:
    Tesseract's line recogniser works on lines scaled to 36 pixels anyway,
    and its layout analysis costs less on fewer pixels. Word boxes are in
    the coordinates of ``image``. With ``knowledge`` (the profile's), the
    words go through :func:`ocr.postcorrect.correct_result` (garbage out,
    diacritics by context).
    """
    canvas = page_canvas(image, options)
    return canvas_words(canvas, run_ocr(canvas.image, options, what=what), knowledge)

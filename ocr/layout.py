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
from typing import Any

import cv2
import numpy as np

from ocr.postcorrect import Knowledge, correct_result
from ocr.tesseract import OcrResult, OcrWord, drop_twice_read, run_ocr, split_columns, words_to_text
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
#: A line whose letters fill this share of a gutter's columns runs through it (a line of the body, not
#: the fragments of a seal's ring or a signature's strokes in the gutter of a footer).
_THROUGH_SHARE = 0.35


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
    (:func:`_two_columns`'s ``through``).
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
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


def text_lines(ink: np.ndarray, *, min_height: int = 4) -> list[tuple[int, int]]:
    """Row bands ``(top, bottom)`` that hold ink, in page order."""
    rows = ink.sum(axis=1) > max(2, ink.shape[1] // 400)
    bands: list[tuple[int, int]] = []
    start = None
    for i, on in enumerate(rows):
        if on and start is None:
            start = i
        elif not on and start is not None:
            if i - start >= min_height:
                bands.append((start, i))
            start = None
    if start is not None and len(rows) - start >= min_height:
        bands.append((start, len(rows)))
    return bands


#: A gutter between two columns is at least this many text lines wide (a line: a band of ink,
#: marks included) on the layout's quarter-size view: a word space is a third of one.
WIDE_GUTTER_LINES = 1.5
#: Header columns set close together leave 0.8-1.5 lines, and were read straight across; a gutter
#: down to this many lines is taken when it is white at full size too (:func:`_white_at_full_size`).
#: On a small print's quarter-size view a word space can look that wide (a poem's verses, a 100 dpi
#: scan), and a speck in a damaged gutter ends it: either way the page is read as before.
GUTTER_LINES = 0.75
#: Darker than this is ink when a narrow gutter is checked at full size (the restored paper is white).
_GUTTER_INK = 160


#: A column beside a gutter holds ink across at least this many line heights (a word) of its width.
_SIDE_LINES = 1.5


def _two_columns(ink: np.ndarray, bands: list[tuple[int, int]], *, min_gutter: float = 0.0,
                 line_h: float | None = None, gutter_lines: float = WIDE_GUTTER_LINES,
                 through: np.ndarray | None = None, between: np.ndarray | None = None
                 ) -> tuple[int, int, int] | None:
    """The longest run of ``bands`` (in the order given) sharing one white gutter.

    The gutter must be wider than ``gutter_lines`` line heights (``line_h``, by
    default the median height of ``bands``) and than ``min_gutter`` (a share of the width).
    With ``through`` (:func:`_letters`), the run ends before a band whose letters fill
    :data:`_THROUGH_SHARE` of the gutter's columns: a line of faded or light print that ``ink`` lost.
    With ``between`` (the same letters), it ends before such a line lying between two of its
    bands, so faint that it made no band (:func:`_before_light_line`).

    Returns ``(lines in the run, gutter left, gutter right)`` in ``ink``'s
    columns, or ``None``.
    """
    if len(bands) < 2:
        return None
    w = ink.shape[1]
    margin = max(2, w // 150)
    light = text_lines(between) if between is not None else []
    line_h = line_h or float(np.median([b - t for t, b in bands]))

    def gutter(x: int, count: int) -> tuple[int, int]:
        rows = [ink[t:b] for t, b in bands[:count]]
        cols = np.vstack(rows).sum(axis=0)
        left = right = x
        while left > 0 and cols[left - 1] == 0:
            left -= 1
        while right < w - 1 and cols[right + 1] == 0:
            right += 1
        return left, right

    best: tuple[int, int, int] | None = None
    for x in range(int(0.25 * w), int(0.60 * w), max(1, w // 200)):
        count = 0
        for top, bottom in bands:
            if ink[top:bottom, x - margin : x + margin].any():
                break
            count += 1
        # A word space can look like a gutter on one line; a real gutter is wider
        # than a line is tall, over every line of the run.
        left = right = x
        while count >= 2:
            left, right = gutter(x, count)
            if right - left >= max(gutter_lines * line_h, min_gutter * w):
                break
            count -= 1
        if through is not None and count >= 2 and right - left > 2:
            # The run ends before a line whose letters fill the gutter: light print the opening erased,
            # in one of its bands or between two of them (a faded body line that made no band at all).
            count = next((k for k, (t, b) in enumerate(bands[:count])
                          if through[t:b, left + 1 : right].any(axis=0).mean() >= _THROUGH_SHARE), count)
            if count >= 2:
                left, right = gutter(x, count)
        if between is not None and count >= 2 and right - left > 2:
            count = _before_light_line(between, light, bands, count, (left, right))
            if count >= 2:
                left, right = gutter(x, count)
        if count < 2 or (best is not None and count <= best[0]):
            continue
        # Print on both sides, a word's width of it or more: a speck, a blot or pieces of the paper's edge
        # at the margin beside a centred motto are no column.
        zone = np.vstack([ink[t:b] for t, b in bands[:count]])
        if (np.count_nonzero(zone[:, :left].any(axis=0)) >= _SIDE_LINES * line_h
                and np.count_nonzero(zone[:, right:].any(axis=0)) >= _SIDE_LINES * line_h
                and not _spaces_lined_up(ink if between is None else between, bands[:count], left, right,
                                         line_h)):
            best = (count, left, right)
    return best


#: A faded line that a zone must end clear of holds letters across at least this many line heights (about a
#: dozen letters); lighter scraps of print or marks between two zones leave their end where it was.
_LIGHT_LINE_LINES = 8.0
#: A gutter narrower than this many line heights (:data:`WIDE_GUTTER_LINES`), that every line of its run
#: with print on both sides reaches on both sides, is a space between words lined up down a few lines (see
#: :func:`_spaces_lined_up`): two spaces of a typewriter face side by side are a line height wide.
_SPACE_LINES = WIDE_GUTTER_LINES


def _spaces_lined_up(ink: np.ndarray, bands: list[tuple[int, int]], left: int, right: int,
                     line_h: float) -> bool:
    """Whether the gutter ``[left, right]`` of ``bands`` is a narrow space that the print on both sides
    (``ink``: the letters, light strokes kept) reaches on every line holding both: justified lines of a
    typewriter face whose spaces line up ("… để thẩm | định." over "… sót, tổ | chức, …"). A header's
    columns are each centred: their lines end and begin at different places, only the widest at the gutter.
    """
    if right - left >= _SPACE_LINES * line_h:
        return False
    reach = max(2, round(line_h))
    both = [(ink[t:b, max(0, left - reach):left].any(), ink[t:b, right + 1:right + 1 + reach].any(),
             ink[t:b, :left].any() and ink[t:b, right + 1:].any()) for t, b in bands]
    held = [(l, r) for l, r, two in both if two]
    return bool(held) and all(l and r for l, r in held)


def _before_light_line(through: np.ndarray, light: list[tuple[int, int]], bands: list[tuple[int, int]], count: int,
                       gutter: tuple[int, int]) -> int:
    """How many of the run's first ``count`` bands come before a line of ``light`` print lying between two of
    them whose letters fill :data:`_THROUGH_SHARE` of the ``gutter``'s columns (``count``: none does).

    The bands are in the run's order, top down (a header) or bottom up (a footer).
    """
    left, right = gutter
    for k in range(1, count):
        top = min(bands[k - 1][1], bands[k][1])
        bottom = max(bands[k - 1][0], bands[k][0])
        if any(top <= t and b <= bottom and through[t:b, left + 1 : right].any(axis=0).mean() >= _THROUGH_SHARE
               for t, b in light):
            return k
    return count


def _gutter(ink: np.ndarray, letters: np.ndarray, bands: list[tuple[int, int]], **kw: Any
            ) -> tuple[int, int, int] | None:
    """:func:`_two_columns` with the lines of light print (``letters``) ending a run; where they leave no
    run of two lines, the run the print that shows at this size makes (a damaged page whose faint footer
    did not show is still read in its columns), short of a light line crossing its gutter between two of
    its bands (a faded body line is no footer's)."""
    return (_two_columns(ink, bands, through=letters, between=letters, **kw)
            or _two_columns(ink, bands, between=letters, **kw))


def _white_at_full_size(gray: np.ndarray, bands: list[tuple[int, int]], found: tuple[int, int, int],
                        factor: int, need: float) -> bool:
    """Whether the rows of ``bands`` (quarter-size) leave a white strip ``need`` pixels wide in ``gray``
    around the gutter ``found`` (``(lines, left, right)`` on the quarter-size view)."""
    _, left, right = found
    # The bands in the order given: a footer's run goes from the bottom up.
    top, bottom = min(t for t, _ in bands) * factor, max(b for _, b in bands) * factor
    x0, x1 = max(0, (left - 1) * factor), min(gray.shape[1], (right + 2) * factor)
    return _longest_run(~(gray[top:bottom, x0:x1] < _GUTTER_INK).any(axis=0)) >= need


def _longest_run(flags: np.ndarray) -> int:
    """The length of the longest run of true values in ``flags``."""
    run = best = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


#: A gutter found on the layout's small view stands when, at full size, a strip of its columns is white on
#: at least this share of its lines (:func:`_white_lines`): a signature's flourish may cross it on a line
#: of a footer; the letters of body lines cross every column of it on most lines (their spaces do not
#: line up).
WHITE_LINES = 0.75


def _white_lines(gray: np.ndarray, bands: list[tuple[int, int]], found: tuple[int, int, int], factor: int,
                 need: float) -> bool:
    """Whether ``need`` neighbouring columns around the gutter ``found`` (quarter-size) are each white at full
    size in ``gray`` on :data:`WHITE_LINES` of ``bands`` or more (:func:`_white_at_full_size` asks it of
    every row at once)."""
    _, left, right = found
    x0, x1 = max(0, (left - 1) * factor), min(gray.shape[1], (right + 2) * factor)
    white = np.mean([~(gray[t * factor : b * factor, x0:x1] < _GUTTER_INK).any(axis=0) for t, b in bands], axis=0)
    return _longest_run(white >= WHITE_LINES) >= need


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
    light = [(t, b) for t, b in text_lines(letters)
             if line_h and np.count_nonzero(letters[t:b].any(axis=0)) >= _LIGHT_LINE_LINES * line_h]
    found = _gutter(ink, letters, top_bands, line_h=line_h, gutter_lines=GUTTER_LINES)
    if found and line_h and found[2] - found[1] < WIDE_GUTTER_LINES * line_h and not _white_at_full_size(
            gray, top_bands[: found[0]], found, factor, GUTTER_LINES * line_h * factor):
        found = _gutter(ink, letters, top_bands, line_h=line_h)
    if found and line_h and not _white_lines(gray, top_bands[: found[0]], found, factor,
                                             GUTTER_LINES * line_h * factor):
        found = None  # the first lines of a monospace continuation page, cut mid-word (see the footer's)
    used = 0
    if found:
        used, left, right = found
        last = top_bands[used - 1][1]
        nxt = lines[lines.index(top_bands[used - 1]) + 1][0] if top_bands[used - 1] != lines[-1] else h
        nxt = min([nxt, *(t for t, _ in light if t >= last)])
        header = ColumnZone(top=0, bottom=(last + nxt) // 2 * factor, x=(left + right) // 2 * factor)

    rest = lines[lines.index(top_bands[used - 1]) + 1 :] if used else lines
    bottom_bands = list(reversed(rest))[:16]
    footer = None
    # The footer's gutter is wide (the signature sits far right); a hole eaten
    # down through the body makes a narrow one, which must not split the body.
    found = _gutter(ink, letters, bottom_bands, min_gutter=0.06, line_h=line_h)
    # Body lines of a thin monospace face, which the opening erases at this size, leave a wide "gutter"
    # only here: taken, it cut a page's last lines mid-word ("điện t" | "ử của Sở") and read them as a
    # footer's two columns. A footer's gutter is white at full size too, on most of its lines.
    if found and line_h and not _white_lines(gray, bottom_bands[: found[0]], found, factor,
                                             GUTTER_LINES * line_h * factor):
        found = None
    if found:
        count, left, right = found
        first = bottom_bands[count - 1]
        idx = lines.index(first)
        prev = lines[idx - 1][1] if idx > 0 else 0
        prev = max([prev, *(b for _, b in light if b <= first[0])])
        footer = ColumnZone(top=(prev + first[0]) // 2 * factor, bottom=gray.shape[0],
                            x=(left + right) // 2 * factor)
    # For the size of the print, a single line: damage that joins two lines into one band
    # makes bands taller, never shorter, so the lower quartile is what one line measures.
    single = float(np.percentile([b - t for t, b in lines], 25)) * factor if lines else None
    return PageZones(header=header, footer=footer, line_height=single, lines=len(lines))


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


def canvas_words(canvas: PageCanvas, read: OcrResult, knowledge: Knowledge | None) -> OcrResult:
    """The words Tesseract read on ``canvas``, with boxes on the page, post-corrected with ``knowledge``.

    Each word goes back by the shift of the zone nearest its centre. A
    line read twice is kept once (:func:`~ocr.tesseract.drop_twice_read`).
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
    raw = split_columns(top_down(read.words))
    # A line of print Tesseract read twice is read once; the words it gave stay in ``raw``.
    columns = split_columns(top_down(drop_twice_read(read.words)))
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

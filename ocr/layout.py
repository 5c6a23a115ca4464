"""Reading order of Vietnamese administrative pages.

The first page of a document opens with two header columns side by side:
issuer and number on the left, motto and place-date line on the right.
Tesseract often reads such lines straight across, gluing "UBND THÀNH PHỐ HẢI
PHÒNG" to "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and the number to the motto,
which breaks every field in them. :func:`find_header_split` finds the header
band and the white gutter between its columns from the ink alone; the page
is then read as three zones — left header, right header, the rest — and the
texts and word boxes are put back together in that order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.tesseract import OcrResult, OcrWord, run_ocr
from sohoa.settings import TesseractOptions

__all__ = ["HeaderSplit", "text_lines", "find_header_split", "read_page_text"]


@dataclass(frozen=True)
class HeaderSplit:
    """Where the two header columns are: rows ``[0, bottom)`` split at column ``x``."""

    bottom: int
    x: int


def _ink(gray: np.ndarray, factor: int) -> np.ndarray:
    small = cv2.resize(gray, (gray.shape[1] // factor, gray.shape[0] // factor), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Specks and dust would bridge the gutter; keep letter-sized blobs and larger.
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return ink


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


def find_header_split(gray: np.ndarray, *, factor: int = 4) -> HeaderSplit | None:
    """Find a two-column header at the top of a page.

    The header is the longest run of text lines from the top that all leave
    the same vertical strip empty, somewhere between 25% and 60% of the
    width, with ink on both sides of it. A line centred on the page (the
    title) or one crossing the strip (the body) ends the run.

    Returns:
        The header's bottom row and gutter column in ``gray``'s pixels, or
        ``None`` when the page has no such header (a continuation page).
    """
    ink = _ink(gray, factor)
    h, w = ink.shape
    bands = []
    for top, bottom in text_lines(ink):
        if top >= 0.4 * h or len(bands) == 14:
            break
        cols = np.nonzero(ink[top:bottom].any(axis=0))[0]
        # A short line centred on the page (the title, "QUYẾT ĐỊNH") ends the header;
        # a header line with both columns also looks centred, but spans most of the width.
        centred = abs((cols[0] + cols[-1]) / 2 - w / 2) < 0.05 * w
        if centred and cols[-1] - cols[0] < 0.5 * w and bands:
            break
        bands.append((top, bottom))
    if len(bands) < 2:
        return None
    # Half-width of the gutter: far wider than a word space (~15 px at 300 dpi).
    margin = max(2, w // 40)
    best: tuple[int, int] | None = None  # (lines in header, x)
    for x in range(int(0.25 * w), int(0.60 * w), max(1, w // 200)):
        count = 0
        for top, bottom in bands:
            zone = ink[top:bottom]
            gutter = zone[:, x - margin : x + margin].sum()
            if gutter or not zone[:, :x].any() and not zone[:, x:].any():
                break
            count += 1
        if count >= 2 and (best is None or count > best[0]):
            # both columns must hold ink somewhere in the header
            top, bottom = bands[0][0], bands[count - 1][1]
            if ink[top:bottom, : x - margin].any() and ink[top:bottom, x + margin :].any():
                best = (count, x)
    if best is None:
        return None
    count, x = best
    # Centre the cut in the white gutter around x.
    top, bottom = bands[0][0], bands[count - 1][1]
    cols = ink[top:bottom].sum(axis=0)
    left = x
    while left > 0 and cols[left - 1] == 0:
        left -= 1
    right = x
    while right < w - 1 and cols[right + 1] == 0:
        right += 1
    next_top = bands[count][0] if count < len(bands) else min(h, bottom + 10)
    cut_row = (bottom + next_top) // 2
    return HeaderSplit(bottom=cut_row * factor, x=((left + right) // 2) * factor)


def _shift(result: OcrResult, dx: int, dy: int, block_offset: int) -> tuple[OcrWord, ...]:
    return tuple(replace(w, left=w.left + dx, top=w.top + dy, block=w.block + block_offset) for w in result.words)


def read_page_text(image: np.ndarray, options: TesseractOptions, *, what: str = "page") -> OcrResult:
    """OCR a restored page in reading order: left header, right header, body.

    Pages without a two-column header are read in one pass. Word boxes are in
    the coordinates of ``image``.
    """
    split = find_header_split(image)
    if split is None:
        return run_ocr(image, options, what=what)
    zones = [
        (image[: split.bottom, : split.x], 0, 0),
        (image[: split.bottom, split.x :], split.x, 0),
        (image[split.bottom :], 0, split.bottom),
    ]
    texts: list[str] = []
    words: list[OcrWord] = []
    for zone, dx, dy in zones:
        if zone.size == 0:
            continue
        result = run_ocr(np.ascontiguousarray(zone), options, what=what)
        if result.text:
            texts.append(result.text)
        words.extend(_shift(result, dx, dy, block_offset=1000 * len(texts)))
    return OcrResult(text="\n\n".join(texts), words=tuple(words))

"""Restore damaged page scans before OCR (first version).

Each step is a pure function over ``numpy`` arrays so tests can check it on a
page made for it. :func:`restore_page` chains them:

1. ``split_ink``: grayscale that keeps dark ink and lightens coloured stains
   (yellowing, brown mould, red seals) by taking the brightest channel, with
   blue and violet pen set apart in a layer laid back at the end.
2. ``crop_paper``: find the sheet on the dark scanner bed and cut it out.
3. ``coarse_orientation`` (:mod:`ocr.orientation`): detect pages lying on their side (90°/270°).
4. ``remove_holes`` and ``normalize_background``: divide by an estimate of the paper so stains,
   yellowing and uneven light become white while faint ink stays dark; holes
   and large blotches bigger than any letter vanish.
   ``remove_seal_rings`` (:mod:`ocr.seal`): the rings of a round seal stamped in ink (a grey or
   1-bit scan) go, the letters crossing them stay.
5. ``estimate_skew`` / ``rotate`` (:mod:`ocr.orientation`): deskew by projection profiles.
6. ``upside_down`` (:mod:`ocr.orientation`) decides upside-down pages from the
   ascender ratio; Tesseract OSD (through the one wrapper) only when that
   cheap test is undecided, and the page read both ways when neither decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from ocr.orientation import (
    ascender_ratio,
    coarse_orientation,
    estimate_skew,
    orientation_view,
    reading_score,
    rotate,
    rotate_quarter,
    upside_down,
)
from ocr.pixels import components, downscale, percentile_of_hist
from ocr.seal import remove_seal_rings
from core.settings import RestoreOptions, TesseractOptions

__all__ = [
    "RestoredPage",
    "ink_gray",
    "split_ink",
    "crop_paper",
    "normalize_background",
    "remove_holes",
    "restore_page",
]


@dataclass(frozen=True)
class RestoredPage:
    """A page ready for OCR and what was done to it."""

    image: np.ndarray
    skew_deg: float = 0.0
    rotation: int = 0  # degrees clockwise applied to make the page upright
    steps: tuple[str, ...] = field(default_factory=tuple)
    #: The page as scanned (plain gray, nothing cleaned) cropped, turned and deskewed as ``image`` is, when
    #: asked for: what the floor under the reading reads a doubtful line from (:mod:`ocr.floor`).
    plain: np.ndarray | None = None


#: How much brighter blue must be than red (or, for violet, twice this than green) for pen ink.
PEN_BLUE_MARGIN = 30
#: Fewer pen pixels than this in a band of rows are colour noise at letter edges, not strokes.
MIN_PEN_PIXELS = 50


def split_ink(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The printed page in grayscale, and the pen strokes on their own.

    Black ink is dark in every channel while yellow paper, brown mould and red
    stamps are bright in at least one, so the per-pixel maximum of the
    channels is a cheap stain filter. It also erases blue and violet pen
    (numbers and dates written by hand into a typed form, signatures), which
    is ink all the same: where blue outweighs red (or green, for violet) its
    luminance goes into a separate pen layer, white elsewhere.

    The pen is kept apart so that finding the page's orientation and skew
    reads the print only (a signature's loops look like upside-down text);
    :func:`restore_page` lays it back over the restored page.

    Returns:
        ``(gray, pen)``; ``pen`` is ``None`` on a grayscale page or one with
        no pen strokes.
    """
    if image.ndim == 2:
        return image, None
    out = np.empty(image.shape[:2], dtype=np.uint8)
    pen_out: np.ndarray | None = None
    # Bands of rows keep the channel copies small on a 600 dpi A3 scan.
    for top in range(0, image.shape[0], _BAND_ROWS):
        band = image[top : top + _BAND_ROWS]
        gray = out[top : top + _BAND_ROWS]
        # cv2.max on the split channels is ~20x faster than numpy's max over the last axis.
        b, g, r = cv2.split(band)
        cv2.max(cv2.max(b, g), r, dst=gray)
        pen = cv2.bitwise_or(cv2.compare(cv2.subtract(b, r), PEN_BLUE_MARGIN, cv2.CMP_GT),
                             cv2.compare(cv2.subtract(b, g), 2 * PEN_BLUE_MARGIN, cv2.CMP_GT))
        if cv2.countNonZero(pen) >= MIN_PEN_PIXELS:
            if pen_out is None:
                pen_out = np.full(image.shape[:2], 255, dtype=np.uint8)
            cv2.copyTo(cv2.cvtColor(band, cv2.COLOR_BGR2GRAY), pen, pen_out[top : top + _BAND_ROWS])
            cv2.max(gray, pen, dst=gray)  # the strokes leave the print layer altogether
    return out, pen_out


def ink_gray(image: np.ndarray) -> np.ndarray:
    """Grayscale with coloured stains and stamps lightened and print and pen kept dark (:func:`split_ink`)."""
    return _with_pen(*split_ink(image))


def _with_pen(gray: np.ndarray, pen: np.ndarray | None) -> np.ndarray:
    """The pen layer laid over the print (in place)."""
    return gray if pen is None else cv2.min(gray, pen, dst=gray)


#: Rows per band when a step works on a full-size page band by band.
_BAND_ROWS = 1024


def crop_paper(gray: np.ndarray, *, margin: int = 4) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Cut the sheet of paper out of a dark scanner background.

    Returns the crop and its box ``(x, y, w, h)``; the whole image when no
    clear sheet is found. Pixels of the dark bed that remain inside the box
    (a tilted sheet) are painted white.
    """
    small = downscale(gray, 4)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close letters and stains so the sheet is one blob.
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    full = (0, 0, gray.shape[1], gray.shape[0])
    if not contours:
        return gray, full
    biggest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(biggest)
    if area < 0.25 * small.size:
        return gray, full
    x, y, w, h = cv2.boundingRect(biggest)
    if w * h > 0.98 * small.size:
        return gray, full
    # Outside the sheet is 255 (white), inside 0: the page's maximum with it paints the bed white.
    outside = np.full_like(small, 255)
    cv2.drawContours(outside, [cv2.convexHull(biggest)], -1, 0, thickness=cv2.FILLED)
    x, y, w, h = x * 4 + margin, y * 4 + margin, w * 4 - 2 * margin, h * 4 - 2 * margin
    # Only the crop is scaled up, taking the pixels nearest-neighbour resizing of the whole mask would.
    rows = (np.arange(y, y + h) * (small.shape[0] / gray.shape[0])).astype(np.intp)
    cols = (np.arange(x, x + w) * (small.shape[1] / gray.shape[1])).astype(np.intp)
    mask = _upscale_nearest(outside, rows, cols)
    return cv2.max(gray[y : y + h, x : x + w], mask, dst=mask), (x, y, w, h)


def _upscale_nearest(small: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``small[rows[:, None], cols[None, :]]`` for nondecreasing ``rows``: the columns are taken on the
    small rows once, then each row repeated (a page-sized fancy index cost 30-70 ms, this 3-7)."""
    first = int(rows[0])
    return np.take(np.take(small[first : int(rows[-1]) + 1], cols, axis=1), rows - first, axis=0)


def remove_holes(gray: np.ndarray, *, dark: int = 70, min_width_px: int = 16, rim_px: int = 8) -> np.ndarray:
    """Paint white the holes eaten through the paper, and their rims.

    Termite holes and tunnels show what lies behind the sheet: the dark
    scanner lid (black blobs far thicker than any pen stroke) or a white
    backing sheet (blobs brighter than the paper). Either way their browned
    rims look like ink lines to Tesseract and break layout analysis. Ink
    strokes are a few pixels wide at 300 dpi, so an opening with a disc wider
    than any stroke keeps only dark holes; bright holes are whatever is
    clearly lighter than the paper. Each hole is grown by ``rim_px`` to take
    its rim.
    """
    small = downscale(gray, 2)
    radius = max(2, min_width_px // 4)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    # Thresholds, not numpy's comparisons (a tenth of the time): 1 below ``dark``, 1 above the paper's median + 12.
    dark_mask = cv2.threshold(small, dark - 1, 1, cv2.THRESH_BINARY_INV)[1]
    holes = _without_letters(cv2.morphologyEx(dark_mask, cv2.MORPH_OPEN, disc), dark_mask)
    # The median from the histogram (no sort of the page): the 50th percentile is numpy's median.
    paper = percentile_of_hist(cv2.calcHist([small], [0], None, [256], [0, 256]).ravel(), 50)
    if paper <= 240:  # on white paper a white hole cannot be told apart, and needs no cleaning
        above = cv2.threshold(small, math.floor(paper + 12), 1, cv2.THRESH_BINARY)[1]
        bright = cv2.morphologyEx(above, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        n, labels, stats, _ = components(bright)
        big = (stats[:, cv2.CC_STAT_AREA] >= 100) & (stats[:, cv2.CC_STAT_AREA] < 0.2 * small.size)
        big[0] = False
        holes |= big[labels].astype(np.uint8)
    if not holes.any():
        return gray
    grow = max(1, rim_px // 2)
    holes = cv2.dilate(holes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1)))
    mask = cv2.resize(holes * np.uint8(255), (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    return cv2.max(gray, mask, dst=mask)


#: Two dark blobs are letters of one word when their heights differ by less than this factor, they
#: share most of their rows and the gap between them is under a letter's height.
_LETTER_HEIGHT_RATIO = 1.6
_LETTER_ROW_OVERLAP = 0.6
#: A stroke is thin for its height: the widest disc inside a letter (bold "I" included) is at most
#: this share of the letter's height; a round hole's is about half of it.
_STROKE_SHARE = 0.2
#: A letter (or two touching) is at most this many times as wide as it is tall.
_LETTER_WIDTH = 2.5
#: A title's letters are at most this many times the height of the page's common letters.
_TITLE_LETTERS = 5.0


def _without_letters(thick: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """``thick`` (dark parts wider than a pen stroke) without the blobs of ``dark`` that are letters.

    Bold print as large as a certificate's title, or a bold header scanned
    at 600 dpi, has strokes as wide as a small hole. A letter is made of
    strokes thin for its height (a round hole is as wide as it is tall) and
    stands in a row of blobs of its height, on the same rows, a letter's
    height or less apart, themselves made of thin strokes; a hole stands
    alone or among round holes (print touching a hole joins its blob, which
    then has no such neighbour).
    """
    if not thick.any():
        return thick
    n, labels, stats, _ = components(dark)
    top, left = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_LEFT]
    height, width = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    bottom, right = top + height, left + width
    candidates = [int(i) for i in np.unique(labels[thick > 0]) if i]
    depth = cv2.distanceTransform(dark, cv2.DIST_L2, 3)

    def radius(i: int) -> float:
        box = (slice(top[i], bottom[i]), slice(left[i], right[i]))
        return float(depth[box][labels[box] == i].max())

    # The page's letters: the median height of the blobs shaped like one.
    shaped = (height[1:] >= 3) & (width[1:] <= 3 * height[1:])
    letter = float(np.median(height[1:][shaped])) if shaped.any() else 0.0
    # Thin blobs are stroke-like by definition; of the thick ones, those thin for their height,
    # shaped like a letter and no more than a title's size.
    stroke_like = np.ones(n, dtype=bool)
    for i in candidates:
        stroke_like[i] = (radius(i) <= _STROKE_SHARE * height[i] and width[i] <= _LETTER_WIDTH * height[i]
                          and height[i] <= _TITLE_LETTERS * letter)
    holes = thick.copy()
    for i in candidates:
        if not stroke_like[i]:
            continue
        ratio = height / height[i]
        overlap = np.minimum(bottom, bottom[i]) - np.maximum(top, top[i])
        gap = np.maximum(left, left[i]) - np.minimum(right, right[i])
        mates = (stroke_like & (ratio > 1 / _LETTER_HEIGHT_RATIO) & (ratio < _LETTER_HEIGHT_RATIO)
                 & (overlap >= _LETTER_ROW_OVERLAP * np.minimum(height, height[i])) & (gap <= height[i]))
        mates[[0, i]] = False
        if mates.any():
            box = (slice(top[i], bottom[i]), slice(left[i], right[i]))
            holes[box][labels[box] == i] = 0
    return holes


#: Dark areas wider than this share of the page's width all round (1.4 mm on an A4 page, thicker than
#: the strokes of any print) are blots, or holes the scanner's lid shows black.
BLOT_WIDTH = 1 / 150
#: Darker than this is a blot's core on the normalized page.
_BLOT_DARK = 100


def _without_blots(norm: np.ndarray) -> np.ndarray | None:
    """A mask of ``norm`` without its blots (0 on them), or ``None`` when it has none.

    A page with faded print and black termite holes at its edge had its
    ink's dark percentile taken from the holes: the print was hardly
    stretched, and Tesseract read nothing of it. Only where the print
    without the blots is faded (:data:`_FADED`) and with them is not does
    the blot-free percentile replace the page's; elsewhere a page is
    stretched as before.
    """
    small = downscale(norm, 4)
    dark = (small < _BLOT_DARK).astype(np.uint8)
    size = max(3, round(small.shape[1] * BLOT_WIDTH))
    blots = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    if not blots.any():
        return None
    keep = (1 - cv2.dilate(blots, np.ones((3, 3), np.uint8))) * 255
    return cv2.resize(keep, (norm.shape[1], norm.shape[0]), interpolation=cv2.INTER_NEAREST)


#: Print whose dark percentile (:func:`_ink_low`) is lighter than mid-gray is faded.
_FADED = 100


def _ink_low(norm: np.ndarray, mask: np.ndarray | None = None) -> float | None:
    """The 5th percentile of the ink (darker than 200) under ``mask``; ``None`` for a page with next to none."""
    hist = cv2.calcHist([norm], [0], mask, [256], [0, 256]).ravel()
    if hist[:200].sum() <= 0.002 * norm.size:
        return None
    return percentile_of_hist(hist[:200], 5)


def normalize_background(gray: np.ndarray) -> np.ndarray:
    """Flatten the paper to white, keeping ink contrast (stains, yellowing, light).

    The paper is estimated by a grey-level closing wider than any stroke, on a
    quarter-size image for speed, and the page is divided by it. Faded ink is
    then stretched: a dark percentile of it mapped to black, blots left out of
    that percentile where they would hide faded print (:func:`_without_blots`).
    """
    small = downscale(gray, 4)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    background = cv2.medianBlur(background, 5)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    cv2.max(background, 1, dst=background)
    norm = cv2.divide(gray, background, dst=background, scale=255)
    # Stretch faded ink: map a dark percentile of the ink to black (from the histogram: no copy of the ink).
    low = _ink_low(norm)
    if low is not None and low <= _FADED:
        # Blots and holes the scanner's lid shows black are not ink: their black can hide faded print.
        mask = _without_blots(norm)
        blot_free = _ink_low(norm, mask) if mask is not None else None
        if blot_free is not None and blot_free > _FADED:
            low = blot_free
    if low is not None and low > 20:
        lut = np.clip((np.arange(256) - low) * 255.0 / max(1.0, 230 - low), 0, 255).astype(np.uint8)
        norm = cv2.LUT(norm, lut, dst=norm)
    return norm


def restore_page(image: np.ndarray, options: RestoreOptions, tesseract: TesseractOptions,
                 pen: np.ndarray | None = None, plain: np.ndarray | None = None) -> RestoredPage:
    """Run every restoration step on one page.

    Args:
        image: The page as decoded (grayscale or BGR), or the gray half of
            :func:`split_ink`.
        options: Which steps to run and their bounds.
        tesseract: Options for the orientation check through the wrapper.
        pen: The pen half of :func:`split_ink` when ``image`` is already gray.
        plain: The page as scanned in plain gray (the size of ``image``): it
            is cropped, turned and deskewed with the page, nothing else, and
            kept as :attr:`RestoredPage.plain`.

    Returns:
        The restored grayscale page with the skew and rotation applied, the
        pen strokes laid back over it.
    """
    if image.ndim == 3:
        image, pen = split_ink(image)
    gray = image
    if not options.enabled:
        return RestoredPage(image=gray if pen is None else cv2.min(gray, pen), steps=("gray",), plain=plain)
    steps = ["gray"]
    gray, box = crop_paper(gray)
    if box[0] or box[1]:
        steps.append("crop")
    x, y, w, h = box
    pen = pen[y : y + h, x : x + w] if pen is not None else None
    plain = plain[y : y + h, x : x + w] if plain is not None else None
    gray = remove_holes(gray)
    gray = normalize_background(gray)
    steps += ["holes", "normalize"]
    unsealed = remove_seal_rings(gray)
    if unsealed is not gray:
        gray = unsealed
        steps.append("seal")
    del unsealed
    rotation = 0
    if options.detect_orientation and coarse_orientation(gray) == 90:
        gray = rotate_quarter(gray, 90)
        pen, plain = (rotate_quarter(a, 90) if a is not None else None for a in (pen, plain))
        rotation = 90
        steps.append("turn90")
    skew = estimate_skew(gray, options.max_skew_deg)
    level = gray
    if abs(skew) >= 0.1:
        gray = rotate(gray, skew)
        pen, plain = (rotate(a, skew) if a is not None else None for a in (pen, plain))
        steps.append(f"deskew{skew:+.2f}")
    if options.detect_orientation:
        from ocr.tesseract import detect_orientation

        view = orientation_view(level, skew, gray)

        def both_ways() -> tuple[float, float]:
            from ocr.tesseract import run_ocr_many

            upright, turned = run_ocr_many([view, rotate_quarter(view, 180)], tesseract, what="orientation")
            return (reading_score((w.text, w.conf) for w in upright.words),
                    reading_score((w.text, w.conf) for w in turned.words))

        if upside_down(ascender_ratio(view), lambda: detect_orientation(view, tesseract, what="orientation"),
                       both_ways):
            gray = rotate_quarter(gray, 180)
            pen, plain = (rotate_quarter(a, 180) if a is not None else None for a in (pen, plain))
            rotation = (rotation + 180) % 360
            steps.append("flip180")
    if pen is not None:
        gray = _with_pen(gray, pen)
        steps.append("pen")
    return RestoredPage(image=gray, skew_deg=skew, rotation=rotation, steps=tuple(steps), plain=plain)

"""Restore damaged page scans before OCR (first version).

Each step is a pure function over ``numpy`` arrays so tests can check it on a
page made for it. :func:`restore_page` chains them:

1. ``split_ink``: grayscale that keeps dark ink and lightens coloured stains
   (yellowing, brown mould, red seals) by taking the brightest channel, with
   blue and violet pen set apart in a layer laid back at the end.
2. ``crop_paper``: find the sheet on the dark scanner bed and cut it out.
3. ``coarse_orientation``: detect pages lying on their side (90°/270°).
4. ``remove_holes`` and ``normalize_background``: divide by an estimate of the paper so stains,
   yellowing and uneven light become white while faint ink stays dark; holes
   and large blotches bigger than any letter vanish.
   ``remove_seal_rings``: the rings of a round seal stamped in ink (a grey or
   1-bit scan) go, the letters crossing them stay.
5. ``estimate_skew`` / ``rotate``: deskew by projection profiles.
6. ``ascender_ratio`` decides upside-down pages; Tesseract OSD (through the
   one wrapper) only when that cheap test is undecided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from sohoa.settings import RestoreOptions, TesseractOptions

if TYPE_CHECKING:
    from ocr.tesseract import Orientation

__all__ = [
    "RestoredPage",
    "ink_gray",
    "split_ink",
    "crop_paper",
    "normalize_background",
    "remove_holes",
    "remove_seal_rings",
    "estimate_skew",
    "coarse_orientation",
    "rotate",
    "rotate_quarter",
    "ascender_ratio",
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


def _downscale(gray: np.ndarray, factor: int) -> np.ndarray:
    h, w = gray.shape
    return cv2.resize(gray, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)


def crop_paper(gray: np.ndarray, *, margin: int = 4) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Cut the sheet of paper out of a dark scanner background.

    Returns the crop and its box ``(x, y, w, h)``; the whole image when no
    clear sheet is found. Pixels of the dark bed that remain inside the box
    (a tilted sheet) are painted white.
    """
    small = _downscale(gray, 4)
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
    mask = outside[rows[:, None], cols[None, :]]
    return cv2.max(gray[y : y + h, x : x + w], mask, dst=mask), (x, y, w, h)


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
    small = _downscale(gray, 2)
    radius = max(2, min_width_px // 4)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    dark_mask = (small < dark).astype(np.uint8)
    holes = _without_letters(cv2.morphologyEx(dark_mask, cv2.MORPH_OPEN, disc), dark_mask)
    # The median from the histogram (no sort of the page): the 50th percentile is numpy's median.
    paper = _percentile_of_hist(cv2.calcHist([small], [0], None, [256], [0, 256]).ravel(), 50)
    if paper <= 240:  # on white paper a white hole cannot be told apart, and needs no cleaning
        bright = cv2.morphologyEx((small > paper + 12).astype(np.uint8), cv2.MORPH_OPEN,
                                  np.ones((5, 5), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
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
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
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


def normalize_background(gray: np.ndarray) -> np.ndarray:
    """Flatten the paper to white, keeping ink contrast (stains, yellowing, light).

    The paper is estimated by a grey-level closing wider than any stroke, on a
    quarter-size image for speed, and the page is divided by it.
    """
    small = _downscale(gray, 4)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    background = cv2.medianBlur(background, 5)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    cv2.max(background, 1, dst=background)
    norm = cv2.divide(gray, background, dst=background, scale=255)
    # Stretch faded ink: map a dark percentile of the ink to black (from the histogram: no copy of the ink).
    hist = cv2.calcHist([norm], [0], None, [256], [0, 256]).ravel()
    if hist[:200].sum() > 0.002 * norm.size:
        low = _percentile_of_hist(hist[:200], 5)
        if low > 20:
            lut = np.clip((np.arange(256) - low) * 255.0 / max(1.0, 230 - low), 0, 255).astype(np.uint8)
            norm = cv2.LUT(norm, lut, dst=norm)
    return norm


#: A round seal's radius as a share of the page's shorter side: seals are 30–45 mm across, on A4
#: (210 mm) and A3 (297 mm) sheets, with room on both sides.
_SEAL_RADIUS = (0.04, 0.13)
#: A seal's ring is darker than this on the normalised page: a red seal scanned in grey is about
#: 120–200 (a pale one 160–200, still a picture to Tesseract's layout analysis); the paper is 230 and up.
SEAL_DARK = 200
#: A ring whose ink is this light (its median grey) is a pale seal's: the print under it is darker.
PALE_RING = 140
#: ... and its pixels are those no more than this much darker than its median; darker ones are print.
PALE_MARGIN = 35
#: A circle is a seal's ring when at this share of its angles there is ink within a pixel of its
#: radius; a radius is part of a ring when this share of its circle is ink within a pixel.
_RING_CLOSED = 0.8
_RING_PART = 0.45
#: Another ring around the same centre (a seal's inner ring, often thinner) needs only this share.
_RING_CONCENTRIC = 0.6
#: A ring's band reaches out to the radii where this share of the circle is still ink.
_RING_EDGE = 0.15
#: A ring's band of radii is at most this share of its radius (a filled disc is not a ring).
_RING_WIDTH = 0.08
#: Ink this many pixels inside and outside a ring's band at one angle is a stroke crossing the ring.
_CROSSING_PX = 3
#: A seal's other ring is at most this many times as wide as the one found (and at least 0.4 times).
_RING_REACH = 1.6
#: At most this many circles are checked on a page.
_MAX_SEALS = 4
#: The circles are looked for on the page shrunk to about this many pixels across its shorter side.
_SEAL_SEARCH_PX = 310


def remove_seal_rings(gray: np.ndarray, *, factor: int | None = None) -> np.ndarray:
    """Paint white the rings of round seals stamped over the text, sparing the strokes that cross them.

    A colour scan's red seal goes with the stain filter (:func:`split_ink`);
    in a grey or 1-bit scan it is ink, and its rings touch the signer's
    title and name, so Tesseract's layout analysis takes the whole block for
    a picture and reads none of it. A ring is a circle of the size of a seal
    (:data:`_SEAL_RADIUS`) whose circumference is nearly all ink, in a thin
    band of radii; a second ring around the same centre goes with it. The
    band is painted white at every angle where no ink touches it from inside
    or outside: a letter crossing or touching the ring keeps its stroke and a
    short piece of the ring, and the ring no longer ties the block into one
    picture-sized blob. Circles that are not such rings are left alone, so a
    page without a seal comes back unchanged (the same array).
    """
    # An eighth of a 300 dpi A4 page, a quarter of a 150 dpi one: a thin ring stays dark enough to be seen.
    factor = factor or max(2, round(min(gray.shape) / _SEAL_SEARCH_PX))
    small = _downscale(gray, factor)
    side = min(small.shape)
    low, high = (max(4, round(share * side)) for share in _SEAL_RADIUS)
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (3, 3), 0), cv2.HOUGH_GRADIENT, dp=1, minDist=low,
                               param1=120, param2=30, minRadius=low, maxRadius=high)
    if circles is None:
        return gray
    dark = np.where(gray < SEAL_DARK, np.uint8(255), np.uint8(0))
    # Ink grown by a pixel to find the rings: a ring one pixel thin, sampled around a centre found to a
    # pixel, stays whole; what a stroke crossing a ring is, the ink itself tells.
    grown = cv2.dilate(dark, np.ones((3, 3), np.uint8))
    # Ink anywhere in a block is ink on the small page, where the centre is looked for first.
    coarse = np.where(cv2.resize(dark, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA) > 0,
                      np.uint8(255), np.uint8(0))
    out = gray
    for x, y, r in circles[0][:_MAX_SEALS]:
        # Hough's centre is off by a good part of the ring's width (two rings, letters on them):
        # the inkiest circle near it on the small page, then on the page itself.
        _, x, y = _inkiest(coarse, float(x), float(y), float(r), span=max(2, round(0.3 * r)))
        erase = _ring_pixels(gray, dark, grown, x * factor, y * factor, float(r) * factor, span=factor + 2)
        if erase is not None:
            out = out.copy() if out is gray else out
            out[erase] = 255
    return out


def _polar(dark: np.ndarray, cx: float, cy: float, reach: int, angles: int) -> np.ndarray:
    """``dark`` around ``(cx, cy)`` unrolled: one row an angle, one column a pixel of radius, true for ink."""
    return cv2.warpPolar(dark, (reach, angles), (cx, cy), reach, cv2.WARP_POLAR_LINEAR) > 127


def _inkiest(dark: np.ndarray, cx: float, cy: float, radius: float, *, span: int
             ) -> tuple[float, float, float]:
    """The centre within ``span`` pixels of ``(cx, cy)`` whose inkiest circle (0.4–1.3 × ``radius``) is
    inkiest: ``(share of it that is ink, x, y)``. Searched coarse to fine (a grid of 7 × 7, then
    around the best point a finer one), not pixel by pixel."""
    reach, inner = max(2, int(1.3 * radius)), int(0.4 * radius)

    def cover(x: float, y: float) -> float:
        return float(_polar(dark, x, y, reach, 360)[:, inner:].mean(axis=0).max())

    best = (cover(cx, cy), cx, cy)
    while span >= 1:
        step = max(1, span // 3)
        x0, y0 = best[1], best[2]
        best = max([best] + [(cover(x0 + dx, y0 + dy), x0 + dx, y0 + dy)
                             for dy in range(-span, span + 1, step) for dx in range(-span, span + 1, step)],
                   key=lambda c: c[0])
        span = step - 1 if step > 1 else 0
    return best


def _ring_pixels(gray: np.ndarray, dark: np.ndarray, grown: np.ndarray, cx: float, cy: float, radius: float, *,
                 span: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The pixels (rows, columns) of the seal rings around ``(cx, cy)`` (within ``span``), or ``None``.

    Hough may have found either ring of a seal: the other is looked for from 0.4 to 1.6 times its radius.
    A pale ring (:data:`PALE_RING`) is told from the print under it by its grey: its pixels go at every
    angle, the darker ones stay. A dark ring is as dark as the print: it goes at the angles no stroke
    crosses.
    """
    reach = int(_RING_REACH * radius)
    inner = int(0.4 * radius)
    _, cx, cy = _inkiest(grown, cx, cy, radius, span=span)
    angles = max(720, int(8 * reach))
    polar = _polar(dark, cx, cy, reach, angles)
    # Closed: at nearly every angle, ink within a pixel of one radius (the grown ink's own cover is
    # fooled by print crossing a light red ring: the ring itself must be ink).
    near = polar[:, :-2] | polar[:, 1:-1] | polar[:, 2:]
    if float(near[:, inner:].mean(axis=0).max(initial=0.0)) < _RING_CLOSED:
        return None
    own = polar.mean(axis=0)  # the share of each circle that is ink
    share = _polar(grown, cx, cy, reach, angles).mean(axis=0)  # ... within a pixel
    part = share >= _RING_PART
    part[:inner] = False
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    theta = np.arange(angles) * (2 * np.pi / angles)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], part.view(np.int8), [0]))))
    for r0, r1 in zip(edges[::2], edges[1::2], strict=True):  # each band [r0, r1) of ring radii
        if r1 - r0 > max(4, _RING_WIDTH * radius) or share[r0:r1].max() < _RING_CONCENTRIC:
            continue
        # The ring's own band (the grown ink's less a pixel each side), out to where its ink fades (the
        # centre is a pixel off, the ring not quite round).
        r0, r1 = min(r0 + 1, r1 - 1), max(r1 - 1, r0 + 1)
        while r0 > inner and own[r0 - 1] >= _RING_EDGE and r1 - r0 < 2 * max(4, _RING_WIDTH * radius):
            r0 -= 1
        while r1 < reach and own[r1] >= _RING_EDGE and r1 - r0 < 2 * max(4, _RING_WIDTH * radius):
            r1 += 1
        lo, hi = max(0, r0 - 1), min(reach, r1 + 1)
        radii = np.arange(lo, hi + 0.5, 0.5)[:, None]
        ys = np.round(cy + radii * np.sin(theta)).astype(np.intp)
        xs = np.round(cx + radii * np.cos(theta)).astype(np.intp)
        inside_page = (ys >= 0) & (xs >= 0) & (ys < dark.shape[0]) & (xs < dark.shape[1])
        ys[~inside_page], xs[~inside_page] = -1, -1  # dropped at the end
        values = np.where(inside_page, gray[np.maximum(ys, 0), np.maximum(xs, 0)], 255)
        ink = values[values < SEAL_DARK]
        ring = float(np.median(ink)) if ink.size else 255.0  # the ring's grey (the print crossing it is fewer)
        if ring >= PALE_RING:
            lighter = values >= ring - PALE_MARGIN
            rows.append(ys[lighter])
            cols.append(xs[lighter])
            continue
        inside = polar[:, max(0, lo - _CROSSING_PX) : lo].any(axis=1)
        outside = polar[:, hi : hi + _CROSSING_PX].any(axis=1)
        clear = ~(inside | outside)
        rows.append(ys[:, clear].ravel())
        cols.append(xs[:, clear].ravel())
    if not rows:
        return None
    ys, xs = np.concatenate(rows), np.concatenate(cols)
    keep = (ys >= 0) & (xs >= 0) & (ys < dark.shape[0]) & (xs < dark.shape[1])
    return ys[keep], xs[keep]


def _percentile_of_hist(hist: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (linear method) of the values counted in ``hist`` (bin i: value i)."""
    cum = np.cumsum(hist)
    rank = q / 100 * (cum[-1] - 1)
    lo = int(np.floor(rank))
    v_lo = int(np.searchsorted(cum, lo, side="right"))
    v_hi = int(np.searchsorted(cum, min(lo + 1, cum[-1] - 1), side="right"))
    return v_lo + (rank - lo) * (v_hi - v_lo)


def _binary_small(gray: np.ndarray, factor: int = 4) -> np.ndarray:
    small = _downscale(gray, factor)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _without_edge_blobs(ink: np.ndarray) -> np.ndarray:
    """``ink`` (0/255) without the connected blobs that touch the image's border."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    right, bottom = x + stats[:, cv2.CC_STAT_WIDTH], y + stats[:, cv2.CC_STAT_HEIGHT]
    h, w = ink.shape
    edge = (x == 0) | (y == 0) | (right >= w) | (bottom >= h)
    edge[0] = True  # the background
    if not edge[1:].any():
        return ink
    return np.where(edge[labels], 0, 255).astype(np.uint8)


def _profile_score(xs: np.ndarray, ys: np.ndarray, shape: tuple[int, int], angle: float) -> float:
    """Sharpness of the row profile of the ink pixels ``(xs, ys)`` turned by ``angle`` degrees.

    The same as turning the binary image with ``cv2.warpAffine`` on the same
    canvas and summing its rows, but moving only the ink pixels: a few
    percent of the page, and no image copy per angle.
    """
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    x2 = m[0, 0] * xs + m[0, 1] * ys + m[0, 2]
    y2 = m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
    keep = (x2 > -0.5) & (x2 < w - 0.5) & (y2 > -0.5) & (y2 < h - 0.5)
    profile = np.bincount(np.rint(y2[keep]).astype(np.intp), minlength=h).astype(np.float64)
    return float(np.sum(np.diff(profile) ** 2))


def estimate_skew(gray: np.ndarray, max_deg: float = 10.0) -> float:
    """Angle in degrees (counter-clockwise positive, OpenCV's sense) that levels the text lines.

    Projection profiles of the ink are sharpest when lines are horizontal: a
    coarse search in 0.5° steps, then a fine one in 0.05° steps. Ink that
    touches the edge of the image is left out: a strip of the scanner bed
    along a cropped edge is one long straight band whose profile is sharpest
    at 0° whatever the text does, and it outweighed the lines of a page
    skewed by 5–8°.
    """
    ink = _without_edge_blobs(_binary_small(gray))
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return 0.0
    xs, ys = xs.astype(np.float32), ys.astype(np.float32)

    def score(a: float) -> float:
        return _profile_score(xs, ys, ink.shape, float(a))

    coarse = np.arange(-max_deg, max_deg + 1e-9, 0.5)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    return float(max(fine, key=score))


def _letter_centres(gray: np.ndarray, factor: int = 2) -> np.ndarray:
    """Centres of letter-sized ink blobs on a downscaled page, as an (n, 2) array of x, y."""
    small = _downscale(gray, factor)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    area = stats[:, cv2.CC_STAT_AREA]
    letter = (h >= 4) & (h <= 40) & (w >= 2) & (w <= 40) & (area >= 8)
    letter[0] = False
    return centroids[letter].astype(np.float32)


def coarse_orientation(gray: np.ndarray, *, max_letters: int = 2000) -> int:
    """0 when text lines run across the page, 90 when the page lies on its side.

    A letter's nearest neighbour is almost always the next letter of its
    word, so in upright text the vectors to nearest neighbours point mostly
    sideways and on a page turned 90° mostly up and down, whatever the skew.
    Borders, stains and holes are not letter-sized and take no part.
    Undecided pages stay as they are.
    """
    pts = _letter_centres(gray)
    if len(pts) < 50:
        return 0
    if len(pts) > max_letters:
        pts = pts[np.linspace(0, len(pts) - 1, max_letters).astype(int)]
    horizontal = vertical = 0
    pts64 = pts.astype(np.float64)
    sq = (pts64**2).sum(axis=1)
    # Blocks of 128 rows keep each block of distances (2 MB) in the cache.
    for start in range(0, len(pts), 128):
        chunk = pts[start : start + 128]
        # Squared distances as |a|² + |b|² - 2ab: one matrix product instead of an n×n×2 difference
        # array. |a|² is the same along a row, so the nearest neighbour is found without it.
        d = pts64[start : start + 128] @ pts64.T
        d *= -2.0
        d += sq
        d[np.arange(len(chunk)), np.arange(start, start + len(chunk))] = np.inf
        vec = np.abs(pts[d.argmin(axis=1)] - chunk)
        horizontal += int(np.count_nonzero(vec[:, 0] > 2 * vec[:, 1]))
        vertical += int(np.count_nonzero(vec[:, 1] > 2 * vec[:, 0]))
    return 90 if vertical > 1.5 * horizontal else 0


def ascender_ratio(gray: np.ndarray) -> float:
    """Ink above the x-height band over ink below it, summed over text lines.

    Vietnamese print stacks diacritics, capitals and ascenders above the
    x-height far more than descenders hang below it, so an upright page gives
    a ratio well above 1 and an upside-down page well below 1. Blobs larger
    than a letter (stains, rules, holes) are ignored. Costs a few
    milliseconds, where Tesseract's orientation detection costs most of a
    second and is unreliable on damaged pages.
    """
    small = _downscale(gray, 2)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    letter = (stats[:, cv2.CC_STAT_HEIGHT] < 40) & (stats[:, cv2.CC_STAT_WIDTH] < 60)
    # The larger blobs are few: clearing each inside its box costs less than a lookup per pixel.
    for k in np.nonzero(~letter[1:])[0] + 1:
        x, y, w, h = stats[k, :4]
        box = ink[y : y + h, x : x + w]
        box[labels[y : y + h, x : x + w] == k] = 0
    rows = cv2.reduce(ink, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
    on = rows > 2
    above = below = 0.0
    i, n = 0, len(rows)
    while i < n:
        if not on[i]:
            i += 1
            continue
        j = i
        while j < n and on[j]:
            j += 1
        band = rows[i:j]
        if 8 <= j - i <= 50:
            core = np.nonzero(band > 0.5 * band.max())[0]
            above += float(band[: core[0]].sum())
            below += float(band[core[-1] + 1 :].sum())
        i = j
    return (above + 1.0) / (below + 1.0)


#: An ascender ratio above this decides "upright" at once; below the other
#: bound the page looks upside down, which Tesseract's OSD must not contradict.
UPRIGHT_RATIO = 1.4
UPSIDE_DOWN_RATIO = 1 / UPRIGHT_RATIO
#: OSD confidence with which "upright" overrules a low ascender ratio. A short
#: page with a seal (its circle is ink above and below every line) can look
#: upside down to the ratio; OSD read all 18 upside-down pages of six generated
#: sets as such, with confidences from 1 to 19 (docs/benchmark-history.md, OCR quality, session 4).
OSD_UPRIGHT_VETO = 1.0


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees (counter-clockwise), growing the canvas, white fill."""
    if abs(angle) < 1e-3:
        return gray
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def rotate_quarter(image: np.ndarray, clockwise_deg: int) -> np.ndarray:
    """Rotate by a multiple of 90° clockwise."""
    turns = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    code = turns[clockwise_deg % 360]
    return image if code is None else cv2.rotate(image, code)


#: Letters shorter than this (in pixels, median blob height) are too small to tell up from down: a phone
#: photo or a 70 dpi JPEG of an A4 page. The ascender ratio and OSD then judge a view enlarged to
#: :data:`ORIENTATION_LETTER_PX`. (A real 576×960 page deskewed by 0.4° at its own size measured 0.84,
#: "maybe upside down", and OSD said 180° at 3.1; enlarged first, 1.3–1.8 and 0° at 8–13.)
SMALL_LETTER_PX = 14
ORIENTATION_LETTER_PX = 30


def _letter_height(gray: np.ndarray) -> float:
    """Median height of the letter-like blobs of a page, in pixels (0 without any)."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w, area = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_AREA]
    letters = h[(h >= 4) & (h <= 300) & (w <= 3 * h) & (area >= 8)]
    return float(np.median(letters)) if len(letters) else 0.0


def _orientation_view(level: np.ndarray, skew: float, deskewed: np.ndarray) -> np.ndarray:
    """The page as orientation is judged on: ``deskewed`` itself, or for a page of small letters ``level``
    (the page before deskewing) enlarged, then deskewed (rotating first would blur letters of few pixels)."""
    letter = _letter_height(level)
    if not 0 < letter < SMALL_LETTER_PX:
        return deskewed
    factor = min(4.0, ORIENTATION_LETTER_PX / letter)
    big = cv2.resize(level, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return rotate(big, skew) if abs(skew) >= 0.1 else big


def upside_down(ratio: float, osd: Callable[[], Orientation | None],
                reads: Callable[[], tuple[float, float]] | None = None) -> bool:
    """Whether a page is upside down, from its ascender ratio and, when that is not clear, Tesseract's OSD.

    A ratio above :data:`UPRIGHT_RATIO` is upright without asking OSD. Below
    :data:`UPSIDE_DOWN_RATIO` the page is turned unless OSD says upright
    (:data:`OSD_UPRIGHT_VETO`); in between, only OSD's clear "upside down" turns it.
    Where neither decides (the ratio says upside down and OSD upright, less
    surely than the veto; or the ratio is in between and OSD says upside down,
    less surely than 3) and ``reads`` is given, the page is read both ways and
    turned only when the turned reading is clearly the better
    (:data:`READ_BETTER`): a short page in a typeface of long descenders
    looks upside down to the ratio, and OSD is unsure on few lines.

    Args:
        ratio: :func:`ascender_ratio` of the deskewed page.
        osd: Runs Tesseract's orientation detection (only called when needed).
        reads: How well the page reads as it is and turned (:func:`reading_score` of each); only
            called when the cues disagree.
    """
    if ratio > UPRIGHT_RATIO:
        return False
    found = osd()
    if ratio < UPSIDE_DOWN_RATIO:
        if found is not None and found.rotate == 0 and found.confidence >= OSD_UPRIGHT_VETO:
            return False
        if reads is not None and found is not None and found.rotate == 0 and found.confidence > 0:
            return _reads_better_turned(reads)
        return True
    if found is None or found.rotate != 180:
        return False
    if found.confidence < 3.0 and reads is not None and found.confidence > 0:
        return _reads_better_turned(reads)
    return found.confidence >= 3.0


def _reads_better_turned(reads: Callable[[], tuple[float, float]]) -> bool:
    upright, turned = reads()
    return turned > READ_BETTER * upright


#: Where the ratio and OSD disagree, the turned page must read this much better to be turned.
READ_BETTER = 1.25


def reading_score(words: Iterable[tuple[str, float]]) -> float:
    """How much of a page Tesseract read with confidence: the letters of its words of two letters or more,
    each weighed by the word's confidence (0-100). Upside-down print reads as short unsure garbage."""
    letters = ((sum(ch.isalpha() for ch in text), conf) for text, conf in words)
    return sum(conf / 100.0 * n for n, conf in letters if n >= 2)


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

        view = _orientation_view(level, skew, gray)

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

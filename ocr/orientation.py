"""A page's skew and orientation: deskewing by projection profiles, pages on their side, pages upside down.

:func:`estimate_skew` and :func:`rotate` deskew; :func:`coarse_orientation`
finds pages lying on their side; :func:`upside_down` decides upside-down
pages from the ascender ratio (:func:`ascender_ratio`), Tesseract's OSD
when that is undecided, and reading the page both ways
(:func:`reading_score`) when neither decides. :func:`ocr.restore.restore_page`
chains them with the other restoration steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr.pixels import components, downscale

if TYPE_CHECKING:
    from ocr.tesseract import Orientation

__all__ = ["OSD_UPRIGHT_VETO", "READ_BETTER", "UPRIGHT_RATIO", "UPSIDE_DOWN_RATIO", "ascender_ratio",
           "coarse_orientation", "estimate_skew", "orientation_view", "reading_score", "rotate", "rotate_quarter",
           "upside_down"]


def _binary_small(gray: np.ndarray, factor: int = 4) -> np.ndarray:
    small = downscale(gray, factor)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _without_edge_blobs(ink: np.ndarray) -> np.ndarray:
    """``ink`` (0/255) without the connected blobs that touch the image's border."""
    _, labels, stats, _ = components(ink)
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
    small = downscale(gray, factor)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, centroids = components(ink)
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
    small = downscale(gray, 2)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = components(ink)
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
    _, _, stats, _ = components(ink)
    h, w, area = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_AREA]
    letters = h[(h >= 4) & (h <= 300) & (w <= 3 * h) & (area >= 8)]
    return float(np.median(letters)) if len(letters) else 0.0


def orientation_view(level: np.ndarray, skew: float, deskewed: np.ndarray) -> np.ndarray:
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

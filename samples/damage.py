"""The scan of an aged page, and :func:`damage_page`, which ages and scans a clean one.

Scanner effects have the same form as the paper's (:mod:`samples.ageing`):
``effect(image, rng, level) -> image`` on an RGB ``uint8`` array, with sizes
given for 300 dpi A4. :func:`damage_page` chains them in the order paper
ages and is scanned, and returns the exact skew angle and quarter rotation
it applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from samples.ageing import (
    SCANNER_DARK, a4_unit, bleed_through, fading, foxing, is_heavy, mold, termite_holes, to_uint8, yellowing,
)

__all__ = [
    "Level",
    "LEVELS",
    "DamagedPage",
    "blur",
    "scanner_noise",
    "scanner_border",
    "STRIP_SIDES",
    "pick_strips",
    "add_strips",
    "scanner_strips",
    "skew",
    "skew_by",
    "pick_skew_angle",
    "pick_rotation",
    "rotate_quarter",
    "damage_page",
]

Level = Literal["clean", "mild", "heavy"]
LEVELS: tuple[str, ...] = ("clean", "mild", "heavy")
#: A white scanner lid (a quarter of the pages): seen through holes and in a turned page's corners.
WHITE: tuple[int, int, int] = (250, 250, 250)


@dataclass(frozen=True)
class DamagedPage:
    """A damaged page and the geometric changes applied to it.

    Attributes:
        image: RGB uint8 pixels.
        skew_deg: Small rotation of the content, degrees, counter-clockwise
            positive (OpenCV's convention).
        rotation: Quarter turn applied after skewing, clockwise degrees
            (0, 90, 180 or 270).
        strips: Sides of the unrotated page along which a scanner-bed strip
            was added (``border="strips"`` only).
    """

    image: np.ndarray
    skew_deg: float
    rotation: int
    strips: tuple[str, ...] = ()



def blur(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Gaussian blur of an out-of-focus or moving scan."""
    sigma = (rng.uniform(0.9, 1.4) if is_heavy(level) else rng.uniform(0.4, 0.8)) * a4_unit(image)
    return cv2.GaussianBlur(image, (0, 0), max(sigma, 0.35))


def scanner_noise(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Sensor noise, dust specks and, for heavy scans, a faint streak."""
    heavy = is_heavy(level)
    h, w = image.shape[:2]
    sigma = rng.uniform(2.5, 4.0) if heavy else rng.uniform(1.0, 2.0)
    noise = rng.normal(0, sigma, (h, w, 1)).astype(np.float32)
    out = image.astype(np.float32)
    np.add(out, noise, out=out)
    specks = int((rng.integers(80, 250) if heavy else rng.integers(10, 60)) * (h * w) / 8.7e6) + 1
    ys, xs = rng.integers(0, h, specks), rng.integers(0, w, specks)
    out[ys, xs] = rng.uniform(20, 80, (specks, 1))
    if heavy:
        x = int(rng.integers(0, w))
        out[:, x:x + max(1, int(2 * a4_unit(image)))] *= rng.uniform(0.8, 0.92)
    return to_uint8(out)


def scanner_border(image: np.ndarray, rng: np.random.Generator, level: str,
                   background: tuple[int, int, int] = SCANNER_DARK) -> np.ndarray:
    """Place the page slightly shrunk and offset on the dark scanner bed.

    The output keeps the input size; one or two sides show a dark strip with
    a soft shadow where the page edge lifts off the glass.
    """
    heavy = is_heavy(level)
    h, w = image.shape[:2]
    scale = rng.uniform(0.94, 0.975) if heavy else rng.uniform(0.975, 0.99)
    small = cv2.resize(image, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    x0 = int(rng.integers(0, w - sw + 1))
    y0 = int(rng.integers(0, h - sh + 1))
    canvas = np.empty_like(image)
    canvas[:] = np.asarray(background, np.uint8)
    canvas[y0:y0 + sh, x0:x0 + sw] = small
    page = np.zeros((h, w), np.float32)
    page[y0:y0 + sh, x0:x0 + sw] = 1.0
    k = max(3, int(31 * a4_unit(image)) | 1)
    shade = cv2.GaussianBlur(page, (k, k), 0)
    shade = np.where(page > 0, 0.55 + 0.45 * shade, 1.0)
    return np.clip(canvas.astype(np.float32) * shade[..., None], 0, 255).astype(np.uint8)


#: Sides a scanner-bed strip can run along.
STRIP_SIDES: tuple[str, ...] = ("left", "top", "right", "bottom")
_STRIP_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("left",), ("top",), ("right",), ("bottom",),
    ("left", "top"), ("top", "right"), ("right", "bottom"), ("left", "bottom"),
    ("left", "right"), ("top", "bottom"),
)
_STRIP_WEIGHTS: tuple[int, ...] = (4, 3, 4, 3, 3, 2, 3, 2, 2, 1)


def pick_strips(rng: np.random.Generator, level: str) -> dict[str, float]:
    """Which sides show the scanner bed, and how wide, as a share of the page side.

    One side, two adjacent sides (the page pushed into a corner of a larger
    bed) or two opposite sides (a page narrower than the scan window).

    Args:
        rng: Random source.
        level: ``mild`` (0.5–4 % of the side) or ``heavy`` (1–8 %).

    Returns:
        Side name -> strip width as a fraction of the page's width (left,
        right) or height (top, bottom).
    """
    lo, hi = (0.01, 0.08) if is_heavy(level) else (0.005, 0.04)
    weights = np.asarray(_STRIP_WEIGHTS, np.float64)
    sides = _STRIP_PATTERNS[int(rng.choice(len(_STRIP_PATTERNS), p=weights / weights.sum()))]
    return {side: round(float(rng.uniform(lo, hi)), 4) for side in sides}


def add_strips(image: np.ndarray, strips: dict[str, float],
               background: tuple[int, int, int] = SCANNER_DARK) -> np.ndarray:
    """Add scanner-bed strips along some sides, with a shadow where the page edge lifts.

    The page keeps all its content: the scan window is larger than the page
    on those sides, so the image grows by the strips.

    Args:
        image: RGB page.
        strips: Side -> width as a fraction of the page side (see :func:`pick_strips`).
        background: Colour of the bed.

    Returns:
        The larger image.
    """
    h, w = image.shape[:2]
    pad = {s: int(round(strips.get(s, 0.0) * (w if s in ("left", "right") else h)))
           for s in STRIP_SIDES}
    canvas = np.empty((h + pad["top"] + pad["bottom"], w + pad["left"] + pad["right"], 3),
                      np.uint8)
    canvas[:] = np.asarray(background, np.uint8)
    page = image.astype(np.float32)
    ramp_len = max(2, int(30 * a4_unit(image)))
    ramp = (0.6 + 0.4 * np.linspace(0, 1, ramp_len, dtype=np.float32) ** 0.5)
    for side in STRIP_SIDES:
        if not pad[side]:
            continue
        n = min(ramp_len, w if side in ("left", "right") else h)
        r = ramp[:n]
        if side == "left":
            page[:, :n] *= r[None, :, None]
        elif side == "right":
            page[:, w - n:] *= r[::-1][None, :, None]
        elif side == "top":
            page[:n] *= r[:, None, None]
        else:
            page[h - n:] *= r[::-1][:, None, None]
    canvas[pad["top"]:pad["top"] + h, pad["left"]:pad["left"] + w] = np.clip(page, 0, 255)
    return canvas


def scanner_strips(image: np.ndarray, rng: np.random.Generator, level: str,
                   background: tuple[int, int, int] = SCANNER_DARK) -> np.ndarray:
    """Dark scanner-bed strips along one side or two, of a width drawn per level.

    Unlike :func:`scanner_border` (page shrunk inside a same-size frame), the
    strips can run along any side or pair of sides and the image grows.
    """
    return add_strips(image, pick_strips(rng, level), background)


def pick_skew_angle(rng: np.random.Generator, level: str, max_deg: float | None = None) -> float:
    """A skew angle: within ±2° for mild scans, ±8° for heavy ones, capped at ``max_deg``."""
    limit = 8.0 if is_heavy(level) else 2.0
    if max_deg is not None:
        limit = min(limit, max_deg)
    angle = float(rng.uniform(-limit, limit))
    return round(angle, 3)


def skew_by(image: np.ndarray, angle_deg: float,
            background: tuple[int, int, int] = SCANNER_DARK, expand: bool = False) -> np.ndarray:
    """Rotate the content by ``angle_deg`` (counter-clockwise positive) about the centre.

    By default the image keeps its size: the page's corners are cut and the
    uncovered corners show ``background`` as the scanner bed would. With
    ``expand`` the scan window is taken large enough for the whole turned
    page (a page on a larger bed), so no content is lost; the page stays
    centred.
    """
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle_deg, 1.0)
    size = (w, h)
    if expand:
        cos, sin = abs(m[0, 0]), abs(m[0, 1])
        size = (int(np.ceil(w * cos + h * sin)), int(np.ceil(w * sin + h * cos)))
        m[0, 2] += (size[0] - w) / 2.0
        m[1, 2] += (size[1] - h) / 2.0
    return cv2.warpAffine(image, m, size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT,
                          borderValue=tuple(int(c) for c in background))


def skew(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Skew by a random angle of the level (see :func:`pick_skew_angle`)."""
    return skew_by(image, pick_skew_angle(rng, level))


def pick_rotation(rng: np.random.Generator, level: str, probability: float | None = None) -> int:
    """A quarter rotation (clockwise degrees) for the few pages fed sideways or upside down."""
    p = probability if probability is not None else (0.08 if is_heavy(level) else 0.03)
    if rng.random() >= p:
        return 0
    return int(rng.choice((90, 180, 270, 180)))


def rotate_quarter(image: np.ndarray, rotation: int) -> np.ndarray:
    """Rotate clockwise by 0, 90, 180 or 270 degrees."""
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90, not {rotation}")
    return np.ascontiguousarray(np.rot90(image, k=-(rotation // 90) % 4))


def damage_page(
    image: np.ndarray,
    rng: np.random.Generator,
    level: str,
    *,
    verso: np.ndarray | None = None,
    max_skew: float | None = None,
    rotation: int | None = None,
    border: str = "classic",
) -> DamagedPage:
    """Age and scan one clean page.

    Paper effects first (yellowing, foxing, mold, fading, bleed-through,
    termite holes), then the scan (skew on the dark bed, border, blur,
    noise) and finally the quarter rotation of a page fed sideways.

    Args:
        image: Clean RGB page.
        rng: Random source.
        level: ``clean``, ``mild`` or ``heavy``.
        verso: The page printed on the back, for bleed-through.
        max_skew: Upper bound of the skew angle in degrees (default per level).
        rotation: Force a quarter rotation (clockwise degrees); random when None.
        border: ``classic``: the page skewed within its own frame and shrunk
            in a frame of the dark bed on heavy and half the mild scans
            (:func:`scanner_border`); ``strips``: the whole skewed page kept
            (the image grows) and bed strips along one or two sides of any
            width, on heavy and most mild scans (:func:`scanner_strips`).

    Returns:
        The damaged page with its exact skew angle, rotation and strips.
    """
    if border not in ("classic", "strips"):
        raise ValueError(f"border must be 'classic' or 'strips', not {border!r}")
    if level == "clean":
        rot = rotation or 0
        return DamagedPage(rotate_quarter(image, rot), 0.0, rot)
    heavy = is_heavy(level)
    bed = SCANNER_DARK if rng.random() < 0.75 else WHITE
    out = yellowing(image, rng, level)
    out = foxing(out, rng, level)
    if heavy or rng.random() < 0.35:
        out = mold(out, rng, level)
    out = fading(out, rng, level)
    if heavy or rng.random() < 0.3:
        out = bleed_through(out, rng, level, verso)
    if heavy or rng.random() < 0.3:
        out = termite_holes(out, rng, level, bed)
    angle = pick_skew_angle(rng, level, max_skew)
    # Varied sets have narrow margins: a turned page keeps its corners there.
    out = skew_by(out, angle, bed, expand=border == "strips")
    sides: tuple[str, ...] = ()
    if border == "strips":
        if heavy or rng.random() < 0.7:
            strips = pick_strips(rng, level)
            out = add_strips(out, strips, SCANNER_DARK)
            sides = tuple(strips)
    elif heavy or rng.random() < 0.5:
        out = scanner_border(out, rng, level, SCANNER_DARK)
    out = blur(out, rng, level)
    out = scanner_noise(out, rng, level)
    rot = rotation if rotation is not None else pick_rotation(rng, level)
    return DamagedPage(rotate_quarter(out, rot), angle, rot, sides)

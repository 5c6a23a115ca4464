"""Damage of archive paper and of its scanning, one small function per effect.

Every effect has the form ``effect(image, rng, level) -> image`` on an RGB
``uint8`` array of shape (H, W, 3), so tests can apply them one at a time.
``level`` is ``"mild"`` or ``"heavy"``. Sizes are given for 300 dpi A4 and
scaled to the image, so a small test image gets proportionally small spots.

:func:`damage_page` chains them in the order paper ages and is scanned, and
returns the exact skew angle and quarter rotation it applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

__all__ = [
    "Level",
    "LEVELS",
    "SCANNER_DARK",
    "DamagedPage",
    "yellowing",
    "foxing",
    "mold",
    "termite_holes",
    "fading",
    "bleed_through",
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
#: Colour of the scanner lid seen around and through the page.
SCANNER_DARK: tuple[int, int, int] = (24, 24, 27)
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


def _unit(image: np.ndarray) -> float:
    """Pixels per 300-dpi pixel, from the longer side of an A4 image."""
    return max(image.shape[:2]) / 3508.0


def _heavy(level: str) -> bool:
    if level not in ("mild", "heavy"):
        raise ValueError(f"damage level must be 'mild' or 'heavy', not {level!r}")
    return level == "heavy"


def _field(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    """Smooth random field in [0, 1]: a coarse grid upscaled bicubically."""
    h, w = shape
    gh = max(2, int(round(cells * h / max(h, w))))
    gw = max(2, int(round(cells * w / max(h, w))))
    grid = rng.random((gh, gw)).astype(np.float32)
    out = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    out -= out.min()
    return out / max(float(out.max()), 1e-6)


def _to_uint8(values: np.ndarray) -> np.ndarray:
    """Clip a float32 work array to 0–255 in place and truncate it to uint8.

    Same values as ``np.clip(values, 0, 255).astype(np.uint8)``, without the
    two page-sized temporaries (the damage of a 300-dpi page is bound by
    memory traffic).
    """
    np.maximum(values, 0, out=values)
    np.minimum(values, 255, out=values)
    return values.astype(np.uint8)


def _multiply(image: np.ndarray, alpha: np.ndarray, colour: tuple[float, float, float]) -> np.ndarray:
    """Stain-like blend: paper takes the colour, ink stays dark (multiply mode)."""
    c = np.asarray(colour, np.float32) / 255.0
    where = np.flatnonzero(alpha)
    if where.size < alpha.size // 3:
        # Sparse stains (spots, hole rims): where alpha is 0 the factor is
        # exactly 1 and the pixel unchanged, so only the others are computed.
        flat = image.reshape(-1, image.shape[-1])
        factor = alpha.reshape(-1)[where][:, None] * (1.0 - c[None, :])
        np.subtract(1.0, factor, out=factor)
        part = flat[where].astype(np.float32)
        np.multiply(part, factor, out=part)
        out = image.copy()
        out.reshape(-1, image.shape[-1])[where] = _to_uint8(part)
        return out
    factor = alpha[..., None] * (1.0 - c[None, None, :])
    np.subtract(1.0, factor, out=factor)
    out = image.astype(np.float32)
    np.multiply(out, factor, out=out)
    return _to_uint8(out)


def yellowing(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Tint the paper yellow-brown, unevenly, darker towards the edges.

    Args:
        image: RGB page.
        rng: Random source.
        level: ``mild`` or ``heavy``.

    Returns:
        The tinted page (same shape).
    """
    heavy = _heavy(level)
    h, w = image.shape[:2]
    tint = np.array((238, 222, 186) if heavy else (248, 240, 220), np.float32)
    tint += rng.uniform(-6, 6, 3).astype(np.float32)
    uneven = _field(rng, (h, w), 5) * (0.55 if heavy else 0.35) + 0.75
    # The vignette is a decreasing function of the distance to the nearest
    # edge, so it is the larger of a row and a column profile: two 1-D
    # profiles instead of four full-page grids (same values, 4x faster).
    strength = 0.35 if heavy else 0.12
    xs = np.arange(w, dtype=np.float32)
    ys = np.arange(h, dtype=np.float32)
    vx = np.clip(1.0 - np.minimum(xs / w, (w - xs) / w) / 0.12, 0, 1) ** 2 * strength
    vy = np.clip(1.0 - np.minimum(ys / h, (h - ys) / h) / 0.12, 0, 1) ** 2 * strength
    alpha = np.clip(uneven + np.maximum(vx[None, :], vy[:, None]), 0, 1.6)
    out = image.astype(np.float32)
    shade = 1.0 - alpha[..., None] * (1.0 - tint / 255.0)[None, None, :]
    np.multiply(out, shade, out=out)
    return _to_uint8(out)


def foxing(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Scatter small rust-brown spots with soft halos (foxing)."""
    heavy = _heavy(level)
    h, w = image.shape[:2]
    u = _unit(image)
    alpha = np.zeros((h, w), np.float32)
    n = int(rng.integers(25, 60) if heavy else rng.integers(6, 20))
    for _ in range(n):
        r = max(1.0, rng.uniform(3, 22) * u)
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        strength = rng.uniform(0.25, 0.7 if heavy else 0.45)
        cv2.circle(alpha, (cx, cy), int(r), strength, -1, lineType=cv2.LINE_AA)
        cv2.circle(alpha, (cx, cy), int(r * 2.2), strength * 0.3, -1, lineType=cv2.LINE_AA)
    k = max(3, int(6 * u) | 1)
    alpha = cv2.GaussianBlur(alpha, (k, k), 0)
    return _multiply(image, np.clip(alpha, 0, 0.8), (165, 105, 50))


def mold(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Add blotchy mold stains (brown, green-grey or black), some over the text."""
    heavy = _heavy(level)
    h, w = image.shape[:2]
    u = _unit(image)
    out = image
    n = int(rng.integers(3, 6) if heavy else rng.integers(1, 3))
    colours = ((92, 72, 40), (88, 98, 62), (58, 56, 48), (120, 96, 60))
    k = max(3, int(7 * u) | 1)
    for _ in range(n):
        r = rng.uniform(150, 420 if heavy else 220) * u
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        ecc = rng.uniform(0.6, 1.5)
        # Outside the stain's ellipse (plus the speck blur) alpha is exactly 0
        # and the page is unchanged, so only that box is computed. The random
        # draws keep their full-page shapes, so the stream and pixels are the
        # same as a full-page computation.
        x0, x1 = max(0, int(cx - r) - k), min(w, int(cx + r) + k + 2)
        y0, y1 = max(0, int(cy - r * ecc) - k), min(h, int(cy + r * ecc) + k + 2)
        yy, xx = np.ogrid[y0:y1, 0:w]
        dist = np.sqrt(((xx - cx) / r) ** 2 + ((yy - cy) / (r * ecc)) ** 2)
        disc = np.clip(1.0 - dist, 0, 1).astype(np.float32)
        # Colonies: a fine field thresholded inside the disc gives blotchy islands.
        fine = _field(rng, (h, w), int(rng.integers(40, 90)))[y0:y1]
        coarse = _field(rng, (h, w), int(rng.integers(10, 20)))[y0:y1]
        specks = (rng.random((h, w))[y0:y1] < 0.01 * disc).astype(np.float32)
        # Full-width rows keep OpenCV's filter arithmetic identical per pixel.
        specks = cv2.GaussianBlur(specks, (k, k), 0)[:, x0:x1] * 8
        blotch = np.clip((0.55 * fine[:, x0:x1] + 0.45 * coarse[:, x0:x1]
                          + 1.6 * disc[:, x0:x1] - 1.25) * 3.0, 0, 1)
        strength = rng.uniform(0.4, 0.62) if heavy else rng.uniform(0.22, 0.38)
        alpha = np.clip(blotch + specks, 0, 1) * strength
        colour = colours[int(rng.integers(0, len(colours)))]
        out = out.copy() if out is image else out
        out[y0:y1, x0:x1] = _multiply(out[y0:y1, x0:x1], alpha.astype(np.float32), colour)
    return out


def _tunnel(mask: np.ndarray, rng: np.random.Generator, start: tuple[float, float],
            heading: float, steps: int, radius: float) -> None:
    """Draw a termite tunnel: a wobbling random walk of overlapping discs."""
    x, y = start
    for _ in range(steps):
        heading += rng.normal(0, 0.45)
        step = radius * rng.uniform(0.6, 1.2)
        x += np.cos(heading) * step
        y += np.sin(heading) * step
        rr = radius * rng.uniform(0.5, 1.3)
        cv2.circle(mask, (int(x), int(y)), max(1, int(rr)), 255, -1)


def termite_holes(image: np.ndarray, rng: np.random.Generator, level: str,
                  background: tuple[int, int, int] = SCANNER_DARK) -> np.ndarray:
    """Eat irregular holes and tunnels, mostly from the edges, showing ``background``.

    Args:
        image: RGB page.
        rng: Random source.
        level: ``mild`` or ``heavy``.
        background: What the scanner sees through a hole (dark lid or white).

    Returns:
        The page with holes filled with ``background`` and browned rims.
    """
    heavy = _heavy(level)
    h, w = image.shape[:2]
    u = _unit(image)
    mask = np.zeros((h, w), np.uint8)
    clusters = int(rng.integers(3, 6) if heavy else rng.integers(1, 3))
    for _ in range(clusters):
        side = int(rng.integers(0, 4))
        t = rng.uniform(0.05, 0.95)
        start = [(t * w, 0.0), (w - 1.0, t * h), (t * w, h - 1.0), (0.0, t * h)][side]
        inward = [np.pi / 2, np.pi, -np.pi / 2, 0.0][side]
        for _ in range(int(rng.integers(1, 4))):
            steps = int(rng.integers(10, 40 if heavy else 16))
            _tunnel(mask, rng, start, inward + rng.normal(0, 0.5), steps,
                    rng.uniform(10, 26 if heavy else 14) * u)
        for _ in range(int(rng.integers(2, 12 if heavy else 5))):
            px = start[0] + rng.normal(0, 140 * u)
            py = start[1] + rng.normal(0, 140 * u)
            cv2.circle(mask, (int(px), int(py)), max(1, int(rng.uniform(3, 16) * u)), 255, -1)
    if heavy:
        for _ in range(int(rng.integers(4, 12))):
            cv2.circle(mask, (int(rng.integers(0, w)), int(rng.integers(0, h))),
                       max(1, int(rng.uniform(3, 9) * u)), 255, -1)
    rough = (_field(rng, (h, w), 220) * 255).astype(np.uint8)
    k = max(3, int(9 * u) | 1)
    soft = cv2.GaussianBlur(mask, (k, k), 0)
    holes = (soft.astype(np.int16) + (rough.astype(np.int16) - 128) // 2) > 128
    ring = cv2.dilate(holes.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    out = _multiply(image, (ring & ~holes).astype(np.float32) * 0.55, (110, 80, 45))
    out[holes] = np.asarray(background, np.uint8)
    return out


def _paper(image: np.ndarray, u: float) -> np.ndarray:
    """Local paper colour: the page with its ink closed away."""
    k = max(3, int(25 * u) | 1)
    closed = cv2.dilate(image, np.ones((k, k), np.uint8))
    return cv2.blur(closed, (k * 2 + 1, k * 2 + 1)).astype(np.float32)


def fading(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Reduce ink contrast unevenly, as faded toner or ink would."""
    heavy = _heavy(level)
    lo, hi = (0.38, 0.75) if heavy else (0.68, 0.95)
    keep = lo + (hi - lo) * _field(rng, image.shape[:2], 6)
    paper = _paper(image, _unit(image))
    out = image.astype(np.float32)
    np.subtract(out, paper, out=out)
    np.multiply(out, keep[..., None], out=out)
    np.add(out, paper, out=out)
    return _to_uint8(out)


def bleed_through(image: np.ndarray, rng: np.random.Generator, level: str,
                  verso: np.ndarray | None = None) -> np.ndarray:
    """Show the mirrored, blurred ink of the back side (``verso``; default the page itself)."""
    heavy = _heavy(level)
    src = image if verso is None else verso
    gray = cv2.cvtColor(src, cv2.COLOR_RGB2GRAY)
    gray = cv2.resize(gray, (image.shape[1], image.shape[0]))
    ink = (255.0 - gray[:, ::-1].astype(np.float32)) / 255.0
    dy, dx = (int(v) for v in rng.integers(-40, 40, 2) * _unit(image))
    ink = np.roll(ink, (dy, dx), axis=(0, 1))
    k = max(3, int(11 * _unit(image)) | 1)
    ink = cv2.GaussianBlur(ink, (k, k), 0)
    strength = rng.uniform(0.05, 0.08) if heavy else rng.uniform(0.025, 0.045)
    return _multiply(image, ink * strength, (60, 50, 40))


def blur(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Gaussian blur of an out-of-focus or moving scan."""
    sigma = (rng.uniform(0.9, 1.4) if _heavy(level) else rng.uniform(0.4, 0.8)) * _unit(image)
    return cv2.GaussianBlur(image, (0, 0), max(sigma, 0.35))


def scanner_noise(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Sensor noise, dust specks and, for heavy scans, a faint streak."""
    heavy = _heavy(level)
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
        out[:, x:x + max(1, int(2 * _unit(image)))] *= rng.uniform(0.8, 0.92)
    return _to_uint8(out)


def scanner_border(image: np.ndarray, rng: np.random.Generator, level: str,
                   background: tuple[int, int, int] = SCANNER_DARK) -> np.ndarray:
    """Place the page slightly shrunk and offset on the dark scanner bed.

    The output keeps the input size; one or two sides show a dark strip with
    a soft shadow where the page edge lifts off the glass.
    """
    heavy = _heavy(level)
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
    k = max(3, int(31 * _unit(image)) | 1)
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
    lo, hi = (0.01, 0.08) if _heavy(level) else (0.005, 0.04)
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
    ramp_len = max(2, int(30 * _unit(image)))
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
    limit = 8.0 if _heavy(level) else 2.0
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
    p = probability if probability is not None else (0.08 if _heavy(level) else 0.03)
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
    heavy = _heavy(level)
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

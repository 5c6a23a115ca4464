"""Damage of archive paper with age, one small function per effect.

Every effect has the form ``effect(image, rng, level) -> image`` on an RGB
``uint8`` array of shape (H, W, 3), so tests can apply them one at a time.
``level`` is ``"mild"`` or ``"heavy"``. Sizes are given for 300 dpi A4 and
scaled to the image (:func:`a4_unit`), so a small test image gets
proportionally small spots. The scan of the aged page, and the chain of
both, are in :mod:`samples.damage`.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = [
    "SCANNER_DARK",
    "a4_unit",
    "bleed_through",
    "fading",
    "foxing",
    "is_heavy",
    "mold",
    "termite_holes",
    "to_uint8",
    "yellowing",
]

#: Colour of the scanner lid seen around and through the page.
SCANNER_DARK: tuple[int, int, int] = (24, 24, 27)


def a4_unit(image: np.ndarray) -> float:
    """Pixels per 300-dpi pixel, from the longer side of an A4 image."""
    return max(image.shape[:2]) / 3508.0


def is_heavy(level: str) -> bool:
    """Whether ``level`` is ``heavy``; anything but ``mild`` or ``heavy`` is refused."""
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


def to_uint8(values: np.ndarray) -> np.ndarray:
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
        out.reshape(-1, image.shape[-1])[where] = to_uint8(part)
        return out
    factor = alpha[..., None] * (1.0 - c[None, None, :])
    np.subtract(1.0, factor, out=factor)
    out = image.astype(np.float32)
    np.multiply(out, factor, out=out)
    return to_uint8(out)



def yellowing(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Tint the paper yellow-brown, unevenly, darker towards the edges.

    Args:
        image: RGB page.
        rng: Random source.
        level: ``mild`` or ``heavy``.

    Returns:
        The tinted page (same shape).
    """
    heavy = is_heavy(level)
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
    return to_uint8(out)


def foxing(image: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """Scatter small rust-brown spots with soft halos (foxing)."""
    heavy = is_heavy(level)
    h, w = image.shape[:2]
    u = a4_unit(image)
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
    heavy = is_heavy(level)
    h, w = image.shape[:2]
    u = a4_unit(image)
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
    heavy = is_heavy(level)
    h, w = image.shape[:2]
    u = a4_unit(image)
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
    heavy = is_heavy(level)
    lo, hi = (0.38, 0.75) if heavy else (0.68, 0.95)
    keep = lo + (hi - lo) * _field(rng, image.shape[:2], 6)
    paper = _paper(image, a4_unit(image))
    out = image.astype(np.float32)
    np.subtract(out, paper, out=out)
    np.multiply(out, keep[..., None], out=out)
    np.add(out, paper, out=out)
    return to_uint8(out)


def bleed_through(image: np.ndarray, rng: np.random.Generator, level: str,
                  verso: np.ndarray | None = None) -> np.ndarray:
    """Show the mirrored, blurred ink of the back side (``verso``; default the page itself)."""
    heavy = is_heavy(level)
    src = image if verso is None else verso
    gray = cv2.cvtColor(src, cv2.COLOR_RGB2GRAY)
    gray = cv2.resize(gray, (image.shape[1], image.shape[0]))
    ink = (255.0 - gray[:, ::-1].astype(np.float32)) / 255.0
    dy, dx = (int(v) for v in rng.integers(-40, 40, 2) * a4_unit(image))
    ink = np.roll(ink, (dy, dx), axis=(0, 1))
    k = max(3, int(11 * a4_unit(image)) | 1)
    ink = cv2.GaussianBlur(ink, (k, k), 0)
    strength = rng.uniform(0.05, 0.08) if heavy else rng.uniform(0.025, 0.045)
    return _multiply(image, ink * strength, (60, 50, 40))


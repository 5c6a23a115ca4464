"""The rings of round seals stamped in ink over the text, taken off with the letters crossing them spared.

A colour scan's red seal goes with the stain filter (:func:`ocr.restore.split_ink`);
in a grey or 1-bit scan it is ink, and its rings touch the signer's title
and name, so Tesseract's layout analysis takes the whole block for a
picture. :func:`remove_seal_rings` is the restoration step that finds and
paints them white (:func:`ocr.restore.restore_page` runs it).
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.pixels import downscale, true_runs

__all__ = ["PALE_MARGIN", "PALE_RING", "SEAL_DARK", "remove_seal_rings"]


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
#: A ring's band is measured in the sectors of its circle (this many) where it runs alone, no more of their
#: ink than this share a band's width away from it (:func:`_ring_alone`).
_SECTORS = 16
_ALONE_INK = 0.05
#: A ring's band of radii is at most this share of its radius (a filled disc is not a ring).
_RING_WIDTH = 0.08
#: Ink this many pixels inside and outside a ring's band at one angle is a stroke crossing the ring.
_CROSSING_PX = 3
#: A seal's other ring is at most this many times as wide as the one found (and at least 0.4 times).
_RING_REACH = 1.6
#: At most this many circles are checked on a page.
_MAX_SEALS = 4
#: How a page is unrolled around a centre: linearly in radius, and no ink where a circle leaves the page
#: (without the fill, those points took whatever the new array's memory held).
_POLAR = cv2.WARP_POLAR_LINEAR | cv2.WARP_FILL_OUTLIERS
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
    small = downscale(gray, factor)
    side = min(small.shape)
    low, high = (max(4, round(share * side)) for share in _SEAL_RADIUS)
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (3, 3), 0), cv2.HOUGH_GRADIENT, dp=1, minDist=low,
                               param1=120, param2=30, minRadius=low, maxRadius=high)
    if circles is None:
        return gray
    # 255 where the page is darker than SEAL_DARK (a threshold, not numpy's where: 1 ms a page, not 25).
    dark = cv2.threshold(gray, SEAL_DARK - 1, 255, cv2.THRESH_BINARY_INV)[1]
    # Ink grown by a pixel to find the rings: a ring one pixel thin, sampled around a centre found to a
    # pixel, stays whole; what a stroke crossing a ring is, the ink itself tells.
    grown = cv2.dilate(dark, np.ones((3, 3), np.uint8))
    # Ink anywhere in a block is ink on the small page, where the centre is looked for first.
    coarse = cv2.threshold(cv2.resize(dark, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA), 0, 255,
                           cv2.THRESH_BINARY)[1]
    out = gray
    for x, y, r in circles[0][:_MAX_SEALS]:
        # Hough's centre is off by a good part of the ring's width (two rings, letters on them):
        # the inkiest circle near it on the small page, then on the page itself. On the small page the
        # signer's lines are solid bars that a circle off the ring's centre may follow further than the
        # ring (a thin ring of a 1-bit scan): the page itself is searched around Hough's centre too.
        _, near_x, near_y = _inkiest(coarse, float(x), float(y), float(r), span=max(2, round(0.3 * r)))
        # (once when the small page's search stayed at Hough's centre)
        starts = tuple(dict.fromkeys(((near_x * factor, near_y * factor), (float(x) * factor, float(y) * factor))))
        erase = _ring_pixels(gray, dark, grown, starts, float(r) * factor, span=factor + 2)
        if erase is not None:
            out = out.copy() if out is gray else out
            out[erase] = 255
    return out


def _polar(dark: np.ndarray, cx: float, cy: float, reach: int, angles: int) -> np.ndarray:
    """``dark`` around ``(cx, cy)`` unrolled: one row an angle, one column a pixel of radius, true for ink."""
    return cv2.warpPolar(dark, (reach, angles), (cx, cy), reach, _POLAR) > 127


def _best_circle(dark: np.ndarray, cx: float, cy: float, reach: int, inner: int, angles: int = 360) -> float:
    """The largest share of ink on a circle around ``(cx, cy)`` of radius ``inner`` to ``reach``:
    ``_polar(dark, cx, cy, reach, angles)[:, inner:].mean(axis=0).max()``, the ink counted by OpenCV (the
    search calls it some 250 times a page; numpy's mean over booleans took a third of its time)."""
    polar = cv2.warpPolar(dark, (reach, angles), (cx, cy), reach, _POLAR)
    ink = cv2.threshold(polar[:, inner:], 127, 1, cv2.THRESH_BINARY)[1]
    return float(cv2.reduce(ink, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).max()) / angles


def _inkiest(dark: np.ndarray, cx: float, cy: float, radius: float, *, span: int
             ) -> tuple[float, float, float]:
    """The centre within ``span`` pixels of ``(cx, cy)`` whose inkiest circle (0.4–1.3 × ``radius``) is
    inkiest: ``(share of it that is ink, x, y)``. Searched coarse to fine (a grid of 7 × 7, then
    around the best point a finer one), not pixel by pixel."""
    reach, inner = max(2, int(1.3 * radius)), int(0.4 * radius)

    def cover(x: float, y: float) -> float:
        return _best_circle(dark, x, y, reach, inner)

    best = (cover(cx, cy), cx, cy)
    while span >= 1:
        step = max(1, span // 3)
        x0, y0 = best[1], best[2]
        best = max([best] + [(cover(x0 + dx, y0 + dy), x0 + dx, y0 + dy)
                             for dy in range(-span, span + 1, step) for dx in range(-span, span + 1, step)],
                   key=lambda c: c[0])
        span = step - 1 if step > 1 else 0
    return best


def _ring_alone(polar: np.ndarray, r0: int, r1: int, inner: int) -> np.ndarray:
    """The rows (angles) of ``polar`` in the sectors where the ring of radii ``[r0, r1)`` runs alone, or all.

    The signer's lines along the top and bottom of a ring are ink at many radii in a few sectors: counted,
    they would widen the ring's band over their letters, which would go with it. Alone is no ink a band's
    width or more away from the ring, inside or out (the ring off its centre by a pixel or two is nearer).
    """
    w = max(2, r1 - r0)
    alone = [sector for sector in np.array_split(polar, _SECTORS)
             if _share(sector[:, max(inner, r0 - 3 * w) : max(inner, r0 - w)]) < _ALONE_INK
             and _share(sector[:, r1 + w : r1 + 3 * w]) < _ALONE_INK]
    return np.concatenate(alone) if len(alone) >= _SECTORS // 4 else polar


def _share(ink: np.ndarray) -> float:
    """The share of ``ink`` that is true (0 when empty)."""
    return float(ink.mean()) if ink.size else 0.0


def _ring_pixels(gray: np.ndarray, dark: np.ndarray, grown: np.ndarray, starts: tuple[tuple[float, float], ...],
                 radius: float, *, span: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The pixels (rows, columns) of the seal rings around the inkiest centre within ``span`` of one of
    ``starts``, or ``None``.

    Hough may have found either ring of a seal: the other is looked for from 0.4 to 1.6 times its radius.
    A pale seal (:data:`PALE_RING`, the grey of its palest ring) is told from the print under it by its
    grey: its rings' pixels go at every angle, the darker ones stay. A dark ring is as dark as the print:
    it goes at the angles no stroke crosses.
    """
    reach = int(_RING_REACH * radius)
    inner = int(0.4 * radius)
    _, cx, cy = max((_inkiest(grown, x, y, radius, span=span) for x, y in starts), key=lambda c: c[0])
    angles = max(720, int(8 * reach))
    polar = _polar(dark, cx, cy, reach, angles)
    # Closed: at nearly every angle, ink within a pixel of one radius (the grown ink's own cover is
    # fooled by print crossing a light red ring: the ring itself must be ink).
    near = polar[:, :-2] | polar[:, 1:-1] | polar[:, 2:]
    if float(near[:, inner:].mean(axis=0).max(initial=0.0)) < _RING_CLOSED:
        return None
    share = _polar(grown, cx, cy, reach, angles).mean(axis=0)  # ... within a pixel
    part = share >= _RING_PART
    part[:inner] = False
    bands: list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray, float]] = []
    theta = np.arange(angles) * (2 * np.pi / angles)
    for r0, r1 in true_runs(part):  # each band [r0, r1) of ring radii
        if r1 - r0 > max(4, _RING_WIDTH * radius) or share[r0:r1].max() < _RING_CONCENTRIC:
            continue
        # The ring's own band (the grown ink's less a pixel each side), out to where its ink fades (the
        # centre is a pixel off, the ring not quite round).
        r0, r1 = min(r0 + 1, r1 - 1), max(r1 - 1, r0 + 1)
        own = _ring_alone(polar, r0, r1, inner).mean(axis=0)  # the share of each circle that is ink
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
        bands.append((lo, hi, ys, xs, values, ring))
    # The rings of one seal are of one ink; print along a ring (a signer's title and name, the seal's star)
    # makes it look darker, never lighter, so the palest ring's grey is the seal's.
    seal = max((ring for *_, ring in bands), default=255.0)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for lo, hi, ys, xs, values, _ in bands:
        if seal >= PALE_RING:
            lighter = values >= seal - PALE_MARGIN
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

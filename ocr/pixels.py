"""Small pixel helpers the restoration steps share (:mod:`ocr.restore`, :mod:`ocr.seal`, :mod:`ocr.orientation`)."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["downscale", "percentile_of_hist"]


def downscale(gray: np.ndarray, factor: int) -> np.ndarray:
    """``gray`` ``factor`` times smaller on each side (area averaging)."""
    h, w = gray.shape
    return cv2.resize(gray, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)


def percentile_of_hist(hist: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (linear method) of the values counted in ``hist`` (bin i: value i)."""
    cum = np.cumsum(hist)
    rank = q / 100 * (cum[-1] - 1)
    lo = int(np.floor(rank))
    v_lo = int(np.searchsorted(cum, lo, side="right"))
    v_hi = int(np.searchsorted(cum, min(lo + 1, cum[-1] - 1), side="right"))
    return v_lo + (rank - lo) * (v_hi - v_lo)

"""Write page images as the archive's scan files: stacked PDF, multi-frame TIFF, JPEG, PNG.

Pages can be colour (RGB), grey or bilevel (1-bit): :func:`to_colour_mode`
turns a damaged RGB page into the scanner's output mode. Bilevel pages are
written as CCITT Group 4 (TIFF and PDF) or 1-bit PNG; JPEG cannot hold them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from PIL import Image

__all__ = ["FORMATS", "COLOUR_MODES", "JPEG_QUALITY", "to_colour_mode", "write_scan",
           "read_scan_pages"]

FORMATS: tuple[str, ...] = ("pdf", "tiff", "jpg", "png")
#: Scanner output modes, as recorded per file in the ground truth (``colour``).
COLOUR_MODES: tuple[str, ...] = ("colour", "grey", "bilevel")
JPEG_QUALITY = 75
#: Creation and modification date written in every PDF. Pillow would write
#: the current time, and the same seed must give the same bytes.
PDF_DATE = time.gmtime(1704067200)  # 2024-01-01T00:00:00Z


def to_colour_mode(page: np.ndarray, mode: str, threshold: float = 0.72) -> np.ndarray:
    """A damaged RGB page as the scanner outputs it in ``mode``.

    ``bilevel`` thresholds the grey page against its local paper level (a
    scanner driver's background removal), so yellowed paper turns white
    while faded ink, stains darker than ``threshold`` of the paper, holes
    and the dark bed stay black.

    Args:
        page: RGB uint8 page.
        mode: ``colour`` (returned as is), ``grey`` or ``bilevel``.
        threshold: Share of the local paper level below which a bilevel
            pixel is black.

    Returns:
        RGB uint8 (colour), 2-D uint8 (grey) or 2-D bool, True = white (bilevel).
    """
    if mode == "colour":
        return page
    if mode not in COLOUR_MODES:
        raise ValueError(f"unknown colour mode {mode!r}; choose from {COLOUR_MODES}")
    grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    if mode == "grey":
        return grey
    k = max(3, int(25 * max(grey.shape) / 3508.0) | 1)
    paper = cv2.blur(cv2.dilate(grey, np.ones((k, k), np.uint8)), (2 * k + 1, 2 * k + 1))
    # Large dark areas (the scanner bed, holes) are not paper: never treat
    # anything much darker than the typical paper as a background level.
    floor = 0.6 * float(np.median(grey))
    level = np.maximum(paper.astype(np.float32), floor)
    return grey.astype(np.float32) >= threshold * level


def write_scan(path: Path, pages: Sequence[np.ndarray], dpi: int = 300,
               quality: int = JPEG_QUALITY) -> None:
    """Write pages to one scan file; the format follows the file suffix.

    PDF pages embed JPEG images (Pillow's PDF writer encodes RGB and grey
    as DCTDecode and passes ``quality`` on to the JPEG encoder; bilevel as
    CCITT Group 4). TIFF frames are JPEG-compressed too, which keeps a
    300-dpi stack small, or Group 4 when bilevel. JPEG and PNG hold a single
    page; a bilevel PNG is 1-bit.

    Args:
        path: Target file; its suffix picks the format.
        pages: RGB uint8, grey 2-D uint8 or bilevel 2-D bool pages (one mode per file).
        dpi: Resolution written in the file.
        quality: JPEG quality for PDF, TIFF and JPEG.
    """
    images = [Image.fromarray(p) for p in pages]
    bilevel = images[0].mode == "1"
    suffix = path.suffix.lower().lstrip(".")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == "pdf" and bilevel:
        # Pillow encodes 1-bit pages as CCITT G4 through libtiff, which refuses a quality.
        images[0].save(path, "PDF", save_all=True, append_images=images[1:],
                       resolution=float(dpi), creationDate=PDF_DATE, modDate=PDF_DATE)
    elif suffix == "pdf":
        images[0].save(path, "PDF", save_all=True, append_images=images[1:],
                       resolution=float(dpi), quality=quality, creationDate=PDF_DATE,
                       modDate=PDF_DATE)
    elif suffix in ("tif", "tiff") and bilevel:
        images[0].save(path, "TIFF", save_all=True, append_images=images[1:],
                       compression="group4", dpi=(dpi, dpi))
    elif suffix in ("tif", "tiff"):
        # YCbCr lets libtiff subsample chroma; RGB JPEG-in-TIFF is twice as big.
        images = [im.convert("YCbCr") if im.mode == "RGB" else im for im in images]
        images[0].save(path, "TIFF", save_all=True, append_images=images[1:],
                       compression="jpeg", quality=quality, dpi=(dpi, dpi))
    elif suffix in ("jpg", "jpeg"):
        if len(images) != 1:
            raise ValueError("a JPEG scan holds exactly one page")
        if bilevel:
            raise ValueError("a JPEG scan cannot be bilevel; use PNG, TIFF or PDF")
        images[0].save(path, "JPEG", quality=quality, dpi=(dpi, dpi))
    elif suffix == "png":
        if len(images) != 1:
            raise ValueError("a PNG scan holds exactly one page")
        images[0].save(path, "PNG", dpi=(dpi, dpi), optimize=False)
    else:
        raise ValueError(f"unsupported scan format: {path.suffix}")


def read_scan_pages(path: Path) -> int:
    """Number of pages in a scan file (PDF pages or image frames)."""
    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages)
    with Image.open(path) as im:
        return int(getattr(im, "n_frames", 1))

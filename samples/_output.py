"""Write page images as the archive's scan files: stacked PDF, multi-frame TIFF, JPEG, PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

__all__ = ["FORMATS", "write_scan", "read_scan_pages"]

FORMATS: tuple[str, ...] = ("pdf", "tiff", "jpg", "png")
JPEG_QUALITY = 75


def write_scan(path: Path, pages: Sequence[np.ndarray], dpi: int = 300,
               quality: int = JPEG_QUALITY) -> None:
    """Write pages to one scan file; the format follows the file suffix.

    PDF pages embed JPEG images (Pillow's PDF writer encodes RGB as
    DCTDecode and passes ``quality`` on to the JPEG encoder). TIFF frames are
    JPEG-compressed too, which keeps a 300-dpi stack small. JPEG and PNG
    hold a single page.

    Args:
        path: Target file; its suffix picks the format.
        pages: RGB uint8 pages.
        dpi: Resolution written in the file.
        quality: JPEG quality for PDF, TIFF and JPEG.
    """
    images = [Image.fromarray(p) for p in pages]
    suffix = path.suffix.lower().lstrip(".")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == "pdf":
        images[0].save(path, "PDF", save_all=True, append_images=images[1:],
                       resolution=float(dpi), quality=quality)
    elif suffix in ("tif", "tiff"):
        # YCbCr lets libtiff subsample chroma; RGB JPEG-in-TIFF is twice as big.
        images = [im.convert("YCbCr") for im in images]
        images[0].save(path, "TIFF", save_all=True, append_images=images[1:],
                       compression="jpeg", quality=quality, dpi=(dpi, dpi))
    elif suffix in ("jpg", "jpeg"):
        if len(images) != 1:
            raise ValueError("a JPEG scan holds exactly one page")
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

"""Header lines read again: the crops of a line, prepared as variants, stacked and read by Tesseract.

:mod:`ocr.reread` decides which lines of a page to read again and which
reading to keep; this module does the reading. Each :class:`Variant` is a
way of preparing a line's crop (upscaled, strokes thickened) and a model
to read it with. :func:`variant_canvases` stacks a page's crops of one
language on one canvas with white gaps, :func:`place_readings` maps what
Tesseract read on a canvas back to each line and variant, in page
coordinates. A page's canvases are read one Tesseract run each
(:func:`read_variants`), or the canvases of a whole run of pages one run
per language (:func:`read_canvases`, the ingest's way: the results are
those of separate runs, without a model load per page).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.postcorrect import correct_result
from ocr.tesseract import OcrResult, OcrWord, run_ocr, run_ocr_many
from sohoa.errors import OcrError
from sohoa.settings import TesseractOptions

__all__ = [
    "GAP",
    "PSM",
    "VARIANTS",
    "Variant",
    "VariantCanvas",
    "canvas_options",
    "place_readings",
    "read_canvas",
    "read_canvases",
    "read_variants",
    "variant_canvases",
]

#: Tesseract's page segmentation for the stacked crops (6: one block of lines).
PSM = 6


@dataclass(frozen=True)
class Variant:
    """One way of reading a line crop again."""

    name: str
    lang: str
    scale: float
    thicken: bool = False
    #: The kinds of line it reads ("number", "date").
    kinds: tuple[str, ...] = ("number", "date")


#: The variants every unclean line is read with.
VARIANTS: tuple[Variant, ...] = (
    Variant("vie x1", "vie", 1.0),
    Variant("vie x2", "vie", 2.0),
    Variant("vie x2 thick", "vie", 2.0, thicken=True),
    # Only for the italic place-date line: on number lines (seed 11, 89 lines) the English
    # model read 4 wrong values and 25 none, the Vietnamese variants none wrong; and a page
    # whose number line alone needs a second look is spared one Tesseract start.
    Variant("eng x1.5", "eng", 1.5, kinds=("date",)),
)


def _prepare(crop: np.ndarray, variant: Variant) -> np.ndarray:
    out = cv2.resize(crop, None, fx=variant.scale, fy=variant.scale, interpolation=cv2.INTER_CUBIC)
    if variant.thicken:
        # Broken and faded strokes close up; the page is dark ink on white, so erode the white.
        out = cv2.erode(out, np.ones((3, 3), np.uint8))
    return out


@dataclass(frozen=True)
class VariantCanvas:
    """The crops one language reads, stacked on one canvas with white gaps."""

    lang: str
    image: np.ndarray
    #: Per crop: its top and bottom on the canvas, its box's index, its variant's index.
    placed: tuple[tuple[int, int, int, int], ...]


#: White rows between two crops on a :class:`VariantCanvas`, and to its left.
GAP = 60


def variant_canvases(image: np.ndarray, boxes: list[tuple[int, int, int, int]], variants: tuple[Variant, ...],
                     kinds: list[str] | None = None) -> list[VariantCanvas]:
    """Cut every box, prepare it as each variant meant for its kind of line, stack the crops per language.

    Args:
        kinds: The kind of line of each box (``Variant.kinds``); all variants for every box if not given.

    Returns:
        One canvas per language that has a crop to read, in the variants' order.
    """
    out: list[VariantCanvas] = []
    for lang in dict.fromkeys(v.lang for v in variants):
        crops: list[tuple[np.ndarray, int, int]] = []
        for i, (top, bottom, left, right) in enumerate(boxes):
            for j, v in enumerate(variants):
                if v.lang == lang and (kinds is None or kinds[i] in v.kinds):
                    crops.append((_prepare(image[top:bottom, left:right], v), i, j))
        if not crops:
            continue
        width = max(c.shape[1] for c, _, _ in crops) + 2 * GAP
        canvas = np.full((sum(c.shape[0] for c, _, _ in crops) + GAP * (len(crops) + 1), width), 255, np.uint8)
        placed = []
        y = GAP
        for crop, i, j in crops:
            canvas[y : y + crop.shape[0], GAP : GAP + crop.shape[1]] = crop
            placed.append((y, y + crop.shape[0], i, j))
            y += crop.shape[0] + GAP
        out.append(VariantCanvas(lang, canvas, tuple(placed)))
    return out


def canvas_options(canvas: VariantCanvas, options: TesseractOptions) -> TesseractOptions:
    """The Tesseract options a :class:`VariantCanvas` is read with: its language, one block of lines."""
    return options.model_copy(update={"lang": canvas.lang, "psm": PSM})


def place_readings(canvases: list[VariantCanvas], reads: list[OcrResult | None],
                   boxes: list[tuple[int, int, int, int]],
                   variants: tuple[Variant, ...]) -> list[list[list[OcrWord]]]:
    """The words each canvas's reading gives every box and variant, in page coordinates, left to right.

    Args:
        reads: Each canvas's reading; ``None`` for one whose run failed (it gives no words).

    Returns:
        ``out[i][j]``: the words of box ``i`` read with variant ``j``.
    """
    out: list[list[list[OcrWord]]] = [[[] for _ in variants] for _ in boxes]
    for canvas, read in zip(canvases, reads, strict=True):
        if read is None:
            continue
        for w in correct_result(read)[0].words:
            centre = w.top + w.height // 2
            for c_top, c_bottom, i, j in canvas.placed:
                if c_top - GAP // 2 <= centre < c_bottom + GAP // 2:
                    top, _, left, _ = boxes[i]
                    scale = variants[j].scale
                    out[i][j].append(replace(
                        w, left=left + round((w.left - GAP) / scale), top=top + round((w.top - c_top) / scale),
                        width=max(1, round(w.width / scale)), height=max(1, round(w.height / scale))))
                    break
    for per_box in out:
        for words in per_box:
            words.sort(key=lambda w: w.left)
    return out


def read_canvas(canvas: VariantCanvas, options: TesseractOptions, what: str = "page") -> OcrResult | None:
    """One canvas read by its own Tesseract run; ``None`` when that run fails."""
    try:
        return run_ocr(canvas.image, canvas_options(canvas, options), what=f"{what} (re-read)")
    except OcrError:
        return None  # a second look that fails (a model missing, a timeout) leaves the first reading


def read_variants(image: np.ndarray, boxes: list[tuple[int, int, int, int]],
                  variants: tuple[Variant, ...], options: TesseractOptions, *, what: str = "page",
                  kinds: list[str] | None = None) -> list[list[list[OcrWord]]]:
    """Read every box with every variant meant for its kind of line; words in page coordinates.

    The crops of one language are stacked on one canvas (:func:`variant_canvases`)
    and read by one Tesseract run (page segmentation 6: a block of lines). A
    language whose run fails (model not installed, timeout) gives no words;
    one with no crop to read is not started.

    Args:
        kinds: The kind of line of each box (``Variant.kinds``); all variants for every box if not given.

    Returns:
        ``out[i][j]``: the words of box ``i`` read with variant ``j``, left to right.
    """
    canvases = variant_canvases(image, boxes, variants, kinds)
    return place_readings(canvases, [read_canvas(c, options, what) for c in canvases], boxes, variants)


def read_canvases(canvases: list[VariantCanvas], options: TesseractOptions, *,
                  what: str = "pages") -> list[OcrResult | None]:
    """Read the canvases of several pages' re-reads with one Tesseract run per language.

    The runs are those of :func:`ocr.tesseract.run_ocr_many`, whose results
    are those of separate runs; when a language's run fails, its canvases are
    read one by one, and one that fails alone gives ``None``, as in
    :func:`reread_header`.
    """
    out: list[OcrResult | None] = [None] * len(canvases)
    for lang in dict.fromkeys(c.lang for c in canvases):
        mine = [k for k, c in enumerate(canvases) if c.lang == lang]
        if len(mine) > 1:
            try:
                reads = run_ocr_many([canvases[k].image for k in mine], canvas_options(canvases[mine[0]], options),
                                     what=f"{what} (re-read)")
            except OcrError:
                pass  # read alone below
            else:
                for k, read in zip(mine, reads, strict=True):
                    out[k] = read
                continue
        for k in mine:
            out[k] = read_canvas(canvases[k], options, what)
    return out

"""Header lines read again: the crops of a line, prepared as variants, stacked and read by Tesseract.

:mod:`ocr.reread` decides which lines of a page to read again and which
reading to keep; this module does the reading. Each :class:`Variant` is a
way of preparing a line's crop (upscaled, strokes thickened, ink blots
taken off: :func:`remove_blots`) and a model to read it with.
:func:`variant_canvases` stacks a page's crops of one language on one
canvas with white gaps (those with their blots taken off on one of their
own), :func:`place_readings` maps what Tesseract read on a canvas back to
each line and variant, in page coordinates. :func:`read_canvases` reads
the canvases of one page, or of a whole run of pages (the ingest's way),
with one Tesseract run per language: the results are those of separate
runs, without a model load per page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.postcorrect import Knowledge, correct_result
from ocr.tesseract import OcrResult, OcrWord, run_ocr, run_ocr_many
from core.errors import OcrError
from core.settings import TesseractOptions

__all__ = [
    "GAP",
    "PSM",
    "VARIANTS",
    "Variant",
    "VariantCanvas",
    "canvas_options",
    "remove_blots",
    "place_readings",
    "read_canvas",
    "read_canvases",
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
    #: Ink blots taken off the crop first (:func:`remove_blots`); a crop without one is not read.
    blots: bool = False


#: The variants every unclean line is read with.
VARIANTS: tuple[Variant, ...] = (
    Variant("vie x1", "vie", 1.0),
    Variant("vie x2", "vie", 2.0),
    Variant("vie x2 thick", "vie", 2.0, thicken=True),
    # Only for the italic place-date line: on number lines (seed 11, 89 lines) the English
    # model read 4 wrong values and 25 none, the Vietnamese variants none wrong; and a page
    # whose number line alone needs a second look is spared one Tesseract start.
    Variant("eng x1.5", "eng", 1.5, kinds=("date",)),
    # A blot of ink on a digit ("tháng ▪2", the dot over "08") reads as nothing; the digit
    # without it reads. Only crops with a blot are read so: the others would read as above.
    # Only for the place-date line: on a number line of the tuning sets the crop without
    # its blot read "282" as "292" twice (two readings of one crop: two votes, one error).
    Variant("vie x1 blots", "vie", 1.0, kinds=("date",), blots=True),
    Variant("vie x2 blots", "vie", 2.0, kinds=("date",), blots=True),
    Variant("vie x2 thick blots", "vie", 2.0, thicken=True, kinds=("date",), blots=True),
    Variant("eng x1.5 blots", "eng", 1.5, kinds=("date",), blots=True),
)

#: Ink darker than this is what a blot is made of (the print of a heavy page is lighter at its core).
BLOT_DARK = 100
#: A blot is where a disc of this share of the crop's height fits in dark ink: at 300 dpi a
#: line's band is 60–90 px high, the disc's radius 4–6 px; the thickest strokes of the print
#: are 7 px wide (a distance of 3.6 px to the paper), the blots on digits 15–25 px.
BLOT_SHARE = 1 / 16
#: Pixels around a blot taken with it (its grey rim).
BLOT_RIM = 2


def remove_blots(crop: np.ndarray) -> np.ndarray | None:
    """``crop`` with its ink blots painted white, or ``None`` when it has none.

    A blot is dark ink far thicker than any stroke of print: an opening of
    the dark pixels with a disc (:data:`BLOT_SHARE` of the crop's height)
    keeps only blots, which are then grown by :data:`BLOT_RIM` and painted
    white. What the blot covered is lost either way; what it only touched
    reads again.
    """
    radius = max(4, round(BLOT_SHARE * crop.shape[0]))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    blots = cv2.morphologyEx((crop < BLOT_DARK).astype(np.uint8), cv2.MORPH_OPEN, disc)
    if not blots.any():
        return None
    blots = cv2.dilate(blots, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * BLOT_RIM + 1, 2 * BLOT_RIM + 1)))
    out = crop.copy()
    out[blots > 0] = 255
    return out


def _prepare(crop: np.ndarray, variant: Variant) -> np.ndarray | None:
    """A crop prepared as ``variant`` reads it; ``None`` when the variant has nothing to read in it."""
    if variant.blots:
        cleaned = remove_blots(crop)
        if cleaned is None:
            return None
        crop = cleaned
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

    The crops with their blots taken off (:attr:`Variant.blots`) go on
    canvases of their own, after the others: what Tesseract reads in a crop
    depends on the other lines of its canvas (on one heavy page "770/QĐ-SGDĐT" read at x1 beside the x2 crops
    became "Bế: (fII00" once the blot crops joined them), and the readings
    of the other variants must stay what they were.

    Args:
        kinds: The kind of line of each box (``Variant.kinds``); all variants for every box if not given.

    Returns:
        One canvas per language and way with blots (without first) that has a crop to read,
        in the variants' order.
    """
    out: list[VariantCanvas] = []
    for lang, blots in dict.fromkeys(sorted(((v.lang, v.blots) for v in variants), key=lambda key: key[1])):
        crops: list[tuple[np.ndarray, int, int]] = []
        for i, (top, bottom, left, right) in enumerate(boxes):
            for j, v in enumerate(variants):
                if v.lang == lang and v.blots == blots and (kinds is None or kinds[i] in v.kinds):
                    crop = _prepare(image[top:bottom, left:right], v)
                    if crop is not None:
                        crops.append((crop, i, j))
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
                   variants: tuple[Variant, ...], knowledge: Knowledge) -> list[list[list[OcrWord]]]:
    """The words each canvas's reading gives every box and variant, in page coordinates, left to right.

    Args:
        reads: Each canvas's reading; ``None`` for one whose run failed (it gives no words).
        knowledge: The profile's post-correction knowledge.

    Returns:
        ``out[i][j]``: the words of box ``i`` read with variant ``j``.
    """
    out: list[list[list[OcrWord]]] = [[[] for _ in variants] for _ in boxes]
    for canvas, read in zip(canvases, reads, strict=True):
        if read is None:
            continue
        for w in correct_result(read, knowledge)[0].words:
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


def read_canvases(canvases: list[VariantCanvas], options: TesseractOptions, *,
                  what: str = "pages") -> list[OcrResult | None]:
    """Read the canvases of several pages' re-reads with one Tesseract run per language.

    The runs are those of :func:`ocr.tesseract.run_ocr_many`, whose results
    are those of separate runs; when a language's run fails, its canvases are
    read one by one, and one that fails alone gives ``None`` (no words: the
    first reading of its lines stays).
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

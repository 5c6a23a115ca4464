"""Handwritten digits in a typed template: the number of "Số:" and the day and month of "ngày … tháng …".

A Vietnamese office registers an outgoing document by writing its number
and its day (often its month too) by hand into the typed template: "Số:
1595 /SGDĐT-CTrTT", "ngày 31 tháng 5 năm 2019" with 1595 and 31 in ink.
Tesseract, made for print, reads them "4/35" and "ô4". Here:

1. :func:`ocr.hand_slots.field_slots` finds where the handwriting must
   be from the typed words around it (Tesseract's word boxes of the
   header's number and place-date lines): between "Số:" and the "/" of
   the symbol, between "ngày" and "tháng", between "tháng" and "năm".
2. :func:`read_slot` takes the ink of the slot apart into digits (connected
   strokes; a stroke wider than a digit is cut where the ink is thinnest,
   the cut a :class:`DigitModel` reads best wins) and reads each with the
   model (a small network trained on handwritten digits,
   :mod:`ocr.digits_train`).
3. The field's confidence is the product of its digits' probabilities. It
   is what the records stage weighs against Tesseract's reading; a
   handwritten value is never taken without review unless its confidence
   passes the model's calibrated threshold (see its data card).

Nothing here changes the page's words: the readings are a layer of their
own, saved with the page beside Tesseract's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ocr.hand_slots import Slot, field_slots
from ocr.pixels import components
from ocr.tesseract import OcrWord
from pipeline.domain import HandField

__all__ = ["DIGIT_MODEL", "LOCAL_MODEL_GLOB", "DigitModel", "digit_model_path", "field_digits", "load_model",
           "normalise", "read_hand_fields", "read_slot"]

#: The shipped digit model (weights and data card; :mod:`ocr.digits_train` rebuilds them).
DIGIT_MODEL = Path(__file__).with_name("data") / "digits-v1.npz"


# --------------------------------------------------------------------------
# The digit model
# --------------------------------------------------------------------------


class DigitModel:
    """A small fully connected network over 28×28 digit images (numpy only, a few hundred kB).

    Args:
        weights: The layers' matrices and biases, in order.
        card: The data card: what it was trained on, its accuracy, its calibrated threshold.
    """

    def __init__(self, weights: Sequence[tuple[np.ndarray, np.ndarray]], card: dict[str, object]) -> None:
        self.layers = [(w.astype(np.float32), b.astype(np.float32)) for w, b in weights]
        self.card = card

    @property
    def accept_above(self) -> float:
        """The confidence above which a reading was right ≥ 99% of the time on the calibration crops
        (1.0, never, until such crops have been seen)."""
        return float(self.card.get("accept_above", 1.0))  # type: ignore[arg-type]

    @property
    def version(self) -> str:
        return str(self.card.get("version", "?"))

    @staticmethod
    def load(path: str | Path = DIGIT_MODEL) -> DigitModel:
        """The model saved at ``path`` (:meth:`save`)."""
        with np.load(path, allow_pickle=False) as data:
            n = sum(1 for k in data.files if k.startswith("W"))
            weights = [(data[f"W{i}"], data[f"B{i}"]) for i in range(n)]
            card = json.loads(str(data["card"]))
        return DigitModel(weights, card)

    def save(self, path: str | Path) -> None:
        arrays = {f"W{i}": w.astype(np.float16) for i, (w, _) in enumerate(self.layers)}
        arrays |= {f"B{i}": b.astype(np.float16) for i, (_, b) in enumerate(self.layers)}
        np.savez_compressed(path, card=np.array(json.dumps(self.card, ensure_ascii=False)), **arrays)

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, 10)`` of ``n`` normalised digit images (:func:`normalise`)."""
        x = images.reshape(len(images), -1).astype(np.float32)
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < len(self.layers) - 1:
                np.maximum(x, 0, out=x)
        x -= x.max(axis=1, keepdims=True)
        e = np.exp(x)
        return e / e.sum(axis=1, keepdims=True)


@lru_cache(maxsize=4)
def _model(path: str, stamp: float = 0.0) -> DigitModel:
    return DigitModel.load(path)


#: A data directory's own digit models, trained from what its people confirmed (``sohoa train``).
LOCAL_MODEL_GLOB = "digits-local-v*.npz"


def digit_model_path(models: Path | None) -> Path:
    """The digit model to read with: the newest one trained in ``models`` (a data directory's
    ``models/``), else the shipped one."""
    if models is not None and models.is_dir():
        local = sorted(models.glob(LOCAL_MODEL_GLOB), key=lambda p: int(p.stem.rsplit("v", 1)[-1] or 0))
        if local:
            return local[-1]
    return DIGIT_MODEL


# --------------------------------------------------------------------------
# Digits out of a slot
# --------------------------------------------------------------------------


def normalise(mask: np.ndarray) -> np.ndarray:
    """A digit's ink as the model sees it: fitted in a 20×20 box, centred by its mass in 28×28, 0–1.

    A thin pen stroke is thickened to the width the training digits have.
    """
    ys, xs = np.nonzero(mask)
    out = np.zeros((28, 28), np.float32)
    if len(ys) == 0:
        return out
    ink = (mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 0).astype(np.float32)
    h, w = ink.shape
    scale = 20.0 / max(h, w)
    contours = cv2.findContours(ink.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)[0]
    stroke = float(ink.sum()) / max(1.0, sum(len(c) for c in contours) / 2) * scale
    small = cv2.resize(ink * 255, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA)
    if stroke < 1.8:
        small = cv2.dilate(small, np.ones((2, 2), np.uint8))
    sh, sw = small.shape
    y0, x0 = (28 - sh) // 2, (28 - sw) // 2
    out[y0:y0 + sh, x0:x0 + sw] = small
    total = float(out.sum())
    if total > 0:
        cy = float((out.sum(axis=1) * np.arange(28)).sum()) / total
        cx = float((out.sum(axis=0) * np.arange(28)).sum()) / total
        out = cv2.warpAffine(out, np.float32([[1, 0, 13.5 - cx], [0, 1, 13.5 - cy]]), (28, 28))
    return np.clip(out, 0, 255) / 255.0


@dataclass
class _Blob:
    left: int
    top: int
    right: int
    bottom: int
    labels: list[int]

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def take(self, other: _Blob) -> None:
        """Make ``other``'s strokes part of this blob."""
        self.left, self.top = min(self.left, other.left), min(self.top, other.top)
        self.right, self.bottom = max(self.right, other.right), max(self.bottom, other.bottom)
        self.labels += other.labels


def _blobs(ink: np.ndarray, slot: Slot, x0: int) -> tuple[list[_Blob], np.ndarray]:
    """The strokes of a slot's ink that may be digits, strokes overlapping sideways merged, left to right."""
    h = slot.line_height
    n, labels, stats, _ = components(ink)
    blobs = []
    for i in range(1, n):
        x, y, w, hh, area = (int(v) for v in stats[i])
        centre = x0 + x + w / 2
        if not slot.left <= centre <= slot.right:
            continue  # the colon, the symbol's slash and letters: typed words around the slot
        if area < 0.02 * h * h or hh < 0.3 * h:
            continue  # a speck, a dot of a dotted leader
        if w > 3 * hh:
            continue  # a rule, the header's underline
        blobs.append(_Blob(x, y, x + w, y + hh, [i]))
    blobs.sort(key=lambda b: b.left)
    merged: list[_Blob] = []
    for b in blobs:
        last = merged[-1] if merged else None
        if last is not None and min(b.right, last.right) - max(b.left, last.left) > 0.5 * min(b.width, last.width):
            last.take(b)
        else:
            merged.append(b)
    if not merged:
        return merged, labels
    # A piece much shorter than the field's digits is part of one (a pen lifted, faint ink) or a speck.
    tallest = max(b.height for b in merged)
    kept = [b for b in merged if b.height >= 0.5 * tallest]
    for b in merged:
        if b.height >= 0.5 * tallest:
            continue
        near = min(kept, key=lambda k: max(k.left - b.right, b.left - k.right, 0))
        if max(near.left - b.right, b.left - near.right, 0) <= 0.15 * h:
            near.take(b)
    return kept, labels


#: A handwritten digit is about this much as wide as it is tall; wider strokes are digits joined.
_DIGIT_ASPECT = 0.62


#: How much the width of a stroke says about how many digits it holds, against how well they read.
_WIDTH_WEIGHT = 1.0


def _ink_height(mask: np.ndarray) -> int:
    rows = np.nonzero(mask.any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0


def _cuts(mask: np.ndarray, pieces: int) -> list[int]:
    """Where to cut a stroke into ``pieces``: near the even cuts, at the column with the least ink."""
    cols = mask.sum(axis=0).astype(np.float32)
    w = mask.shape[1]
    cuts = []
    for k in range(1, pieces):
        centre = round(w * k / pieces)
        span = max(1, round(w / pieces / 3))
        lo, hi = max(1, centre - span), min(w - 1, centre + span)
        cuts.append(lo + int(np.argmin(cols[lo:hi])) if hi > lo else centre)
    return cuts


def _split(mask: np.ndarray, model: DigitModel) -> tuple[list[np.ndarray], np.ndarray]:
    """A stroke as one digit or several, whichever the model reads best (with the width's own say)."""
    h, w = mask.shape
    expected = w / (_DIGIT_ASPECT * h)
    options = sorted({max(1, round(expected) + d) for d in (-1, 0, 1)} - {0})
    best: tuple[float, list[np.ndarray], np.ndarray] | None = None
    for k in options:
        if k > 4:
            continue
        edges = [0, *_cuts(mask, k), w]
        parts = [mask[:, a:b] for a, b in zip(edges, edges[1:], strict=False) if b > a]
        parts = [p for p in parts if p.any()]
        if not parts or (k > 1 and any(_ink_height(p) < 0.5 * h for p in parts)):
            continue  # a piece as flat as a "5"'s bar is no digit
        probs = model.probabilities(np.stack([normalise(p) for p in parts]))
        score = float(np.log(probs.max(axis=1) + 1e-6).mean()) - _WIDTH_WEIGHT * abs(len(parts) - expected)
        if best is None or score > best[0]:
            best = (score, parts, probs)
    if best is None:  # no cut leaves digit-tall pieces: one digit
        return [mask], model.probabilities(normalise(mask)[None])
    return best[1], best[2]


def _slot_digits(gray: np.ndarray, slot: Slot, model: DigitModel
                 ) -> tuple[list[np.ndarray], np.ndarray, tuple[int, int]] | None:
    """A slot's ink cut into digits: their masks, the model's probabilities, and the ink's x extent."""
    h = slot.line_height
    x0 = max(0, slot.left - h)
    crop = gray[slot.top:slot.bottom, x0:min(gray.shape[1], slot.right + h)]
    if crop.size == 0 or int(crop.max()) - int(crop.min()) < 40:
        return None
    smooth = cv2.GaussianBlur(crop, (3, 3), 0)
    inside = smooth[:, slot.left - x0:slot.right - x0]
    if inside.size == 0 or int(inside.max()) - int(inside.min()) < 40:
        return None  # a blank slot
    # The threshold from the slot alone: a faint pencil is the darkest there, the print around it darker still.
    level, _ = cv2.threshold(inside, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, ink = cv2.threshold(smooth, level, 255, cv2.THRESH_BINARY_INV)
    blobs, labels = _blobs(ink, slot, x0)
    if not blobs or len(blobs) > 6:
        return None
    masks: list[np.ndarray] = []
    probs: list[np.ndarray] = []
    for b in blobs:
        parts, p = _split(np.isin(labels[b.top:b.bottom, b.left:b.right], b.labels).astype(np.uint8), model)
        masks += parts
        probs.append(p)
    return masks, np.concatenate(probs), (x0 + min(b.left for b in blobs), x0 + max(b.right for b in blobs))


#: Handwritten digits stand this much taller than the page's typed ones, at least (on the real pages
#: measured, handwriting 1.07–1.7 times the typed year's digits; typed numbers 0.9–1.02).
_WRITTEN_HEIGHT = 1.05


def read_slot(gray: np.ndarray, slot: Slot, model: DigitModel, typed_height: float | None = None
              ) -> HandField | None:
    """The digits written in a slot, or ``None`` when it holds no ink that could be digits.

    Args:
        gray: The restored page (pen strokes laid back over the print).
        slot: Where the field is (:func:`ocr.hand_slots.field_slots`).
        model: The digit reader.
        typed_height: The height of the page's typed digits (the year's), to tell handwriting from print.
    """
    cut = _slot_digits(gray, slot, model)
    if cut is None:
        return None
    masks, probs, (left, right) = cut
    probabilities = tuple(float(p) for p in probs.max(axis=1))
    confidence = float(np.prod(probabilities))
    height = float(np.median([_ink_height(m) for m in masks]))
    written = None if not typed_height else height >= _WRITTEN_HEIGHT * typed_height
    return HandField(slot.kind, "".join(str(int(k)) for k in probs.argmax(axis=1)), confidence,
                     (slot.top, slot.bottom, left, right), probabilities,
                     sure=model.accept_above < 1.0 and confidence >= model.accept_above, written=written)


def _typed_digit_height(lines: Sequence[tuple[str, Sequence[OcrWord]]]) -> float | None:
    """The height of typed digits on the page: a year ("2025") read with confidence on a header line."""
    years = [w.height for _, words in lines for w in words if w.conf >= 80 and re.fullmatch(r"\d{4}", w.text)]
    return float(np.median(years)) if years else None


def field_digits(gray: np.ndarray, field: HandField, model: DigitModel) -> list[np.ndarray]:
    """The digits of a field read before, cut again from its box and normalised (:func:`normalise`): for
    training on what a person confirmed it holds."""
    top, bottom, left, right = field.box
    h = max(1, round((bottom - top) * 3 / 5))  # the slot is a line height and a third above and below
    cut = _slot_digits(gray, Slot(field.kind, top, bottom, left, right, h), model)
    return [normalise(m) for m in cut[0]] if cut is not None else []


def load_model(path: Path) -> DigitModel:
    """The digit model at ``path``, loaded once per process (again when the file changes)."""
    return _model(str(path), path.stat().st_mtime)


def read_hand_fields(gray: np.ndarray, lines: Sequence[tuple[str, Sequence[OcrWord]]],
                     model: DigitModel | None = None) -> tuple[HandField, ...]:
    """The handwritten number, day and month of a page's header, read wherever their slots are found.

    Args:
        gray: The restored page.
        lines: The header's number and place-date lines: ``(kind, words)``
            (:func:`ocr.header_lines.header_lines`).
        model: The digit reader (the shipped one by default).

    Returns:
        One reading per slot that holds ink; the first of each kind.
    """
    model = model or load_model(DIGIT_MODEL)
    typed = _typed_digit_height(lines)
    out: dict[str, HandField] = {}
    for kind, words in lines:
        for slot in field_slots(kind, words, gray):
            if slot.kind in out:
                continue
            found = read_slot(gray, slot, model, typed)
            if found is not None and found.digits:
                out[slot.kind] = found
    return tuple(out.values())

"""Where a typed template leaves room for handwritten digits: the slots of "Số:", "ngày" and "tháng".

A slot lies between two typed words of a header line, as Tesseract read
them: between "Số:" and the "/" of the symbol for the document's number,
between "ngày" and "tháng" for its day, between "tháng" and "năm" for its
month. Tesseract misreads the typed words too ("Sö:", "nqày") and glues
them to the handwriting beside them ("Số:209", "ngày30"), so they are
matched folded and loosely, and cut at their typed width; where the words
cannot bound the number, the symbol's slash is looked for in the ink.
The digits in a slot are read by :func:`ocr.handwriting.read_slot`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from ocr.pixels import components
from ocr.tesseract import OcrWord
from pipeline.folding import fold

__all__ = ["Slot", "field_slots"]

#: The typed words around the fields, folded, as Tesseract reads them ("Số:", "Sö:", "ngày", "nqày", "tháng").
_SO_RE = re.compile(r"^\W{0,2}s[o06]\s*[:;.]?")
_NGAY_RE = re.compile(r"(?:[nrm][gq]a[yv]|ng[a-z]y)")
_THANG_RE = re.compile(r"t[hb]a?n?g")
_NAM_RE = re.compile(r"^n[a-z]m")
#: The "/" that opens the typed symbol after the number ("/QĐ-UBND"), in a folded word.
_SYMBOL_RE = re.compile(r"/+\s*[a-z]{2}")


@dataclass(frozen=True)
class Slot:
    """Where a handwritten field is on the page: ``(top, bottom, left, right)`` in pixels of the restored page."""

    kind: str  # "number", "day" or "month"
    top: int
    bottom: int
    left: int
    right: int
    line_height: int


#: How wide the typed words around the fields are, in line heights (Times and Arial at the sizes
#: offices print): a word glued to the handwriting beside it ("Số:209", "ngày30", "/ÿtháng") is cut there.
_TYPED_WIDTH = {"so": 1.3, "ngay": 2.1, "thang": 2.5}
#: A word read as a typed word alone but this many times as wide as the typed word at its widest
#: has taken in the handwriting beside it.
_SWALLOWED = 1.5
#: A capital of the symbol after the number ("/QĐ-UBND"), in line heights.
_CAPITAL_WIDTH = 0.68


def _x_after(word: OcrWord, folded: str, end: int, typed: float) -> int:
    """The x where a typed word ``typed`` pixels wide ends, in a word read as it and what follows it.

    A word read as the typed word alone may still be far wider than it: Tesseract's box of "Số:"
    can take in the handwritten number beside it (read as nothing); it then ends ``typed`` pixels in.
    """
    if end >= len(folded):
        return word.left + (round(typed) if word.width > _SWALLOWED * typed else word.width)
    return word.left + min(round(typed), round(word.width * end / len(folded)))


def _x_before(word: OcrWord, folded: str, start: int, typed: float) -> int:
    """The x where the typed part of a word from ``start`` on begins, it being ``typed`` pixels wide."""
    if start <= 0:
        return word.left
    return word.left + max(word.width - round(typed), round(word.width * start / len(folded)))


def _band(words: Sequence[OcrWord]) -> tuple[int, int, int]:
    h = int(np.median([w.height for w in words]))
    return min(w.top for w in words), max(w.top + w.height for w in words), h


def _slash_x(gray: np.ndarray, top: int, bottom: int, left: int, right: int, h: int) -> int | None:
    """The left edge of the rightmost "/" in a band of the page: a thin, tall, leaning stroke.

    It opens the typed symbol after the number; found in the ink, it bounds
    the number even where Tesseract read the digits and the symbol as one
    word ("457/QĐ-SGDĐT") or lost the slash in the text ("14O9Đ-SGDĐT").
    """
    band = gray[max(0, top):bottom, max(0, left):right]
    if band.size == 0 or int(band.max()) - int(band.min()) < 40:
        return None
    _, ink = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = components(ink)
    for i in sorted(range(1, n), key=lambda k: -int(stats[k][0] + stats[k][2])):
        x, y, w, hh, _area = (int(v) for v in stats[i])
        if not (0.6 * h <= hh <= 1.6 * h and w <= 0.55 * hh):
            continue
        ys, xs = np.nonzero(labels[y:y + hh, x:x + w] == i)
        upper, lower = xs[ys < hh / 3], xs[ys > 2 * hh / 3]
        if len(upper) and len(lower) and upper.mean() - lower.mean() >= 0.15 * hh:
            return max(0, left) + x
    return None


#: A symbol read without its slash: a code, a hyphen, a code ("9đ-sgddt" of "6/QĐ-SGDĐT").
_BARE_SYMBOL_RE = re.compile(r"[a-z]{1,4}-[a-z]{2}")


def field_slots(kind: str, words: Sequence[OcrWord], gray: np.ndarray | None = None) -> list[Slot]:
    """The handwritten fields' slots on a header line, from the typed words around them.

    Args:
        kind: ``"number"`` for the "Số:" line, ``"date"`` for the place-date line (the two
            header columns read as one line give both).
        words: The line's words, left to right.
        gray: The page, when given: the number's right edge is the symbol's "/" found in the
            ink (:func:`_slash_x`) where the words alone cannot tell it.

    Returns:
        The slots found: the number's, the day's and the month's; a slot whose typed words
        on both sides were not read is left out.
    """
    if not words:
        return []
    top, bottom, h = _band(words)
    folded = [fold(w.text) for w in words]
    out: list[Slot] = []

    def add(name: str, left: int, right: int) -> None:
        if right - left >= h // 3:
            out.append(Slot(name, max(0, top - h // 3), bottom + h // 3, left, right, h))

    so = next(((i, m) for i, f in enumerate(folded) if (m := _SO_RE.match(f))), None)
    if kind == "number" and so is not None:
        i, m = so
        left = _x_after(words[i], folded[i], m.end(), _TYPED_WIDTH["so"] * h)
        for j in range(i, len(words)):
            start = m.end() if j == i else 0
            sym = _SYMBOL_RE.search(folded[j], start) or _BARE_SYMBOL_RE.search(folded[j], start)
            if sym is None:
                continue
            alone = sym.start() == 0 and folded[j].startswith("/")
            right = _x_before(words[j], folded[j], sym.start(), _CAPITAL_WIDTH * h * (len(folded[j]) - sym.start()))
            if gray is not None and not alone:  # glued to the digits, or no slash read: the ink tells
                found = _slash_x(gray, top, bottom, left, words[j].left + words[j].width, h)
                right = found if found is not None and found > left else right
            add("number", left, right)
            break
    ngay = next(((i, m) for i, f in enumerate(folded) if (m := _NGAY_RE.search(f))), None)
    if ngay is None:
        return out
    i, m = ngay
    day_left = _x_after(words[i], folded[i], m.end(), _TYPED_WIDTH["ngay"] * h)
    thang = next(((j, t) for j in range(i, len(words))
                  if (t := _THANG_RE.search(folded[j], m.end() if j == i else 0))), None)
    if thang is None:
        return out
    j, t = thang
    add("day", day_left, _x_before(words[j], folded[j], t.start(), _TYPED_WIDTH["thang"] * h))
    month_left = _x_after(words[j], folded[j], t.end(), _TYPED_WIDTH["thang"] * h)
    nam = next((k for k in range(j + 1, len(words)) if _NAM_RE.match(folded[k])), None)
    if nam is not None:
        add("month", month_left, words[nam].left)
    return out

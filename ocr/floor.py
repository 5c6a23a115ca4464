"""A floor under the reading: a doubtful line read again from the page as scanned, kept when Tesseract is surer.

Restoration pays off on damaged pages and may cost on light ones: a bold
header thinned by the background's normalisation, a letter at the edge taken
for a stain, a seal's ring taken off with the print it crossed. Plain
Tesseract reads such a line from the scan as it is. So, after the page is
read (and its header lines read again, :mod:`ocr.reread`), every line in
doubt — a word below :data:`LINE_DOUBT_CONF` — is cut out of the page as
scanned (:attr:`ocr.restore.RestoredPage.plain`: plain gray, cropped,
turned and deskewed as the restored page is, nothing cleaned) and read
again; the plain reading replaces the restored one only when Tesseract's
own measure says it is better: a mean word confidence :data:`MARGIN`
points higher, no word below :data:`MIN_CONF`, the whole line read
(:data:`COVER`). Each line judged is a
:class:`FloorDecision` kept with the page (its words file), whichever way
it went.

Only pages where few lines are in doubt get the floor (at most
:data:`MAX_SHARE` of their lines): on a heavily damaged page the scan's
stains are in every crop and the restored reading is the better one; that
is also where the floor would cost the most. The header's number and
place-date lines are left to :mod:`ocr.reread`, whose votes decide them.

Like the re-read, the crops of a whole run of pages are stacked on
canvases and read by one Tesseract run (:mod:`ocr.variants`): the floor
costs one Tesseract start a run and the pixels of the lines in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr.postcorrect import Knowledge
from ocr.header_lines import header_lines
from ocr.tesseract import OcrResult, OcrWord, group_lines, line_key, replace_line
from ocr.variants import Variant, VariantCanvas, place_readings, variant_canvases

__all__ = ["LINE_DOUBT_CONF", "MARGIN", "MIN_CONF", "MAX_SHARE", "COVER", "FloorDecision", "FloorPlan", "plan_floor",
           "apply_floor"]

#: A line with a word read below this confidence is in doubt.
LINE_DOUBT_CONF = 80.0
#: The plain reading's mean word confidence must be this many points above the restored reading's: on
#: generated clean and mild pages a plain crop read only a little more surely was as often further from
#: the truth as closer (docs/benchmark-history.md, "Session 18: a floor under the reading").
MARGIN = 15.0
#: ... and none of its words below this (a line the scan's stain still garbles is no floor).
MIN_CONF = 60.0
#: A page with more than this share of its lines in doubt is damaged: restoration reads it best.
MAX_SHARE = 1 / 3
#: The plain reading must cover this share of the restored line's width and of its letters and digits:
#: a crop that read only the surest word of a line ("Tâm" of "Lại Hữu Tâm") is surer, not better.
COVER = 0.9
#: Lines of fewer letters than this are not judged (a page number, a lone mark).
MIN_LETTERS = 3
#: A line's band: this share of its height above and below its words, and as much again sideways.
PAD = 0.3


@dataclass(frozen=True)
class FloorDecision:
    """One doubtful line, its restored and its plain reading, and which was kept."""

    restored: str
    plain: str
    restored_conf: float
    plain_conf: float
    kept: str  # "plain" or "restored"

    def to_json(self) -> dict[str, object]:
        """As the page's other decisions are kept (:class:`ocr.decisions.LineDecision`), with both confidences."""
        return {"stage": "floor", "kind": "line", "read": self.restored,
                "why": f"a word read below {LINE_DOUBT_CONF:.0f}% confidence", "outcome": self.kept,
                "new": self.plain, "restored_conf": round(self.restored_conf, 1),
                "plain_conf": round(self.plain_conf, 1)}


@dataclass(frozen=True)
class FloorPlan:
    """The lines of a page in doubt, where they are, and the canvases of their plain crops."""

    keys: tuple[tuple[int, int, int], ...]
    boxes: tuple[tuple[int, int, int, int], ...]
    canvases: tuple[VariantCanvas, ...]
    variant: Variant
    knowledge: Knowledge


def _mean_conf(words: list[OcrWord]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def _covers(plain: list[OcrWord], restored: list[OcrWord]) -> bool:
    """The plain reading spans the restored line and holds as many of its letters and digits (:data:`COVER`)."""
    def span(words: list[OcrWord]) -> int:
        return max(w.left + w.width for w in words) - min(w.left for w in words)

    def signs(words: list[OcrWord]) -> int:
        return sum(ch.isalnum() for w in words for ch in w.text)

    return span(plain) >= COVER * span(restored) and signs(plain) >= COVER * signs(restored)


def _box(words: list[OcrWord], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` of a line's band on the page."""
    pad = int(PAD * float(np.median([w.height for w in words])))
    return (max(0, min(w.top for w in words) - pad), min(shape[0], max(w.top + w.height for w in words) + pad),
            max(0, min(w.left for w in words) - pad), min(shape[1], max(w.left + w.width for w in words) + pad))


def plan_floor(plain: np.ndarray | None, result: OcrResult, knowledge: Knowledge, lang: str) -> FloorPlan | None:
    """The lines of a page's reading to read again from the scan, or ``None`` when there is nothing to do.

    Args:
        plain: The page as scanned, in the restored page's geometry (``None``: no floor).
        result: The page's reading (zones read, header lines read again).
        lang: The Tesseract language the page is read with.
    """
    if plain is None:
        return None
    lines = group_lines(result.words)
    header = {line_key(line.words[0]) for line in header_lines(result, plain.shape[0], knowledge) if line.words}
    doubtful = [key for key, words in lines.items()
                if key not in header and min(w.conf for w in words) < LINE_DOUBT_CONF
                and sum(ch.isalpha() for w in words for ch in w.text) >= MIN_LETTERS]
    if not doubtful or len(doubtful) > MAX_SHARE * len(lines):
        return None
    variant = Variant("plain x1", lang, 1.0)
    boxes = tuple(_box(lines[key], plain.shape) for key in doubtful)
    canvases = variant_canvases(plain, list(boxes), (variant,))
    return FloorPlan(tuple(doubtful), boxes, tuple(canvases), variant, knowledge)


def apply_floor(plan: FloorPlan, result: OcrResult, reads: list[OcrResult | None]
                ) -> tuple[OcrResult, tuple[FloorDecision, ...]]:
    """Each doubtful line's plain reading put in place of the restored one where Tesseract is surer of it.

    Args:
        plan: What :func:`plan_floor` gave for ``result``.
        reads: Each of ``plan.canvases`` as Tesseract read it (``None``: its run failed, nothing changes).

    Returns:
        The page's reading and a decision for every line judged.
    """
    readings = place_readings(list(plan.canvases), reads, list(plan.boxes), (plan.variant,), plan.knowledge)
    lines = group_lines(result.words)
    decisions = []
    for key, (plain_words,) in zip(plan.keys, readings, strict=True):
        restored = lines.get(key, [])
        if not plain_words or not restored:
            continue
        restored_conf, plain_conf = _mean_conf(restored), _mean_conf(plain_words)
        better = (plain_conf >= restored_conf + MARGIN and min(w.conf for w in plain_words) >= MIN_CONF
                  and _covers(plain_words, restored))
        decisions.append(FloorDecision(" ".join(w.text for w in restored), " ".join(w.text for w in plain_words),
                                       restored_conf, plain_conf, "plain" if better else "restored"))
        if better:
            result = replace_line(result, key, plain_words)
    return result, tuple(decisions)

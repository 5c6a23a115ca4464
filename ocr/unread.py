"""Print the page read missed: letters no word covers, found on the page and read on their own.

Tesseract's layout analysis drops some print altogether: the rest of a line
after a termite's trail crossed it ("… đã được công bố." read as "tục hành"),
a word between two stains ("Kiểm … chất lượng"), the signer's name under the
strokes of a signature, a page number standing alone at the top of a
continuation page. Plain Tesseract loses them too; the page's other stages
only look again at lines that were read.

So, once a page is read, :func:`unread_groups` takes the restored page's ink
away from under every word read (its box a little grown), keeps the blobs
left that are the size of letters (not specks, accents, rules, signatures
or blots) and joins those side by side on one row into groups.
:func:`plan_unread` cuts each group that could be print out of the page, the
words read whitened, and stacks the crops on a canvas (:mod:`ocr.variants`)
read in the same Tesseract run as the floor's crops (:mod:`ocr.floor`).
:func:`apply_unread` keeps what Tesseract reads surely, by where it stands:

- **in a read line** (its middle within the band of a line's words): each
  word read at :data:`WORD_CONF` or above, letters or digits more than half of it, of a
  group of at least :data:`MIN_BLOBS` blobs, goes into that line where it
  stands; a lone blob beside a line is more often a stain's ring than a lost
  letter;
- **on a row of its own**: a group of at least :data:`LINE_BLOBS` blobs
  whose sure words span half of it and read at :data:`LINE_CONF` on average
  becomes a line of its own, after the nearest line above it that it lies
  under; a group of one or two blobs only when it is alone on its row and
  reads as a number at :data:`NUMBER_CONF` (a page number); a lone letter
  there is a termite hole's ring as often as print.

Every group read is a :class:`ocr.decisions.LineDecision` kept with the
page (stage ``"unread"``), found or not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.decisions import LineDecision
from ocr.postcorrect import Knowledge, mostly_signs
from ocr.tesseract import OcrResult, OcrWord, group_lines, insert_line, replace_line, words_to_text
from ocr.pixels import components
from ocr.variants import Variant, VariantCanvas, place_readings, variant_canvases

__all__ = ["LINE_BLOBS", "LINE_CONF", "MIN_BLOBS", "NUMBER_CONF", "WORD_CONF", "Group", "UnreadPlan",
           "apply_unread", "plan_unread", "unread_groups"]

#: Darker than this on the restored page (white paper) is ink.
INK = 180
#: A word read takes the ink within its box grown by this share of the page's word height.
MASK = 0.25
#: A letter's blob: its height this share of the page's word height (accents and specks are lower, a
#: signature's strokes and blots taller), its width at most :data:`_WIDEST` heights.
_LOW, _TALL, _WIDEST = 0.35, 1.6, 4.0
#: Blobs join a group when the space between them is under this many word heights and their middles
#: are within :data:`_ROW` of one.
_SPACE, _ROW = 1.2, 0.5
#: A space between a group and a line on its row is damage when this share of its columns holds ink.
_DAMAGED = 0.3
#: A group's crop: this share of the word height above and below it, and :data:`_PAD_SIDE` beside it.
_PAD, _PAD_SIDE = 0.3, 0.5
#: A page has at most this many groups read (the most blobs first): a page of stains is restoration's.
MAX_GROUPS = 24

#: A word put into a read line is read at least this surely ...
WORD_CONF = 80.0
#: ... from a group of at least this many blobs.
MIN_BLOBS = 2
#: A line of its own: at least this many blobs, its sure words read this surely on average.
LINE_BLOBS = 3
LINE_CONF = 85.0
#: A lone number on a row of its own (a page number) is read at least this surely.
NUMBER_CONF = 90.0
#: The page's word height when too few words were read to measure it.
_DEFAULT_HEIGHT = 30.0


@dataclass(frozen=True, order=True)
class Group:
    """Blobs of ink side by side on one row that no word read covers."""

    top: int
    bottom: int
    left: int
    right: int
    blobs: int


@dataclass(frozen=True)
class UnreadPlan:
    """The groups of a page worth reading, how each stands, and the canvases of their crops."""

    groups: tuple[Group, ...]
    #: Per group: the key of the read line it is in, or ``None`` for a group on a row of its own.
    lines: tuple[tuple[int, int, int] | None, ...]
    boxes: tuple[tuple[int, int, int, int], ...]
    canvases: tuple[VariantCanvas, ...]
    variant: Variant
    knowledge: Knowledge


def _word_height(words: tuple[OcrWord, ...]) -> float:
    heights = [w.height for w in words if any(ch.isalnum() for ch in w.text)]
    return float(np.median(heights)) if heights else _DEFAULT_HEIGHT


def _masked(image: np.ndarray, words: tuple[OcrWord, ...], grow: int) -> np.ndarray:
    """``image`` with every word's box, grown by ``grow`` pixels, whitened."""
    out = image.copy()
    for w in words:
        out[max(0, w.top - grow) : w.top + w.height + grow, max(0, w.left - grow) : w.left + w.width + grow] = 255
    return out


def unread_groups(image: np.ndarray, words: tuple[OcrWord, ...]) -> list[Group]:
    """The groups of letter-sized blobs of ``image`` (restored, gray) that no word of ``words`` covers."""
    height = _word_height(words)
    return _groups(_masked(image, words, round(MASK * height)), height)


def _groups(masked: np.ndarray, height: float) -> list[Group]:
    """:func:`unread_groups` of the page with its words whitened (:func:`_masked`), words ``height`` high."""
    n, _, stats, _ = components((masked < INK).astype(np.uint8))
    x, y, w, h = (stats[1:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    letter = (h >= _LOW * height) & (h <= _TALL * height) & (w <= _WIDEST * height)
    blobs = sorted(zip(x[letter].tolist(), y[letter].tolist(), w[letter].tolist(), h[letter].tolist(), strict=True))
    parent = list(range(len(blobs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (bx, by, bw, bh) in enumerate(blobs):
        for j in range(i + 1, len(blobs)):
            cx, cy, _, ch = blobs[j]
            if cx - (bx + bw) > _SPACE * height:
                break  # sorted by left: every later blob is further away
            if abs((by + bh / 2) - (cy + ch / 2)) <= _ROW * height:
                parent[root(j)] = root(i)
    members: dict[int, list[tuple[int, int, int, int]]] = {}
    for i, blob in enumerate(blobs):
        members.setdefault(root(i), []).append(blob)
    return sorted(Group(min(b[1] for b in g), max(b[1] + b[3] for b in g), min(b[0] for b in g),
                        max(b[0] + b[2] for b in g), len(g)) for g in members.values())


def _band(words: list[OcrWord]) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` of a line's words."""
    return (min(w.top for w in words), max(w.top + w.height for w in words),
            min(w.left for w in words), max(w.left + w.width for w in words))


def _line_of(group: Group, bands: dict[tuple[int, int, int], tuple[int, int, int, int]], image: np.ndarray,
             height: float) -> tuple[int, int, int] | None:
    """The read line ``group`` stands in, or ``None``.

    The line's band holds the group's middle, the nearest such line sideways; a space wider than a word's
    (:data:`_SPACE`) between them must be damage (ink in :data:`_DAMAGED` of its columns: a stain, a
    termite's trail), not clean paper, which parts the columns of a header.
    """
    middle = (group.top + group.bottom) / 2
    rows = [(max(0, left - group.right, group.left - right), key) for key, (top, bottom, left, right) in bands.items()
            if top <= middle <= bottom]
    if not rows:
        return None
    space, key = min(rows)
    if space <= _SPACE * height:
        return key
    top, bottom, left, right = bands[key]
    strip = image[top:bottom, right : group.left] if right <= group.left else image[top:bottom, group.right : left]
    return key if strip.size and (strip < INK).any(axis=0).mean() >= _DAMAGED else None


def _alone(group: Group, groups: list[Group], bands: dict[tuple[int, int, int], tuple[int, int, int, int]],
           height: float) -> bool:
    """Nothing else on ``group``'s row (half a word height either side): no line read, no other group."""
    top, bottom = group.top - height / 2, group.bottom + height / 2
    return (not any(t < bottom and b > top for t, b, _, _ in bands.values())
            and not any(g is not group and g.top < bottom and g.bottom > top for g in groups))


def plan_unread(image: np.ndarray, result: OcrResult, knowledge: Knowledge, lang: str) -> UnreadPlan | None:
    """The groups of a page's unread print to read, or ``None`` when there is none.

    Args:
        image: The restored page the reading was made from.
        result: The page's reading.
        lang: The Tesseract language the page is read with.
    """
    height = _word_height(result.words)
    bands = {key: _band(words) for key, words in group_lines(result.words).items()}
    masked = _masked(image, result.words, round(MASK * height))
    groups = _groups(masked, height)
    chosen: list[tuple[Group, tuple[int, int, int] | None]] = []
    for g in groups:
        key = _line_of(g, bands, image, height)
        if (g.blobs >= MIN_BLOBS if key is not None
                else g.blobs >= LINE_BLOBS or _alone(g, groups, bands, height)):
            chosen.append((g, key))
    if not chosen:
        return None
    chosen = sorted(chosen, key=lambda gk: -gk[0].blobs)[:MAX_GROUPS]
    pad, side = round(_PAD * height), round(_PAD_SIDE * height)
    boxes = tuple((max(0, g.top - pad), min(image.shape[0], g.bottom + pad), max(0, g.left - side),
                   min(image.shape[1], g.right + side)) for g, _ in chosen)
    variant = Variant("unread x1", lang, 1.0)
    canvases = variant_canvases(masked, list(boxes), (variant,))
    return UnreadPlan(tuple(g for g, _ in chosen), tuple(k for _, k in chosen), boxes, tuple(canvases),
                      variant, knowledge)


def _overlaps(word: OcrWord, words: tuple[OcrWord, ...]) -> bool:
    """``word``'s box shares a third of its width with a word's on the same row."""
    return any(min(word.left + word.width, w.left + w.width) - max(word.left, w.left) > word.width / 3
               and min(word.top + word.height, w.top + w.height) > max(word.top, w.top) for w in words)


def _sure(words: list[OcrWord], kept: tuple[OcrWord, ...]) -> list[OcrWord]:
    """The words read surely, letters or digits more than half of them (a seal's arc beside "./." reads
    "L/," at 85%), that stand where no kept word does."""
    return [w for w in words if w.conf >= WORD_CONF and not mostly_signs(w.text) and not _overlaps(w, kept)]


def _judge(group: Group, key: tuple[int, int, int] | None, read: list[OcrWord],
           kept: tuple[OcrWord, ...]) -> tuple[list[OcrWord], str]:
    """The words of a group's reading to keep, and why (or why none)."""
    sure = _sure(read, kept)
    if key is not None:
        return sure, "in a read line" if sure else "nothing read surely"
    if group.blobs < LINE_BLOBS:
        number = len(read) == 1 and read[0].text.rstrip(".").isdigit() and read[0].conf >= NUMBER_CONF
        return (sure, "a number alone on its row") if number and sure else ([], "not a sure number")
    if not sure or sum(w.width for w in sure) < (group.right - group.left) / 2:
        return [], "too little read surely"
    if sum(w.conf for w in sure) / len(sure) < LINE_CONF:
        return [], "read too unsurely"
    return sure, "a line of its own"


def _new_line(words: tuple[OcrWord, ...], group: Group, new: list[OcrWord]) -> tuple[OcrWord, ...]:
    """``words`` with ``new`` as a line of its own after the lowest line above it that it lies under (one
    sharing its columns), else before the highest line below it that it lies over, else first on the
    page (:func:`ocr.tesseract.insert_line`)."""
    bands = [(_band(ws), key) for key, ws in group_lines(words).items()]
    columns = [(band, key) for band, key in bands if band[2] < group.right and band[3] > group.left]
    above = [(band[1], key) for band, key in columns if band[1] <= group.top]
    below = [(band[0], key) for band, key in columns if band[0] >= group.bottom]
    if above:
        return insert_line(words, max(above)[1], new)
    if below:
        return insert_line(words, min(below)[1], new, before=True)
    line_no = max((w.line for w in words), default=0) + 1
    block = min((w.block for w in words), default=1) - 1
    return tuple(replace(w, block=block, par=1, line=line_no) for w in new) + words


def apply_unread(plan: UnreadPlan, result: OcrResult, reads: list[OcrResult | None]
                 ) -> tuple[OcrResult, tuple[LineDecision, ...]]:
    """The sure readings of a page's unread print put into its reading (see the module's rules).

    Args:
        plan: What :func:`plan_unread` gave for the page.
        result: The page's reading (it may have changed since the plan, by the floor: a word read where a
            group is by then keeps its place).
        reads: Each of ``plan.canvases`` as Tesseract read it (``None``: its run failed, nothing changes).

    Returns:
        The page's reading and a decision for every group read.
    """
    readings = place_readings(list(plan.canvases), reads, list(plan.boxes), (plan.variant,), plan.knowledge)
    decisions = []
    # Top to bottom, so lines added above are in place for those below.
    for group, key, (read,) in sorted(zip(plan.groups, plan.lines, readings, strict=True),
                                      key=lambda item: (item[0].top, item[0].left)):
        if not read:
            continue
        lines = group_lines(result.words)
        live = key if key is not None and key in lines else None
        keep, why = _judge(group, live, read, result.words)
        seen = " ".join(w.text for w in read)
        decisions.append(LineDecision("unread", "line", "", why if keep else f"{why}: {seen}",
                                      "found" if keep else "not found", " ".join(w.text for w in keep)))
        if keep and live is not None:
            result = replace_line(result, live, sorted(lines[live] + keep, key=lambda w: w.left))
        elif keep:
            words = _new_line(result.words, group, keep)
            result = replace(result, text=words_to_text(words), words=words)
    return result, tuple(decisions)

"""Lines of words as Tesseract read them, mended: a line's end read as a block of its own put back
(:func:`join_row_pieces`), a line read across two columns cut at their gutter (:func:`split_columns`) or
before a standard line of the profile (:func:`cut_standard_lines`), a line read twice kept once
(:func:`drop_twice_read`).

Pure functions of :class:`~ocr.tesseract.OcrWord` lists; :func:`ocr.layout.canvas_words` runs them on
every page read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import groupby

import numpy as np
from rapidfuzz.distance import Levenshtein

from ocr.tesseract import OcrWord, group_lines, line_key
from pipeline.folding import fold, is_capitals

__all__ = ["CAPITALS", "PrintedGap", "COLUMN_GAP_HEIGHTS", "MIDDLE_BAND", "MIDDLE_GAP_HEIGHTS", "MIDDLE_GAP_SPACES", "NEIGHBOUR_LINES",
           "ROW_JOIN_HEIGHTS", "ROW_JOIN_SPACES", "STANDARD_WORDS", "TWICE_LETTERS", "TWICE_OVERLAP", "TWICE_WORDS",
           "cut_standard_lines", "drop_twice_read", "join_row_pieces", "split_columns"]


#: Whether the space between two words of a line (the first, then the second) holds print on the page.
PrintedGap = Callable[[OcrWord, OcrWord], bool]

#: A gap between two words of one line wider than this many times the line's word height
#: is a gutter between two columns, not a space (a justified line stretches its spaces to
#: about one height; the number and the place-date of a header sit 5–10 heights apart).
COLUMN_GAP_HEIGHTS = 3.0
#: Header columns set close together leave a narrower gap, in the middle of the text: a gap this many
#: word heights wide whose middle is within :data:`MIDDLE_BAND` of the text's centre (a share of the
#: text's width), with two words or more on each side, is a gutter too. A blank left for a handwritten
#: number ("Số:        /QĐ-UBND") has one word before it and stays one line.
MIDDLE_GAP_HEIGHTS = 1.5
MIDDLE_BAND = 0.15
#: ... and at least this many times the line's usual (median) space: a justified line stretches
#: every space alike (1.6 heights each on a short monospace line; its widest space is at most
#: 1.2 times the median), none of them a gutter, while a gutter between header columns set in
#: monospace is about twice its line's wide spaces.
MIDDLE_GAP_SPACES = 1.5


#: A header line set in capitals with its columns one space apart ("… TỈNH HẢI DƯƠNG CỘNG HOÀ XÃ HỘI …")
#: has no gap to cut at; the gutter of a line next to it (at most this many line heights above or below)
#: tells which space is the gutter: the one under it nearest its middle.
NEIGHBOUR_LINES = 2.5
#: ... when at least this share of the line's letters are capitals (the issuer's lines and the motto;
#: a line of running text beside a cut row, "… biết./." above "Nơi nhận: | KT. GIÁM ĐỐC", is not).
CAPITALS = 0.8


def _spaces(line: list[OcrWord]) -> list[tuple[int, int, float]]:
    """Each space of a line: the index of the word after it, its width, and its middle."""
    return [(k, w.left - prev.left - prev.width, (prev.left + prev.width + w.left) / 2)
            for k, (prev, w) in enumerate(zip(line, line[1:]), start=1)]


def _middle_gaps(line: list[OcrWord], centre: float, band: float) -> list[tuple[int, int, float]]:
    """The spaces of a line that may be a gutter between header columns set close together: wider than
    :data:`MIDDLE_GAP_HEIGHTS` and than the line's usual space (:data:`MIDDLE_GAP_SPACES`), in the middle
    of the text, with two words or more on each side."""
    height = float(np.median([w.height for w in line]))
    spaces = _spaces(line)
    usual = float(np.median([gap for _, gap, _ in spaces])) if spaces else 0.0
    return [(k, gap, middle) for k, gap, middle in spaces
            if gap > MIDDLE_GAP_HEIGHTS * height and gap > MIDDLE_GAP_SPACES * usual
            and abs(middle - centre) <= band and k >= 2 and len(line) - k >= 2]


def _cuts(line: list[OcrWord], gap_heights: float, middle_gaps: list[tuple[int, int, float]],
          near: Sequence[tuple[list[OcrWord], bool]] = (), printed: PrintedGap | None = None) -> list[int]:
    """Where a line is cut (indices of the words that start a new line): gutters by their gap alone.

    A gap in the middle of the text (:func:`_middle_gaps`) is a gutter only when a line next to it
    (``near``: each with whether it has such a gap too; within :data:`NEIGHBOUR_LINES` of its height)
    has one too or is clear of print over it, or none is near: a header's columns run down past their
    first line, while a space a justified line stretched after a full stop ("… kể từ ngày ký.   Chánh
    Văn phòng …") has the running text of the lines around it over it. A gap that holds print
    (``printed``: words Tesseract did not read) is no gutter either way.
    """
    height = float(np.median([w.height for w in line]))
    around = [(other, gaps) for other, gaps in near
              if other and abs(other[0].top - line[0].top) <= NEIGHBOUR_LINES * height]
    middle = {k for k, gap, at in middle_gaps
              if not around or any(gaps or _clear(other, at, gap / 4) for other, gaps in around)}
    cuts: list[int] = []
    for k, gap, _ in _spaces(line):
        since = cuts[-1] if cuts else 0
        if ((gap > gap_heights * height or (k in middle and k - since >= 2))
                and not (printed and printed(line[k - 1], line[k]))):
            cuts.append(k)
    return cuts


def _clear(line: list[OcrWord], middle: float, half: float) -> bool:
    """No word of ``line`` reaches into ``middle ± half``."""
    return not any(w.left < middle + half and w.left + w.width > middle - half for w in line)


def _capitals(line: list[OcrWord]) -> bool:
    return is_capitals(" ".join(w.text for w in line), CAPITALS, min_letters=8)


def _under_gutter(line: list[OcrWord], near: list[tuple[list[OcrWord], list[int]]]) -> list[int]:
    """The cut of a capitals line without one: the space under a neighbouring line's gutter (reaching into it)
    nearest its middle,
    with two words or more on each side; none when no neighbour has a gutter over one of its spaces, or the
    line does not reach halfway into both of the neighbour's columns (the issuer's second line, wider than
    the number under it, ends in the gutter: it is one column)."""
    # The median word: a stain read as a tall "word" on the line (86 px among 47) is no measure of its print.
    top, height = line[0].top, float(np.median([w.height for w in line]))
    first, last = line[0].left, line[-1].left + line[-1].width
    for other, cuts in near:
        if not cuts or abs(other[0].top - top) > NEIGHBOUR_LINES * height:
            continue
        letters = [sum(ch.isalpha() for w in part for ch in w.text) for part in (other[: cuts[0]], other[cuts[0]:])]
        if min(letters) < 3 or float(np.median([w.height for w in other])) < 0.6 * height:
            continue  # specks read as a line: their gaps are no gutter
        start = other[cuts[0] - 1].left + other[cuts[0] - 1].width
        stop = other[cuts[0]].left
        end = other[cuts[1] - 1 if len(cuts) > 1 else -1]
        if first > start - (start - other[0].left) / 2 or last < stop + (end.left + end.width - stop) / 2:
            continue
        gutter = (start + stop) / 2
        # A space that reaches into the gutter: set one space apart, the columns' space may end just
        # where the neighbour's gutter begins ("… HƯNG CỘNG HÒA …" over "… ĐÀO TẠO   Độc lập …").
        under = [(abs(middle - gutter), k) for k, gap, middle in _spaces(line)
                 if middle - gap / 2 <= stop and middle + gap / 2 >= start and 2 <= k <= len(line) - 2]
        if under:
            return [min(under)[1]]
    return []


#: A line's end read as a block of its own (Tesseract's layout cuts "- Cục Thuế tỉnh | Bắc Giang" where
#: nothing is but a word space) joins the line on its left when the space between them is at most this
#: many word heights...
ROW_JOIN_HEIGHTS = 1.2
#: ... and this many times the left line's usual space (a header's columns set close together are about
#: twice their line's spaces apart, monospace too: they stay apart).
ROW_JOIN_SPACES = 1.4


def _lettered(line: list[OcrWord]) -> list[OcrWord]:
    """The words of a line holding a letter or digit (a dash or a dot is not as tall as the line)."""
    return [w for w in line if any(ch.isalnum() for ch in w.text)] or line


def _joins(left: list[OcrWord], right: list[OcrWord]) -> float | None:
    """The space between ``left``'s end and ``right``'s start when ``right`` goes on at ``left``'s end
    (the same row, a word space on), else None."""
    (lt, lb, _, _), (rt, rb, _, _) = _extent(_lettered(left)), _extent(_lettered(right))
    ll, lr, rl = left[0].left, max(w.left + w.width for w in left), right[0].left
    low, high = sorted(float(np.median([w.height for w in _lettered(line)])) for line in (left, right))
    gap = rl - lr
    spaces = [g for _, g, _ in _spaces(left)] or [g for _, g, _ in _spaces(right)]
    usual = float(np.median(spaces)) if spaces else ROW_JOIN_HEIGHTS * low
    if (high > 1.4 * low or min(lb, rb) - max(lt, rt) < TWICE_OVERLAP * low or rl <= ll
            or not -0.3 * low <= gap <= min(ROW_JOIN_HEIGHTS * low, ROW_JOIN_SPACES * max(usual, 0.0))):
        return None
    if _capitals(left) and _capitals(right):
        return None  # header columns set one space apart (:func:`_under_gutter` cuts them when read as one)
    return float(gap)


def join_row_pieces(words: Sequence[OcrWord]) -> tuple[OcrWord, ...]:
    """Words with a line's end that Tesseract read as a block of its own put back on its line.

    Tesseract's layout analysis now and then makes a block of a line's last words ("- CT, các PCT |
    UBND;", "- Cục Thuế tỉnh | Bắc Giang"), read after the blocks beside it, so the line comes out in two
    and the piece far from it. A block of one line that starts a word space after the end of a line of
    another block, on the same row (:func:`_joins`), is that line's end: its words follow the line's, on
    its line. The nearest such line takes it; nothing else moves, and no word is lost.
    """
    lines = group_lines(words)
    per_block = Counter(block for block, _, _ in lines)
    taken: dict[tuple[int, int, int], tuple[float, tuple[int, int, int]]] = {}
    for b, right in lines.items():
        if per_block[b[0]] > 1:
            continue
        for a, left in lines.items():
            gap = None if a[0] == b[0] else _joins(left, right)
            if gap is not None and (b not in taken or gap < taken[b][0]):
                taken[b] = (gap, a)
    ends: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
    for b, (_, a) in taken.items():
        ends.setdefault(a, []).append(b)
    out: list[OcrWord] = []

    def put(key: tuple[int, int, int], into: tuple[int, int, int]) -> None:
        out.extend(w if line_key(w) == into else replace(w, block=into[0], par=into[1], line=into[2])
                   for w in lines[key])
        for b in sorted(ends.get(key, ()), key=lambda k: lines[k][0].left):
            put(b, into)

    for key in lines:
        if key not in taken:
            put(key, key)
    return tuple(out)


#: Two lines read on the same row and across the same columns are one line of print read twice when
#: they overlap this share of the lower one's height and of the narrower one's width...
TWICE_OVERLAP = 0.6
#: ... and each holds this many words and letters: a scribble read over a signer's name is the
#: post-correction's (:mod:`ocr.postcorrect`); a "Số" under a speck is not judged here.
TWICE_WORDS = 4
TWICE_LETTERS = 10


def _extent(line: Sequence[OcrWord]) -> tuple[float, float, int, int]:
    """A line's rows, its words' median top and bottom (a mark at its end makes one word tall), and columns."""
    return (float(np.median([w.top for w in line])), float(np.median([w.top + w.height for w in line])),
            min(w.left for w in line), max(w.left + w.width for w in line))


def _evidence(line: Sequence[OcrWord]) -> float:
    """Letters and digits read, each weighed by its word's confidence."""
    return sum(w.conf / 100 * sum(ch.isalnum() for ch in w.text) for w in line)


def drop_twice_read(words: Sequence[OcrWord]) -> tuple[OcrWord, ...]:
    """Words without the lesser of two readings of one line of print.

    Tesseract may find one line twice when a tall mark touches it (a seal's
    ring over "… Xây lắp Thanh Hóa được biết./."): two lines on the same row,
    across the same columns, their words interleaved, each missing some of
    the other's. The reading with less evidence (:func:`_evidence`) goes;
    the words of every other line stay, in their order.
    """
    sized = {k: line for k, line in group_lines(words).items()
             if len(line) >= TWICE_WORDS and sum(ch.isalnum() for w in line for ch in w.text) >= TWICE_LETTERS}
    extents = {k: _extent(line) for k, line in sized.items()}
    keys = list(sized)
    dropped: set[tuple[int, int, int]] = set()
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a in dropped or b in dropped:
                continue
            (at, ab, al, ar), (bt, bb, bl, br) = extents[a], extents[b]
            rows = min(ab, bb) - max(at, bt)
            cols = min(ar, br) - max(al, bl)
            if (rows >= TWICE_OVERLAP * max(min(ab - at, bb - bt), 1)
                    and cols >= TWICE_OVERLAP * max(min(ar - al, br - bl), 1)):
                dropped.add(min((a, b), key=lambda k: _evidence(sized[k])))
    return tuple(w for w in words if line_key(w) not in dropped)


def split_columns(words: Sequence[OcrWord], gap_heights: float = COLUMN_GAP_HEIGHTS,
                  printed: PrintedGap | None = None) -> tuple[OcrWord, ...]:
    """Words with each line cut where a gutter runs through it.

    Tesseract joins the pieces of two columns that share a row (the number
    on the left and the place-date on the right, "Nơi nhận:" and the
    signer's title) into one line when the rest of the page is one column.
    A gap wider than ``gap_heights`` times the line's median word height, or
    a narrower one in the middle of the text (:data:`MIDDLE_GAP_HEIGHTS`)
    that is wider than the line's other spaces (:data:`MIDDLE_GAP_SPACES`)
    and not under or over running text (:func:`_cuts`), starts a new line
    (a new ``line`` number in the same block and paragraph, after every
    line number used), so each column's text is a line of its own. A line
    in capitals with no such gap, next to a line that has one, is cut at
    its space under that gutter (:data:`NEIGHBOUR_LINES`, :data:`CAPITALS`):
    header columns set one space apart. A gap ``printed`` says holds print
    (the page's ink between two words: print Tesseract dropped, "714/C
    [V-PC13] ngày") is no gutter. The words and their order are unchanged.
    """
    left = min((w.left for w in words), default=0)
    right = max((w.left + w.width for w in words), default=0)
    centre, band = (left + right) / 2, MIDDLE_BAND * (right - left)
    lines = [list(group) for _, group in groupby(words, key=line_key)]
    gaps = [_middle_gaps(line, centre, band) for line in lines]
    beside = [[j for j in (i - 1, i + 1) if 0 <= j < len(lines)] for i in range(len(lines))]
    first = [_cuts(line, gap_heights, gaps[i], [(lines[j], bool(gaps[j])) for j in beside[i]], printed)
             for i, line in enumerate(lines)]
    cuts = [at or (_under_gutter(line, [(lines[j], first[j]) for j in beside[i]])
                   if _capitals(line) else [])
            for i, (line, at) in enumerate(zip(lines, first, strict=True))]
    return _cut(words, lines, cuts)


def _cut(words: Sequence[OcrWord], lines: list[list[OcrWord]], cuts: list[list[int]]) -> tuple[OcrWord, ...]:
    """The words of ``lines`` (``words`` grouped by line, in order), each line cut before the words at its
    ``cuts``: a new ``line`` number in the same block and paragraph, after every one used."""
    out: list[OcrWord] = []
    next_line = max((w.line for w in words), default=0) + 1
    for line, at in zip(lines, cuts, strict=True):
        current = line[0].line
        for k, w in enumerate(line):
            if k in at:
                current, next_line = next_line, next_line + 1
            out.append(w if current == w.line else replace(w, line=current))
    return tuple(out)


#: A standard line (the profile's, :attr:`ocr.postcorrect.Knowledge.formulas`) of this many words or more is a
#: line of its own: the motto, an issuer's name; "UBND" or "QUYẾT ĐỊNH" may be words of another line.
STANDARD_WORDS = 4


def _standard_at(line: list[OcrWord], formulas: Sequence[str]) -> list[int]:
    """Where a line read across other words and a standard line is cut: before the standard line ending it
    (its words within one letter in ten, folded, in capitals when it is), two words or more before it, a
    space wider than the line's others before it (:data:`MIDDLE_GAP_SPACES`: "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO
    TẠO" is one line, though its end is a standard line too).

    Only the end: the right column is read last, and a standard line that starts a line may go on
    ("ỦY BAN NHÂN DÂN" of "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA")."""
    spaces = {k: gap for k, gap, _ in _spaces(line)}
    cuts: set[int] = set()
    for formula in formulas:
        n = len(formula.split())
        k = len(line) - n
        if n < STANDARD_WORDS or k < 2:
            continue
        usual = float(np.median([gap for j, gap in spaces.items() if j != k]))
        want = fold(formula).replace(" ", "")
        text = " ".join(w.text for w in line[k:])
        if (spaces[k] >= MIDDLE_GAP_SPACES * usual and is_capitals(text) == is_capitals(formula)
                and Levenshtein.distance(fold(text).replace(" ", ""), want) <= max(1, len(want) // 10)):
            cuts.add(k)
    return sorted(cuts)[:1]


def cut_standard_lines(words: Sequence[OcrWord], formulas: Sequence[str]) -> tuple[OcrWord, ...]:
    """Words with a standard line read at the end of a longer line made a line of its own.

    Header columns set one space apart ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    the issuer on a line of its own, no gutter under it) leave nothing in the print to cut at
    (:func:`split_columns`); the motto, the office's name are lines the profile knows
    (:func:`_standard_at`). The cut starts a new line number, as :func:`split_columns` does; words and
    their order are unchanged.
    """
    lines = [list(group) for _, group in groupby(words, key=line_key)]
    return _cut(words, lines, [_standard_at(line, formulas) for line in lines])

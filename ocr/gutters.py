"""Gutters between two columns of print, found on the layout's small view of a page (:mod:`ocr.layout`).

A gutter is a white strip that a run of text lines leaves empty, with print on
both sides (:func:`find_gutter`); it stands when it is white at full size too
(:func:`white_at_full_size`, :func:`white_lines`). Faded print the small view
lost still ends a run, in one of its bands or between two, and spaces that a typewriter's
justified lines line up are no gutter (:func:`_spaces_lined_up`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ocr.pixels import true_runs

__all__ = ["GUTTER_LINES", "WHITE_LINES", "WIDE_GUTTER_LINES", "find_gutter", "print_rows", "text_lines",
           "white_at_full_size", "white_lines"]

#: A line whose letters fill this share of a gutter's columns runs through it (a line of the body, not
#: the fragments of a seal's ring or a signature's strokes in the gutter of a footer).
_THROUGH_SHARE = 0.35


def print_rows(ink: np.ndarray) -> np.ndarray:
    """Whether each row of ``ink`` holds print: more of it than a few specks' worth."""
    return ink.sum(axis=1) > max(2, ink.shape[1] // 400)


def text_lines(ink: np.ndarray, *, min_height: int = 4) -> list[tuple[int, int]]:
    """Row bands ``(top, bottom)`` that hold ink (:func:`print_rows`), in page order."""
    return [(t, b) for t, b in true_runs(print_rows(ink)) if b - t >= min_height]


#: A gutter between two columns is at least this many text lines wide (a line: a band of ink,
#: marks included) on the layout's quarter-size view: a word space is a third of one.
WIDE_GUTTER_LINES = 1.5
#: Header columns set close together leave 0.8-1.5 lines, and were read straight across; a gutter
#: down to this many lines is taken when it is white at full size too (:func:`white_at_full_size`).
#: On a small print's quarter-size view a word space can look that wide (a poem's verses, a 100 dpi
#: scan), and a speck in a damaged gutter ends it: either way the page is read as before.
GUTTER_LINES = 0.75
#: Darker than this is ink when a narrow gutter is checked at full size (the restored paper is white).
_GUTTER_INK = 160


#: A column beside a gutter holds ink across at least this many line heights (a word) of its width.
_SIDE_LINES = 1.5


def _two_columns(ink: np.ndarray, bands: list[tuple[int, int]], letters: np.ndarray,
                 letter_lines: list[tuple[int, int]], *, through: bool, min_gutter: float = 0.0,
                 line_h: float | None = None, gutter_lines: float = WIDE_GUTTER_LINES
                 ) -> tuple[int, int, int] | None:
    """The longest run of ``bands`` (in the order given) sharing one white gutter.

    The gutter must be wider than ``gutter_lines`` line heights (``line_h``, by
    default the median height of ``bands``) and than ``min_gutter`` (a share of the width).
    ``letters`` (:func:`ocr.layout._letters`) keeps the light print that ``ink`` lost, and
    ``letter_lines`` are its lines (:func:`text_lines`). The run ends before a line of them lying
    between two of its bands, so faint that it made no band, whose letters fill
    :data:`_THROUGH_SHARE` of the gutter's columns (:func:`_before_light_line`); with ``through``,
    before a band whose letters do, too.

    Returns ``(lines in the run, gutter left, gutter right)`` in ``ink``'s
    columns, or ``None``.
    """
    if len(bands) < 2:
        return None
    w = ink.shape[1]
    margin = max(2, w // 150)
    line_h = line_h or float(np.median([b - t for t, b in bands]))

    def gutter(x: int, count: int) -> tuple[int, int]:
        rows = [ink[t:b] for t, b in bands[:count]]
        cols = np.vstack(rows).sum(axis=0)
        left = right = x
        while left > 0 and cols[left - 1] == 0:
            left -= 1
        while right < w - 1 and cols[right + 1] == 0:
            right += 1
        return left, right

    best: tuple[int, int, int] | None = None
    for x in range(int(0.25 * w), int(0.60 * w), max(1, w // 200)):
        count = 0
        for top, bottom in bands:
            if ink[top:bottom, x - margin : x + margin].any():
                break
            count += 1
        # A word space can look like a gutter on one line; a real gutter is wider
        # than a line is tall, over every line of the run.
        left = right = x
        while count >= 2:
            left, right = gutter(x, count)
            if right - left >= max(gutter_lines * line_h, min_gutter * w):
                break
            count -= 1
        if through and count >= 2 and right - left > 2:
            # The run ends before a line whose letters fill the gutter: light print the opening erased,
            # in one of its bands or between two of them (a faded body line that made no band at all).
            count = next((k for k, (t, b) in enumerate(bands[:count])
                          if letters[t:b, left + 1 : right].any(axis=0).mean() >= _THROUGH_SHARE), count)
            if count >= 2:
                left, right = gutter(x, count)
        if count >= 2 and right - left > 2 and right - left < _SPACE_LINES * line_h:
            before = _before_running_line(letters, bands, count, (left, right), line_h)
            if before < count and before >= 2:
                left, right = gutter(x, before)
                # Only a header's wide gutter above the running line stands; narrower, it is more spaces
                # of running text (justified lines whose spaces line up).
                count = before if right - left >= _RUNNING_GUTTER_LINES * line_h else 0
            elif before < count:
                count = before
        if count >= 2 and right - left > 2:
            count = _before_light_line(letters, letter_lines, bands, count, (left, right))
            if count >= 2:
                left, right = gutter(x, count)
        if count < 2 or (best is not None and count <= best[0]):
            continue
        # Print on both sides, a word's width of it or more: a speck, a blot or pieces of the paper's edge
        # at the margin beside a centred motto are no column.
        # A band whose letters fill the gutter (the body's line the small view thinned, taken in when no
        # run of light print stands) is no column's: its print beside the gutter shows no column.
        sides = [(t, b) for t, b in bands[:count]
                 if through or letters[t:b, left + 1 : right].any(axis=0).mean() < _THROUGH_SHARE]
        zone = np.vstack([ink[t:b] for t, b in sides]) if sides else ink[:0]
        if (sides and np.count_nonzero(zone[:, :left].any(axis=0)) >= _SIDE_LINES * line_h
                and np.count_nonzero(zone[:, right:].any(axis=0)) >= _SIDE_LINES * line_h
                and not _spaces_lined_up(letters, bands[:count], left, right, line_h)):
            best = (count, left, right)
    return best


#: A gutter narrower than this many line heights (:data:`WIDE_GUTTER_LINES`), that every line of its run
#: with print on both sides reaches on both sides, is a space between words lined up down a few lines (see
#: :func:`_spaces_lined_up`): two spaces of a typewriter face side by side are a line height wide.
_SPACE_LINES = WIDE_GUTTER_LINES
#: A band at most this many line heights tall holds one line of print.
_SINGLE_LINE = 1.5


def _spaces_lined_up(ink: np.ndarray, bands: list[tuple[int, int]], left: int, right: int,
                     line_h: float) -> bool:
    """Whether the gutter ``[left, right]`` of ``bands`` is a narrow space that the print on both sides
    (``ink``: the letters, light strokes kept) reaches on every line holding both: justified lines of a
    typewriter face whose spaces line up ("… để thẩm | định." over "… sót, tổ | chức, …"). A header's
    columns are each centred: their lines end and begin at different places, only the widest at the gutter.
    """
    if right - left >= _SPACE_LINES * line_h:
        return False
    reach = max(2, round(line_h))
    # A band taller than a line holds lines set close together (a header's first two): whether each of them
    # reaches the gutter cannot be told from it, so it is no evidence either way.
    single = [(t, b) for t, b in bands if b - t <= _SINGLE_LINE * line_h]
    both = [(ink[t:b, max(0, left - reach):left].any(), ink[t:b, right + 1:right + 1 + reach].any(),
             ink[t:b, :left].any() and ink[t:b, right + 1:].any()) for t, b in single]
    held = [(l, r) for l, r, two in both if two]
    return bool(held) and all(l and r for l, r in held)


#: A line's white at a narrow gutter no wider than this many times its usual space between words is one of
#: those spaces (:func:`_before_running_line`).
_RUNNING_SPACES = 1.4
#: ... and the run above that line stands when its gutter is this many line heights wide (a header's columns
#: apart; two spaces of justified lines side by side are a line and a half).
_RUNNING_GUTTER_LINES = 3.0


def _spaces_of(row: np.ndarray, line_h: float) -> list[tuple[int, int]]:
    """The white runs ``[a, b)`` between the print of one line's column profile ``row`` as wide as a space
    between words (a quarter of a line height) or wider."""
    ink = np.flatnonzero(row)
    if ink.size == 0:
        return []
    return [(ink[0] + a, ink[0] + b) for a, b in true_runs(~row[ink[0] : ink[-1] + 1])
            if b - a >= max(2.0, 0.25 * line_h)]


def _before_running_line(letters: np.ndarray, bands: list[tuple[int, int]], count: int, gutter: tuple[int, int],
                         line_h: float) -> int:
    """How many of the run's first ``count`` bands come before a line of running text whose space between two
    words is the narrow ``gutter`` (``count``: none is).

    A recipient's line under the header ("- Cục Thuế tỉnh | Bắc Giang") may have a word space just where
    the header's columns leave white: the run's gutter then shrinks to that space, which still looks like a
    gutter set close. A line whose white at the gutter is about as wide as its other spaces
    (:data:`_RUNNING_SPACES`) runs across it; a header's close columns leave about twice their spaces.
    """
    # The gutter is found on the opened view; the letters keep thin strokes, so a line's space there may
    # be narrower than the gutter: the space holding its middle column is the one.
    middle = (gutter[0] + gutter[1]) // 2
    for k, (t, b) in enumerate(bands[:count]):
        row = letters[t:b].any(axis=0)
        spaces = _spaces_of(row, line_h)
        at = [s for s in spaces if s[0] <= middle < s[1]]
        others = [s1 - s0 for s0, s1 in spaces if (s0, s1) not in at]
        if at and len(others) >= 2 and at[0][1] - at[0][0] <= _RUNNING_SPACES * float(np.median(others)):
            return k
    return count


def _before_light_line(letters: np.ndarray, light: list[tuple[int, int]], bands: list[tuple[int, int]], count: int,
                       gutter: tuple[int, int]) -> int:
    """How many of the run's first ``count`` bands come before a line of ``light`` print lying between two of
    them whose letters fill :data:`_THROUGH_SHARE` of the ``gutter``'s columns (``count``: none does).

    The bands are in the run's order, top down (a header) or bottom up (a footer).
    """
    left, right = gutter
    for k in range(1, count):
        top = min(bands[k - 1][1], bands[k][1])
        bottom = max(bands[k - 1][0], bands[k][0])
        if any(top <= t and b <= bottom and letters[t:b, left + 1 : right].any(axis=0).mean() >= _THROUGH_SHARE
               for t, b in light):
            return k
    return count


def find_gutter(ink: np.ndarray, letters: np.ndarray, letter_lines: list[tuple[int, int]],
                bands: list[tuple[int, int]], **kw: Any) -> tuple[int, int, int] | None:
    """:func:`_two_columns` with the lines of light print (``letters``, its lines ``letter_lines``) ending a
    run; where they leave no run of two lines, the run the print that shows at this size makes (a damaged
    page whose faint footer did not show is still read in its columns), short of a light line crossing its
    gutter between two of its bands (a faded body line is no footer's)."""
    return (_two_columns(ink, bands, letters, letter_lines, through=True, **kw)
            or _two_columns(ink, bands, letters, letter_lines, through=False, **kw))


def white_at_full_size(gray: np.ndarray, bands: list[tuple[int, int]], found: tuple[int, int, int],
                        factor: int, need: float) -> bool:
    """Whether the rows of ``bands`` (quarter-size) leave a white strip ``need`` pixels wide in ``gray``
    around the gutter ``found`` (``(lines, left, right)`` on the quarter-size view)."""
    _, left, right = found
    # The bands in the order given: a footer's run goes from the bottom up.
    top, bottom = min(t for t, _ in bands) * factor, max(b for _, b in bands) * factor
    x0, x1 = max(0, (left - 1) * factor), min(gray.shape[1], (right + 2) * factor)
    return _longest_run(~(gray[top:bottom, x0:x1] < _GUTTER_INK).any(axis=0)) >= need


def _longest_run(flags: np.ndarray) -> int:
    """The length of the longest run of true values in ``flags``."""
    return max((b - a for a, b in true_runs(flags)), default=0)


#: A gutter found on the layout's small view stands when, at full size, a strip of its columns is white on
#: at least this share of its lines (:func:`white_lines`): a signature's flourish may cross it on a line
#: of a footer; the letters of body lines cross every column of it on most lines (their spaces do not
#: line up).
WHITE_LINES = 0.75


def white_lines(gray: np.ndarray, bands: list[tuple[int, int]], found: tuple[int, int, int], factor: int,
                 need: float) -> bool:
    """Whether ``need`` neighbouring columns around the gutter ``found`` (quarter-size) are each white at full
    size in ``gray`` on :data:`WHITE_LINES` of ``bands`` or more (:func:`white_at_full_size` asks it of
    every row at once)."""
    _, left, right = found
    x0, x1 = max(0, (left - 1) * factor), min(gray.shape[1], (right + 2) * factor)
    white = np.mean([~(gray[t * factor : b * factor, x0:x1] < _GUTTER_INK).any(axis=0) for t, b in bands], axis=0)
    return _longest_run(white >= WHITE_LINES) >= need

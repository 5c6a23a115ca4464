"""Number and place-date lines the page read lost: where the layout puts them, and what their band reads.

A stain can eat "Số: 811/QĐ-SGDĐT" whole, or the place-date line can run
into the "V/v" line at its left. :func:`lost_lines` looks for such a line
where the layout puts it (the number line in the left column just below
the issuer's lines, the place-date line in the right column just below the
motto, both located from the words of those lines that were read), only
when the page text gives no value of that kind and only on a page with
such an anchor; :func:`band_reading` judges each line a band reads, and
:func:`insert_after` puts a value found in as a line of its own below its
anchor. :mod:`ocr.reread` reads the bands with its variants and decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from ocr.header_lines import HEADER_SHARE, ISSUER_RE, HeaderLine, judge, valid_reading
from ocr.postcorrect import Knowledge
from ocr.tesseract import OcrResult, OcrWord, group_lines, insert_line, line_key, words_to_text
from pipeline.folding import fold
from pipeline.numbers_dates import parse_number
from pipeline.patterns import MOTTO_LINE_RES
from pipeline.place_dates import parse_date_detail

__all__ = ["LostLine", "band_reading", "insert_after", "lost_box", "lost_lines"]

#: The issuer's lines, the left column's anchor: "SỞ GIÁO DỤC VÀ ĐÀO TẠO", else "UBND TỈNH …" / "THÀNH PHỐ …".
_ISSUER_ANCHORS = (ISSUER_RE, re.compile(r"(?<![a-z])(?:ubnd|thanh pho|tinh)(?![a-z])"))
#: The motto, the right column's anchor: "Độc lập - Tự do - Hạnh phúc", else "CỘNG HÒA … VIỆT NAM".
_MOTTO_ANCHORS = (MOTTO_LINE_RES[1], MOTTO_LINE_RES[0])
#: Where a lost line is, in line heights of its anchor below the anchor's bottom: ``(top, bottom)`` of
#: the band for each anchor. On the seed 11 and 21 sets (150 clean lines) the number line's top is
#: 0.3–0.8 line heights below the issuer's second line, the place-date line's 1.7–2.5 below the motto
#: (the first line of each column is one line height higher).
_BANDS = {"number": ((0.0, 2.4), (1.2, 3.8)), "date": ((1.0, 4.2), (2.2, 5.4))}


@dataclass(frozen=True)
class LostLine:
    """A number or place-date line the page read did not give: where to read it, and where it goes."""

    kind: str
    box: tuple[int, int, int, int]  # top, bottom, left, right on the page
    after: tuple[int, int, int]  # (block, par, line) of the anchor line the new line follows


def _column(words: list[OcrWord], kind: str, width: int) -> list[OcrWord]:
    """The words of a line in the column of ``kind`` (left for the number, right for the date)."""
    if kind == "number":
        return [w for w in words if w.left + w.width / 2 < 0.5 * width]
    return [w for w in words if w.left + w.width / 2 >= 0.45 * width]


def lost_box(kind: str, head: tuple[OcrWord, ...], shape: tuple[int, ...]) -> LostLine | None:
    """Where the number (or place-date) line must be, from the issuer's (or motto's) words that were read.

    The number line is in the left column just below the issuer's second
    line ("SỞ GIÁO DỤC VÀ ĐÀO TẠO"; one line lower below "UBND THÀNH PHỐ …"
    when only that was read); the place-date line in the right column below
    the motto ("Độc lập - Tự do - Hạnh phúc", or "CỘNG HÒA …"), from a few
    line heights left of the motto to the page's right edge (it may sit at
    the right of the "V/v" line). ``None`` without an anchor: a page without
    a header (a continuation page) has no line to find.
    """
    page_h, page_w = shape[:2]
    anchors = _ISSUER_ANCHORS if kind == "number" else _MOTTO_ANCHORS
    lines = list(group_lines(head).values())
    for anchor, (low, high) in zip(anchors, _BANDS[kind], strict=True):
        for words in lines:
            part = _column(words, kind, page_w)
            if len(part) < 2 or not anchor.search(fold(" ".join(w.text for w in part))):
                continue
            h = float(np.median([w.height for w in part]))
            bottom = max(w.top + w.height for w in part)
            left = min(w.left for w in part)
            right = max(w.left + w.width for w in part)
            top, low_edge = bottom + int(low * h), bottom + int(high * h)
            if kind == "number":
                side = (max(0, left - int(2 * h)), min(page_w, max(right, int(0.3 * page_w)) + int(2 * h)))
            else:
                side = (max(0, left - int(4 * h)), page_w)
            first = words[0]
            return LostLine(kind, (max(0, top), min(page_h, low_edge), *side), line_key(first))
    return None


def lost_lines(result: OcrResult, shape: tuple[int, ...], found: list[HeaderLine], knowledge: Knowledge
               ) -> list[LostLine]:
    """The number and place-date lines the page read lost, where to look for them.

    A kind of line is lost when :func:`header_lines` did not find it and
    the page text gives no value of that kind either (the records stage
    reads the page text: a value it already finds is never put at stake).
    """
    kinds = {line.kind for line in found}
    head = tuple(w for w in result.words if w.top < HEADER_SHARE * shape[0])
    out = []
    for kind in ("number", "date"):
        if kind in kinds or _page_value(kind, result.text, knowledge) is not None:
            continue
        lost = lost_box(kind, head, shape)
        if lost is not None:
            out.append(lost)
    return out


def _page_value(kind: str, text: str, knowledge: Knowledge) -> str | None:
    """The value of ``kind`` the records stage would read from a page's text."""
    if kind == "number":
        return parse_number(text, knowledge.codes)
    date = parse_date_detail(text, knowledge.places)[0]
    return date.isoformat() if date is not None else None


def band_reading(kind: str, words: list[OcrWord], knowledge: Knowledge) -> list[OcrWord]:
    """The line of a band's re-read that parses to a valid value of ``kind`` (the first), else none.

    A band holds a few lines (the "V/v" line, the title's top); each is
    judged on its own, its words left to right.
    """
    for line in sorted(group_lines(words).values(), key=lambda ws: min(w.top for w in ws)):
        line = sorted(line, key=lambda w: w.left)
        value, _, _ = judge(kind, line, knowledge)
        if value is not None and valid_reading(kind, line, knowledge):
            return line
    return []


#: The words of a place-date line as the English model reads them, with their diacritics.
_DATE_WORDS = {"ngay": "ngày", "thang": "tháng", "nam": "năm"}


def insert_after(result: OcrResult, after: tuple[int, int, int], kind: str, new: list[OcrWord]) -> OcrResult:
    """``result`` with ``new`` as a line of its own right below the anchor line ``after``
    (:func:`ocr.tesseract.insert_line`), a date's words as the Vietnamese print has them."""
    if kind == "date":
        new = [replace(w, text=_DATE_WORDS.get(w.text, w.text)) for w in new]
    words = insert_line(result.words, after, new)
    return replace(result, text=words_to_text(words), words=words)

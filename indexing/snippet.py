"""Highlighted snippets cut from the original text by folded matches."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.folding import fold_aligned

__all__ = ["make_snippet", "aligned_fold"]

_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORDS: dict[str, str] = {}


def aligned_fold(text: str) -> tuple[str, str]:
    """:func:`pipeline.folding.fold_aligned`, word by word with a cache (the same result, tested).

    ``str.translate`` with the folding table costs about a microsecond per
    non-ASCII character; the few thousand distinct words of the records are
    folded once instead.
    """
    if _COMBINING_RE.search(text):  # stray marks change lengths: the plain way
        return fold_aligned(text)
    original = unicodedata.normalize("NFC", text)
    if _COMBINING_RE.search(original):
        return fold_aligned(text)
    # Split on the space only: other whitespace stays inside a piece, where
    # folding leaves it as it is, so the lengths still match.
    pieces = original.split(" ")
    out = list(map(_WORDS.get, pieces))
    if None in out:
        for i, piece in enumerate(pieces):
            if out[i] is None:
                out[i] = fold_aligned(piece)[1]
                if len(_WORDS) < 200_000:
                    _WORDS[piece] = out[i]  # type: ignore[assignment]
    return original, " ".join(out)  # type: ignore[arg-type]


@lru_cache(maxsize=256)
def _pattern(term: str) -> re.Pattern[str] | None:
    parts = [re.escape(p) for p in re.split(r"[/\-&\s]+", term) if p]
    if not parts:
        return None
    # "(?<!\w)word" written as "word(?<!\wword)": a pattern that starts with a
    # literal is searched for with a fast scan.
    head = parts[0] + r"(?<!\w" + parts[0] + ")"
    return re.compile(r"\W*".join([head, *parts[1:]]) + r"(?!\w)")


def make_snippet(text: str, terms: list[str], *, width: int = 160) -> str:
    """A window of ``text`` around the best match, matches wrapped in ``[…]``.

    The window is centred on the first match of the earliest term that
    matches at all, so pass the whole query first and its words after.

    Matching is on folded text, so "nguyen van an" highlights "Nguyễn Văn An"
    with its diacritics intact.

    Args:
        text: The original text.
        terms: Folded search terms.
        width: About how many characters to show.
    """
    original, folded = aligned_fold(text)
    patterns = [p for p in (_pattern(t) for t in terms if t) if p is not None]
    anchor: int | None = None
    for pattern in patterns:
        if m := pattern.search(folded):
            anchor = m.start()
            break
    if anchor is None:
        single = " ".join(original.split())
        return single[:width] + ("…" if len(single) > width else "")
    start = max(0, anchor - width // 3)
    end = min(len(original), start + width)
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        # Matches that begin before the window may still overlap it: look a little earlier.
        for m in pattern.finditer(folded, max(0, start - width)):
            if m.start() >= end:
                break
            spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        # Adjacent matches separated only by spaces read as one highlight.
        if merged and (s <= merged[-1][1] or not folded[merged[-1][1] : s].strip()):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    out, pos = [], start
    for s, e in merged:
        if s < start or e > end:
            continue
        out += [original[pos:s], "[", original[s:e], "]"]
        pos = e
    out.append(original[pos:end])
    body = " ".join("".join(out).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(original) else "")

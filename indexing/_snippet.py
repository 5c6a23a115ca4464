"""Highlighted snippets cut from the original text by folded matches."""

from __future__ import annotations

import re

from pipeline.folding import fold_aligned

__all__ = ["make_snippet"]


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
    original, folded = fold_aligned(text)
    spans: list[tuple[int, int]] = []
    anchor: int | None = None
    for term in terms:
        if not term:
            continue
        pattern = r"(?<!\w)" + r"\W*".join(re.escape(p) for p in re.split(r"[/\-&\s]+", term) if p) + r"(?!\w)"
        found = [m.span() for m in re.finditer(pattern, folded)]
        if found and anchor is None:
            anchor = found[0][0]
        spans += found
    single = " ".join(original.split())
    if not spans:
        return single[:width] + ("…" if len(single) > width else "")
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        # Adjacent matches separated only by spaces read as one highlight.
        if merged and (s <= merged[-1][1] or not folded[merged[-1][1] : s].strip()):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    start = max(0, (anchor if anchor is not None else merged[0][0]) - width // 3)
    end = min(len(original), start + width)
    out, pos = [], start
    for s, e in merged:
        if s < start or e > end:
            continue
        out += [original[pos:s], "[", original[s:e], "]"]
        pos = e
    out.append(original[pos:end])
    body = " ".join("".join(out).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(original) else "")

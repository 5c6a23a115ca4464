"""Highlighted snippets cut from the original text by folded matches."""

from __future__ import annotations

import re

from pipeline.folding import fold_aligned

__all__ = ["make_snippet"]


def make_snippet(text: str, terms: list[str], *, width: int = 160) -> str:
    """A window of ``text`` around the first match, matches wrapped in ``[…]``.

    Matching is on folded text, so "nguyen van an" highlights "Nguyễn Văn An"
    with its diacritics intact.

    Args:
        text: The original text.
        terms: Folded search terms.
        width: About how many characters to show.
    """
    original, folded = fold_aligned(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        pattern = r"(?<!\w)" + r"\W*".join(re.escape(p) for p in re.split(r"[/\-&\s]+", term) if p) + r"(?!\w)"
        spans += [m.span() for m in re.finditer(pattern, folded)]
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
    start = max(0, merged[0][0] - width // 3)
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

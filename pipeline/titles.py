"""The document's name: its title ("QUYẾT ĐỊNH", "GIẤY CHỨNG NHẬN") and what it is about ("Về việc …").

Both are read on folded text (see :mod:`pipeline.folding`); the "Về việc"
line is cut out of the original text so that it keeps its printed spelling.
The classifier looks for its phrases in them (:mod:`pipeline.classify`);
the title also tells which type code a document's number should carry
(:mod:`pipeline.number_repair`).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.date_words import lines_aligned
from pipeline.forms import TITLES, looks_like_title
from pipeline.patterns import ABOUT_RE

__all__ = ["parse_about", "parse_title"]

#: The title is among this many lines at the top (blank ones included), below the header, a banner
#: and stamps; a công văn has none, and a short capital line further down is the body's.
_TITLE_LINES = 41
#: The "V/v" line is among this many lines at the top (blank ones included): under the number in a
#: công văn, under the title and its subtitle in a decision, below a long header.
_ABOUT_LINES = 60


def parse_title(text: str) -> str | None:
    """The centred document title (QUYẾT ĐỊNH, GIẤY CHỨNG NHẬN, ...).

    Args:
        text: Page or record text.

    Returns:
        The canonical printed title from :data:`TITLES`, or ``None`` (a công
        văn has no title).
    """
    for _orig, folded in lines_aligned(text)[:_TITLE_LINES]:
        line = " ".join(folded.split()).strip(" .:")
        if not line or len(line) > 60:
            continue
        best_title, best_score = None, 0.0
        for title, aliases in TITLES.items():
            for alias in aliases:
                score = fuzz.ratio(alias, line)
                if score > best_score:
                    best_title, best_score = title, score
        if best_title is not None and best_score >= 85:
            return best_title
    return None


_ABOUT_STOP_RE = re.compile(
    r"^\s*(?:can cu|kinh gui|dieu\s*\d|quyet dinh|xet|giam doc|chu tich|-|\d+[.)])"
)


def parse_about(text: str) -> str | None:
    """The subject line ("Về việc ..." / "V/v ..."), possibly wrapped.

    Args:
        text: Page or record text.

    Returns:
        The text after "Về việc"/"V/v" (original spelling, whitespace
        collapsed, continued over at most one more line), or ``None``.
    """
    lines = lines_aligned(text)
    for i, (orig, folded) in enumerate(lines[:_ABOUT_LINES]):
        m = ABOUT_RE.match(folded)
        if not m:
            continue
        rest = orig[m.end():].strip()
        if i + 1 < len(lines):
            nxt_o, nxt_f = lines[i + 1]
            if (
                nxt_f.strip()
                and len(nxt_f.strip()) < 70
                and not _ABOUT_STOP_RE.match(nxt_f)
                and not looks_like_title(nxt_f)
                and nxt_o.strip()[:1].islower()
            ):
                rest += " " + nxt_o.strip()
        rest = " ".join(rest.split())
        return rest or None
    return None

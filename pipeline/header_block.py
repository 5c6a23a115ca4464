"""The left header's lines as read: the block above the number that names the issuer.

A page's top holds more than the issuer: the e-signature banner, copy and
incoming-mail stamps, the motto and the place-date line of the right-hand
column, read on the same OCR lines when the columns run together.
:func:`header_block` keeps the upper-case lines of the left column above
the number, the "V/v" line or the title, and leaves the rest out;
:mod:`pipeline.issuer_lines` then judges each line against the profile.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from pipeline.folding import fold, is_capitals
from pipeline.forms import looks_like_title
from pipeline.patterns import ABOUT_RE, HEADER_LINES, MOTTO, NGAY_WORD, NUMBER_SLOT_RE, PLACE
from pipeline.profile import Profile

__all__ = ["EDGE_PUNCT", "NUMBERED_UNITS", "UPPER_SHARE", "header_block", "is_stamp_line"]

#: A header line is upper case: at least this share of its letters are capitals.
UPPER_SHARE = 0.7

#: Punctuation around a word of a header line, stripped before it is compared.
EDGE_PUNCT = " .,;:-_|'`\"“”‘’()[]{}"


def _cut_right_column(line: str, folded: str) -> tuple[str, str]:
    """The line without the right-hand header (motto, place-date) read on the same OCR line."""
    cut = len(folded)
    for phrase in MOTTO:
        if len(folded.strip()) < 8:
            break
        if len(folded.strip()) < len(phrase):
            # A piece of the motto alone on its line ("HĨA VIỆT NAM", the rest under a stain).
            if fuzz.ratio(phrase, folded.strip()) >= 80 or fuzz.partial_ratio(folded.strip(), phrase) >= 85:
                cut = 0
            continue
        al = fuzz.partial_ratio_alignment(phrase, folded)
        if al is not None and al.score >= 80:
            cut = min(cut, al.dest_start)
    m = re.search(rf"(?:^|\s){PLACE}\s*{NGAY_WORD}", folded)
    if m:
        cut = min(cut, m.start())
    # The motto's start read after the left column's words, the rest of it damaged ("… CỘNG HÒA XÃ HỘI CI").
    m = re.search(r"\s(?:cong\s+hoa|hoa\s+xa\s+hoi)\b", folded)
    if m:
        cut = min(cut, m.start())
    return line[:cut].strip(EDGE_PUNCT), folded[:cut].strip(EDGE_PUNCT)


def _is_label(folded: str, labels: tuple[str, ...]) -> bool:
    """A line of the e-signature banner or a stamp ("Ký bởi: …", "SAO Y; …", "CÔNG VĂN ĐẾN")."""
    head = folded.strip(EDGE_PUNCT)
    return any(head.startswith(lab) for lab in labels)


#: The motto's first words ("CỘNG HÒA"), read at the end of the left column's line when the columns run
#: together ("HÒA" alone is also a place's: "KHÁNH HÒA").
_MOTTO_START = ("cong", "hoa")


def _lower_word(word: str) -> bool:
    """A word written in lower case ("Độc", "lập"), not an upper-case one with a letter misread ("GIAlG")."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and sum(c.islower() for c in letters) * 2 >= len(letters)


#: Units a city numbers ("QUẬN 1", "PHƯỜNG 12"), folded.
NUMBERED_UNITS = ("quan", "phuong")


def _without_lower_tail(line: str) -> str:
    """An upper-case line without the words of the right column read after it ("… HẢI PHÒNG Độc lập", "… CỘNG")."""
    words = line.split()
    while words and (_lower_word(words[-1]) or not any(c.isalpha() for c in words[-1])):
        if words[-1].isdigit() and len(words) > 1 and fold(words[-2]) in NUMBERED_UNITS:
            break  # "QUẬN 1": a district named by its number
        words.pop()
    last = [fold(w).strip(EDGE_PUNCT) for w in words[-2:]]
    if len(words) > 3 and last == list(_MOTTO_START):
        del words[-2:]
    elif len(words) > 2 and last[-1:] == [_MOTTO_START[0]]:
        words.pop()
    return re.sub(r"^\W+|\W+$", "", " ".join(words)) if words else ""


def header_block(text: str, profile: Profile) -> list[str]:
    """The left header's upper-case lines above the number, as read (banner, stamps and motto left out).

    Args:
        text: Page or record text.
        profile: The office's profile (its e-signature and stamp labels).

    Returns:
        The lines, top to bottom; the issuer is the last of them
        (see :data:`pipeline.issuers.MAX_ISSUER_LINES`).
    """
    labels = tuple(fold(lab) for lab in profile.esign_labels)
    out: list[str] = []
    at: list[int] = []  # the line number of each line kept
    seen = 0
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        seen += 1
        if seen > HEADER_LINES:
            # An incoming-mail stamp read just below takes its office's name (the last line kept) with it.
            if seen > HEADER_LINES + _STAMP_NAME_GAP:
                break
            if is_stamp_line(raw, profile):
                if at and seen - at[-1] <= _STAMP_NAME_GAP:
                    out.pop()
                break
            continue
        folded = fold(raw)
        # The issuer block ends at the number, the "V/v …" line or a title.
        if NUMBER_SLOT_RE.match(folded.strip()) or (ABOUT_RE.match(folded) and out):
            break
        if _is_label(folded, labels):
            continue
        if is_stamp_line(raw, profile):
            # An incoming-mail stamp: the receiving office's name, just above its "ĐẾN", goes with it.
            if at and seen - at[-1] <= _STAMP_NAME_GAP:
                out.pop()
                at.pop()
            continue
        line, f = _cut_right_column(raw.strip(), folded)
        line = _without_lower_tail(line)
        if not f or not line or not is_capitals(line, UPPER_SHARE):
            continue
        if looks_like_title(f) and out:
            break
        out.append(" ".join(line.split()))
        at.append(seen)
    return out


#: The receiving office's name of an incoming-mail stamp is at most this many read lines above its "ĐẾN"
#: (the right column's motto may be read between them).
_STAMP_NAME_GAP = 2


def is_stamp_line(line: str, profile: Profile) -> bool:
    """A line of an incoming-mail stamp: it ends with one of the profile's stamp words ("CÔNG VĂN ĐẾN"),
    or opens with one and goes on with the stamp's slots, not in capitals ("ĐẾN Số: … Ngày: …").

    The words are matched as printed, marks and capitals included ("ĐỀN",
    a temple's, is no stamp's); a title's "… ĐẾN NĂM 2030" is none either.
    """
    words = [w.strip(EDGE_PUNCT) for w in unicodedata.normalize("NFC", line).split()]
    words = [w for w in words if w]
    if not words:
        return False
    marks = {unicodedata.normalize("NFC", w) for w in profile.stamp_words}
    if words[-1] in marks:
        return True
    rest = " ".join(words[1:])
    return words[0] in marks and not is_capitals(rest, UPPER_SHARE)

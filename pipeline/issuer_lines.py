"""Each issuer line judged against the header lines the office's profile knows.

The profile's bodies, its places under their kinds ("TỈNH …", "THÀNH
PHỐ …"), the People's Committees of its places and its own issuers make a
vocabulary of header lines (:func:`vocabulary`). A line read is the
profile's when it has the same letters, the profile's with a note when the
reading is garbled, and kept as read otherwise (:func:`issuer_line`); a
line that is what damage left of one — a body's name begun and not
finished, a unit without its name, a place without its committee — is
told apart so that :func:`pipeline.issuers.read_issuer` can flag it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold, is_vietnamese_syllable
from pipeline.gazetteer import STRICT_ERRORS
from pipeline.header_block import EDGE_PUNCT, NUMBERED_UNITS
from pipeline.profile import Body, Profile

__all__ = ["HeaderLine", "KnownLine", "issuer_line", "opens_header", "place_without_committee", "recognise",
           "unit_without_name", "vocabulary"]

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class HeaderLine:
    """One issuer line: as read, and the value kept.

    Attributes:
        read: The line as OCR read it.
        value: The profile's spelling when recognised, else ``read``.
        how: ``"known"`` (the profile's line, same letters), ``"corrected"``
            (the profile's line put for a garbled reading: flagged),
            ``"near"`` (kept as read, well formed, a letter or two from a
            line of the profile: flagged with the profile's line) or
            ``"read"`` (kept as read).
        clear: Whether every token is a Vietnamese syllable or a code.
    """

    read: str
    value: str
    how: str
    clear: bool


@dataclass(frozen=True)
class KnownLine:
    """A header line the profile knows: printed, folded, and the body it names (if it names one)."""

    printed: str
    folded: str
    body: Body | None
    #: Other printed forms of the same letters ("UỶ BAN NHÂN DÂN" for "ỦY BAN NHÂN DÂN").
    variants: tuple[str, ...] = ()

    def spelled_as(self, read: str) -> str:
        """The printed form the reading has, when it is one of them; else the first."""
        nfc = unicodedata.normalize("NFC", " ".join(read.split()))
        return next((v for v in (self.printed, *self.variants) if v == nfc), self.printed)


_VOCABULARIES: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[KnownLine, ...]] = {}


def _kind_words(kind: str) -> tuple[str, ...]:
    return ("TỈNH",) if kind == "tỉnh" else ("THÀNH PHỐ", "TP", "TP.")


def vocabulary(profile: Profile, on: dt.date | None) -> tuple[KnownLine, ...]:
    """Every header line the profile knows, printed and folded (cached per profile and date).

    Args:
        profile: The office's profile.
        on: The document's date (the places and bodies of that day); ``None``: all of them.

    Returns:
        The known lines, one per folded spelling.
    """
    bodies = [b for b in profile.bodies if (on is None or ((b.start is None or on >= b.start)
                                                           and (b.end is None or on <= b.end)))]
    places = profile.places_on(on)
    # One vocabulary for every day with the same places and bodies (they change on a few days only).
    key = (profile.fingerprint, tuple(p.name for p in places), tuple(b.name for b in bodies))
    if key in _VOCABULARIES:
        return _VOCABULARIES[key]
    lines: dict[str, KnownLine] = {}

    def add(printed: str, body: Body | None) -> None:
        f = fold(printed)
        known = lines.get(f)
        if known is None:
            lines[f] = KnownLine(printed, f, body)
        elif printed != known.printed and printed not in known.variants:
            lines[f] = KnownLine(known.printed, f, known.body or body, (*known.variants, printed))

    for body in bodies:
        for name in (body.name, *body.aliases):
            add(name, body)
    for place in places:
        for kind in _kind_words(place.kind):
            for name in (place.name, *place.aliases):
                upper = name.upper()
                add(f"{kind} {upper}", None)
                for body in bodies:
                    if body.under == "place":
                        for form in (body.name, *body.aliases):
                            add(f"{form} {kind} {upper}", body)
        for body in bodies:
            if body.under == "province":
                add(f"{body.name} {place.name.upper()}", body)
    for issuer in profile.gazetteer.issuers:
        for line in issuer.lines:
            add(line, None)
    vocab = tuple(lines.values())
    if len(_VOCABULARIES) > 64:
        _VOCABULARIES.clear()
    _VOCABULARIES[key] = vocab
    return vocab


def recognise(line: str, vocab: tuple[KnownLine, ...]) -> tuple[KnownLine | None, int]:
    """The known line ``line`` was read from, and the edits between them; ``(None, -1)`` when none or two fit.

    Args:
        line: A header line as read.
        vocab: The known lines (:func:`vocabulary`).

    Returns:
        The closest known line within the gazetteer's strict error rate and
        the edits (folded) between them.
    """
    f = fold(line)
    best: list[tuple[int, KnownLine]] = []
    for known in vocab:
        allowed = max(1, round(STRICT_ERRORS * len(known.folded)))
        if abs(len(known.folded) - len(f)) > allowed:
            continue
        d = Levenshtein.distance(known.folded, f, score_cutoff=allowed)
        if d <= allowed:
            best.append((d, known))
    if not best:
        return None, -1
    best.sort(key=lambda x: x[0])
    d, known = best[0]
    if len(best) > 1 and best[1][0] == d:
        return None, -1  # two known lines as close: no guess
    return known, d


def _clear(line: str, profile: Profile) -> bool:
    """Every token of an upper-case header line is a syllable, a code or an abbreviation."""
    codes = profile.codes
    tokens = _TOKEN.findall(line)
    for i, tok in enumerate(tokens):
        core = tok.strip(EDGE_PUNCT)
        if not core or core in {"&", "-", "–"}:
            continue
        if core.isdigit() and len(core) <= 2 and i and fold(tokens[i - 1]) in NUMBERED_UNITS:
            continue  # "QUẬN 1"
        if len(core) == 1:
            return False  # a letter alone: a speck, or what is left of a word
        if any(ch.isdigit() for ch in core) or not core.isupper():
            return False
        parts = [p for p in re.split(r"[&.\-]", core) if p]
        if all(is_vietnamese_syllable(p) or fold(p) in codes or _abbreviation(p) for p in parts):
            continue
        return False
    return True


def _abbreviation(token: str) -> bool:
    """A short upper-case abbreviation ("UBND", "TP", "CA"): letters, mostly consonants."""
    vowels = sum(fold(c) in "aeiouy" for c in token)
    return token.isalpha() and len(token) <= 5 and vowels <= 1


def _header_word(folded: str, profile: Profile) -> bool:
    """A folded line opens with one of the profile's header words."""
    return any(folded == w or folded.startswith(w + " ") for w in (fold(h)
                                                                     for h in profile.header_words))


def opens_header(line: str, profile: Profile) -> bool:
    """A header line opens with a word the profile knows headers by ("SỞ", "UBND", "TỈNH", …).

    It must also be whole where the profile can tell: a line that opens as
    the profile's bodies do ("SỞ", "BỘ", "ỦY BAN") is one of them ("SỞ DỤC
    VÀ ĐÀO" and "ỦY BAN AN" are what is left of one), and a province is
    one the profile knows ("TỈNH THANH" is what is left of one).

    Args:
        line: A header line as read.
        profile: The office's profile (its header words, bodies and places).
    """
    f = fold(line)
    if not _header_word(f, profile):
        return False
    opening = max((w for w in (fold(h) for h in profile.header_words) if f == w or f.startswith(w + " ")), key=len)
    names = [fold(n) for b in profile.bodies for n in (b.name, *b.aliases)]
    if any(n.startswith(opening + " ") for n in names) and not any(f == n or f.startswith(n + " ") for n in names):
        return False  # "SỞ DỤC VÀ ĐÀO": opens as the profile's bodies do ("SỞ …") and is none of them
    for body in profile.bodies:
        names = [fold(n) for n in (body.name, *body.aliases)]
        words = names[0].split()
        begun = f == " ".join(words[:2]) or f.startswith(" ".join(words[:2]) + " ")
        if len(words) >= 3 and begun and not any(f == n or f.startswith(n + " ") for n in names):
            return False  # "SỞ GIÁO", "ỦY BAN AN": a body's name begun and not finished
    kinds = ("tinh", "thanh pho", "tp", "tp.", "xa", "phuong", "thi tran",
             *(fold(k) for k in profile.district_kinds))
    for body in profile.bodies:
        if body.under != "place":
            continue
        for name in (body.name, *body.aliases):
            n = fold(name)
            rest = f[len(n):].strip() if f.startswith(n + " ") else None
            if rest and not any(rest == k or rest.startswith(k + " ") for k in kinds):
                return False  # "UBND THÁI BÌNH": a People's Committee's place comes with its kind
            if rest and _one_word_district(rest):
                return False
    if _one_word_district(f):
        return False
    m = re.search(r"(?:^|\s)tinh\s+(.+)$", f)
    if m is not None:
        places = {fold(p.name) for p in profile.places if p.kind == "tỉnh"}
        return m.group(1).strip(EDGE_PUNCT) in places
    return True


#: The administrative units a header line names a place after ("UBND TỈNH <name>"), folded.
_UNITS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")


#: What an issuer's line prints besides letters, digits and spaces ("UBND TP. HẢI PHÒNG",
#: "SỞ GIÁO DỤC - ĐÀO TẠO", "SỞ GD&ĐT", "(cũ)").
_HEADER_MARKS = frozenset("-&.,()/")


def stray_marks(line: str) -> str:
    """The marks in an issuer's line that no header line prints (a colon, a quote, a bar): ink, a stain or
    a hole's rim read as print, which the profile's fuzzy match does not see. Empty when there is none.

    Args:
        line: A header line as kept.
    """
    return "".join(dict.fromkeys(c for c in line if not (c.isalnum() or c.isspace() or c in _HEADER_MARKS)))


def unit_without_name(line: str) -> bool:
    """A people's committee line that ends in its unit and no name ("UBND TỈNH"): damage ate the
    place's name. (Other bodies are named so: "BỘ CHỈ HUY QUÂN SỰ TỈNH".)

    Args:
        line: A header line as read.
    """
    words = fold(line).strip(EDGE_PUNCT).split()
    committee = words[:1] == ["ubnd"] or words[:4] == ["uy", "ban", "nhan", "dan"]
    return committee and any(words[-len(u.split()):] == u.split() and len(words) - len(u.split()) in (1, 4)
                             for u in _UNITS)


def place_without_committee(line: str) -> bool:
    """A body's parent line read as its place alone ("QUẬN LÊ CHÂN" over "PHÒNG GIÁO DỤC - ĐÀO TẠO"): damage
    ate the "UBND" that opens it. A party committee is named so ("TỈNH ỦY BẮC GIANG"); the place under an
    "ỦY BAN NHÂN DÂN" line is a second line, not a parent.

    Args:
        line: The first line of a header of two lines or more, as read.
    """
    words = fold(line).strip(EDGE_PUNCT).split()
    return any(words[: len(u.split())] == u.split() and len(words) > len(u.split())
               and words[len(u.split())] != "uy" for u in _UNITS)


def _one_word_district(folded: str) -> bool:
    """A district named by one word ("HUYỆN THỦ"): what a stain left of "HUYỆN THỦY NGUYÊN" (a huyện's
    or quận's name has two syllables or more; "QUẬN 1" is a number)."""
    m = re.fullmatch(r"(?:huyen|quan)\s+(\S+)", folded.strip(EDGE_PUNCT))
    return m is not None and not m.group(1).isdigit()


def issuer_line(read: str, vocab: tuple[KnownLine, ...], profile: Profile) -> tuple[HeaderLine, KnownLine | None]:
    """One header line: the profile's when it has the same letters or the reading is garbled, else as read.

    Args:
        read: The line as read.
        vocab: The known lines (:func:`vocabulary`).
        profile: The office's profile (its codes and header words).

    Returns:
        The line judged (see :attr:`HeaderLine.how`) and the known line it
        was recognised as, if any.
    """
    known, d = recognise(read, vocab)
    clear = _clear(read, profile) and opens_header(read, profile)
    if known is None:
        return HeaderLine(read, read, "read", clear), None
    if d == 0 or fold(read).replace(" ", "") == known.folded.replace(" ", ""):
        return HeaderLine(read, known.spelled_as(read), "known", True), known
    if clear:
        # Every word of it is a word: a name the profile spells otherwise, or another place; as printed.
        return HeaderLine(read, read, "near", True), known
    return HeaderLine(read, known.printed, "corrected", True), known

"""The issuer: what the left header prints, recognised with the office's profile, never replaced silently.

A Vietnamese document names its issuing body in the left header, upper
case, above the number: a parent line and the body ("UBND TỈNH BẠC LIÊU /
SỞ GIÁO DỤC VÀ ĐÀO TẠO", "ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI", "BỘ TÀI
CHÍNH / CỤC THUẾ"), or one line ("THỦ TƯỚNG CHÍNH PHỦ"). :func:`read_issuer`
takes those lines as printed — the e-signature banner, copy and
incoming-mail stamps, the motto and the right-hand column left out — and
gives each one:

* the profile's spelling when the line is a header line the profile knows
  (a body, a place under its kind, a People's Committee of a place, one of
  the office's own issuers), with the same letters: Tesseract's marks
  ("THÀNH PHÓ CÀN THƠ") are put right and nothing else changes;
* the profile's spelling **and a review note** when the reading is
  garbled (a token that is no syllable and no code: "THÀNH PHỐ HAl PHONG"):
  the reading is kept beside it (:attr:`IssuerReading.read`);
* the line as read when it is well formed, even a letter or two from a line
  of the profile (another place, a name the profile spells otherwise):
  the printed reading wins, a review note names the profile's line;
* the line as read otherwise, with a review note when it is not clearly
  read.

An issuer of the office's own list (the profile's ``issuers``) stands for
the header only when all its lines match; its symbols then serve the
number's repair (:func:`symbols_for`). A page with no header line takes,
flagged, the body its enacting line names (:func:`enacting_issuer`).

The header's lines are cut out of the page by :mod:`pipeline.header_block`
and each is judged against the profile by :mod:`pipeline.issuer_lines`;
here they make the issuer and its review notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold, is_capitals
from pipeline.gazetteer import Issuer, match_authority, match_issuer
from pipeline.header_block import EDGE_PUNCT, UPPER_SHARE, header_block
from pipeline.issuer_lines import (
    HeaderLine,
    issuer_line,
    opens_header,
    place_without_committee,
    recognise,
    stray_marks,
    unit_without_name,
    vocabulary,
)
from pipeline.profile import Body, Profile

__all__ = ["IssuerReading", "MAX_ISSUER_LINES", "enacting_issuer", "read_issuer", "symbols_for"]

#: At most this many lines of the left header name the issuer (a parent, a body, a body's second line).
MAX_ISSUER_LINES = 3


@dataclass(frozen=True)
class IssuerReading:
    """The issuer of a record: the value, what was read, and why a person should look.

    Attributes:
        value: The header lines kept, joined with `` / `` (``None``: no header).
        read: The same lines as read.
        lines: Each line.
        issuer: The office's own issuer when all its lines matched.
        body: The issuing body recognised (its code makes the symbols).
        notes: Review reasons, each starting with "issuer".
    """

    value: str | None
    read: str | None
    lines: tuple[HeaderLine, ...] = ()
    issuer: Issuer | None = None
    body: Body | None = None
    notes: tuple[str, ...] = ()


def read_issuer(text: str, profile: Profile, on: dt.date | None = None) -> IssuerReading:
    """The issuer of a record as its header prints it, recognised with the profile.

    Args:
        text: Record text.
        profile: The office's profile.
        on: The document's date, if read (places and bodies of that day).

    Returns:
        The issuer reading; its notes are the reasons to review it.
    """
    block = header_block(text, profile)[-MAX_ISSUER_LINES:]
    if not block:
        by_authority = match_authority(text, profile.gazetteer)
        if by_authority is not None:
            return IssuerReading(by_authority.canonical, None, issuer=by_authority, notes=(
                f"issuer {by_authority.canonical} inferred from the authority or signature line "
                "(no header read)",))
        return enacting_issuer(text, profile, on) or IssuerReading(None, None, notes=(
            "issuer: no header lines read",))
    read = " / ".join(block)
    own = match_issuer([fold(b) for b in block], profile.gazetteer, on)
    if own is not None:
        issuer = own[0]
        matched = [_read_line(aliases, block) for aliases in issuer.aliases]
        read = " / ".join(matched)
        lines = tuple(HeaderLine(b, line, "known", True) for b, line in zip(matched, issuer.lines, strict=True))
        same = all(fold(b).replace(" ", "") in {a.replace(" ", "") for a in aliases}
                   for b, aliases in zip(matched, issuer.aliases, strict=True))
        notes = () if same else (f"issuer read '{read}', the profile's issuer '{issuer.canonical}' put in its place",)
        return IssuerReading(issuer.canonical, read, lines, issuer, _body_of(issuer.lines, profile, on), notes)
    vocab = vocabulary(profile, on)
    lines_known = [issuer_line(b, vocab, profile) for b in block]
    if all(k is None and not opens_header(b, profile) for b, (_, k) in zip(block, lines_known, strict=True)):
        # No line of it is a header's (an e-signature banner or a stamp read): the enacting line, if any.
        enacting = enacting_issuer(text, profile, on)
        if enacting is not None:
            return IssuerReading(enacting.value, enacting.read, enacting.lines, None, enacting.body, (
                *enacting.notes, f"issuer: the lines read at the header's place, '{read}', are no header's"))
    lines = tuple(h for h, _ in lines_known)
    body = next((k.body for _, k in reversed(lines_known) if k is not None and k.body is not None), None)
    body = body or next((b for h in reversed(lines) if (b := _body_opening(h.read, profile)) is not None), None)
    notes = []
    for h, k in lines_known:
        if h.how == "corrected":
            notes.append(f"issuer line read '{h.read}', the profile's line '{h.value}' put in its place")
        elif h.how == "near" and k is not None:
            notes.append(f"issuer line '{h.read}' kept as printed; the profile has '{k.printed}'")
        elif not h.clear:
            notes.append(f"issuer line '{h.read}' is not clearly read (no header line the profile knows)")
        if h.how != "corrected" and (marks := stray_marks(h.value)):
            notes.append(f"issuer line '{h.value}' holds marks no header line prints ({marks})")
        if unit_without_name(h.read):
            notes.append(f"issuer line '{h.read}' ends in a unit without its name (a word lost?)")
        if h is lines[0] and len(lines) > 1 and place_without_committee(h.read):
            notes.append(f"issuer line '{h.read}' names a place without its committee ('UBND' lost?)")
        if k is not None and k.body is not None and (longer := _one_word_longer(h.read, k.body)):
            notes.append(f"issuer line '{h.read}' may have lost a word: the body is also printed '{longer}'")
    alone = fold(lines[-1].value)
    bare = body is not None and alone in {fold(n) for n in (body.name, *body.aliases)}
    if bare and body is not None and body.under == "place":
        # "ỦY BAN NHÂN DÂN" and nothing after it: the line that names the place was lost.
        notes.append(f"issuer '{lines[-1].value}' names no place (a header line lost?)")
    elif bare and body is not None and body.under in ("province", "district") and len(lines) == 1:
        # "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" alone: its parent line ("UBND HUYỆN X") was lost.
        notes.append(f"issuer '{lines[-1].value}' names no {body.under} (its parent line lost?)")
    value = " / ".join(h.value for h in lines)
    return IssuerReading(value, " / ".join(h.read for h in lines), lines, None, body, tuple(notes))


def _one_word_longer(read: str, body: Body) -> str | None:
    """Another form of ``body`` that is the form read with one word more ("SỞ GIÁO DỤC VÀ ĐÀO TẠO" for
    "SỞ GIÁO DỤC ĐÀO TẠO", "- " for nothing): what a stain over a short word leaves is the shorter form."""
    words = [w.strip(EDGE_PUNCT) or w for w in fold(read).split()]
    forms = [(f, fold(f).split()) for f in (body.name, *body.aliases)]

    def inside(part: list[str]) -> bool:
        return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))

    for _, short in forms:
        if not inside(short):
            continue
        for printed, long in forms:
            if len(long) == len(short) + 1 and not inside(long) and any(
                    long[:i] + long[i + 1:] == short for i in range(len(long))):
                return printed
    return None


def enacting_issuer(text: str, profile: Profile, on: dt.date | None = None) -> IssuerReading | None:
    """The issuer named where the document enacts itself, for a page whose header cannot be read.

    Two forms name it: the enacting sentence at a line's start, "Bộ trưởng
    Bộ Quốc phòng ban hành Thông tư …" (a cited act's "… của Bộ trưởng Bộ X
    ban hành …" is not one), and the authority line alone, in capitals,
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI". A title of the profile's
    ``authority_titles`` opens it and a body of the profile follows; the
    words after a body of a place are its place, as read. The reading is
    always flagged: the header, not the body text, is what names an issuer.

    Args:
        text: Record text.
        profile: The office's profile.
        on: The document's date, if read.

    Returns:
        The issuer reading, or ``None`` when no such line is read.
    """
    titles = [fold(t).split() for t in profile.authority_titles]
    names = sorted(((fold(n).split(), b) for b in profile.bodies
                    if (on is None or ((b.start is None or on >= b.start) and (b.end is None or on <= b.end)))
                    for n in (b.name, *b.aliases)), key=lambda nb: -len(nb[0]))
    words: list[str] = []
    starts: set[int] = set()  # where a line starts, in ``words``
    ends: set[int] = set()
    for line in text.split("\n"):
        if line.split():
            starts.add(len(words))
            words += line.split()
            ends.add(len(words))
    folded = [fold(w).strip(EDGE_PUNCT) for w in words]
    for i in sorted(starts):
        if i and folded[i - 1] == "cua":
            continue  # "… của\nBộ trưởng Bộ X ban hành …": a cited act
        title = next((t for t in titles if folded[i:i + len(t)] == t), None)
        if title is None:
            continue
        j = i + len(title)
        found = next(((n, b) for n, b in names if folded[j:j + len(n)] == n), None)
        if found is None:
            continue
        k = j + len(found[0])
        line_end = min(e for e in ends if e > i)
        enacts = next((x for x in range(k, min(line_end + 6, len(folded) - 1)) if folded[x:x + 2] == ["ban", "hanh"]),
                      None)
        alone = line_end - k <= _PLACE_WORDS and is_capitals(" ".join(words[i:line_end]), UPPER_SHARE)
        stop = enacts if enacts is not None else line_end if alone else None
        if stop is None or stop - k > _PLACE_WORDS or (found[1].under == "nation" and stop > k):
            continue
        body = found[1]
        place = " ".join(w.strip(EDGE_PUNCT) for w in words[k:stop]).upper()
        value = f"{body.name} / {place}" if place else body.name
        read = " ".join(words[j:stop]).strip(EDGE_PUNCT)
        lines = (HeaderLine(read, value, "read", True),)
        return IssuerReading(value, read, lines, None, body, (
            f"issuer {value} read from the enacting line '{' '.join(words[i:stop])}' (no header read)",))
    return None


#: A body of a place is followed by at most this many words of its place ("TỈNH BÀ RỊA - VŨNG TÀU").
_PLACE_WORDS = 6


def _body_opening(line: str, profile: Profile) -> Body | None:
    """The body a header line opens with ("UBND HUYỆN YÊN DŨNG": the People's Committee), if any."""
    f = fold(line)
    for body in profile.bodies:
        for name in (body.name, *body.aliases):
            n = fold(name)
            if f == n or f.startswith(n + " "):
                return body
    return None


def _read_line(aliases: tuple[str, ...], block: list[str]) -> str:
    """The header line read for one of an issuer's lines: the closest to its aliases."""
    return min(block, key=lambda b: min(Levenshtein.distance(a, fold(b)) for a in aliases))


def _body_of(lines: tuple[str, ...], profile: Profile, on: dt.date | None) -> Body | None:
    vocab = vocabulary(profile, on)
    for line in reversed(lines):
        known, _ = recognise(line, vocab)
        if known is not None and known.body is not None:
            return known.body
    return None


def symbols_for(reading: IssuerReading, profile: Profile, on: dt.date | None = None) -> tuple[str, ...]:
    """The symbols a document of this issuer may be numbered with, in use on ``on``.

    The office's own issuer lists its symbols; any other recognised body
    numbers its acts by the national convention (Nghị định 30/2020/NĐ-CP):
    a document type's code before the body's ("QĐ-SGDĐT", "KH-UBND"), or
    for a công văn the body's code, alone or with a unit's ("SGDĐT-KTKĐ").

    Args:
        reading: The record's issuer.
        profile: The office's profile.
        on: The document's date.

    Returns:
        The symbols, printed; none when the body is not recognised.
    """
    if reading.issuer is not None and reading.issuer.symbols:
        return reading.issuer.symbols_on(on)
    body = reading.body
    if body is None:
        return ()
    out: list[str] = []
    for code in (body.code, *body.codes):
        out.append(code)  # a công văn numbered with the body's code alone ("5/PGDĐT")
        out += [f"{t}-{code}" for _, t in profile.document_types if t != "CV"]
        out += [f"{code}-{u}" for u in profile.unit_codes]
    return tuple(dict.fromkeys(out))

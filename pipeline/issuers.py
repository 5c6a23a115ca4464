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
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold, is_capitals, is_vietnamese_syllable
from pipeline.forms import ABOUT_RE, NUMBER_SLOT_RE, looks_like_title
from pipeline.gazetteer import STRICT_ERRORS, Issuer, match_authority, match_issuer
from pipeline.profile import Body, Profile

__all__ = [
    "HeaderLine",
    "IssuerReading",
    "enacting_issuer",
    "header_block",
    "is_stamp_line",
    "read_issuer",
    "symbols_for",
]

#: At most this many lines of the left header name the issuer (a parent, a body, a body's second line).
MAX_ISSUER_LINES = 3
#: A header line is upper case: at least this share of its letters are capitals.
UPPER_SHARE = 0.7

_MOTTO_PHRASES = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
)
_TOKEN = re.compile(r"\S+")
_EDGE_PUNCT = " .,;:-_|'`\"“”‘’()[]{}"


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


# --------------------------------------------------------------------------
# The header block
# --------------------------------------------------------------------------


def _cut_right_column(line: str, folded: str) -> tuple[str, str]:
    """The line without the right-hand header (motto, place-date) read on the same OCR line."""
    cut = len(folded)
    for phrase in _MOTTO_PHRASES:
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
    m = re.search(r"(?:^|\s)[a-z]+(?: [a-z]+){0,3}\s*[,.]\s*ngay\b", folded)
    if m:
        cut = min(cut, m.start())
    # The motto's start read after the left column's words, the rest of it damaged ("… CỘNG HÒA XÃ HỘI CI").
    m = re.search(r"\s(?:cong\s+hoa|hoa\s+xa\s+hoi)\b", folded)
    if m:
        cut = min(cut, m.start())
    return line[:cut].strip(_EDGE_PUNCT), folded[:cut].strip(_EDGE_PUNCT)


def _is_label(folded: str, labels: tuple[str, ...]) -> bool:
    """A line of the e-signature banner or a stamp ("Ký bởi: …", "SAO Y; …", "CÔNG VĂN ĐẾN")."""
    head = folded.strip(_EDGE_PUNCT)
    return any(head.startswith(lab) for lab in labels)


#: The motto's first words ("CỘNG HÒA"), read at the end of the left column's line when the columns run
#: together ("HÒA" alone is also a place's: "KHÁNH HÒA").
_MOTTO_START = ("cong", "hoa")


def _lower_word(word: str) -> bool:
    """A word written in lower case ("Độc", "lập"), not an upper-case one with a letter misread ("GIAlG")."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and sum(c.islower() for c in letters) * 2 >= len(letters)


#: Units a city numbers ("QUẬN 1", "PHƯỜNG 12"), folded.
_NUMBERED_UNITS = ("quan", "phuong")


def _without_lower_tail(line: str) -> str:
    """An upper-case line without the words of the right column read after it ("… HẢI PHÒNG Độc lập", "… CỘNG")."""
    words = line.split()
    while words and (_lower_word(words[-1]) or not any(c.isalpha() for c in words[-1])):
        if words[-1].isdigit() and len(words) > 1 and fold(words[-2]) in _NUMBERED_UNITS:
            break  # "QUẬN 1": a district named by its number
        words.pop()
    last = [fold(w).strip(_EDGE_PUNCT) for w in words[-2:]]
    if len(words) > 3 and last == list(_MOTTO_START):
        del words[-2:]
    elif len(words) > 2 and last[-1:] == [_MOTTO_START[0]]:
        words.pop()
    return re.sub(r"^\W+|\W+$", "", " ".join(words)) if words else ""


def header_block(text: str, profile: Profile, max_lines: int = 12) -> list[str]:
    """The left header's upper-case lines above the number, as read (banner, stamps and motto left out).

    Args:
        text: Page or record text.
        profile: The office's profile (its e-signature and stamp labels).
        max_lines: How many non-empty lines of the page's top are looked at.

    Returns:
        The lines, top to bottom; the issuer is the last of them
        (see :data:`MAX_ISSUER_LINES`).
    """
    labels = tuple(fold(lab) for lab in profile.esign_labels)
    out: list[str] = []
    at: list[int] = []  # the line number of each line kept
    seen = 0
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        seen += 1
        if seen > max_lines:
            # An incoming-mail stamp read just below takes its office's name (the last line kept) with it.
            if seen > max_lines + _STAMP_NAME_GAP:
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
    words = [w.strip(_EDGE_PUNCT) for w in unicodedata.normalize("NFC", line).split()]
    words = [w for w in words if w]
    if not words:
        return False
    marks = {unicodedata.normalize("NFC", w) for w in profile.stamp_words}
    if words[-1] in marks:
        return True
    rest = " ".join(words[1:])
    return words[0] in marks and not is_capitals(rest, UPPER_SHARE)


# --------------------------------------------------------------------------
# The profile's header lines
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Known:
    printed: str
    folded: str
    body: Body | None
    #: Other printed forms of the same letters ("UỶ BAN NHÂN DÂN" for "ỦY BAN NHÂN DÂN").
    variants: tuple[str, ...] = ()

    def spelled_as(self, read: str) -> str:
        """The printed form the reading has, when it is one of them; else the first."""
        nfc = unicodedata.normalize("NFC", " ".join(read.split()))
        return next((v for v in (self.printed, *self.variants) if v == nfc), self.printed)


_VOCABULARIES: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[_Known, ...]] = {}


def _kind_words(kind: str) -> tuple[str, ...]:
    return ("TỈNH",) if kind == "tỉnh" else ("THÀNH PHỐ", "TP", "TP.")


def _vocabulary(profile: Profile, on: dt.date | None) -> tuple[_Known, ...]:
    """Every header line the profile knows, printed and folded (cached per profile and date)."""
    bodies = [b for b in profile.bodies if (on is None or ((b.start is None or on >= b.start)
                                                           and (b.end is None or on <= b.end)))]
    places = profile.places_on(on)
    # One vocabulary for every day with the same places and bodies (they change on a few days only).
    key = (profile.fingerprint, tuple(p.name for p in places), tuple(b.name for b in bodies))
    if key in _VOCABULARIES:
        return _VOCABULARIES[key]
    lines: dict[str, _Known] = {}

    def add(printed: str, body: Body | None) -> None:
        f = fold(printed)
        known = lines.get(f)
        if known is None:
            lines[f] = _Known(printed, f, body)
        elif printed != known.printed and printed not in known.variants:
            lines[f] = _Known(known.printed, f, known.body or body, (*known.variants, printed))

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


def _recognise(line: str, vocab: tuple[_Known, ...]) -> tuple[_Known | None, int]:
    """The known line ``line`` was read from, and the edits between them; ``(None, -1)`` when none or two fit."""
    f = fold(line)
    best: list[tuple[int, _Known]] = []
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
        core = tok.strip(_EDGE_PUNCT)
        if not core or core in {"&", "-", "–"}:
            continue
        if core.isdigit() and len(core) <= 2 and i and fold(tokens[i - 1]) in _NUMBERED_UNITS:
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


def _opens_header(line: str, profile: Profile) -> bool:
    """A header line opens with a word the profile knows headers by ("SỞ", "UBND", "TỈNH", …).

    It must also be whole where the profile can tell: a line that opens as
    the profile's bodies do ("SỞ", "BỘ", "ỦY BAN") is one of them ("SỞ DỤC
    VÀ ĐÀO" and "ỦY BAN AN" are what is left of one), and a province is
    one the profile knows ("TỈNH THANH" is what is left of one).
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
        return m.group(1).strip(_EDGE_PUNCT) in places
    return True


#: The administrative units a header line names a place after ("UBND TỈNH <name>"), folded.
_UNITS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")


def _unit_without_name(line: str) -> bool:
    """A people's committee line that ends in its unit and no name ("UBND TỈNH"): damage ate the
    place's name. (Other bodies are named so: "BỘ CHỈ HUY QUÂN SỰ TỈNH".)"""
    words = fold(line).strip(_EDGE_PUNCT).split()
    committee = words[:1] == ["ubnd"] or words[:4] == ["uy", "ban", "nhan", "dan"]
    return committee and any(words[-len(u.split()):] == u.split() and len(words) - len(u.split()) in (1, 4)
                             for u in _UNITS)


def _place_without_committee(line: str) -> bool:
    """A body's parent line read as its place alone ("QUẬN LÊ CHÂN" over "PHÒNG GIÁO DỤC - ĐÀO TẠO"): damage
    ate the "UBND" that opens it. A party committee is named so ("TỈNH ỦY BẮC GIANG"); the place under an
    "ỦY BAN NHÂN DÂN" line is a second line, not a parent."""
    words = fold(line).strip(_EDGE_PUNCT).split()
    return any(words[: len(u.split())] == u.split() and len(words) > len(u.split())
               and words[len(u.split())] != "uy" for u in _UNITS)


def _one_word_district(folded: str) -> bool:
    """A district named by one word ("HUYỆN THỦ"): what a stain left of "HUYỆN THỦY NGUYÊN" (a huyện's
    or quận's name has two syllables or more; "QUẬN 1" is a number)."""
    m = re.fullmatch(r"(?:huyen|quan)\s+(\S+)", folded.strip(_EDGE_PUNCT))
    return m is not None and not m.group(1).isdigit()


def _line(read: str, vocab: tuple[_Known, ...], profile: Profile) -> tuple[HeaderLine, _Known | None]:
    """One header line: the profile's when it has the same letters or the reading is garbled, else as read."""
    known, d = _recognise(read, vocab)
    clear = _clear(read, profile) and _opens_header(read, profile)
    if known is None:
        return HeaderLine(read, read, "read", clear), None
    if d == 0 or fold(read).replace(" ", "") == known.folded.replace(" ", ""):
        return HeaderLine(read, known.spelled_as(read), "known", True), known
    if clear:
        # Every word of it is a word: a name the profile spells otherwise, or another place; as printed.
        return HeaderLine(read, read, "near", True), known
    return HeaderLine(read, known.printed, "corrected", True), known


# --------------------------------------------------------------------------
# The issuer
# --------------------------------------------------------------------------


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
    vocab = _vocabulary(profile, on)
    lines_known = [_line(b, vocab, profile) for b in block]
    if all(k is None and not _opens_header(b, profile) for b, (_, k) in zip(block, lines_known, strict=True)):
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
        if _unit_without_name(h.read):
            notes.append(f"issuer line '{h.read}' ends in a unit without its name (a word lost?)")
        if h is lines[0] and len(lines) > 1 and _place_without_committee(h.read):
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
    words = [w.strip(_EDGE_PUNCT) or w for w in fold(read).split()]
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
    folded = [fold(w).strip(_EDGE_PUNCT) for w in words]
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
        place = " ".join(w.strip(_EDGE_PUNCT) for w in words[k:stop]).upper()
        value = f"{body.name} / {place}" if place else body.name
        read = " ".join(words[j:stop]).strip(_EDGE_PUNCT)
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
    vocab = _vocabulary(profile, on)
    for line in reversed(lines):
        known, _ = _recognise(line, vocab)
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

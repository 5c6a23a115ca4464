"""Document numbers and issue dates in noisy OCR text.

The two fields that must be *exactly* right: both are read on folded text
(see :mod:`pipeline.folding`) with OCR look-alikes of digits repaired
(O→0, l/I/|→1, S→5, B→8), known suffix tokens of a number given back their
printed form (QĐ, SGDĐT, KTKĐ, …), and the signing date taken from the
place-date line ("Hải Phòng, ngày 05 tháng 7 năm 2010") rather than from
the acts the body cites.

Here the number: :func:`parse_number` reads it, :func:`slashless_number`
and :func:`symbol_tail` give what a damaged one leaves for
:mod:`pipeline.number_repair` to repair. The "Số:" label and the header
window are :mod:`pipeline.patterns`'; the dates are read in
:mod:`pipeline.place_dates`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rapidfuzz.distance import Levenshtein

# The digit look-alikes and line alignment are shared with the date parsers.
from pipeline.date_words import DIGIT, fix_digits, lines_aligned
from pipeline.patterns import BODY_START_RE, HEADER_LINES, NUMBER_SLOT_RE, SO_LABEL, SO_PUNCT, SO_SCRAP

__all__ = [
    "Codes",
    "header_number_line",
    "normalize_number",
    "parse_number",
    "slashless_number",
    "symbol_tail",
    "unknown_codes",
]

class Codes(dict[str, str]):
    """The codes a number's symbol is made of, folded -> printed ("qd" -> "QĐ"), and every printed form.

    The office's profile's (:attr:`pipeline.profile.Profile.codes`), handed to
    every parser here. Two codes may fold alike ("HD" hướng dẫn, "HĐ" hợp
    đồng): the mapping gives the first, :attr:`printed` holds both, and a
    code printed as one of them stays as printed.
    """

    def __init__(self, folded: Mapping[str, str], printed: Iterable[str] = ()) -> None:
        super().__init__(folded)
        self.printed = frozenset((*folded.values(), *printed))


def unknown_codes(number: str, codes: Codes) -> list[str]:
    """Codes of a number's symbol that no known code explains (OCR garble: "QĐ-UEL" gives ["UEL"])."""
    symbol = number.rpartition("/")[2]
    return [t for t in symbol.split("-") if t and t not in codes.printed and not t.isdigit()]


# --------------------------------------------------------------------------
# OCR confusions
# --------------------------------------------------------------------------

# The reverse of the digit look-alikes (:func:`pipeline.date_words.fix_digits`), for letters of a suffix read as digits ("5GDDT").
_LETTER_FIX = str.maketrans({"0": "o", "5": "s", "1": "i", "8": "b", "6": "g"})


# --------------------------------------------------------------------------
# Document number
# --------------------------------------------------------------------------

_SUFFIX_TOKEN = r"[a-z0-9&]+"
_NUMBER_RE = re.compile(
    # "Số" then a space, its colon or a digit: not "sơ" or "sổ" ("so" too) of a word in the body.
    rf"(?P<so>{SO_LABEL})(?=[\s:;.,0-9oilsb|])\s*(?P<colon>{SO_PUNCT}?)\s*"
    rf"(?P<num>{DIGIT}+(?:\s{DIGIT}+)?(?:\s*/\s*{DIGIT}+)*)"
    # The slash before the symbol is sometimes read ")" ("320)Đ-SGD&ĐT"), "." or not at all
    # ("762 .QĐ-SGDĐT", "79 GDĐT-KT"): then the symbol must be of known codes, joined by a hyphen.
    rf"(?P<sep>\s*[/)]\s*|\s*[.,]\s*|\s+)(?P<suf>{_SUFFIX_TOKEN}(?:\s*-\s*{_SUFFIX_TOKEN})*)"
)


def _canonical_suffix_token(tok: str, original: str, codes: Codes) -> str:
    """Printed form of one suffix token (``qd`` -> ``QĐ``), OCR-tolerant.

    A token printed as a known code stays as printed: "HD" (hướng dẫn) and
    "HĐ" (hợp đồng) fold alike.
    """
    if original in codes.printed:
        return original
    if tok in codes:
        return codes[tok]
    as_letters = tok.translate(_LETTER_FIX)
    if as_letters in codes:
        return codes[as_letters]
    # "QĐ" is often read as "OD", "0D" or "QD".
    if as_letters in {"od", "oo", "qo"}:
        return "QĐ"
    # "Đ" read twice ("QĐÐ") or lost at the end of a token ("KTK" for "KTKĐ").
    for i in range(len(as_letters) - 1):
        if as_letters[i:i + 2] == "dd" and (undoubled := as_letters[:i] + as_letters[i + 1:]) in codes:
            return codes[undoubled]
    if len(as_letters) >= 3 and as_letters + "d" in codes:
        return codes[as_letters + "d"]
    if len(as_letters) >= 4:
        best = min(
            codes,
            key=lambda k: Levenshtein.distance(k, as_letters),
        )
        if Levenshtein.distance(best, as_letters) <= 1 and len(best) >= 4:
            return codes[best]
    if tok.isdigit():
        return tok
    return original.upper()


def normalize_number(num: str, suffix: str, suffix_original: str | None, codes: Codes) -> str:
    """Normalise the parts of a document number to the printed form.

    Args:
        num: Numeric part as read (may contain look-alikes and ``/``), folded.
        suffix: Folded suffix such as ``qd-sgddt``.
        suffix_original: The suffix as printed, used for unknown tokens.
        codes: The known codes (the profile's).

    Returns:
        E.g. ``"123/QĐ-SGDĐT"``.
    """
    segments = [fix_digits(s) for s in num.split("/")]
    toks = [t.strip() for t in suffix.split("-")]
    origs = (
        [t.strip() for t in suffix_original.split("-")]
        if suffix_original is not None
        else toks
    )
    if len(origs) != len(toks):
        origs = toks
    canon = []
    i = 0
    while i < len(toks):
        if not toks[i]:
            i += 1
            continue
        pair = f"{toks[i]}-{toks[i + 1]}" if i + 1 < len(toks) else ""
        if pair in codes:  # a code with a hyphen of its own ("SGD-ĐT"), read without its diacritics
            printed = f"{origs[i]}-{origs[i + 1]}"
            canon.append(printed if printed in codes.printed else codes[pair])
            i += 2
            continue
        canon.append(_canonical_suffix_token(toks[i], origs[i], codes))
        i += 1
    return "/".join(segments) + "/" + "-".join(canon)


#: A header line that is a number and nothing else: its "Số:" was eaten ("1919/QĐ-UBND"),
#: or is a scrap of up to three characters before the colon ("3ố: 231/QĐ-SGDĐT"), or its "S"
#: and a scrap before a space, the colon under a blot ("S§ 849/QĐ-SGD&ĐT"), or glued to the
#: digits ("S&533/QĐ-UBND"), or a word or scrap of up to three characters it was read as ("võ 191
#: /PGDĐT-CM", "3ố 703 /QĐ-SGDĐT").
_BARE_NUMBER_RE = re.compile(rf"^[\W_]{{0,3}}(?:\S{{1,3}}\s*:\s*|s[^\s0-9]{{0,2}}\s+|s[^\w\s]|{SO_SCRAP}\s+)?"
                             rf"(?P<num>[0-9]{{1,5}})\s*/\s*"
                             rf"(?P<suf>{_SUFFIX_TOKEN}(?:\s*-\s*{_SUFFIX_TOKEN})*)\W{{0,2}}$")


def _cut_short(line: str, start: int) -> bool:
    """Whether the digits at ``start`` follow a speck glued to them ("Số .2/QĐ", "'79/QĐ").

    A dot, comma or quote stuck to the front of the digits, with a space or the
    line's start before it, is what a hole or a stain leaves of a digit: the
    digits read are the number's last ones, and the value would be wrong.
    """
    return start > 0 and line[start - 1] in ".,;'`‘’\"„" and (start == 1 or line[start - 2].isspace())


def _bare_number(orig: str, fold_line: str, codes: Codes) -> str | None:
    """The number of a header line holding only a number whose every code is known, "Số:" eaten or garbled."""
    m = _BARE_NUMBER_RE.match(fold_line.strip())
    if not m or _cut_short(fold_line.strip(), m.start("num")):
        return None
    value = normalize_number(m.group("num"), m.group("suf"), orig.strip()[m.start("suf"):m.end("suf")], codes)
    return None if unknown_codes(value, codes) else value


def _number_candidates(text: str, codes: Codes) -> list[tuple[float, int, str]]:
    out: list[tuple[float, int, str]] = []
    nonempty = 0
    for idx, (orig, fold_line) in enumerate(lines_aligned(text)):
        if not fold_line.strip():
            continue
        nonempty += 1
        if nonempty <= HEADER_LINES and BODY_START_RE.match(fold_line.strip()):
            nonempty = HEADER_LINES + 1  # the body begins ("Kính gửi:", "Căn cứ"): no line below is the header's
        if nonempty <= HEADER_LINES and (bare := _bare_number(orig, fold_line, codes)):
            # Below any "Số:" line of the header (2.5 and more), above a "số …" opening a line of the body.
            out.append((2.0, idx, bare))
        for m in _NUMBER_RE.finditer(fold_line):
            num = m.group("num")
            suffix = m.group("suf")
            if not re.search(r"[0-9]", num) and len(num.replace(" ", "")) > 3:
                continue
            if not re.search(r"[a-z]", suffix):
                continue
            first_tok = suffix.split("-")[0].strip()
            if not re.search(r"[0-9]", num):
                # Pure look-alikes ("lO") only when the suffix is known.
                if _canonical_suffix_token(first_tok, first_tok, codes) == first_tok.upper():
                    continue
            slashed = bool(set(m.group("sep")) & set("/)"))
            if not slashed and ("-" not in suffix or not re.search(r"[0-9]", num) or unknown_codes(
                    normalize_number(num, suffix, orig[m.start("suf"):m.end("suf")], codes), codes)):
                continue  # no slash read: only a symbol of known codes ("QĐ-SGDĐT") makes it a number
            if _cut_short(fold_line, m.start("num")):
                if nonempty <= HEADER_LINES:  # the header's own number, its first digits lost: none rather than a part
                    out.append((4.5, idx, ""))
                continue
            score = 0.0
            start = m.start("so")
            if orig[start] == "S":
                score += 1.0
            if m.group("colon"):
                score += 1.0
            if nonempty <= HEADER_LINES:
                score += 1.5  # the header of the record's first page
            elif not fold_line[:start].strip():
                score += 1.0
            if not fold_line[:start].strip(" .,'`|_-"):
                score += 0.5
            if first_tok.startswith("gcn"):
                score -= 0.5  # a certificate's own number ranks below its decision's
            # "Quyết định số 12/QĐ-UBND ngày ..." in the body cites another act.
            before = fold_line[max(0, start - 12):start]
            if re.search(r"\b(dinh|van|cao|bao|hoach|trinh|tu|quyet|thi|ban)\s*$", before):
                score -= 2.0
            value = normalize_number(num, suffix, orig[m.start("suf"):m.end("suf")], codes)
            out.append((score, idx, value))
    return out


def parse_number(text: str, codes: Codes, *, skip: tuple[str, ...] = ()) -> str | None:
    """Find the document's own number ("Số: 123/QĐ-SGDĐT").

    Tolerates OCR noise: ``S0: l23/QD-SGDDT``, spaces around ``/`` and ``-``,
    a missing colon. Look-alike characters in the numeric part are turned into
    digits (O→0, l/I/|→1, S→5, B→8) and known suffix tokens get their
    diacritics back (QĐ, SGDĐT, KTKĐ, ...). Numbers cited in the body
    ("Quyết định số 12/QĐ-UBND") rank below the header's own "Số:".

    Args:
        text: Page or record text.
        codes: The known codes (the profile's).
        skip: Codes whose numbers are not this document's (``("GCN",)``: the
            certificate a decision issues, filed after it, has its own number).

    Returns:
        The normalised number, e.g. ``"123/QĐ-SGDĐT"``, or ``None`` when no
        number with a numeric part is found (a blank "Số: /QĐ-..." gives None).
    """
    cands = [c for c in _number_candidates(text, codes)
             if not c[2] or not c[2].rpartition("/")[2].startswith(skip)] if skip else _number_candidates(text, codes)
    if not cands:
        return None
    best = max(cands, key=lambda c: (c[0], -c[1]))
    if best[0] < 1.0 or not best[2]:
        return None
    return best[2]


#: The number line's start: "Số:" and the numeric part, in folded text.
_NUMBER_HEAD_RE = re.compile(rf"{SO_LABEL}\s*{SO_PUNCT}?\s*(?P<num>{DIGIT}+)")
#: At most this many characters of a number line after its numeric part are a symbol read.
_TAIL_CHARS = 24


def _header(text: str) -> list[tuple[str, str]]:
    """(original, folded) of the non-empty lines of the header window (:data:`pipeline.patterns.HEADER_LINES`)."""
    return [(o, f) for o, f in lines_aligned(text) if f.strip()][:HEADER_LINES]


def _number_lines(text: str) -> list[tuple[str, str]]:
    """(original, folded) of the header lines that open a number ("Số: 123...")."""
    out = []
    for orig, folded in _header(text):
        if _NUMBER_HEAD_RE.search(folded):
            out.append((orig, folded))
    return out


def _tail(orig: str, start: int) -> str:
    """The symbol as read after a number's digits: at most three words, no right-hand column."""
    rest = re.split(r"\s{3,}", orig[start:].strip(), maxsplit=1)[0]
    return " ".join(rest.split()[:3])[:_TAIL_CHARS].strip(" .,;:'`|_")


def header_number_line(text: str) -> str | None:
    """The header's own "Số: …" line as read, whether its digits were read or not; ``None`` without one."""
    for orig, folded in _header(text):
        if BODY_START_RE.match(folded.strip()):
            break  # the body begins: "… Công văn\nsố 806/CV-TCHC" below is a cited act's
        if NUMBER_SLOT_RE.match(folded.strip()):
            return orig.strip()
    return None


def symbol_tail(text: str, head: str) -> str | None:
    """What the number line holds after the numeric part ``head`` and its slash.

    The parsed number keeps only the symbol's first readable codes
    ("837/SGDĐT" from "Số: 837/SGDĐ_ Á<TKĐ"); the whole tail, garbage
    included, shows where the damage was and what survived it.

    Args:
        text: Record text.
        head: The number's numeric part as normalised ("837").

    Returns:
        The tail as printed ("SGDĐ_ Á<TKĐ"), or ``None`` when no header line
        opens that number.
    """
    for orig, folded in _number_lines(text):
        m = _NUMBER_HEAD_RE.search(folded)
        if m is None or fix_digits(m.group("num")) != head:
            continue
        after = re.match(r"\s*[/)]\s*", folded[m.end():])
        return _tail(orig, m.end() + (after.end() if after else 0)) or None
    return None


#: A number line whose slash went with the start of the symbol: "Số: 1406 UBND", "Số: 270 -UBND",
#: or only the foot of the slash left, read as a comma stuck to the digits ("Số: 341, „&ĐT-KTKĐ"),
#: or the slash read as a colon or semicolon between the digits and a letter ("Số: 678:QĐ-SG1& T").
_SLASHLESS_RE = re.compile(
    rf"{SO_LABEL}\s*{SO_PUNCT}?\s*(?P<num>[0-9]{{1,4}})(?: +-?(?=[a-z])|, +(?=\S*[a-z]\S*[a-z])|[:;](?=[a-z]))")
#: A number line whose slash alone is lost, the digits glued to the symbol's first code
#: ("Số: 416QĐ-SGDĐT"); that code must be a whole known one (see :func:`slashless_number`).
_GLUED_RE = re.compile(rf"{SO_LABEL}\s*{SO_PUNCT}?\s*(?P<num>[0-9]{{1,5}})(?P<code>[a-z&]{{2,6}})-")
#: A header line whose "Số:" is broken in two scraps, its "S" and its "ố" ("Ố s 597/QĐ-SGD&E"),
#: then a whole number (a space before it, its slash after it) and a symbol starting with a letter.
_SCRAP_SO_RE = re.compile(r"^\W{0,2}(?:s[:;.,]?\s+o|o[:;.,]?\s+s)[:;.,]?\s+(?P<num>[0-9]{1,5})\s*/\s*(?=[a-z])")
#: A number line whose digits and slash are whole but whose symbol starts under a stain, garbage
#: before its first letter ("Số:486/% ”)ĐTI-KTKĐ"): the digits stand right after "Số:".
_GARBLED_START_RE = re.compile(
    rf"{SO_LABEL}\s*{SO_PUNCT}?\s*(?P<num>[0-9]{{1,5}})\s*/\s*(?=[^\sa-z0-9&][^a-z]{{0,3}}[a-z])")


def slashless_number(text: str, codes: Codes) -> tuple[str, str] | None:
    """A header number :func:`parse_number` cannot read, whose symbol the issuer's can repair.

    Four shapes, all of a whole run of digits:

    * the slash was lost with the start of the symbol ("Số: 1406 UBND"):
      the digits are followed by a space and a word that starts with a
      letter, or by a comma (the foot of the slash) and a space before a
      tail with letters ("Số: 341, „&ĐT-KTKĐ"), or the slash was read as a
      colon or semicolon glued to both ("Số: 678:QĐ-SG1& T");
    * "Số:" is broken in two scraps, "S" and "ố" in either order ("Ố s
      597/QĐ-SGD&E"; one scrap alone may be a digit look-alike): the
      digits stand between a space and their slash;
    * digits right after "Số:" and their slash are whole, but the symbol
      starts with garbage before its first letter ("Số:486/% ”)ĐTI-KTKĐ"):
      only the symbol was damaged;
    * only the slash was lost, the digits glued to the symbol's first code
      ("Số: 416QĐ-SGDĐT"); that code must be whole and known, or a letter
      read as a digit could be taken for the number's last ("Số: 4160Đ-…"
      for "416/QĐ-…" is left alone).

    Digits with anything else stuck to them ("Số32_ QĐ-UBND", "Số: 65,.5»GDĐT")
    may have lost one of their own, or be what is left of one, and are left alone.

    Returns:
        ``(numeric part, tail as printed)`` or ``None``; :func:`parse_number`
        does not read these (the symbol has to be repaired, or at least
        confirmed, from the issuer's: see :func:`pipeline.number_repair.repair_symbol`).
    """
    for orig, folded in _number_lines(text):
        m = _SLASHLESS_RE.search(folded)
        if m is not None:
            return m.group("num"), _tail(orig, m.end())
    for orig, folded in _header(text):
        m = _SCRAP_SO_RE.match(folded)
        if m is not None:
            return m.group("num"), _tail(orig, m.end())
    for orig, folded in _number_lines(text):
        m = _GARBLED_START_RE.search(folded)
        if m is not None:
            return m.group("num"), _tail(orig, m.end())
        m = _GLUED_RE.search(folded)
        if m is not None and m.group("code") in codes:
            return m.group("num"), _tail(orig, m.start("code"))
    return None

"""Document numbers and issue dates in noisy OCR text.

The two fields that must be *exactly* right: both are read on folded text
(see :mod:`pipeline.folding`) with OCR look-alikes of digits repaired
(O→0, l/I/|→1, S→5, B→8), known suffix tokens of a number given back their
printed form (QĐ, SGDĐT, KTKĐ, …), and the signing date taken from the
place-date line ("Hải Phòng, ngày 05 tháng 7 năm 2010") rather than from
the acts the body cites. When the place-date line is there but cannot be
read, the date is ``None`` (the record goes to review) unless one safe
repair makes it consistent with the rest of the text.

The date parsers live in :mod:`pipeline.place_dates` and are re-exported
here; :mod:`pipeline.extract` re-exports the public functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz.distance import Levenshtein

from pipeline.folding import fold
from pipeline.forms import BODY_START_RE, NUMBER_SLOT_RE
# The digit look-alikes and line alignment are shared with the date parsers.
from pipeline.date_words import DIGIT, fix_digits, lines_aligned

__all__ = [
    "Codes",
    "header_number_line",
    "normalize_number",
    "parse_number",
    "repair_symbol",
    "slashless_number",
    "snap_symbol",
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

# The reverse of the digit look-alikes (place_dates._DIGIT_FIX), for letters of a suffix read as digits ("5GDDT").
_LETTER_FIX = str.maketrans({"0": "o", "5": "s", "1": "i", "8": "b", "6": "g"})


# --------------------------------------------------------------------------
# Document number
# --------------------------------------------------------------------------

_SUFFIX_TOKEN = r"[a-z0-9&]+"
_NUMBER_RE = re.compile(
    # "Số" is read "So", "S0", "S6", "S8", "Sô"... (folded: s + o/0/6/8), or "5ố" before its colon.
    r"(?P<so>(?<![a-z0-9])(?:s[o068](?=[\s:;.,0-9oilsb|])|5o(?=\s*:)))\s*(?P<colon>[:;.,]?)\s*"
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
#: digits ("S&533/QĐ-UBND"), or a word of up to three letters it was read as ("võ 191 /PGDĐT-CM").
_BARE_NUMBER_RE = re.compile(rf"^[\W_]{{0,3}}(?:\S{{1,3}}\s*:\s*|s[^\s0-9]{{0,2}}\s+|s[^\w\s]|[a-z]{{1,3}}\s+)?"
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
        if nonempty <= 12 and BODY_START_RE.match(fold_line.strip()):
            nonempty = 13  # the body begins ("Kính gửi:", "Căn cứ"): no line below is the header's
        if nonempty <= 12 and (bare := _bare_number(orig, fold_line, codes)):
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
                if nonempty <= 12:  # the header's own number, its first digits lost: none rather than a part
                    out.append((4.5, idx, ""))
                continue
            score = 0.0
            start = m.start("so")
            if orig[start] == "S":
                score += 1.0
            if m.group("colon"):
                score += 1.0
            if nonempty <= 12:
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


#: Share of a symbol's letters that may be misread for :func:`snap_symbol`.
SYMBOL_ERRORS = 0.45


def snap_symbol(number: str, symbols: Sequence[str]) -> str:
    """Give a number the issuer's symbol it was misread from.

    An issuing body numbers its acts with a handful of symbols ("QĐ-UBND",
    "SGDĐT-KTKĐ"); a stain turns "QĐ-UBND" into "QĐ-UEL" or "KT&KĐCLGD" into
    "KT&KĐCLC". When the symbol as read is none of ``symbols`` but is within
    :data:`SYMBOL_ERRORS` of exactly one of them — at least two edits closer
    than any other, so a guess between two symbols is never made — that
    symbol replaces it (one edit away and no other symbol as close also
    does). The numeric part is never touched.

    Args:
        number: A normalised number, e.g. ``"748/QĐ-UEL"``.
        symbols: The printed symbols of the issuer (or of all known issuers).

    Returns:
        The number, snapped or as it was.
    """
    head, sep, symbol = number.rpartition("/")
    if not sep or not symbols or symbol in symbols:
        return number
    read = fold(symbol)
    ranked = sorted((Levenshtein.distance(read, fold(s)), s) for s in symbols)
    best_d, best = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else None
    if best_d > SYMBOL_ERRORS * len(fold(best)):
        return number
    if runner_up is not None and runner_up - best_d < (1 if best_d == 1 else 2):
        return number
    return f"{head}/{best}"


#: The number line's start: "Số:" and the numeric part, in folded text.
_NUMBER_HEAD_RE = re.compile(rf"(?<![a-z0-9])s[o06]\s*[:;.,]?\s*(?P<num>{DIGIT}+)")
#: At most this many characters of a number line after its numeric part are a symbol read.
_TAIL_CHARS = 24


def _number_lines(text: str, max_lines: int = 12) -> list[tuple[str, str]]:
    """(original, folded) of the header lines that open a number ("Số: 123...")."""
    out = []
    for orig, folded in [(o, f) for o, f in lines_aligned(text) if f.strip()][:max_lines]:
        if _NUMBER_HEAD_RE.search(folded):
            out.append((orig, folded))
    return out


def _tail(orig: str, start: int) -> str:
    """The symbol as read after a number's digits: at most three words, no right-hand column."""
    rest = re.split(r"\s{3,}", orig[start:].strip(), maxsplit=1)[0]
    return " ".join(rest.split()[:3])[:_TAIL_CHARS].strip(" .,;:'`|_")


def header_number_line(text: str, max_lines: int = 12) -> str | None:
    """The header's own "Số: …" line as read, whether its digits were read or not; ``None`` without one."""
    for orig, folded in [(o, f) for o, f in lines_aligned(text) if f.strip()][:max_lines]:
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
#: or only the foot of the slash left, read as a comma stuck to the digits ("Số: 341, „&ĐT-KTKĐ").
_SLASHLESS_RE = re.compile(
    r"(?<![a-z0-9])s[o06]\s*[:;.,]?\s*(?P<num>[0-9]{1,4})(?: +-?(?=[a-z])|, +(?=\S*[a-z]\S*[a-z]))")
#: A number line whose slash alone is lost, the digits glued to the symbol's first code
#: ("Số: 416QĐ-SGDĐT"); that code must be a whole known one (see :func:`slashless_number`).
_GLUED_RE = re.compile(r"(?<![a-z0-9])s[o06]\s*[:;.,]?\s*(?P<num>[0-9]{1,5})(?P<code>[a-z&]{2,6})-")
#: A header line whose "Số:" is broken in two scraps, its "S" and its "ố" ("Ố s 597/QĐ-SGD&E"),
#: then a whole number (a space before it, its slash after it) and a symbol starting with a letter.
_SCRAP_SO_RE = re.compile(r"^\W{0,2}(?:s[:;.,]?\s+o|o[:;.,]?\s+s)[:;.,]?\s+(?P<num>[0-9]{1,5})\s*/\s*(?=[a-z])")
#: A number line whose digits and slash are whole but whose symbol starts under a stain, garbage
#: before its first letter ("Số:486/% ”)ĐTI-KTKĐ"): the digits stand right after "Số:".
_GARBLED_START_RE = re.compile(
    r"(?<![a-z0-9])s[o06]\s*[:;.,]?\s*(?P<num>[0-9]{1,5})\s*/\s*(?=[^\sa-z0-9&][^a-z]{0,3}[a-z])")


def slashless_number(text: str, codes: Codes) -> tuple[str, str] | None:
    """A header number :func:`parse_number` cannot read, whose symbol the issuer's can repair.

    Four shapes, all of a whole run of digits:

    * the slash was lost with the start of the symbol ("Số: 1406 UBND"):
      the digits are followed by a space and a word that starts with a
      letter, or by a comma (the foot of the slash) and a space before a
      tail with letters ("Số: 341, „&ĐT-KTKĐ");
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
        confirmed, from the issuer's: see :func:`repair_symbol`).
    """
    for orig, folded in _number_lines(text):
        m = _SLASHLESS_RE.search(folded)
        if m is not None:
            return m.group("num"), _tail(orig, m.end())
    for orig, folded in [(o, f) for o, f in lines_aligned(text) if f.strip()][:12]:
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


def _shape(read: str, known: str) -> tuple[int, int, int, int]:
    """``(prefix, suffix, read gap, known gap)``: ``read`` as ``known`` with one block damaged."""
    p = 0
    while p < min(len(read), len(known)) and read[p] == known[p]:
        p += 1
    sfx = 0
    while sfx < min(len(read), len(known)) - p and read[-1 - sfx] == known[-1 - sfx]:
        sfx += 1
    return p, sfx, len(read) - p - sfx, len(known) - p - sfx


def _narrow(cands: list[str], prefer: Sequence[str]) -> list[str]:
    """Candidates left after each preference that keeps at least one ("QĐ-…", "…-KTKĐ")."""
    for pref in prefer:
        kept = [c for c in cands if c.startswith(pref + "-") or c.endswith("-" + pref)]
        if kept:
            cands = kept
    return cands


def repair_symbol(read: str, symbols: Sequence[str], prefer: Sequence[str] = ()) -> str | None:
    """The known symbol a damaged one was, when the damage leaves one answer.

    A termite hole or a stain takes out one stretch of a symbol. ``read`` is
    compared (folded) with each known symbol as that symbol with one block
    lost or replaced by garbage:

    * a *fragment* — ``read`` is the start ("SGDĐT" of "SGDĐT-KTKĐ", cut at
      the page edge) or the end ("UBND" of "QĐ-UBND") of a symbol — says
      nothing about how much was lost: every symbol it fits is a candidate;
    * otherwise the symbols whose surviving start and end cover at least
      half of them (and three characters) are ranked by the size of the
      damaged block, read and known ("QĐ-UEL D" is "QĐ-UBND" with "BN" read
      "EL "); only the smallest is a candidate, and only if no other symbol
      ties with it; when only a start survived, the rest garbage of another
      length ("SGDĐ. `“ ý"), every symbol with that start is a candidate.

    Several candidates are narrowed by ``prefer``, codes the rest of the
    document names (the title's type code "QĐ", the filing unit of "Lưu:
    VT, KTKĐ"), each applied only when it keeps one at least; the symbol is
    returned only when one candidate remains. A read that is already one of
    ``symbols`` is returned as is.

    Args:
        read: The symbol as read, garbage included ("SGDĐ_ Á<TKĐ").
        symbols: The known symbols (the issuer's, in use on the date).
        prefer: Codes that break a tie, in order.

    Returns:
        One of ``symbols``, or ``None``.
    """
    if read in symbols:
        return read
    r = fold(read).strip(" .,;:'`|_-")
    if len(r) < 2 or not symbols:
        return None
    fragments, ranked, shapes = [], [], {}
    for sym in symbols:
        k = fold(sym)
        p, sfx, gap_r, gap_k = shapes[sym] = _shape(r, k)
        if gap_r == 0 and gap_k > 0 and (sfx == 0 or p == 0):
            fragments.append(sym)
        elif p + sfx >= max(3, (len(k) + 1) // 2) and gap_r <= len(k):
            ranked.append((gap_r + gap_k, sym))
    if fragments:
        cands = fragments
    elif ranked:
        best = min(cost for cost, _ in ranked)
        cands = [sym for cost, sym in ranked if cost == best]
        if all(shapes[c][1] == 0 and shapes[c][2] != shapes[c][3] for c in cands):
            # Only a start survived, garbage after it of another length than the rest of the
            # candidate ("SGDĐ. `“ ý"): every symbol with that start fits as well, a long one too
            # ("SGDĐT-KTKĐ", not only the short "SGDĐT-VP"). A rest read as many letters as it has
            # ("QĐ-SGDBM": "BM" for "ĐT") is evidence for that symbol.
            start = min(shapes[c][0] for c in cands)
            cands = [sym for sym in symbols if shapes[sym][0] >= start]
    else:
        return None
    cands = _narrow(cands, prefer)
    return cands[0] if len(cands) == 1 else None

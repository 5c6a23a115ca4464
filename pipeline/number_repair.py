"""The document's number ("số, ký hiệu"): kept as read, or a proposal where its symbol is damaged.

:func:`pipeline.numbers_dates.parse_number` reads the number of the
header's "Số:" line; here it is checked against what the office knows —
the codes of the profile, the issuer's symbols in use on the document's
date (:func:`pipeline.issuers.symbols_for`), the title's type code, the
unit on the "Lưu: VT, …" line — and a damaged symbol gets a proposal. Every
proposal keeps the reading beside it and a note that sends the record to
review; nothing read is replaced silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.date_words import fix_digits
from pipeline.folding import fold, fold_aligned
from pipeline.forms import TITLE_CODES
from pipeline.issuers import IssuerReading, symbols_for
from pipeline.numbers_dates import (
    Codes,
    header_number_line,
    parse_number,
    slashless_number,
    symbol_tail,
    unknown_codes,
)
from pipeline.profile import Profile

__all__ = ["NumberReading", "filing_unit", "other_body_note", "parse_number_detail", "repair_symbol", "snap_symbol"]

_FILING_RE = re.compile(r"\blu[u]?\s*[:.;]?\s*vt\s*[,.;]\s*(?P<unit>[a-z&]{2,12})\b")


def filing_unit(text: str, codes: Codes) -> str | None:
    """The unit that drafted the document, from "Lưu: VT, KTKĐ." under "Nơi nhận".

    A công văn's symbol ends with that unit's code ("837/SGDĐT-KTKĐ").

    Args:
        text: Record text.
        codes: The known codes (the profile's).

    Returns:
        The unit's printed code when it is a known code ("KTKĐ"), else ``None``.
    """
    for line in fold_aligned(text)[1].split("\n"):
        m = _FILING_RE.search(line)
        if m is not None and m.group("unit") in codes:
            return codes[m.group("unit")]
    return None


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
      half of them (and three characters) are ranked by the edits that turn
      the damaged block read into the known one, then by the size of the two
      blocks ("QĐ-UEL D" is "QĐ-UBND" with "BN" read "EL "; "Q12-SGDDĐT" is
      three edits from "QĐ-SGDĐT", four from "QĐ-GDĐT", whose block is
      shorter); only the best is a candidate, and only if no other symbol
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
            ranked.append(((Levenshtein.distance(r[p:len(r) - sfx], k[p:len(k) - sfx]), gap_r + gap_k), sym))
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


def _damaged(number: str, symbols: tuple[str, ...], codes: Codes) -> bool:
    """A symbol with a code no one knows, or the start or the end of one of the issuer's symbols.

    The start may end inside a code ("SGDĐT-KT&KĐ" of "SGDĐT-KT&KĐCLGD");
    the end is whole codes ("UBND" of "QĐ-UBND").
    """
    symbol = number.rpartition("/")[2]
    if symbol in symbols:
        return False
    return bool(unknown_codes(number, codes)) or any(
        k.startswith(symbol) or k.endswith("-" + symbol) for k in symbols)


#: Punctuation around a word of the number line ("KT,", "Khánh").
_SYMBOL_EDGE = " .,;:'`|_()"


def _cut_inside(symbol: str, tail: str | None, symbols: tuple[str, ...]) -> bool:
    """``symbol`` is the start of one of ``symbols`` and its line goes on after it (garbage).

    A symbol read as a whole word and followed by a word of running text
    ("591/SGDĐT-KT Khánh Hòa, ngày …": the place-date column) ends where it
    was printed: it is not cut inside a code.
    """
    read = fold(symbol)
    if tail is None or len(fold(tail).replace(" ", "")) <= len(read):
        return False
    words = tail.split()
    if len(words) > 1 and fold(words[0]).strip(_SYMBOL_EDGE) == read and _running_word(words[1]):
        return False
    return any(fold(s).startswith(read) and fold(s) != read for s in symbols)


def _running_word(word: str) -> bool:
    """A word of running text: two letters or more, none a capital after the first ("Khánh", "ngày")."""
    core = word.strip(_SYMBOL_EDGE)
    return len(core) >= 2 and core.isalpha() and not any(c.isupper() for c in core[1:])


def _cut_short(number: str, symbols: tuple[str, ...]) -> str | None:
    """The issuer's symbol that ``number``'s symbol is the cut-off start of, if any.

    A stain at the end of the number line turns "837/SGDĐT-KTKĐ" into
    "837/SGDĐT": every code in it is known, so only the issuer's own
    symbols tell that something is missing.
    """
    _, sep, symbol = number.rpartition("/")
    if not sep or not symbol or symbol in symbols:
        return None
    return next((s for s in symbols if s.startswith(symbol + "-")), None)


def _certificate_for_decision(number: str, title: str | None) -> bool:
    """A certificate's number ("198/GCN-SGDĐT") read for a record whose title is a decision."""
    return TITLE_CODES.get(title or "") == "QĐ" and number.rpartition("/")[2].startswith("GCN")


def _odd_numeric(number: str, date: dt.date | None) -> str:
    """Why a number's numeric part cannot be as read ("4/35" of a handwritten 1595), or ``""``.

    After the running number only a year may follow ("12/2010/QĐ-UBND",
    an act's number within its year): four digits, not after the
    document's own year.
    """
    parts = number.rpartition("/")[0].split("/")
    for part in parts[1:]:
        if not (len(part) == 4 and part.isdigit() and 1945 <= int(part) <= (date.year if date else 2100)):
            return f"number {number}: '{'/'.join(parts)}' is no number and year (misread?)"
    return ""


def _as_read(symbol: str, tail: str) -> bool:
    """The symbol has the letters of the line as read (its marks aside): no code was guessed."""
    read = re.sub(r"[^a-z0-9&-]", "", fold(tail))
    return read.startswith(re.sub(r"[^a-z0-9&-]", "", fold(symbol)))


def _other_type(number: str, title: str | None, profile: Profile) -> str:
    """Why a number cannot be the document's under its title: another document type's code ("CĐ" under
    "QUYẾT ĐỊNH", a "QĐ" damaged), or no "QĐ" in a decision's, or ``""``."""
    want = TITLE_CODES.get(title or "")
    codes = number.rpartition("/")[2].split("-")
    if want is None or want in codes or not codes or (codes[0] not in profile.type_codes and want != "QĐ"):
        return ""
    return f"number {number}: its type code {codes[0]} is not the title's ({want})"


def _type_twice(number: str, profile: Profile) -> str:
    """Why a symbol is not whole: a document type's code after another's ("QĐ-PG" of "QĐ-PGD&ĐT" cut
    short, "PG" a type's code too), where the issuing body's code stands in every symbol, or ``""``.

    A code that is also a body's or a unit's ("PC", pháp chế) is not taken for a type's.
    """
    codes = number.rpartition("/")[2].split("-")
    types, others = profile.type_codes, profile.body_codes | set(profile.unit_codes)
    for first, second in zip(codes, codes[1:]):
        if first in types and second in types and second not in others:
            return f"number {number}: '{second}' after the type code {first} is no body's code (cut short?)"
    return ""


def _other_body(number: str, issuer: IssuerReading | None, profile: Profile) -> str:
    """Why a number cannot be its issuer's: another body's code and none of the issuer's ("QĐ-PGDĐT" under
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", an "S" read "p"), or ``""``."""
    body = issuer.body if issuer is not None else None
    if body is None:
        return ""
    codes = set(number.rpartition("/")[2].split("-"))
    own = {body.code, *body.codes}
    others = profile.body_codes - own
    if codes & own or not codes & others:
        return ""
    return (f"number {number}: its body code {', '.join(sorted(codes & others))} is not the issuer's "
            f"({body.code})")


def other_body_note(number: str | None, issuer: IssuerReading, profile: Profile) -> str:
    """Why the issuer may have lost a line of its header: the number kept is another body's, or ``""``.

    Asked only of an issuer read without a note of its own: a header read
    cleanly that names a body the number's codes do not.

    Args:
        number: The number kept (:attr:`NumberReading.value`).
        issuer: The record's issuer (:func:`pipeline.issuers.read_issuer`).
        profile: The office's profile (the bodies and their codes).

    Returns:
        A review note on the issuer field, or ``""``.
    """
    if number and not issuer.notes and _other_body(number, issuer, profile):
        return f"issuer {issuer.value}: the number {number} is another body's (a header line lost?)"
    return ""


def _on_line(number: str, line: str) -> bool:
    """Whether the digits of ``number``'s numeric part are read on ``line`` (look-alikes as digits)."""
    digits = re.sub(r"[^0-9]", "", number.rpartition("/")[0])
    return bool(digits) and digits in re.sub(r"[^0-9]", "", fix_digits(fold(line)))


@dataclass(frozen=True)
class NumberReading:
    """The document number kept, as read, and why to review it.

    Attributes:
        value: The number kept (``None``: none read).
        read: The number as read when ``value`` is a proposal from the
            issuer's symbols (``None``: ``value`` is the reading).
        note: Why a person should look ("number … proposed from …",
            "… not a known code", "… cut short"); empty when read cleanly.
    """

    value: str | None
    read: str | None = None
    note: str = ""


def parse_number_detail(text: str, profile: Profile, issuer: IssuerReading | None = None,
                        date: dt.date | None = None, title: str | None = None) -> NumberReading:
    """The document number as read, with a proposal where its symbol is damaged (see :func:`_number_reading`).

    A number read although no line of the header opens with "Số" (the
    number read inside another line: "vào sổ số: 3212/THCS" of a diploma's
    register, an act cited — maybe the header's, maybe not) is flagged.
    """
    slot = header_number_line(text)
    found = _number_reading(text, profile, issuer, date, title, slot)
    if found.value is not None and not found.note and slot is None:
        return NumberReading(found.value, found.read,
                             f"number {found.value} read inside a line, not on a header's 'Số:' line")
    return found


def _number_reading(text: str, profile: Profile, issuer: IssuerReading | None,
                    date: dt.date | None, title: str | None, slot: str | None) -> NumberReading:
    """The document number as read, with a proposal from the issuer's symbols where its symbol is damaged.

    1. The number as read (:func:`parse_number`). A symbol made of codes the
       profile knows is kept as printed ("QĐ-PGDĐT" of a district office is
       not the Department's "QĐ-SGDĐT"). A decision never takes the number
       of the certificate it issues ("…/GCN-…", filed after it): its own
       line is looked for without it.
    2. A symbol with a code no one knows ("QĐ-UEL") or cut short ("SGDĐT")
       gets a *proposal* from the issuer's symbols in use on ``date``
       (:func:`~pipeline.issuers.symbols_for`): the closest one
       (:func:`snap_symbol`), or one :func:`repair_symbol` rebuilds from the
       whole tail of its line ("SGDĐ_ Á<TKĐ"), ties broken by the title's
       type code and the filing unit ("Lưu: VT, KTKĐ").
    3. No number, but a header line "Số: 1406 UBND" whose slash went with
       the start of the symbol (or another shape of
       :func:`~pipeline.numbers_dates.slashless_number`): a proposal the
       same way.

    Every proposal keeps the reading beside it and a note that sends the
    record to review; nothing read is replaced silently.

    Args:
        text: Record text.
        profile: The office's profile (codes; the issuer's symbols).
        issuer: The record's issuer (:func:`pipeline.issuers.read_issuer`).
        date: The document's date (symbols in use that day).
        title: The document's title (:func:`pipeline.titles.parse_title`).
    """
    codes = profile.codes
    symbols = symbols_for(issuer, profile, date) if issuer is not None else ()
    prefer = tuple(c for c in (TITLE_CODES.get(title or ""), filing_unit(text, codes)) if c)
    number = parse_number(text, codes)
    certificate = number if number is not None and _certificate_for_decision(number, title) else None
    if certificate is not None:  # the decision's own line ranked below its certificate's ("số 773 /QĐ-…")
        number = parse_number(text, codes, skip=("GCN",))
    if number is not None and slot is not None and not _on_line(number, slot):
        # The header has its own "Số:" line and the number is not on it (a handwritten number Tesseract
        # could not read, a blank slot): a number cited in the body is another act's.
        return NumberReading(None, None, f"number unreadable on the header line '{slot}'")
    if number is None:
        # No number read, or only the number of the certificate a decision issues (another number):
        # the decision's own line may still be there, its slash or the start of its symbol damaged.
        found = slashless_number(text, codes)
        fixed = repair_symbol(found[1], symbols, prefer) if found and found[1] else None
        if found is None or fixed is None:
            return NumberReading(None, None, f"number unreadable: only the certificate's number {certificate} "
                                             "was read, not the decision's" if certificate else "")
        read = f"{found[0]} {found[1]}"
        return NumberReading(f"{found[0]}/{fixed}", read,
                             f"number {found[0]}/{fixed} proposed from the issuer's symbols (read 'Số: {read}')")
    odd = _odd_numeric(number, date) or ("" if unknown_codes(number, codes) else (
        _other_type(number, title, profile) or _other_body(number, issuer, profile) or _type_twice(number, profile)))
    if odd:
        return NumberReading(number, None, odd)
    head, _, symbol = number.rpartition("/")
    # Cut short inside a code ("SGDĐT-KT&KĐ" of "SGDĐT-KT&KĐCLGD", more of the line after it, under a
    # stain) is one edit from "SGDĐT-KTKĐ" as well: not snapped, the line's whole tail decides below.
    tail = symbol_tail(text, head)  # the numeric part is never snapped: one tail for both uses
    cut = _cut_inside(symbol, tail, symbols)
    if not cut and not _damaged(number, symbols, codes):
        if tail is not None and not _as_read(symbol, tail):
            # The parser gave a code back for letters it took for OCR confusions ("nGDĐT" read as "SGDĐT").
            return NumberReading(number, f"{head}/{tail.split()[0]}",
                                 f"number {number}: its symbol was read '{tail.split()[0]}'")
        return NumberReading(number)
    snapped = number if cut else snap_symbol(number, symbols)
    if snapped != number and not _damaged(snapped, symbols, codes):
        return NumberReading(snapped, number, f"number {snapped} proposed from the issuer's symbols "
                                              f"(read '{number}')")
    for read in (tail, symbol):
        fixed = repair_symbol(read, symbols, prefer) if read else None
        if fixed is not None and fixed != symbol:
            return NumberReading(f"{head}/{fixed}", number, f"number {head}/{fixed} proposed from the issuer's "
                                                           f"symbols (read '{number}')")
    if cut:
        return NumberReading(number, None, f"number {number}: its symbol is cut short")
    unknown = unknown_codes(number, codes)
    if unknown:
        return NumberReading(number, None, f"number suffix {', '.join(unknown)} not a known code")
    longer = _cut_short(number, symbols)
    return NumberReading(number, None, f"number symbol of {number} may be cut short (the issuer uses {longer})"
                         if longer else f"number symbol of {number} is the start or end of the issuer's")


"""The handwritten number and day of a record: the digit reader's reading weighed against Tesseract's.

Tesseract reads a handwritten "1595" as "4/35" and a day "31" as "ô4"; the
digit reader (:mod:`ocr.handwriting`) reads the same slots as digits. Its
reading is taken where Tesseract's was unreadable, odd or doubtful — never
over a number or date Tesseract read cleanly and with confidence (typed
digits are Tesseract's to read). A reading taken goes to review with both
readings and the reader's confidence, unless the reader was *sure* (its
confidence passed the threshold calibrated on confirmed crops); what
Tesseract read is kept in ``read`` beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from pipeline.domain import HandField
from pipeline.extract import Extraction
from pipeline.numbers_dates import header_number_line

__all__ = ["with_handwriting"]

#: The typed symbol after the number slot on the header's "Số:" line ("/QĐ-UBND", "/ SGDĐT-CTrTT").
_SYMBOL_RE = re.compile(r"/\s*(?P<symbol>[A-ZĐ][A-Za-zĐđ&]*(?:-[A-Za-zĐđ&]+)*)")


def _symbol(number: str | None, text: str) -> str | None:
    """The number's symbol as read: from the number kept, else from the header's "Số:" line."""
    if number and "/" in number:
        return number.rpartition("/")[2] or None
    line = header_number_line(text)
    m = _SYMBOL_RE.search(line) if line else None
    return m.group("symbol") if m else None


#: A digit the reader gives no better than even odds is no evidence against Tesseract's reading.
_EVEN_ODDS = 0.5


def _likely_digits(hand: HandField) -> str:
    """The reader's digits without those it gives no better than even odds ("7118" at 1, 1, 1, 0.40: "711")."""
    if len(hand.probabilities) != len(hand.digits):
        return hand.digits
    return "".join(d for d, p in zip(hand.digits, hand.probabilities) if p > _EVEN_ODDS)


def _why(kind: str, value: str, hand: HandField, read: str | None) -> str:
    doubt = ", ".join(f"{p:.2f}" for p in hand.probabilities)
    return (f"{kind} {value} read from handwriting ({hand.digits}, confidence {hand.confidence:.2f}: {doubt}); "
            f"Tesseract read '{read or ''}'")


#: What a number's note says when its digits (not its symbol) are in doubt.
_DIGITS_IN_DOUBT = ("unreadable", "no number and year", "low confidence")


def _number(found: Extraction, hand: HandField, text: str, doubted: bool) -> Extraction:
    fields = found.fields
    head = fields.number.rpartition("/")[0] if fields.number else None
    noted = any(n.startswith("number") and any(w in n for w in _DIGITS_IN_DOUBT) for n in found.notes)
    if head is not None and head.isdigit() and not noted and not doubted:
        # Digits Tesseract read with confidence (typed, or a hand it reads well); a note about the
        # symbol alone ("… proposed from the issuer's symbols") leaves them be.
        return found
    if hand.written is False and fields.number is not None:
        return found  # typed digits under a stain: Tesseract's reading, doubtful or not, is the one to check
    if head is not None and (head in (hand.digits, _likely_digits(hand)) or
                             (head.isdigit() and hand.confidence <= _EVEN_ODDS)):
        # Both readers agree, on every digit or on every digit the reader gives better than even odds
        # ("7118" with its "8" at 0.40 over Tesseract's "711": a speck read as a digit), or the reader
        # is no surer of its reading than a coin ("2071" at 0.48 over Tesseract's "402"): Tesseract's
        # digits stay, and their doubt for a person to clear.
        return found
    symbol = _symbol(fields.number, text)
    value = f"{hand.digits}/{symbol}" if symbol else hand.digits
    read = found.read.get("number") or fields.number or header_number_line(text)
    notes = [n for n in found.notes if not n.startswith("number")]
    if not hand.sure:
        notes.append(_why("number", value, hand, read))
    return Extraction(dataclasses.replace(fields, number=value), tuple(notes),
                      {**found.read, "number": read or ""})


def _month(fields_period: str | None, date: dt.date | None, hand: HandField | None) -> tuple[int | None, bool]:
    """The month: as read, else the handwritten one (and whether it came from the hand)."""
    if date is not None:
        return date.month, False
    if fields_period and len(fields_period) >= 7:
        return int(fields_period[5:7]), False
    if hand is not None and hand.digits.isdigit() and 1 <= int(hand.digits) <= 12:
        return int(hand.digits), True
    return None, False


def _date(found: Extraction, day: HandField, month_hand: HandField | None, doubted: bool) -> Extraction:
    fields = found.fields
    noted = [n for n in found.notes if n.startswith("date")]
    if fields.date is not None and (not (noted or doubted) or day.written is False):
        return found
    year = fields.date.year if fields.date else (int(fields.period[:4]) if fields.period else None)
    month, from_hand = _month(fields.period, fields.date, month_hand)
    if year is None or month is None or not day.digits.isdigit():
        return found
    try:
        value = dt.date(year, month, int(day.digits))
    except ValueError:
        return found  # "day 48": no day of that month; Tesseract's note stays
    if value == fields.date:
        return found
    read = fields.date.isoformat() if fields.date else fields.period
    notes = [n for n in found.notes if not n.startswith("date")]
    if not day.sure or (from_hand and month_hand is not None and not month_hand.sure):
        why = _why("date", value.isoformat(), day, read)
        if from_hand and month_hand is not None:
            why += f"; the month {month} handwritten too (confidence {month_hand.confidence:.2f})"
        notes.append(why)
    return Extraction(dataclasses.replace(fields, date=value, period=None), tuple(notes),
                      {**found.read, "date": read or ""})


def with_handwriting(found: Extraction, hand: Sequence[HandField], text: str, *,
                     number_doubted: bool = False, date_doubted: bool = False) -> Extraction:
    """A record's fields with its handwritten number and day where Tesseract could not read them.

    Args:
        found: The fields as extracted from the text (:func:`pipeline.extract.extract_fields_noted`).
        hand: The handwritten fields of the record's first page (its header).
        text: The record's text (the "Số:" line gives the symbol when no number was read).
        number_doubted: The number was built from words Tesseract read with low confidence.
        date_doubted: Likewise the date.

    Returns:
        The extraction, its number or date replaced by the handwritten reading where that was
        taken, with a note and Tesseract's reading beside it.
    """
    by_kind = {h.kind: h for h in hand if h.digits}
    if "number" in by_kind:
        found = _number(found, by_kind["number"], text, number_doubted)
    if "day" in by_kind:
        found = _date(found, by_kind["day"], by_kind.get("month"), date_doubted)
    return found

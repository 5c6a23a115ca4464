"""From page texts to classified records: segment → classify → extract → validity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.classify import classify
from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
from pipeline.extract import extract_fields_noted
from pipeline.gazetteer import issuer_symbols
from pipeline.learned import TypeModel, vote
from pipeline.numbers_dates import unknown_codes
from pipeline.segment import segment
from pipeline.validity import status_on, valid_until

__all__ = ["PageText", "build_records", "doubtful_words", "DOUBT_CONF", "REVIEW_CONFIDENCE", "REVIEW_OCR_CONF"]

#: Below this classification confidence a record goes to review.
REVIEW_CONFIDENCE = 0.5
#: Below this mean Tesseract word confidence a page sends its record to review.
REVIEW_OCR_CONF = 60.0
#: Below this page quality score (ocr.quality.page_quality) a page sends its record to review.
REVIEW_QUALITY = 0.75
#: A word with digits read below this Tesseract confidence is doubtful: a number or date built
#: from it sends the record to review instead of being trusted.
DOUBT_CONF = 60.0


@dataclass(frozen=True)
class PageText:
    """The OCR text of one page and how much to trust it."""

    page_no: int
    text: str
    mean_conf: float | None = None
    failed: bool = False
    quality: float | None = None  # ocr.quality.page_quality, 0–1
    #: Words holding digits that Tesseract read with a confidence below
    #: :data:`DOUBT_CONF` (a handwritten number, a stained date).
    doubtful: tuple[str, ...] = ()


def doubtful_words(words: Sequence[tuple[str, float]]) -> tuple[str, ...]:
    """The words (text, confidence) with a digit read below :data:`DOUBT_CONF`."""
    return tuple(t for t, conf in words if conf < DOUBT_CONF and any(ch.isdigit() for ch in t))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _doubted(fields: RecordFields, pages: Sequence[PageText]) -> list[str]:
    """Review reasons for a number or date read from doubtful words."""
    doubtful = [_digits(w) for p in pages for w in p.doubtful]
    reasons = []
    head = _digits(fields.number.split("/")[0]) if fields.number else ""
    if head and any(d.startswith(head) or head in d for d in doubtful):
        reasons.append(f"review: number {fields.number} read with low confidence (handwritten or stained?)")
    if fields.date is not None:
        date = fields.date
        parts = {f"{date.day:02d}", str(date.day), f"{date.month:02d}", str(date.month), str(date.year)}
        if any(d in parts for d in doubtful):
            reasons.append(f"review: date {fields.date.isoformat()} read with low confidence")
    return reasons


def _cut_short(number: str, symbols: Sequence[str]) -> str | None:
    """The issuer's symbol that ``number``'s symbol is the cut-off start of, if any.

    A stain at the end of the number line turns "837/SGDĐT-KTKĐ" into
    "837/SGDĐT": every code in it is known, so only the issuer's own
    symbols tell that something is missing.
    """
    _, sep, symbol = number.rpartition("/")
    if not sep or not symbol or symbol in symbols:
        return None
    return next((s for s in symbols if s.startswith(symbol + "-")), None)


def _review_reasons(rec_type: ProcedureType, confidence: float, fields: RecordFields,
                    pages: Sequence[PageText], notes: Sequence[str] = ()) -> list[str]:
    reasons = []
    if rec_type is ProcedureType.KHAC:
        reasons.append("review: unknown procedure type")
    elif confidence < REVIEW_CONFIDENCE:
        reasons.append(f"review: low classification confidence {confidence:.2f}")
    if fields.number is None:
        reasons.append("review: no document number found")
    elif unknown := unknown_codes(fields.number):
        reasons.append(f"review: number suffix {', '.join(unknown)} not a known code")
    elif longer := _cut_short(fields.number,
                              issuer_symbols(fields.issuer, on=fields.date) if fields.issuer else ()):
        reasons.append(f"review: number symbol of {fields.number} may be cut short (the issuer uses {longer})")
    if fields.date is None:
        reasons.append("review: no issue date found")
    # Values repaired or inferred from what is known (a symbol from the
    # issuer's, a date from a damaged place-date line) are the best guess,
    # not a reading: a person confirms them.
    reasons += [f"review: {note}" for note in notes]
    reasons += _doubted(fields, pages)
    for p in pages:
        if p.failed:
            reasons.append(f"review: page {p.page_no} could not be read")
        elif p.mean_conf is not None and p.text and p.mean_conf < REVIEW_OCR_CONF:
            reasons.append(f"review: page {p.page_no} OCR confidence {p.mean_conf:.0f}")
        elif p.quality is not None and p.text and p.quality < REVIEW_QUALITY:
            reasons.append(f"review: page {p.page_no} reading quality {p.quality:.2f}")
    return reasons


def build_records(pages: Sequence[PageText], today: dt.date, model: TypeModel | None = None
                  ) -> list[tuple[ClassifiedRecord, str]]:
    """Split a file's pages into records and classify and extract each.

    Args:
        pages: The file's pages in order (failed pages with empty text).
        today: The date the status is computed for.
        model: A learned type model that votes with the rules
            (:func:`pipeline.learned.vote`); the rules alone when ``None``.

    Returns:
        Each record with its full text (pages joined by blank lines).
    """
    if not pages:
        return []
    by_no = {p.page_no: p for p in pages}
    groups = segment([p.text for p in pages])
    out: list[tuple[ClassifiedRecord, str]] = []
    for group in groups:
        # segment() numbers pages 1..n in the order given; map back to page numbers.
        members = [pages[i - 1] for i in group]
        text = "\n\n".join(p.text for p in members if p.text)
        cls = vote(classify(text), model, text)
        fields, notes = extract_fields_noted(text, cls.type)
        until = valid_until(cls.type, fields.date, fields.validity_years)
        review = _review_reasons(cls.type, cls.confidence, fields, members, notes)
        record = ClassifiedRecord(
            pages=tuple(by_no[p.page_no].page_no for p in members),
            type=cls.type,
            confidence=cls.confidence,
            reasons=tuple(cls.reasons) + tuple(review),
            fields=fields,
            valid_until=until,
            status=status_on(cls.type, fields.date, until, today),
            needs_review=bool(review),
        )
        out.append((record, text))
    return out

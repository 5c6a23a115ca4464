"""From page texts to classified records: segment → classify → extract → validity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.classify import classify
from pipeline.domain import DOUBT_CONF, REVIEW_CONFIDENCE, ClassifiedRecord, HandField, ProcedureType, RecordFields
from pipeline.extract import extract_fields_noted
from pipeline.handwritten import with_handwriting
from pipeline.learned import TypeModel, vote
from pipeline.folding import fold, is_vietnamese_syllable
from pipeline.date_words import fix_digits
from pipeline.profile import Profile
from pipeline.segment import segment
from pipeline.subject import school_name_words
from pipeline.validity import status_on, valid_until

__all__ = ["PageText", "build_records", "doubtful_words", "flagged_fields", "REVIEW_OCR_CONF"]

#: Below this mean Tesseract word confidence a page sends its record to review.
REVIEW_OCR_CONF = 60.0
#: Below this page quality score (ocr.quality.page_quality) a page sends its record to review.
REVIEW_QUALITY = 0.75


@dataclass(frozen=True)
class PageText:
    """The OCR text of one page and how much to trust it."""

    page_no: int
    text: str
    mean_conf: float | None = None
    failed: bool = False
    quality: float | None = None  # ocr.quality.page_quality, 0–1
    #: Words that Tesseract read with a confidence below :data:`DOUBT_CONF`
    #: (a handwritten number, a stained date, a name under a blot).
    doubtful: tuple[str, ...] = ()
    #: The header's handwritten fields as the digit reader read them (:mod:`ocr.handwriting`).
    hand: tuple[HandField, ...] = ()


def doubtful_words(words: Sequence[tuple[str, float]]) -> tuple[str, ...]:
    """The words (text, confidence) read below :data:`DOUBT_CONF`: digits or letters of a value."""
    return tuple(t for t, conf in words if conf < DOUBT_CONF and any(ch.isalnum() for ch in t))


def _digits(text: str) -> str:
    """The digits a word with a digit gives a number or a date: its part before a slash, look-alikes as digits
    ("1O/QĐ" → "10"); none for a word of letters alone ("So" is no "50")."""
    if not any(ch.isdigit() for ch in text):
        return ""
    return "".join(ch for ch in fix_digits(fold(text.split("/")[0])) if ch.isdigit())


def _in_number(run: str, head: str) -> bool:
    """A doubtful run of digits is (part of) a number's numeric part: one digit of a short number counts."""
    return bool(run) and (head in run or (run in head and (len(run) >= 2 or len(head) <= 3)))


def _number_doubted(number: str | None, pages: Sequence[PageText]) -> bool:
    """The number's digits were read from words Tesseract was unsure of."""
    doubtful = [_digits(w) for p in pages for w in p.doubtful]
    head = "".join(ch for ch in number.rpartition("/")[0] if ch.isdigit()) if number else ""
    return bool(head) and any(_in_number(d, head) for d in doubtful)


def _date_doubted(date: dt.date | None, pages: Sequence[PageText]) -> bool:
    """A part of the date was read from a word Tesseract was unsure of."""
    if date is None:
        return False
    doubtful = [_digits(w) for p in pages for w in p.doubtful]
    parts = {f"{date.day:02d}", str(date.day), f"{date.month:02d}", str(date.month), str(date.year)}
    return any(d in parts for d in doubtful)


def _doubted(fields: RecordFields, pages: Sequence[PageText], handwritten: Sequence[str] = ()) -> list[str]:
    """Review reasons for a number or date read from doubtful words (not for one the digit reader read:
    its own note says how sure it is)."""
    reasons = []
    if "number" not in handwritten and _number_doubted(fields.number, pages):
        reasons.append(f"review: number {fields.number} read with low confidence (handwritten or stained?)")
    if "date" not in handwritten and fields.date is not None and _date_doubted(fields.date, pages):
        reasons.append(f"review: date {fields.date.isoformat()} read with low confidence")
    unsure = {w.strip(".,;:()") for p in pages for w in p.doubtful}
    issuer_words = [w for w in (fields.issuer or "").replace("/", " ").split() if w in unsure]
    if issuer_words:
        reasons.append(f"review: issuer {fields.issuer} read with low confidence ({', '.join(issuer_words)})")
    if fields.subject:
        words = fields.subject.split()
        doubted = [w for w in words if w in unsure]
        garbled = [w for w in words if not (is_vietnamese_syllable(w) or w.isupper() or w.isdigit()
                                            or "&" in w)]
        if doubted or garbled:
            reasons.append(f"review: subject {fields.subject} read with low confidence or a word that is no "
                           f"word ({', '.join(dict.fromkeys(doubted + garbled))})")
    return reasons


#: How a review reason names the field it is about: its first words after "review: ".
_FIELD_OF_REASON = (
    ("number", ("number", "no document number")),
    ("date", ("date", "no issue date")),
    ("issuer", ("issuer",)),
    ("subject", ("subject",)),
    ("type", ("unknown procedure type", "low classification confidence")),
)


def flagged_fields(reasons: Sequence[str]) -> set[str]:
    """The fields a record's review reasons flag ("number", "date", "issuer", "subject", "type").

    A reason about a whole page (its OCR confidence, a page not read) flags
    no field in particular.
    """
    out = set()
    for reason in reasons:
        if not reason.startswith("review: "):
            continue
        text = reason[len("review: "):]
        out |= {name for name, starts in _FIELD_OF_REASON if text.startswith(starts)}
    return out


def _review_reasons(rec_type: ProcedureType, confidence: float, fields: RecordFields,
                    pages: Sequence[PageText], notes: Sequence[str] = (), handwritten: Sequence[str] = ()
                    ) -> list[str]:
    reasons = []
    if rec_type is ProcedureType.KHAC:
        reasons.append("review: unknown procedure type")
    elif confidence < REVIEW_CONFIDENCE:
        reasons.append(f"review: low classification confidence {confidence:.2f}")
    if fields.number is None and not any(n.startswith("number") for n in notes):
        reasons.append("review: no document number found")
    if fields.date is None:
        reasons.append("review: no issue date found" + (f" (read: {fields.period})" if fields.period else ""))
    if fields.subject is None:
        reasons.append("review: subject: no person or school found")
    elif school_name_words(fields.subject) == 1:
        reasons.append(f"review: subject {fields.subject}: a school's name of one word (cut short?)")
    # Values proposed from what is known (a symbol from the issuer's, a
    # date from a damaged place-date line, the profile's spelling of an
    # issuer or a school) are the best guess, not a reading: a person
    # confirms them, with the reading beside them.
    reasons += [f"review: {note}" for note in notes]
    reasons += _doubted(fields, pages, handwritten)
    for p in pages:
        if p.failed:
            reasons.append(f"review: page {p.page_no} could not be read")
        elif p.mean_conf is not None and p.text and p.mean_conf < REVIEW_OCR_CONF:
            reasons.append(f"review: page {p.page_no} OCR confidence {p.mean_conf:.0f}")
        elif p.quality is not None and p.quality < REVIEW_QUALITY:  # print read as little or nothing, too
            reasons.append(f"review: page {p.page_no} reading quality {p.quality:.2f}")
    return reasons


def build_records(pages: Sequence[PageText], today: dt.date, profile: Profile, model: TypeModel | None = None
                  ) -> list[tuple[ClassifiedRecord, str]]:
    """Split a file's pages into records and classify and extract each.

    Args:
        pages: The file's pages in order (failed pages with empty text).
        today: The date the status is computed for.
        profile: The office's profile.
        model: A learned type model that votes with the rules
            (:func:`pipeline.learned.vote`); the rules alone when ``None``.

    Returns:
        Each record with its full text (pages joined by blank lines).
    """
    if not pages:
        return []
    by_no = {p.page_no: p for p in pages}
    groups = segment([p.text for p in pages], profile)
    out: list[tuple[ClassifiedRecord, str]] = []
    for group in groups:
        # segment() numbers pages 1..n in the order given; map back to page numbers.
        members = [pages[i - 1] for i in group]
        text = "\n\n".join(p.text for p in members if p.text)
        cls = vote(classify(text, profile), model, text)
        found = extract_fields_noted(text, profile, cls.type)
        if members[0].hand:  # the header's number and day written by hand
            first = found
            found = with_handwriting(found, members[0].hand, text,
                                     number_doubted=_number_doubted(found.fields.number, members),
                                     date_doubted=_date_doubted(found.fields.date, members))
            handwritten = [k for k in ("number", "date") if getattr(found.fields, k) != getattr(first.fields, k)]
        else:
            handwritten = []
        fields = found.fields
        until = valid_until(cls.type, fields.date, fields.validity_years)
        review = _review_reasons(cls.type, cls.confidence, fields, members, found.notes, handwritten)
        record = ClassifiedRecord(
            pages=tuple(by_no[p.page_no].page_no for p in members),
            type=cls.type,
            confidence=cls.confidence,
            reasons=tuple(cls.reasons) + tuple(review),
            fields=fields,
            valid_until=until,
            status=status_on(cls.type, fields.date, until, today),
            needs_review=bool(review),
            read=found.read,
        )
        out.append((record, text))
    return out

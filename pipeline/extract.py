"""Extract the fields of one record from its (noisy) OCR text: the assembly of the field parsers.

Each field has its parser, which works on the folded text (see
:mod:`pipeline.folding`) so that lost or wrong diacritics do not matter:

* the issuer — :mod:`pipeline.issuers`;
* the date — :mod:`pipeline.place_dates`;
* the title and the "Về việc" line — :mod:`pipeline.titles`;
* the number — :mod:`pipeline.numbers_dates` reads it,
  :mod:`pipeline.number_repair` checks it against the profile and the
  issuer;
* the subject, a person or a school — :mod:`pipeline.subject`;
* the validity period — :mod:`pipeline.validity_period`.

This module runs them in order (the date decides which places and symbols
are in use, the issuer which symbols a number may have) and gathers their
values, the readings behind proposals and the review notes.

All functions are pure: text in, value (or ``None``) out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.classify import classify
from pipeline.domain import ProcedureType, RecordFields
from pipeline.issuers import read_issuer
from pipeline.number_repair import other_body_note, parse_number_detail
from pipeline.place_dates import parse_date_reading
from pipeline.profile import Profile
from pipeline.subject import parse_subject_detail
from pipeline.titles import parse_title
from pipeline.validity_period import parse_validity_years

__all__ = ["Extraction", "extract_fields", "extract_fields_noted"]


@dataclass(frozen=True)
class Extraction:
    """Every field of a record, what was read where a field holds a proposal, and why to review.

    Attributes:
        fields: The fields kept.
        notes: Review reasons of the fields ("number …", "date …",
            "issuer …", "subject …"), each naming its field first.
        read: Field name -> the value as read, for each field whose value is
            a proposal of the profile ("number": "748/QĐ-UEL").
    """

    fields: RecordFields
    notes: tuple[str, ...] = ()
    read: dict[str, str] = field(default_factory=dict)


def extract_fields(text: str, profile: Profile, procedure_type: ProcedureType | None = None) -> RecordFields:
    """Extract every field of a record (see :func:`extract_fields_noted`)."""
    return extract_fields_noted(text, profile, procedure_type).fields


def extract_fields_noted(text: str, profile: Profile,
                         procedure_type: ProcedureType | None = None) -> Extraction:
    """Every field of a record, with the readings behind proposals and the notes that send it to review.

    Args:
        text: The record's text (its pages joined with newlines).
        profile: The office's profile.
        procedure_type: The classified type, which decides whether the
            subject is a person or a school; when ``None`` the record is
            classified here with :func:`pipeline.classify.classify`.
    """
    if procedure_type is None:
        procedure_type = classify(text, profile).type
    date = parse_date_reading(text, profile.folded_places)
    issuer = read_issuer(text, profile, date.date)
    title = parse_title(text)
    number = parse_number_detail(text, profile, issuer, date.date, title)
    subject = parse_subject_detail(text, procedure_type, profile.gazetteer, profile.folded_families,
                                   profile.folded_given)
    fields = RecordFields(
        number=number.value,
        date=date.date,
        issuer=issuer.value,
        subject=subject.value,
        title=title,
        validity_years=parse_validity_years(text),
        period=date.period,
    )
    read = {k: v for k, v in (("number", number.read), ("issuer", issuer.read), ("subject", subject.read))
            if v is not None and v != getattr(fields, k)}
    notes = [n for n in (number.note, date.note) if n]
    notes += list(issuer.notes) + ([subject.note] if subject.note else [])
    # The number names another body than the header read: a line of the header may be lost.
    lost = other_body_note(number.value, issuer, profile)
    if lost:
        notes.append(lost)
    return Extraction(fields, tuple(notes), read)

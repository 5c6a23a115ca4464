"""The generator's two styles and :func:`make_record`, which builds a record in either.

``classic`` (:mod:`samples.classic`) is the single Hải Phòng look of the
committed demo set; ``varied`` (:mod:`samples.wording`) draws issuers,
looks, layouts and wordings of many offices.
"""

from __future__ import annotations

import datetime as dt
import random

from pipeline.domain import ProcedureType

from samples.classic import make_classic_record
from samples.record import RecordContent
from samples.wording import make_varied_record

__all__ = ["GENERATED_TYPES", "STYLES", "make_record"]

#: The procedure types the generator writes (every type except ``khac``).
GENERATED_TYPES: tuple[ProcedureType, ...] = tuple(
    t for t in ProcedureType if t is not ProcedureType.KHAC
)
#: ``classic``: one Hải Phòng look (the demo set); ``varied``: many offices' paper.
STYLES: tuple[str, ...] = ("classic", "varied")


def make_record(
    rng: random.Random,
    kind: ProcedureType,
    *,
    date: dt.date | None = None,
    person: str | None = None,
    school: str | None = None,
    long_body: int | None = None,
    certificate: bool | None = None,
    style: str = "classic",
) -> RecordContent:
    """Build one record of a procedure type.

    The classic style (:func:`samples.classic.make_classic_record`) draws
    from ``rng`` exactly as it always has, so the demo set stays the same;
    the varied style (:func:`samples.wording.make_varied_record`) draws
    issuers, looks, layouts and wordings.

    Args:
        rng: Random source; the same state gives the same record.
        kind: Procedure type (not ``khac``).
        date: Signing date; random in 2008–2013 when None.
        person: Fixed full name for person-procedures.
        school: Fixed full school name ("Trường THCS Lê Lợi") for the school types.
        long_body: Number of extra neutral paragraphs (more pages); random when None.
        certificate: For accreditation, add the certificate page; random when None.
        style: ``classic`` or ``varied`` (see :data:`STYLES`).

    Returns:
        The record's fields and layout blocks.
    """
    if style == "varied":
        return make_varied_record(rng, kind, date=date, person=person, school=school,
                                  long_body=long_body, certificate=certificate)
    if style != "classic":
        raise ValueError(f"unknown style {style!r}; choose from {STYLES}")
    return make_classic_record(rng, kind, date=date, person=person, school=school, long_body=long_body,
                               certificate=certificate)

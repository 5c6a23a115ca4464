"""Records of the varied style: many issuers, layouts and wordings per procedure type.

Each builder draws an issuer (a provincial Department of Education, a
provincial People's Committee or a district education office, as
competence goes), a :class:`~samples.look.Look`, a header layout and,
for every part of the text that offices phrase differently (title, "Về
việc"/"V/v" line, the sentences naming the person or the school), one of
three or more wordings. The choices are recorded in the record's
``wording`` as ``part:index`` pairs, so a benchmark can break figures down
by wording.

Every variant still reads as its procedure type: a verification is a
letter (công văn) answering an agency about a diploma; a copy, a
correction and a foreign-diploma recognition are decisions naming the
person; accreditation and national-standard recognition are decisions
naming the school.
"""

from __future__ import annotations

import datetime as dt
import random

from pipeline.domain import ProcedureType

from samples import headers as H
from samples.record import RecordContent, random_date
from samples.draft import Draft
from samples.look import random_look
from samples.places import Issuer, pgd_issuer, pick_province, sgd_issuer, ubnd_issuer
from samples.wording_people import person_decision, verification
from samples.wording_schools import accreditation, national_standard

__all__ = ["make_varied_record"]


def _issuer_for(rng: random.Random, kind: ProcedureType, year: int) -> Issuer:
    province = pick_province(rng)
    old = rng.random() < (0.35 if year <= 2010 else 0.12)
    if kind is ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA:
        return ubnd_issuer(rng, province, old)
    district_ok = kind in (ProcedureType.XAC_MINH_VAN_BANG, ProcedureType.CAP_BAN_SAO_VAN_BANG,
                           ProcedureType.CHINH_SUA_VAN_BANG)
    if district_ok and rng.random() < 0.35:
        return pgd_issuer(rng, province, old)
    return sgd_issuer(rng, province, old)


def _layout(rng: random.Random, kind: ProcedureType) -> str:
    if kind is ProcedureType.XAC_MINH_VAN_BANG:
        # A letter keeps its number (and "V/v") in the header.
        return rng.choices(("two_column", "one_column"), weights=(3, 1))[0]
    return rng.choices(H.HEADER_LAYOUTS, weights=(5, 2, 2))[0]


def make_varied_record(
    rng: random.Random,
    kind: ProcedureType,
    *,
    date: dt.date | None = None,
    person: str | None = None,
    school: str | None = None,
    long_body: int | None = None,
    certificate: bool | None = None,
) -> RecordContent:
    """Build one record of a procedure type in the varied style.

    Args:
        rng: Random source; the same state gives the same record.
        kind: Procedure type (not ``khac``).
        date: Signing date; random in 2008–2013 when None.
        person: Fixed full name for person-procedures.
        school: Fixed full school name for the school types.
        long_body: Number of extra neutral paragraphs; random when None.
        certificate: For accreditation, add the certificate page; random when None.

    Returns:
        The record's fields, look, layout, wording and blocks.
    """
    d = date or random_date(rng)
    extra = long_body if long_body is not None else rng.choice((0, 0, 0, 1, 2, 6))
    look = random_look(rng)
    issuer = _issuer_for(rng, kind, d.year)
    doc = Draft(rng, look, issuer, d, _layout(rng, kind))
    validity: int | None = None
    if kind is ProcedureType.XAC_MINH_VAN_BANG:
        number, subject, blocks = verification(doc, person, extra)
    elif kind is ProcedureType.KIEM_DINH_CHAT_LUONG:
        cert = certificate if certificate is not None else rng.random() < 0.7
        number, subject, blocks = accreditation(doc, school, extra, cert)
        validity = 5
    elif kind is ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA:
        number, subject, blocks = national_standard(doc, school, extra)
        validity = 5
    elif kind in (ProcedureType.CAP_BAN_SAO_VAN_BANG, ProcedureType.CHINH_SUA_VAN_BANG,
                  ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI):
        number, subject, blocks = person_decision(doc, person, extra, kind)
    else:
        raise ValueError(f"no generator for procedure type {kind!r}")
    return RecordContent(kind, number, d, issuer.printed, subject, validity, tuple(blocks),
                         look=look, header_layout=doc.layout, place=issuer.place,
                         wording=doc.wording_key())

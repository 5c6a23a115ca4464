"""An office's knowledge as one validated, explicit object: the profile.

What an office knows — the places of the country over the years, the
issuing bodies and their symbols, its own issuers' header lines, districts
and schools with renames and mergers, the lines every document prints, the
vocabulary and personal names post-correction uses — is *data*, in a profile
folder (``profile.json`` and the text files it names). The code knows the
shapes of documents; a profile knows names.

* ``default`` (shipped): nationwide knowledge that names no school and no
  person: every province and centrally-run city before and after the 2025
  mergers, the bodies of the education sector and of the state, the
  document-type abbreviations and symbol conventions of Nghị định
  30/2020/NĐ-CP, standard lines, common personal names.
* ``hai-phong`` (shipped): an example office that extends the default with
  its own issuers, districts, schools and report.

A profile is chosen by settings (``SOHOA_PROFILE``, ``--profile``: a shipped
name, a ``profile.json`` file or its folder), loaded once by
:func:`pipeline.profile_load.load_profile`, validated with clear errors
(:class:`pipeline.profile_load.ProfileError` names the file and the field)
and handed down to the stages that use it. This module holds the profile
as the stages use it, and :func:`check_profile`, what is doubtful in one.
Knowledge may confirm a reading or propose a correction; it never replaces
what a page prints silently (see :mod:`pipeline.issuers` and
:mod:`pipeline.records`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline.folding import fold
from pipeline.gazetteer import Gazetteer
from pipeline.numbers_dates import Codes

__all__ = ["Body", "Place", "Profile", "check_profile"]

# --------------------------------------------------------------------------
# The profile as the stages use it
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A province or centrally-run city and the days it existed under that name."""

    name: str
    kind: str
    start: dt.date | None = None
    end: dt.date | None = None
    aliases: tuple[str, ...] = ()
    successor: str | None = None

    def exists_on(self, on: dt.date | None) -> bool:
        """Whether the place existed on ``on`` (always, when ``on`` is ``None``)."""
        return on is None or ((self.start is None or on >= self.start) and (self.end is None or on <= self.end))


@dataclass(frozen=True)
class Body:
    """An issuing body as header lines name it ("SỞ GIÁO DỤC VÀ ĐÀO TẠO") and the code of its symbols."""

    name: str
    code: str
    codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    under: str = "place"
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Profile:
    """An office's knowledge, validated and merged with what it extends.

    Attributes:
        name: The profile's name.
        description: What it holds, for a person.
        files: The files it was read from (the extended profiles' included).
        fingerprint: SHA-256 (16 hex) of those files' contents.
        places: Provinces and cities, with their spans.
        district_kinds: Words that name a district-level unit ("huyện", "quận").
        bodies: Issuing bodies and their codes.
        document_types: ``(name, code)`` of each document type ("Quyết định", "QĐ").
        unit_codes: Codes of the units inside a body ("KTKĐ", "GDTrH").
        cited_codes: Codes of the acts documents cite ("NĐ", "CP").
        esign_labels: Labels of the e-signature banner and copy stamps ("Ký bởi").
        header_words: Words a line of an issuer's header opens with ("SỞ",
            "UBND", "TỈNH", "TRƯỜNG"): a line that opens otherwise is no
            header line as read.
        stamp_words: Words that mark an incoming-document stamp ("ĐẾN" of
            "CÔNG VĂN ĐẾN"), matched as printed, marks and all ("ĐỀN" is a
            temple's): the stamp's lines and the receiving office's name above
            them are no issuer.
        authority_titles: Titles that open the enacting line when no header
            can be read ("Bộ trưởng" of "Bộ trưởng Bộ X ban hành Thông tư",
            "Chủ tịch" of "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X").
        gazetteer: The office's own issuers, districts, schools and renames.
        standard_lines: Lines printed alike on documents.
        lexicon_texts: Texts post-correction learns its vocabulary from.
        person_names: Role ("family", "middle", "given") -> common names.
    """

    name: str
    description: str
    files: tuple[Path, ...]
    fingerprint: str
    places: tuple[Place, ...]
    district_kinds: tuple[str, ...]
    bodies: tuple[Body, ...]
    document_types: tuple[tuple[str, str], ...]
    unit_codes: tuple[str, ...]
    cited_codes: tuple[str, ...]
    esign_labels: tuple[str, ...]
    gazetteer: Gazetteer
    header_words: tuple[str, ...] = ()
    stamp_words: tuple[str, ...] = ()
    authority_titles: tuple[str, ...] = ()
    standard_lines: tuple[str, ...] = ()
    lexicon_texts: tuple[str, ...] = ()
    person_names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def listed_codes(self) -> tuple[str, ...]:
        """The codes the profile lists, most common kind first: document types, bodies, cited acts, units.

        Two codes may fold alike ("HD" and "HĐ"): a code read without its
        marks is given the first one's.
        """
        printed = [c for _, c in self.document_types] + [b.code for b in self.bodies]
        printed += [c for b in self.bodies for c in b.codes] + list(self.cited_codes) + list(self.unit_codes)
        return tuple(dict.fromkeys(printed))

    @cached_property
    def type_codes(self) -> frozenset[str]:
        """The document types' codes ("QĐ", "KH", …), as printed."""
        return frozenset(c for _, c in self.document_types)

    @cached_property
    def body_codes(self) -> frozenset[str]:
        """Every issuing body's codes ("SGDĐT", "SGD&ĐT", "UBND", …), as printed."""
        return frozenset(c for b in self.bodies for c in (b.code, *b.codes))

    @cached_property
    def folded_places(self) -> tuple[str, ...]:
        """The places' names, folded (place-date lines are matched on folded text)."""
        return tuple(fold(p.name) for p in self.places)

    @cached_property
    def folded_families(self) -> frozenset[str]:
        """The family names of :attr:`person_names`, folded (a subject's name is checked against them)."""
        return frozenset(fold(n) for n in self.person_names.get("family", ()))

    @cached_property
    def folded_given(self) -> frozenset[str]:
        """The given names of :attr:`person_names`, folded."""
        return frozenset(fold(n) for n in self.person_names.get("given", ()))

    @cached_property
    def codes(self) -> Codes:
        """Every code a document number's symbol may be made of: folded -> printed, and all printed forms.

        The codes the profile lists (:attr:`listed_codes`) and those of the
        office's own issuers' symbols.
        """
        printed = list(self.listed_codes)
        printed += [tok for i in self.gazetteer.issuers for s in i.symbols for tok in s.split("-")]
        out: dict[str, str] = {}
        for code in printed:
            out.setdefault(fold(code).replace(" ", ""), code)
        return Codes(out, printed)

    @cached_property
    def reading_fingerprint(self) -> str:
        """A hash of what changes how a page is read (post-correction's knowledge), 12 hex."""
        payload = json.dumps([self.standard_lines, self.lexicon_texts, sorted(self.person_names.items())],
                             ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    def places_on(self, on: dt.date | None) -> tuple[Place, ...]:
        """The places that existed on ``on`` (every place when ``on`` is ``None``)."""
        return tuple(p for p in self.places if p.exists_on(on))

    def summary(self) -> dict[str, object]:
        """What the profile holds, counted, for ``sohoa profile show``."""
        g = self.gazetteer
        return {
            "name": self.name,
            "files": [str(f) for f in self.files],
            "fingerprint": self.fingerprint,
            "places": len(self.places),
            "bodies": len(self.bodies),
            "document_types": len(self.document_types),
            "codes": len(self.codes),
            "issuers": len(g.issuers),
            "districts": len(g.districts),
            "schools": sum(len(v) for v in g.schools.values()),
            "school_renames": len(g.school_renames),
            "standard_lines": len(self.standard_lines),
            "lexicon_lines": sum(t.count("\n") for t in self.lexicon_texts),
            "person_names": {k: len(v) for k, v in self.person_names.items()},
        }


def check_profile(profile: Profile) -> list[str]:
    """What is doubtful in a profile that loaded: problems a person should fix, none when it is sound.

    Checks what the file format cannot: a successor that is no place, an
    issuer's symbol made of codes no body, unit or document type has, a
    school listed twice, two places with the same folded name at the same
    time.
    """
    problems: list[str] = []
    names = {p.name for p in profile.places}
    for p in profile.places:
        if p.successor and p.successor not in names:
            problems.append(f"place {p.name}: successor '{p.successor}' is no place of the profile")
    seen: dict[str, Place] = {}
    for p in profile.places:
        key = fold(p.name)
        other = seen.get(key)
        if other is not None and other.kind == p.kind and _overlap(other, p):
            problems.append(f"place {p.name}: listed twice for the same years")
        seen[key] = p
    for issuer in profile.gazetteer.issuers:
        for symbol in issuer.symbols:
            unknown = [t for t in symbol.split("-") if t not in profile.listed_codes]
            if unknown:
                problems.append(f"issuer {issuer.id}: symbol {symbol} has codes no body, unit or document type "
                                f"of the profile has: {', '.join(unknown)} (add them to unit_codes)")
    listed: dict[str, str] = {}
    for district, schools in profile.gazetteer.schools.items():
        for school in schools:
            if fold(school) in listed:
                problems.append(f"school {school}: listed under {listed[fold(school)]} and {district}")
            listed.setdefault(fold(school), district)
    return problems


def _overlap(a: Place, b: Place) -> bool:
    lo = max(a.start or dt.date.min, b.start or dt.date.min)
    hi = min(a.end or dt.date.max, b.end or dt.date.max)
    return lo <= hi

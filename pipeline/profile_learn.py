"""Grow an office's profile from the records people approved.

An archivist who confirms a record's issuer, number and school in the
review queue has read them off the page: those are the office's own names.
:func:`learn_profile` writes a new profile that *extends* the current one
(nothing in it is changed) with

* each issuer header confirmed on an approved record (its lines as a person
  confirmed them) and the symbols of the numbers approved under it;
* each school an approved school record names, listed under ``"(learned)"``.

The new profile is a folder with a ``profile.json`` a person can read and
edit before the office switches to it (``SOHOA_PROFILE``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pipeline.folding import fold
from pipeline.profile import Profile
from pipeline.profile_load import FORMAT, PROFILES_DIR, load_profile
from pipeline.subject import SCHOOL_TYPES, split_school

__all__ = ["learn_profile", "learned_entries"]

_SCHOOL_TYPES = frozenset(t.value for t in SCHOOL_TYPES)


def _extends(profile: Profile) -> str:
    """How the new profile names the current one: a shipped name, else its file's absolute path."""
    top = profile.files[-1]
    return top.parent.name if top.parent.parent == PROFILES_DIR else str(top)


class ApprovedRecord(Protocol):
    """What learning reads of a record people approved (the ledger's rows have it)."""

    type: str
    number: str | None
    issuer: str | None
    subject: str | None


def learned_entries(profile: Profile, records: Sequence[ApprovedRecord]) -> tuple[list[dict], dict[str, list[str]]]:
    """The issuers and schools of approved records that the profile does not hold yet.

    Returns:
        ``(issuers, schools)`` in the profile file's format.
    """
    known_issuers = {fold(i.canonical) for i in profile.gazetteer.issuers}
    known_schools = {fold(n) for names in profile.gazetteer.schools.values() for n in names}
    symbols: dict[str, set[str]] = defaultdict(set)
    lines_of: dict[str, list[str]] = {}
    schools: list[str] = []
    for r in records:
        if r.issuer and fold(r.issuer) not in known_issuers:
            key = fold(r.issuer)
            lines_of.setdefault(key, [ln.strip() for ln in r.issuer.split(" / ") if ln.strip()])
            if r.number and "/" in r.number:
                symbols[key].add(r.number.rpartition("/")[2])
        parts = split_school(r.subject or "") if r.type in _SCHOOL_TYPES else None
        if parts and fold(parts[1]) not in known_schools and parts[1] not in schools:
            schools.append(parts[1])
    issuers = []
    for n, (key, lines) in enumerate(sorted(lines_of.items()), start=1):
        issuers.append({"id": f"learned-{n}", "lines": lines, "main": len(lines) - 1,
                        "aliases": [[fold(ln)] for ln in lines], "symbols": sorted(symbols[key]),
                        "note": "confirmed on approved records (sohoa profile learn)"})
    return issuers, ({"(learned)": schools} if schools else {})


def learn_profile(profile: Profile, records: Sequence[ApprovedRecord], out: Path, name: str | None = None
                  ) -> tuple[Path, dict[str, int]]:
    """Write a profile extending ``profile`` with what the approved records confirm.

    Args:
        profile: The office's current profile.
        records: The records people approved (:meth:`ledger.Ledger.approved_records`).
        out: A folder for the new ``profile.json`` (created).
        name: The new profile's name (default: the folder's).

    Returns:
        The ``profile.json`` written (it loads: it is checked before this
        returns) and how many records, issuers and schools it adds.
    """
    issuers, schools = learned_entries(profile, records)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "profile.json"
    data = {
        "format": FORMAT,
        "name": name or out.name,
        "description": f"{profile.name} and what people confirmed on {len(records)} approved records.",
        "extends": _extends(profile),
        "issuers": issuers,
        "schools": schools,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    load_profile(path)  # raises ProfileError if what was written does not load
    return path, {"records": len(records), "issuers": len(issuers),
                  "schools": sum(len(v) for v in schools.values())}

"""Validity of procedure results: how long they last and their status on a day.

The periods are data (``validity_rules.json`` next to this module) because
they changed with the circulars over the years: each procedure type maps to a
list of periods ``{"from", "to", "years"}`` matched on the issue date, where
``years: null`` means "does not expire" and a type mapped to ``null`` has
unknown validity. A period printed in the document itself ("có giá trị trong
thời hạn 05 năm") wins over the table.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.domain import ProcedureType, ValidityStatus

__all__ = [
    "DEFAULT_RULES_PATH",
    "ValidityPeriod",
    "ValidityRules",
    "add_years",
    "load_rules",
    "parse_rules",
    "period_for",
    "status_on",
    "valid_until",
]

DEFAULT_RULES_PATH = Path(__file__).with_name("validity_rules.json")


@dataclass(frozen=True)
class ValidityPeriod:
    """One era of a procedure's validity rule.

    Attributes:
        start: First issue date the period applies to (``None``: open).
        end: Last issue date the period applies to (``None``: open).
        years: Validity in years, or ``None`` for "does not expire".
        note: Where the rule comes from.
    """

    start: dt.date | None
    end: dt.date | None
    years: int | None
    note: str = ""

    def applies_to(self, issued: dt.date) -> bool:
        """Whether a result issued on ``issued`` falls in this period."""
        return (self.start is None or self.start <= issued) and (
            self.end is None or issued <= self.end
        )


#: Procedure type -> its periods, or ``None`` when validity is unknown.
ValidityRules = dict[ProcedureType, tuple[ValidityPeriod, ...] | None]


def _date_or_none(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def parse_rules(data: dict) -> ValidityRules:
    """Build the rules from their JSON form.

    Args:
        data: The decoded ``validity_rules.json``.

    Returns:
        Rules for every procedure type; types missing from the data map to
        ``None`` (unknown validity).

    Raises:
        ValueError: On an unknown procedure type, a bad date, a negative or
            non-integer number of years, or a period that ends before it
            starts.
    """
    raw = data.get("rules", {})
    rules: ValidityRules = {t: None for t in ProcedureType}
    for code, periods in raw.items():
        try:
            ptype = ProcedureType(code)
        except ValueError as exc:
            raise ValueError(f"unknown procedure type {code!r} in validity rules") from exc
        if periods is None:
            rules[ptype] = None
            continue
        parsed = []
        for p in periods:
            years = p.get("years")
            if years is not None and (not isinstance(years, int) or years <= 0):
                raise ValueError(f"{code}: years must be a positive integer or null")
            period = ValidityPeriod(
                _date_or_none(p.get("from")), _date_or_none(p.get("to")), years,
                p.get("note", ""),
            )
            if period.start and period.end and period.end < period.start:
                raise ValueError(f"{code}: period ends before it starts")
            parsed.append(period)
        rules[ptype] = tuple(parsed)
    return rules


@lru_cache(maxsize=8)
def load_rules(path: Path = DEFAULT_RULES_PATH) -> ValidityRules:
    """Load the validity rules file (cached per path).

    Args:
        path: JSON rules file; defaults to the packaged ``validity_rules.json``.

    Returns:
        The parsed rules.
    """
    return parse_rules(json.loads(Path(path).read_text(encoding="utf-8")))


def period_for(
    procedure_type: ProcedureType, issued: dt.date, rules: ValidityRules | None = None
) -> ValidityPeriod | None:
    """The rule period that applies to a result issued on ``issued``.

    Args:
        procedure_type: The result's type.
        issued: Issue (signing) date.
        rules: Rules to use; the packaged file by default.

    Returns:
        The first matching period, or ``None`` when validity is unknown.
    """
    periods = (rules if rules is not None else load_rules()).get(procedure_type)
    if not periods:
        return None
    for period in periods:
        if period.applies_to(issued):
            return period
    return None


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February if needed.

    Args:
        day: Start date.
        years: Number of years (may be negative).

    Returns:
        The same day and month ``years`` later.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def valid_until(
    procedure_type: ProcedureType,
    issued: dt.date | None,
    years_in_text: int | None,
    rules: ValidityRules | None = None,
) -> dt.date | None:
    """Last day a result is valid.

    "Valid for N years from signing" is read as valid through the same
    calendar day N years later (a certificate signed 05/07/2010 for 5 years
    is valid through 05/07/2015); 29 February maps to 28 February.

    Args:
        procedure_type: The result's type.
        issued: Issue (signing) date, if known.
        years_in_text: Period printed in the document; wins over the table.
        rules: Rules to use; the packaged file by default.

    Returns:
        The last valid day, or ``None`` when the result does not expire, its
        validity is unknown, or the issue date is missing.
    """
    if issued is None:
        return None
    if years_in_text is not None and years_in_text > 0:
        return add_years(issued, years_in_text)
    period = period_for(procedure_type, issued, rules)
    if period is None or period.years is None:
        return None
    return add_years(issued, period.years)


def status_on(
    procedure_type: ProcedureType,
    issued: dt.date | None,
    valid_until: dt.date | None,
    on: dt.date,
    revoked_on: dt.date | None = None,
    rules: ValidityRules | None = None,
) -> ValidityStatus:
    """Status of a result on a given day.

    Args:
        procedure_type: The result's type.
        issued: Issue date, if known.
        valid_until: Last valid day (from :func:`valid_until`); ``None`` for
            results that do not expire.
        on: The day asked about.
        revoked_on: Day a later decision revoked or replaced the result.

    Returns:
        ``revoked`` from the revocation day on; ``unknown`` for ``khac``, a
        missing issue date, a day before the issue date, or a type whose
        validity rule is unknown; ``valid`` through ``valid_until``
        inclusive (always, for types that do not expire); ``expired`` after.
    """
    if revoked_on is not None and revoked_on <= on:
        return ValidityStatus.REVOKED
    if procedure_type is ProcedureType.KHAC or issued is None or on < issued:
        return ValidityStatus.UNKNOWN
    last_day = valid_until
    if last_day is None:
        period = period_for(procedure_type, issued, rules)
        if period is None:
            return ValidityStatus.UNKNOWN
        if period.years is None:
            return ValidityStatus.VALID
        last_day = add_years(issued, period.years)
    return ValidityStatus.VALID if on <= last_day else ValidityStatus.EXPIRED

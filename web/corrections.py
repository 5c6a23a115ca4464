"""Corrections of a record's fields by an archivist, with their history.

The ledger stays the source of truth: a correction updates the record's row
(``UPDATE records SET <field>=…, indexed=0``) and, in the same transaction,
appends the old and the new value to the ``corrections`` table (who, when,
which field). The index is then brought up to date for that record only.

The ``corrections`` table lives in the ledger file (created on first use with
``CREATE TABLE IF NOT EXISTS``) so a record and its history are never apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexing import SearchIndex, to_index_doc
from pipeline.domain import ProcedureType
from pipeline.ledger import Ledger
from pipeline.validity import valid_until

__all__ = [
    "CORRECTABLE",
    "Change",
    "CorrectionError",
    "HistoryEntry",
    "apply_correction",
    "ensure_schema",
    "history",
    "normalize_value",
    "reindex",
]

#: Fields an archivist may correct, in the order the forms show them.
CORRECTABLE: tuple[str, ...] = (
    "type", "number", "issue_date", "issuer", "subject", "title", "revoked_on", "needs_review",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    record_key TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    "user" TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_record ON corrections(record_key, id);
"""

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


class CorrectionError(ValueError):
    """A correction that cannot be applied (unknown record or field, bad value)."""


@dataclass(frozen=True)
class Change:
    """One field changed by a correction."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a record's correction history."""

    at: str
    user: str
    field: str
    old: str | None
    new: str | None


def ensure_schema(ledger: Ledger) -> None:
    """Create the ``corrections`` table in the ledger if it is missing."""
    with ledger.transaction() as c:
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                c.execute(stmt)


def _parse_date(value: str) -> dt.date:
    m = _DMY.match(value)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(value.strip())


def normalize_value(field: str, raw: str) -> str | None:
    """The stored form of a value typed in a form.

    Dates are accepted as ``YYYY-MM-DD`` or the Vietnamese ``dd/mm/yyyy``;
    an empty value clears the field (except ``type``).

    Raises:
        CorrectionError: the field is unknown or the value is not valid for it.
    """
    if field not in CORRECTABLE:
        raise CorrectionError(f"field {field!r} cannot be corrected")
    value = " ".join(raw.split())
    if field == "type":
        try:
            return ProcedureType(value).value
        except ValueError as exc:
            raise CorrectionError(f"unknown procedure type {value!r}") from exc
    if field == "needs_review":
        if value not in ("0", "1"):
            raise CorrectionError("needs_review must be 0 or 1")
        return value
    if not value:
        return None
    if field in ("issue_date", "revoked_on"):
        try:
            day = _parse_date(value)
        except ValueError as exc:
            raise CorrectionError(f"not a date (dd/mm/yyyy or YYYY-MM-DD): {raw!r}") from exc
        if not dt.date(1945, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise CorrectionError(f"date out of range: {raw!r}")
        return day.isoformat()
    if len(value) > 500:
        raise CorrectionError(f"{field} is too long ({len(value)} characters)")
    return value


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


def apply_correction(ledger: Ledger, key: str, values: Mapping[str, str], user: str) -> list[Change]:
    """Correct fields of one record, keeping the old values in the history.

    Only fields whose normalised value differs are written. When the type or
    the issue date changes, ``valid_until`` is recomputed from the validity
    rules (and the change is recorded too). The record is marked unindexed
    so that :func:`reindex` (or the next ingest) writes it to the index.

    Args:
        ledger: The ledger.
        key: The record's key.
        values: Field name → value as typed.
        user: Who makes the correction.

    Returns:
        The fields that changed (empty when nothing did).

    Raises:
        CorrectionError: unknown record, unknown field or invalid value.
    """
    wanted = {f: normalize_value(f, v) for f, v in values.items()}
    ensure_schema(ledger)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    with ledger.transaction() as c:
        row = c.execute(
            "SELECT type, number, issue_date, issuer, subject, title, revoked_on, needs_review, "
            "validity_years, valid_until FROM records WHERE key=?", (key,),
        ).fetchone()
        if row is None:
            raise CorrectionError(f"no record {key!r}")
        current = {f: _as_text(row[f]) for f in CORRECTABLE}
        changes = [Change(f, current[f], v) for f, v in wanted.items() if v != current[f]]
        if not changes:
            return []
        after = {**current, **{ch.field: ch.new for ch in changes}}
        if any(ch.field in ("type", "issue_date") for ch in changes):
            issued = dt.date.fromisoformat(after["issue_date"]) if after["issue_date"] else None
            until = valid_until(ProcedureType(after["type"]), issued, row["validity_years"])
            new_until = until.isoformat() if until else None
            if new_until != row["valid_until"]:
                changes.append(Change("valid_until", row["valid_until"], new_until))
        for ch in changes:
            value: object = int(ch.new) if ch.field == "needs_review" and ch.new is not None else ch.new
            # Field names come from CORRECTABLE (plus valid_until), never from the request.
            c.execute(f"UPDATE records SET {ch.field}=?, indexed=0, updated_at=? WHERE key=?", (value, now, key))
            c.execute(
                "INSERT INTO corrections(record_key, field, old_value, new_value, \"user\", at) VALUES (?,?,?,?,?,?)",
                (key, ch.field, ch.old, ch.new, user, now),
            )
    return changes


def history(ledger: Ledger, key: str) -> list[HistoryEntry]:
    """A record's corrections, oldest first."""
    ensure_schema(ledger)
    return [
        HistoryEntry(at=r["at"], user=r["user"], field=r["field"], old=r["old_value"], new=r["new_value"])
        for r in ledger.query(
            "SELECT at, \"user\", field, old_value, new_value FROM corrections WHERE record_key=? ORDER BY id", (key,)
        )
    ]


def reindex(ledger: Ledger, index: SearchIndex, keys: Sequence[str]) -> int:
    """Write these records to the index from the ledger and mark them indexed.

    Returns:
        How many documents were written.
    """
    rows = ledger.records(list(keys))
    written = index.write(to_index_doc(r) for r in rows)
    ledger.mark_indexed([r.key for r in rows], [])
    return written

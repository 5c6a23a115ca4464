"""Corrections of a record's fields by an archivist, with their history.

The ledger stays the source of truth: a correction updates the record's row
(``UPDATE records SET <field>=…, indexed=0``) and, in the same transaction,
appends the old and the new value to the ``corrections`` table (who, when,
which field). The index is then brought up to date for that record only.

The ``corrections`` table lives in the ledger file (created on first use with
``CREATE TABLE IF NOT EXISTS``) so a record and its history are never apart.

A handwritten number or day confirmed in the keyboard review
(``/review/handwritten``) also leaves one row in ``hand_confirmations``,
changed or not: the digits the reader read, its confidence and slot, and the
digits a person confirmed — the digit reader's training and calibration data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from indexing import SearchIndex, to_index_doc
from pipeline.domain import HandField, ProcedureType
from ledger import Ledger
from pipeline.validity import valid_until

__all__ = [
    "CORRECTABLE",
    "Change",
    "CorrectionError",
    "HAND_FIELDS",
    "HandConfirmation",
    "HandReason",
    "HistoryEntry",
    "StaleValue",
    "CORRECTION_MESSAGES",
    "apply_correction",
    "confirm_handwritten",
    "ensure_schema",
    "hand_confirmations",
    "handwritten_reasons",
    "history",
    "normalize_value",
    "reindex",
    "shown_digits",
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
CREATE TABLE IF NOT EXISTS hand_confirmations (
    id INTEGER PRIMARY KEY,
    record_key TEXT NOT NULL,
    field TEXT NOT NULL,
    kind TEXT NOT NULL,
    page_no INTEGER,
    box TEXT,
    read TEXT NOT NULL,
    confidence REAL,
    confirmed TEXT NOT NULL,
    value TEXT NOT NULL,
    "user" TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS hand_confirmations_record ON hand_confirmations(record_key, field);
"""

#: Fields the digit reader may have read by hand, in the order the keyboard review shows them,
#: with the kind of the page's hand layer they come from (:func:`ocr.derived.load_hand`).
HAND_FIELDS: dict[str, str] = {"number": "number", "issue_date": "day"}

#: A reason written by ``pipeline.handwritten`` for a value the digit reader read:
#: "review: number 1595/SGDĐT-CTrTT read from handwriting (1595, confidence 0.82: …); …".
_HAND_REASON = re.compile(
    r"^review: (?P<what>number|date) (?P<value>\S+) read from handwriting \((?P<digits>\d*), "
    r"confidence (?P<conf>[\d.]+)")

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


#: What :class:`CorrectionError` says, in English (the web app translates the code, with the same values).
CORRECTION_MESSAGES: dict[str, str] = {
    "not_correctable": "field {field!r} cannot be corrected",
    "bad_type": "unknown procedure type {value!r}",
    "bad_review_flag": "needs_review must be 0 or 1",
    "bad_date": "not a date (dd/mm/yyyy or YYYY-MM-DD): {value!r}",
    "date_range": "date out of range: {value!r}",
    "too_long": "{field} is too long ({length} characters)",
    "no_record": "no record {key!r}",
    "digits_only": "digits only: {value!r}",
    "no_day": "no day {day} in {month}",
    "not_handwritten": "{field!r} is not read from handwriting",
    "stale": "{field} is now {value!r}",
}


class CorrectionError(ValueError):
    """A correction that cannot be applied (unknown record or field, bad value); :attr:`code` says which
    (a key of :data:`CORRECTION_MESSAGES`) and :attr:`params` with what."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(CORRECTION_MESSAGES[code].format(**params))


class StaleValue(CorrectionError):
    """The value changed since the page showing it was made (someone else saved it)."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__("stale", field=field, value=value)


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


@dataclass(frozen=True)
class HandReason:
    """A record's review reason for a value the digit reader read by hand."""

    field: str  # "number" or "issue_date"
    value: str  # the value the records stage set
    digits: str  # the digits the reader read
    confidence: float
    month_too: bool = False  # a date whose month was handwritten too (the queue asks for the day only)


@dataclass(frozen=True)
class HandConfirmation:
    """A handwritten value a person confirmed or corrected: the reader's digits beside the true ones."""

    record_key: str
    field: str  # "number" or "issue_date"
    kind: str  # the hand layer's kind: "number" or "day"
    page_no: int | None
    box: tuple[int, int, int, int] | None  # (top, bottom, left, right) on the restored page
    read: str  # the digits the reader read
    confidence: float | None
    confirmed: str  # the digits the person confirmed or typed
    value: str  # the field's value after
    user: str
    at: str

    @property
    def right(self) -> bool:
        """Whether the reader's digits were right (a day's leading zero aside)."""
        if self.kind == "day" and self.read.isdigit() and self.confirmed.isdigit():
            return int(self.read) == int(self.confirmed)
        return self.read == self.confirmed


def ensure_schema(ledger: Ledger) -> None:
    """Create the ``corrections`` and ``hand_confirmations`` tables in the ledger if they are missing."""
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
        raise CorrectionError("not_correctable", field=field)
    value = " ".join(raw.split())
    if field == "type":
        try:
            return ProcedureType(value).value
        except ValueError as exc:
            raise CorrectionError("bad_type", value=value) from exc
    if field == "needs_review":
        if value not in ("0", "1"):
            raise CorrectionError("bad_review_flag")
        return value
    if not value:
        return None
    if field in ("issue_date", "revoked_on"):
        try:
            day = _parse_date(value)
        except ValueError as exc:
            raise CorrectionError("bad_date", value=raw) from exc
        if not dt.date(1945, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise CorrectionError("date_range", value=raw)
        return day.isoformat()
    if len(value) > 500:
        raise CorrectionError("too_long", field=field, length=len(value))
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
    with ledger.transaction() as c:
        return _apply(c, key, wanted, user, _now())


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _apply(c: Any, key: str, wanted: Mapping[str, str | None], user: str, now: str) -> list[Change]:  # noqa: ANN401
    """Write normalised values inside the caller's transaction (see :func:`apply_correction`)."""
    row = c.execute(
        "SELECT type, number, issue_date, issuer, subject, title, revoked_on, needs_review, "
        "validity_years, valid_until FROM records WHERE key=?", (key,),
    ).fetchone()
    if row is None:
        raise CorrectionError("no_record", key=key)
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


# -- handwritten values confirmed in the keyboard review ----------------------------------------


def handwritten_reasons(reasons: Sequence[str]) -> dict[str, HandReason]:
    """The record's values read from handwriting, by field (``number``, ``issue_date``), from its reasons."""
    out: dict[str, HandReason] = {}
    for reason in reasons:
        m = _HAND_REASON.match(reason)
        if m:
            field = "number" if m["what"] == "number" else "issue_date"
            out.setdefault(field, HandReason(field, m["value"], m["digits"], float(m["conf"].rstrip(".")),
                                             month_too="month" in reason and "handwritten too" in reason))
    return out


def _digits_of(field: str, value: str) -> str:
    """The part of a value a hand wrote: a number's part before the first "/", a date's day."""
    return value.split("/", 1)[0] if field == "number" else value[8:10]


def shown_digits(field: str, value: str, read: str) -> str:
    """The digits the keyboard review shows for a value: the reader's own when they are the value's.

    A day keeps the reader's spelling ("5" for the day of ``2012-05-05``).
    """
    digits = _digits_of(field, value)
    if read == digits or (field == "issue_date" and read.isdigit() and digits.isdigit()
                          and int(read) == int(digits)):
        return read
    return digits


def _with_digits(field: str, value: str, digits: str) -> str:
    """The value with the handwritten part replaced: the symbol after "/", or the month and year, kept.

    Raises:
        CorrectionError: not digits, or no such day in the value's month.
    """
    if not re.fullmatch(r"\d{1,2}" if field == "issue_date" else r"\d{1,7}", digits):
        raise CorrectionError("digits_only", value=digits)
    if field == "number":
        head, slash, rest = value.partition("/")
        return digits + slash + rest
    old = dt.date.fromisoformat(value)
    try:
        return old.replace(day=int(digits)).isoformat()
    except ValueError as exc:
        raise CorrectionError("no_day", day=int(digits), month=f"{old.month:02d}/{old.year}") from exc


def _review_reasons(reasons: Sequence[str]) -> list[str]:
    return [r for r in reasons if r.startswith("review:")]


def confirm_handwritten(
    ledger: Ledger, key: str, field: str, typed: str, user: str, *,
    shown: str | None = None, hand: HandField | None = None, page_no: int | None = None,
) -> tuple[HandConfirmation, list[Change]]:
    """Confirm (empty ``typed``) or correct the digits of a value read from handwriting.

    In one transaction: the value is corrected like :func:`apply_correction`
    would (a number keeps its symbol, a day its month and year), one row is
    added to ``hand_confirmations`` whether or not anything changed, and the
    record is marked reviewed when every review reason it has is a
    handwritten value now confirmed at its current value (not when a
    date's month was handwritten too: only its day is asked for here).

    Args:
        ledger: The ledger.
        key: The record's key.
        field: ``number`` or ``issue_date``.
        typed: The digits typed; empty confirms the digits shown.
        user: Who confirms.
        shown: The digits the page showed; when given and no longer the
            value's, nothing is written (:class:`StaleValue`).
        hand: The reader's slot from the page's hand layer (box and
            confidence kept with the row), when the page still has it.
        page_no: The page of ``hand``.

    Returns:
        The confirmation written and the fields that changed.

    Raises:
        CorrectionError: unknown record, a value not read from handwriting,
            typed text that is not digits, a day the month does not have.
        StaleValue: the value is no longer the one shown.
    """
    if field not in HAND_FIELDS:
        raise CorrectionError("not_handwritten", field=field)
    typed = typed.strip()
    ensure_schema(ledger)
    now = _now()
    with ledger.transaction() as c:
        row = c.execute("SELECT number, issue_date, reasons, needs_review FROM records WHERE key=?",
                        (key,)).fetchone()
        if row is None:
            raise CorrectionError("no_record", key=key)
        reasons = json.loads(row["reasons"])
        by_field = handwritten_reasons(reasons)
        value = _as_text(row[field])
        if field not in by_field or not value:
            raise CorrectionError("not_handwritten", field=field)
        reason = by_field[field]
        digits = shown_digits(field, value, reason.digits)
        if shown is not None and shown != digits:
            raise StaleValue(field, value)
        new_value = normalize_value(field, _with_digits(field, value, typed or digits)) or value
        wanted: dict[str, str | None] = {field: new_value}
        done = {(r["field"], r["value"]) for r in c.execute(
            "SELECT field, value FROM hand_confirmations WHERE record_key=?", (key,)).fetchall()}
        after = {f: _as_text(row[f]) for f in HAND_FIELDS} | {field: new_value}
        if (row["needs_review"] and len(_review_reasons(reasons)) == len(by_field)
                and not any(r.month_too for r in by_field.values())
                and all(f == field or (f, after[f]) in done for f in by_field)):
            wanted["needs_review"] = "0"  # nothing else to review: the record is approved
        changes = _apply(c, key, wanted, user, now)
        kind = HAND_FIELDS[field]
        slot = hand if hand is not None and hand.kind == kind else None
        confirmation = HandConfirmation(
            record_key=key, field=field, kind=kind, page_no=page_no if slot else None,
            box=slot.box if slot else None, read=slot.digits if slot and slot.digits else reason.digits,
            confidence=slot.confidence if slot else reason.confidence, confirmed=typed or digits,
            value=new_value, user=user, at=now,
        )
        c.execute(
            "INSERT INTO hand_confirmations(record_key, field, kind, page_no, box, read, confidence, confirmed, "
            "value, \"user\", at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (key, field, kind, confirmation.page_no, json.dumps(list(confirmation.box)) if confirmation.box else None,
             confirmation.read, confirmation.confidence, confirmation.confirmed, new_value, user, now),
        )
    return confirmation, changes


def hand_confirmations(ledger: Ledger, keys: Sequence[str] | None = None) -> list[HandConfirmation]:
    """Handwritten values people confirmed or corrected, oldest first: all, or those of some records."""
    ensure_schema(ledger)
    sql = ("SELECT record_key, field, kind, page_no, box, read, confidence, confirmed, value, \"user\", at "
           "FROM hand_confirmations")
    rows: list[Any] = []
    if keys is None:
        rows = ledger.query(sql + " ORDER BY id")
    else:
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            rows += ledger.query(sql + f" WHERE record_key IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)
    return [
        HandConfirmation(
            record_key=r["record_key"], field=r["field"], kind=r["kind"], page_no=r["page_no"],
            box=tuple(json.loads(r["box"])) if r["box"] else None,  # type: ignore[arg-type]
            read=r["read"], confidence=r["confidence"], confirmed=r["confirmed"], value=r["value"],
            user=r["user"], at=r["at"],
        )
        for r in rows
    ]


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

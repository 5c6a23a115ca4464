"""The ledger's records: what a run found in a file, the links between records, and people's corrections.

Machine results never overwrite what a person corrected: every write of a
file's records puts the latest corrected values back (:func:`reapply_corrections`),
and a revocation date a person gave wins over the one the links found.
Each function runs inside the caller's write transaction ``c``
(:meth:`ledger.ledger.Ledger.transaction`); ``db`` tells whether the
``corrections`` table exists yet (web/corrections.py creates it on first use).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from pipeline.domain import ClassifiedRecord
from ledger.db import PostgresDb, SqliteDb
from ledger.rows import now, record_key

__all__ = ["CORRECTABLE_COLUMNS", "TOMBSTONE", "approved_keys", "corrections", "link_records", "reapply_corrections",
           "reviewed_texts", "store_records"]

#: Record columns a person may correct (web/corrections.py keeps the history in
#: table ``corrections``); machine results never overwrite a corrected value.
CORRECTABLE_COLUMNS = frozenset({
    "type", "number", "issue_date", "issuer", "subject", "title", "revoked_on", "needs_review", "valid_until",
})

#: Note a removed record's key for the index (bind the key and the time).
TOMBSTONE = "INSERT INTO tombstones(key, at) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET at=excluded.at"

Db = SqliteDb | PostgresDb


def store_records(db: Db, c: Any, sha256: str, file_id: int, batch_id: int,  # noqa: ANN401 - either connection
                  records: Sequence[tuple[ClassifiedRecord, str]], run_id: int | None) -> tuple[list[str], list[str]]:
    """Write a file's records over what an earlier run found (see :meth:`ledger.ledger.Ledger.replace_records`).

    Returns:
        Keys written and keys removed (tombstoned for the index).
    """
    stamp = now()
    written: list[str] = []
    old = {r[0] for r in c.execute("SELECT key FROM records WHERE file_id=?", (file_id,))}
    for rec, text in records:
        key = record_key(sha256, rec.pages[0])
        f = rec.fields
        c.execute(
            "INSERT INTO records(key, file_id, batch_id, first_page, pages, type, confidence, reasons, "
            "number, issue_date, issuer, subject, title, validity_years, valid_until, needs_review, text, "
            "run_id, created_at, updated_at, period, readings) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(key) DO UPDATE SET pages=excluded.pages, type=excluded.type, "
            "confidence=excluded.confidence, reasons=excluded.reasons, number=excluded.number, "
            "issue_date=excluded.issue_date, issuer=excluded.issuer, subject=excluded.subject, "
            "title=excluded.title, validity_years=excluded.validity_years, "
            "valid_until=excluded.valid_until, needs_review=excluded.needs_review, text=excluded.text, "
            "run_id=excluded.run_id, updated_at=excluded.updated_at, period=excluded.period, "
            "readings=excluded.readings, indexed=0",
            (key, file_id, batch_id, rec.pages[0], json.dumps(list(rec.pages)), rec.type.value,
             rec.confidence, json.dumps(list(rec.reasons), ensure_ascii=False), f.number,
             f.date.isoformat() if f.date else None, f.issuer, f.subject, f.title, f.validity_years,
             rec.valid_until.isoformat() if rec.valid_until else None, int(rec.needs_review), text,
             run_id, stamp, stamp, f.period, json.dumps(rec.read, ensure_ascii=False) if rec.read else None),
        )
        written.append(key)
    reapply_corrections(db, c, written)
    removed = sorted(old - set(written))
    for key in removed:
        c.execute("DELETE FROM records WHERE key=?", (key,))
        c.execute(TOMBSTONE, (key, stamp))
    for key in written:
        c.execute("DELETE FROM tombstones WHERE key=?", (key,))
    return written, removed


def corrections(db: Db, c: Any, keys: Sequence[str] | None = None) -> dict[str, dict[str, object]]:  # noqa: ANN401
    """The latest corrected value of each corrected field, per record key (of ``keys``, or all)."""
    if not db.has_table(c, "corrections"):
        return {}
    rows = c.execute("SELECT record_key, field, new_value FROM corrections ORDER BY id").fetchall()
    wanted = set(keys) if keys is not None else None
    latest: dict[str, dict[str, object]] = {}
    for key, fld, value in rows:
        if fld in CORRECTABLE_COLUMNS and (wanted is None or key in wanted):
            latest.setdefault(key, {})[fld] = int(value) if fld == "needs_review" and value is not None else value
    return latest


def reapply_corrections(db: Db, c: Any, keys: Sequence[str]) -> None:  # noqa: ANN401
    """Put people's corrections back over what a machine run just wrote."""
    for key, fields in corrections(db, c, keys).items():
        for fld, value in fields.items():
            # fld is one of CORRECTABLE_COLUMNS, never outside input.
            c.execute(f"UPDATE records SET {fld}=? WHERE key=?", (value, key))


def reviewed_texts(db: Db, c: Any) -> list[tuple[str, str]]:  # noqa: ANN401
    """(text, type) of every record a person corrected or approved, duplicates left out."""
    if not db.has_table(c, "corrections"):
        return []
    rows = c.execute(
        "SELECT r.text, r.type FROM records r WHERE r.duplicate_of IS NULL AND EXISTS "
        "(SELECT 1 FROM corrections k WHERE k.record_key = r.key) ORDER BY r.id"
    ).fetchall()
    return [(str(text or ""), str(kind)) for text, kind in rows]


def approved_keys(db: Db, c: Any) -> list[str]:  # noqa: ANN401
    """Keys of the records a person reviewed and left needing no more review, duplicates left out."""
    if not db.has_table(c, "corrections"):
        return []
    return [str(k) for (k,) in c.execute(
        "SELECT r.key FROM records r WHERE r.duplicate_of IS NULL AND r.needs_review = 0 AND EXISTS "
        "(SELECT 1 FROM corrections k WHERE k.record_key = r.key) ORDER BY r.id").fetchall()]


def link_records(db: Db, c: Any, duplicates: dict[str, tuple[str, str]],  # noqa: ANN401
                 revocations: dict[str, tuple[dt.date, str]]) -> int:
    """Set which records duplicate others and which were revoked (see :meth:`ledger.ledger.Ledger.apply_links`).

    Returns:
        How many records changed; they are queued for the index.
    """
    changed = 0
    corrected = corrections(db, c)
    for key, dup, rev in c.execute("SELECT key, duplicate_of, revoked_on FROM records").fetchall():
        new_dup = duplicates.get(key, (None, None))[0]
        new_rev = revocations[key][0].isoformat() if key in revocations else None
        if "revoked_on" in corrected.get(key, {}):
            new_rev = corrected[key]["revoked_on"]  # a person's word wins
        if (dup, rev) == (new_dup, new_rev):
            continue
        reason = "; ".join(x for x in (duplicates.get(key, (None, ""))[1],
                                       revocations.get(key, (None, ""))[1]) if x) or None
        c.execute("UPDATE records SET duplicate_of=?, revoked_on=?, link_reason=?, indexed=0 WHERE key=?",
                  (new_dup, new_rev, reason, key))
        changed += 1
    return changed

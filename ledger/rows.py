"""What the ledger stores, as its readers get it back: files, pages and records with their provenance.

Also the keys and time stamps every write uses: a record is its file's hash
and its first page (:func:`record_key`), times are UTC ISO strings
(:func:`now`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FileRow", "PageRow", "RecordRow", "RECORD_SQL", "file_row", "now", "record_key", "record_row"]

#: A record with its batch's archive codes and its file's path and hash; :func:`record_row` reads its rows.
RECORD_SQL = (
    "SELECT r.*, b.name AS batch, b.fonds, b.box, b.file_code, f.path, f.sha256 "
    "FROM records r JOIN files f ON f.id = r.file_id JOIN batches b ON b.id = r.batch_id"
)


def now() -> str:
    """The time stamp the ledger writes: UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def record_key(sha256: str, first_page: int) -> str:
    """Stable id of a record: its file's hash and its first page."""
    return f"{sha256[:16]}-p{first_page:04d}"


@dataclass(frozen=True)
class FileRow:
    """A source file as the ledger knows it."""

    id: int
    sha256: str
    size: int
    path: str
    batch_id: int
    kind: str | None
    page_count: int | None
    status: str
    error: str | None


@dataclass(frozen=True)
class PageRow:
    """One page's OCR outcome."""

    file_id: int
    page_no: int
    status: str
    settings: str
    text: str
    mean_conf: float | None
    image_path: str | None
    error: str | None
    quality: float | None = None
    words_path: str | None = None


@dataclass(frozen=True)
class RecordRow:
    """One record with its provenance, as stored."""

    id: int
    key: str
    file_id: int
    batch: str
    fonds: str | None
    box: str | None
    file_code: str | None
    path: str
    sha256: str
    pages: tuple[int, ...]
    type: str
    confidence: float
    reasons: tuple[str, ...]
    number: str | None
    issue_date: dt.date | None
    issuer: str | None
    subject: str | None
    title: str | None
    valid_until: dt.date | None
    revoked_on: dt.date | None
    needs_review: bool
    text: str
    duplicate_of: str | None = None
    #: What was read of an incomplete date ("2025-02"): ``issue_date`` is then ``None``.
    period: str | None = None
    #: Field -> the value as read, where the field holds a value the profile proposed.
    read: dict[str, str] = field(default_factory=dict)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def file_row(row: Any) -> FileRow:  # noqa: ANN401 - a row of either database
    """A row of table ``files`` as a :class:`FileRow`."""
    return FileRow(
        id=row["id"], sha256=row["sha256"], size=row["size"], path=row["path"], batch_id=row["batch_id"],
        kind=row["kind"], page_count=row["page_count"], status=row["status"], error=row["error"],
    )


def record_row(row: Any) -> RecordRow:  # noqa: ANN401 - a row of either database
    """A row of :data:`RECORD_SQL` as a :class:`RecordRow`."""
    return RecordRow(
        id=row["id"], key=row["key"], file_id=row["file_id"], batch=row["batch"], fonds=row["fonds"],
        box=row["box"], file_code=row["file_code"], path=row["path"], sha256=row["sha256"],
        pages=tuple(json.loads(row["pages"])), type=row["type"], confidence=row["confidence"],
        reasons=tuple(json.loads(row["reasons"])), number=row["number"], issue_date=_date(row["issue_date"]),
        issuer=row["issuer"], subject=row["subject"], title=row["title"],
        valid_until=_date(row["valid_until"]), revoked_on=_date(row["revoked_on"]),
        needs_review=bool(row["needs_review"]), text=row["text"], duplicate_of=row["duplicate_of"],
        period=row["period"], read=json.loads(row["readings"]) if row["readings"] else {},
    )

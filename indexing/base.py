"""The one search interface every index backend implements.

Building the index document (:func:`to_index_doc`) is separate from writing
it; backends receive plain dicts. Status on a date (valid, expired, revoked,
unknown) is computed by the engine so counts never need every record fetched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.ledger import RecordRow

__all__ = [
    "INDEX_SCHEMA_VERSION",
    "SearchFilters",
    "Hit",
    "SearchResult",
    "CountRow",
    "SearchIndex",
    "to_index_doc",
]

#: Bump when the document shape or the mapping changes; startup checks it.
INDEX_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class SearchFilters:
    """Filters of a search; ``None`` means no filter."""

    type: str | None = None
    year: int | None = None
    issuer: str | None = None
    valid_on: dt.date | None = None
    batch: str | None = None


@dataclass(frozen=True)
class Hit:
    """One matching record with a highlighted snippet (``[…]`` marks matches)."""

    key: str
    score: float
    snippet: str
    doc: dict[str, object]


@dataclass(frozen=True)
class SearchResult:
    """A page of hits and the total number of matches."""

    total: int
    hits: tuple[Hit, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CountRow:
    """Number of records of a type issued in a year with a status on a date."""

    type: str
    year: int | None
    status: str
    count: int


class SearchIndex(Protocol):
    """What the CLI, the flows and the web app need of an index."""

    def write(self, docs: Iterable[dict[str, object]]) -> int:
        """Insert or replace documents in bulk; returns how many were written."""

    def delete(self, keys: Sequence[str]) -> int:
        """Remove documents by key; returns how many existed."""

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20) -> SearchResult:
        """Full-text search with diacritics-insensitive matching."""

    def counts(self, on: dt.date) -> list[CountRow]:
        """Records grouped by type × year of issue × status on ``on``."""

    def clear(self) -> None:
        """Remove every document (before a rebuild)."""

    def close(self) -> None:
        """Release the connection."""


def to_index_doc(rec: RecordRow) -> dict[str, object]:
    """The document an index stores for one ledger record."""
    location = " / ".join(x for x in (rec.fonds, rec.box, rec.file_code) if x)
    return {
        "key": rec.key,
        "type": rec.type,
        "number": rec.number,
        "issue_date": rec.issue_date.isoformat() if rec.issue_date else None,
        "year": rec.issue_date.year if rec.issue_date else None,
        "issuer": rec.issuer,
        "subject": rec.subject,
        "title": rec.title,
        "valid_until": rec.valid_until.isoformat() if rec.valid_until else None,
        "revoked_on": rec.revoked_on.isoformat() if rec.revoked_on else None,
        "needs_review": rec.needs_review,
        "batch": rec.batch,
        "location": location or None,
        "path": rec.path,
        "pages": list(rec.pages),
        "text": rec.text,
    }

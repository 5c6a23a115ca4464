"""What the pages show, as plain data: search with facets, queues, counts, provenance.

Functions take the ledger or the index and return dataclasses or dicts; the
app only turns them into HTML.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from indexing import Hit, SearchFilters, SearchIndex
from pipeline.domain import ProcedureType
from ledger import Ledger
from pipeline.validity import status_on
from web.corrections import HAND_FIELDS, ensure_schema, handwritten_reasons, shown_digits

__all__ = [
    "FACET_LIMIT",
    "STATUSES",
    "HitView",
    "SearchOutcome",
    "search_records",
    "doc_status",
    "QueueItem",
    "review_queue",
    "HandItem",
    "hand_cursor",
    "hand_queue",
    "hand_item",
    "valid_by_type_year",
    "provenance",
]

#: Hits fetched to count facets and to filter by a status the engine cannot filter on.
FACET_LIMIT = 1000
STATUSES = ("valid", "expired", "revoked", "unknown")


def _d(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def doc_status(doc: dict[str, object], on: dt.date) -> str:
    """Status of an index document on a date (``valid``, ``expired``, ``revoked``, ``unknown``)."""
    try:
        ptype = ProcedureType(str(doc.get("type")))
    except ValueError:
        return "unknown"
    return status_on(ptype, _d(doc.get("issue_date")), _d(doc.get("valid_until")), on, _d(doc.get("revoked_on"))).value


@dataclass(frozen=True)
class HitView:
    """One search result as the page shows it."""

    key: str
    type: str
    number: str | None
    issue_date: str | None
    issuer: str | None
    subject: str | None
    location: str | None
    path: str | None
    pages: tuple[int, ...]
    status: str
    needs_review: bool
    hit: Hit = field(repr=False, compare=False)

    @property
    def near(self) -> bool:
        """Found by a near spelling of the query, not its words as typed (:attr:`indexing.base.Hit.near`)."""
        return self.hit.near

    @property
    def snippet(self) -> str:
        """The hit's highlighted snippet, made only for the hits a page shows."""
        return self.hit.snippet


@dataclass
class SearchOutcome:
    """Hits, their total and the facet counts."""

    total: int
    hits: list[HitView]
    by_type: Counter[str] = field(default_factory=Counter)
    by_year: Counter[int | None] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    partial: bool = False
    capped: bool = False  # the engine stopped counting at ``total``: "more than"
    texts_skipped: bool = False  # only records named by the query: the texts may be asked too (SearchResult's)


def search_records(
    index: SearchIndex, query: str, filters: SearchFilters, status: str | None, on: dt.date, *, in_text: bool = False,
) -> SearchOutcome:
    """Search, compute each hit's status on ``on``, filter by status and count facets.

    ``valid`` is filtered by the engine (``filters.valid_on``); other statuses
    are filtered here on the first :data:`FACET_LIMIT` hits, and the facets are
    counted on those hits too (``partial`` says when there were more). ``in_text``: the records holding
    the words only in their text too, after the others (:meth:`indexing.base.SearchIndex.search`).
    """
    if status == "valid":
        filters = SearchFilters(type=filters.type, year=filters.year, issuer=filters.issuer, valid_on=on,
                                batch=filters.batch)
    result = index.search(query, filters, limit=FACET_LIMIT, in_text=in_text)
    hits: list[HitView] = []
    for h in result.hits:
        d = h.doc
        st = doc_status(d, on)
        if status and st != status:
            continue
        hits.append(HitView(
            key=h.key, type=str(d.get("type")), number=_s(d.get("number")), issue_date=_s(d.get("issue_date")),
            issuer=_s(d.get("issuer")), subject=_s(d.get("subject")), location=_s(d.get("location")),
            path=_s(d.get("path")), pages=tuple(int(p) for p in d.get("pages") or ()),  # type: ignore[union-attr]
            status=st, needs_review=bool(d.get("needs_review")), hit=h,
        ))
    partial = result.total > len(result.hits)
    total = result.total if not status or status == "valid" else len(hits)
    capped = result.total_capped and (not status or status == "valid")
    out = SearchOutcome(total=total, hits=hits, partial=partial, capped=capped, texts_skipped=result.texts_skipped)
    for hv in hits:
        out.by_type[hv.type] += 1
        out.by_year[int(hv.issue_date[:4]) if hv.issue_date else None] += 1
        out.by_status[hv.status] += 1
    return out


def _s(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class QueueItem:
    """A record waiting for review, with why."""

    key: str
    type: str
    number: str | None
    issue_date: str | None
    subject: str | None
    batch: str
    path: str
    pages: tuple[int, ...]
    reasons: tuple[str, ...]


def review_queue(ledger: Ledger, limit: int = 50, offset: int = 0) -> tuple[int, list[QueueItem]]:
    """Records flagged for review (oldest first) and how many there are."""
    total = int(ledger.query("SELECT count(*) FROM records WHERE needs_review=1 AND duplicate_of IS NULL")[0][0])
    rows = ledger.query(
        "SELECT r.key, r.type, r.number, r.issue_date, r.subject, r.pages, r.reasons, b.name AS batch, f.path "
        "FROM records r JOIN batches b ON b.id=r.batch_id JOIN files f ON f.id=r.file_id "
        "WHERE r.needs_review=1 AND r.duplicate_of IS NULL ORDER BY r.id LIMIT ? OFFSET ?", (limit, offset),
    )
    items = [
        QueueItem(
            key=r["key"], type=r["type"], number=r["number"], issue_date=r["issue_date"], subject=r["subject"],
            batch=r["batch"], path=r["path"], pages=tuple(json.loads(r["pages"])),
            reasons=tuple(x.removeprefix("review:").strip() for x in json.loads(r["reasons"])
                          if x.startswith("review:")),
        )
        for r in rows
    ]
    return total, items


@dataclass(frozen=True)
class HandItem:
    """One handwritten value waiting in the keyboard review (``/review/handwritten``)."""

    id: int
    key: str
    field: str  # "number" or "issue_date"
    value: str
    digits: str  # what the page shows and Enter confirms
    rest: str  # what stays as it is after the digits: the number's "/symbol", the date's "/05/2012"
    confidence: float  # the reader's, from the review reason
    issuer: str | None
    subject: str | None

    @property
    def cursor(self) -> str:
        """Where the queue goes on from this item (``?after=``)."""
        return f"{self.id}:{self.field}"


_HAND_ORDER = {f: i for i, f in enumerate(HAND_FIELDS)}
_HAND_LIKE = "%read from handwriting%"


def hand_cursor(value: str | None) -> tuple[int, int]:
    """``"12:number"`` as a position in the queue (record id, field order); the start when unreadable."""
    rid, _, field = (value or "").partition(":")
    if rid.isdigit() and field in _HAND_ORDER:
        return int(rid), _HAND_ORDER[field]
    return 0, -1


def _hand_items(ledger: Ledger, rows: list[object]) -> list[HandItem]:
    """The fields of these records still waiting: read from handwriting, not confirmed at their value."""
    keys = [r["key"] for r in rows]  # type: ignore[index]
    marks = ",".join("?" * len(keys)) or "NULL"
    done = {(r["record_key"], r["field"], r["value"]) for r in ledger.query(
        f"SELECT record_key, field, value FROM hand_confirmations WHERE record_key IN ({marks})", keys)}
    items = []
    for r in rows:
        by_field = handwritten_reasons(json.loads(r["reasons"]))  # type: ignore[index]
        for field in HAND_FIELDS:
            value, reason = r[field], by_field.get(field)  # type: ignore[index]
            if reason is None or not value or (r["key"], field, value) in done:  # type: ignore[index]
                continue
            rest = "".join(value.partition("/")[1:]) if field == "number" else f"/{value[5:7]}/{value[:4]}"
            items.append(HandItem(
                id=r["id"], key=r["key"], field=field, value=value,  # type: ignore[index]
                digits=shown_digits(field, value, reason.digits), rest=rest,
                confidence=reason.confidence, issuer=r["issuer"], subject=r["subject"],  # type: ignore[index]
            ))
    return items


_HAND_SQL = ("SELECT id, key, number, issue_date, issuer, subject, reasons FROM records "
             "WHERE needs_review=1 AND duplicate_of IS NULL AND reasons LIKE ?")


def hand_queue(ledger: Ledger, after: str | None = None, chunk: int = 200) -> tuple[HandItem | None, int]:
    """The next handwritten value to review after ``after`` (oldest record first), and how many wait in all.

    A value waits while its record needs review, a reason says the digit
    reader read it, and nobody has confirmed it at its current value.
    """
    ensure_schema(ledger)
    pos = hand_cursor(after)
    left = 0
    first: HandItem | None = None
    last = 0
    while True:
        rows = ledger.query(_HAND_SQL + " AND id > ? ORDER BY id LIMIT ?", (_HAND_LIKE, last, chunk))
        for item in _hand_items(ledger, rows):
            left += 1
            if first is None and (item.id, _HAND_ORDER[item.field]) > pos:
                first = item
        if len(rows) < chunk:
            return first, left
        last = int(rows[-1]["id"])


def hand_item(ledger: Ledger, key: str, field: str) -> HandItem | None:
    """One record's handwritten value, if it still waits for review."""
    ensure_schema(ledger)
    rows = ledger.query(_HAND_SQL + " AND key = ?", (_HAND_LIKE, key))
    return next((i for i in _hand_items(ledger, rows) if i.field == field), None)


def valid_by_type_year(ledger: Ledger, on: dt.date) -> dict[str, Counter[int | None]]:
    """Records still valid on ``on``, counted by procedure type and year of issue."""
    out: dict[str, Counter[int | None]] = {}
    rows = ledger.query(
        "SELECT type, issue_date, valid_until, revoked_on FROM records "
        "WHERE (issue_date IS NULL OR issue_date <= ?) AND duplicate_of IS NULL",
        (on.isoformat(),),
    )
    for t, issued, until, revoked in rows:
        doc = {"type": t, "issue_date": issued, "valid_until": until, "revoked_on": revoked}
        if doc_status(doc, on) == "valid":
            out.setdefault(t, Counter())[int(issued[:4]) if issued else None] += 1
    return out


def provenance(ledger: Ledger, key: str) -> dict[str, object]:
    """When and by which run a record was made, and the page confidences."""
    rows = ledger.query(
        "SELECT r.run_id, r.created_at, r.updated_at, r.file_id, r.pages, u.started_at, u.finished_at, u.status, "
        "u.settings FROM records r LEFT JOIN runs u ON u.id = r.run_id WHERE r.key=?", (key,),
    )
    if not rows:
        return {}
    r = rows[0]
    pages = json.loads(r["pages"])
    marks = ",".join("?" * len(pages)) or "NULL"
    confs = {
        int(p["page_no"]): p["mean_conf"]
        for p in ledger.query(f"SELECT page_no, mean_conf FROM pages WHERE file_id=? AND page_no IN ({marks})",
                              (r["file_id"], *pages))
    }
    return {
        "run_id": r["run_id"], "created_at": r["created_at"], "updated_at": r["updated_at"],
        "run_started": r["started_at"], "run_finished": r["finished_at"], "run_status": r["status"],
        "ocr_settings": r["settings"], "page_conf": confs,
    }

"""The embedded index: SQLite FTS5, one file, no server.

Text is folded by :mod:`pipeline.folding` before it reaches FTS5, so matching
ignores diacritics the same way in every backend; the original text is kept
beside it for display and snippets.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from indexing._snippet import make_snippet
from indexing.base import INDEX_SCHEMA_VERSION, CountRow, Hit, SearchFilters, SearchResult
from pipeline.folding import fold, subtokens, tokens
from sohoa.errors import IndexSchemaError

__all__ = ["SqliteIndex", "STATUS_SQL", "fts_query"]

# Status of a record on the date bound to :on. Mirrors pipeline.validity.status_on;
# tests check that both agree.
STATUS_SQL = (
    "CASE WHEN d.revoked_on IS NOT NULL AND d.revoked_on <= :on THEN 'revoked' "
    "WHEN d.type = 'khac' OR d.issue_date IS NULL OR d.issue_date > :on THEN 'unknown' "
    "WHEN d.valid_until IS NULL OR d.valid_until >= :on THEN 'valid' "
    "ELSE 'expired' END"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    year INTEGER,
    issue_date TEXT,
    valid_until TEXT,
    revoked_on TEXT,
    issuer_folded TEXT,
    batch TEXT,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_facets ON docs(type, year);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    subject, number, title, issuer, body,
    tokenize = "unicode61 remove_diacritics 0"
);
"""

# Column weights for bm25: a name or number match outranks one in the body.
_WEIGHTS = (10.0, 10.0, 3.0, 2.0, 1.0)


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for a user's query (all terms must match).

    Compound tokens such as ``123/qd-sgddt`` become phrases of their parts, so
    a document number matches exactly in sequence.
    """
    parts: list[str] = []
    for tok in tokens(query):
        pieces = subtokens(tok)
        parts.append('"' + " ".join(p.replace('"', "") for p in pieces) + '"')
    return " ".join(parts)


class SqliteIndex:
    """An FTS5 index in one SQLite file.

    Args:
        path: The index file; created when missing.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=60, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        row = self._conn.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
        if row is None:
            self._conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(INDEX_SCHEMA_VERSION),))
        elif int(row[0]) != INDEX_SCHEMA_VERSION:
            raise IndexSchemaError(
                f"{path}: index schema {row[0]} differs from {INDEX_SCHEMA_VERSION}; run `sohoa reindex`"
            )

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def write(self, docs: Iterable[dict[str, object]]) -> int:
        """Insert or replace documents in one transaction."""
        n = 0
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            for doc in docs:
                key = str(doc["key"])
                old = c.execute("SELECT rowid FROM docs WHERE key=?", (key,)).fetchone()
                if old:
                    c.execute("DELETE FROM docs_fts WHERE rowid=?", (old[0],))
                    c.execute("DELETE FROM docs WHERE rowid=?", (old[0],))
                cur = c.execute(
                    "INSERT INTO docs(key, type, year, issue_date, valid_until, revoked_on, issuer_folded, batch, doc)"
                    " VALUES (?,?,?,?,?,?,?,?,?)",
                    (key, doc["type"], doc.get("year"), doc.get("issue_date"), doc.get("valid_until"),
                     doc.get("revoked_on"), fold(str(doc.get("issuer") or "")), doc.get("batch"),
                     json.dumps(doc, ensure_ascii=False)),
                )
                c.execute(
                    "INSERT INTO docs_fts(rowid, subject, number, title, issuer, body) VALUES (?,?,?,?,?,?)",
                    (cur.lastrowid, fold(str(doc.get("subject") or "")), fold(str(doc.get("number") or "")),
                     fold(str(doc.get("title") or "")), fold(str(doc.get("issuer") or "")),
                     fold(str(doc.get("text") or ""))),
                )
                n += 1
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")
        return n

    def delete(self, keys: Sequence[str]) -> int:
        """Remove documents by key."""
        n = 0
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        for key in keys:
            row = c.execute("SELECT rowid FROM docs WHERE key=?", (key,)).fetchone()
            if row:
                c.execute("DELETE FROM docs_fts WHERE rowid=?", (row[0],))
                c.execute("DELETE FROM docs WHERE rowid=?", (row[0],))
                n += 1
        c.execute("COMMIT")
        return n

    def clear(self) -> None:
        """Remove every document."""
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.execute("DELETE FROM docs_fts")
        self._conn.execute("DELETE FROM docs")
        self._conn.execute("COMMIT")

    @staticmethod
    def _where(filters: SearchFilters, params: dict[str, object]) -> list[str]:
        where: list[str] = []
        if filters.type:
            where.append("d.type = :type")
            params["type"] = filters.type
        if filters.year:
            where.append("d.year = :year")
            params["year"] = filters.year
        if filters.issuer:
            where.append("d.issuer_folded LIKE :issuer")
            params["issuer"] = f"%{fold(filters.issuer)}%"
        if filters.batch:
            where.append("d.batch = :batch")
            params["batch"] = filters.batch
        if filters.valid_on:
            where.append(f"{STATUS_SQL} = 'valid' AND d.issue_date <= :on")
            params["on"] = filters.valid_on.isoformat()
        return where

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20) -> SearchResult:
        """Search folded text; an empty query lists records matching the filters."""
        params: dict[str, object] = {"limit": limit}
        where = self._where(filters, params)
        match = fts_query(query)
        if match:
            params["match"] = match
            base = "FROM docs_fts f JOIN docs d ON d.rowid = f.rowid WHERE docs_fts MATCH :match"
            base += "".join(f" AND {w}" for w in where)
            score = "bm25(docs_fts, {})".format(", ".join(str(w) for w in _WEIGHTS))
            order = f"{score}, d.key"
        else:
            base = "FROM docs d" + (" WHERE " + " AND ".join(where) if where else "")
            score, order = "0.0", "d.issue_date DESC, d.key"
        total = int(self._conn.execute(f"SELECT count(*) {base}", params).fetchone()[0])
        rows = self._conn.execute(f"SELECT d.key, {score}, d.doc {base} ORDER BY {order} LIMIT :limit", params)
        terms = tokens(query)
        hits = []
        for key, rank, raw in rows.fetchall():
            doc = json.loads(raw)
            hits.append(Hit(key=key, score=-float(rank), snippet=make_snippet(str(doc.get("text") or ""), terms), doc=doc))
        return SearchResult(total=total, hits=tuple(hits))

    def counts(self, on: dt.date) -> list[CountRow]:
        """Records issued on or before ``on``, grouped by type, year and status on ``on``."""
        rows = self._conn.execute(
            f"SELECT d.type, d.year, {STATUS_SQL} AS status, count(*) FROM docs d "
            "WHERE d.issue_date IS NULL OR d.issue_date <= :on GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            {"on": on.isoformat()},
        ).fetchall()
        return [CountRow(type=t, year=y, status=s, count=int(n)) for t, y, s, n in rows]

    def doc_count(self) -> int:
        """How many documents the index holds."""
        return int(self._conn.execute("SELECT count(*) FROM docs").fetchone()[0])

"""The embedded index: SQLite FTS5, one file, no server.

Text is folded by :mod:`pipeline.folding` before it reaches FTS5, so matching
ignores diacritics the same way in every backend; the original text is kept
beside it for display and snippets, and a lower-cased unfolded copy of the
short fields (subject, number, title, issuer) gives the exact-diacritics
ranking tier (see :mod:`indexing.base`).

Writes are batched (one ``executemany`` per table and batch, rowids assigned
in Python under the write lock), so bulk loads run at FTS5's own speed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from rapidfuzz.distance import OSA

from indexing._snippet import make_snippet
from indexing.base import (
    INDEX_SCHEMA_VERSION,
    CountRow,
    Hit,
    SearchFilters,
    SearchResult,
    exact_words,
    fuzzy_edits,
    index_fold,
    number_key,
    snippet_terms,
)
from pipeline.folding import fold, subtokens, tokens
from sohoa.errors import IndexSchemaError

__all__ = ["SqliteIndex", "STATUS_SQL", "fts_query", "phrase_query", "rebuild_sqlite"]

# Status of a record on the date bound to :on. Mirrors pipeline.validity.status_on;
# tests check that both agree.
STATUS_SQL = (
    "CASE WHEN d.revoked_on IS NOT NULL AND d.revoked_on <= :on THEN 'revoked' "
    "WHEN d.type = 'khac' OR d.issue_date IS NULL OR d.issue_date > :on THEN 'unknown' "
    "WHEN d.valid_until IS NULL OR d.valid_until >= :on THEN 'valid' "
    "ELSE 'expired' END"
)

_FTS_DDL = """
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    subject, number, title, issuer, body, exact,
    tokenize = "unicode61 remove_diacritics 0"
);
"""

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
    number_key TEXT,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_facets ON docs(type, year);
-- covers the grouped counts, so they never read the stored documents
CREATE INDEX IF NOT EXISTS docs_status ON docs(type, year, issue_date, valid_until, revoked_on);
CREATE INDEX IF NOT EXISTS docs_number ON docs(number_key);
""" + _FTS_DDL + """
CREATE VIRTUAL TABLE IF NOT EXISTS docs_vocab USING fts5vocab(docs_fts, 'row');
"""

# Column weights for bm25: a name or number match outranks one in the body;
# the unfolded ``exact`` column only decides the first tier, not the score.
_WEIGHTS = (10.0, 10.0, 3.0, 2.0, 1.0, 0.0)
_BATCH = 1000


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


def phrase_query(query: str) -> str:
    """An FTS5 MATCH expression for the whole query as one phrase."""
    words = [p.replace('"', "") for tok in tokens(query) for p in subtokens(tok)]
    return '"' + " ".join(words) + '"'


def _exact_query(query: str) -> str | None:
    words = exact_words(query)
    return "exact : \"" + " ".join(w.replace('"', "") for w in words) + '"' if words else None


def _chunks(items: Iterable[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _text(doc: dict[str, object], name: str) -> str:
    value = doc.get(name)
    return str(value) if value else ""


class SqliteIndex:
    """An FTS5 index in one SQLite file.

    Args:
        path: The index file; created when missing.

    Raises:
        IndexSchemaError: the file was built with another schema version.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=60, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        # A bigger page cache keeps FTS5's segment merges of bulk loads in memory.
        self._conn.execute("PRAGMA cache_size=-131072")
        self._conn.execute("PRAGMA temp_store=MEMORY")
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        row = self._conn.execute("SELECT value FROM meta WHERE name='schema'").fetchone() if "meta" in tables else None
        if row is not None and int(row[0]) != INDEX_SCHEMA_VERSION:
            self._conn.close()
            raise IndexSchemaError(
                f"{path}: index schema {row[0]} differs from {INDEX_SCHEMA_VERSION}; run `sohoa reindex`"
            )
        if row is None:  # new file: only then take the write lock (a rebuild may hold it)
            self._conn.executescript(_SCHEMA)
            self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(INDEX_SCHEMA_VERSION),))

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    # -- writing -------------------------------------------------------------

    def write(self, docs: Iterable[dict[str, object]]) -> int:
        """Insert or replace documents in one transaction."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            n = self._insert(docs, replace=True)
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")
        return n

    def _insert(self, docs: Iterable[dict[str, object]], *, replace: bool) -> int:
        """Write documents inside the caller's transaction, a batch at a time."""
        c = self._conn
        next_id = int(c.execute("SELECT coalesce(max(rowid), 0) FROM docs").fetchone()[0]) + 1
        n = 0
        for batch in _chunks(docs, _BATCH):
            # The last write of a key in a batch wins, as with one write per doc.
            unique = list({str(d["key"]): d for d in batch}.values())
            if replace:
                self._delete_keys([str(d["key"]) for d in unique])
            doc_rows, fts_rows = [], []
            for doc in unique:
                doc_rows.append(self._doc_row(next_id, doc))
                fts_rows.append(self._fts_row(next_id, doc))
                next_id += 1
            c.executemany(
                "INSERT INTO docs(rowid, key, type, year, issue_date, valid_until, revoked_on, issuer_folded,"
                " batch, number_key, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                doc_rows,
            )
            c.executemany("INSERT INTO docs_fts(rowid, subject, number, title, issuer, body, exact)"
                          " VALUES (?,?,?,?,?,?,?)", fts_rows)
            n += len(batch)
        return n

    @staticmethod
    def _doc_row(rowid: int, doc: dict[str, object]) -> tuple[object, ...]:
        return (rowid, str(doc["key"]), doc["type"], doc.get("year"), doc.get("issue_date"),
                doc.get("valid_until"), doc.get("revoked_on"), index_fold(_text(doc, "issuer")), doc.get("batch"),
                number_key(_text(doc, "number")) or None, json.dumps(doc, ensure_ascii=False))

    @staticmethod
    def _fts_row(rowid: int, doc: dict[str, object]) -> tuple[object, ...]:
        short = [_text(doc, f) for f in ("subject", "number", "title", "issuer")]
        exact = unicodedata.normalize("NFC", " \n ".join(short)).lower()
        return (rowid, *(index_fold(s) for s in short), index_fold(_text(doc, "text")), exact)

    def _delete_keys(self, keys: Sequence[str]) -> int:
        c = self._conn
        n = 0
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            marks = ",".join("?" * len(chunk))
            ids = [(r[0],) for r in c.execute(f"SELECT rowid FROM docs WHERE key IN ({marks})", chunk)]
            if ids:
                c.executemany("DELETE FROM docs_fts WHERE rowid=?", ids)
                c.executemany("DELETE FROM docs WHERE rowid=?", ids)
            n += len(ids)
        return n

    def delete(self, keys: Sequence[str]) -> int:
        """Remove documents by key; returns how many existed."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            n = self._delete_keys(list(dict.fromkeys(keys)))
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")
        return n

    def _truncate(self) -> None:
        # Dropping the FTS table is much faster than deleting its rows one by one.
        self._conn.execute("DELETE FROM docs")
        self._conn.execute("DROP TABLE IF EXISTS docs_vocab")
        self._conn.execute("DROP TABLE docs_fts")
        # Not executescript(): it would commit the caller's transaction.
        self._conn.execute(_FTS_DDL)
        self._conn.execute("CREATE VIRTUAL TABLE docs_vocab USING fts5vocab(docs_fts, 'row')")

    def clear(self) -> None:
        """Remove every document."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._truncate()
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def rebuild(self, chunks: Iterable[Iterable[dict[str, object]]]) -> int:
        """Replace every document in one transaction; readers see the old index until it commits."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            self._truncate()
            n = self._insert((d for chunk in chunks for d in chunk), replace=False)
            c.execute("INSERT INTO docs_fts(docs_fts) VALUES ('optimize')")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")
        return n

    # -- reading -------------------------------------------------------------

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

    def _hits(self, rows: Iterable[tuple[str, float, str]], terms: list[str]) -> list[Hit]:
        hits = []
        for key, rank, raw in rows:
            doc = json.loads(raw)
            hits.append(Hit(key=key, score=-float(rank), snippet=make_snippet(_text(doc, "text"), terms), doc=doc))
        return hits

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20) -> SearchResult:
        """Search folded text; an empty query lists records matching the filters (newest first).

        Hits come in the ranking tiers of :mod:`indexing.base` (exact
        diacritics, folded phrase, all folded words, then fuzzy when the
        first three fill less than ``limit``); bm25 orders within each tier.
        """
        params: dict[str, object] = {"limit": limit}
        where = self._where(filters, params)
        match = fts_query(query)
        if not match:
            base = "FROM docs d" + (" WHERE " + " AND ".join(where) if where else "")
            total = int(self._conn.execute(f"SELECT count(*) {base}", params).fetchone()[0])
            rows = self._conn.execute(
                f"SELECT d.key, 0.0, d.doc {base} ORDER BY d.issue_date DESC, d.key LIMIT :limit", params)
            return SearchResult(total=total, hits=tuple(self._hits(rows.fetchall(), [])))
        filt = "".join(f" AND {w}" for w in where)
        params["match"] = match
        total = int(self._conn.execute(
            f"SELECT count(*) FROM docs_fts f CROSS JOIN docs d ON d.rowid = f.rowid "
            f"WHERE docs_fts MATCH :match{filt}", params).fetchone()[0])
        # One query per tier, most specific first, each excluding the tiers before it (FTS5's NOT),
        # and only as many as it takes to fill the page: bm25 is computed on a tier only when needed.
        phrase = phrase_query(query)
        tiers: list[str] = []
        if exact := _exact_query(query):
            tiers.append(exact)
        tiers.append(f"({phrase})" + (f" NOT ({exact})" if exact else ""))
        tiers.append(f"({match}) NOT ({phrase})")
        rows: list[tuple] = []
        if total:
            for expr in tiers:
                if len(rows) >= limit:
                    break
                rows += self._ranked(expr, filt, params, limit - len(rows))
        if len(rows) < limit and (fuzzy := self._fuzzy_query(query)):
            expr = f"({fuzzy}) NOT ({match})"
            extra = self._ranked(expr, filt, params, limit - len(rows))
            if extra:
                total += int(self._conn.execute(
                    "SELECT count(*) FROM docs_fts f CROSS JOIN docs d ON d.rowid = f.rowid "
                    f"WHERE docs_fts MATCH :tier{filt}", {**params, "tier": expr}).fetchone()[0])
                rows += extra
        return SearchResult(total=total, hits=tuple(self._hits(rows, snippet_terms(query))))

    def _ranked(self, expr: str, filt: str, params: dict[str, object], limit: int) -> list[tuple]:
        score = "bm25(docs_fts, {})".format(", ".join(str(w) for w in _WEIGHTS))
        sql = (f"SELECT d.key, {score}, d.doc FROM docs_fts f CROSS JOIN docs d ON d.rowid = f.rowid "
               f"WHERE docs_fts MATCH :tier{filt} ORDER BY {score}, d.key LIMIT :n")
        return self._conn.execute(sql, {**params, "tier": expr, "n": limit}).fetchall()

    def _fuzzy_query(self, query: str) -> str | None:
        """A MATCH expression where each word may also be a close word of the vocabulary."""
        parts: list[str] = []
        widened = False
        for tok in tokens(query):
            pieces = subtokens(tok)
            alts = ['"' + " ".join(p.replace('"', "") for p in pieces) + '"']
            if len(pieces) == 1 and (k := fuzzy_edits(tok)):
                near = self._near_terms(tok, k)
                widened = widened or bool(near)
                alts += near
            parts.append("(" + " OR ".join(alts) + ")")
        return " AND ".join(parts) if widened else None

    def _near_terms(self, tok: str, k: int) -> list[str]:
        # Same first letter (Elasticsearch's prefix_length=1), within k edits.
        lo, hi = tok[0], chr(ord(tok[0]) + 1)
        rows = self._conn.execute("SELECT term FROM docs_vocab WHERE term >= ? AND term < ?", (lo, hi))
        return [t for (t,) in rows if t != tok and t.isascii() and t.isalpha()
                and abs(len(t) - len(tok)) <= k and OSA.distance(tok, t, score_cutoff=k) <= k]

    def lookup(self, code: str, limit: int = 20) -> SearchResult:
        """Records numbered ``code`` (folded, case-insensitive), then records quoting it in their text."""
        key = number_key(code)
        if not key:
            return SearchResult(total=0)
        exact = self._conn.execute("SELECT d.key, 0.0, d.doc FROM docs d WHERE d.number_key = ? ORDER BY d.key",
                                   (key,)).fetchall()
        params = {"phrase": phrase_query(code), "limit": limit}
        quoting = self._conn.execute(
            "SELECT d.key, bm25(docs_fts), d.doc FROM docs_fts f CROSS JOIN docs d ON d.rowid = f.rowid "
            "WHERE docs_fts MATCH :phrase ORDER BY bm25(docs_fts), d.key", params).fetchall()
        seen = {r[0] for r in exact}
        rows = exact + [r for r in quoting if r[0] not in seen]
        return SearchResult(total=len(rows), hits=tuple(self._hits(rows[:limit], snippet_terms(code))))

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

    def disk_size(self) -> int:
        """Bytes on disk, after moving the write-ahead log into the file."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())


def rebuild_sqlite(path: Path, chunks: Iterable[Iterable[dict[str, object]]]) -> int:
    """Rebuild the embedded index at ``path``.

    An index of the current schema is rebuilt in one transaction (readers see
    the old content until the commit). One of another schema, or a damaged
    file, is replaced by a new file built beside it and renamed over it.
    """
    try:
        index = SqliteIndex(path)
    except (IndexSchemaError, sqlite3.DatabaseError):
        tmp = path.with_name(path.name + ".rebuild")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        fresh = SqliteIndex(tmp)
        try:
            n = fresh.rebuild(chunks)
            fresh._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            fresh.close()
        for p in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        os.replace(tmp, path)
        return n
    try:
        return index.rebuild(chunks)
    finally:
        index.close()

"""The embedded index: SQLite FTS5, one file, no server.

Layout (schema 3), built so that a search at a million records reads little:

* ``docs``: one narrow row per record (key, facets, dates, folded issuer,
  number key) — filters, counts and joins read only this table;
* ``bodies``: the stored document (JSON), read only for the page of hits;
* ``short_fts``: the short fields (subject, number, title, issuer), folded
  by :mod:`pipeline.folding`, plus an unfolded lower-cased copy (``exact``)
  for the exact-diacritics tier. Small, so names and numbers are ranked on
  short posting lists;
* ``text_fts``: the short fields again and the body text, for "anywhere"
  matches. The body is folded by FTS5's ``unicode61 remove_diacritics 2``
  (after ``đ``→``d`` in Python), which gives the same tokens as
  :func:`pipeline.folding.fold` for Vietnamese text (tested) at C speed;
* ``vocab``: the folded words of 3+ letters of the short fields, for the
  fuzzy tier, which matches only there (an ``fts5vocab`` table would read
  every posting list of a letter).

Both FTS tables are contentless: a record is removed from them with FTS5's
``delete`` command and the values recomputed from ``bodies``, so the
folding of a stored record must not change without a schema bump.

A search fills its page from the cheapest source first (see
:meth:`SqliteIndex.search`) and counts its total only as far as
:data:`indexing.base.TOTAL_CAP`. What costs at a million records, and is
avoided: bm25 on ``text_fts`` (FTS5 reads the whole posting list of every
query word to weigh it), phrases over common words on the whole body (every
record holds "hồ", "định", "hành"), counting every match, descending-rowid
scans of phrases (FTS5 then loads whole posting lists), ``fts5vocab``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TypeVar

from rapidfuzz.distance import OSA

from indexing._snippet import make_snippet
from indexing.base import (
    INDEX_SCHEMA_VERSION,
    TOTAL_CAP,
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
CREATE VIRTUAL TABLE IF NOT EXISTS short_fts USING fts5(
    subject, number, title, issuer, exact,
    tokenize = "unicode61 remove_diacritics 0", content = ''
);
CREATE VIRTUAL TABLE IF NOT EXISTS text_fts USING fts5(
    subject, number, title, issuer, body,
    tokenize = "unicode61 remove_diacritics 2", content = ''
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
    number_key TEXT
);
CREATE TABLE IF NOT EXISTS bodies (rowid INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocab (term TEXT PRIMARY KEY) WITHOUT ROWID;
-- covers the grouped counts and the listing by date
CREATE INDEX IF NOT EXISTS docs_status ON docs(type, year, issue_date, valid_until, revoked_on);
CREATE INDEX IF NOT EXISTS docs_date ON docs(issue_date, key);
CREATE INDEX IF NOT EXISTS docs_number ON docs(number_key);
""" + _FTS_DDL

# Column weights for bm25 in short_fts: a name or number match outranks one in
# the title or issuer; the unfolded ``exact`` column only decides the first
# tier, not the score.
_SHORT_WEIGHTS = "10.0, 10.0, 3.0, 2.0, 0.0"
_SHORT_COLS = "{subject number title issuer}"
_BATCH = 1000
_T = TypeVar("_T")
#: Tiers on the body text rank at most this many candidates (the newest records
#: containing every word); see :meth:`SqliteIndex.search`.
BODY_WINDOW = 1000
#: A tier on the short fields with more matches than this is ranked (bm25) among
#: its first this many (in index order): ranking tens of thousands of "nguyen …"
#: costs 0.1 s at a million records, and the best matches are spread evenly.
SHORT_WINDOW = 2000
_WORD_RE = re.compile(r"[^\W\d_]{3,}")
_D_LETTERS = ("đ", "Đ", "Ð", "ð", "ɖ")


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


def _body(doc: dict[str, object]) -> str:
    """The body as ``text_fts`` receives it: only the letters FTS5 does not fold to ``d`` are mapped."""
    text = _text(doc, "text")
    if not text.isascii():
        for ch in _D_LETTERS:
            if ch in text:
                text = text.replace(ch, "d")
    return text


def _fts_rows(rowid: int, doc: dict[str, object]) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The ``short_fts`` and ``text_fts`` rows of a document (also what a delete must repeat)."""
    short = [_text(doc, f) for f in ("subject", "number", "title", "issuer")]
    folded = [index_fold(s) for s in short]
    exact = unicodedata.normalize("NFC", " \n ".join(short)).lower()
    return (rowid, *folded, exact), (rowid, *folded, _body(doc))


def _vocab_words(docs: Sequence[dict[str, object]]) -> set[str]:
    """Folded words of 3+ letters in the documents' short fields (the fuzzy tier's vocabulary)."""
    raw: set[str] = set()
    for doc in docs:
        for f in ("subject", "title", "issuer"):
            raw.update(_text(doc, f).split())
    return {w for r in raw for w in _WORD_RE.findall(index_fold(r)) if w.isascii()}


class SqliteIndex:
    """An FTS5 index in one SQLite file.

    Args:
        path: The index file; created when missing.

    Raises:
        IndexSchemaError: the file was built with another schema version
            (:func:`rebuild_sqlite` replaces it).
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=60, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        # A bigger page cache keeps FTS5's segment merges of bulk loads in memory.
        self._conn.execute("PRAGMA cache_size=-262144")
        self._conn.execute("PRAGMA temp_store=MEMORY")
        self._vocab: set[str] | None = None
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        row = self._conn.execute("SELECT value FROM meta WHERE name='schema'").fetchone() if "meta" in tables else None
        if row is None and "docs" in tables:
            row = ("1",)  # a file from before the schema was recorded
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

    def _transaction(self, work: Callable[..., _T], *args: object, **kwargs: object) -> _T:
        """Run ``work`` in one write transaction (rolled back if it raises)."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            out = work(*args, **kwargs)
        except BaseException:
            c.execute("ROLLBACK")
            self._vocab = None  # the rolled-back words may be in the cached set
            raise
        c.execute("COMMIT")
        return out

    def write(self, docs: Iterable[dict[str, object]]) -> int:
        """Insert or replace documents in one transaction."""
        return self._transaction(self._insert, docs, replace=True)

    def _next_rowid(self) -> int:
        # Rowids are never reused: a contentless FTS table wrongly told what to
        # delete keeps stale entries, which must not point at a new record.
        row = self._conn.execute("SELECT value FROM meta WHERE name='next_rowid'").fetchone()
        top = int(self._conn.execute("SELECT coalesce(max(rowid), 0) FROM docs").fetchone()[0])
        return max(top + 1, int(row[0]) if row else 1)

    def _insert(self, docs: Iterable[dict[str, object]], *, replace: bool) -> int:
        """Write documents inside the caller's transaction, a batch at a time."""
        c = self._conn
        next_id = self._next_rowid()
        n = 0
        for batch in _chunks(docs, _BATCH):
            # The last write of a key in a batch wins, as with one write per doc.
            unique = list({str(d["key"]): d for d in batch}.values())
            if replace:
                self._delete_keys([str(d["key"]) for d in unique])
            doc_rows, body_rows, short_rows, text_rows = [], [], [], []
            for doc in unique:
                doc_rows.append(self._doc_row(next_id, doc))
                body_rows.append((next_id, json.dumps(doc, ensure_ascii=False)))
                short, text = _fts_rows(next_id, doc)
                short_rows.append(short)
                text_rows.append(text)
                next_id += 1
            c.executemany("INSERT INTO docs(rowid, key, type, year, issue_date, valid_until, revoked_on,"
                          " issuer_folded, batch, number_key) VALUES (?,?,?,?,?,?,?,?,?,?)", doc_rows)
            c.executemany("INSERT INTO bodies(rowid, doc) VALUES (?,?)", body_rows)
            c.executemany("INSERT INTO short_fts(rowid, subject, number, title, issuer, exact)"
                          " VALUES (?,?,?,?,?,?)", short_rows)
            c.executemany("INSERT INTO text_fts(rowid, subject, number, title, issuer, body)"
                          " VALUES (?,?,?,?,?,?)", text_rows)
            self._add_vocab(unique)
            n += len(batch)
        c.execute("INSERT OR REPLACE INTO meta VALUES ('next_rowid', ?)", (str(next_id),))
        return n

    def _add_vocab(self, docs: Sequence[dict[str, object]]) -> None:
        if self._vocab is None:
            self._vocab = {t for (t,) in self._conn.execute("SELECT term FROM vocab")}
        new = _vocab_words(docs) - self._vocab
        if new:
            self._conn.executemany("INSERT OR IGNORE INTO vocab(term) VALUES (?)", [(t,) for t in sorted(new)])
            self._vocab |= new

    @staticmethod
    def _doc_row(rowid: int, doc: dict[str, object]) -> tuple[object, ...]:
        return (rowid, str(doc["key"]), doc["type"], doc.get("year"), doc.get("issue_date"),
                doc.get("valid_until"), doc.get("revoked_on"), index_fold(_text(doc, "issuer")), doc.get("batch"),
                number_key(_text(doc, "number")) or None)

    def _delete_keys(self, keys: Sequence[str]) -> int:
        c = self._conn
        n = 0
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            marks = ",".join("?" * len(chunk))
            found = c.execute(f"SELECT d.rowid, b.doc FROM docs d JOIN bodies b ON b.rowid = d.rowid "
                              f"WHERE d.key IN ({marks})", chunk).fetchall()
            if not found:
                continue
            shorts, texts = zip(*(_fts_rows(rowid, json.loads(raw)) for rowid, raw in found))
            # Contentless tables forget a row by being told its values again.
            c.executemany("INSERT INTO short_fts(short_fts, rowid, subject, number, title, issuer, exact)"
                          " VALUES ('delete',?,?,?,?,?,?)", shorts)
            c.executemany("INSERT INTO text_fts(text_fts, rowid, subject, number, title, issuer, body)"
                          " VALUES ('delete',?,?,?,?,?,?)", texts)
            ids = [(r[0],) for r in found]
            c.executemany("DELETE FROM bodies WHERE rowid=?", ids)
            c.executemany("DELETE FROM docs WHERE rowid=?", ids)
            n += len(ids)
        return n

    def delete(self, keys: Sequence[str]) -> int:
        """Remove documents by key; returns how many existed."""
        return self._transaction(self._delete_keys, list(dict.fromkeys(keys)))

    def _truncate(self) -> None:
        # Dropping the FTS tables is much faster than deleting their rows one by one.
        c = self._conn
        next_id = self._next_rowid()
        for table in ("docs", "bodies", "vocab"):
            c.execute(f"DELETE FROM {table}")
        c.execute("DROP TABLE short_fts")
        c.execute("DROP TABLE text_fts")
        # Not executescript(): it would commit the caller's transaction.
        for ddl in _FTS_DDL.split(";"):
            if ddl.strip():
                c.execute(ddl)
        c.execute("INSERT OR REPLACE INTO meta VALUES ('next_rowid', ?)", (str(next_id),))
        self._vocab = set()

    def clear(self) -> None:
        """Remove every document."""
        self._transaction(self._truncate)

    def rebuild(self, chunks: Iterable[Iterable[dict[str, object]]]) -> int:
        """Replace every document in one transaction; readers see the old index until it commits."""

        def work() -> int:
            self._truncate()
            n = self._insert((d for chunk in chunks for d in chunk), replace=False)
            self.optimize()
            return n

        return self._transaction(work)

    def optimize(self) -> None:
        """Merge each FTS table into one segment (after a bulk load; searches read fewer segments)."""
        for table in ("short_fts", "text_fts"):
            self._conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")

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

    def _hits(self, rows: Sequence[tuple[int, float]], terms: list[str]) -> tuple[Hit, ...]:
        """Hits for ``(rowid, bm25)`` rows, in their order; only these documents are read."""
        if not rows:
            return ()
        marks = ",".join("?" * len(rows))
        stored = {rowid: (key, raw) for rowid, key, raw in self._conn.execute(
            f"SELECT d.rowid, d.key, b.doc FROM docs d JOIN bodies b ON b.rowid = d.rowid WHERE d.rowid IN ({marks})",
            [r[0] for r in rows])}
        hits = []
        for rowid, rank in rows:
            key, raw = stored[rowid]
            doc = json.loads(raw)
            hits.append(Hit(key=key, score=-float(rank), snippet=make_snippet(_text(doc, "text"), terms), doc=doc))
        return tuple(hits)

    def _count(self, table: str, expr: str, filt: str, params: dict[str, object]) -> int:
        """Matches of ``expr`` that pass the filters, counted up to ``TOTAL_CAP + 1``."""
        join = " CROSS JOIN docs d ON d.rowid = f.rowid" if filt else ""
        params = {k: v for k, v in params.items() if k not in ("lo", "hi")}
        sql = (f"SELECT count(*) FROM (SELECT 1 FROM {table} f{join} WHERE {table} MATCH :tier{filt} "
               f"LIMIT {TOTAL_CAP + 1})")
        return int(self._conn.execute(sql, {**params, "tier": expr}).fetchone()[0])

    def _among(self, expr: str, rowids: Sequence[int]) -> int:
        """How many of ``rowids`` match ``expr`` in ``short_fts``."""
        # One lookup per rowid (fewer than a page): FTS5 seeks to it, where "rowid IN (…)"
        # would evaluate the whole expression.
        sql = "SELECT count(*) FROM short_fts WHERE short_fts MATCH ? AND rowid = ?"
        return sum(int(self._conn.execute(sql, (expr, r)).fetchone()[0]) for r in rowids)

    def _window(self, match: str, filt: str, params: dict[str, object]) -> tuple[int, int]:
        """The lowest rowid of the newest :data:`BODY_WINDOW` records matching every word, and their number.

        Body-text tiers look only at rowids from there on: the newest
        ``BODY_WINDOW`` candidates when there are more (common words), all of
        them otherwise (then their number is also the exact total).
        """
        join = " CROSS JOIN docs d ON d.rowid = f.rowid" if filt else ""
        if "hi" in params:
            filt += " AND f.rowid < :hi"
        lo, n = self._conn.execute(
            f"SELECT min(rowid), count(*) FROM (SELECT f.rowid FROM text_fts f{join} WHERE text_fts MATCH :tier{filt} "
            f"ORDER BY f.rowid DESC LIMIT {BODY_WINDOW})", {**params, "tier": match}).fetchone()
        return int(lo or 0), int(n)

    def _ranked(self, table: str, expr: str, filt: str, params: dict[str, object], limit: int) -> list[tuple]:
        """``(rowid, rank)`` of the first ``limit`` matches of ``expr``.

        ``short_fts``: by bm25 (ties: first indexed first). ``text_fts``: newest
        first within the window, no bm25 — its weights (IDF) would be read
        from the whole posting list of every word of the query, 0.1–0.3 s at
        a million records for common words.
        """
        join = " CROSS JOIN docs d ON d.rowid = f.rowid" if filt else ""
        if table == "short_fts":
            # bm25 ranks the first SHORT_WINDOW matches (in index order) of a big tier, not all.
            window = max(SHORT_WINDOW, 2 * limit)
            bound = (f"SELECT max(rowid) FROM (SELECT f.rowid FROM short_fts f{join} WHERE short_fts MATCH :tier{filt} "
                     f"ORDER BY f.rowid LIMIT {window})")
            sql = (f"SELECT f.rowid, bm25(short_fts, {_SHORT_WEIGHTS}) AS score FROM short_fts f{join} "
                   f"WHERE short_fts MATCH :tier{filt} AND f.rowid <= ({bound}) ORDER BY score, f.rowid LIMIT :n")
        elif "lo" in params:
            # The whole window in ascending order, newest taken in Python: FTS5 reads a
            # phrase's posting lists whole when asked for descending rowids.
            filt += " AND f.rowid >= :lo" + (" AND f.rowid < :hi" if "hi" in params else "")
            sql = f"SELECT f.rowid, 0.0 FROM text_fts f{join} WHERE text_fts MATCH :tier{filt} ORDER BY f.rowid"
            return self._conn.execute(sql, {**params, "tier": expr}).fetchall()[::-1][:limit]
        else:
            sql = (f"SELECT f.rowid, 0.0 FROM text_fts f{join} WHERE text_fts MATCH :tier{filt} "
                   "ORDER BY f.rowid LIMIT :n")
        return self._conn.execute(sql, {**params, "tier": expr, "n": limit}).fetchall()

    def _fill(self, tiers: list[tuple[str, str]], filt: str, params: dict[str, object], limit: int,
              rows: list[tuple]) -> bool:
        """Append the best matches of each tier in turn until ``rows`` holds ``limit``.

        Returns:
            Whether every tier was read to its end (then ``rows`` holds all their matches).
        """
        seen = {r[0] for r in rows}
        for table, expr in tiers:
            if len(rows) >= limit:
                return False
            # A record may match two tiers of different tables (e.g. the phrase in its
            # body and every word in its subject): ask for as many more as were seen.
            want = limit - len(rows) + len(seen)
            got = self._ranked(table, expr, filt, params, want)
            rows += [r for r in got if r[0] not in seen][: limit - len(rows)]
            seen.update(r[0] for r in got)
            if len(got) == want:
                return False
        return True

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20) -> SearchResult:
        """Search folded text; an empty query lists records matching the filters (newest first).

        Hits come in the ranking tiers of :mod:`indexing.base`; the small
        ``short_fts`` is asked first and ``text_fts`` (body text) only for
        what the page still lacks, so a tier's records matching in their
        short fields come before those matching in their body only. bm25
        orders the short-field matches (among the first
        :data:`SHORT_WINDOW` of a tier); body-only matches come newest
        first, looked for among the newest :data:`BODY_WINDOW` records
        containing every word, then the next ones, until the page is full.
        The total is counted by the engine up to
        :data:`~indexing.base.TOTAL_CAP`, and not at all when every match
        fits in the first window.
        """
        params: dict[str, object] = {"limit": limit}
        where = self._where(filters, params)
        match = fts_query(query)
        if not match:
            return self._listing(where, params, limit)
        filt = "".join(f" AND {w}" for w in where)
        phrase = phrase_query(query)
        exact = _exact_query(query)
        short = [("short_fts", exact)] if exact else []
        short.append(("short_fts", f"{_SHORT_COLS} : {phrase}" + (f" NOT ({exact})" if exact else "")))
        rest = [
            ("text_fts", f"{phrase} NOT {_SHORT_COLS} : {phrase}"),
            ("short_fts", f"{_SHORT_COLS} : ({match}) NOT {_SHORT_COLS} : {phrase}"),
            ("text_fts", f"({match}) NOT {_SHORT_COLS} : ({match}) NOT {phrase}"),
        ]
        rows: list[tuple] = []
        total = self._stage(short, rest, match, filt, params, limit, rows)
        if total < limit and (fuzzy := self._fuzzy_query(query)):
            # Every exact match is in rows already; fuzzy ones (short fields only) fill the page.
            expr = f"{_SHORT_COLS} : ({fuzzy}) NOT {_SHORT_COLS} : ({match})"
            before = [r[0] for r in rows]
            if self._fill([("short_fts", expr)], filt, params, limit, rows):
                total += len(rows) - len(before)
            else:  # records matching exactly through their body may match fuzzily too: count them once
                total += self._count("short_fts", expr, filt, params) - self._among(expr, before)
        return SearchResult(total=min(total, TOTAL_CAP), hits=self._hits(rows, snippet_terms(query)),
                            total_capped=total > TOTAL_CAP)

    def _stage(self, short: list[tuple[str, str]], rest: list[tuple[str, str]], union: str, filt: str,
               params: dict[str, object], limit: int, rows: list[tuple]) -> int:
        """Fill ``rows`` from the short-field tiers, then from ``rest`` within the body window.

        Args:
            short: Tiers on ``short_fts`` read first.
            rest: The other tiers, read only if the page is not full.
            union: What every tier of the stage matches (``text_fts``), for
                the window and the total.

        Returns:
            How many records ``union`` matches (up to ``TOTAL_CAP + 1``).
        """
        total: int | None = None
        self._fill(short, filt, params, limit, rows)
        # Body-text tiers rank one window of candidates at a time, newest first,
        # until the page is full or the candidates run out.
        while len(rows) < limit:
            params["lo"], n = self._window(union, filt, params)
            self._fill(rest, filt, params, limit, rows)
            if n < BODY_WINDOW:
                if "hi" not in params:  # the first window held every match: its size is the total
                    total = n
                break
            params["hi"] = params["lo"]
        params.pop("lo", None)
        params.pop("hi", None)
        if total is not None:
            return total
        return self._count("text_fts", union, filt, params)

    def _listing(self, where: list[str], params: dict[str, object], limit: int) -> SearchResult:
        """Records matching the filters, newest first, undated last."""
        cond = " WHERE " + " AND ".join(where) if where else ""
        total = int(self._conn.execute(f"SELECT count(*) FROM docs d{cond}", params).fetchone()[0])
        rows = self._conn.execute(
            f"SELECT d.rowid, 0.0 FROM docs d{cond} ORDER BY d.issue_date DESC, d.key LIMIT :limit", params)
        return SearchResult(total=total, hits=self._hits(rows.fetchall(), []))

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
        rows = self._conn.execute(
            "SELECT term FROM vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
            (tok[0], chr(ord(tok[0]) + 1), len(tok) - k, len(tok) + k))
        return [f'"{t}"' for (t,) in rows if t != tok and OSA.distance(tok, t, score_cutoff=k) <= k]

    def lookup(self, code: str, limit: int = 20) -> SearchResult:
        """Records numbered ``code`` (folded, case-insensitive), then records quoting it in their text."""
        key = number_key(code)
        if not key:
            return SearchResult(total=0)
        exact = self._conn.execute(
            f"SELECT rowid, 0.0 FROM docs WHERE number_key = ? ORDER BY key LIMIT {TOTAL_CAP + 1}", (key,)).fetchall()
        rows = exact[:limit]
        complete = self._fill([("text_fts", phrase_query(code))], "", {}, limit, rows)
        if complete and len(exact) <= limit:
            total = len(rows)
        else:
            others = " AND (d.number_key IS NULL OR d.number_key != :key)"
            total = len(exact) + self._count("text_fts", phrase_query(code), others, {"key": key})
        return SearchResult(total=min(total, TOTAL_CAP), hits=self._hits(rows, snippet_terms(code)),
                            total_capped=total > TOTAL_CAP)

    def counts(self, on: dt.date) -> list[CountRow]:
        """Records issued on or before ``on``, grouped by type, year and status on ``on``.

        The inner query walks the covering index ``docs_status`` in order (no
        sort) and yields one row per distinct (type, year, dates); the status
        is then computed once per such group, not once per record.
        """
        rows = self._conn.execute(
            f"SELECT d.type, d.year, {STATUS_SQL} AS status, sum(d.n) FROM ("
            "  SELECT type, year, issue_date, valid_until, revoked_on, count(*) AS n FROM docs"
            "  WHERE issue_date IS NULL OR issue_date <= :on GROUP BY 1, 2, 3, 4, 5) d "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
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

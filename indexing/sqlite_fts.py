"""The embedded index: SQLite FTS5, one file, no server.

Layout (schema 4), built so that a search at a million records reads little:

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
* both FTS tables end with ``facets``: the type, year and batch as tokens
  (:func:`indexing._fts_rows.facet`), so those filters are answered inside FTS5;
* ``vocab``: the folded words of 3+ letters of the short fields, for the
  fuzzy tier, which matches only there (an ``fts5vocab`` table would read
  every posting list of a letter).

Both FTS tables are contentless: a record is removed from them with FTS5's
``delete`` command and the values recomputed from ``bodies``, so the
folding of a stored record must not change without a schema bump.

A search fills its page from the cheapest source first (see
:meth:`SqliteIndex.search`) and counts its total only as far as
:data:`indexing.base.TOTAL_CAP`. What costs at a million records, and is
avoided: bm25 on either table (FTS5 reads the whole posting list of every
query word to weigh it), filters checked against ``docs`` record by record,
phrases over common words on the whole body (every
record holds "hồ", "định", "hành"), counting every match, descending-rowid
scans of phrases (FTS5 then loads whole posting lists), ``fts5vocab``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TypeVar

from indexing._fts_rows import (COLUMNS, SPLIT, facet, field_text, fts_query, fts_rows, phrase_query, quoted,
                                tier_match, vocab_words)
from indexing.base import (
    INDEX_SCHEMA_VERSION,
    TOTAL_CAP,
    CountRow,
    Hit,
    SearchFilters,
    SearchResult,
    index_fold,
    number_key,
    Tier,
    ranking_tiers,
    snippet_terms,
)
from indexing.fuzzy import FUZZY_FIELDS, rank_fuzzy
from indexing.spellings import FUZZY_WINDOW, Batch, Spelling, gather, query_spellings
from pipeline.folding import fold
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
    subject, number, title, issuer, exact, facets,
    tokenize = "unicode61 remove_diacritics 0", content = ''
);
CREATE VIRTUAL TABLE IF NOT EXISTS text_fts USING fts5(
    subject, number, title, issuer, body, facets,
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

# Every MATCH expression names its columns (indexing._fts_rows.COLUMNS), so no query
# word can match a ``facets`` token.
_BATCH = 1000
#: The tiers that ask for the whole query as a phrase of the short fields.
_PHRASE_TIERS = {"exact phrase", "phrase in subject or number", "phrase in title or issuer"}
_T = TypeVar("_T")
#: Schema 6 changed only the Elasticsearch mapping: a layout-5 file is read as is.
_COMPATIBLE_SCHEMAS = {5, INDEX_SCHEMA_VERSION}
#: Tiers on the body text rank at most this many candidates (the newest records
#: containing every word); see :meth:`SqliteIndex.search`.
BODY_WINDOW = 1000
#: A tier on the short fields and the body looks its short-field matches up in the body
#: when there are at most this many (about 30 µs each at a million records, measured),
#: else it asks FTS5 for both at once.
SPLIT_CANDIDATES = 1000


def _chunks(items: Iterable[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


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
        # The vocabulary by length for the fuzzy tier, and the file's data_version it was read at;
        # cleared when this connection changes the vocabulary (other writers change data_version).
        self._near: tuple[int, dict[int, list[str]]] | None = None
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        row = self._conn.execute("SELECT value FROM meta WHERE name='schema'").fetchone() if "meta" in tables else None
        if row is None and "docs" in tables:
            row = ("1",)  # a file from before the schema was recorded
        if row is not None and int(row[0]) not in _COMPATIBLE_SCHEMAS:
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
            self._vocab = self._near = None  # the rolled-back words may be in the cached sets
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
                short, text = fts_rows(next_id, doc)
                short_rows.append(short)
                text_rows.append(text)
                next_id += 1
            c.executemany("INSERT INTO docs(rowid, key, type, year, issue_date, valid_until, revoked_on,"
                          " issuer_folded, batch, number_key) VALUES (?,?,?,?,?,?,?,?,?,?)", doc_rows)
            c.executemany("INSERT INTO bodies(rowid, doc) VALUES (?,?)", body_rows)
            c.executemany("INSERT INTO short_fts(rowid, subject, number, title, issuer, exact, facets)"
                          " VALUES (?,?,?,?,?,?,?)", short_rows)
            c.executemany("INSERT INTO text_fts(rowid, subject, number, title, issuer, body, facets)"
                          " VALUES (?,?,?,?,?,?,?)", text_rows)
            self._add_vocab(unique)
            n += len(batch)
        c.execute("INSERT OR REPLACE INTO meta VALUES ('next_rowid', ?)", (str(next_id),))
        return n

    def _add_vocab(self, docs: Sequence[dict[str, object]]) -> None:
        if self._vocab is None:
            self._vocab = {t for (t,) in self._conn.execute("SELECT term FROM vocab")}
        new = vocab_words(docs) - self._vocab
        if new:
            self._near = None
            self._conn.executemany("INSERT OR IGNORE INTO vocab(term) VALUES (?)", [(t,) for t in sorted(new)])
            self._vocab |= new

    @staticmethod
    def _doc_row(rowid: int, doc: dict[str, object]) -> tuple[object, ...]:
        return (rowid, str(doc["key"]), doc["type"], doc.get("year"), doc.get("issue_date"),
                doc.get("valid_until"), doc.get("revoked_on"), index_fold(field_text(doc, "issuer")), doc.get("batch"),
                number_key(field_text(doc, "number")) or None)

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
            shorts, texts = zip(*(fts_rows(rowid, json.loads(raw)) for rowid, raw in found))
            # Contentless tables forget a row by being told its values again.
            c.executemany("INSERT INTO short_fts(short_fts, rowid, subject, number, title, issuer, exact, facets)"
                          " VALUES ('delete',?,?,?,?,?,?,?)", shorts)
            c.executemany("INSERT INTO text_fts(text_fts, rowid, subject, number, title, issuer, body, facets)"
                          " VALUES ('delete',?,?,?,?,?,?,?)", texts)
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
        self._near = None

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
    def _where(filters: SearchFilters, params: dict[str, object], *, fts: bool = False) -> list[str]:
        """Conditions on ``docs d``; with ``fts`` only those :meth:`_facet_match` cannot answer."""
        where: list[str] = []
        if filters.type and not fts:
            where.append("d.type = :type")
            params["type"] = filters.type
        if filters.year and not fts:
            where.append("d.year = :year")
            params["year"] = filters.year
        if filters.issuer:
            where.append("d.issuer_folded LIKE :issuer")
            params["issuer"] = f"%{fold(filters.issuer)}%"
        if filters.batch and not fts:
            where.append("d.batch = :batch")
            params["batch"] = filters.batch
        if filters.valid_on:
            where.append(f"{STATUS_SQL} = 'valid' AND d.issue_date <= :on")
            params["on"] = filters.valid_on.isoformat()
        return where

    @staticmethod
    def _facet_match(filters: SearchFilters) -> str:
        """The type, year and batch filters as an FTS5 expression on ``facets`` ('' when none).

        ANDed to every MATCH, so FTS5 intersects posting lists instead of the
        candidates being checked one by one against ``docs``.
        """
        toks = [facet(n, v) for n, v in (("t", filters.type), ("y", filters.year), ("b", filters.batch)) if v]
        return "facets : (" + " ".join(f'"{t}"' for t in toks) + ")" if toks else ""

    def _hits(self, rows: Sequence[tuple[int, float]], terms: list[str], near: Collection[int] = ()
              ) -> tuple[Hit, ...]:
        """Hits for ``(rowid, rank)`` rows, in their order (rank: lower is better); only these documents are read.

        ``near``: the rows the fuzzy tiers found (:attr:`~indexing.base.Hit.near`).
        """
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
            hits.append(Hit(key=key, score=-float(rank), doc=doc, terms=tuple(terms), near=rowid in near))
        return tuple(hits)

    @staticmethod
    def _sql(table: str, expr: str, filt: str, facet: str) -> tuple[str, str, str]:
        """The FROM part, the WHERE part and the MATCH expression (filters included) of a statement."""
        join = " CROSS JOIN docs d ON d.rowid = f.rowid" if filt else ""
        return f"{table} f{join}", f"{table} MATCH :tier{filt}", (f"({expr}) AND {facet}" if facet else expr)

    def _rowids(self, table: str, expr: str, filt: str, facet: str, params: dict[str, object], limit: int) -> list[int]:
        """Rowids of the first ``limit`` matches of ``expr`` (passing the filters), in index order."""
        src, cond, tier = self._sql(table, expr, filt, facet)
        params = {k: v for k, v in params.items() if k not in ("lo", "hi")}
        sql = f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid LIMIT {int(limit)}"
        return [r for (r,) in self._conn.execute(sql, {**params, "tier": tier})]

    def _count(self, table: str, expr: str, filt: str, facet: str, params: dict[str, object]) -> int:
        """Matches of ``expr`` that pass the filters, counted up to ``TOTAL_CAP + 1``."""
        src, cond, tier = self._sql(table, expr, filt, facet)
        params = {k: v for k, v in params.items() if k not in ("lo", "hi")}
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {src} WHERE {cond} LIMIT {TOTAL_CAP + 1})"
        return int(self._conn.execute(sql, {**params, "tier": tier}).fetchone()[0])

    def _window(self, match: str, filt: str, facet: str, params: dict[str, object]) -> list[int]:
        """The newest ``BODY_WINDOW + 1`` records matching every word (below ``:hi``), newest first.

        The first :data:`BODY_WINDOW` are the candidates of the body-text
        tiers (the last tier, every word anywhere, is this list itself); the
        one more tells whether there are others.
        """
        src, cond, tier = self._sql("text_fts", match, filt, facet)
        args = {**params, "tier": tier}
        if "hi" in params:
            cond += " AND f.rowid < :hi"
        else:
            # Ascending first: FTS5 walks posting lists backwards at about half the speed
            # (measured), and most queries have fewer matches than the window.
            args.pop("lo", None)
            first = [r for (r,) in self._conn.execute(
                f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid LIMIT {BODY_WINDOW + 1}", args)]
            if len(first) <= BODY_WINDOW:
                return first[::-1]
        sql = f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid DESC LIMIT {BODY_WINDOW + 1}"
        return [r for (r,) in self._conn.execute(sql, args)]

    def _ranked(self, table: str, expr: str, filt: str, facet: str, params: dict[str, object],
                limit: int) -> list[int]:
        """Rowids of the first ``limit`` matches of ``expr``.

        No bm25 anywhere: to weigh a query word FTS5 reads its whole posting
        list (8–15 ms per statement at a million records even for one hit,
        measured), and the order it gave inside a tier on short fields is
        mostly kept by splitting the tier by column (see :meth:`search`).
        ``short_fts``: first indexed first. ``text_fts``: newest first within
        the window.
        """
        if table == "split":
            # The records whose short fields match, then those of them whose text holds the rest.
            short, body = expr.split(SPLIT)
            found = self._rowids("short_fts", short, filt, facet, params, SPLIT_CANDIDATES + 1)
            if len(found) > SPLIT_CANDIDATES:
                return self._rowids("text_fts", f"({short}) AND ({body})", filt, facet, params, limit)
            if not found:
                return []
            marks = ",".join("?" * len(found))
            return [r for (r,) in self._conn.execute(
                f"SELECT rowid FROM text_fts WHERE text_fts MATCH ? AND rowid IN ({marks}) ORDER BY rowid "
                f"LIMIT {int(limit)}", [body, *found])]
        if table == "text_fts" and "lo" in params:
            # The whole window in ascending order, newest taken in Python: FTS5 reads a
            # phrase's posting lists whole when asked for descending rowids.
            src, cond, tier = self._sql(table, expr, filt, facet)
            cond += " AND f.rowid >= :lo" + (" AND f.rowid < :hi" if "hi" in params else "")
            sql = f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid"
            return [r for (r,) in self._conn.execute(sql, {**params, "tier": tier}).fetchall()[::-1][:limit]]
        return self._rowids(table, expr, filt, facet, params, limit)

    def _fill(self, tiers: Sequence[tuple[str, str]], filt: str, facet: str, params: dict[str, object],
              limit: int, rows: list[tuple]) -> bool:
        """Append the first matches of each tier in turn until ``rows`` holds ``limit``.

        A record already in ``rows`` (it matched an earlier tier) is skipped,
        so tiers need no ``NOT`` of the earlier ones. A row's rank is the
        number of its tier in ``rows``' order.

        Returns:
            Whether every tier was read to its end (then ``rows`` holds all their matches).
        """
        seen = {r[0] for r in rows}
        for table, expr in tiers:
            if len(rows) >= limit:
                return False
            # Up to len(seen) of the first matches may be records seen already: ask for that many more.
            want = limit - len(rows) + len(seen)
            got = self._ranked(table, expr, filt, facet, params, want)
            rank = float(len(rows))
            rows += [(r, rank) for r in got if r not in seen][: limit - len(rows)]
            seen.update(got)
            if len(got) == want:
                return False
        return True

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20) -> SearchResult:
        """Search folded text; an empty query lists records matching the filters (newest first).

        Hits come in the ranking tiers of :mod:`indexing.base`
        (:func:`~indexing.base.ranking_tiers`). The tiers that do not read the
        body, and those whose body clause only holds the query's numbers, are
        asked in turn over the whole index, first indexed first; the last two
        (the phrase, then every word, anywhere) rank the newest
        :data:`BODY_WINDOW` records containing every word, then the next ones,
        until the page is full. When no tier on the short fields matches
        (the words are likely misread), the query's spellings from the
        vocabulary (:mod:`indexing.spellings`) are asked, cheapest first, in
        batches of about one cost: those about two edits away before the
        body tiers, farther ones and those leaving a word out only to fill a
        page still short; each batch's records in
        :func:`~indexing.fuzzy.fuzzy_order`. Type, year and
        batch filters are tokens of the FTS tables; issuer and valid-on are
        checked on ``docs``. The total is counted by the engine up to
        :data:`~indexing.base.TOTAL_CAP`, and not at all when every match fits
        in the first window.
        """
        params: dict[str, object] = {"limit": limit}
        tiers = ranking_tiers(query)
        if not tiers:
            return self._listing(self._where(filters, params), params, limit)
        filt = "".join(f" AND {w}" for w in self._where(filters, params, fts=True))
        facet = self._facet_match(filters)
        # A phrase of common words that no record's short fields hold costs a full evaluation
        # (10-15 ms at a million records) each time it is asked: ask once over all four first.
        if not self._rowids("short_fts", f"{COLUMNS['short']} : {phrase_query(query)}", filt, facet, params, 1):
            tiers = [t for t in tiers if t.name not in _PHRASE_TIERS]
        rows: list[tuple] = []
        if tiers[0].name == "the number itself":
            extra: dict[str, object] = {"key": tiers[0].clauses[0].terms[0][0], "limit": limit}
            cond = "".join(f" AND {w}" for w in self._where(filters, extra))
            rows += [(r, 0.0) for (r,) in self._conn.execute(
                f"SELECT d.rowid FROM docs d WHERE d.number_key = :key{cond} ORDER BY d.rowid LIMIT :limit", extra)]
            tiers = tiers[1:]
        matches = [self._prefix_match(t) if t.name == "number typed short" else tier_match(t) for t in tiers]
        prefix = [m for m, t in zip(matches, tiers, strict=True) if t.name == "number typed short" and m[1]]
        matches = [m for m in matches if m[1]]
        short, union = matches[:-2], matches[-1][1]
        plan: list[Spelling] | None = None
        fuzzy_total = 0
        fuzzed: set[int] = set()

        def fuzzy(near: bool) -> None:
            """Fill the page from the query's spellings (:mod:`indexing.spellings`), near ones or the rest."""
            nonlocal plan, fuzzy_total
            if len(rows) >= limit:
                return
            if plan is None:
                plan = query_spellings(query, self._vocabulary())

            def ask(batch: Batch) -> list[int]:
                expr = " OR ".join("(" + " AND ".join("(" + " OR ".join(quoted(w.split()) for w in ws) + ")"
                                                      for ws in group) + ")" for group in batch)
                return self._rowids("short_fts", f"{COLUMNS['short']} : ({expr})", filt, facet, params,
                                    FUZZY_WINDOW)

            pool = gather(plan, near, ask, (r[0] for r in rows), limit - len(rows))
            ranked = self._by_edits(query, pool)
            fuzzy_total += len(ranked)  # (those looked at: counting every match costs 10-20 ms a batch)
            rank = float(len(rows))
            rows.extend([(r, rank) for r in ranked][: limit - len(rows)])
            fuzzed.update(ranked)

        self._fill(short, filt, facet, params, limit, rows)
        misread = not rows  # no record holds the words in its subject, number, title or issuer
        if misread:  # a subject about two edits away, before the words found in passing in a text
            fuzzy(near=True)
        total = self._stage([], [matches[-2]], union, filt, facet, params, limit, rows)
        if prefix:  # its records hold no word "sgd", so none of them is in the union's count
            total += self._count("short_fts", prefix[0][1], filt, facet, params)
        if misread:
            fuzzy(near=False)  # farther spellings, and all words but one: only to fill a page still short
            total += fuzzy_total  # (one found both ways, or by two spellings' batches, may count twice)
        return SearchResult(total=min(max(total, len(rows)), TOTAL_CAP),
                            hits=self._hits(rows, snippet_terms(query), fuzzed), total_capped=total > TOTAL_CAP)

    def _stage(self, short: list[tuple[str, str]], rest: list[tuple[str, str]], union: str, filt: str,
               facet: str, params: dict[str, object], limit: int, rows: list[tuple]) -> int:
        """Fill ``rows`` from the short-field tiers, then from ``rest`` within the body window.

        Args:
            short: Tiers on ``short_fts`` read first.
            rest: The other tiers, read only if the page is not full; the
                window of ``union`` is the last one.
            union: What every tier of the stage matches (``text_fts``), for
                the window and the total.

        Returns:
            How many records ``union`` matches (up to ``TOTAL_CAP + 1``).
        """
        total: int | None = None
        self._fill(short, filt, facet, params, limit, rows)
        # Body-text tiers rank one window of candidates at a time, newest first,
        # until the page is full or the candidates run out.
        while len(rows) < limit:
            found = self._window(union, filt, facet, params)
            window = found[:BODY_WINDOW]
            if "hi" not in params and (len(found) <= BODY_WINDOW or BODY_WINDOW >= TOTAL_CAP):
                total = len(found)  # every match, or more than the cap: no count needed
            if not window:
                break
            params["lo"] = window[-1]
            self._fill(rest, filt, facet, params, limit, rows)
            seen = {r[0] for r in rows}
            rank = float(len(rows))
            rows += [(r, rank) for r in window if r not in seen][: max(0, limit - len(rows))]
            if len(found) <= BODY_WINDOW:
                break
            params["hi"] = params["lo"]
        params.pop("lo", None)
        params.pop("hi", None)
        if total is not None:
            return total
        return self._count("text_fts", union, filt, facet, params)

    def _listing(self, where: list[str], params: dict[str, object], limit: int) -> SearchResult:
        """Records matching the filters, newest first, undated last."""
        cond = " WHERE " + " AND ".join(where) if where else ""
        total = int(self._conn.execute(f"SELECT count(*) FROM docs d{cond}", params).fetchone()[0])
        rows = self._conn.execute(
            f"SELECT d.rowid, 0.0 FROM docs d{cond} ORDER BY d.issue_date DESC, d.key LIMIT :limit", params)
        return SearchResult(total=total, hits=self._hits(rows.fetchall(), []))

    def _by_edits(self, query: str, rowids: list[int]) -> list[int]:
        """Fuzzy candidates as :func:`~indexing.fuzzy.rank_fuzzy` orders them, their fields read from ``bodies``."""
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        fields = ", ".join(f"json_extract(doc, '$.{f}')" for f in FUZZY_FIELDS)
        docs = {r[0]: dict(zip(FUZZY_FIELDS, r[1:], strict=True)) for r in self._conn.execute(
            f"SELECT rowid, {fields} FROM bodies WHERE rowid IN ({marks})", rowids)}
        return rank_fuzzy(query, docs)

    def _prefix_match(self, tier: Tier) -> tuple[str, str]:
        """A number typed short ("1595 sgd") with each beginning spelled out as the vocabulary's words.

        The vocabulary holds the letters of every number, so "sgd" becomes
        ``("sgddt")``: whole words FTS5 finds fast, where a prefix query
        would merge the posting lists of every word it begins (60–120 ms at a
        million records, measured) or need a prefix index (a tenth slower
        to write). The expression is empty when a beginning begins no word.
        """
        parts = []
        for (part,) in tier.clauses[0].terms:
            if not part.isalpha():
                parts.append(f'"{part}"')
                continue
            words = [t for (t,) in self._conn.execute(
                "SELECT term FROM vocab WHERE term >= ? AND term < ? LIMIT 50", (part, part[:-1] + chr(ord(part[-1]) + 1)))]
            if not words:
                return "short_fts", ""
            parts.append("(" + " OR ".join(f'"{w}"' for w in words) + ")")
        return "short_fts", f"{COLUMNS['name']} : (" + " AND ".join(parts) + ")"

    def _vocabulary(self) -> dict[int, list[str]]:
        """The fuzzy tier's vocabulary by length, held in memory and read again when another
        connection has written to the file."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if self._near is None or self._near[0] != version:
            by_len: dict[int, list[str]] = {}
            for (t,) in self._conn.execute("SELECT term FROM vocab"):
                by_len.setdefault(len(t), []).append(t)
            self._near = (version, by_len)
        return self._near[1]

    def lookup(self, code: str, limit: int = 20) -> SearchResult:
        """Records numbered ``code`` (folded, case-insensitive), then records quoting it in their text."""
        key = number_key(code)
        if not key:
            return SearchResult(total=0)
        exact = self._conn.execute(
            f"SELECT rowid, 0.0 FROM docs WHERE number_key = ? ORDER BY key LIMIT {TOTAL_CAP + 1}", (key,)).fetchall()
        rows = exact[:limit]
        quoted = f"{COLUMNS['any']} : {phrase_query(code)}"
        complete = self._fill([("text_fts", quoted)], "", "", {}, limit, rows)
        if complete and len(exact) <= limit:
            total = len(rows)
        else:
            others = " AND (d.number_key IS NULL OR d.number_key != :key)"
            total = len(exact) + self._count("text_fts", quoted, others, "", {"key": key})
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

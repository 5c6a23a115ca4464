"""The embedded index: SQLite FTS5, one file, no server.

The file's tables are :mod:`indexing.sqlite_schema`, writing them
:mod:`indexing.sqlite_write`, the ranking tiers as SQL
:mod:`indexing.sqlite_match`, the fuzzy tiers :mod:`indexing.sqlite_fuzzy`;
:class:`SqliteIndex` searches, looks numbers up and counts.

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
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from indexing.base import (TOTAL_CAP, CountRow, Hit, SearchFilters, SearchResult, Tier, number_key, ranking_tiers,
                           snippet_terms)
from indexing.fts_rows import COLUMNS, phrase_query, tier_match
from indexing.sqlite_fuzzy import FuzzyTiers
from indexing.sqlite_few import FEW, few_copied, few_rowids, hold_few
from indexing.sqlite_match import (count_matches, facet_match, fill, fill_stage, filter_sql, implies, named_records,
                                   prefix_match, rowids, union_total, within)
from indexing.sqlite_schema import STATUS_SQL
from indexing.sqlite_write import SqliteStore
from core.errors import IndexSchemaError

__all__ = ["SqliteIndex", "rebuild_sqlite"]

#: The tiers that ask for every folded word in the subject or number, then in the four short fields.
_WORDS_TIERS = ("words in subject or number", "words in short fields")
#: The tiers that ask for the whole query as a phrase of the short fields.
_PHRASE_TIERS = {"whole name as typed", "whole name", "exact phrase", "phrase in subject or number",
                 "phrase in title or issuer"}


def _counted(asked: Sequence[tuple[Tier, tuple[str, str]]]) -> list[tuple[str, str]]:
    """What the total of a query that names records counts: every record of its tiers on the short fields
    (:func:`indexing.sqlite_match.named_records`), asked as the records holding the words in the short
    fields and the tiers whose records need not hold them there (a year of issue, numbers anywhere, a
    number typed short); those with words as typed hold them there folded."""
    words = next((t for t, _ in asked if t.name == "words in short fields"), None)
    kept = [(t, m) for t, m in asked
            if t is words or not ((words and within(t, words)) or any(c.exact for c in t.clauses))]
    # A tier whose records are all another's is counted with it ("letters as a phrase …" with "letters in …").
    return [m for i, (t, m) in enumerate(kept)
            if not any(implies(t, u) and (not implies(u, t) or j < i) for j, (u, _) in enumerate(kept) if j != i)]


class SqliteIndex(SqliteStore):
    """An FTS5 index in one SQLite file.

    Args:
        path: The index file; created when missing.

    Raises:
        IndexSchemaError: the file was built with another schema version
            (:func:`rebuild_sqlite` replaces it).
    """

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

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20, *,
               in_text: bool = False) -> SearchResult:
        """Search folded text; an empty query lists records matching the filters (newest first).

        Hits come in the ranking tiers of :mod:`indexing.base`
        (:func:`~indexing.base.ranking_tiers`). The tiers on the short fields
        (a year anywhere asked of their ``years`` column; other numbers anywhere
        looked up in the text of the records the short fields give) are asked in
        turn over the whole index, first indexed first, or, for those within the
        query's words when few records hold them, over those records in memory
        (:mod:`indexing.sqlite_few`). When they find records, those are the
        answer and the total counts them (``texts_skipped``); with ``in_text``
        the body tiers fill the page's rest after them, and the total counts
        both, each record once. When none (the words are likely
        misread, or words of a text), the query's spellings from the vocabulary
        (:mod:`indexing.spellings`) are asked, cheapest first, in batches of
        about one cost: those about two edits away before the body tiers,
        farther ones and those leaving a word out only to fill a page still
        short; each batch's records in :func:`~indexing.fuzzy.fuzzy_order`. The
        body tiers (the phrase, then every word, anywhere) rank the newest
        :data:`~indexing.sqlite_match.BODY_WINDOW` records containing every
        word, then the next ones, until the page is full. Type, year and batch
        filters are tokens of the FTS tables; issuer and valid-on are checked on
        ``docs``. The total is counted up to :data:`~indexing.base.TOTAL_CAP`,
        and not at all when every match is on the page or in the first window.
        """
        params: dict[str, object] = {"limit": limit}
        tiers = ranking_tiers(query)
        if not tiers:
            return self._listing(filter_sql(filters, params), params, limit)
        filt = "".join(f" AND {w}" for w in filter_sql(filters, params, fts=True))
        facet = facet_match(filters)
        # Most tiers on the short fields ask for the query's words there and something more: each is a
        # full evaluation over common words (5-40 ms at a million records) when it cannot fill the
        # page. When at most FEW records hold the words in the short fields (or else in the subject or
        # number) at all, those few are every record such a tier can find: they are copied in memory
        # and the tier is asked there (indexing.sqlite_few), or not at all when there are none.
        few: set[str] = set()
        for words in [t for t in tiers if t.name in _WORDS_TIERS][::-1]:  # the wider first
            # The narrower only for fewer than a page: common words of the title or issuer ("dao" of
            # "Đào tạo") make it a full evaluation when it cannot stop early.
            most = FEW if words.name == "words in short fields" else limit - 1
            found = rowids(self._conn, "short_fts", tier_match(words)[1], filt, facet, params, most + 1)
            if len(found) <= most:
                hold_few(self._conn, found)
                few = {t.name for t in tiers if within(t, words)}
                break
        phrase = f"{COLUMNS['short']} : {phrase_query(query)}"
        # A phrase of common words that no record's short fields hold costs a full evaluation
        # (10-15 ms at a million records) each time it is asked: ask once over all four first.
        if not (few_rowids(phrase, 1) if "words in short fields" in few and few_copied()
                else rowids(self._conn, "short_fts", phrase, filt, facet, params, 1)):
            tiers = [t for t in tiers if t.name not in _PHRASE_TIERS]
        tiers = [t for t in tiers if t.name not in few or found]
        rows: list[tuple] = []
        named: set[int] = set()  # the records numbered as typed, up to the cap (for the total)
        if tiers[0].name == "the number itself":
            extra: dict[str, object] = {"key": tiers[0].clauses[0].terms[0][0]}
            cond = "".join(f" AND {w}" for w in filter_sql(filters, extra))
            named = {r for (r,) in self._conn.execute(
                f"SELECT d.rowid FROM docs d WHERE d.number_key = :key{cond} ORDER BY d.rowid LIMIT {TOTAL_CAP + 1}",
                extra)}
            rows += [(r, 0.0) for r in sorted(named)[:limit]]
            tiers = tiers[1:]
        asked = [(t, prefix_match(self._conn, t) if t.name == "number typed short"
                  else ("few", tier_match(t)[1]) if t.name in few else tier_match(t)) for t in tiers]
        asked = [(t, m) for t, m in asked if m[1]]
        # The records the query names (their short fields hold it) are the answer, with their total; the
        # texts are searched for a query that names none, or after them when asked (in_text).
        complete = fill(self._conn, [m for _, m in asked[:-2]], filt, facet, params, limit, rows)
        if rows:
            counted = asked[:-2]
            if "words in short fields" in few:  # they are all held: none to count again
                named |= set(found)
                counted = [a for a in counted if a[0].name not in few]
            named = {r[0] for r in rows} if complete else named_records(
                self._conn, _counted(counted), filt, facet, params, named | {r[0] for r in rows})
            total = len(named)
            if in_text:  # the records holding the words only in their text, after those
                if complete:
                    fill_stage(self._conn, [], [asked[-2][1]], asked[-1][1][1], filt, facet, params, limit, rows,
                               count=False)
                # (a page not full holds every record of the tiers it read)
                total = union_total(self._conn, named, asked[-1][1][1], filt, facet, params) \
                    if len(rows) >= limit else len(rows)
            return SearchResult(total=min(total, TOTAL_CAP), hits=self._hits(rows, snippet_terms(query)),
                                total_capped=total > TOTAL_CAP, texts_skipped=not in_text)
        # No record holds the words in its subject, number, title or issuer (likely misread, or words
        # of a text): a subject about two edits away, then the words found in passing in a text.
        fuzzy = FuzzyTiers(self._conn, query, self._vocabulary, filt, facet, params)
        fuzzy.fill(True, rows, limit)
        total = fill_stage(self._conn, [], [asked[-2][1]], asked[-1][1][1], filt, facet, params, limit, rows)
        fuzzy.fill(False, rows, limit)  # farther spellings, and all words but one: only to fill a page still short
        total += fuzzy.total  # (one found both ways, or by two spellings' batches, may count twice)
        return SearchResult(total=min(max(total, len(rows)), TOTAL_CAP),
                            hits=self._hits(rows, snippet_terms(query), fuzzy.found), total_capped=total > TOTAL_CAP)

    def _listing(self, where: list[str], params: dict[str, object], limit: int) -> SearchResult:
        """Records matching the filters, newest first, undated last."""
        cond = " WHERE " + " AND ".join(where) if where else ""
        total = int(self._conn.execute(f"SELECT count(*) FROM docs d{cond}", params).fetchone()[0])
        rows = self._conn.execute(
            f"SELECT d.rowid, 0.0 FROM docs d{cond} ORDER BY d.issue_date DESC, d.key LIMIT :limit", params)
        return SearchResult(total=total, hits=self._hits(rows.fetchall(), []))

    def lookup(self, code: str, limit: int = 20) -> SearchResult:
        """Records numbered ``code`` (folded, case-insensitive), then records quoting it in their text."""
        key = number_key(code)
        if not key:
            return SearchResult(total=0)
        exact = self._conn.execute(
            f"SELECT rowid, 0.0 FROM docs WHERE number_key = ? ORDER BY key LIMIT {TOTAL_CAP + 1}", (key,)).fetchall()
        rows = exact[:limit]
        quoted = f"{COLUMNS['any']} : {phrase_query(code)}"
        complete = fill(self._conn, [("text_fts", quoted)], "", "", {}, limit, rows)
        if complete and len(exact) <= limit:
            total = len(rows)
        else:
            others = " AND (d.number_key IS NULL OR d.number_key != :key)"
            total = len(exact) + count_matches(self._conn, "text_fts", quoted, others, "", {"key": key})
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

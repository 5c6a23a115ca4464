"""The embedded index's fuzzy tiers: a misread query's spellings asked of ``short_fts``, batch by batch.

Only when no record holds the query's words in its short fields: the
spellings :func:`indexing.spellings.query_spellings` finds in the
vocabulary are asked cheapest first (:func:`indexing.spellings.gather`),
and each batch's records come in :func:`indexing.fuzzy.rank_fuzzy`'s order,
their fields read from ``bodies``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from indexing.fts_rows import COLUMNS, ends_term, quoted
from indexing.fuzzy import FUZZY_FIELDS, rank_fuzzy
from indexing.spellings import FUZZY_WINDOW, Batch, Spelling, anchors, ends_pairs, gather, query_spellings
from indexing.sqlite_match import rowids

__all__ = ["FuzzyTiers", "by_edits", "batch_match"]


def by_edits(conn: sqlite3.Connection, query: str, found: list[int]) -> list[int]:
    """Fuzzy candidates as :func:`~indexing.fuzzy.rank_fuzzy` orders them, their fields read from ``bodies``."""
    if not found:
        return []
    marks = ",".join("?" * len(found))
    # One json_extract of every field (a JSON array): each call parses the whole document.
    paths = ", ".join(f"'$.{f}'" for f in FUZZY_FIELDS)
    docs = {rowid: dict(zip(FUZZY_FIELDS, json.loads(values), strict=True)) for rowid, values in conn.execute(
        f"SELECT rowid, json_extract(doc, {paths}) FROM bodies WHERE rowid IN ({marks})", found)}
    return rank_fuzzy(query, docs)


def batch_match(batch: Batch, how: str) -> str:
    """A batch of spellings as one MATCH expression of ``short_fts`` ('' when nothing is to be asked).

    Each group: one of each position's words in the subject or number
    (``how`` "name") or the short fields ("short"); "ends": only the groups
    :func:`~indexing.spellings.anchors` allows, in the short fields, their
    subject's first and last words one of :func:`~indexing.spellings.ends_pairs`
    (the ``ends`` column's one term each).
    """
    anchored = how == "ends"
    out = []
    for group in batch:
        if anchored and not anchors(group):
            continue
        words = " AND ".join("(" + " OR ".join(quoted(w.split()) for w in ws) + ")" for ws in group if ws)
        expr = f"{COLUMNS['name' if how == 'name' else 'short']} : ({words})"
        if anchored:
            expr += " AND ends : (" + " OR ".join(f'"{ends_term(a, b)}"' for a, b in ends_pairs(group)) + ")"
        out.append(f"({expr})")
    return " OR ".join(out)


class FuzzyTiers:
    """The fuzzy tiers of one search, filling its page from the query's spellings.

    Args:
        conn: The index's connection.
        query: The query as typed.
        vocabulary: The index's words by length, read only when a spelling is first needed.
        filt: The search's conditions on ``docs`` (:func:`indexing.sqlite_match.filter_sql`).
        facet: Its filters as a ``facets`` expression (:func:`indexing.sqlite_match.facet_match`).
        params: Their parameters.
    """

    def __init__(self, conn: sqlite3.Connection, query: str, vocabulary: Callable[[], dict[int, list[str]]],
                 filt: str, facet: str, params: dict[str, object]) -> None:
        self._conn = conn
        self._query = query
        self._vocabulary = vocabulary
        self._filt, self._facet, self._params = filt, facet, params
        self._plan: list[Spelling] | None = None
        #: How many records the tiers looked at (counting every match costs 10-20 ms a batch).
        self.total = 0
        #: The rows they found (:attr:`indexing.base.Hit.near`).
        self.found: set[int] = set()

    def fill(self, near: bool, rows: list[tuple], limit: int) -> None:
        """Append to ``rows`` the records of the near spellings (``near``) or of the rest, up to ``limit``."""
        if len(rows) >= limit:
            return
        if self._plan is None:
            self._plan = query_spellings(self._query, self._vocabulary())

        def ask(batch: Batch, how: str) -> list[int]:
            expr = batch_match(batch, how)
            return rowids(self._conn, "short_fts", expr, self._filt, self._facet, self._params,
                          FUZZY_WINDOW) if expr else []

        pool = gather(self._plan, near, ask, (r[0] for r in rows), limit - len(rows))
        ranked = by_edits(self._conn, self._query, pool)
        self.total += len(ranked)
        rank = float(len(rows))
        rows.extend([(r, rank) for r in ranked][: limit - len(rows)])
        self.found.update(ranked)

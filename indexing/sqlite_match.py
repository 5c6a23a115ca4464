"""The embedded index's ranking tiers as SQL: each tier's first matches, the body window, the counts.

A search is a list of tiers (``(table, MATCH expression)``, from
:func:`indexing.fts_rows.tier_match`) asked in turn until the page is full
(:func:`fill`); the tiers on the body text rank one window of the newest
records holding every word at a time (:func:`fill_stage`). The type, year
and batch filters are ANDed to every MATCH (:func:`facet_match`), the
issuer and valid-on filters are conditions on ``docs`` (:func:`filter_sql`).
Every statement takes the connection it runs on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from indexing.base import TOTAL_CAP, Clause, SearchFilters, Tier
from indexing.fts_rows import COLUMNS, SPLIT, facet
from indexing.sqlite_few import copy_few, few_copied, few_rowids
from indexing.sqlite_schema import STATUS_SQL
from pipeline.folding import fold

__all__ = ["BODY_WINDOW", "SPLIT_CANDIDATES", "body_window", "count_matches", "facet_match", "fill", "fill_stage",
           "filter_sql", "implies", "named_records", "prefix_match", "ranked", "rowids", "statement", "union_total",
           "within"]

#: Tiers on the body text rank at most this many candidates (the newest records
#: containing every word); see :meth:`indexing.sqlite_fts.SqliteIndex.search`.
BODY_WINDOW = 1000
#: A tier on the short fields and the body looks its short-field matches up in the body
#: when there are at most this many (about 30 µs each at a million records, measured),
#: else it asks FTS5 for both at once.
SPLIT_CANDIDATES = 1000


def filter_sql(filters: SearchFilters, params: dict[str, object], *, fts: bool = False) -> list[str]:
    """Conditions on ``docs d``; with ``fts`` only those :func:`facet_match` cannot answer."""
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


def facet_match(filters: SearchFilters) -> str:
    """The type, year and batch filters as an FTS5 expression on ``facets`` ('' when none).

    ANDed to every MATCH, so FTS5 intersects posting lists instead of the
    candidates being checked one by one against ``docs``.
    """
    toks = [facet(n, v) for n, v in (("t", filters.type), ("y", filters.year), ("b", filters.batch)) if v]
    return "facets : (" + " ".join(f'"{t}"' for t in toks) + ")" if toks else ""


def statement(table: str, expr: str, filt: str, facet: str) -> tuple[str, str, str]:
    """The FROM part, the WHERE part and the MATCH expression (filters included) of a statement."""
    join = " CROSS JOIN docs d ON d.rowid = f.rowid" if filt else ""
    return f"{table} f{join}", f"{table} MATCH :tier{filt}", (f"({expr}) AND {facet}" if facet else expr)


def rowids(conn: sqlite3.Connection, table: str, expr: str, filt: str, facet: str, params: dict[str, object],
           limit: int) -> list[int]:
    """Rowids of the first ``limit`` matches of ``expr`` (passing the filters), in index order."""
    src, cond, tier = statement(table, expr, filt, facet)
    params = {k: v for k, v in params.items() if k not in ("lo", "hi")}
    sql = f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid LIMIT {int(limit)}"
    return [r for (r,) in conn.execute(sql, {**params, "tier": tier})]


def count_matches(conn: sqlite3.Connection, table: str, expr: str, filt: str, facet: str,
                  params: dict[str, object]) -> int:
    """Matches of ``expr`` that pass the filters, counted up to ``TOTAL_CAP + 1``."""
    src, cond, tier = statement(table, expr, filt, facet)
    params = {k: v for k, v in params.items() if k not in ("lo", "hi")}
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {src} WHERE {cond} LIMIT {TOTAL_CAP + 1})"
    return int(conn.execute(sql, {**params, "tier": tier}).fetchone()[0])


def body_window(conn: sqlite3.Connection, match: str, filt: str, facet: str,
                params: dict[str, object]) -> list[int]:
    """The newest ``BODY_WINDOW + 1`` records matching every word (below ``:hi``), newest first.

    The first :data:`BODY_WINDOW` are the candidates of the body-text
    tiers (the last tier, every word anywhere, is this list itself); the
    one more tells whether there are others.
    """
    src, cond, tier = statement("text_fts", match, filt, facet)
    args = {**params, "tier": tier}
    if "hi" in params:
        cond += " AND f.rowid < :hi"
    else:
        # Ascending first: FTS5 walks posting lists backwards at about half the speed
        # (measured), and most queries have fewer matches than the window.
        args.pop("lo", None)
        first = [r for (r,) in conn.execute(
            f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid LIMIT {BODY_WINDOW + 1}", args)]
        if len(first) <= BODY_WINDOW:
            return first[::-1]
    sql = f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid DESC LIMIT {BODY_WINDOW + 1}"
    return [r for (r,) in conn.execute(sql, args)]


#: The fields of each kind of field (:data:`indexing.base.FIELDS`) on the short fields.
_PARTS = {"name": {"name"}, "other": {"other"}, "short": {"name", "other", "short"}}


def within(tier: Tier, words: Tier) -> bool:
    """Whether every record of ``tier`` is one of ``words``' (a tier of one clause: every folded word of the
    query in some short fields, "words in subject or number" or "words in short fields").

    True when one of the tier's clauses asks those same folded words in those fields or some of them,
    anywhere or as a phrase; the tiers on the words with diacritics alone, a year, the body or a number
    typed short are not.
    """
    (every,) = words.clauses
    return any(c.terms == every.terms and not c.exact and c.fields in _PARTS.get(every.fields, ())
               and c.how in ("phrase", "all") for c in tier.clauses)


def implies(tier: Tier, other: Tier) -> bool:
    """Whether every record of ``tier`` is one of ``other``'s: each clause of ``other`` is asked by one of
    ``tier``'s, the same words in the same fields or some of them, a phrase standing for the words apart
    ("letters as a phrase in subject or number, numbers anywhere" of "letters in subject or number, …")."""
    def covers(c: Clause, d: Clause) -> bool:
        return (c.terms == d.terms and c.exact == d.exact and (c.how == d.how or (c.how, d.how) == ("phrase", "all"))
                and (c.fields == d.fields or c.fields in _PARTS.get(d.fields, ())))

    return all(any(covers(c, d) for c in tier.clauses) for d in other.clauses)


def ranked(conn: sqlite3.Connection, table: str, expr: str, filt: str, facet: str, params: dict[str, object],
           limit: int) -> list[int]:
    """Rowids of the first ``limit`` matches of ``expr``.

    No bm25 anywhere: to weigh a query word FTS5 reads its whole posting
    list (8–15 ms per statement at a million records even for one hit,
    measured), and the order it gave inside a tier on short fields is
    mostly kept by splitting the tier by column (see
    :meth:`indexing.sqlite_fts.SqliteIndex.search`).
    ``short_fts``: first indexed first. ``text_fts``: newest first within
    the window.
    """
    if table == "few":  # a tier within the query's few records (indexing.sqlite_few)
        if few_copied():
            return few_rowids(expr, limit)
        got = rowids(conn, "short_fts", expr, filt, facet, params, limit)
        if len(got) < limit:  # a full evaluation: the next tiers are asked in memory
            copy_few(conn)
        return got
    if table == "split":
        # The records whose short fields match, then those of them whose text holds the rest.
        short, body = expr.split(SPLIT)
        found = rowids(conn, "short_fts", short, filt, facet, params, SPLIT_CANDIDATES + 1)
        if len(found) > SPLIT_CANDIDATES:
            return rowids(conn, "text_fts", f"({short}) AND ({body})", filt, facet, params, limit)
        if not found:
            return []
        marks = ",".join("?" * len(found))
        return [r for (r,) in conn.execute(
            f"SELECT rowid FROM text_fts WHERE text_fts MATCH ? AND rowid IN ({marks}) ORDER BY rowid "
            f"LIMIT {int(limit)}", [body, *found])]
    if table == "text_fts" and "lo" in params:
        # The whole window in ascending order, newest taken in Python: FTS5 reads a
        # phrase's posting lists whole when asked for descending rowids.
        src, cond, tier = statement(table, expr, filt, facet)
        cond += " AND f.rowid >= :lo" + (" AND f.rowid < :hi" if "hi" in params else "")
        sql = f"SELECT f.rowid FROM {src} WHERE {cond} ORDER BY f.rowid"
        return [r for (r,) in conn.execute(sql, {**params, "tier": tier}).fetchall()[::-1][:limit]]
    return rowids(conn, table, expr, filt, facet, params, limit)


def fill(conn: sqlite3.Connection, tiers: Sequence[tuple[str, str]], filt: str, facet: str,
         params: dict[str, object], limit: int, rows: list[tuple]) -> bool:
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
        got = ranked(conn, table, expr, filt, facet, params, want)
        rank = float(len(rows))
        rows += [(r, rank) for r in got if r not in seen][: limit - len(rows)]
        seen.update(got)
        if len(got) == want:
            return False
    return True


def named_records(conn: sqlite3.Connection, parts: Sequence[tuple[str, str]], filt: str, facet: str,
                  params: dict[str, object], found: set[int]) -> set[int]:
    """The records ``found`` and ``parts`` (tiers, as :func:`ranked` asks them) hold together, up to
    ``TOTAL_CAP + 1`` or a few more: each part asked for that many."""
    seen = set(found)
    for table, expr in parts:
        if len(seen) > TOTAL_CAP:
            break
        seen.update(ranked(conn, table, expr, filt, facet, params, TOTAL_CAP + 1))
    return seen


def union_total(conn: sqlite3.Connection, named: set[int], union: str, filt: str, facet: str,
                params: dict[str, object]) -> int:
    """How many records are ``named`` or match ``union`` on ``text_fts`` (the body tiers), each once, up to
    ``TOTAL_CAP + 1``: the body's first matches are asked for as many as could be named records too."""
    if len(named) > TOTAL_CAP:
        return len(named)
    return len(named.union(rowids(conn, "text_fts", union, filt, facet, params, TOTAL_CAP + 1 + len(named))))


def fill_stage(conn: sqlite3.Connection, short: list[tuple[str, str]], rest: list[tuple[str, str]], union: str,
               filt: str, facet: str, params: dict[str, object], limit: int, rows: list[tuple], *,
               count: bool = True) -> int:
    """Fill ``rows`` from the short-field tiers, then from ``rest`` within the body window.

    Args:
        short: Tiers on ``short_fts`` read first.
        rest: The other tiers, read only if the page is not full; the
            window of ``union`` is the last one.
        union: What every tier of the stage matches (``text_fts``), for
            the window and the total.
        count: Whether to count ``union``'s records when the windows read
            did not hold them all (else 0 is returned then).

    Returns:
        How many records ``union`` matches (up to ``TOTAL_CAP + 1``).
    """
    total: int | None = None
    fill(conn, short, filt, facet, params, limit, rows)
    # Body-text tiers rank one window of candidates at a time, newest first,
    # until the page is full or the candidates run out.
    while len(rows) < limit:
        found = body_window(conn, union, filt, facet, params)
        window = found[:BODY_WINDOW]
        if "hi" not in params and (len(found) <= BODY_WINDOW or BODY_WINDOW >= TOTAL_CAP):
            total = len(found)  # every match, or more than the cap: no count needed
        if not window:
            break
        params["lo"] = window[-1]
        fill(conn, rest, filt, facet, params, limit, rows)
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
    if not count:
        return 0
    return count_matches(conn, "text_fts", union, filt, facet, params)


def prefix_match(conn: sqlite3.Connection, tier: Tier) -> tuple[str, str]:
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
        words = [t for (t,) in conn.execute(
            "SELECT term FROM vocab WHERE term >= ? AND term < ? LIMIT 50", (part, part[:-1] + chr(ord(part[-1]) + 1)))]
        if not words:
            return "short_fts", ""
        parts.append("(" + " OR ".join(f'"{w}"' for w in words) + ")")
    return "short_fts", f"{COLUMNS['name']} : (" + " AND ".join(parts) + ")"

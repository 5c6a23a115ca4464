"""A query's few records asked in memory: the tiers within its words, not over the whole index.

Most tiers on the short fields ask for every folded word of the query there
and something more (:func:`indexing.sqlite_match.within`): a phrase, the
subject's first and last words, the words as typed. Over ``short_fts`` each
is a full evaluation of the common syllables' posting lists when it cannot
fill the page (FTS5 merges them entry by entry: 5-40 ms at a million records,
more with a type and year filter). When at most :data:`FEW` records hold the
query's words at all, those records are every record such a tier can find:
their short fields are copied (:func:`hold_few`) into an FTS5 table in
memory (the same columns, tokenizer and rows as ``short_fts``,
:func:`indexing.fts_rows.short_row`, but for the years of the text, which
no such tier reads) and each tier is asked there, in microseconds, in index
order as over the index. The answers are the same by construction: the
same MATCH expression over the same rows.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence

from indexing.fts_rows import SHORT_ROW_FIELDS, short_row
from indexing.sqlite_schema import SHORT_FTS

__all__ = ["FEW", "EAGER", "hold_few", "few_copied", "copy_few", "few_rowids"]

#: At most this many records are held (copying one costs about 50 µs at a million records, measured: its
#: fields read from ``bodies``, its row made and written in memory).
FEW = 300
#: Up to this many they are copied at once; more only once a tier asked over the index has not filled
#: what was asked of it (a full evaluation: the next ones would be too), see
#: :func:`indexing.sqlite_match.ranked`.
EAGER = 40

_local = threading.local()


def _scratch() -> sqlite3.Connection:
    """This thread's in-memory database with the ``few`` table (a search fills and asks it in one go)."""
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(f"CREATE VIRTUAL TABLE few USING {SHORT_FTS}")
        _local.conn = conn
    return conn


def hold_few(conn: sqlite3.Connection, found: Sequence[int]) -> None:
    """The records holding the query's words: copied now when :data:`EAGER` or fewer, else when first needed."""
    _local.found, _local.copied = list(found), False
    if len(found) <= EAGER:
        copy_few(conn)


def few_copied() -> bool:
    """Whether the held records are in the ``few`` table."""
    return bool(getattr(_local, "copied", False))


def copy_few(conn: sqlite3.Connection) -> None:
    """Replace the ``few`` table's rows by the ``short_fts`` rows of the held records (rowids of ``conn``'s index).

    Their fields are read from ``bodies`` in one ``json_extract`` a record.
    """
    found = _local.found
    paths = ", ".join(f"'$.{f}'" for f in SHORT_ROW_FIELDS)
    rows = []
    for i in range(0, len(found), 500):
        chunk = found[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows += [short_row(rowid, dict(zip(SHORT_ROW_FIELDS, json.loads(values), strict=True)))
                 for rowid, values in conn.execute(
                     f"SELECT rowid, json_extract(doc, {paths}) FROM bodies WHERE rowid IN ({marks})", chunk)]
    mem = _scratch()
    # One transaction: FTS5 writes a segment at each commit, and one insert a commit costs ten times as much.
    mem.execute("BEGIN")
    mem.execute("INSERT INTO few(few) VALUES ('delete-all')")
    mem.executemany("INSERT INTO few(rowid, subject, number, title, issuer, exact, ends, years, facets)"
                    " VALUES (?,?,?,?,?,?,?,?,?)", rows)
    mem.execute("COMMIT")
    _local.copied = True


def few_rowids(expr: str, limit: int) -> list[int]:
    """Rowids of the first ``limit`` of the copied records matching ``expr`` (a ``short_fts`` expression), in
    index order."""
    return [r for (r,) in _scratch().execute("SELECT rowid FROM few WHERE few MATCH ? ORDER BY rowid LIMIT ?",
                                             (expr, int(limit)))]

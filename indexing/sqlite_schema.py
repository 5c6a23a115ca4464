"""The embedded index's file: its tables, and opening it (a new file gets them, an old one is checked).

Layout (schema 8), built so that a search at a million records reads little:

* ``docs``: one narrow row per record (key, facets, dates, folded issuer,
  number key) — filters, counts and joins read only this table;
* ``bodies``: the stored document (JSON), read only for the page of hits;
* ``short_fts``: the short fields (subject, number, title, issuer), folded
  by :mod:`pipeline.folding`, plus an unfolded lower-cased copy (``exact``)
  for the exact-diacritics tier, the subject's first and last words as
  one term (``ends``: a name's family and given name), and the years
  (1900-2099) written anywhere in the record, its text included (``years``:
  "Nguyễn Văn An 1990", the person born that year, is asked here, not of the
  text). Small, so names and numbers are ranked on short posting lists;
* ``text_fts``: the short fields again and the body text, for "anywhere"
  matches. The body is folded by FTS5's ``unicode61 remove_diacritics 2``
  (after ``đ``→``d`` in Python), which gives the same tokens as
  :func:`pipeline.folding.fold` for Vietnamese text (tested) at C speed;
* both FTS tables end with ``facets``: the type, year and batch as tokens
  (:func:`indexing.fts_rows.facet`), so those filters are answered inside FTS5;
* ``vocab``: the folded words of 3+ letters of the short fields, for the
  fuzzy tier, which matches only there (an ``fts5vocab`` table would read
  every posting list of a letter).

Both FTS tables are contentless: a record is removed from them with FTS5's
``delete`` command and the values recomputed from ``bodies``, so the
folding of a stored record must not change without a schema bump.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from indexing.base import INDEX_SCHEMA_VERSION
from core.errors import IndexSchemaError

__all__ = ["STATUS_SQL", "SHORT_FTS", "FTS_DDL", "SCHEMA", "COMPATIBLE_SCHEMAS", "connect"]

# Status of a record on the date bound to :on. Mirrors pipeline.validity.status_on;
# tests check that both agree.
STATUS_SQL = (
    "CASE WHEN d.revoked_on IS NOT NULL AND d.revoked_on <= :on THEN 'revoked' "
    "WHEN d.type = 'khac' OR d.issue_date IS NULL OR d.issue_date > :on THEN 'unknown' "
    "WHEN d.valid_until IS NULL OR d.valid_until >= :on THEN 'valid' "
    "ELSE 'expired' END"
)

#: The ``short_fts`` table's module and arguments (also those of the in-memory copy a search makes of its
#: few records' short fields, :mod:`indexing.sqlite_few`).
SHORT_FTS = """fts5(
    subject, number, title, issuer, exact, ends, years, facets,
    tokenize = "unicode61 remove_diacritics 0", content = ''
)"""

FTS_DDL = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS short_fts USING {SHORT_FTS};
CREATE VIRTUAL TABLE IF NOT EXISTS text_fts USING fts5(
    subject, number, title, issuer, body, facets,
    tokenize = "unicode61 remove_diacritics 2", content = ''
);
"""

SCHEMA = """
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
""" + FTS_DDL

#: The schemas whose files this code reads (8 added ``short_fts.years``).
COMPATIBLE_SCHEMAS = {INDEX_SCHEMA_VERSION}


def connect(path: Path) -> sqlite3.Connection:
    """Open the index file at ``path``, creating it with its tables when missing.

    Raises:
        IndexSchemaError: the file was built with another schema version
            (:func:`indexing.sqlite_fts.rebuild_sqlite` replaces it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=60, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    # A bigger page cache keeps FTS5's segment merges of bulk loads in memory.
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("PRAGMA temp_store=MEMORY")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    row = conn.execute("SELECT value FROM meta WHERE name='schema'").fetchone() if "meta" in tables else None
    if row is None and "docs" in tables:
        row = ("1",)  # a file from before the schema was recorded
    if row is not None and int(row[0]) not in COMPATIBLE_SCHEMAS:
        conn.close()
        raise IndexSchemaError(
            f"{path}: index schema {row[0]} differs from {INDEX_SCHEMA_VERSION}; run `sohoa reindex`"
        )
    if row is None:  # new file: only then take the write lock (a rebuild may hold it)
        conn.executescript(SCHEMA)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(INDEX_SCHEMA_VERSION),))
    return conn

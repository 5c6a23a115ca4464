"""Writing the embedded index: documents in, documents out, the whole content replaced.

A record is written to ``docs``, ``bodies`` and both FTS5 tables (the rows
of :func:`indexing.fts_rows.fts_rows`), its short fields' words to
``vocab``; :class:`SqliteStore` also keeps the vocabulary the fuzzy tier
reads, in memory, as long as nothing has written new words.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TypeVar

from indexing.base import index_fold, number_key
from indexing.fts_rows import field_text, fts_rows, vocab_words
from indexing.sqlite_schema import FTS_DDL, connect

__all__ = ["SqliteStore"]

_BATCH = 1000
_T = TypeVar("_T")


def _chunks(items: Iterable[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class SqliteStore:
    """The index file's connection and what writes to it (:class:`indexing.sqlite_fts.SqliteIndex` searches).

    Args:
        path: The index file; created when missing.

    Raises:
        IndexSchemaError: the file was built with another schema version
            (:func:`indexing.sqlite_fts.rebuild_sqlite` replaces it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = connect(path)
        self._vocab: set[str] | None = None
        # The vocabulary by length for the fuzzy tier, and the file's data_version it was read at;
        # cleared when this connection changes the vocabulary (other writers change data_version).
        self._near: tuple[int, dict[int, list[str]]] | None = None

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

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
            c.executemany("INSERT INTO short_fts(rowid, subject, number, title, issuer, exact, ends, years, facets)"
                          " VALUES (?,?,?,?,?,?,?,?,?)", short_rows)
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
            c.executemany("INSERT INTO short_fts(short_fts, rowid, subject, number, title, issuer, exact, ends, years,"
                          " facets) VALUES ('delete',?,?,?,?,?,?,?,?,?)", shorts)
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
        for ddl in FTS_DDL.split(";"):
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

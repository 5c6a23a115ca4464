"""The ledger: the source of truth, in SQLite (WAL; the default) or PostgreSQL.

It records batches (with the box's archive codes), source files by content
hash (with every path and batch they were seen under), pages with their OCR
result, records with their fields, runs, and an event log. Every index can be
rebuilt from it, and every count in a report comes from it.

Idempotency rests on three keys: a file is its sha256, a page is
``(file, page_no)`` and a record is ``(file, first_page)``. Rerunning a batch
finds them and does no work twice.

``Ledger(target)`` opens PostgreSQL when ``target`` is a ``postgresql://`` URL
(several machines writing at once) and a SQLite file otherwise; the SQL here is
written once, in the subset both understand, and ``ledger/db.py``
holds what differs. The tables are in :mod:`ledger.schema`, the rows
readers get in :mod:`ledger.rows`, the records and people's
corrections in :mod:`ledger.records`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.domain import ClassifiedRecord
from ledger.db import Params, PostgresDb, SqliteDb, is_postgres_url
from ledger.records import (TOMBSTONE, approved_keys, link_records, reviewed_texts,
                                     store_records)
from ledger.rows import RECORD_SQL, FileRow, PageRow, RecordRow, file_row, now, record_row
from ledger.schema import migrate

__all__ = ["Ledger"]


class Ledger:
    """A connection to the ledger database; one per thread or process.

    Args:
        target: A ``postgresql://user:password@host:port/db`` URL, or the SQLite
            file (a path); either is created with its schema when empty.
    """

    def __init__(self, target: str | Path) -> None:
        self.target = target
        self._db: SqliteDb | PostgresDb
        if is_postgres_url(target):
            self._db = PostgresDb(str(target))
            self.path: Path | None = None
        else:
            self._db = SqliteDb(Path(target))
            self.path = Path(target)
        self.dialect = self._db.dialect
        try:
            migrate(self._db)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction that waits for other writers' first, so writers queue cleanly.

        Yields a connection whose ``execute``/``executemany`` take SQLite-style
        SQL (``?`` placeholders) on both databases.
        """
        with self._db.transaction() as c:
            yield c

    def query(self, sql: str, params: Params = ()) -> list[Any]:
        """Run one statement (SQLite-style SQL, committed at once) and return its rows.

        Rows are read by position or by column name on both databases.
        """
        return self._db.query(sql, params)

    # -- batches and runs -------------------------------------------------

    def ensure_batch(
        self, name: str, *, fonds: str | None = None, box: str | None = None, file_code: str | None = None
    ) -> int:
        """The id of batch ``name``, created if new; archive codes given now are kept."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO batches(name, fonds, box, file_code, created_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET fonds=coalesce(excluded.fonds, batches.fonds), "
                "box=coalesce(excluded.box, batches.box), "
                "file_code=coalesce(excluded.file_code, batches.file_code)",
                (name, fonds, box, file_code, now()),
            )
            return int(c.execute("SELECT id FROM batches WHERE name=?", (name,)).fetchone()[0])

    def start_run(self, batch_id: int, settings: str) -> int:
        """Open a run of the ingest flow on a batch."""
        with self.transaction() as c:
            return int(c.execute(
                "INSERT INTO runs(batch_id, started_at, settings) VALUES (?,?,?) RETURNING id",
                (batch_id, now(), settings),
            ).fetchone()[0])

    def set_run_total(self, run_id: int, pages_total: int) -> None:
        """Record how many pages this run has to process."""
        with self.transaction() as c:
            c.execute("UPDATE runs SET pages_total=? WHERE id=?", (pages_total, run_id))

    def finish_run(self, run_id: int, status: str, summary: dict[str, object]) -> None:
        """Close a run with its final status and summary."""
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished_at=?, status=?, summary=? WHERE id=?",
                (now(), status, json.dumps(summary, ensure_ascii=False), run_id),
            )

    def run_progress(self, run_id: int) -> tuple[int, int]:
        """Pages finished by this run and pages it has to do."""
        row = self.query(
            "SELECT pages_total, (SELECT count(*) FROM pages WHERE run_id=runs.id) FROM runs WHERE id=?", (run_id,)
        )
        return (int(row[0][1]), int(row[0][0])) if row else (0, 0)

    def event(
        self, kind: str, message: str, *, run_id: int | None = None, file_id: int | None = None,
        page_no: int | None = None,
    ) -> None:
        """Append to the event log."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO events(at, run_id, kind, file_id, page_no, message) VALUES (?,?,?,?,?,?)",
                (now(), run_id, kind, file_id, page_no, message),
            )

    # -- files ------------------------------------------------------------

    def register_file(self, sha256: str, size: int, path: str, batch_id: int) -> tuple[FileRow, bool]:
        """Find or add a file by content hash and note where it was seen.

        Returns:
            The file and whether it is new to the ledger.
        """
        with self.transaction() as c:
            stamp = now()
            cur = c.execute(
                "INSERT INTO files(sha256, size, path, batch_id, first_seen, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(sha256) DO NOTHING",
                (sha256, size, path, batch_id, stamp, stamp),
            )
            new = cur.rowcount == 1
            row = c.execute("SELECT * FROM files WHERE sha256=?", (sha256,)).fetchone()
            c.execute(
                "INSERT INTO sightings(file_id, batch_id, path, seen_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                (row["id"], batch_id, path, stamp),
            )
            c.execute("DELETE FROM quarantine WHERE batch_id=? AND path=?", (batch_id, path))
        return file_row(row), new

    def supersede(self, batch_id: int, path: str, file_id: int) -> list[str]:
        """Retire what an earlier content of ``path`` in this batch produced.

        When a scan is replaced on disk by another (a rescan saved over the
        old file), the old content's records must not be counted beside the
        new ones. Old contents still seen at another path or in another batch
        keep their records.

        Returns:
            Keys of the records removed (tombstoned for the index).
        """
        removed: list[str] = []
        with self.transaction() as c:
            old = [r[0] for r in c.execute(
                "SELECT file_id FROM sightings WHERE batch_id=? AND path=? AND file_id != ?", (batch_id, path, file_id))]
            for old_id in old:
                c.execute("DELETE FROM sightings WHERE batch_id=? AND path=? AND file_id=?", (batch_id, path, old_id))
                if c.execute("SELECT 1 FROM sightings WHERE file_id=?", (old_id,)).fetchone():
                    continue
                keys = [r[0] for r in c.execute("SELECT key FROM records WHERE file_id=?", (old_id,))]
                c.execute("DELETE FROM records WHERE file_id=?", (old_id,))
                c.executemany(TOMBSTONE, [(k, now()) for k in keys])
                c.execute("UPDATE files SET error=?, updated_at=? WHERE id=?",
                          (f"superseded: {path} now holds another scan", now(), old_id))
                removed += keys
        return removed

    def get_file(self, file_id: int) -> FileRow:
        """A file by id."""
        return file_row(self.query("SELECT * FROM files WHERE id=?", (file_id,))[0])

    def set_file(self, file_id: int, *, status: str, kind: str | None = None, page_count: int | None = None,
                 error: str | None = None) -> None:
        """Update a file's status (and what inspection learnt of it)."""
        with self.transaction() as c:
            c.execute(
                "UPDATE files SET status=?, kind=coalesce(?, kind), page_count=coalesce(?, page_count), "
                "error=?, updated_at=? WHERE id=?",
                (status, kind, page_count, error, now(), file_id),
            )

    def quarantine(self, batch_id: int, path: str, reason: str, sha256: str | None = None) -> None:
        """Note a file that could not be processed, with the reason."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO quarantine(batch_id, path, sha256, reason, seen_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(batch_id, path) DO UPDATE SET reason=excluded.reason, sha256=excluded.sha256, "
                "seen_at=excluded.seen_at",
                (batch_id, path, sha256, reason, now()),
            )

    # -- pages ------------------------------------------------------------

    def pages_done(self, file_id: int, settings: str) -> set[int]:
        """Page numbers of a file already read with these settings."""
        rows = self.query(
            "SELECT page_no FROM pages WHERE file_id=? AND status='done' AND settings=?", (file_id, settings)
        )
        return {int(r[0]) for r in rows}

    def save_page(
        self, file_id: int, page_no: int, *, status: str, settings: str, run_id: int | None,
        text: str = "", mean_conf: float | None = None, quality: float | None = None,
        word_count: int | None = None,
        rotation: int | None = None, skew_deg: float | None = None, image_path: str | None = None,
        words_path: str | None = None, error: str | None = None, seconds: float | None = None,
    ) -> None:
        """Store one page's outcome, replacing an earlier one."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO pages(file_id, page_no, status, settings, text, mean_conf, quality, word_count, "
                "rotation, skew_deg, image_path, words_path, error, seconds, run_id, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(file_id, page_no) DO UPDATE SET "
                "status=excluded.status, settings=excluded.settings, text=excluded.text, "
                "mean_conf=excluded.mean_conf, quality=excluded.quality, word_count=excluded.word_count, "
                "rotation=excluded.rotation, "
                "skew_deg=excluded.skew_deg, image_path=excluded.image_path, words_path=excluded.words_path, "
                "error=excluded.error, seconds=excluded.seconds, run_id=excluded.run_id, "
                "updated_at=excluded.updated_at",
                (file_id, page_no, status, settings, text, mean_conf, quality, word_count, rotation, skew_deg,
                 image_path, words_path, error, seconds, run_id, now()),
            )

    def pages_of(self, file_id: int) -> list[PageRow]:
        """Every stored page of a file, in page order."""
        return [
            PageRow(
                file_id=r["file_id"], page_no=r["page_no"], status=r["status"], settings=r["settings"],
                text=r["text"], mean_conf=r["mean_conf"], image_path=r["image_path"], error=r["error"],
                quality=r["quality"], words_path=r["words_path"],
            )
            for r in self.query("SELECT * FROM pages WHERE file_id=? ORDER BY page_no", (file_id,))
        ]

    # -- records ----------------------------------------------------------

    def replace_records(
        self, file_id: int, batch_id: int, records: Sequence[tuple[ClassifiedRecord, str]], run_id: int | None
    ) -> tuple[list[str], list[str]]:
        """Store the records found in a file, replacing what an earlier run found.

        Records are keyed by ``(file, first_page)`` so an unchanged record keeps
        its id; records that no longer exist are removed. People's corrections
        are put back over what the run read.

        Returns:
            Keys written and keys removed (for the index).
        """
        sha = self.get_file(file_id).sha256
        with self.transaction() as c:
            return store_records(self._db, c, sha, file_id, batch_id, records, run_id)

    def reviewed_records(self) -> list[tuple[str, str]]:
        """(text, type) of every record a person corrected or approved (duplicates left out).

        Their type is the one a person confirmed: the training data of
        :mod:`pipeline.learned`.
        """
        with self.transaction() as c:
            return reviewed_texts(self._db, c)

    def approved_records(self) -> list[RecordRow]:
        """The records a person reviewed and left needing no more review (duplicates left out).

        What people confirmed of them (issuer, number, school) is what an
        office's profile may learn (:mod:`pipeline.profile_learn`).
        """
        with self.transaction() as c:
            keys = approved_keys(self._db, c)
        return self.records(keys) if keys else []

    # -- index bookkeeping -------------------------------------------------

    def index_backlog(self) -> tuple[list[str], list[str]]:
        """Keys of records not yet in the index, and of keys the index must drop.

        Duplicates (another scan of a paper already recorded) are kept in the
        ledger but never indexed, like removed records.
        """
        todo = [r[0] for r in self.query(
            "SELECT key FROM records WHERE indexed=0 AND duplicate_of IS NULL ORDER BY id")]
        gone = [r[0] for r in self.query(
            "SELECT key FROM tombstones UNION SELECT key FROM records WHERE indexed=0 AND duplicate_of IS NOT NULL "
            "ORDER BY 1")]
        return todo, gone

    def mark_indexed(self, written: Sequence[str], deleted: Sequence[str]) -> None:
        """Note that the index now has these records and lacks these keys."""
        with self.transaction() as c:
            c.executemany("UPDATE records SET indexed=1 WHERE key=?", [(k,) for k in [*written, *deleted]])
            c.executemany("DELETE FROM tombstones WHERE key=?", [(k,) for k in deleted])

    def apply_links(self, duplicates: dict[str, tuple[str, str]],
                    revocations: dict[str, tuple[dt.date, str]]) -> int:
        """Record which records duplicate others and which were revoked, replacing earlier links.

        Args:
            duplicates: ``{duplicate key: (kept key, reason)}``.
            revocations: ``{revoked key: (first day not valid, reason)}``.

        Returns:
            How many records changed; they are queued for the index.
        """
        with self.transaction() as c:
            return link_records(self._db, c, duplicates, revocations)

    def mark_all_unindexed(self) -> None:
        """Forget what the index holds (before a rebuild)."""
        with self.transaction() as c:
            c.execute("UPDATE records SET indexed=0")
            c.execute("DELETE FROM tombstones")

    def records(self, keys: Sequence[str] | None = None) -> list[RecordRow]:
        """Records with provenance: all, or those with the given keys."""
        if keys is None:
            rows = self.query(RECORD_SQL + " ORDER BY r.id")
        else:
            rows = []
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                marks = ",".join("?" * len(chunk))
                rows += self.query(RECORD_SQL + f" WHERE r.key IN ({marks}) ORDER BY r.id", chunk)
        return [record_row(r) for r in rows]

    def iter_records(self, chunk: int = 1000) -> Iterator[list[RecordRow]]:
        """All records in chunks, for reindexing without holding them all."""
        last = 0
        while True:
            rows = self.query(RECORD_SQL + " WHERE r.id > ? ORDER BY r.id LIMIT ?", (last, chunk))
            if not rows:
                return
            yield [record_row(r) for r in rows]
            last = rows[-1]["id"]

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
written once, in the subset both understand, and ``pipeline/_ledger_db.py``
holds what differs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline._ledger_db import Params, PostgresDb, SqliteDb, is_postgres_url
from pipeline.domain import ClassifiedRecord

__all__ = ["Ledger", "FileRow", "PageRow", "RecordRow", "SCHEMA_VERSION", "record_key"]

SCHEMA_VERSION = 4

#: Steps from each older schema version to the next.
_MIGRATIONS = {
    1: "ALTER TABLE pages ADD COLUMN quality REAL;",
    2: "ALTER TABLE records ADD COLUMN duplicate_of TEXT; ALTER TABLE records ADD COLUMN link_reason TEXT;",
    # What was read of an incomplete date, and the readings behind values the profile proposed.
    3: "ALTER TABLE records ADD COLUMN period TEXT; ALTER TABLE records ADD COLUMN readings TEXT;",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    fonds TEXT, box TEXT, file_code TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    path TEXT NOT NULL,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    kind TEXT,
    page_count INTEGER,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'quarantined', 'failed')),
    error TEXT,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sightings (
    file_id INTEGER NOT NULL REFERENCES files(id),
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    path TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (file_id, batch_id, path)
);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    path TEXT NOT NULL,
    sha256 TEXT,
    reason TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (batch_id, path)
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    page_no INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    settings TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    mean_conf REAL,
    quality REAL,
    word_count INTEGER,
    rotation INTEGER, skew_deg REAL,
    image_path TEXT, words_path TEXT,
    error TEXT,
    seconds REAL,
    run_id INTEGER,
    updated_at TEXT NOT NULL,
    UNIQUE (file_id, page_no)
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    file_id INTEGER NOT NULL REFERENCES files(id),
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    first_page INTEGER NOT NULL,
    pages TEXT NOT NULL,
    type TEXT NOT NULL,
    confidence REAL NOT NULL,
    reasons TEXT NOT NULL,
    number TEXT, issue_date TEXT, issuer TEXT, subject TEXT, title TEXT,
    validity_years INTEGER,
    valid_until TEXT,
    revoked_on TEXT,
    duplicate_of TEXT,
    link_reason TEXT,
    period TEXT,
    readings TEXT,
    needs_review INTEGER NOT NULL DEFAULT 0,
    indexed INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    run_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (file_id, first_page)
);
CREATE INDEX IF NOT EXISTS records_type_date ON records(type, issue_date);
CREATE INDEX IF NOT EXISTS records_unindexed ON records(indexed) WHERE indexed = 0;
-- Keys of removed records the index has not yet been told about.
CREATE TABLE IF NOT EXISTS tombstones (key TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    settings TEXT NOT NULL,
    pages_total INTEGER NOT NULL DEFAULT 0,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    run_id INTEGER,
    kind TEXT NOT NULL,
    file_id INTEGER,
    page_no INTEGER,
    message TEXT NOT NULL
);
"""


#: Record columns a person may correct (web/corrections.py keeps the history in
#: table ``corrections``); machine results never overwrite a corrected value.
CORRECTABLE_COLUMNS = frozenset({
    "type", "number", "issue_date", "issuer", "subject", "title", "revoked_on", "needs_review", "valid_until",
})


_TOMBSTONE = "INSERT INTO tombstones(key, at) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET at=excluded.at"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def record_key(sha256: str, first_page: int) -> str:
    """Stable id of a record: its file's hash and its first page."""
    return f"{sha256[:16]}-p{first_page:04d}"


@dataclass(frozen=True)
class FileRow:
    """A source file as the ledger knows it."""

    id: int
    sha256: str
    size: int
    path: str
    batch_id: int
    kind: str | None
    page_count: int | None
    status: str
    error: str | None


@dataclass(frozen=True)
class PageRow:
    """One page's OCR outcome."""

    file_id: int
    page_no: int
    status: str
    settings: str
    text: str
    mean_conf: float | None
    image_path: str | None
    error: str | None
    quality: float | None = None
    words_path: str | None = None


@dataclass(frozen=True)
class RecordRow:
    """One record with its provenance, as stored."""

    id: int
    key: str
    file_id: int
    batch: str
    fonds: str | None
    box: str | None
    file_code: str | None
    path: str
    sha256: str
    pages: tuple[int, ...]
    type: str
    confidence: float
    reasons: tuple[str, ...]
    number: str | None
    issue_date: dt.date | None
    issuer: str | None
    subject: str | None
    title: str | None
    valid_until: dt.date | None
    revoked_on: dt.date | None
    needs_review: bool
    text: str
    duplicate_of: str | None = None
    #: What was read of an incomplete date ("2025-02"): ``issue_date`` is then ``None``.
    period: str | None = None
    #: Field -> the value as read, where the field holds a value the profile proposed.
    read: dict[str, str] = field(default_factory=dict)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


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
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        version = self._db.schema_version()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self._db}: ledger schema {version} is newer than this sohoa ({SCHEMA_VERSION})")
        self._db.upgrade(_SCHEMA, _MIGRATIONS, SCHEMA_VERSION)

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
                (name, fonds, box, file_code, _now()),
            )
            return int(c.execute("SELECT id FROM batches WHERE name=?", (name,)).fetchone()[0])

    def start_run(self, batch_id: int, settings: str) -> int:
        """Open a run of the ingest flow on a batch."""
        with self.transaction() as c:
            return int(c.execute(
                "INSERT INTO runs(batch_id, started_at, settings) VALUES (?,?,?) RETURNING id",
                (batch_id, _now(), settings),
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
                (_now(), status, json.dumps(summary, ensure_ascii=False), run_id),
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
                (_now(), run_id, kind, file_id, page_no, message),
            )

    # -- files ------------------------------------------------------------

    def register_file(self, sha256: str, size: int, path: str, batch_id: int) -> tuple[FileRow, bool]:
        """Find or add a file by content hash and note where it was seen.

        Returns:
            The file and whether it is new to the ledger.
        """
        with self.transaction() as c:
            now = _now()
            cur = c.execute(
                "INSERT INTO files(sha256, size, path, batch_id, first_seen, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(sha256) DO NOTHING",
                (sha256, size, path, batch_id, now, now),
            )
            new = cur.rowcount == 1
            row = c.execute("SELECT * FROM files WHERE sha256=?", (sha256,)).fetchone()
            c.execute(
                "INSERT INTO sightings(file_id, batch_id, path, seen_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                (row["id"], batch_id, path, now),
            )
            c.execute("DELETE FROM quarantine WHERE batch_id=? AND path=?", (batch_id, path))
        return self._file(row), new

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
                c.executemany(_TOMBSTONE, [(k, _now()) for k in keys])
                c.execute("UPDATE files SET error=?, updated_at=? WHERE id=?",
                          (f"superseded: {path} now holds another scan", _now(), old_id))
                removed += keys
        return removed

    @staticmethod
    def _file(row: Any) -> FileRow:  # noqa: ANN401 - a row of either database
        return FileRow(
            id=row["id"], sha256=row["sha256"], size=row["size"], path=row["path"], batch_id=row["batch_id"],
            kind=row["kind"], page_count=row["page_count"], status=row["status"], error=row["error"],
        )

    def get_file(self, file_id: int) -> FileRow:
        """A file by id."""
        return self._file(self.query("SELECT * FROM files WHERE id=?", (file_id,))[0])

    def set_file(self, file_id: int, *, status: str, kind: str | None = None, page_count: int | None = None,
                 error: str | None = None) -> None:
        """Update a file's status (and what inspection learnt of it)."""
        with self.transaction() as c:
            c.execute(
                "UPDATE files SET status=?, kind=coalesce(?, kind), page_count=coalesce(?, page_count), "
                "error=?, updated_at=? WHERE id=?",
                (status, kind, page_count, error, _now(), file_id),
            )

    def quarantine(self, batch_id: int, path: str, reason: str, sha256: str | None = None) -> None:
        """Note a file that could not be processed, with the reason."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO quarantine(batch_id, path, sha256, reason, seen_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(batch_id, path) DO UPDATE SET reason=excluded.reason, sha256=excluded.sha256, "
                "seen_at=excluded.seen_at",
                (batch_id, path, sha256, reason, _now()),
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
                 image_path, words_path, error, seconds, run_id, _now()),
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
        its id; records that no longer exist are removed.

        Returns:
            Keys written and keys removed (for the index).
        """
        sha = self.get_file(file_id).sha256
        now = _now()
        written: list[str] = []
        with self.transaction() as c:
            old = {r[0] for r in c.execute("SELECT key FROM records WHERE file_id=?", (file_id,))}
            for rec, text in records:
                key = record_key(sha, rec.pages[0])
                f = rec.fields
                c.execute(
                    "INSERT INTO records(key, file_id, batch_id, first_page, pages, type, confidence, reasons, "
                    "number, issue_date, issuer, subject, title, validity_years, valid_until, needs_review, text, "
                    "run_id, created_at, updated_at, period, readings) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT(key) DO UPDATE SET pages=excluded.pages, type=excluded.type, "
                    "confidence=excluded.confidence, reasons=excluded.reasons, number=excluded.number, "
                    "issue_date=excluded.issue_date, issuer=excluded.issuer, subject=excluded.subject, "
                    "title=excluded.title, validity_years=excluded.validity_years, "
                    "valid_until=excluded.valid_until, needs_review=excluded.needs_review, text=excluded.text, "
                    "run_id=excluded.run_id, updated_at=excluded.updated_at, period=excluded.period, "
                    "readings=excluded.readings, indexed=0",
                    (key, file_id, batch_id, rec.pages[0], json.dumps(list(rec.pages)), rec.type.value,
                     rec.confidence, json.dumps(list(rec.reasons), ensure_ascii=False), f.number,
                     f.date.isoformat() if f.date else None, f.issuer, f.subject, f.title, f.validity_years,
                     rec.valid_until.isoformat() if rec.valid_until else None, int(rec.needs_review), text,
                     run_id, now, now, f.period, json.dumps(rec.read, ensure_ascii=False) if rec.read else None),
                )
                written.append(key)
            self._reapply_corrections(c, written)
            removed = sorted(old - set(written))
            for key in removed:
                c.execute("DELETE FROM records WHERE key=?", (key,))
                c.execute(_TOMBSTONE, (key, now))
            for key in written:
                c.execute("DELETE FROM tombstones WHERE key=?", (key,))
        return written, removed

    def _corrections(self, c: Any, keys: Sequence[str] | None = None) -> dict[str, dict[str, object]]:
        """The latest corrected value of each corrected field, per record key."""
        if not self._db.has_table(c, "corrections"):
            return {}
        rows = c.execute("SELECT record_key, field, new_value FROM corrections ORDER BY id").fetchall()
        wanted = set(keys) if keys is not None else None
        latest: dict[str, dict[str, object]] = {}
        for key, fld, value in rows:
            if fld in CORRECTABLE_COLUMNS and (wanted is None or key in wanted):
                latest.setdefault(key, {})[fld] = int(value) if fld == "needs_review" and value is not None else value
        return latest

    def reviewed_records(self) -> list[tuple[str, str]]:
        """(text, type) of every record a person corrected or approved (duplicates left out).

        Their type is the one a person confirmed: the training data of
        :mod:`pipeline.learned`.
        """
        with self.transaction() as c:
            if not self._db.has_table(c, "corrections"):
                return []
            rows = c.execute(
                "SELECT r.text, r.type FROM records r WHERE r.duplicate_of IS NULL AND EXISTS "
                "(SELECT 1 FROM corrections k WHERE k.record_key = r.key) ORDER BY r.id"
            ).fetchall()
        return [(str(text or ""), str(kind)) for text, kind in rows]

    def approved_records(self) -> list[RecordRow]:
        """The records a person reviewed and left needing no more review (duplicates left out).

        What people confirmed of them (issuer, number, school) is what an
        office's profile may learn (:mod:`pipeline.profile_learn`).
        """
        with self.transaction() as c:
            if not self._db.has_table(c, "corrections"):
                return []
            keys = [str(k) for (k,) in c.execute(
                "SELECT r.key FROM records r WHERE r.duplicate_of IS NULL AND r.needs_review = 0 AND EXISTS "
                "(SELECT 1 FROM corrections k WHERE k.record_key = r.key) ORDER BY r.id").fetchall()]
        return self.records(keys) if keys else []

    def _reapply_corrections(self, c: Any, keys: Sequence[str]) -> None:  # noqa: ANN401
        """Put people's corrections back over what a machine run just wrote."""
        for key, fields in self._corrections(c, keys).items():
            for fld, value in fields.items():
                # fld is one of CORRECTABLE_COLUMNS, never outside input.
                c.execute(f"UPDATE records SET {fld}=? WHERE key=?", (value, key))

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
        changed = 0
        with self.transaction() as c:
            corrected = self._corrections(c)
            for key, dup, rev in c.execute("SELECT key, duplicate_of, revoked_on FROM records").fetchall():
                new_dup = duplicates.get(key, (None, None))[0]
                new_rev = revocations[key][0].isoformat() if key in revocations else None
                if "revoked_on" in corrected.get(key, {}):
                    new_rev = corrected[key]["revoked_on"]  # a person's word wins
                if (dup, rev) == (new_dup, new_rev):
                    continue
                reason = "; ".join(x for x in (duplicates.get(key, (None, ""))[1],
                                               revocations.get(key, (None, ""))[1]) if x) or None
                c.execute("UPDATE records SET duplicate_of=?, revoked_on=?, link_reason=?, indexed=0 WHERE key=?",
                          (new_dup, new_rev, reason, key))
                changed += 1
        return changed

    def mark_all_unindexed(self) -> None:
        """Forget what the index holds (before a rebuild)."""
        with self.transaction() as c:
            c.execute("UPDATE records SET indexed=0")
            c.execute("DELETE FROM tombstones")

    _RECORD_SQL = (
        "SELECT r.*, b.name AS batch, b.fonds, b.box, b.file_code, f.path, f.sha256 "
        "FROM records r JOIN files f ON f.id = r.file_id JOIN batches b ON b.id = r.batch_id"
    )

    @staticmethod
    def _record(row: Any) -> RecordRow:  # noqa: ANN401 - a row of either database
        return RecordRow(
            id=row["id"], key=row["key"], file_id=row["file_id"], batch=row["batch"], fonds=row["fonds"],
            box=row["box"], file_code=row["file_code"], path=row["path"], sha256=row["sha256"],
            pages=tuple(json.loads(row["pages"])), type=row["type"], confidence=row["confidence"],
            reasons=tuple(json.loads(row["reasons"])), number=row["number"], issue_date=_date(row["issue_date"]),
            issuer=row["issuer"], subject=row["subject"], title=row["title"],
            valid_until=_date(row["valid_until"]), revoked_on=_date(row["revoked_on"]),
            needs_review=bool(row["needs_review"]), text=row["text"], duplicate_of=row["duplicate_of"],
            period=row["period"], read=json.loads(row["readings"]) if row["readings"] else {},
        )

    def records(self, keys: Sequence[str] | None = None) -> list[RecordRow]:
        """Records with provenance: all, or those with the given keys."""
        if keys is None:
            rows = self.query(self._RECORD_SQL + " ORDER BY r.id")
        else:
            rows = []
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                marks = ",".join("?" * len(chunk))
                rows += self.query(self._RECORD_SQL + f" WHERE r.key IN ({marks}) ORDER BY r.id", chunk)
        return [self._record(r) for r in rows]

    def iter_records(self, chunk: int = 1000) -> Iterator[list[RecordRow]]:
        """All records in chunks, for reindexing without holding them all."""
        last = 0
        while True:
            rows = self.query(self._RECORD_SQL + " WHERE r.id > ? ORDER BY r.id LIMIT ?", (last, chunk))
            if not rows:
                return
            yield [self._record(r) for r in rows]
            last = rows[-1]["id"]

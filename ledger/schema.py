"""The ledger's tables, and the steps that bring an older ledger up to them.

One script, in the SQL both engines understand (:mod:`ledger.db`
turns it into PostgreSQL's DDL); a database records which version it holds,
and :func:`migrate` runs the steps from there.
"""

from __future__ import annotations

from ledger.db import PostgresDb, SqliteDb

__all__ = ["SCHEMA_VERSION", "MIGRATIONS", "SCHEMA", "migrate"]

SCHEMA_VERSION = 4

#: Steps from each older schema version to the next.
MIGRATIONS = {
    1: "ALTER TABLE pages ADD COLUMN quality REAL;",
    2: "ALTER TABLE records ADD COLUMN duplicate_of TEXT; ALTER TABLE records ADD COLUMN link_reason TEXT;",
    # What was read of an incomplete date, and the readings behind values the profile proposed.
    3: "ALTER TABLE records ADD COLUMN period TEXT; ALTER TABLE records ADD COLUMN readings TEXT;",
}

SCHEMA = """
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


def migrate(db: SqliteDb | PostgresDb) -> None:
    """Create the schema in an empty database, or bring an older one up to :data:`SCHEMA_VERSION`.

    Raises:
        RuntimeError: the database was written by a newer sohoa.
    """
    version = db.schema_version()
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"{db}: ledger schema {version} is newer than this sohoa ({SCHEMA_VERSION})")
    db.upgrade(SCHEMA, MIGRATIONS, SCHEMA_VERSION)

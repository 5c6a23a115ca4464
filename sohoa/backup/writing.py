"""Writing a backup: what to copy, the live databases and the derived files copied, the manifest written last."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sohoa import __version__
from sohoa.backup.check import derived_prefixes, missing_derived, snapshot_check
from sohoa.backup.manifest import (
    FORMAT,
    FORMAT_VERSION,
    TREES,
    BackupError,
    FileEntry,
    copy_file,
    file_entry,
    write_manifest,
)
from core.settings import Settings

__all__ = ["BackupPlan", "BackupResult", "plan_backup", "backup_database", "run_backup"]


@dataclass(frozen=True)
class BackupPlan:
    """What a backup of a data directory copies and what it leaves to other tools."""

    data_dir: Path
    dest: Path
    databases: tuple[str, ...]
    trees: tuple[str, ...]
    ledger: str  # "sqlite" or "postgresql"
    index: str  # "embedded" or "elasticsearch"
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    dest: Path
    files: tuple[FileEntry, ...]
    check: dict[str, object]
    notes: tuple[str, ...]
    requeued: int = 0

    @property
    def bytes(self) -> int:
        """Bytes copied."""
        return sum(f.size for f in self.files)


# -- plan and copy -------------------------------------------------------------


def _is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgres://", "postgresql://", "postgresql+"))


def plan_backup(settings: Settings, dest: Path) -> BackupPlan:
    """Decide what to copy from ``settings.data_dir`` into ``dest``.

    Raises:
        BackupError: the data directory has nothing to back up, or ``dest``
            is not empty or lies inside the data directory.
    """
    data = settings.data_dir
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError("thư mục đích đã có nội dung (the destination exists and is not an empty folder)", path=str(dest))
    if dest.resolve().is_relative_to(data.resolve()):
        raise BackupError("the destination must be outside the data directory", path=str(dest))
    notes: list[str] = []
    ledger = "postgresql" if _is_postgres(settings.ledger_url) else "sqlite"
    if ledger == "sqlite" and Path(settings.ledger_target).resolve() != settings.ledger_path.resolve():
        raise BackupError(f"the ledger {settings.ledger_target} is outside the data directory", path=str(data))
    index_url = settings.resolved_index_url
    index = "elasticsearch" if index_url.startswith(("http://", "https://")) else "embedded"
    dbs = []
    if ledger == "sqlite":
        dbs.append("ledger.sqlite")
    else:
        notes.append("ledger_pg")
    if index == "embedded":
        if Path(index_url[len("sqlite:///"):]).resolve() != (data / "index.sqlite").resolve():
            raise BackupError(f"the embedded index {index_url} is outside the data directory", path=str(data))
        dbs.append("index.sqlite")
    else:
        notes.append("index_es")
    dbs.append("web.sqlite")
    present = tuple(n for n in dbs if (data / n).is_file())
    if ledger == "sqlite" and "ledger.sqlite" not in present:
        raise BackupError("no ledger.sqlite: not a sohoa data directory", path=str(data))
    trees = tuple(t for t in TREES if (data / t).is_dir())
    return BackupPlan(data, dest, present, trees, ledger, index, tuple(notes))


def backup_database(src: Path, dest: Path) -> None:
    """Copy a live SQLite database with the online backup API into one self-contained file.

    The copy is one consistent snapshot: SQLite reads it in a single read
    transaction, which in WAL mode neither waits for nor blocks writers (even
    one holding a write transaction). The copy is switched to a rollback
    journal so it is a single file (opening it as the ledger turns WAL back on).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=60)
    try:
        target = sqlite3.connect(str(dest))
        try:
            source.backup(target)  # pages=-1: every page in one step, one snapshot
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy the database: {exc}", path=str(src)) from exc
    finally:
        source.close()


def _finalize_database(path: Path) -> None:
    """Fold a database's write-ahead log back into its file (after it was opened as a ledger or index)."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def tree_files(root: Path, tree: str) -> Iterator[str]:
    """Files of a tree, relative to ``root``, in a stable order; half-written temporaries are skipped."""
    for dirpath, dirnames, filenames in os.walk(root / tree):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.startswith("."):  # ocr.derived.write_atomic's temporaries
                yield (Path(dirpath) / name).relative_to(root).as_posix()


def _index_current(path: Path) -> bool:
    """Whether the embedded index at ``path`` has this sohoa's schema."""
    from indexing.sqlite_fts import SqliteIndex
    from core.errors import IndexSchemaError

    try:
        SqliteIndex(path).close()
    except IndexSchemaError:
        return False
    return True


# -- keeping the ledger and the index of a backup in step ----------------------


def _reconcile(ledger: Path, index: Path) -> int:
    """Make the ledger copy queue what the index copy lacks or holds in excess.

    The two databases are copied one after the other (the ledger first); an
    ingest running in between may have indexed records the ledger copy does
    not have yet. Their keys get a tombstone in the ledger copy, and records
    the ledger copy calls indexed but the index copy lacks are marked not
    indexed, so the first run after a restore brings the index in line.
    Only keys are compared (the ``docs`` table of the embedded index).

    Returns:
        How many keys were queued.
    """
    conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        in_index = {k for (k,) in conn.execute("SELECT key FROM docs")}
    finally:
        conn.close()
    conn = sqlite3.connect(str(ledger), isolation_level=None, timeout=60)
    try:
        rows = conn.execute("SELECT key, indexed FROM records WHERE duplicate_of IS NULL").fetchall()
        live = {k for k, _ in rows}
        requeue = [k for k, indexed in rows if indexed and k not in in_index]
        orphans = sorted(in_index - live)
        if requeue or orphans:
            now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("UPDATE records SET indexed=0 WHERE key=?", [(k,) for k in requeue])
            conn.executemany("INSERT OR IGNORE INTO tombstones(key, at) VALUES (?, ?)", [(k, now) for k in orphans])
            conn.execute("COMMIT")
    finally:
        conn.close()
    return len(requeue) + len(orphans)


# -- backup --------------------------------------------------------------------


def run_backup(plan: BackupPlan, on: dt.date | None = None) -> BackupResult:
    """Copy the databases (online backup API) and files, check the copy, write the manifest last."""
    on = on or dt.date.today()
    plan.dest.mkdir(parents=True, exist_ok=True)
    for name in plan.databases:  # the ledger first: the index may only be ahead of it
        backup_database(plan.data_dir / name, plan.dest / name)
    entries: list[FileEntry] = []
    for tree in plan.trees:
        for rel in tree_files(plan.data_dir, tree):
            try:
                size, digest = copy_file(plan.data_dir / rel, plan.dest / rel)
            except FileNotFoundError:
                continue  # replaced or removed while we walked
            entries.append(FileEntry(rel, size, digest))
    has_ledger = "ledger.sqlite" in plan.databases
    has_index = "index.sqlite" in plan.databases
    requeued = _reconcile(plan.dest / "ledger.sqlite", plan.dest / "index.sqlite") if has_ledger and has_index else 0
    notes = list(plan.notes)
    if has_index and not _index_current(plan.dest / "index.sqlite"):
        has_index = False  # searched after a restore only once rebuilt from the ledger
        notes.append("index_outdated")
    check = snapshot_check(plan.dest, on, has_ledger, has_index)
    if has_ledger:
        missing = missing_derived(plan.dest / "ledger.sqlite", plan.dest / "derived",
                                   derived_prefixes(plan.data_dir))
        check["derived_missing"] = missing
    if "web.sqlite" in plan.databases:
        from web.audit import check_file

        # The trail's length and last hash, kept apart from it: a tail cut off later shows against these.
        audit = check_file(plan.dest / "web.sqlite")
        check["audit"] = {"lines": audit.lines, "head": audit.head, "ok": audit.ok}
    for name in plan.databases:
        _finalize_database(plan.dest / name)
    entries = [file_entry(plan.dest, n) for n in plan.databases] + entries
    write_manifest(plan.dest, {
        "format": FORMAT, "version": FORMAT_VERSION, "sohoa": __version__,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "data_dir": str(plan.data_dir), "derived_prefixes": derived_prefixes(plan.data_dir),
        "ledger": plan.ledger if has_ledger else f"{plan.ledger} (not in the backup)",
        "index": plan.index, "notes": notes,
        "files": [vars(e) for e in entries], "check": check,
    })
    return BackupResult(plan.dest, tuple(entries), check, tuple(notes), requeued)

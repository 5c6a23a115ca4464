"""Back up a data directory, restore it, and check that the copy answers the same.

A backup is one folder::

    ledger.sqlite   the ledger (SQLite's online backup API: a consistent snapshot
                    even while an ingest writes or holds a write transaction)
    index.sqlite    the embedded index, the same way (not an Elasticsearch index:
                    that one is rebuilt from the ledger with ``sohoa reindex``)
    web.sqlite      web accounts, when present
    derived/…       restored pages and OCR words; reports/… when present
    manifest.json   written last: every file's path, size and SHA-256, and the
                    values of the check (counts and searches) at backup time

A folder without ``manifest.json`` is an unfinished backup. Restoring verifies
every file against the manifest, copies them into the data directory, points
the ledger's derived-file paths at their new place, then opens the restored
ledger and index and compares their counts (records by type × year × status
on the backup's date, computed as :mod:`pipeline.report` does) and a handful
of searches with the values the manifest recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sohoa import __version__
from sohoa.errors import SohoaError
from sohoa.settings import Settings

__all__ = [
    "MANIFEST", "BackupError", "FileEntry", "BackupPlan", "BackupResult", "CheckItem", "RestoreResult",
    "plan_backup", "backup_database", "copy_file", "file_entry", "write_manifest", "read_manifest", "verify_files",
    "snapshot_check", "compare_check", "run_backup", "run_restore", "backup_summary", "restore_summary",
]

MANIFEST = "manifest.json"
FORMAT = "sohoa-backup"
FORMAT_VERSION = 1
DATABASES = ("ledger.sqlite", "index.sqlite", "web.sqlite")
TREES = ("derived", "reports")
#: Records whose subject and number are searched for by the check.
SAMPLE_RECORDS = 5
_HITS = 10


class BackupError(SohoaError):
    """A backup cannot be made, read or restored (the message says why)."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a backup: its path relative to the backup folder, size and SHA-256."""

    path: str
    size: int
    sha256: str


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


@dataclass(frozen=True)
class CheckItem:
    """One comparison of the restore check."""

    what: str
    ok: bool
    detail: str = ""


@dataclass
class RestoreResult:
    """What a restore copied and how its check went."""

    target: Path
    files: int
    items: list[CheckItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every comparison of the check matched."""
        return all(i.ok for i in self.items)


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


def copy_file(src: Path, dest: Path, chunk: int = 1 << 20) -> tuple[int, str]:
    """Copy a file, hashing what is written; returns its size and SHA-256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with src.open("rb") as fin, dest.open("wb") as fout:
        while block := fin.read(chunk):
            digest.update(block)
            fout.write(block)
            size += len(block)
    return size, digest.hexdigest()


def file_entry(root: Path, rel: str) -> FileEntry:
    """The manifest entry of a file already in place."""
    path = root / rel
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return FileEntry(rel, path.stat().st_size, digest)


def _tree_files(root: Path, tree: str) -> Iterator[str]:
    """Files of a tree, relative to ``root``, in a stable order; half-written temporaries are skipped."""
    for dirpath, dirnames, filenames in os.walk(root / tree):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.startswith("."):  # ocr.pages.write_atomic's temporaries
                yield (Path(dirpath) / name).relative_to(root).as_posix()


def write_manifest(dest: Path, manifest: dict[str, object]) -> None:
    """Write ``manifest.json`` atomically and durably: its presence means the backup is complete."""
    tmp = dest / f".{MANIFEST}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest / MANIFEST)


def read_manifest(src: Path) -> dict[str, object]:
    """The manifest of a backup folder.

    Raises:
        BackupError: no manifest (an unfinished backup or not a backup), or
            one that cannot be read.
    """
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(f"thiếu {MANIFEST}: bản sao lưu chưa hoàn tất hoặc không phải bản sao lưu của sohoa "
                          f"(no {MANIFEST}: the backup is unfinished or this is not a sohoa backup)", path=str(src))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{MANIFEST} cannot be read ({exc})", path=str(src)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not a sohoa backup manifest", path=str(src))
    if int(manifest.get("version", 0)) > FORMAT_VERSION:
        raise BackupError(f"backup format {manifest.get('version')} is newer than this sohoa", path=str(src))
    return manifest


def verify_files(root: Path, entries: list[dict[str, object]]) -> list[str]:
    """Problems of the files of a backup or restored copy against their manifest entries (empty: all good)."""
    problems = []
    for e in entries:
        rel = str(e["path"])
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel}: thiếu tệp (missing)")
            continue
        got = file_entry(root, rel)
        if got.size != e["size"]:
            problems.append(f"{rel}: {got.size} bytes, the manifest says {e['size']}")
        elif got.sha256 != e["sha256"]:
            problems.append(f"{rel}: SHA-256 khác manifest, tệp bị hỏng (SHA-256 differs from the manifest: the file is damaged)")
    return problems


# -- the check: counts and searches ------------------------------------------


def _ledger_values(path: Path, on: dt.date) -> dict[str, object]:
    from pipeline.ledger import Ledger
    from pipeline.report import build_report

    with Ledger(path) as ledger:
        cube = build_report(ledger, on).cube
        totals = {t: int(ledger.query(f"SELECT count(*) FROM {t}")[0][0])
                  for t in ("batches", "files", "pages", "records")}
    return {"totals": totals, "cube": sorted([t, y, s, n] for (t, y, s), n in cube.items())}


def _index_values(path: Path, on: dt.date) -> dict[str, object]:
    from indexing.sqlite_fts import SqliteIndex

    index = SqliteIndex(path)
    try:
        return {"doc_count": index.doc_count(),
                "counts": [[c.type, c.year, c.status, c.count] for c in index.counts(on)]}
    finally:
        index.close()


def _samples(ledger: Path | None, index: Path | None, n: int = SAMPLE_RECORDS) -> list[tuple[str, str, str]]:
    """``(key, subject, number)`` of up to ``n`` records spread over the ledger (or the index)."""
    rows: list[tuple[str, str, str]] = []
    if ledger is not None:
        conn = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
        try:
            rows = [(k, s or "", m or "") for k, s, m in conn.execute(
                "SELECT key, subject, number FROM records WHERE duplicate_of IS NULL "
                "AND (coalesce(subject, '') != '' OR coalesce(number, '') != '') ORDER BY id")]
        finally:
            conn.close()
    elif index is not None:
        from indexing.sqlite_fts import SqliteIndex

        idx = SqliteIndex(index)
        try:
            rows = [(h.key, str(h.doc.get("subject") or ""), str(h.doc.get("number") or ""))
                    for h in idx.search("", limit=200).hits]
        finally:
            idx.close()
    if len(rows) <= n:
        return rows
    step = len(rows) / n
    return [rows[int(i * step)] for i in range(n)]


def _searches(index: Path, samples: list[tuple[str, str, str]], recorded: bool) -> list[dict[str, object]]:
    from indexing.sqlite_fts import SqliteIndex

    idx = SqliteIndex(index)
    out: list[dict[str, object]] = []
    try:
        for key, subject, number in samples:
            for kind, query in (("search", subject), ("lookup", number)):
                if not query:
                    continue
                res = idx.search(query, limit=_HITS) if kind == "search" else idx.lookup(query, limit=_HITS)
                out.append({"kind": kind, "query": query, "key": key,
                            "total": res.total if recorded else None,
                            "keys": [h.key for h in res.hits] if recorded else None})
    finally:
        idx.close()
    return out


def snapshot_check(root: Path, on: dt.date, has_ledger: bool, has_index: bool) -> dict[str, object]:
    """The values a restored copy must give again: counts on ``on`` and sample searches.

    Args:
        root: A folder with ``ledger.sqlite`` and/or ``index.sqlite`` (the backup itself).
        on: The date statuses are computed on (the backup's day).
        has_ledger: Whether the folder holds the ledger.
        has_index: Whether it holds the embedded index; without it the
            searches only record which record each must find.
    """
    ledger = root / "ledger.sqlite" if has_ledger else None
    index = root / "index.sqlite" if has_index else None
    samples = _samples(ledger, index)
    return {
        "on": on.isoformat(),
        "ledger": _ledger_values(ledger, on) if ledger else None,
        "index": _index_values(index, on) if index else None,
        "searches": _searches(index, samples, True) if index else [
            {"kind": k, "query": q, "key": key, "total": None, "keys": None}
            for key, s, m in samples for k, q in (("search", s), ("lookup", m)) if q],
    }


def _index_current(path: Path) -> bool:
    """Whether the embedded index at ``path`` has this sohoa's schema."""
    from indexing.sqlite_fts import SqliteIndex
    from sohoa.errors import IndexSchemaError

    try:
        SqliteIndex(path).close()
    except IndexSchemaError:
        return False
    return True


def _diff(a: object, b: object) -> str:
    return f"{json.dumps(a, ensure_ascii=False)[:200]} ≠ {json.dumps(b, ensure_ascii=False)[:200]}"


def compare_check(root: Path, expected: dict[str, object]) -> list[CheckItem]:
    """Open the ledger and index under ``root`` and compare them with ``expected`` (a manifest's check)."""
    on = dt.date.fromisoformat(str(expected["on"]))
    items: list[CheckItem] = []
    if expected.get("ledger") is not None:
        got = _ledger_values(root / "ledger.sqlite", on)
        want = expected["ledger"]
        assert isinstance(want, dict)
        items.append(CheckItem("ledger_totals", got["totals"] == want["totals"],
                               "" if got["totals"] == want["totals"] else _diff(got["totals"], want["totals"])))
        items.append(CheckItem("ledger_cube", got["cube"] == want["cube"],
                               f"{len(got['cube'])}" if got["cube"] == want["cube"]
                               else _diff(got["cube"], want["cube"])))
    index = root / "index.sqlite"
    if expected.get("index") is not None:
        got_i = _index_values(index, on)
        want_i = expected["index"]
        same = got_i == want_i
        items.append(CheckItem("index_counts", same, f"{got_i['doc_count']}" if same else _diff(got_i, want_i)))
    searches = list(expected.get("searches") or [])  # type: ignore[call-overload]
    if searches and index.is_file():
        samples = [(str(s["key"]), str(s["query"]) if s["kind"] == "search" else "",
                    str(s["query"]) if s["kind"] == "lookup" else "") for s in searches]
        got_s = _searches(index, samples, True)
        bad = []
        for want_s, g in zip(searches, got_s):
            if want_s.get("total") is not None:
                ok = (g["total"], g["keys"]) == (want_s["total"], want_s["keys"])
            else:
                ok = want_s["key"] in (g["keys"] or [])
            if not ok:
                bad.append(f"{want_s['kind']} {want_s['query']!r}: {g['total']} / {want_s['total']}")
        items.append(CheckItem("searches", not bad, "; ".join(bad) if bad else f"{len(searches)}"))
    return items


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
        for rel in _tree_files(plan.data_dir, tree):
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
        missing = _missing_derived(plan.dest / "ledger.sqlite", plan.dest / "derived",
                                   _derived_prefixes(plan.data_dir))
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
        "data_dir": str(plan.data_dir), "derived_prefixes": _derived_prefixes(plan.data_dir),
        "ledger": plan.ledger if has_ledger else f"{plan.ledger} (not in the backup)",
        "index": plan.index, "notes": notes,
        "files": [vars(e) for e in entries], "check": check,
    })
    return BackupResult(plan.dest, tuple(entries), check, tuple(notes), requeued)


# -- derived paths ------------------------------------------------------------------


def _derived_prefixes(data_dir: Path) -> list[str]:
    """How the ledger may spell the derived folder (as configured, and resolved)."""
    raw = str(data_dir / "derived")
    resolved = str((data_dir / "derived").resolve())
    return [raw] if raw == resolved else [raw, resolved]


def _relative(path: str, prefixes: list[str]) -> str | None:
    for prefix in prefixes:
        if path.startswith(prefix + os.sep):
            return path[len(prefix) + 1:]
    return None


def _missing_derived(ledger: Path, derived: Path, prefixes: list[str]) -> int:
    """Derived files the ledger's pages name that are not under ``derived``."""
    conn = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        paths = [p for row in conn.execute("SELECT image_path, words_path FROM pages") for p in row if p]
    finally:
        conn.close()
    missing = 0
    for p in paths:
        rel = _relative(p, prefixes)
        if rel is None or not (derived / rel).is_file():
            missing += 1
    return missing


def _relocate(ledger: Path, old: list[str], new: Path) -> int:
    """Point the restored ledger's derived-file paths at the new data directory's ``derived``."""
    conn = sqlite3.connect(str(ledger), isolation_level=None, timeout=60)
    changed = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        for pid, image, words in conn.execute("SELECT id, image_path, words_path FROM pages").fetchall():
            moved = [str(new / rel) if p and (rel := _relative(p, old)) else p for p in (image, words)]
            if moved != [image, words]:
                conn.execute("UPDATE pages SET image_path=?, words_path=? WHERE id=?", (*moved, pid))
                changed += 1
        conn.execute("COMMIT")
    finally:
        conn.close()
    return changed


# -- restore -------------------------------------------------------------------------


def _clear_target(target: Path) -> None:
    """Remove what a restore replaces: the databases (with their journals) and the trees."""
    for name in DATABASES:
        for suffix in ("", "-wal", "-shm", "-journal"):
            (target / f"{name}{suffix}").unlink(missing_ok=True)
    for tree in TREES:
        if (target / tree).is_dir():
            shutil.rmtree(target / tree)


def run_restore(src: Path, settings: Settings, force: bool = False) -> RestoreResult:
    """Verify a backup, copy it into ``settings.data_dir`` and check the restored copy.

    Raises:
        BackupError: no or unreadable manifest, damaged or missing files, or
            a non-empty target without ``force``.
    """
    manifest = read_manifest(src)
    target = settings.data_dir
    if target.exists() and any(target.iterdir()) and not force:
        raise BackupError("thư mục dữ liệu không trống: hãy khôi phục vào thư mục trống, hoặc thêm --force để thay "
                          "sổ cái, chỉ mục và tệp phái sinh (the data directory is not empty: restore into an "
                          "empty one, or add --force to replace its ledger, index and derived files)", path=str(target))
    entries = list(manifest["files"])  # type: ignore[call-overload]
    if problems := verify_files(src, entries):
        raise BackupError("bản sao lưu bị hỏng / the backup is damaged: " + "; ".join(problems[:10])
                          + (f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""), path=str(src))
    target.mkdir(parents=True, exist_ok=True)
    _clear_target(target)
    result = RestoreResult(target, 0)
    for e in entries:
        size, digest = copy_file(src / str(e["path"]), target / str(e["path"]))
        if (size, digest) != (e["size"], e["sha256"]):
            raise BackupError(f"{e['path']} changed while it was copied", path=str(src))
        result.files += 1
    check = dict(manifest["check"])  # type: ignore[call-overload]
    has_ledger = (target / "ledger.sqlite").is_file()
    if has_ledger:
        _relocate(target / "ledger.sqlite", list(manifest.get("derived_prefixes") or []),  # type: ignore[call-overload]
                  settings.data_dir / "derived")
    if check.get("index") is None and has_ledger:
        result.notes.append("index_rebuilt")
        _rebuild_index(target)
    result.notes += [str(n) for n in manifest.get("notes") or []]  # type: ignore[union-attr]
    result.items = compare_check(target, check)
    if has_ledger and "derived_missing" in check:
        got = _missing_derived(target / "ledger.sqlite", target / "derived", [str(settings.data_dir / "derived")])
        result.items.append(CheckItem("derived_files", got == check["derived_missing"],
                                      f"{got} / {check['derived_missing']}"))
    if isinstance(check.get("audit"), dict) and (target / "web.sqlite").is_file():
        from web.audit import check_file

        trail, want = check_file(target / "web.sqlite"), check["audit"]
        same = trail.ok and (trail.lines, trail.head) == (want["lines"], want["head"])
        result.items.append(CheckItem("audit_trail", same, f"{trail.lines}" if same else
                                      f"{trail.lines} {trail.head[:12]} / {want['lines']} {str(want['head'])[:12]}"))
    return result


def _rebuild_index(target: Path) -> int:
    """Build the embedded index of a restored data directory from its ledger (duplicates left out)."""
    from indexing import rebuild_index, to_index_doc
    from pipeline.ledger import Ledger

    with Ledger(target / "ledger.sqlite") as ledger:
        return rebuild_index(f"sqlite:///{(target / 'index.sqlite').resolve()}",
                             ([to_index_doc(r) for r in chunk if r.duplicate_of is None]
                              for chunk in ledger.iter_records()))


# -- summaries for people --------------------------------------------------------------

_TEXT = {
    "vi": {
        "backup": "Đã sao lưu {data} vào {dest}: {dbs} cơ sở dữ liệu, {files} tệp, {size}; manifest.json ghi sau cùng.",
        "totals": "Sổ cái: {records} hồ sơ, {pages} trang, {files} tệp gốc, {batches} lô (ngày đối chiếu {on}).",
        "requeued": "{n} hồ sơ được ghi nhận là cần đưa lại vào chỉ mục (một lần nhập đang chạy khi sao lưu).",
        "ledger_pg": "Sổ cái nằm trên PostgreSQL: hãy sao lưu nó bằng pg_dump; bản sao này chỉ có các tệp còn lại.",
        "index_es": "Chỉ mục là Elasticsearch: không sao lưu; dựng lại từ sổ cái bằng `sohoa reindex`.",
        "index_rebuilt": "Chỉ mục nhúng đã được dựng lại từ sổ cái đã khôi phục.",
        "index_outdated": "Chỉ mục nhúng có lược đồ cũ: khi khôi phục sẽ được dựng lại từ sổ cái.",
        "restored": "Đã khôi phục {files} tệp từ {src} vào {target}.",
        "ledger_totals": "Số lô, tệp, trang, hồ sơ trong sổ cái",
        "ledger_cube": "Số hồ sơ theo loại × năm × tình trạng",
        "index_counts": "Số bản ghi của chỉ mục theo loại × năm × tình trạng",
        "searches": "Các tìm kiếm mẫu",
        "derived_files": "Tệp phái sinh mà sổ cái trỏ tới (thiếu)",
        "audit_trail": "Nhật ký truy cập (số dòng, chuỗi mã băm)",
        "ok": "khớp", "bad": "KHÔNG KHỚP",
        "pass": "Kiểm tra đạt: bản khôi phục cho cùng số liệu và kết quả tìm kiếm như lúc sao lưu.",
        "fail": "Kiểm tra KHÔNG đạt: bản khôi phục khác với lúc sao lưu.",
    },
    "en": {
        "backup": "Backed up {data} into {dest}: {dbs} databases, {files} files, {size}; manifest.json written last.",
        "totals": "Ledger: {records} records, {pages} pages, {files} source files, {batches} batches (check date {on}).",
        "requeued": "{n} records marked for re-indexing (an ingest was running during the backup).",
        "ledger_pg": "The ledger is on PostgreSQL: back it up with pg_dump; this backup holds the other files only.",
        "index_es": "The index is Elasticsearch: not backed up; rebuild it from the ledger with `sohoa reindex`.",
        "index_rebuilt": "The embedded index was rebuilt from the restored ledger.",
        "index_outdated": "The embedded index has an older schema: a restore rebuilds it from the ledger.",
        "restored": "Restored {files} files from {src} into {target}.",
        "ledger_totals": "Batches, files, pages, records in the ledger",
        "ledger_cube": "Records by type × year × status",
        "index_counts": "Index documents by type × year × status",
        "searches": "Sample searches",
        "derived_files": "Derived files the ledger names (missing)",
        "audit_trail": "Access log (lines, hash chain)",
        "ok": "match", "bad": "MISMATCH",
        "pass": "Check passed: the restored copy gives the same counts and search results as at backup time.",
        "fail": "Check FAILED: the restored copy differs from the backup.",
    },
}


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def backup_summary(result: BackupResult, data_dir: Path, lang: str = "vi") -> str:
    """What a backup did, for people."""
    t = _TEXT[lang]
    dbs = sum(1 for f in result.files if f.path in DATABASES)
    lines = [t["backup"].format(data=data_dir, dest=result.dest, dbs=dbs, files=len(result.files),
                                size=_size(result.bytes))]
    ledger = result.check.get("ledger")
    if isinstance(ledger, dict):
        lines.append(t["totals"].format(on=result.check["on"], **ledger["totals"]))
    if result.requeued:
        lines.append(t["requeued"].format(n=result.requeued))
    lines += [t[n] for n in result.notes if n in t]
    return "\n".join(lines)


def restore_summary(result: RestoreResult, src: Path, lang: str = "vi") -> str:
    """What a restore did and how each comparison of its check went, for people."""
    t = _TEXT[lang]
    lines = [t["restored"].format(files=result.files, src=src, target=result.target)]
    lines += [t[n] for n in result.notes if n in t]
    for item in result.items:
        lines.append(f"- {t.get(item.what, item.what)}: {t['ok'] if item.ok else t['bad']}"
                     + (f" ({item.detail})" if item.detail else ""))
    lines.append(t["pass"] if result.ok else t["fail"])
    return "\n".join(lines)

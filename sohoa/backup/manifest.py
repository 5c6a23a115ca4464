"""A backup folder's format: the files it holds, ``manifest.json``, and the check of those files against it.

A backup is one folder::

    ledger.sqlite   the ledger (SQLite's online backup API: a consistent snapshot
                    even while an ingest writes or holds a write transaction)
    index.sqlite    the embedded index, the same way (not an Elasticsearch index:
                    that one is rebuilt from the ledger with ``sohoa reindex``)
    web.sqlite      web accounts, when present
    derived/…       restored pages and OCR words; reports/… when present
    manifest.json   written last: every file's path, size and SHA-256, and the
                    values of the check (counts and searches) at backup time

A folder without ``manifest.json`` is an unfinished backup.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import SohoaError

__all__ = [
    "MANIFEST", "FORMAT", "FORMAT_VERSION", "DATABASES", "TREES", "BackupError", "FileEntry",
    "copy_file", "file_entry", "write_manifest", "read_manifest", "verify_files",
]

MANIFEST = "manifest.json"
FORMAT = "sohoa-backup"
FORMAT_VERSION = 1
DATABASES = ("ledger.sqlite", "index.sqlite", "web.sqlite")
TREES = ("derived", "reports")


class BackupError(SohoaError):
    """A backup cannot be made, read or restored (the message says why)."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a backup: its path relative to the backup folder, size and SHA-256."""

    path: str
    size: int
    sha256: str


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

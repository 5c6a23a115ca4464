"""Restoring a backup: verify it against its manifest, copy it into a data directory, check the copy.

The ledger's derived-file paths are pointed at their new place; the
restored ledger and index must then give the counts and searches the
manifest recorded (:mod:`sohoa.backup.check`).
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.backup.check import CheckItem, compare_check, derived_relative, missing_derived
from sohoa.backup.manifest import DATABASES, TREES, BackupError, copy_file, read_manifest, verify_files
from core.settings import Settings

__all__ = ["RestoreResult", "run_restore"]


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


def _clear_target(target: Path) -> None:
    """Remove what a restore replaces: the databases (with their journals) and the trees."""
    for name in DATABASES:
        for suffix in ("", "-wal", "-shm", "-journal"):
            (target / f"{name}{suffix}").unlink(missing_ok=True)
    for tree in TREES:
        if (target / tree).is_dir():
            shutil.rmtree(target / tree)


def _relocate(ledger: Path, old: list[str], new: Path) -> int:
    """Point the restored ledger's derived-file paths at the new data directory's ``derived``."""
    conn = sqlite3.connect(str(ledger), isolation_level=None, timeout=60)
    changed = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        for pid, image, words in conn.execute("SELECT id, image_path, words_path FROM pages").fetchall():
            moved = [str(new / rel) if p and (rel := derived_relative(p, old)) else p for p in (image, words)]
            if moved != [image, words]:
                conn.execute("UPDATE pages SET image_path=?, words_path=? WHERE id=?", (*moved, pid))
                changed += 1
        conn.execute("COMMIT")
    finally:
        conn.close()
    return changed


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
        got = missing_derived(target / "ledger.sqlite", target / "derived", [str(settings.data_dir / "derived")])
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
    from ledger import Ledger

    with Ledger(target / "ledger.sqlite") as ledger:
        return rebuild_index(f"sqlite:///{(target / 'index.sqlite').resolve()}",
                             ([to_index_doc(r) for r in chunk if r.duplicate_of is None]
                              for chunk in ledger.iter_records()))

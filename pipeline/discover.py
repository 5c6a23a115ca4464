"""Find the files of a batch and fingerprint them by content."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Discovered", "discover", "sha256_file"]


@dataclass(frozen=True)
class Discovered:
    """A path found for a batch, or the reason it cannot be used."""

    path: Path
    problem: str | None = None


def discover(paths: Iterable[Path]) -> list[Discovered]:
    """Every regular file under ``paths``, sorted, hidden files skipped.

    Args:
        paths: Files and folders named by the archivist.

    Returns:
        One entry per file; a path that does not exist or is not a regular
        file comes back with a ``problem`` so it can be reported.
    """
    found: dict[Path, Discovered] = {}
    for root in paths:
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                rel = p.relative_to(root).parts
                if any(part.startswith(".") for part in rel):
                    continue
                if p.is_file() and not p.is_symlink():
                    found.setdefault(p, Discovered(p))
        elif root.is_file():
            found.setdefault(root, Discovered(root))
        elif root.exists():
            found.setdefault(root, Discovered(root, "not a regular file"))
        else:
            found.setdefault(root, Discovered(root, "no such file or folder"))
    return sorted(found.values(), key=lambda d: str(d.path))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file's content, read in chunks (originals are only read)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()

"""The check of a backup: the counts and searches it records, which a restored copy must give again.

At backup time the copy's ledger and index are opened and their counts
(records by type × year × status on the backup's date, computed as
:mod:`reporting.report` does) and a handful of searches go into the manifest;
after a restore the same are computed on the restored copy and compared.
The derived files the ledger names are counted too (how many are missing).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SAMPLE_RECORDS", "CheckItem", "snapshot_check", "compare_check",
    "derived_prefixes", "derived_relative", "missing_derived",
]

#: Records whose subject and number are searched for by the check.
SAMPLE_RECORDS = 5
_HITS = 10


@dataclass(frozen=True)
class CheckItem:
    """One comparison of the restore check."""

    what: str
    ok: bool
    detail: str = ""


# -- counts and searches ---------------------------------------------------


def _ledger_values(path: Path, on: dt.date) -> dict[str, object]:
    from ledger import Ledger
    from reporting.report import build_report

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


# -- derived files -----------------------------------------------------------


def derived_prefixes(data_dir: Path) -> list[str]:
    """How the ledger may spell the derived folder of ``data_dir`` (as configured, and resolved).

    Args:
        data_dir: The data directory.

    Returns:
        One spelling, or two when resolving the path changes it.
    """
    raw = str(data_dir / "derived")
    resolved = str((data_dir / "derived").resolve())
    return [raw] if raw == resolved else [raw, resolved]


def derived_relative(path: str, prefixes: list[str]) -> str | None:
    """Where a derived file lies inside the derived folder, whichever of its spellings the path starts with.

    Args:
        path: A derived file's path as the ledger holds it.
        prefixes: The derived folder's spellings (:func:`derived_prefixes`).

    Returns:
        The path relative to the derived folder, or None when it is not inside it.
    """
    for prefix in prefixes:
        if path.startswith(prefix + os.sep):
            return path[len(prefix) + 1:]
    return None


def missing_derived(ledger: Path, derived: Path, prefixes: list[str]) -> int:
    """How many derived files the ledger's pages name are not under ``derived``.

    Args:
        ledger: A ledger database file (opened read-only).
        derived: The derived folder the files should be in.
        prefixes: How the ledger spells the derived folder (:func:`derived_prefixes`).
    """
    conn = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        paths = [p for row in conn.execute("SELECT image_path, words_path FROM pages") for p in row if p]
    finally:
        conn.close()
    missing = 0
    for p in paths:
        rel = derived_relative(p, prefixes)
        if rel is None or not (derived / rel).is_file():
            missing += 1
    return missing

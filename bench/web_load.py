"""Clerks searching while an archivist ingests: the web app's latency under load, on this machine only.

Usage (self-contained: the data dir is built in a temp dir)::

    .venv/bin/python -m bench.web_load [--clerks 20] [--seconds 60] [--index-records 100000] [--box 50] [--seed 71]

It ingests the committed samples (``samples/scans``) into a fresh data dir,
adds ``--index-records`` synthetic records to its embedded index (those of
``bench/index_scale.py``: the search runs over an office's archive, the
record pages open the ingested ones), adds a clerk's account, serves the app with ``sohoa serve`` on a free local
port, and runs Locust headless (``bench/locust_clerks.py``: ``--clerks``
sessions, each logging in, then searching for people and numbers with and
without diacritics, opening records and page images, 1-3 s between clicks)
twice for ``--seconds`` each, in the same run:

- **idle**: nothing else runs (the baseline);
- **during an ingest**: ``sohoa ingest`` of a fresh generated box of
  ``--box`` records (seed ``--seed``) runs on the same two cores the whole time.

It prints, per kind of request and phase, the requests, the failures, the
median and the 95th percentile (Locust's), and whether the target holds: p95
under 300 ms for search and record pages, no failure. The server's and
Locust's own output go to ``<temp>/logs``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
#: The requests the target is about (a page a clerk waits for).
PAGES = ("/search?q=…", "/records/[key]")
USER, PASSWORD = "tracuu", "tra-cuu-tai-ban-2024"


def _sohoa(data: Path, *args: str, log: Path | None = None, wait: bool = True) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data)}
    for name in ("SOHOA_INDEX_URL", "SOHOA_LEDGER_URL", "SOHOA_RUNNER"):
        env.pop(name, None)
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "sohoa.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    if wait and proc.wait() != 0:
        raise SystemExit(f"sohoa {' '.join(args)} failed (exit {proc.returncode}); see {log}")
    return proc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the web app did not answer at {url}") from None
            time.sleep(0.3)


def _add_records(data: Path, n: int) -> None:
    """``n`` synthetic records in the data dir's embedded index (as ``bench/index_scale.py`` makes them)."""
    from bench.index_scale import generate
    from indexing import open_index

    index = open_index(f"sqlite:///{(data / 'index.sqlite').resolve()}")
    try:
        batch: list[dict[str, object]] = []
        for doc in generate(n):
            batch.append(doc)
            if len(batch) == 5000:
                index.write(batch)
                batch = []
        if batch:
            index.write(batch)
    finally:
        index.close()


def _load_data(data: Path, out: Path, synthetic: int) -> int:
    """What the clerks look for: each record's key and pages; its person or school, with and without
    diacritics, and its number, and as many of the synthetic records'. Returns the number of records."""
    from bench.index_scale import doc_at
    from pipeline.folding import fold

    with sqlite3.connect(data / "ledger.sqlite") as conn:
        rows = conn.execute("SELECT key, pages, subject, number FROM records").fetchall()
    records = [(key, json.loads(pages) if isinstance(pages, str) else [1]) for key, pages, _, _ in rows]
    others = [doc_at(i * max(1, synthetic // 200)) for i in range(min(200, synthetic))]
    rows += [(None, None, str(d["subject"]), str(d["number"])) for d in others]
    queries = sorted({q for _, _, subject, number in rows for q in (subject, fold(subject or ""), number) if q})
    out.write_text(json.dumps({"user": USER, "password": PASSWORD, "records": records, "queries": queries},
                              ensure_ascii=False), encoding="utf-8")
    return len(records)


def _locust(base: str, data_file: Path, clerks: int, seconds: int, prefix: Path) -> dict[str, dict[str, float]]:
    """Run Locust headless; per request name: requests, failures, median and p95 (ms)."""
    env = {**os.environ, "SOHOA_LOAD_DATA": str(data_file)}
    subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_clerks.py"), "--headless",
                    "-u", str(clerks), "-r", str(clerks), "-t", f"{seconds}s", "--host", base, "--csv", str(prefix),
                    "--only-summary", "--loglevel", "WARNING"], env=env, check=False,
                   stdout=open(f"{prefix}.log", "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
    stats: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            stats[row["Name"]] = {"requests": float(row["Request Count"]), "failures": float(row["Failure Count"]),
                                  "p50": float(row["50%"] or 0), "p95": float(row["95%"] or 0)}
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clerks", type=int, default=20, help="simulated clerks at once (default 20)")
    ap.add_argument("--seconds", type=int, default=60, help="length of each phase (default 60)")
    ap.add_argument("--index-records", type=int, default=100_000,
                    help="synthetic records added to the index, searched too (default 100000)")
    ap.add_argument("--box", type=int, default=50, help="records of the box ingested meanwhile (default 50)")
    ap.add_argument("--seed", type=int, default=71, help="generator seed of that box (default 71)")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="sohoa-web-load-"))
    logs = tmp / "logs"
    logs.mkdir()
    data = tmp / "data"
    print(f"building the data dir (samples ingested) in {tmp} …", flush=True)
    _sohoa(data, "ingest", str(ROOT / "samples" / "scans"), "--batch", "mau", "--no-progress",
           log=logs / "ingest-samples.log")
    subprocess.run([sys.executable, "-m", "samples.generate", "--out", str(tmp / "box"), "--records", str(args.box),
                    "--seed", str(args.seed), "--layout", "images", "--jobs", "1"], check=True,
                   stdout=subprocess.DEVNULL)
    from web.auth import WebStore

    store = WebStore(data / "web.sqlite")
    store.add_user(USER, "clerk", PASSWORD)
    store.close()
    if args.index_records:
        print(f"adding {args.index_records} synthetic records to the index …", flush=True)
        _add_records(data, args.index_records)
    records = _load_data(data, tmp / "load.json", args.index_records)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _sohoa(data, "serve", "--port", str(port), log=logs / "serve.log", wait=False)
    try:
        _wait_up(f"{base}/login")
        print(f"{records} records ingested, {records + args.index_records} indexed; {args.clerks} clerks, "
              f"{args.seconds} s a phase", flush=True)
        idle = _locust(base, tmp / "load.json", args.clerks, args.seconds, logs / "idle")
        ingest = _sohoa(data, "ingest", str(tmp / "box" / "scans"), "--batch", "hop-moi", "--no-progress",
                        log=logs / "ingest-box.log", wait=False)
        started = time.monotonic()
        ended: list[float] = []
        watcher = threading.Thread(target=lambda: (ingest.wait(), ended.append(time.monotonic())), daemon=True)
        watcher.start()
        busy = _locust(base, tmp / "load.json", args.clerks, args.seconds, logs / "busy")
        phase_s = time.monotonic() - started
        watcher.join()
        ingest_s = ended[0] - started
    finally:
        server.terminate()
        server.wait(10)

    print(f"\nPython {platform.python_version()}, {os.cpu_count()} cores; the box's ingest ({args.box} records) took "
          f"{ingest_s:.0f} s from the start of the {phase_s:.0f} s phase\n")
    print("| request | phase | requests | failures | median ms | p95 ms |")
    print("|---|---|---:|---:|---:|---:|")
    ok = True
    for name in sorted(set(idle) | set(busy)):
        for phase, stats in (("idle", idle), ("during an ingest", busy)):
            s = stats.get(name)
            if not s:
                continue
            print(f"| {name} | {phase} | {s['requests']:.0f} | {s['failures']:.0f} | {s['p50']:.0f} | {s['p95']:.0f} |")
            if name in PAGES and (s["p95"] >= TARGET_MS or s["failures"]):
                ok = False
            if name == "Aggregated" and s["failures"]:
                ok = False
    print(f"\ntarget (p95 < {TARGET_MS} ms for search and record pages, no failure): {'met' if ok else 'NOT met'}")
    print(f"(logs: {logs})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

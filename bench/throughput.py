"""End-to-end ingest throughput against the floor of plain Tesseract, and OCRmyPDF.

Usage (self-contained: the page set is generated when the folder holds none)::

    python -m bench.throughput [SET] [--workers 1,2] [--no-ocrmypdf] [--ocrmypdf-pages N] [--stage-pages N]
                               [--no-server-rows]

``SET`` defaults to ``/tmp/sohoa-bench-tp``; when it has no ``ground_truth.json``
it is made with ``python -m samples.generate --out SET --records 52 --levels
heavy --layout images --seed 9 --jobs 2`` (63 heavy-damage pages, a few
minutes). For each worker count, in the same run on the same pages:

- **floor**: plain ``tesseract page.png - -l vie`` on every page, that many at a
  time (pages are decoded to PNG once beforehand, not timed);
- **sohoa**: ``sohoa ingest`` of the whole folder into a fresh data dir
  (Prefect flow, restoration, layout, OCR, records, ledger, index), once with
  the local Prefect API server each command starts, and once reporting to a
  Prefect server started before the timed runs (``prefect server start``, as
  an office would run it as a service; its CPU during the run is counted);
- **ocrmypdf** (when installed; ``apt-get install ocrmypdf unpaper``):
  ``ocrmypdf --jobs N --deskew --clean`` on one PDF of the pages (the first
  ``--ocrmypdf-pages`` of them: it is slow, and pages per minute is a rate).

Every run's process tree (the ingest process, its Tesseract and poppler
children, Prefect's temporary API server) is sampled with psutil every 50 ms:
the table gives the peak resident memory per worker (ingest process plus the
children alive at the same moment, divided by the workers; Prefect's server
apart) and the CPU seconds each kind of process used. The fixed cost of a
run is the ingest of an empty folder (imports, Prefect's server, the flow):
the first on a data dir, which starts the local Prefect server, and the
next ones, which find the server the first kept (``SOHOA_PREFECT_IDLE_MINUTES``).
Each timed ingest of the pages uses a fresh data dir, so it starts its
server: its fixed cost is the first one's.
Time per stage is measured in-process, one page at a time, on the first
``--stage-pages`` pages.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from PIL import Image

from flows.prefect_api import stop_shared

__all__ = ["TreeStats", "run_sampled", "ensure_set", "main"]

DEFAULT_SET = Path("/tmp/sohoa-bench-tp")
GENERATE = ["--records", "52", "--levels", "heavy", "--layout", "images", "--seed", "9", "--jobs", "2"]
MIN_PAGES = 60


@dataclass
class TreeStats:
    """What sampling a process tree saw: wall time, peak memory and CPU by kind of process."""

    seconds: float = 0.0
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    peak_work_rss: int = 0  # bytes: the root process plus its workers' children, at one moment
    peak_root_rss: int = 0
    peak_child_rss: int = 0  # the largest single Tesseract / poppler process
    peak_server_rss: int = 0  # Prefect's temporary API server
    cpu: Counter[str] = field(default_factory=Counter)


def _kind(cmdline: list[str]) -> str:
    exe = Path(cmdline[0]).name if cmdline else ""
    text = " ".join(cmdline)
    if exe.startswith("tesseract"):
        return "tesseract"
    if exe.startswith(("pdftoppm", "pdfinfo", "pdftocairo")):
        return "poppler"
    if "uvicorn" in text or "prefect.server" in text or "flows.api_server" in text:
        return "prefect server"
    return "python" if "python" in exe else exe or "other"


def run_sampled(cmd: Sequence[str], env: dict[str, str], *, every_s: float = 0.05) -> TreeStats:
    """Run ``cmd`` and sample its process tree's memory and CPU until it ends.

    CPU seconds are those of each process at its last sample, so a process
    loses at most ``every_s`` of its time; peaks are exact to the sample.
    """

    stats = TreeStats()
    cpu: dict[int, tuple[str, float]] = {}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(list(cmd), env=env, stdout=out, stderr=err)
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            work = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    times = p.cpu_times()
                    line = p.cmdline()
                except psutil.Error:
                    continue
                if p.pid != proc.pid and line == list(cmd):
                    continue  # forked, not yet the program it runs: the ingest's memory (570 MB), not its own
                # Asked at every sample, not remembered: its program may have changed since the last.
                kind = "ingest" if p.pid == proc.pid else _kind(line)
                cpu[p.pid] = (kind, times.user + times.system)
                if kind == "prefect server":
                    stats.peak_server_rss = max(stats.peak_server_rss, rss)
                    continue
                work += rss
                if p.pid == proc.pid:
                    stats.peak_root_rss = max(stats.peak_root_rss, rss)
                else:
                    stats.peak_child_rss = max(stats.peak_child_rss, rss)
            stats.peak_work_rss = max(stats.peak_work_rss, work)
            time.sleep(every_s)
        stats.seconds = time.perf_counter() - start
        stats.returncode = proc.returncode
        out.seek(0)
        err.seek(0)
        stats.stdout = out.read().decode("utf-8", "replace")
        stats.stderr = err.read().decode("utf-8", "replace")
    for kind, seconds in cpu.values():
        stats.cpu[kind] += seconds
    return stats


def ensure_set(root: Path, generate: Sequence[str] = GENERATE) -> None:
    """Generate the page set into ``root`` unless it is there already."""
    if (root / "ground_truth.json").exists():
        return
    print(f"generating the page set into {root} (python -m samples.generate {' '.join(generate)}) …", flush=True)
    subprocess.run([sys.executable, "-m", "samples.generate", "--out", str(root), *generate], check=True,
                   stdout=subprocess.DEVNULL)


def _extract_pages(root: Path, out: Path) -> list[Path]:
    from ocr.loader import inspect_file, load_page
    from core.settings import Settings

    truth = json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))
    settings = Settings()
    pages = []
    for f in truth["files"]:
        path = root / f["path"]
        info = inspect_file(path, settings.limits, settings.dpi)
        for p in f["pages"]:
            target = out / f"{path.stem}_p{p['page']:03d}.png"
            img = load_page(path, int(p["page"]), info, settings.limits, settings.dpi)
            Image.fromarray(img[..., ::-1] if img.ndim == 3 else img).save(target)
            pages.append(target)
    return pages


def _floor(pages: list[Path], workers: int) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(p: Path) -> None:
        subprocess.run(["tesseract", str(p), "-", "-l", "vie"], capture_output=True, check=True, env=env)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - start


def ingest_env(data: Path, workers: int, *, fresh: bool = True) -> dict[str, str]:
    """The environment of a bench ingest: a fresh data dir (unless not ``fresh``: the one a run before used,
    with the local Prefect server it kept), the embedded index, ``workers`` workers."""
    if fresh:
        stop_shared(data)
        shutil.rmtree(data, ignore_errors=True)
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_WORKERS": str(workers),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    for key in ("SOHOA_INDEX_URL", "SOHOA_LEDGER_URL", "SOHOA_RUNNER", "SOHOA_VERBOSE"):
        env.pop(key, None)
    return env


def _tree_cpu(proc: psutil.Process) -> float:
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


@contextmanager
def running_prefect_server() -> Iterator[tuple[str, psutil.Process]]:
    """Prefect's server started once, outside the timed runs, as an office would run it as a service.

    Yields:
        Its API URL, and its process (whose tree's CPU the runs are charged with).
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                             "--port", str(port), "--no-ui"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prefect server start failed ({proc.returncode})")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        yield url, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def ingest(folder: Path, workers: int, data: Path,
           server: tuple[str, psutil.Process] | None = None, *, fresh: bool = True) -> TreeStats:
    """``sohoa ingest`` of ``folder`` into a fresh data dir (see :func:`ingest_env`), sampled.

    With ``server`` (see :func:`running_prefect_server`) the run reports to
    it; the server's CPU during the run is counted as "prefect server".
    Without, the command starts the data dir's local server (or, not
    ``fresh``, finds the one a run before kept), whose CPU counts too while
    the command runs.
    """
    env = ingest_env(data, workers, fresh=fresh)
    if server:
        env["PREFECT_API_URL"] = server[0]
        before = _tree_cpu(server[1])
    stats = run_sampled([sys.executable, "-m", "sohoa.cli", "ingest", str(folder), "--batch", f"bench-{workers}",
                         "--no-progress"], env)
    if server:
        time.sleep(2)  # the server records the run's last events after the command returns
        stats.cpu["prefect server"] += _tree_cpu(server[1]) - before
    if stats.returncode not in (0, 2):
        raise RuntimeError(f"sohoa ingest failed ({stats.returncode}): {stats.stderr[-2000:]}")
    return stats


def _ocrmypdf(pages: list[Path], workers: int, work: Path) -> float:
    pdf = work / f"ocrmypdf-{len(pages)}.pdf"
    if not pdf.exists():
        imgs = [Image.open(p) for p in pages]
        imgs[0].save(pdf, save_all=True, append_images=imgs[1:], resolution=300)
    start = time.perf_counter()
    subprocess.run(["ocrmypdf", "-q", "-l", "vie", "--jobs", str(workers), "--deskew", "--clean",
                    "--force-ocr", str(pdf), str(work / "out.pdf")], check=True, capture_output=True,
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return time.perf_counter() - start


def stage_times(root: Path, limit: int) -> dict[str, float]:
    """Seconds per page of each stage of :func:`ocr.pages.read_page`, one page at a time, in-process."""
    import ocr.layout as layout
    import ocr.tesseract as tesseract
    from ocr.loader import inspect_file, load_page
    from ocr.derived import encode_jpeg, words_json
    from ocr.pages import knowledge
    from ocr.restore import restore_page, split_ink
    from core.settings import Settings

    settings = Settings()
    spent: Counter[str] = Counter()
    run = tesseract._run

    def timed_run(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        try:
            return run(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent["tesseract (process)"] += time.perf_counter() - t

    tesseract._run = timed_run  # type: ignore[assignment]
    truth = json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))
    n = 0
    try:
        for f in truth["files"]:
            path = root / f["path"]
            info = inspect_file(path, settings.limits, settings.dpi)
            for p in f["pages"]:
                if n == limit:
                    break
                t0 = time.perf_counter()
                gray, pen = split_ink(load_page(path, int(p["page"]), info, settings.limits, settings.dpi))
                t1 = time.perf_counter()
                restored = restore_page(gray, settings.restore, settings.tesseract, pen=pen)
                t2 = time.perf_counter()
                before = spent["tesseract (process)"]
                result = layout.read_page_text(restored.image, settings.tesseract, knowledge(settings))
                t3 = time.perf_counter()
                encode_jpeg(restored.image), words_json(result)
                t4 = time.perf_counter()
                spent["load + ink gray"] += t1 - t0
                spent["restore (incl. any OSD run)"] += t2 - t1
                spent["layout, OCR I/O, post-correction"] += (t3 - t2) - (spent["tesseract (process)"] - before)
                spent["derived JPEG + words JSON"] += t4 - t3
                n += 1
    finally:
        tesseract._run = run  # type: ignore[assignment]
    return {k: v / max(n, 1) for k, v in spent.items()} | {"pages": n}


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def _cpu(stats: TreeStats, pages: int) -> str:
    return ", ".join(f"{k} {v / pages:.2f}" for k, v in stats.cpu.most_common() if v >= 0.05)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", type=Path, nargs="?", default=DEFAULT_SET,
                    help=f"a folder made by `python -m samples.generate` (default {DEFAULT_SET}, made if missing)")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare (default: 1,2)")
    ap.add_argument("--no-ocrmypdf", action="store_true", help="do not time OCRmyPDF")
    ap.add_argument("--ocrmypdf-pages", type=int, default=0, help="OCRmyPDF on the first N pages only (0: all)")
    ap.add_argument("--stage-pages", type=int, default=10, help="pages timed stage by stage (0: none)")
    ap.add_argument("--no-server-rows", dest="server_rows", action="store_false",
                    help="leave out the runs reporting to a Prefect server started once beforehand")
    args = ap.parse_args(argv)
    ensure_set(args.set)
    has_ocrmypdf = not args.no_ocrmypdf and shutil.which("ocrmypdf") is not None
    with tempfile.TemporaryDirectory(prefix="sohoa-tp-") as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        (work / "pages").mkdir()
        (work / "empty").mkdir()
        pages = _extract_pages(args.set, work / "pages")
        n = len(pages)
        if n < MIN_PAGES:
            print(f"warning: {n} pages, fewer than the {MIN_PAGES} the benchmark is meant for")
        version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split()[1]
        print(f"{n} pages from {args.set}; {os.cpu_count()} cores; Tesseract {version}")
        if not args.no_ocrmypdf and not has_ocrmypdf:
            print("OCRmyPDF is not installed (apt-get install ocrmypdf unpaper): its rows are skipped")
        server = stack.enter_context(running_prefect_server()) if args.server_rows else None
        empty = ingest(work / "empty", 1, work / "data-empty")
        print(f"fixed cost of a run (sohoa ingest of an empty folder): {empty.seconds:.1f} s; CPU s: "
              + ", ".join(f"{k} {v:.1f}" for k, v in empty.cpu.most_common()))
        warm = [ingest(work / "empty", 1, work / "data-empty", fresh=False) for _ in range(3)]
        best = sorted(warm, key=lambda st: st.seconds)[1]
        print("the next runs on that data dir, its local Prefect server kept (median of 3): "
              f"{best.seconds:.1f} s; CPU s: " + ", ".join(f"{k} {v:.1f}" for k, v in best.cpu.most_common()))
        stop_shared(work / "data-empty")
        if server:
            empty = ingest(work / "empty", 1, work / "data-empty", server)
            print(f"the same with Prefect's server running: {empty.seconds:.1f} s; CPU s: "
                  + ", ".join(f"{k} {v:.1f}" for k, v in empty.cpu.most_common()))
        print()
        print("| workers | method | seconds | pages/min | vs floor | peak RSS per worker | "
              "ingest process / largest child / Prefect server | CPU s per page |")
        print("|---:|---|---:|---:|---:|---:|---|---|")
        for workers in (int(w) for w in args.workers.split(",")):
            floor = _floor(pages, workers)
            print(f"| {workers} | tesseract (floor) | {floor:.0f} | {60 * n / floor:.1f} | 1.00 | | | |", flush=True)
            for label, srv in (("sohoa ingest", None), ("sohoa ingest, Prefect server running", server)):
                if label.endswith("running") and not srv:
                    continue
                st = ingest(args.set / "scans", workers, work / f"data-{workers}", srv)
                stop_shared(work / f"data-{workers}")
                print(f"| {workers} | {label} | {st.seconds:.0f} | {60 * n / st.seconds:.1f} | "
                      f"{floor / st.seconds:.2f} | {_mb(st.peak_work_rss // workers)} | "
                      f"{_mb(st.peak_root_rss)} / {_mb(st.peak_child_rss)} / "
                      f"{_mb(st.peak_server_rss) if not srv else '(service)'} | {_cpu(st, n)} |", flush=True)
            if has_ocrmypdf:
                some = pages[: args.ocrmypdf_pages] if args.ocrmypdf_pages else pages
                om = _ocrmypdf(some, workers, work)
                rate = 60 * len(some) / om
                print(f"| {workers} | ocrmypdf --jobs {workers} --deskew --clean ({len(some)} pages) | {om:.0f} | "
                      f"{rate:.1f} | {rate / (60 * n / floor):.2f} | | | |", flush=True)
        if args.stage_pages:
            stages = stage_times(args.set, args.stage_pages)
            print(f"\nTime per stage, one page at a time ({stages.pop('pages'):.0f} pages), seconds per page:\n")
            print("| stage | s/page |\n|---|---:|")
            for name, seconds in stages.items():
                print(f"| {name} | {seconds:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

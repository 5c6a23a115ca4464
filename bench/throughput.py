"""End-to-end ingest throughput against the floor of plain Tesseract (and OCRmyPDF).

Usage::

    python -m samples.generate --out /tmp/tp --records 40 --levels heavy --layout images --seed 9 --jobs 2
    python -m bench.throughput /tmp/tp [--workers 1,2] [--ocrmypdf]

For each worker count, in the same run on the same pages:

- **floor**: plain ``tesseract page.png - -l vie`` on every page, that many at a
  time (pages are decoded to PNG once beforehand, not timed);
- **sohoa**: ``sohoa ingest`` of the whole folder into a fresh data dir
  (Prefect flow, restoration, layout, OCR, records, ledger, index);
- **ocrmypdf** (with ``--ocrmypdf``, when installed): ``ocrmypdf --jobs N
  --deskew --clean`` on one PDF of the pages.

It prints pages per minute, the ratio to the floor, and the peak resident
memory of the ingest process and of its largest child (a Tesseract run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from ocr.loader import inspect_file, load_page
from sohoa.settings import Settings

__all__ = ["main"]


def _extract_pages(root: Path, out: Path) -> list[Path]:
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


def _sohoa(root: Path, workers: int, work: Path) -> tuple[float, int, int]:
    data = work / f"data-{workers}"
    shutil.rmtree(data, ignore_errors=True)
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_WORKERS": str(workers),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("SOHOA_INDEX_URL", None)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c",
         "import resource, sys; from sohoa.cli import main; code = main(sys.argv[1:]); "
         "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
         "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)",
         "ingest", str(root / "scans"), "--batch", f"bench-{workers}", "--no-progress"],
        capture_output=True, text=True, env=env,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 2):
        raise RuntimeError(proc.stderr[-2000:])
    rss = next(line for line in proc.stdout.splitlines() if line.startswith("MAXRSS")).split()
    return elapsed, int(rss[1]), int(rss[2])


def _ocrmypdf(pages: list[Path], workers: int, work: Path) -> float:
    pdf = work / "all.pdf"
    if not pdf.exists():
        imgs = [Image.open(p) for p in pages]
        imgs[0].save(pdf, save_all=True, append_images=imgs[1:], resolution=300)
    start = time.perf_counter()
    subprocess.run(["ocrmypdf", "-q", "-l", "vie", "--jobs", str(workers), "--deskew", "--clean",
                    "--force-ocr", str(pdf), str(work / "out.pdf")], check=True, capture_output=True,
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", type=Path, help="a folder made by `python -m samples.generate`")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare (default: 1,2)")
    ap.add_argument("--ocrmypdf", action="store_true", help="also time OCRmyPDF (if installed)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sohoa-tp-") as tmp:
        work = Path(tmp)
        (work / "pages").mkdir()
        pages = _extract_pages(args.set, work / "pages")
        n = len(pages)
        print(f"{n} pages; {os.cpu_count()} cores\n")
        print("| workers | method | seconds | pages/min | vs floor | peak RSS ingest / largest child |")
        print("|---:|---|---:|---:|---:|---|")
        for workers in (int(w) for w in args.workers.split(",")):
            floor = _floor(pages, workers)
            print(f"| {workers} | tesseract (floor) | {floor:.0f} | {60 * n / floor:.1f} | 1.00 | |")
            took, rss_self, rss_child = _sohoa(args.set, workers, work)
            print(f"| {workers} | sohoa ingest | {took:.0f} | {60 * n / took:.1f} | {floor / took:.2f} | "
                  f"{rss_self / 1024:.0f} MB / {rss_child / 1024:.0f} MB |")
            if args.ocrmypdf and shutil.which("ocrmypdf"):
                om = _ocrmypdf(pages, workers, work)
                print(f"| {workers} | ocrmypdf --deskew --clean | {om:.0f} | {60 * n / om:.1f} | {floor / om:.2f} | |")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

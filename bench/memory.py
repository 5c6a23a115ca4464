"""Peak memory of ``sohoa ingest`` on 600 dpi A3 scans and on a long PDF.

Usage (self-contained)::

    python -m bench.memory [--out DIR] [--workers 1,2] [--pdf-pages 300] [--pdf-workers N] [--skip-pdf]

It makes, under ``--out`` (default ``/tmp/sohoa-bench-mem``):

- one A3 page at 600 dpi (7016×9921 pixels, colour JPEG) per worker, scaled
  up from generated heavy-damage pages (``samples.generate``), so every
  worker holds one at the same time;
- one ``--pdf-pages`` page PDF (A4, 300 dpi, JPEG-compressed pages cycling
  through the generated ones), rendered by sohoa one page at a time.

Each set is ingested into a fresh data dir while the process tree is sampled
(see :func:`bench.throughput.run_sampled`). The table gives the peak
resident memory per worker (the ingest process plus the Tesseract and
poppler children alive at the same moment, divided by the workers; Prefect's
temporary API server apart), the ingest process's own peak and the largest
child's. Target: at most 1.5 GB per worker on 600 dpi A3 pages. If every page
of the PDF were held, the ingest process alone would need the pages' size in
the last column.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import cv2
from PIL import Image

from bench.throughput import ingest

__all__ = ["main"]

A3_600 = (7016, 9921)  # width, height in pixels: 297 × 420 mm at 600 dpi


def _sources(out: Path, count: int) -> list[Path]:
    src = out / "src"
    if not (src / "ground_truth.json").exists():
        subprocess.run([sys.executable, "-m", "samples.generate", "--out", str(src), "--records", str(count),
                        "--levels", "heavy", "--layout", "images", "--seed", "9"],
                       check=True, stdout=subprocess.DEVNULL)
    truth = json.loads((src / "ground_truth.json").read_text(encoding="utf-8"))
    return [src / f["path"] for f in truth["files"] if f["path"].endswith((".jpg", ".png"))]


def make_a3(sources: list[Path], folder: Path, count: int) -> list[Path]:
    """``count`` distinct 600 dpi A3 colour pages, scaled up from ``sources``."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        target = folder / f"a3_600dpi_{i + 1}.jpg"
        if not target.exists():
            page = cv2.imread(str(sources[i % len(sources)]), cv2.IMREAD_COLOR)
            if page.shape[0] < page.shape[1]:
                page = cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)
            big = cv2.resize(page, A3_600, interpolation=cv2.INTER_LINEAR)
            Image.fromarray(big[..., ::-1]).save(target, quality=90, dpi=(600, 600))
        made.append(target)
    return made


def make_pdf(sources: list[Path], target: Path, pages: int) -> Path:
    """A ``pages``-page PDF cycling through ``sources`` (A4 at 300 dpi, JPEG pages)."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    imgs = [Image.open(p).convert("RGB") for p in sources]
    frames = (imgs[i % len(imgs)] for i in range(1, pages))
    imgs[0].save(target, save_all=True, append_images=frames, resolution=300, quality=75)
    return target


def _row(name: str, pages: int, workers: int, folder: Path, data: Path, held_mb: float | None) -> str:
    st = ingest(folder, workers, data)
    per = st.peak_work_rss / workers / 2**20
    held = f"{held_mb:,.0f} MB" if held_mb else ""
    return (f"| {name} | {pages} | {workers} | {st.seconds:.0f} | {per:,.0f} MB | "
            f"{st.peak_root_rss / 2**20:,.0f} MB | {st.peak_child_rss / 2**20:,.0f} MB | "
            f"{'yes' if per <= 1536 else 'NO'} | {held} |")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("/tmp/sohoa-bench-mem"), help="where the pages are made")
    ap.add_argument("--workers", default="1,2", help="worker counts for the A3 pages (default: 1,2)")
    ap.add_argument("--pdf-pages", type=int, default=300, help="pages of the long PDF (default: 300)")
    ap.add_argument("--pdf-workers", type=int, default=0, help="workers for the PDF (default: the largest of --workers)")
    ap.add_argument("--skip-pdf", action="store_true", help="only the A3 pages")
    args = ap.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]
    sources = _sources(args.out, 4)
    start = time.perf_counter()
    print(f"pages made in {args.out}", flush=True)
    print("\n| input | pages | workers | seconds | peak RSS per worker | ingest process | largest child | "
          "≤ 1.5 GB | all pages held would need |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for workers in counts:
        folder = args.out / f"a3-{workers}"
        make_a3(sources, folder, workers)
        print(_row("A3 600 dpi colour JPEG", workers, workers, folder, args.out / "data", None), flush=True)
    if not args.skip_pdf:
        pdf = make_pdf(sources, args.out / f"pdf-{args.pdf_pages}" / f"stack_{args.pdf_pages}.pdf", args.pdf_pages)
        workers = args.pdf_workers or max(counts)
        held = args.pdf_pages * 2480 * 3508 * 3 / 2**20  # every page rendered (RGB, 300 dpi A4)
        print(_row(f"PDF, {args.pdf_pages} A4 pages at 300 dpi", args.pdf_pages, workers, pdf.parent,
                   args.out / "data", held), flush=True)
    print(f"\n{time.perf_counter() - start:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())

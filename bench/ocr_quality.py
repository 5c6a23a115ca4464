"""OCR accuracy per damage level: plain Tesseract vs sohoa (vs OCRmyPDF when installed).

Usage::

    python -m samples.generate --out /tmp/ocrbench --records 40 --levels clean,mild,heavy \\
        --layout images --seed 7 --jobs 2
    python -m bench.ocr_quality /tmp/ocrbench [--workers 2] [--limit N] [--ocrmypdf]
    python -m bench.ocr_quality SET [SET...] --restore-only   # deskew and orientation only, no OCR
    python -m bench.ocr_quality SET --real ../shared/real-scans  # + the transcribed real pages

Every page of the generated set is read by each method in the same run; the
table gives mean CER and WER against the ground-truth text, and seconds per
page (wall time of one page, pages running ``--workers`` at a time). For
sohoa the restoration's share of the OCR time is printed too, and how close its
deskew and orientation came to undoing the generator's tilt and quarter turns.

CER/WER: Levenshtein distance over characters / words of the NFC text with
whitespace collapsed, summed over the pages of a level and divided by the
summed length of the truth (so a short page weighs little); reading order
counts in full. CER (lines): each truth line is matched to its closest OCR
line, so blocks read in another order cost nothing, while lines glued
together or split, and garbage, still count (see :func:`line_cer`).

A second table gives the order-free CER per damage level **and font
family** (the varied generator's seven; its records say which) with plain
Tesseract beside sohoa and where sohoa is worse. ``--real`` adds the real
pages that have a transcription in ``../shared/real-scans``: the clean
printed pages of ``clean-*`` and the two pages of ``gt/`` (level "real",
one row each).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ocr.loader import inspect_file, load_page
from ocr.pages import restore_and_read
from ocr.restore import restore_page
from ocr.tesseract import run_ocr, tesseract_version
from core.settings import Settings

__all__ = ["cer", "wer", "main"]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(ocr: str, truth: str) -> float:
    """Character error rate of ``ocr`` against ``truth``."""
    t = _norm(truth)
    return Levenshtein.distance(_norm(ocr), t) / max(len(t), 1)


def _weighted(rates: list[tuple[float, int]]) -> float:
    """Corpus-level rate: errors summed over pages / truth length summed over pages."""
    return sum(r * n for r, n in rates) / max(sum(n for _, n in rates), 1)


def line_cer(ocr: str, truth: str) -> float:
    """CER with each truth line matched to its closest OCR line, whatever their order.

    Blocks read in another order (a signature block before "Nơi nhận") cost
    nothing; lines glued together or split apart, and text that is not in
    the truth (stain garbage), still count in full.
    """
    t_lines = [_norm(x) for x in truth.splitlines() if _norm(x)]
    o_lines = [_norm(x) for x in ocr.splitlines() if _norm(x)]
    free = list(range(len(o_lines)))
    errors = 0
    for line in sorted(t_lines, key=len, reverse=True):
        if not free:
            errors += len(line)
            continue
        best = min(free, key=lambda i: Levenshtein.distance(line, o_lines[i], score_cutoff=len(line)))
        errors += min(len(line), Levenshtein.distance(line, o_lines[best]))
        if Levenshtein.distance(line, o_lines[best]) < len(line):
            free.remove(best)
    errors += sum(len(o_lines[i]) for i in free)
    return errors / max(sum(len(x) for x in t_lines), 1)


def word_recall(ocr: str, truth: str) -> float:
    """Share of the truth's words found in the reading, in any order (each word as often as it is there):
    fair to a transcription whose lines are whole paragraphs."""
    have = Counter(_norm(ocr).split())
    want = Counter(_norm(truth).split())
    return sum((have & want).values()) / max(sum(want.values()), 1)


def wer(ocr: str, truth: str) -> float:
    """Word error rate of ``ocr`` against ``truth``."""
    t = _norm(truth).split()
    return Levenshtein.distance(_norm(ocr).split(), t) / max(len(t), 1)


@dataclass
class PageRun:
    """One method on one page."""

    level: str
    method: str
    font: str
    cer: float
    line_cer: float
    wer: float
    chars: int
    words: int
    seconds: float
    restore_s: float = 0.0
    ocr_s: float = 0.0
    recall: float = 0.0  # word_recall
    skew_error: float | None = None  # degrees between the skew found and the generator's
    turned_right: bool | None = None  # the quarter turns undone as the generator made them
    page: str = ""  # file and page number
    truth: str = ""  # the generator's text (for --dump)
    read: str = ""  # what the method read (for --dump)


class Reading(NamedTuple):
    """What a method read from a page, and how long it took."""

    text: str
    restore_s: float
    ocr_s: float
    geometry: tuple[float, int] | None = None  # skew and rotation sohoa's restoration applied


@dataclass(frozen=True)
class TruthPage:
    """A page of the generated set and what the generator did to it."""

    path: Path
    page: int
    level: str
    text: str
    skew_deg: float
    rotation: int
    font: str = "classic"


def _pages(root: Path) -> list[TruthPage]:
    truth = json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))
    # The varied generator's records say each page's font family (one look a record).
    fonts = {(r["file"], page): r["font"] for r in truth["records"] if r.get("font") for page in r["pages"]}
    return [TruthPage(root / f["path"], int(p["page"]), f["damage"], p["text"], float(p.get("skew_deg", 0.0)),
                      int(p.get("rotation", 0)), fonts.get((f["path"], int(p["page"])), "classic"))
            for f in truth["files"] for p in f["pages"]]


#: The real pages with a transcription: (image, page, transcription), under ``../shared/real-scans``.
REAL_PAGES = (
    ("clean-tesseract-test/viet.tif", 1, "clean-tesseract-test/viet.gt.txt"),
    ("clean-vietocr3/vietsample1.tif", 1, "clean-vietocr3/vietsample1.page1.gt.txt"),
    ("img/dn2020_1906_SGDDT-CTrTT_p1.jpg", 1, "gt/dn2020_1906_SGDDT-CTrTT_p1.gt.txt"),
    ("img/dn2020_1906_SGDDT-CTrTT_p2.jpg", 1, "gt/dn2020_1906_SGDDT-CTrTT_p2.gt.txt"),
)


def _real_pages(root: Path) -> list[TruthPage]:
    """The transcribed real pages that are there (the set is not in the project; absent ones are skipped)."""
    return [TruthPage(root / image, page, "real", (root / gt).read_text(encoding="utf-8"), 0.0, 0,
                      Path(image).stem)
            for image, page, gt in REAL_PAGES if (root / image).is_file() and (root / gt).is_file()]


def _plain(path: Path, page: int, settings: Settings) -> Reading:
    info = inspect_file(path, settings.limits, settings.dpi)
    image = load_page(path, page, info, settings.limits, settings.dpi)
    t = time.perf_counter()
    text = run_ocr(image, settings.tesseract).text
    return Reading(text, 0.0, time.perf_counter() - t)


def _sohoa(path: Path, page: int, settings: Settings) -> Reading:
    info = inspect_file(path, settings.limits, settings.dpi)
    # Read as the ingest reads a page (restoration, zones, header re-read).
    reading = restore_and_read(lambda: load_page(path, page, info, settings.limits, settings.dpi), settings,
                               what=f"{path.name} page {page}")
    restored = reading.restored
    return Reading(reading.result.text, reading.restore_s, reading.read_s, (restored.skew_deg, restored.rotation))


def _ocrmypdf(path: Path, page: int, settings: Settings) -> Reading:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        if path.suffix.lower() == ".pdf":
            subprocess.run(["qpdf", str(path), "--pages", ".", str(page), "--", str(src)], check=True)
        else:
            info = inspect_file(path, settings.limits, settings.dpi)
            from PIL import Image

            Image.fromarray(load_page(path, page, info, settings.limits, settings.dpi)[..., ::-1]).save(
                src, resolution=settings.dpi)
        sidecar = Path(tmp) / "out.txt"
        t = time.perf_counter()
        subprocess.run(["ocrmypdf", "-q", "-l", "vie", "--deskew", "--clean", "--force-ocr", "--jobs", "1",
                        "--sidecar", str(sidecar), str(src), str(Path(tmp) / "out.pdf")], check=True,
                       capture_output=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
        return Reading(sidecar.read_text(encoding="utf-8"), 0.0, time.perf_counter() - t)


def _restore_only(path: Path, page: int, settings: Settings) -> Reading:
    """Restoration alone (no OCR): for the deskew and orientation line."""
    info = inspect_file(path, settings.limits, settings.dpi)
    image = load_page(path, page, info, settings.limits, settings.dpi)
    t = time.perf_counter()
    restored = restore_page(image, settings.restore, settings.tesseract)  # splits ink and pen itself
    return Reading("", time.perf_counter() - t, 0.0, (restored.skew_deg, restored.rotation))


METHODS = {"tesseract": _plain, "sohoa": _sohoa, "ocrmypdf": _ocrmypdf, "restore": _restore_only}


def run(roots: list[Path], methods: list[str], workers: int, limit: int | None,
        levels: set[str] | None = None, real: Path | None = None) -> list[PageRun]:
    """Read every page of the sets (and the transcribed real pages) with every method, ``workers`` at a time."""
    settings = Settings()
    pages = [p for root in roots for p in _pages(root) if levels is None or p.level in levels]
    pages = pages[:limit] if limit else pages
    pages += _real_pages(real) if real is not None else []
    jobs = [(m, p) for m in methods for p in pages]

    def one(job: tuple[str, TruthPage]) -> PageRun:
        method, tp = job
        start = time.perf_counter()
        try:
            got = METHODS[method](tp.path, tp.page, settings)
        except Exception as exc:  # noqa: BLE001 - a failing page counts as all wrong, and is reported
            print(f"{method} {tp.path.name} p{tp.page}: {exc}", file=sys.stderr)
            got = Reading("", 0.0, 0.0)
        truth = tp.text
        # The generator turned and tilted the page; restoration undoes it (opposite sign and sense).
        skew_error = abs(got.geometry[0] + tp.skew_deg) if got.geometry else None
        turned_right = (got.geometry[1] + tp.rotation) % 360 == 0 if got.geometry else None
        return PageRun(tp.level, method, tp.font, cer(got.text, truth), line_cer(got.text, truth), wer(got.text, truth),
                       len(_norm(truth)), len(_norm(truth).split()), time.perf_counter() - start,
                       got.restore_s, got.ocr_s, word_recall(got.text, truth), skew_error, turned_right,
                       f"{tp.path.name} p{tp.page}", truth, got.text)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, jobs))


def table(runs: list[PageRun]) -> str:
    """Markdown table: one row per damage level and method."""
    lines = ["| damage | method | pages | CER | CER (lines) | WER | s/page |", "|---|---|---:|---:|---:|---:|---:|"]
    if all(r.method == "restore" for r in runs):
        lines = []
    order = {"clean": 0, "mild": 1, "heavy": 2}
    keys = sorted({(r.level, r.method) for r in runs if r.method != "restore"}, key=lambda k: (order.get(k[0], 9), list(METHODS).index(k[1])))
    for level, method in keys:
        rs = [r for r in runs if r.level == level and r.method == method]
        lines.append(
            f"| {level} | {method} | {len(rs)} | {100 * _weighted([(r.cer, r.chars) for r in rs]):.2f}% | "
            f"{100 * _weighted([(r.line_cer, r.chars) for r in rs]):.2f}% | "
            f"{100 * _weighted([(r.wer, r.words) for r in rs]):.2f}% | {statistics.mean(r.seconds for r in rs):.2f} |"
        )
    ours = [r for r in runs if r.method == "sohoa" and r.ocr_s > 0]
    if ours:
        share = sum(r.restore_s for r in ours) / sum(r.ocr_s for r in ours)
        lines.append("")
        lines.append(f"Restoration time / OCR time (sohoa, all pages): {100 * share:.0f}%")
    placed = [r for r in runs if r.skew_error is not None]
    if placed:
        errors = [r.skew_error for r in placed if r.skew_error is not None]
        lines.append(
            f"Deskew and orientation ({len(placed)} pages): mean skew error {statistics.mean(errors):.3f}°, "
            f"{sum(e > 1.0 for e in errors)} pages more than 1° off, "
            f"{sum(r.turned_right is False for r in placed)} turned the wrong way")
    return "\n".join(lines)


def font_table(runs: list[PageRun]) -> str:
    """Markdown table: order-free CER per damage level and font family, plain Tesseract beside sohoa."""
    order = {"clean": 0, "mild": 1, "heavy": 2, "real": 3}
    keys = sorted({(r.level, r.font) for r in runs if r.method in ("tesseract", "sohoa")},
                  key=lambda k: (order.get(k[0], 9), k[1]))
    lines = ["| damage | font | pages | CER (lines) Tesseract / sohoa | word recall Tesseract / sohoa | sohoa worse |",
             "|---|---|---:|---:|---:|---|"]
    for level, font in keys:
        rate: dict[str, tuple[float, float, int] | None] = {}
        for method in ("tesseract", "sohoa"):
            rs = [r for r in runs if (r.level, r.font, r.method) == (level, font, method)]
            rate[method] = (_weighted([(r.line_cer, r.chars) for r in rs]),
                            _weighted([(r.recall, r.words) for r in rs]), len(rs)) if rs else None
        plain, ours = rate["tesseract"], rate["sohoa"]
        pages = (ours or plain or (0.0, 0.0, 0))[2]
        worse = [what for what, i, bad in (("CER", 0, 1), ("recall", 1, -1))
                 if plain and ours and bad * (ours[i] - plain[i]) > 0]
        cers = " / ".join(f"{100 * x[0]:.2f}%" if x else "—" for x in (plain, ours))
        recalls = " / ".join(f"{100 * x[1]:.1f}%" if x else "—" for x in (plain, ours))
        lines.append(f"| {level} | {font} | {pages} | {cers} | {recalls} | {', '.join(worse)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", type=Path, nargs="+", help="folders made by `python -m samples.generate`")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, help="only the first N pages")
    ap.add_argument("--ocrmypdf", action="store_true", help="also run OCRmyPDF --deskew --clean (if installed)")
    ap.add_argument("--levels", help="only these damage levels, comma-separated (e.g. heavy)")
    ap.add_argument("--only-sohoa", action="store_true", help="skip the plain Tesseract baseline (for quick tuning)")
    ap.add_argument("--real", type=Path, help="also the transcribed real pages of this folder (../shared/real-scans)")
    ap.add_argument("--dump", type=Path, help="write every page's truth and reading here (JSON), e.g. for "
                    "bench/ocr_confusions.py")
    ap.add_argument("--restore-only", action="store_true",
                    help="no OCR: only how well restoration undoes the generator's skew and turns")
    args = ap.parse_args(argv)
    methods = ["restore"] if args.restore_only else ["sohoa"] if args.only_sohoa else ["tesseract", "sohoa"]
    if args.ocrmypdf:
        if shutil.which("ocrmypdf"):
            methods.append("ocrmypdf")
        else:
            print("ocrmypdf is not installed; skipping it", file=sys.stderr)
    started = time.perf_counter()
    levels = set(args.levels.split(",")) if args.levels else None
    runs = run(args.set, methods, args.workers, args.limit, levels, args.real)
    print(f"Tesseract {tesseract_version()}, {args.workers} workers, {len(runs)} page runs "
          f"in {time.perf_counter() - started:.0f} s\n")
    print(table(runs))
    if args.dump:
        args.dump.write_text(json.dumps([{"page": r.page, "level": r.level, "font": r.font, "method": r.method,
                                          "truth": r.truth, "read": r.read} for r in runs], ensure_ascii=False))
    if not args.restore_only:
        print("\nOrder-free CER (each truth line against its best-matching line read) per font family:\n")
        print(font_table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Generate synthetic damaged scans of administrative-procedure results with ground truth.

:func:`generate` does the work; ``samples/generate.py`` is the thin CLI
(``python -m samples.generate``). The output directory gets::

    scans/…             stacked PDFs, multi-frame TIFFs, single JPEG/PNG pages
    clean/…             undamaged page images (only with ``clean_images``)
    ground_truth.json   files, pages (text, rotation, skew) and records

Two styles (see ``docs/samples.md``):

- ``varied`` (default): many issuers, fonts, margins, header layouts and
  wordings; per file a resolution from ``dpis`` and a colour mode
  (colour, grey, bilevel); scanner-bed strips along any side; optional
  second scans of some papers (``rescans``);
- ``classic``: the single Hải Phòng look of the first generator, drawing
  from the random generator exactly as it did, so the committed demo set
  (:func:`generate_demo`) stays byte for byte the same.

Records are planned in the main process (content, then a layout pass
without drawing for the page counts, then the files: :mod:`samples.plan`);
each file is then rendered, damaged and written by one job, in worker
processes when ``jobs > 1``.
"""

from __future__ import annotations

import ctypes
import json
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from PIL import Image

from samples.damage import LEVELS, damage_page
from samples.output import COLOUR_MODES, to_colour_mode, write_scan
from samples.plan import FilePlan, FileSpec, demo_plan, plan_files, record_specs
from samples.record import RecordContent
from samples.render import RenderedPage, layout_document, render_document
from samples.styles import STYLES, make_record

__all__ = [
    "GENERATOR_VERSION",
    "CLASSIC_VERSION",
    "DEMO_SEED",
    "DEMO_DPI",
    "DEFAULT_DPIS",
    "SAMPLES_DIR",
    "LAYOUTS",
    "generate",
    "generate_demo",
    "keep_freed_memory",
]

GENERATOR_VERSION = "2.0.0"
#: Written by the classic style, whose output has not changed since 1.0.0.
CLASSIC_VERSION = "1.0.0"
DEMO_SEED = 20240
DEMO_MAX_SKEW = 4.0
#: The demo set is written at 200 dpi: at 300 dpi a JPEG page of text weighs
#: ~450 kB even when clean, and the committed set must stay a few MB.
DEMO_DPI = 200
#: Resolutions a varied file is scanned at, unless told otherwise.
DEFAULT_DPIS: tuple[int, ...] = (150, 200, 240, 300)
SAMPLES_DIR = Path(__file__).resolve().parent
_EXT = {"tiff": "tif"}
LAYOUTS: tuple[str, ...] = ("mixed", "pdf", "tiff", "images")




@dataclass(frozen=True)
class _FileJob:
    """Everything one worker needs to render, damage and write one scan file."""

    index: int
    rel: str
    fmt: str
    level: str
    records: tuple[RecordContent, ...]
    render_dpi: int
    dpi: int
    colour: str
    rotations: dict[int, int] | None
    seed: int
    max_skew: float | None
    border: str
    out: Path
    clean_images: bool
    extended: bool





def _scale(image: np.ndarray, factor: float) -> np.ndarray:
    """Resample a rendered page to a lower scan resolution."""
    if factor == 1.0:
        return image
    h, w = image.shape[:2]
    size = (max(1, int(round(w * factor))), max(1, int(round(h * factor))))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _write_file(job: _FileJob) -> list[dict]:
    """Render, damage and write one scan file; return its pages' ground truth."""
    pages: list[RenderedPage] = [p for rec in job.records
                                 for p in render_document(rec.blocks, job.render_dpi, rec.look)]
    images = [_scale(p.image, job.dpi / job.render_dpi) for p in pages]
    written: list[np.ndarray] = []
    entries: list[dict] = []
    for pi, (page, image) in enumerate(zip(pages, images)):
        verso = images[pi + 1 if pi + 1 < len(images) else max(0, pi - 1)]
        # A plan fixes every rotation (0 unless listed); random sets draw them.
        rotation = None if job.rotations is None else job.rotations.get(pi + 1, 0)
        rng = np.random.default_rng([job.seed, job.index, pi])
        damaged = damage_page(image, rng, job.level, verso=verso, max_skew=job.max_skew,
                              rotation=rotation, border=job.border)
        threshold = float(rng.uniform(0.66, 0.8)) if job.colour == "bilevel" else 0.72
        written.append(to_colour_mode(damaged.image, job.colour, threshold))
        entry: dict = {"page": pi + 1, "text": page.text, "rotation": damaged.rotation,
                       "skew_deg": damaged.skew_deg}
        if job.extended:
            entry["strips"] = list(damaged.strips)
        if job.clean_images:
            clean_rel = f"clean/{Path(job.rel).stem}_p{pi + 1:02d}.png"
            (job.out / "clean").mkdir(parents=True, exist_ok=True)
            Image.fromarray(image).save(job.out / clean_rel, dpi=(job.dpi, job.dpi))
            entry["clean_path"] = clean_rel
        entries.append(entry)
    write_scan(job.out / job.rel, written, dpi=job.dpi)
    return entries


def keep_freed_memory() -> None:
    """Let glibc reuse freed page-sized arrays instead of unmapping them (Linux only).

    The damage of one page allocates and frees dozens of page-sized float
    arrays. By default glibc maps each with ``mmap`` and unmaps it when
    freed, so every new array faults its pages in again: on a virtual
    machine that was half the time of a 300-dpi page. Raising the mmap and
    trim thresholds keeps the memory in the process (its peak, a few hundred
    MB) for reuse. Called in worker processes and by the CLI, not by the
    library in the caller's process.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc: keep the default allocator
        return


def _run_jobs(jobs: int, file_jobs: list[_FileJob]) -> list[list[dict]]:
    """Run the file jobs, biggest first when in parallel; results in job order."""
    if jobs <= 1 or len(file_jobs) <= 1:
        return [_write_file(j) for j in file_jobs]
    order = sorted(range(len(file_jobs)), key=lambda i: -sum(
        len(r.blocks) for r in file_jobs[i].records))
    with ProcessPoolExecutor(max_workers=jobs, initializer=keep_freed_memory) as pool:
        futures = {i: pool.submit(_write_file, file_jobs[i]) for i in order}
        return [futures[i].result() for i in range(len(file_jobs))]


def _record_json(rid: str, rec: RecordContent, path: str, pages: list[int], level: str,
                 extended: bool, rescan_of: str | None = None) -> dict:
    out = {
        "id": rid,
        "file": path,
        "pages": pages,
        "type": rec.type.value,
        "number": rec.number,
        "date": rec.date.isoformat(),
        "issuer": rec.issuer,
        "subject": rec.subject,
        "validity_years": rec.validity_years,
        "valid_until": rec.valid_until.isoformat() if rec.valid_until else None,
        "damage": level,
    }
    if extended:
        look = rec.look
        out.update({
            "place": rec.place,
            "font": look.font,
            "header_layout": rec.header_layout,
            "wording": rec.wording,
            "margins_mm": {"top": look.top_mm, "right": look.right_mm,
                           "bottom": look.bottom_mm, "left": look.left_mm},
            "rescan_of": rescan_of,
        })
    return out


def _check(levels: Sequence[str], layout: str, style: str, dpis: Sequence[int],
           colours: Sequence[str], rescans: int) -> None:
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad or not levels:
        raise ValueError(f"unknown damage levels {bad}; choose from {LEVELS}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {LAYOUTS}")
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose from {STYLES}")
    if not dpis or any(d < 10 for d in dpis):
        raise ValueError(f"resolutions must be at least 10 dpi, not {list(dpis)}")
    wrong = [c for c in colours if c not in COLOUR_MODES]
    if wrong or not colours:
        raise ValueError(f"unknown colour modes {wrong}; choose from {COLOUR_MODES}")
    if rescans < 0:
        raise ValueError("rescans must be 0 or more")


def generate(
    out_dir: str | Path,
    *,
    seed: int = 0,
    n_records: int = 12,
    levels: Sequence[str] = ("clean", "mild", "heavy"),
    layout: str = "mixed",
    dpi: int | None = None,
    max_skew: float | None = None,
    clean_images: bool = False,
    plan: Sequence[FileSpec] | None = None,
    jobs: int = 1,
    style: str = "varied",
    dpis: Sequence[int] | None = None,
    colours: Sequence[str] | None = None,
    rescans: int = 0,
) -> dict:
    """Render, damage and write synthetic scans with their ground truth.

    Args:
        out_dir: Output directory (created); gets ``scans/`` and ``ground_truth.json``.
        seed: Seed of everything; the same arguments give the same ground truth
            and the same files.
        n_records: Number of records (ignored with ``plan``).
        levels: Damage levels to draw from, per file.
        layout: ``mixed`` (stacked PDFs, TIFFs and single pages), ``pdf``,
            ``tiff`` or ``images`` (one page per JPEG/PNG; longer records as TIFF).
        dpi: One resolution for every file (300 for the classic style when
            None; the varied style then draws from ``dpis``).
        max_skew: Bound of the heavy/mild skew in degrees (default ±8° / ±2°).
        clean_images: Also write the undamaged pages as PNG under ``clean/``.
        plan: Fixed files and records (the demo set) instead of a random mix.
        jobs: Worker processes (one file per job).
        style: ``varied`` (many offices' paper) or ``classic`` (the demo's
            single look; no ``dpis``, ``colours`` or ``rescans``).
        dpis: Resolutions drawn per file (varied; default 150, 200, 240, 300).
            Pages are rendered at the highest and resampled.
        colours: Colour modes drawn per file from ``colour``, ``grey`` and
            ``bilevel`` (varied; default all three, mostly colour).
        rescans: Number of papers scanned a second time (varied): the same
            rendered pages damaged again with another draw, level, resolution
            and colour mode, written as separate files; their records carry
            ``rescan_of``.

    Returns:
        The ground truth, as written to ``ground_truth.json``.
    """
    varied = style == "varied"
    if style == "classic" and (dpis is not None or colours is not None or rescans):
        raise ValueError("the classic style reproduces the first generator: dpis, colours and"
                         " rescans need style='varied'")
    dpi_set = tuple([dpi] if dpi is not None else dpis or (DEFAULT_DPIS if varied else (300,)))
    colour_set = tuple(colours or (COLOUR_MODES if varied else ("colour",)))
    _check(levels, layout, style, dpi_set, colour_set, rescans)
    out = Path(out_dir)
    rng = random.Random(seed)
    render_dpi = max(dpi_set)
    specs = record_specs(rng, n_records, plan)
    records = [make_record(rng, s.type, person=s.person, school=s.school, long_body=s.long_body,
                           certificate=s.certificate, style=style) for s in specs]
    counts = [len(layout_document(r.blocks, render_dpi, r.look)) for r in records]
    files = plan_files(rng, counts, plan, levels=levels, layout=layout, varied=varied, dpis=dpi_set,
                       colours=colour_set, rescans=rescans)
    file_jobs = [_FileJob(
        index=fi, rel=f"scans/{fi + 1:03d}_{f.level}_{f.label}.{_EXT.get(f.fmt, f.fmt)}",
        fmt=f.fmt, level=f.level, records=tuple(records[i] for i in f.records),
        render_dpi=render_dpi, dpi=f.dpi, colour=f.colour, rotations=f.rotations, seed=seed,
        max_skew=max_skew, border="strips" if varied else "classic", out=out,
        clean_images=clean_images, extended=varied) for fi, f in enumerate(files)]
    page_entries = _run_jobs(jobs, file_jobs)
    return _write_truth(out, seed, style, render_dpi, records, counts, files, file_jobs,
                        page_entries)


def _write_truth(out: Path, seed: int, style: str, render_dpi: int,
                 records: Sequence[RecordContent], counts: Sequence[int],
                 files: list[FilePlan], file_jobs: list[_FileJob],
                 page_entries: list[list[dict]]) -> dict:
    varied = style == "varied"
    truth: dict = {"generator_version": GENERATOR_VERSION if varied else CLASSIC_VERSION}
    if varied:
        truth["style"] = style
    truth.update({"seed": seed, "dpi": render_dpi, "files": [], "records": []})
    rescans: list[dict] = []
    for plan, job, pages in zip(files, file_jobs, page_entries):
        entry: dict = {"path": job.rel, "format": job.fmt, "damage": job.level}
        if varied:
            entry.update({"dpi": job.dpi, "colour": job.colour})
        entry["pages"] = pages
        truth["files"].append(entry)
        if sum(counts[i] for i in plan.records) != len(pages):
            # The layout pass and the drawing must break pages alike.
            raise RuntimeError(f"{job.rel}: laid out {sum(counts[i] for i in plan.records)}"
                               f" pages but rendered {len(pages)}")
        first = 1
        for i in plan.records:
            pages_of = list(range(first, first + counts[i]))
            first += counts[i]
            if plan.rescan_of is None:
                truth["records"].append(_record_json(f"R{i + 1:04d}", records[i], job.rel,
                                                     pages_of, job.level, varied))
            else:
                rid = f"R{len(records) + len(rescans) + 1:04d}"
                rescans.append(_record_json(rid, records[i], job.rel, pages_of, job.level,
                                            varied, f"R{plan.rescan_of + 1:04d}"))
    truth["records"] += rescans
    out.mkdir(parents=True, exist_ok=True)
    (out / "ground_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return truth


def generate_demo(out_dir: str | Path = SAMPLES_DIR, *, jobs: int = 1) -> dict:
    """(Re)write the committed demo set: ``scans/`` and ``ground_truth.json`` in ``out_dir``.

    The demo uses the classic style. Old scan files in ``out_dir/scans`` are
    removed first so that the folder matches the ground truth exactly.
    """
    scans = Path(out_dir) / "scans"
    if scans.is_dir():
        for old in scans.iterdir():
            if old.suffix.lower() in (".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"):
                old.unlink()
    return generate(out_dir, seed=DEMO_SEED, plan=demo_plan(), max_skew=DEMO_MAX_SKEW,
                    dpi=DEMO_DPI, jobs=jobs, style="classic")

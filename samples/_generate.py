"""Generate synthetic damaged scans of administrative-procedure results with ground truth.

:func:`generate` does the work; ``samples/generate.py`` is the thin CLI
(``python -m samples.generate``). The output directory gets::

    scans/…             stacked PDFs, multi-frame TIFFs, single JPEG/PNG pages
    clean/…             undamaged page images (only with ``clean_images``)
    ground_truth.json   files, pages (text, rotation, skew) and records

See ``docs/samples.md`` for the ground-truth format.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from PIL import Image

from pipeline.domain import ProcedureType

from samples._content import GENERATED_TYPES, RecordContent, make_record
from samples._damage import LEVELS, damage_page
from samples._output import write_scan
from samples._render import RenderedPage, render_document

__all__ = [
    "GENERATOR_VERSION",
    "DEMO_SEED",
    "DEMO_DPI",
    "SAMPLES_DIR",
    "RecordSpec",
    "FileSpec",
    "demo_plan",
    "generate",
    "generate_demo",
]

GENERATOR_VERSION = "1.0.0"
DEMO_SEED = 20240
DEMO_MAX_SKEW = 4.0
#: The demo set is written at 200 dpi: at 300 dpi a JPEG page of text weighs
#: ~450 kB even when clean, and the committed set must stay a few MB.
DEMO_DPI = 200
SAMPLES_DIR = Path(__file__).resolve().parent
LAYOUTS: tuple[str, ...] = ("mixed", "pdf", "tiff", "images")

#: Relative frequency of the types after the first round (verifications dominate).
_TYPE_WEIGHTS: dict[ProcedureType, int] = {
    ProcedureType.XAC_MINH_VAN_BANG: 5,
    ProcedureType.KIEM_DINH_CHAT_LUONG: 1,
    ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA: 2,
    ProcedureType.CAP_BAN_SAO_VAN_BANG: 2,
    ProcedureType.CHINH_SUA_VAN_BANG: 1,
    ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI: 1,
}


@dataclass(frozen=True)
class RecordSpec:
    """What to generate for one record; unset fields are drawn at random."""

    type: ProcedureType
    person: str | None = None
    school: str | None = None
    long_body: int | None = None
    certificate: bool | None = None


@dataclass(frozen=True)
class FileSpec:
    """One scan file: its format, damage level and records in page order.

    Attributes:
        fmt: ``pdf``, ``tiff``, ``jpg`` or ``png``.
        level: ``clean``, ``mild`` or ``heavy``.
        records: The records stacked in the file.
        rotations: Forced quarter rotations, by 1-based page number in the file.
        label: Short word used in the file name.
    """

    fmt: str
    level: str
    records: tuple[RecordSpec, ...]
    rotations: dict[int, int] = field(default_factory=dict)
    label: str = ""


def demo_plan() -> list[FileSpec]:
    """The small committed demo set: about 20 pages, every generated type."""
    P = ProcedureType
    return [
        FileSpec("pdf", "mild", (
            RecordSpec(P.XAC_MINH_VAN_BANG, person="Nguyễn Văn An", long_body=0),
            RecordSpec(P.KIEM_DINH_CHAT_LUONG, school="Trường Tiểu học Đằng Lâm",
                       long_body=0, certificate=True),
            RecordSpec(P.CAP_BAN_SAO_VAN_BANG, long_body=0),
            RecordSpec(P.CHINH_SUA_VAN_BANG, long_body=7),
            RecordSpec(P.CONG_NHAN_VAN_BANG_NUOC_NGOAI, long_body=0),
        ), label="stack"),
        FileSpec("pdf", "heavy", (
            RecordSpec(P.CONG_NHAN_CHUAN_QUOC_GIA, school="Trường THCS Đông Khê", long_body=7),
            RecordSpec(P.XAC_MINH_VAN_BANG, long_body=7),
            RecordSpec(P.CAP_BAN_SAO_VAN_BANG, long_body=7),
        ), rotations={3: 180}, label="stack"),
        FileSpec("tiff", "heavy", (
            RecordSpec(P.KIEM_DINH_CHAT_LUONG, school="Trường THPT Đồ Sơn", long_body=0,
                       certificate=True),
        ), label="record"),
        FileSpec("jpg", "mild", (RecordSpec(P.XAC_MINH_VAN_BANG, long_body=0),), label="page"),
        FileSpec("jpg", "heavy", (RecordSpec(P.CONG_NHAN_CHUAN_QUOC_GIA, long_body=0),),
                 label="page"),
        FileSpec("jpg", "mild", (RecordSpec(P.XAC_MINH_VAN_BANG, person="Trần Thị Hằng",
                                            long_body=0),), label="page"),
    ]


def _random_types(rng: random.Random, n: int) -> list[ProcedureType]:
    first = list(GENERATED_TYPES)
    rng.shuffle(first)
    kinds = list(_TYPE_WEIGHTS)
    weights = [_TYPE_WEIGHTS[k] for k in kinds]
    rest = rng.choices(kinds, weights=weights, k=max(0, n - len(first)))
    return (first + rest)[:n]


def _group(rng: random.Random, page_counts: Sequence[int], levels: Sequence[str],
           layout: str) -> list[tuple[str, str, list[int]]]:
    """Split records (by index) into files: (format, level, record indices)."""
    files: list[tuple[str, str, list[int]]] = []
    i = 0
    while i < len(page_counts):
        level = rng.choice(list(levels))
        kind = layout
        if layout == "mixed":
            kind = rng.choices(("pdf", "tiff", "images"), weights=(5, 2, 3))[0]
        if kind == "images" and page_counts[i] == 1:
            files.append((rng.choice(("jpg", "jpg", "png")), level, [i]))
            i += 1
            continue
        if kind == "images" or kind == "tiff":
            take = 1 if layout != "tiff" else rng.randint(1, 2)
            fmt = "tiff"
        else:
            take, fmt = rng.randint(2, 5), "pdf"
        files.append((fmt, level, list(range(i, min(i + take, len(page_counts))))))
        i += take
    return files


def _damage_job(args: tuple) -> tuple[np.ndarray, float, int]:
    image, verso, seed_key, level, max_skew, rotation = args
    rng = np.random.default_rng(seed_key)
    page = damage_page(image, rng, level, verso=verso, max_skew=max_skew, rotation=rotation)
    return page.image, page.skew_deg, page.rotation


def _map(jobs: int, fn, items: list) -> Iterable:
    if jobs <= 1 or len(items) <= 1:
        return map(fn, items)
    pool = ProcessPoolExecutor(max_workers=jobs)
    try:
        return list(pool.map(fn, items))
    finally:
        pool.shutdown()


def _record_json(idx: int, rec: RecordContent, path: str, pages: list[int],
                 level: str) -> dict:
    return {
        "id": f"R{idx + 1:04d}",
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


def generate(
    out_dir: str | Path,
    *,
    seed: int = 0,
    n_records: int = 12,
    levels: Sequence[str] = ("clean", "mild", "heavy"),
    layout: str = "mixed",
    dpi: int = 300,
    max_skew: float | None = None,
    clean_images: bool = False,
    plan: Sequence[FileSpec] | None = None,
    jobs: int = 1,
) -> dict:
    """Render, damage and write synthetic scans with their ground truth.

    Args:
        out_dir: Output directory (created); gets ``scans/`` and ``ground_truth.json``.
        seed: Seed of everything; the same arguments give the same ground truth.
        n_records: Number of records (ignored with ``plan``).
        levels: Damage levels to draw from, per file.
        layout: ``mixed`` (stacked PDFs, TIFFs and single pages), ``pdf``,
            ``tiff`` or ``images`` (one page per JPEG/PNG; longer records as TIFF).
        dpi: Rendering resolution (300 for real samples, lower for fast tests).
        max_skew: Bound of the heavy/mild skew in degrees (default ±8° / ±2°).
        clean_images: Also write the undamaged pages as PNG under ``clean/``.
        plan: Fixed files and records (the demo set) instead of a random mix.
        jobs: Worker processes for the damage step.

    Returns:
        The ground truth, as written to ``ground_truth.json``.
    """
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad or not levels:
        raise ValueError(f"unknown damage levels {bad}; choose from {LEVELS}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {LAYOUTS}")
    out = Path(out_dir)
    rng = random.Random(seed)
    if plan is None:
        specs = [RecordSpec(t) for t in _random_types(rng, n_records)]
    else:
        specs = [r for f in plan for r in f.records]
    records = [make_record(rng, s.type, person=s.person, school=s.school,
                           long_body=s.long_body, certificate=s.certificate) for s in specs]
    rendered = [render_document(r.blocks, dpi) for r in records]
    if plan is None:
        groups = _group(rng, [len(p) for p in rendered], levels, layout)
        labels = ["stack" if f == "pdf" else "record" if f == "tiff" else "page"
                  for f, _, _ in groups]
        rotations: list[dict[int, int]] = [{} for _ in groups]
    else:
        groups, start = [], 0
        for f in plan:
            groups.append((f.fmt, f.level, list(range(start, start + len(f.records)))))
            start += len(f.records)
        labels = [f.label or f.fmt for f in plan]
        rotations = [dict(f.rotations) for f in plan]

    truth: dict = {"generator_version": GENERATOR_VERSION, "seed": seed, "dpi": dpi,
                   "files": [], "records": []}
    for fi, (fmt, level, idxs) in enumerate(groups):
        ext = "tif" if fmt == "tiff" else fmt
        rel = f"scans/{fi + 1:03d}_{level}_{labels[fi]}.{ext}"
        pages: list[RenderedPage] = [p for i in idxs for p in rendered[i]]
        jobs_args = []
        for pi, page in enumerate(pages):
            verso = pages[pi + 1 if pi + 1 < len(pages) else max(0, pi - 1)].image
            # A plan fixes every rotation (0 unless listed); random sets draw them.
            rotation = rotations[fi].get(pi + 1, None if plan is None else 0)
            jobs_args.append((page.image, verso, [seed, fi, pi], level, max_skew, rotation))
        damaged = list(_map(jobs, _damage_job, jobs_args))
        write_scan(out / rel, [d[0] for d in damaged], dpi=dpi)
        page_json = []
        for pi, (page, (_, skew_deg, rot)) in enumerate(zip(pages, damaged)):
            entry = {"page": pi + 1, "text": page.text, "rotation": rot, "skew_deg": skew_deg}
            if clean_images:
                clean_rel = f"clean/{Path(rel).stem}_p{pi + 1:02d}.png"
                (out / "clean").mkdir(parents=True, exist_ok=True)
                Image.fromarray(page.image).save(out / clean_rel, dpi=(dpi, dpi))
                entry["clean_path"] = clean_rel
            page_json.append(entry)
        truth["files"].append({"path": rel, "format": fmt, "damage": level, "pages": page_json})
        first = 1
        for i in idxs:
            n = len(rendered[i])
            truth["records"].append(_record_json(i, records[i], rel,
                                                 list(range(first, first + n)), level))
            first += n
    out.mkdir(parents=True, exist_ok=True)
    (out / "ground_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return truth


def generate_demo(out_dir: str | Path = SAMPLES_DIR, *, jobs: int = 1) -> dict:
    """(Re)write the committed demo set: ``scans/`` and ``ground_truth.json`` in ``out_dir``.

    Old scan files in ``out_dir/scans`` are removed first so that the folder
    matches the ground truth exactly.
    """
    scans = Path(out_dir) / "scans"
    if scans.is_dir():
        for old in scans.iterdir():
            if old.suffix.lower() in (".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"):
                old.unlink()
    return generate(out_dir, seed=DEMO_SEED, plan=demo_plan(), max_skew=DEMO_MAX_SKEW,
                    dpi=DEMO_DPI, jobs=jobs)

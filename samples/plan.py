"""What a generated set holds: its records' types, and the files they are stacked and scanned in.

A set is planned in the generator's main process before anything is drawn
(:mod:`samples.generator`): the records' specs, either fixed (the demo set,
:func:`demo_plan`) or of random types (:func:`record_specs`), then, once the
records' page counts are known, the files (:func:`plan_files`): which
records each stacks, its format, damage level, resolution and colour mode,
and the second scans of some papers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Sequence

from pipeline.domain import ProcedureType

from samples.styles import GENERATED_TYPES

__all__ = [
    "FilePlan",
    "FileSpec",
    "RecordSpec",
    "demo_plan",
    "plan_files",
    "record_specs",
]

#: Relative frequency of the colour modes of varied files.
_COLOUR_WEIGHTS: dict[str, int] = {"colour": 6, "grey": 3, "bilevel": 2}

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



@dataclass(frozen=True)
class FilePlan:
    """One file of a set before it is written: what it holds and how it is scanned."""

    fmt: str
    level: str
    records: tuple[int, ...]
    label: str
    rotations: dict[int, int] | None
    dpi: int
    colour: str
    rescan_of: int | None = None



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



def record_specs(rng: random.Random, n: int, plan: Sequence[FileSpec] | None) -> list[RecordSpec]:
    """The records of a set: those of ``plan``, else ``n`` of random types (every type first).

    Args:
        rng: The set's random source (drawn from only without a plan).
        n: How many records a random set has.
        plan: Fixed files and records, or None.

    Returns:
        The records' specs, in the order their files stack them.
    """
    if plan is None:
        return [RecordSpec(t) for t in _random_types(rng, n)]
    return [r for f in plan for r in f.records]


def plan_files(rng: random.Random, counts: Sequence[int], plan: Sequence[FileSpec] | None, *,
               levels: Sequence[str], layout: str, varied: bool, dpis: Sequence[int],
               colours: Sequence[str], rescans: int) -> list[FilePlan]:
    """The files of a set: the records each stacks, its format, level and scan, then the second scans.

    Args:
        rng: The set's random source.
        counts: Page count of each record, in record order.
        plan: Fixed files (their records numbered in order), or None to group the records at random.
        levels: Damage levels drawn per file.
        layout: ``mixed``, ``pdf``, ``tiff`` or ``images`` (see :func:`samples.generator.generate`).
        varied: Whether the style is ``varied``: only then are resolution and colour drawn.
        dpis: Resolutions drawn per file (the first only, in the classic style).
        colours: Colour modes drawn per file (varied).
        rescans: Number of papers scanned a second time (varied).

    Returns:
        The files, in the order they are numbered.
    """
    if plan is None:
        groups = _group(rng, counts, levels, layout)
        labels = ["stack" if f == "pdf" else "record" if f == "tiff" else "page"
                  for f, _, _ in groups]
        rotations: list[dict[int, int] | None] = [None for _ in groups]
    else:
        groups, start = [], 0
        for f in plan:
            groups.append((f.fmt, f.level, list(range(start, start + len(f.records)))))
            start += len(f.records)
        labels = [f.label or f.fmt for f in plan]
        rotations = [dict(f.rotations) for f in plan]
    files = []
    for i, (fmt, lv, idxs) in enumerate(groups):
        fdpi, colour = _file_scan(rng, varied, dpis, colours)
        files.append(FilePlan(_bilevel_format(fmt, colour), lv, tuple(idxs), labels[i],
                              rotations[i], fdpi, colour))
    if varied and rescans:
        files += _rescan_files(rng, counts, levels, dpis, colours, rescans)
    return files


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



def _pick_dpi(rng: random.Random, dpis: Sequence[int]) -> int:
    return dpis[0] if len(dpis) == 1 else rng.choice(list(dpis))


def _pick_colour(rng: random.Random, colours: Sequence[str]) -> str:
    return rng.choices(list(colours), weights=[_COLOUR_WEIGHTS[c] for c in colours])[0]




def _file_scan(rng: random.Random, varied: bool, dpis: Sequence[int],
               colours: Sequence[str]) -> tuple[int, str]:
    """Resolution and colour mode of one file (drawn only in the varied style)."""
    if not varied:
        return dpis[0], "colour"
    return _pick_dpi(rng, dpis), _pick_colour(rng, colours)


def _bilevel_format(fmt: str, colour: str) -> str:
    """A JPEG cannot be 1-bit: a bilevel single page is written as PNG."""
    return "png" if colour == "bilevel" and fmt == "jpg" else fmt


def _rescan_files(rng: random.Random, counts: Sequence[int], levels: Sequence[str],
                  dpis: Sequence[int], colours: Sequence[str], n: int) -> list[FilePlan]:
    """Second scans of ``n`` papers (records), one file each."""
    chosen = sorted(rng.sample(range(len(counts)), k=min(n, len(counts))))
    out = []
    # A second scan of a paper always differs from the first: prefer a damaged
    # level (a "clean" scan is the rendered page itself).
    damaged = [lv for lv in levels if lv != "clean"] or list(levels)
    for i in chosen:
        level = rng.choice(damaged)
        fmt = rng.choice(("jpg", "png")) if counts[i] == 1 and rng.random() < 0.5 \
            else rng.choice(("pdf", "tiff"))
        dpi, colour = _pick_dpi(rng, dpis), _pick_colour(rng, colours)
        out.append(FilePlan(_bilevel_format(fmt, colour), level, (i,), "rescan", None, dpi,
                             colour, rescan_of=i))
    return out

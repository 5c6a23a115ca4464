"""Command line of the sample generator: ``python -m samples.generate``.

Examples::

    python -m samples.generate --demo
    python -m samples.generate --out /tmp/bench --records 100 --levels clean,mild,heavy --seed 7
    python -m samples.generate --out /tmp/rescans --records 40 --rescans 8 --dpis 150,200
    python -m samples.generate --out /tmp/old --records 40 --style classic

The work is done by :func:`samples.generate` (``samples/generator.py``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from samples.generator import (
    DEFAULT_DPIS, LAYOUTS, SAMPLES_DIR, generate, generate_demo, keep_freed_memory,
)
from samples.output import COLOUR_MODES
from samples.styles import STYLES

__all__ = ["main"]


def _list(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m samples.generate",
        description="Generate synthetic damaged scans of Vietnamese education-department"
                    " procedure results, with ground truth.")
    p.add_argument("--demo", action="store_true",
                   help="rewrite the committed demo set in samples/ (ignores the other options"
                        " except --jobs)")
    p.add_argument("--out", type=Path, help="output directory (required without --demo)")
    p.add_argument("--records", type=int, default=12, help="number of records (default 12)")
    p.add_argument("--levels", default="clean,mild,heavy",
                   help="comma-separated damage levels drawn per file (default clean,mild,heavy)")
    p.add_argument("--layout", choices=LAYOUTS, default="mixed", help="file mix (default mixed)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--style", choices=STYLES, default="varied",
                   help="varied: many offices' fonts, layouts, wordings and issuers (default);"
                        " classic: the demo's single Hải Phòng look")
    p.add_argument("--dpi", type=int, default=None,
                   help="one resolution for every file (default: drawn from --dpis; 300 for"
                        " --style classic)")
    p.add_argument("--dpis", default=None,
                   help="comma-separated resolutions drawn per file (varied; default "
                        f"{','.join(map(str, DEFAULT_DPIS))})")
    p.add_argument("--colours", default=None,
                   help=f"comma-separated colour modes drawn per file from {','.join(COLOUR_MODES)}"
                        " (varied; default all, mostly colour)")
    p.add_argument("--rescans", type=int, default=0,
                   help="number of papers scanned a second time, as separate files (varied;"
                        " default 0)")
    p.add_argument("--max-skew", type=float, default=None,
                   help="skew bound in degrees (default ±2 mild, ±8 heavy)")
    p.add_argument("--clean-images", action="store_true",
                   help="also write the undamaged pages as PNG under clean/")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if argv is None:  # a process of its own: see keep_freed_memory
        keep_freed_memory()
    if args.demo:
        truth = generate_demo(jobs=args.jobs)
        where = SAMPLES_DIR
    else:
        if args.out is None:
            parser.error("--out is required unless --demo is given")
        try:
            truth = generate(
                args.out, seed=args.seed, n_records=args.records, levels=_list(args.levels),
                layout=args.layout, dpi=args.dpi, max_skew=args.max_skew,
                clean_images=args.clean_images, jobs=args.jobs, style=args.style,
                dpis=[int(d) for d in _list(args.dpis)] if args.dpis else None,
                colours=_list(args.colours) if args.colours else None, rescans=args.rescans)
        except ValueError as exc:
            parser.error(str(exc))
        where = args.out
    pages = sum(len(f["pages"]) for f in truth["files"])
    print(f"wrote {len(truth['files'])} files, {pages} pages, {len(truth['records'])} records"
          f" to {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

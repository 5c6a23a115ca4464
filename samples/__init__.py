"""Synthetic damaged scans of administrative-procedure results, with ground truth.

The package makes realistic test and demo material for sohoa: Vietnamese
administrative documents of the Hải Phòng Department of Education (2008–2013)
rendered at 300 dpi, aged (yellowing, mold, foxing, termite holes, fading,
bleed-through) and "scanned" (skew, rotation, blur, noise, dark borders).

The committed demo set lives in ``samples/scans`` with
``samples/ground_truth.json``; regenerate it with
``python -m samples.generate --demo``.
"""

from __future__ import annotations

from samples._content import GENERATED_TYPES, RecordContent, make_record
from samples._damage import (
    LEVELS,
    SCANNER_DARK,
    DamagedPage,
    bleed_through,
    blur,
    damage_page,
    fading,
    foxing,
    mold,
    pick_rotation,
    pick_skew_angle,
    rotate_quarter,
    scanner_border,
    scanner_noise,
    skew,
    skew_by,
    termite_holes,
    yellowing,
)
from samples._render import RenderedPage, render_document
from samples._generate import (
    DEMO_DPI,
    DEMO_SEED,
    GENERATOR_VERSION,
    SAMPLES_DIR,
    FileSpec,
    RecordSpec,
    demo_plan,
    generate,
    generate_demo,
)

__all__ = [
    "GENERATED_TYPES",
    "RecordContent",
    "make_record",
    "LEVELS",
    "SCANNER_DARK",
    "DamagedPage",
    "bleed_through",
    "blur",
    "damage_page",
    "fading",
    "foxing",
    "mold",
    "pick_rotation",
    "pick_skew_angle",
    "rotate_quarter",
    "scanner_border",
    "scanner_noise",
    "skew",
    "skew_by",
    "termite_holes",
    "yellowing",
    "RenderedPage",
    "render_document",
    "DEMO_DPI",
    "DEMO_SEED",
    "GENERATOR_VERSION",
    "SAMPLES_DIR",
    "FileSpec",
    "RecordSpec",
    "demo_plan",
    "generate",
    "generate_demo",
]

"""Synthetic damaged scans of administrative-procedure results, with ground truth.

The package makes realistic test and demo material for sohoa: Vietnamese
administrative documents of education offices (2008–2013), aged (yellowing,
mold, foxing, termite holes, fading, bleed-through) and "scanned" (skew,
rotation, blur, noise, dark scanner-bed borders), with exact ground truth.

Two styles:

- ``varied`` (default of :func:`samples.generator.generate` and the CLI): issuers of many
  provinces and district offices, seven font families, varied margins,
  three header layouts, several wordings per procedure type, 150–300 dpi
  colour, grey or bilevel files, bed strips along any side, and optional
  second scans of the same papers (``rescans``);
- ``classic``: the single Hải Phòng look the first reading code was written
  on. The committed demo set (``samples/scans`` with
  ``samples/ground_truth.json``, :func:`generate_demo`,
  ``python -m samples.generate --demo``) uses it and stays byte for byte
  the same.

The generator's names are its own (``samples/vocab.py`` for the classic
style, ``samples/names.py`` and ``samples/places.py`` for the varied
one); nothing is shared with the reading code's knowledge. For tests that
check this, the package exposes:

- :func:`generator_vocabulary` ``(style="varied") -> dict[str, frozenset[str]]``
  with ``school_names`` (full names such as "Trường THCS Yên Phúc A"),
  ``school_proper_names`` ("Yên Phúc"), ``family_names``, ``middle_names``,
  ``given_names``, ``person_names`` (every full name the style can print,
  signers included), ``provinces`` and ``districts``;
- :func:`could_be_generated_name` ``(name, style="varied") -> bool``, which
  answers for one full name without building the set.

The varied style's school proper names exclude the classic ones (which are
the Hải Phòng names of the reading code's first gazetteer).

See ``docs/samples.md`` for the ground-truth format and the options.
"""

from __future__ import annotations

from samples.record import RecordContent
from samples.styles import GENERATED_TYPES, STYLES, make_record
from samples.ageing import SCANNER_DARK, bleed_through, fading, foxing, mold, termite_holes, yellowing
from samples.damage import (
    LEVELS,
    STRIP_SIDES,
    DamagedPage,
    add_strips,
    blur,
    damage_page,
    pick_rotation,
    pick_skew_angle,
    pick_strips,
    rotate_quarter,
    scanner_border,
    scanner_noise,
    scanner_strips,
    skew,
    skew_by,
)
from samples.look import CLASSIC_LOOK, FONT_FAMILIES, Look, random_look
from samples.output import COLOUR_MODES, to_colour_mode
from samples.render import RenderedPage, layout_document, render_document
from samples._vocabulary import could_be_generated_name, generator_vocabulary
from samples.generator import (
    CLASSIC_VERSION,
    DEFAULT_DPIS,
    DEMO_DPI,
    DEMO_SEED,
    GENERATOR_VERSION,
    SAMPLES_DIR,
    generate_demo,
)
from samples.plan import FileSpec, RecordSpec, demo_plan

__all__ = [
    "GENERATED_TYPES",
    "STYLES",
    "RecordContent",
    "make_record",
    "LEVELS",
    "SCANNER_DARK",
    "STRIP_SIDES",
    "DamagedPage",
    "add_strips",
    "bleed_through",
    "blur",
    "damage_page",
    "fading",
    "foxing",
    "mold",
    "pick_rotation",
    "pick_skew_angle",
    "pick_strips",
    "rotate_quarter",
    "scanner_border",
    "scanner_noise",
    "scanner_strips",
    "skew",
    "skew_by",
    "termite_holes",
    "yellowing",
    "CLASSIC_LOOK",
    "FONT_FAMILIES",
    "Look",
    "random_look",
    "COLOUR_MODES",
    "to_colour_mode",
    "RenderedPage",
    "layout_document",
    "render_document",
    "could_be_generated_name",
    "generator_vocabulary",
    "CLASSIC_VERSION",
    "DEFAULT_DPIS",
    "DEMO_DPI",
    "DEMO_SEED",
    "GENERATOR_VERSION",
    "SAMPLES_DIR",
    "FileSpec",
    "RecordSpec",
    "demo_plan",
    "generate_demo",
]

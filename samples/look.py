"""Looks of a document: font family, margins, type sizes and header proportions.

Real paper from many offices differs in typeface (a Times-like serif from a
word processor, Arial-like sans, a Courier-like typewriter face, heavy bold
headers), in margins and in type sizes. A :class:`Look` holds those choices
for one document; :data:`CLASSIC_LOOK` is the single look of the classic
style (Liberation Serif, the decree's margins), which the demo set uses.

Only fonts with full Vietnamese glyphs are listed (``fc-list ':lang=vi'``):
Liberation Serif/Sans/Mono and DejaVu Sans/Serif. DejaVu Sans Mono lacks
some Vietnamese letters and is not used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from samples.blocks import Style

__all__ = [
    "FontFamily",
    "FONT_FAMILIES",
    "CLASSIC_FONT",
    "Look",
    "CLASSIC_LOOK",
    "random_look",
]

_LIBERATION = "/usr/share/fonts/truetype/liberation2"
_DEJAVU = "/usr/share/fonts/truetype/dejavu"


@dataclass(frozen=True)
class FontFamily:
    """The four styles of a typeface, and optionally a heavier face for headings.

    Attributes:
        key: Short name recorded in the ground truth (``font``).
        regular: Path of the regular face.
        bold: Path of the bold face.
        italic: Path of the italic face.
        bold_italic: Path of the bold italic face.
        heading_bold: Face of the bold header, title and signature lines
            (None: the family's own bold).
    """

    key: str
    regular: str
    bold: str
    italic: str
    bold_italic: str
    heading_bold: str | None = None

    def path(self, style: Style, heading: bool = False) -> str:
        """Font file of a style; bold heading lines may use the heavy face.

        Args:
            style: ``regular``, ``bold``, ``italic`` or ``bold_italic``.
            heading: The line is a header, title or signature line.

        Returns:
            The path of the TrueType file.
        """
        if heading and style == "bold" and self.heading_bold:
            return self.heading_bold
        return {"regular": self.regular, "bold": self.bold, "italic": self.italic,
                "bold_italic": self.bold_italic}[style]


def _liberation(name: str) -> tuple[str, str, str, str]:
    return tuple(f"{_LIBERATION}/Liberation{name}-{s}.ttf"  # type: ignore[return-value]
                 for s in ("Regular", "Bold", "Italic", "BoldItalic"))


FONT_FAMILIES: dict[str, FontFamily] = {
    # Times-like: what most offices printed with.
    "serif": FontFamily("serif", *_liberation("Serif")),
    # Arial-like.
    "sans": FontFamily("sans", *_liberation("Sans")),
    # Verdana-like wide sans.
    "sans_wide": FontFamily(
        "sans_wide", f"{_DEJAVU}/DejaVuSans.ttf", f"{_DEJAVU}/DejaVuSans-Bold.ttf",
        f"{_DEJAVU}/DejaVuSans-Oblique.ttf", f"{_DEJAVU}/DejaVuSans-BoldOblique.ttf"),
    # Courier-like: typewritten or a typewriter-style printer face.
    "mono": FontFamily("mono", *_liberation("Mono")),
    # Serif body under heavy, wide bold header lines.
    "serif_heavy_header": FontFamily("serif_heavy_header", *_liberation("Serif"),
                                     heading_bold=f"{_DEJAVU}/DejaVuSerif-Bold.ttf"),
    "sans_heavy_header": FontFamily("sans_heavy_header", *_liberation("Serif"),
                                    heading_bold=f"{_DEJAVU}/DejaVuSans-Bold.ttf"),
    # DejaVu Serif throughout: a wider, darker serif.
    "serif_wide": FontFamily(
        "serif_wide", f"{_DEJAVU}/DejaVuSerif.ttf", f"{_DEJAVU}/DejaVuSerif-Bold.ttf",
        f"{_DEJAVU}/DejaVuSerif-Italic.ttf", f"{_DEJAVU}/DejaVuSerif-BoldItalic.ttf"),
}
CLASSIC_FONT = "serif"

#: Relative frequency of the families in varied sets.
_FONT_WEIGHTS: dict[str, int] = {
    "serif": 8, "sans": 3, "sans_wide": 2, "mono": 3, "serif_heavy_header": 3,
    "sans_heavy_header": 2, "serif_wide": 2,
}


@dataclass(frozen=True)
class Look:
    """Typeface, margins and sizes of one document.

    Attributes:
        font: Key of :data:`FONT_FAMILIES`.
        top_mm: Top margin in millimetres.
        bottom_mm: Bottom margin.
        left_mm: Left margin.
        right_mm: Right margin.
        body_pt: Size of running text.
        header_pt: Size of the header lines (issuer, number, motto).
        small_pt: Size of the "Nơi nhận" list and the "V/v" line.
        title_pt: Size of the title ("QUYẾT ĐỊNH").
        line_spacing: Line height as a multiple of the type size.
        split: Share of the text width taken by the header's left column.
    """

    font: str = CLASSIC_FONT
    top_mm: float = 20.0
    bottom_mm: float = 20.0
    left_mm: float = 30.0
    right_mm: float = 18.0
    body_pt: float = 13.0
    header_pt: float = 12.5
    small_pt: float = 11.0
    title_pt: float = 14.0
    line_spacing: float = 1.32
    split: float = 0.41

    @property
    def family(self) -> FontFamily:
        """The font family of this look."""
        return FONT_FAMILIES[self.font]


CLASSIC_LOOK = Look()


def random_look(rng: random.Random) -> Look:
    """A plausible look of an office's paper: font, margins and sizes drawn at random.

    Margins range from narrow (left 12 mm) to wide (left 35 mm); a typewriter
    face gets smaller type and looser lines, as typewritten pages have.

    Args:
        rng: Random source.

    Returns:
        The look of one document.
    """
    keys = sorted(_FONT_WEIGHTS)
    font = rng.choices(keys, weights=[_FONT_WEIGHTS[k] for k in keys])[0]
    mono = font == "mono"
    wide = font in ("sans_wide", "serif_wide")
    body = rng.choice((11.5, 12.0, 12.0, 12.5)) if mono or wide else rng.choice(
        (12.0, 12.5, 13.0, 13.0, 13.5, 14.0))
    return Look(
        font=font,
        top_mm=round(rng.uniform(10.0, 28.0), 1),
        bottom_mm=round(rng.uniform(12.0, 25.0), 1),
        left_mm=round(rng.uniform(12.0, 35.0), 1),
        right_mm=round(rng.uniform(10.0, 22.0), 1),
        body_pt=body,
        header_pt=round(body - rng.choice((0.0, 0.5, 1.0)), 1),
        small_pt=round(body - rng.choice((1.0, 1.5, 2.0)), 1),
        title_pt=round(body + rng.choice((0.5, 1.0, 1.0, 2.0)), 1),
        line_spacing=round(rng.uniform(1.35, 1.6) if mono else rng.uniform(1.18, 1.42), 2),
        split=round(rng.uniform(0.40, 0.47), 3),
    )

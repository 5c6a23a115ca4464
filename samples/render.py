"""Draw layout blocks on A4 pages with Pillow, recording the text of each page.

The renderer is deterministic: the same blocks, look and dpi give the same
pixels. Each page's ground-truth text is the list of drawn lines in reading
order (for two-column blocks: the left column, then the right one).

A :class:`~samples.look.Look` sets the font family, margins and line
spacing; the default is the classic look. :func:`layout_document` runs the
same layout without drawing, for the page count and text of a record.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.blocks import (
    Block, Columns, Line, PageBreak, Paragraph, Signature, Space, Stack, Style,
)
from samples.look import CLASSIC_LOOK, FontFamily, Look

__all__ = ["RenderedPage", "PageGeometry", "render_document", "layout_document", "FONT_DIR"]

FONT_DIR = "/usr/share/fonts/truetype/liberation2"
INK = (28, 26, 30)
SIGNATURE_INK = (35, 45, 125)
SEAL_INK = (205, 45, 55, 170)
LINE_SPACING = 1.32


@dataclass(frozen=True)
class PageGeometry:
    """A4 page and margins (the decree's 20/30/20/15–20 mm) at a resolution."""

    dpi: int = 300
    width_mm: float = 210.0
    height_mm: float = 297.0
    top_mm: float = 20.0
    bottom_mm: float = 20.0
    left_mm: float = 30.0
    right_mm: float = 18.0

    def px(self, mm: float) -> int:
        """Millimetres to pixels at this resolution."""
        return int(round(mm * self.dpi / 25.4))

    def pt(self, points: float) -> int:
        """Font points to pixels at this resolution."""
        return max(4, int(round(points * self.dpi / 72.0)))

    @property
    def size(self) -> tuple[int, int]:
        """Page size in pixels (width, height)."""
        return self.px(self.width_mm), self.px(self.height_mm)


@dataclass
class RenderedPage:
    """One clean page: RGB pixels and its text lines in reading order."""

    image: np.ndarray
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The page's ground-truth text, lines joined with newlines."""
        return "\n".join(self.lines)


@lru_cache(maxsize=256)
def _font_file(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size_px)


class _NullDraw:
    """Stands in for ``ImageDraw`` when only the layout is wanted."""

    def text(self, *args: object, **kwargs: object) -> None:
        return None

    def line(self, *args: object, **kwargs: object) -> None:
        return None


def _wrap(words: Sequence[str], font: ImageFont.FreeTypeFont, first_width: float,
          width: float) -> list[list[str]]:
    """Greedy word wrap; the first line may be shorter (indent)."""
    lines: list[list[str]] = []
    current: list[str] = []
    limit = first_width
    space = font.getlength(" ")
    used = 0.0
    for word in words:
        w = font.getlength(word)
        if current and used + space + w > limit:
            lines.append(current)
            current, used, limit = [], 0.0, width
        used = w if not current else used + space + w
        current.append(word)
    if current:
        lines.append(current)
    return lines


class _Writer:
    """Cursor over a growing list of pages."""

    def __init__(self, geo: PageGeometry, family: FontFamily, spacing: float = LINE_SPACING,
                 dry: bool = False) -> None:
        self.geo = geo
        self.family = family
        self.spacing = spacing
        self.dry = dry
        self.pages: list[RenderedPage] = []
        self.images: list[Image.Image | None] = []
        self.left = geo.px(geo.left_mm)
        self.right = geo.size[0] - geo.px(geo.right_mm)
        self.bottom = geo.size[1] - geo.px(geo.bottom_mm)
        self.y = 0
        self.new_page(numbered=False)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        if self.dry:
            return _NullDraw()  # type: ignore[return-value]
        return ImageDraw.Draw(self.images[-1])

    def font(self, style: Style, size_px: int, heading: bool = False) -> ImageFont.FreeTypeFont:
        """The family's face of ``style`` at a pixel size (heavy face for headings)."""
        return _font_file(self.family.path(style, heading), size_px)

    @property
    def lines(self) -> list[str]:
        return self.pages[-1].lines

    def new_page(self, numbered: bool) -> None:
        self.images.append(None if self.dry else Image.new("RGB", self.geo.size, (255, 255, 255)))
        self.pages.append(RenderedPage(np.zeros((1, 1, 3), np.uint8)))
        self.y = self.geo.px(self.geo.top_mm)
        if numbered:
            number = str(len(self.pages))
            font = self.font("regular", self.geo.pt(13))
            cx = (self.left + self.right) / 2
            self.draw.text((cx, self.y - self.geo.px(8)), number, font=font, fill=INK, anchor="ma")
            self.lines.append(number)
            self.y += self.geo.pt(6)

    def ensure(self, height: float) -> None:
        """Start a continuation page when ``height`` does not fit any more."""
        if self.y + height > self.bottom and self.y > self.geo.px(self.geo.top_mm) + 10:
            self.new_page(numbered=True)

    def finish(self) -> list[RenderedPage]:
        for page, img in zip(self.pages, self.images):
            if img is not None:
                page.image = np.asarray(img, dtype=np.uint8).copy()
        return self.pages


def _paragraph(w: _Writer, p: Paragraph) -> None:
    heading = p.style == "bold" and p.align == "center"
    font = w.font(p.style, w.geo.pt(p.size_pt), heading)
    size = w.geo.pt(p.size_pt)
    line_h = int(size * w.spacing)
    w.y += int(size * p.space_before_em)
    indent = size * p.indent_em
    width = w.right - w.left
    rows = _wrap(p.text.split(), font, width - indent, width)
    if p.keep_with_next:
        w.ensure(line_h * (len(rows) + 3))
    for i, words in enumerate(rows):
        w.ensure(line_h)
        x0 = w.left + (indent if i == 0 else 0)
        avail = w.right - x0
        text = " ".join(words)
        if p.align == "center":
            w.draw.text(((w.left + w.right) / 2, w.y), text, font=font, fill=INK, anchor="ma")
        elif p.align == "right":
            w.draw.text((w.right, w.y), text, font=font, fill=INK, anchor="ra")
        elif p.align == "justify" and i < len(rows) - 1 and len(words) > 1:
            widths = [font.getlength(word) for word in words]
            gap = (avail - sum(widths)) / (len(words) - 1)
            x = float(x0)
            for word, ww in zip(words, widths):
                w.draw.text((x, w.y), word, font=font, fill=INK, anchor="la")
                x += ww + gap
        else:
            w.draw.text((x0, w.y), text, font=font, fill=INK, anchor="la")
        w.lines.append(text)
        w.y += line_h


def _fit(w: _Writer, line: Line, width: float) -> ImageFont.FreeTypeFont:
    """The line's font, shrunk until the text fits its column."""
    size = line.size_pt
    font = w.font(line.style, w.geo.pt(size), heading=True)
    while size > 8 and font.getlength(line.text) > width:
        size -= 0.5
        font = w.font(line.style, w.geo.pt(size), heading=True)
    return font


def _column(w: _Writer, lines: Sequence[Line], x0: float, x1: float, centre: bool,
            right: bool = False) -> list[float]:
    """Draw one column from the current y; return the top y of each line (and the end)."""
    y = float(w.y)
    tops: list[float] = []
    for line in lines:
        font = _fit(w, line, x1 - x0)
        size = font.size
        tops.append(y)
        if line.text:
            x = (x0 + x1) / 2 if centre else x1 if right else x0
            anchor = "ma" if centre else "ra" if right else "la"
            w.draw.text((x, y), line.text, font=font, fill=INK, anchor=anchor)
            length = font.getlength(line.text)
            lx0 = x - length / 2 if centre else x - length if right else x
            if line.underline:
                uy = y + size * 1.08
                w.draw.line((lx0, uy, lx0 + length, uy), fill=INK, width=max(1, size // 18))
            if line.rule:
                ry = y + size * 1.22
                half = length * 0.22
                cx = lx0 + length / 2
                w.draw.line((cx - half, ry, cx + half, ry), fill=INK, width=max(1, size // 20))
        y += size * w.spacing + (size * 0.25 if line.rule else 0)
    tops.append(y)
    return tops


def _lines_height(lines: Sequence[Line], geo: PageGeometry, spacing: float) -> float:
    return sum(geo.pt(ln.size_pt) * (spacing + (0.25 if ln.rule else 0)) for ln in lines)


def _columns_height(c: Columns, geo: PageGeometry, spacing: float = LINE_SPACING) -> float:
    return max(_lines_height(c.left, geo, spacing), _lines_height(c.right, geo, spacing))


def _stack(w: _Writer, s: Stack) -> None:
    w.ensure(_lines_height(s.lines, w.geo, w.spacing))
    tops = _column(w, s.lines, w.left, w.right, centre=s.align == "center",
                   right=s.align == "right")
    w.lines.extend(ln.text for ln in s.lines if ln.text)
    w.y = int(tops[-1])


def _columns(w: _Writer, c: Columns) -> None:
    w.ensure(_columns_height(c, w.geo, w.spacing))
    split = w.left + c.split * (w.right - w.left)
    # Centred header lines may reach into the margins (10 mm left, 5 mm
    # right), never closer than 8 / 6 mm to the paper's edge.
    margin = w.geo.px(10)
    left_reach = min(margin, w.left - w.geo.px(8))
    right_reach = min(margin // 2, w.geo.size[0] - w.right - w.geo.px(6))
    if c.left_align == "center":
        left_box = (w.left - max(0, left_reach), split)
    else:
        left_box = (w.left, split)
    right_box = (split, w.right + max(0, right_reach))
    start = w.y
    left_tops = _column(w, c.left, *left_box, centre=c.left_align == "center")
    right_tops = _column(w, c.right, *right_box, centre=True)
    w.lines.extend(ln.text for ln in c.left if ln.text)
    w.lines.extend(ln.text for ln in c.right if ln.text)
    if c.signature is not None:
        _sign(w, c.signature, right_box, right_tops, start)
    w.y = int(max(left_tops[-1], right_tops[-1]))


def _sign(w: _Writer, sig: Signature, box: tuple[float, float], tops: list[float],
          start: float) -> None:
    """A blue scribble in the blank lines and a red seal overlapping it."""
    if w.dry:
        return
    rnd = random.Random(sig.seed)
    cx = (box[0] + box[1]) / 2
    top = tops[sig.after_line + 1]
    bottom = tops[min(len(tops) - 2, sig.after_line + 4)]
    cy = (top + bottom) / 2
    unit = w.geo.px(1)
    pts = []
    phases = [rnd.uniform(0, 6.28) for _ in range(3)]
    amp = (bottom - top) * 0.3
    for i in range(90):
        t = i / 89
        x = cx - 22 * unit + 44 * unit * t
        y = cy + amp * (math.sin(9 * t + phases[0]) * 0.8 + math.sin(23 * t + phases[1]) * 0.4)
        x += 4 * unit * math.sin(31 * t + phases[2])
        pts.append((x, y))
    w.draw.line(pts, fill=SIGNATURE_INK, width=max(1, unit // 3), joint="curve")
    if not sig.seal:
        return
    layer = Image.new("RGBA", w.images[-1].size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    r = 17 * unit
    sx = cx - r * rnd.uniform(0.4, 0.9)
    sy = cy - r * rnd.uniform(0.0, 0.3)
    width = max(1, unit // 2)
    d.ellipse((sx - r, sy - r, sx + r, sy + r), outline=SEAL_INK, width=width)
    d.ellipse((sx - r * 0.7, sy - r * 0.7, sx + r * 0.7, sy + r * 0.7), outline=SEAL_INK,
              width=max(1, width // 2))
    star = [(sx + r * 0.3 * (1 if k % 2 == 0 else 0.4) * math.cos(math.pi / 2 + k * math.pi / 5),
             sy - r * 0.3 * (1 if k % 2 == 0 else 0.4) * math.sin(math.pi / 2 + k * math.pi / 5))
            for k in range(10)]
    d.polygon(star, fill=SEAL_INK)
    base = w.images[-1].convert("RGBA")
    w.images[-1] = Image.alpha_composite(base, layer).convert("RGB")


def _geometry(look: Look, dpi: int) -> PageGeometry:
    return PageGeometry(dpi=dpi, top_mm=look.top_mm, bottom_mm=look.bottom_mm,
                        left_mm=look.left_mm, right_mm=look.right_mm)


def render_document(blocks: Sequence[Block], dpi: int = 300,
                    look: Look = CLASSIC_LOOK) -> list[RenderedPage]:
    """Lay out a record's blocks on as many A4 pages as needed.

    Args:
        blocks: The record's blocks in reading order.
        dpi: Resolution; 300 for real samples, lower for fast tests.
        look: Font family, margins and line spacing (default: the classic look).

    Returns:
        The clean pages with their ground-truth text lines.
    """
    return _run(blocks, dpi, look, dry=False)


def layout_document(blocks: Sequence[Block], dpi: int = 300,
                    look: Look = CLASSIC_LOOK) -> list[list[str]]:
    """The page texts :func:`render_document` would give, without drawing (fast).

    Args:
        blocks: The record's blocks in reading order.
        dpi: Resolution (page breaks depend on it through rounding).
        look: Font family, margins and line spacing.

    Returns:
        The text lines of each page.
    """
    return [p.lines for p in _run(blocks, dpi, look, dry=True)]


def _run(blocks: Sequence[Block], dpi: int, look: Look, dry: bool) -> list[RenderedPage]:
    w = _Writer(_geometry(look, dpi), look.family, look.line_spacing, dry)
    for block in blocks:
        if isinstance(block, Paragraph):
            _paragraph(w, block)
        elif isinstance(block, Columns):
            _columns(w, block)
        elif isinstance(block, Stack):
            _stack(w, block)
        elif isinstance(block, Space):
            w.y += int(w.geo.pt(13) * block.em)
        elif isinstance(block, PageBreak):
            w.new_page(numbered=block.numbered)
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {block!r}")
    return w.finish()

"""Draw layout blocks on A4 pages with Pillow, recording the text of each page.

The renderer is deterministic: the same blocks and dpi give the same pixels.
Each page's ground-truth text is the list of drawn lines in reading order
(for two-column blocks: the left column, then the right one).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples._blocks import Block, Columns, Line, PageBreak, Paragraph, Signature, Space, Style

__all__ = ["RenderedPage", "PageGeometry", "render_document", "FONT_DIR"]

FONT_DIR = "/usr/share/fonts/truetype/liberation2"
_FONT_FILES: dict[str, str] = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}
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


@lru_cache(maxsize=64)
def _font(style: Style, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(f"{FONT_DIR}/{_FONT_FILES[style]}", size_px)


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

    def __init__(self, geo: PageGeometry) -> None:
        self.geo = geo
        self.pages: list[RenderedPage] = []
        self.images: list[Image.Image] = []
        self.left = geo.px(geo.left_mm)
        self.right = geo.size[0] - geo.px(geo.right_mm)
        self.bottom = geo.size[1] - geo.px(geo.bottom_mm)
        self.y = 0
        self.new_page(numbered=False)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.images[-1])

    @property
    def lines(self) -> list[str]:
        return self.pages[-1].lines

    def new_page(self, numbered: bool) -> None:
        self.images.append(Image.new("RGB", self.geo.size, (255, 255, 255)))
        self.pages.append(RenderedPage(np.zeros((1, 1, 3), np.uint8)))
        self.y = self.geo.px(self.geo.top_mm)
        if numbered:
            number = str(len(self.pages))
            font = _font("regular", self.geo.pt(13))
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
            page.image = np.asarray(img, dtype=np.uint8).copy()
        return self.pages


def _paragraph(w: _Writer, p: Paragraph) -> None:
    font = _font(p.style, w.geo.pt(p.size_pt))
    size = w.geo.pt(p.size_pt)
    line_h = int(size * LINE_SPACING)
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


def _fit(line: Line, width: float, geo: PageGeometry) -> ImageFont.FreeTypeFont:
    """The line's font, shrunk until the text fits its column."""
    size = line.size_pt
    font = _font(line.style, geo.pt(size))
    while size > 8 and font.getlength(line.text) > width:
        size -= 0.5
        font = _font(line.style, geo.pt(size))
    return font


def _column(w: _Writer, lines: Sequence[Line], x0: float, x1: float, centre: bool) -> list[float]:
    """Draw one column from the current y; return the baseline y of each line."""
    y = float(w.y)
    tops: list[float] = []
    for line in lines:
        font = _fit(line, x1 - x0, w.geo)
        size = font.size
        tops.append(y)
        if line.text:
            x = (x0 + x1) / 2 if centre else x0
            anchor = "ma" if centre else "la"
            w.draw.text((x, y), line.text, font=font, fill=INK, anchor=anchor)
            length = font.getlength(line.text)
            lx0 = x - length / 2 if centre else x
            if line.underline:
                uy = y + size * 1.08
                w.draw.line((lx0, uy, lx0 + length, uy), fill=INK, width=max(1, size // 18))
            if line.rule:
                ry = y + size * 1.22
                half = length * 0.22
                cx = lx0 + length / 2
                w.draw.line((cx - half, ry, cx + half, ry), fill=INK, width=max(1, size // 20))
        y += size * LINE_SPACING + (size * 0.25 if line.rule else 0)
    tops.append(y)
    return tops


def _columns_height(c: Columns, geo: PageGeometry) -> float:
    def height(lines: Sequence[Line]) -> float:
        return sum(geo.pt(ln.size_pt) * (LINE_SPACING + (0.25 if ln.rule else 0)) for ln in lines)
    return max(height(c.left), height(c.right))


def _columns(w: _Writer, c: Columns) -> None:
    w.ensure(_columns_height(c, w.geo))
    split = w.left + 0.41 * (w.right - w.left)
    margin = w.geo.px(10)
    if c.left_align == "center":
        left_box = (w.left - margin, split)
    else:
        left_box = (w.left, split)
    right_box = (split, w.right + margin // 2)
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


def render_document(blocks: Sequence[Block], dpi: int = 300) -> list[RenderedPage]:
    """Lay out a record's blocks on as many A4 pages as needed.

    Args:
        blocks: The record's blocks in reading order.
        dpi: Resolution; 300 for real samples, lower for fast tests.

    Returns:
        The clean pages with their ground-truth text lines.
    """
    w = _Writer(PageGeometry(dpi=dpi))
    for block in blocks:
        if isinstance(block, Paragraph):
            _paragraph(w, block)
        elif isinstance(block, Columns):
            _columns(w, block)
        elif isinstance(block, Space):
            w.y += int(w.geo.pt(13) * block.em)
        elif isinstance(block, PageBreak):
            w.new_page(numbered=block.numbered)
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {block!r}")
    return w.finish()

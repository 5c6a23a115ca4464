"""Layout blocks: the plain data a record's content is made of.

The content module builds a list of blocks in reading order; the renderer
lays them out on A4 pages. Keeping the two apart lets tests check content
without drawing, and lets the renderer change without touching wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

__all__ = [
    "Style",
    "Align",
    "Line",
    "Paragraph",
    "Columns",
    "Stack",
    "Space",
    "PageBreak",
    "Signature",
    "Block",
]

Style = Literal["regular", "bold", "italic", "bold_italic"]
Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Line:
    """One unwrapped line inside a column (header or signature block).

    Attributes:
        text: The printed text (may be empty for a blank line).
        style: Font style.
        size_pt: Font size in points.
        underline: Underline the whole line (the motto).
        rule: Draw a short centred rule under the line (issuing body).
    """

    text: str
    style: Style = "regular"
    size_pt: float = 13.0
    underline: bool = False
    rule: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Running text wrapped to the text width.

    Attributes:
        text: The paragraph text, one string without line breaks.
        style: Font style.
        align: Horizontal alignment; ``justify`` leaves the last line ragged.
        size_pt: Font size in points.
        indent_em: First-line indent in em.
        space_before_em: Extra space above the paragraph in em.
        keep_with_next: Do not leave this paragraph alone at a page bottom.
    """

    text: str
    style: Style = "regular"
    align: Align = "justify"
    size_pt: float = 13.0
    indent_em: float = 2.0
    space_before_em: float = 0.25
    keep_with_next: bool = False


@dataclass(frozen=True)
class Columns:
    """Two columns side by side, each line centred in its column.

    Used for the page header and the closing block ("Nơi nhận:" on the left,
    the signature on the right). Never split across pages. In the ground
    truth text the left column comes first, then the right one.

    Attributes:
        left: Lines of the left column.
        right: Lines of the right column.
        left_align: ``center`` (header) or ``left`` ("Nơi nhận:" list).
        signature: Optional signature mark drawn in the right column.
        split: Where the left column ends, as a share of the text width.
    """

    left: tuple[Line, ...]
    right: tuple[Line, ...]
    left_align: Literal["center", "left"] = "center"
    signature: "Signature | None" = None
    split: float = 0.41


@dataclass(frozen=True)
class Stack:
    """Unwrapped lines across the whole text width (a one-column header).

    Never split across pages; each line keeps its own style, underline and
    rule, as in :class:`Columns`.

    Attributes:
        lines: The lines, top to bottom.
        align: ``center``, ``left`` or ``right`` within the text width.
    """

    lines: tuple[Line, ...]
    align: Literal["center", "left", "right"] = "center"


@dataclass(frozen=True)
class Signature:
    """A hand signature and, optionally, a red round seal.

    Attributes:
        after_line: Index of the right-column line after which the
            signature is drawn (in the blank lines left for it).
        seal: Draw the red round seal over the signature.
        seed: Seed of the scribble shape, so rendering stays deterministic.
    """

    after_line: int
    seal: bool = True
    seed: int = 0


@dataclass(frozen=True)
class Space:
    """Vertical space in em."""

    em: float = 1.0


@dataclass(frozen=True)
class PageBreak:
    """Start a new sheet.

    Attributes:
        numbered: Print the page number at the top of the new page (the
            usual style of continuation pages); a fresh sheet with its own
            header (a certificate) is not numbered.
    """

    numbered: bool = True


Block = Union[Paragraph, Columns, Stack, Space, PageBreak]

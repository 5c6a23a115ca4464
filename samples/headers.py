"""Header, title and closing blocks of the varied style, in several layouts.

Header layouts (the ground truth's ``header_layout``):

- ``two_column``: issuer and number in the left column, the motto and the
  place-date line in the right one (the decree's layout);
- ``one_column``: the motto centred on top, then the issuer block, then a
  row with the number on the left and the place-date on the right;
- ``number_under_title``: issuer alone on the left, motto and date on the
  right, and the number printed centred under the title ("GIẤY CHỨNG
  NHẬN" then "Số: 123/GCN-SGDĐT"), as on some certificates and decisions.
"""

from __future__ import annotations

import datetime as dt
import random

from samples.blocks import Block, Columns, Line, Paragraph, Signature, Space, Stack
from samples.look import Look
from samples.names import random_name
from samples.places import Issuer, old_spelling

__all__ = [
    "HEADER_LAYOUTS",
    "number_line",
    "date_line",
    "header",
    "title",
    "closing",
]

HEADER_LAYOUTS: tuple[str, ...] = ("two_column", "one_column", "number_under_title")


def number_line(rng: random.Random, n: int, symbol: str) -> tuple[str, str]:
    """The printed "Số" line and the normalized number.

    Args:
        rng: Random source.
        n: The running number.
        symbol: The symbol after the slash (``QĐ-SGDĐT``).

    Returns:
        (printed line, normalized number such as ``123/QĐ-SGDĐT``).
    """
    number = f"{n}/{symbol}"
    printed = rng.choice((f"Số: {number}", f"Số: {number}", f"Số:{number}", f"Số {n} /{symbol}",
                          f"Số: {n} /{symbol}", f"Số {number}"))
    return printed, number


def date_line(rng: random.Random, place: str, d: dt.date) -> str:
    """The place-date line (``Nam Định, ngày 05 tháng 7 năm 2010``), padding varied."""
    day = f"{d.day:02d}" if rng.random() < 0.6 else str(d.day)
    month = str(d.month) if rng.random() < 0.6 else f"{d.month:02d}"
    return f"{place}, ngày {day} tháng {month} năm {d.year}"


def _motto(rng: random.Random, look: Look, old: bool) -> tuple[Line, Line]:
    first = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    return (Line(old_spelling(first) if old else first, "bold", look.header_pt),
            Line("Độc lập - Tự do - Hạnh phúc", "bold", look.header_pt + 0.5, underline=True))


def _issuer_lines(issuer: Issuer, look: Look) -> tuple[Line, ...]:
    # Offices set a long issuer line a point smaller; the renderer shrinks
    # it further if it still does not fit the column.
    def size(text: str) -> float:
        return look.header_pt - (1.0 if len(text) > 26 else 0.0)

    if len(issuer.lines) == 1:
        line = issuer.lines[0]
        return (Line(line, "bold", size(line), rule=True),)
    first = "bold" if issuer.kind == "ubnd" else "regular"
    return (Line(issuer.lines[0], first, size(issuer.lines[0])),
            Line(issuer.lines[1], "bold", size(issuer.lines[1]), rule=True))


def header(rng: random.Random, look: Look, issuer: Issuer, layout: str, printed_number: str,
           place_date: str, vv: tuple[str, ...] = ()) -> list[Block]:
    """The header blocks of a first page in one of :data:`HEADER_LAYOUTS`.

    Args:
        rng: Random source.
        look: The document's look (sizes, column split).
        issuer: The issuing body.
        layout: ``two_column``, ``one_column`` or ``number_under_title``.
        printed_number: The "Số" line (ignored by ``number_under_title``:
            the title block prints it).
        place_date: The place-date line.
        vv: "V/v …" lines of a letter, printed under the number.

    Returns:
        Blocks in reading order.
    """
    motto = _motto(rng, look, issuer.old or rng.random() < 0.15)
    small = tuple(Line(t, "regular", look.small_pt) for t in vv)
    date = Line(place_date, "italic", look.header_pt + 0.5)
    issuer_lines = _issuer_lines(issuer, look)
    number = Line(printed_number, "regular", look.header_pt)
    if layout == "one_column":
        return [
            Stack(motto),
            Space(0.5),
            Columns(issuer_lines, (), split=min(0.6, look.split + 0.12)),
            Columns((number, *small), (date,), split=look.split),
        ]
    if layout == "number_under_title":
        return [Columns(issuer_lines, (*motto, Line(""), date), split=look.split)]
    return [Columns((*issuer_lines, number, *small), (*motto, Line(""), date), split=look.split)]


def title(look: Look, lines: tuple[str, ...], about: str | None, number: str | None = None,
          authority: str | None = None) -> list[Block]:
    """The centred title, the number under it (if given), "Về việc …" and the authority.

    Args:
        look: The document's look.
        lines: Title lines (``QUYẾT ĐỊNH``; ``GIẤY CHỨNG NHẬN`` and its subtitle).
        about: The "Về việc …" line, or None.
        number: The "Số" line printed under the title, or None.
        authority: The decision's authority line ("GIÁM ĐỐC SỞ …"), or None.

    Returns:
        Blocks in reading order.
    """
    out: list[Block] = [Space(1.0)]
    for i, text in enumerate(lines):
        out.append(Paragraph(text, "bold", "center", look.title_pt + (0 if i == 0 else -0.5), 0.0,
                             0.5 if i == 0 else 0.0))
    if number:
        out.append(Paragraph(number, "regular", "center", look.header_pt, 0.0, 0.2))
    if about:
        out.append(Paragraph(about, "bold", "center", look.title_pt, 0.0, 0.1))
    if authority:
        out += [Space(0.6), Paragraph(authority, "bold", "center", look.title_pt - 0.5, 0.0, 0.3)]
    out.append(Space(0.4))
    return out


_SIGNERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "sgd": (("GIÁM ĐỐC",), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    "pgd": (("TRƯỞNG PHÒNG",), ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")),
    "ubnd": (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
             ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
             ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
}


def closing(rng: random.Random, look: Look, issuer: Issuer, recipients: tuple[str, ...],
            seal: bool = True) -> Columns:
    """The "Nơi nhận" list on the left and the signature block on the right.

    Args:
        rng: Random source.
        look: The document's look.
        issuer: The issuing body (decides the signer's titles).
        recipients: The "Nơi nhận" lines, empty for none.
        seal: Draw the red seal over the signature.

    Returns:
        The closing block.
    """
    head = rng.choice(_SIGNERS[issuer.kind])
    if issuer.old:
        head = tuple(old_spelling(h) for h in head)
    size = look.body_pt
    right = tuple(Line(t, "bold", size) for t in head)
    signer = random_name(rng, rng.random() < 0.6)
    right += (Line(""), Line(""), Line(""), Line(signer, "bold", size))
    left: tuple[Line, ...] = ()
    if recipients:
        left = (Line("Nơi nhận:", "bold_italic", look.small_pt + 1),) + tuple(
            Line(r, "regular", look.small_pt) for r in recipients)
    return Columns(left, right, left_align="left", split=look.split,
                   signature=Signature(after_line=len(head) - 1, seal=seal,
                                       seed=rng.randint(0, 10**6)))

"""What a synthetic record is, whatever its style: its person, fields, dates and blocks.

Both styles (:mod:`samples.classic` and the varied one, :mod:`samples.wording`)
build a :class:`RecordContent`: the metadata the ground truth needs plus the
layout blocks in reading order. The helpers here are the ones both styles
draw with: a working day, a validity's end, a name misspelt.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from pipeline.domain import ProcedureType

from samples.blocks import Block
from samples.look import CLASSIC_LOOK, Look

__all__ = [
    "MISSPELLINGS",
    "Person",
    "RecordContent",
    "add_years",
    "misspell",
    "random_date",
]


@dataclass(frozen=True)
class Person:
    """A citizen named in a person-procedure."""

    name: str
    male: bool
    birth: dt.date
    birth_place: str


@dataclass(frozen=True)
class RecordContent:
    """One synthetic record: ground-truth fields, look and layout blocks.

    Attributes:
        type: Procedure type.
        number: Normalized number (``123/QĐ-SGDĐT``).
        date: Signing date.
        issuer: Header lines of the issuer as printed, joined with `` / ``.
        subject: The person's or the school's full name.
        validity_years: Validity period, None if it never expires.
        blocks: Layout blocks in reading order.
        look: Font family, margins and sizes to render with.
        header_layout: ``two_column``, ``one_column`` or ``number_under_title``.
        place: The place named on the place-date line.
        wording: Which phrasing of each part was used (``classic`` for the
            classic style; ``part:index`` pairs for the varied one).
    """

    type: ProcedureType
    number: str
    date: dt.date
    issuer: str
    subject: str
    validity_years: int | None
    blocks: tuple[Block, ...] = field(repr=False)
    look: Look = CLASSIC_LOOK
    header_layout: str = "two_column"
    place: str = "Hải Phòng"
    wording: str = "classic"

    @property
    def valid_until(self) -> dt.date | None:
        """Signing date plus the validity period, or None if it never expires."""
        if self.validity_years is None:
            return None
        return add_years(self.date, self.validity_years)


def add_years(date: dt.date, years: int) -> dt.date:
    """Add whole years; 29 February falls back to 28 February.

    Args:
        date: Start date.
        years: Number of years to add.

    Returns:
        The same day and month ``years`` later.
    """
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def random_date(rng: random.Random, first: int = 2008, last: int = 2013) -> dt.date:
    """A working day between 1 January ``first`` and 31 December ``last``."""
    start = dt.date(first, 1, 1).toordinal()
    end = dt.date(last, 12, 31).toordinal()
    while True:
        day = dt.date.fromordinal(rng.randint(start, end))
        if day.weekday() < 5:
            return day


#: Marks and letters a clerk gets wrong when a name is misspelt on a diploma.
MISSPELLINGS: dict[str, str] = {"ễ": "ể", "ă": "â", "ư": "u", "ơ": "o", "ấ": "ầ", "ạ": "ả", "à": "á",
                                "Đ": "D", "ũ": "ù", "ị": "i", "ồ": "ổ", "y": "i", "i": "y"}


def misspell(rng: random.Random, name: str, swaps: dict[str, str] = MISSPELLINGS) -> str:
    """A name with one letter or mark wrong (one of ``swaps``), or an "h" added when none applies."""
    chars = list(name)
    spots = [i for i, c in enumerate(chars) if c in swaps]
    if not spots:
        return name + "h"
    i = rng.choice(spots)
    chars[i] = swaps[chars[i]]
    return "".join(chars)

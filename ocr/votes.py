"""How the readings of a header line vote on its value, and when a check's reading dissents.

The re-read (:mod:`ocr.reread`) reads an unclean number or place-date line again in several
variants; each reading that parses to a valid, printed value votes for it. :func:`pick` says
which reading replaces the line, :func:`confirmed` whether the readings agree with the line as
the page read it, :func:`dissent` whether a check of a clean line read other digits.
"""

from __future__ import annotations

import re
from collections import Counter

from ocr.header_lines import HeaderLine, judge, valid_reading
from ocr.postcorrect import Knowledge
from ocr.tesseract import OcrWord

__all__ = ["MIN_AGREE", "pick", "confirmed", "dissent", "printed", "before"]

#: A re-read value replaces the line only when this many variants read it.
MIN_AGREE = 2


def pick(line: HeaderLine, readings: list[list[OcrWord]], knowledge: Knowledge,
         cited_year: int | None = None) -> list[OcrWord] | None:
    """The re-read words to put in place of ``line``'s, or ``None`` to keep them.

    Every reading that parses to a valid value votes for it (a number whose
    symbol is made of known codes, a date read as printed, whatever the
    confidence of its digits). The value with the most votes replaces the
    line's only when at least :data:`MIN_AGREE` readings agree on it, no
    other value has as many, and it differs from the line's own value; the
    reading with the surest digits is put in, with its own confidences (a
    doubtful digit still sends the record to review).

    A date of a year earlier than ``cited_year``, the latest year the rest
    of the page cites, does not vote: an act cites only what came before it
    (three variants read "2006" for the 2008 of a decision citing a request
    of April 2008). Nor does a date whose day, month or year the reading
    has only as look-alikes or glued pieces (:func:`printed`).
    """
    valid = _voters(line.kind, readings, knowledge, cited_year)
    value = _agreed(valid)
    if value is None:
        return None
    if value == line.value and valid_reading(line.kind, list(line.words), knowledge):
        return None  # the same reading, only surer: the line's own doubt stands
    return max((conf, -k, words) for k, (v, conf, words) in enumerate(valid) if v == value)[2]


def confirmed(line: HeaderLine, readings: list[list[OcrWord]], knowledge: Knowledge,
              cited_year: int | None = None) -> bool:
    """Whether the readings agree on ``line``'s own value, as :func:`pick` counts votes."""
    return line.value is not None and _agreed(_voters(line.kind, readings, knowledge, cited_year)) == line.value


def _voters(kind: str, readings: list[list[OcrWord]], knowledge: Knowledge, cited_year: int | None
            ) -> list[tuple[str, float, list[OcrWord]]]:
    """(value, digit confidence, words) of the readings that vote (see :func:`pick`)."""
    valid = []
    for words in readings:
        value, _, conf = judge(kind, words, knowledge)
        if (value is not None and valid_reading(kind, words, knowledge) and printed(kind, value, words)
                and not before(kind, value, cited_year)):
            valid.append((value, conf, words))
    return valid


def _agreed(valid: list[tuple[str, float, list[OcrWord]]]) -> str | None:
    """The value :data:`MIN_AGREE` voters agree on while no other value has as many, or ``None``."""
    ranked = Counter(value for value, _, _ in valid).most_common()
    if not ranked or ranked[0][1] < MIN_AGREE or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def printed(kind: str, value: str, words: list[OcrWord]) -> bool:
    """A date's day, month and year each stand in the reading as digits of their own.

    The parser reads look-alikes and glued pieces as digits ("năm 201 |" as
    2011, "tháng l2" as 12): on a page read that is the best guess, in a vote
    it is a second voice for a digit no reading saw.
    """
    if kind != "date":
        return True
    runs = {int(run) for run in re.findall(r"\d+", " ".join(w.text for w in words))}
    return {int(part) for part in value.split("-")} <= runs


def before(kind: str, value: str, cited_year: int | None) -> bool:
    """A date value (ISO) of a year earlier than ``cited_year``."""
    return kind == "date" and cited_year is not None and int(value[:4]) < cited_year


def dissent(line: HeaderLine, words: list[OcrWord], cited_year: int | None, knowledge: Knowledge
             ) -> list[OcrWord] | None:
    """A check's reading of a clean line when it reads other digits; else ``None``.

    Other digits: another valid, printed date, or a valid number (known codes) whose numeric part
    differs (a symbol read otherwise is no dissent). A date of a year earlier than
    ``cited_year`` is none either (see :func:`pick`).
    """
    value = judge(line.kind, words, knowledge)[0] if words else None
    if value is None or value == line.value or not valid_reading(line.kind, words, knowledge):
        return None
    if line.kind == "number":
        return words if value.rpartition("/")[0] != (line.value or "").rpartition("/")[0] else None
    if not printed(line.kind, value, words) or before(line.kind, value, cited_year):
        return None
    return words

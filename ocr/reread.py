"""Read the number line and the place-date line of a header again when they did not read cleanly.

The document number ("Số: 837/SGDĐT-KTKĐ") and the signing date ("Hải Phòng,
ngày 28 tháng 1 năm 2008") must be exactly right, and they sit in two short
lines of the header where a stain, a termite hole or an italic "1" costs a
whole field: the page read gives "Số: 880/QĐ-SGD&E," or "tháng T1". Those
two lines alone are worth a second, closer look, and only on the pages
where the first reading does not parse cleanly:

1. :func:`ocr.header_lines.header_lines` finds the two lines among the words
   of the page read, and whether each parsed cleanly from digits Tesseract
   was sure of.
2. :func:`line_box` cuts each unclean line's band out of the restored page
   (a little wider than its words: the part a stain ate was not read).
3. :mod:`ocr.variants` reads the bands again as :data:`VARIANTS` of the
   same crop (as is, upscaled, thickened, the English model for the
   place-date line's italic "1", without an ink blot), all the crops of a
   language stacked on canvases read by one Tesseract run. The ingest
   plans the re-read of a whole run of pages (:func:`plan_reread`), reads
   their canvases with one run per language and applies each page's
   readings (:func:`apply_reread`).
4. :func:`pick` lets every reading that parses to a valid value vote; the
   line's words are replaced only when at least :data:`ocr.votes.MIN_AGREE` readings
   agree on a value no other value ties with, and it differs from the
   first reading's (or that one needed a repair). On the tuning set's 179
   header lines no wrong value ever won such a vote. A date of a year
   earlier than one the rest of the page cites does not vote, nor one whose
   day, month or year the reading has only as look-alikes or glued pieces
   ("năm 201 |" parses as 2011).

A line that parsed cleanly is still checked: a ring of a stain on the "4"
of "04" reads "03" at 96%, a clean "858" in the page read "958" at 76%, as
sure as any clean digit. Its words and a line height around them
(:func:`check_box`) are read once more, alone (:data:`CHECK_VARIANTS`:
the place-date line with the English model, the number line with the
Vietnamese one as is and upscaled with strokes thickened), on canvases of
their own, in the same Tesseract runs as the other crops. When two check
readings agree on other digits (a valid value; a date of printed digits,
not before a year the page cites), they replace the line as :func:`pick`
decides; when one reads other digits, the line's digits it does not share
keep their text but drop to :data:`DISSENT_CONF`, which sends the record
to review, and the line is read again as a damaged one is
(:func:`second_look`). Digits beside a word a stain swelled are doubted
too (:mod:`ocr.swollen`).

A line the page read lost altogether (a stain ate "Số: 811/QĐ-SGDĐT", or
the place-date line ran into the "V/v" line at its left) is looked for
where the layout puts it (:mod:`ocr.lost_lines`); its band is read with the
same variants in the same Tesseract runs, and :func:`pick` decides as above.

The replaced words carry their own confidences and boxes, so the words
JSON and the page text the records stage reads (it never sees images) are
those of the re-read line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ocr.decisions import LineDecision
from ocr.header_lines import HeaderLine, header_lines, judge, needs_reread, why_unclean
from ocr.lost_lines import LostLine, band_reading, insert_after, lost_lines
from ocr.postcorrect import Knowledge
from ocr.swollen import swollen_digits
from ocr.tesseract import OcrResult, OcrWord, line_key, replace_line, words_to_text
from ocr.votes import confirmed, dissent, pick
from ocr.variants import VARIANTS, Variant, VariantCanvas, place_readings, read_canvases, variant_canvases
from pipeline.domain import DOUBT_CONF
from pipeline.folding import fold
from pipeline.place_dates import latest_cited_date
from core.settings import TesseractOptions

__all__ = [
    "Reread",
    "line_box",
    "RereadPlan",
    "apply_reread",
    "plan_reread",
    "reread_header",
    "check_box",
    "doubt_words",
    "second_look",
]

#: A number line's band reaches at least this share of the page width: the left column's
#: right side (the longest numbers, "Số: 529/SGDĐT-KT&KĐCLGD", end at 46%; the motto, in the
#: right column, is a line higher).
NUMBER_RIGHT = 0.47
#: The readings that check a header line read cleanly. The place-date line: the English model,
#: whose mistakes are not the Vietnamese one's, on the band as is; over 1,071 clean place-date
#: lines of fourteen tuning sets it never read another valid date where the first reading was
#: right, and read the printed date where it was wrong (both times: "04" read "03", "tháng 02"
#: read "03" at 96%). Upscaled x1.5 it did the same on 772 of them at 1.6 times the pixels.
#: The number line: the Vietnamese model on the band alone, as is and upscaled with strokes
#: thickened; over 419 clean number lines of five sets neither read other digits where the
#: first reading was right, and both read "858" where the page read gave "958" at 76% (the
#: English model read "Số: 747" as "S6: 6747" six times). On :func:`check_box` over 1,158
#: clean number lines of fourteen sets: both put the two wrong ones right, one right one doubted.
CHECK_VARIANTS: tuple[Variant, ...] = (
    Variant("eng x1", "eng", 1.0, kinds=("date",)),
    Variant("vie x1", "vie", 1.0, kinds=("number",)),
    Variant("vie x2 thick", "vie", 2.0, thicken=True, kinds=("number",)),
)
#: The confidence a digit keeps when a check read the number or date otherwise: below what the
#: records stage trusts (:data:`pipeline.domain.DOUBT_CONF`), so its record goes to review.
DISSENT_CONF = DOUBT_CONF / 2
@dataclass(frozen=True)
class Reread:
    """What reading a page's header lines again did."""

    result: OcrResult
    checked: tuple[str, ...] = ()  # kinds of lines read again
    replaced: tuple[str, ...] = ()  # kinds of lines whose words were replaced
    seconds: float = 0.0
    #: Kinds of clean lines a check read with other digits, or whose digits stand beside a swollen word.
    doubted: tuple[str, ...] = ()
    #: Every line looked at again, why, and what came of it (kept with the page).
    decisions: tuple[LineDecision, ...] = ()


# --------------------------------------------------------------------------
# Reading the lines again
# --------------------------------------------------------------------------


def line_box(line: HeaderLine, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` of a line's band on the page.

    A quarter of a line height above and below its words; sideways three
    line heights beyond them (the number's symbol may go on where a stain ate
    it) and at least to :data:`NUMBER_RIGHT` of the page's width for the
    number line, and to the page's right edge for the place-date line,
    whose year ends the line.
    """
    h = float(np.median([w.height for w in line.words]))
    top = min(w.top for w in line.words)
    bottom = max(w.top + w.height for w in line.words)
    left = min(w.left for w in line.words)
    right = max(w.left + w.width for w in line.words)
    pad_y = int(0.25 * h)
    pad_x = int(3 * h)
    page_h, page_w = shape[:2]
    # A number line of which only "Số:" was read goes on to the left column's right side.
    far_right = page_w if line.kind == "date" else min(page_w, max(right + pad_x, int(NUMBER_RIGHT * page_w)))
    return max(0, top - pad_y), min(page_h, bottom + pad_y), max(0, left - pad_x), far_right


def check_box(line: HeaderLine, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` of the band a check reads: a clean line's words and one line height.

    A clean line was read whole, so nothing is looked for beyond it (as
    :func:`line_box` does for a damaged one); what Tesseract reads is as
    wide as the line, and its time goes with that width.
    """
    h = float(np.median([w.height for w in line.words]))
    pad_y, pad_x = int(0.25 * h), int(h)
    page_h, page_w = shape[:2]
    return (max(0, min(w.top for w in line.words) - pad_y),
            min(page_h, max(w.top + w.height for w in line.words) + pad_y),
            max(0, min(w.left for w in line.words) - pad_x),
            min(page_w, max(w.left + w.width for w in line.words) + pad_x))


def _cited_year(result: OcrResult, line: HeaderLine) -> int | None:
    """The latest year the page cites outside ``line`` (its own date is what is in doubt)."""
    key = _place(line)
    rest = [w for w in result.words if line_key(w) != key]
    cited = latest_cited_date(words_to_text(rest))
    return cited.year if cited is not None else None



def _with_marks(new: list[OcrWord], old: tuple[OcrWord, ...]) -> list[OcrWord]:
    """``new`` with the spelling of ``old``'s words that fold the same.

    The English model reads "Hai Phong, ngay 27 thang 01": its words that
    the first reading also had ("Hải", "Phòng,", "ngày") get their
    diacritics back; digits are never taken from the first reading.
    """
    spelled = {fold(w.text): w.text for w in old if not any(ch.isdigit() for ch in w.text)}
    return [replace(w, text=spelled[fold(w.text)]) if not any(ch.isdigit() for ch in w.text)
            and fold(w.text) in spelled else w for w in new]


def _place(line: HeaderLine) -> tuple[int, int, int]:
    """The line's place in the page's reading order: Tesseract's block, paragraph and line of its first word."""
    first = line.words[0]
    return line_key(first)


def _placed(result: OcrResult, line: HeaderLine) -> HeaderLine:
    """``line`` with the words ``result`` holds in its place now (after :func:`_put_back`)."""
    key = _place(line)
    return replace(line, words=tuple(w for w in result.words if line_key(w) == key))


def _put_back(result: OcrResult, line: HeaderLine, new: list[OcrWord]) -> OcrResult:
    """``result`` with ``line``'s words replaced by ``new`` (given the line's place in the reading order)."""
    return replace_line(result, _place(line), _with_marks(new, line.words))


@dataclass(frozen=True)
class RereadPlan:
    """The lines of one page to read again, and the canvases that read them (:func:`plan_reread`)."""

    todo: list[HeaderLine]  # lines read but not cleanly
    lost: list[LostLine]  # lines the page read lost
    boxes: list[tuple[int, int, int, int]]
    variants: tuple[Variant, ...]
    #: The canvases of ``todo`` and ``lost``, then those of ``checks`` (the last :attr:`check_canvases`,
    #: read with :data:`CHECK_VARIANTS`).
    canvases: list[VariantCanvas]
    knowledge: Knowledge  # the profile's: what a line must parse to
    checks: list[HeaderLine] = field(default_factory=list)  # clean lines to check
    check_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    check_canvases: int = 0

    @property
    def reread_canvases(self) -> list[VariantCanvas]:
        """The canvases of ``todo`` and ``lost`` (read with :attr:`variants`), without the checks'."""
        return self.canvases[: len(self.canvases) - self.check_canvases]


def plan_reread(image: np.ndarray, result: OcrResult, knowledge: Knowledge,
                variants: tuple[Variant, ...] = VARIANTS, *, only: tuple[str, ...] = ()) -> RereadPlan | None:
    """Which header lines of a page to read again, cut and stacked for Tesseract; ``None`` when none.

    With ``only`` (kinds of line), just the lines of those kinds that do not
    parse cleanly are read, nothing lost is looked for and nothing checked:
    the second look at lines a check doubted (:func:`second_look`).

    A page whose text is not exactly its words' text (it never happens with
    :func:`ocr.layout.read_page_text`) is left alone.
    """
    found = header_lines(result, image.shape[0], knowledge)
    todo = [line for line in found if needs_reread(line) and (not only or line.kind in only)]
    lost = [] if only else lost_lines(result, image.shape, found, knowledge)
    checks = [] if only else [line for line in found if not needs_reread(line)]
    if not (todo or lost or checks) or words_to_text(result.words) != result.text:
        return None
    boxes = [line_box(line, image.shape) for line in todo] + [line.box for line in lost]
    kinds = [line.kind for line in todo] + [line.kind for line in lost]
    canvases = variant_canvases(image, boxes, variants, kinds) if boxes else []
    # On canvases of their own: what Tesseract reads in a crop depends on the others of its canvas.
    check_boxes = [check_box(line, image.shape) for line in checks]
    checking = variant_canvases(image, check_boxes, CHECK_VARIANTS, [line.kind for line in checks]) if checks else []
    return RereadPlan(todo, lost, boxes, variants, canvases + checking, knowledge, checks, check_boxes,
                      len(checking))


def apply_reread(plan: RereadPlan, result: OcrResult, reads: list[OcrResult | None], seconds: float, *,
                 doubted: bool = False) -> Reread:
    """Put the lines the re-read settled into the page's words.

    Args:
        plan: What :func:`plan_reread` gave for ``result``.
        reads: Each of ``plan.canvases`` as Tesseract read it (``None``: its run failed).
        seconds: What the re-read took, kept in the :class:`Reread`.
        doubted: The lines are read again because a check doubted them (:func:`second_look`): digits
            the variants put in place of the page's stay doubted too.
    """
    know = plan.knowledge
    split = len(plan.reread_canvases)
    readings = place_readings(plan.reread_canvases, reads[:split], plan.boxes, plan.variants, know)
    replaced = []
    still: list[str] = []
    decisions: list[LineDecision] = []
    stage = "second look" if doubted else "reread"
    for line, per_variant in zip(plan.todo, readings, strict=False):
        votes = _blots_mattered(line.kind, per_variant, plan.variants, know)
        cited = _cited_year(result, line) if line.kind == "date" else None
        new = pick(line, votes, know, cited)
        why = "a check read other digits" if doubted else why_unclean(line, know)
        outcome = "kept" if new is None else "replaced"
        if new is None and not doubted and line.value is not None and not confirmed(line, votes, know, cited):
            # Read again for a doubt no reading settled: its least sure digits stay as read, doubted.
            result, changed = doubt_words(result, _least_sure_digits(line))
            outcome = "doubted" if changed else outcome
        if new is not None:
            result = _put_back(result, line, new)
            replaced.append(line.kind)
            if doubted:
                result, changed = doubt_words(result, _changed_digits(_placed(result, line), line.words))
                still += [line.kind] if changed else []
        decisions.append(LineDecision(stage, line.kind, line.text, why, outcome,
                                      " ".join(w.text for w in new or ())))
    for gone, per_variant in zip(plan.lost, readings[len(plan.todo):], strict=True):
        cited = latest_cited_date(result.text) if gone.kind == "date" else None
        lines = _blots_mattered(gone.kind, [band_reading(gone.kind, words, know) for words in per_variant],
                                plan.variants, know)
        new = pick(HeaderLine(gone.kind, (), None, False), lines, know, cited.year if cited is not None else None)
        if new is not None:
            result = insert_after(result, gone.after, gone.kind, new)
            replaced.append(f"lost-{gone.kind}")
        decisions.append(LineDecision("lost", gone.kind, "", f"the page gave no {gone.kind} line; looked for "
                                      "where the layout puts it", "not found" if new is None else "found",
                                      " ".join(w.text for w in new or ())))
    checked = [line.kind for line in plan.todo] + [f"lost-{line.kind}" for line in plan.lost]
    doubted = still
    if plan.checks:
        checks = place_readings(plan.canvases[split:], reads[split:], plan.check_boxes, CHECK_VARIANTS, know)
        for line, per_variant in zip(plan.checks, checks, strict=True):
            checked.append(f"check-{line.kind}")
            cited = _cited_year(result, line) if line.kind == "date" else None
            dissents = [words for words in per_variant if dissent(line, words, cited, know) is not None]
            agreed = pick(line, dissents, know, cited)
            outcome, new_text = "confirmed", ""
            if agreed is not None:  # the check's readings agree on other digits: they replace the line
                result = _put_back(result, line, agreed)
                replaced.append(line.kind)
                # ... and are doubted: two readings of the digits disagree, and the page's own may be the
                # right one (seed 75: "563" read at 90%, the checks agreeing on "568"). A person decides,
                # with the page's reading kept beside it (OcrResult.tesseract).
                result = _doubt(result, _placed(result, line), line.words)
                outcome, new_text = "replaced", " ".join(w.text for w in agreed)
            elif dissents:
                result = _doubt(result, line, dissents[0])
                doubted.append(line.kind)
                outcome, new_text = "doubted", " ".join(w.text for w in dissents[0])
            if agreed is None and line.kind == "date":  # a digit eaten beside a word the stain swelled
                result, swelled = doubt_words(result, swollen_digits(line.words))
                if swelled and line.kind not in doubted:
                    doubted.append(line.kind)
                    outcome = "doubted"
            decisions.append(LineDecision("check", line.kind, line.text, "read cleanly: checked once more",
                                          outcome, new_text))
    return Reread(result, tuple(checked), tuple(replaced), seconds, tuple(doubted), tuple(decisions))


def second_look(first: Reread, again: Reread) -> Reread:
    """``first`` once the lines it doubted were read again with every variant (``again``).

    A check is one reading against the page's: when it reads other digits,
    the line is read as a damaged one is (seed 32: the page read "tháng 03",
    the check "02", three of four variants "02"), and what the variants
    agree on replaces it. A line they do not settle stays doubted, and so
    does one whose digits they changed: two readings of it disagree, and the
    page's may be the right one (seed 75: "563" read at 90%, the variants
    agreeing on "568"). The variants agreeing with the page clear the doubt.
    """
    return Reread(again.result, first.checked + tuple(f"recheck-{k}" for k in again.checked),
                  first.replaced + again.replaced, first.seconds + again.seconds,
                  tuple(k for k in first.doubted if k not in again.replaced or k in again.doubted),
                  first.decisions + again.decisions)


def _least_sure_digits(line: HeaderLine) -> list[OcrWord]:
    """The words of ``line`` holding digits read with its lowest confidence (what made it unclean)."""
    digits = [w for w in line.words if any(c.isdigit() for c in w.text)]
    lowest = min((w.conf for w in digits), default=0.0)
    return [w for w in digits if w.conf == lowest]


def doubt_words(result: OcrResult, words: Iterable[OcrWord]) -> tuple[OcrResult, bool]:
    """``result`` with ``words`` (some of its own) at :data:`DISSENT_CONF` at most, and whether any dropped.

    Their text stays as read: the evidence is against trusting it, not for
    another value, and a person decides.
    """
    doubted = {(w.left, w.top, w.text) for w in words if w.conf > DISSENT_CONF}
    if not doubted:
        return result, False
    return replace(result, words=tuple(replace(w, conf=DISSENT_CONF) if (w.left, w.top, w.text) in doubted else w
                                          for w in result.words)), True


def _changed_digits(line: HeaderLine, before: Sequence[OcrWord]) -> list[OcrWord]:
    """The words of ``line`` whose digits the words ``before`` (the page's reading of it) did not read."""
    runs = set(re.findall(r"\d+", " ".join(w.text for w in before)))
    return [w for w in line.words if (digits := re.findall(r"\d+", w.text)) and not set(digits) <= runs]


def _doubt(result: OcrResult, line: HeaderLine, dissent: Sequence[OcrWord]) -> OcrResult:
    """``result`` with the digits of ``line`` that ``dissent`` does not have doubted (:func:`doubt_words`)."""
    return doubt_words(result, _changed_digits(line, dissent))[0]


def _blots_mattered(kind: str, per_variant: list[list[OcrWord]],
                    variants: tuple[Variant, ...], knowledge: Knowledge) -> list[list[OcrWord]]:
    """A line's readings, without those of blot variants that read the value their twin read.

    Where the blot did not hide what the value is read from, the crop
    without it reads as the crop with it: one reading must not vote twice.
    A blot variant votes only for what the blot hid from its twin (the same
    variant without :attr:`Variant.blots`).
    """
    out = list(per_variant)
    for j, v in enumerate(variants):
        if not v.blots or not out[j]:
            continue
        value = judge(kind, out[j], knowledge)[0]
        for k, twin in enumerate(variants):
            if (not twin.blots and (twin.lang, twin.scale, twin.thicken) == (v.lang, v.scale, v.thicken)
                    and judge(kind, per_variant[k], knowledge)[0] == value):
                out[j] = []
    return out


def reread_header(image: np.ndarray, result: OcrResult, options: TesseractOptions, knowledge: Knowledge, *,
                  what: str = "page", variants: tuple[Variant, ...] = VARIANTS) -> Reread:
    """Read a page's number and place-date lines again when they did not parse cleanly.

    Args:
        image: The restored page the words were read from.
        result: The page read (words in ``image``'s coordinates, reading order).
        options: Tesseract options; language and segmentation are set per variant.
        knowledge: The profile's (codes and places a line must parse with; post-correction).
        what: A name for the page in error messages.
        variants: How to read the lines again.

    Returns:
        The result, with the words of a line replaced where a re-read was
        clearly better (a line a check doubted is read again so, see
        :func:`second_look`), and what was done.
    """
    started = time.perf_counter()
    plan = plan_reread(image, result, knowledge, variants)
    if plan is None:
        return Reread(result)
    reads = read_canvases(plan.canvases, options, what=what)  # one Tesseract run per language
    first = apply_reread(plan, result, reads, time.perf_counter() - started)
    again = plan_reread(image, first.result, knowledge, variants, only=first.doubted) if first.doubted else None
    if again is None:
        return first
    started = time.perf_counter()
    reads = read_canvases(again.canvases, options, what=what)
    return second_look(first, apply_reread(again, first.result, reads, time.perf_counter() - started,
                                           doubted=True))

"""The one wrapper around the Tesseract program.

Only this module runs Tesseract. It always passes a timeout, limits OpenMP to
the configured number of threads (pages run in parallel instead), treats an
empty page as a valid empty result, and turns failures into the typed errors
of :mod:`core.errors`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from pipeline.folding import is_capitals
from core.errors import (
    TesseractCrashError,
    TesseractNotFoundError,
    TesseractTimeoutError,
)
from core.settings import TesseractOptions

__all__ = ["OcrWord", "OcrResult", "Orientation", "run_ocr", "run_ocr_many", "read_digits", "detect_orientation", "tesseract_version", "check_languages", "parse_tsv", "parse_tsv_pages", "words_to_text", "replace_line", "line_key", "group_lines", "drop_twice_read", "split_columns"]

TESSERACT = "tesseract"


@dataclass(frozen=True)
class OcrWord:
    """One recognised word with its confidence (0–100) and box in pixels."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int


@dataclass(frozen=True)
class OcrResult:
    """The text of one page and the words it was built from.

    ``tesseract`` keeps Tesseract's own words where a later step changed
    them (post-correction, a header line read again): the words as read,
    recorded with the page beside the ones kept.
    """

    text: str
    words: tuple[OcrWord, ...]
    tesseract: tuple[OcrWord, ...] = ()

    @property
    def mean_conf(self) -> float:
        """Mean word confidence, 0 for an empty page."""
        if not self.words:
            return 0.0
        return float(sum(w.conf for w in self.words) / len(self.words))


@dataclass(frozen=True)
class Orientation:
    """What Tesseract's orientation detection says of a page."""

    rotate: int  # degrees clockwise to turn the page upright
    confidence: float


def _env(options: TesseractOptions) -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = str(options.thread_limit)
    return env


#: At most this many Tesseract processes at once in this process (``None``: no limit); see
#: :func:`limit_processes`.
_slots: threading.BoundedSemaphore | None = None


def limit_processes(n: int | None) -> None:
    """Run at most ``n`` Tesseract processes at once from this Python process.

    The ingest runs one thread more than it has workers: while ``n`` pages
    are in Tesseract, the extra thread loads and restores the next page on
    the core Tesseract leaves idle, yet no more than ``n`` Tesseract
    processes compete for the cores.
    """
    global _slots
    _slots = threading.BoundedSemaphore(n) if n else None


def _run(args: list[str], options: TesseractOptions, what: str) -> subprocess.CompletedProcess[bytes]:
    if shutil.which(TESSERACT) is None:
        raise TesseractNotFoundError(
            "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
        )
    try:
        with _slots or contextlib.nullcontext():
            proc = _spawn(args, options)
    except subprocess.TimeoutExpired as exc:
        raise TesseractTimeoutError(f"{what}: tesseract took longer than {options.timeout_s:.0f} s") from exc
    return _checked(proc, what)


def _spawn(args: list[str], options: TesseractOptions) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [TESSERACT, *args],
        capture_output=True,
        timeout=options.timeout_s,
        env=_env(options),
        check=False,
    )


def _checked(proc: subprocess.CompletedProcess[bytes], what: str) -> subprocess.CompletedProcess[bytes]:
    """``proc`` if Tesseract succeeded, else the typed error saying why."""
    if proc.returncode != 0:
        err = [ln for ln in proc.stderr.decode("utf-8", "replace").strip().splitlines() if ln.strip()]
        detail = "; ".join(err[-3:]) if err else f"exit code {proc.returncode}"
        if proc.returncode < 0:
            detail = f"killed by signal {signal.Signals(-proc.returncode).name}"
        if "Failed loading language" in proc.stderr.decode("utf-8", "replace"):
            raise TesseractNotFoundError(f"{what}: language model missing: {detail}")
        raise TesseractCrashError(f"{what}: tesseract failed: {detail}")
    return proc


def _write_image(image: np.ndarray, directory: Path, stem: str = "page") -> Path:
    # PNM is written without compression: far cheaper than PNG for a 300 dpi page.
    path = directory / (f"{stem}.pgm" if image.ndim == 2 else f"{stem}.ppm")
    if not cv2.imwrite(str(path), image):
        raise TesseractCrashError("could not write the page image for tesseract")
    return path


def parse_tsv(tsv: str) -> OcrResult:
    """Build an :class:`OcrResult` from Tesseract's TSV output.

    Lines are kept in Tesseract's reading order; blocks are separated by a
    blank line.
    """
    return parse_tsv_pages(tsv, 1)[0]


def parse_tsv_pages(tsv: str, pages: int) -> list[OcrResult]:
    """One :class:`OcrResult` per page of a TSV of ``pages`` images (its ``page_num`` column, from 1)."""
    words: list[list[OcrWord]] = [[] for _ in range(pages)]
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)  # the header
    for row in reader:
        if len(row) < 12 or row[0] != "5" or not 1 <= int(row[1]) <= pages:
            continue
        text = row[11].strip()
        if not text:
            continue
        words[int(row[1]) - 1].append(
            OcrWord(
                text=text,
                conf=max(0.0, float(row[10])),
                left=int(row[6]),
                top=int(row[7]),
                width=int(row[8]),
                height=int(row[9]),
                block=int(row[2]),
                par=int(row[3]),
                line=int(row[4]),
            )
        )
    return [OcrResult(text=words_to_text(page), words=tuple(page)) for page in words]


def line_key(word: OcrWord) -> tuple[int, int, int]:
    """The line a word was read on: Tesseract's block, paragraph and line."""
    return (word.block, word.par, word.line)


def group_lines(words: Sequence[OcrWord]) -> dict[tuple[int, int, int], list[OcrWord]]:
    """Words by the line they were read on (:func:`line_key`), lines in reading order."""
    out: dict[tuple[int, int, int], list[OcrWord]] = {}
    for w in words:
        out.setdefault(line_key(w), []).append(w)
    return out


def words_to_text(words: list[OcrWord] | tuple[OcrWord, ...]) -> str:
    """Text of words in Tesseract's reading order: a line per line, blank lines between blocks."""
    lines: list[str] = []
    current: tuple[int, int, int] | None = None
    block: int | None = None
    for w in words:
        key = line_key(w)
        if key != current:
            if block is not None and w.block != block:
                lines.append("")
            lines.append(w.text)
            current, block = key, w.block
        else:
            lines[-1] += " " + w.text
    return "\n".join(lines).strip()


def replace_line(result: OcrResult, key: tuple[int, int, int], new: Sequence[OcrWord]) -> OcrResult:
    """``result`` with the words of line ``key`` (Tesseract's block, paragraph, line) replaced by ``new``,
    in that line's place in the reading order."""
    placed = [replace(w, block=key[0], par=key[1], line=key[2]) for w in new]
    words: list[OcrWord] = []
    for w in result.words:
        if line_key(w) == key:
            words += placed
            placed = []
            continue
        words.append(w)
    return replace(result, text=words_to_text(words), words=tuple(words))


#: A gap between two words of one line wider than this many times the line's word height
#: is a gutter between two columns, not a space (a justified line stretches its spaces to
#: about one height; the number and the place-date of a header sit 5–10 heights apart).
COLUMN_GAP_HEIGHTS = 3.0
#: Header columns set close together leave a narrower gap, in the middle of the text: a gap this many
#: word heights wide whose middle is within :data:`MIDDLE_BAND` of the text's centre (a share of the
#: text's width), with two words or more on each side, is a gutter too. A blank left for a handwritten
#: number ("Số:        /QĐ-UBND") has one word before it and stays one line.
MIDDLE_GAP_HEIGHTS = 1.5
MIDDLE_BAND = 0.15
#: ... and at least this many times the line's usual (median) space: a justified line stretches
#: every space alike (1.6 heights each on a short monospace line; its widest space is at most
#: 1.2 times the median), none of them a gutter, while a gutter between header columns set in
#: monospace is about twice its line's wide spaces.
MIDDLE_GAP_SPACES = 1.5


#: A header line set in capitals with its columns one space apart ("… TỈNH HẢI DƯƠNG CỘNG HOÀ XÃ HỘI …")
#: has no gap to cut at; the gutter of a line next to it (at most this many line heights above or below)
#: tells which space is the gutter: the one under it nearest its middle.
NEIGHBOUR_LINES = 2.5
#: ... when at least this share of the line's letters are capitals (the issuer's lines and the motto;
#: a line of running text beside a cut row, "… biết./." above "Nơi nhận: | KT. GIÁM ĐỐC", is not).
CAPITALS = 0.8


def _spaces(line: list[OcrWord]) -> list[tuple[int, int, float]]:
    """Each space of a line: the index of the word after it, its width, and its middle."""
    return [(k, w.left - prev.left - prev.width, (prev.left + prev.width + w.left) / 2)
            for k, (prev, w) in enumerate(zip(line, line[1:]), start=1)]


def _cuts(line: list[OcrWord], gap_heights: float, centre: float, band: float) -> list[int]:
    """Where a line is cut (indices of the words that start a new line): gutters by their gap alone."""
    height = float(np.median([w.height for w in line]))
    spaces = _spaces(line)
    usual = float(np.median([gap for _, gap, _ in spaces])) if spaces else 0.0
    cuts: list[int] = []
    for k, gap, middle_of_gap in spaces:
        since = cuts[-1] if cuts else 0
        middle = (gap > MIDDLE_GAP_HEIGHTS * height and gap > MIDDLE_GAP_SPACES * usual
                  and abs(middle_of_gap - centre) <= band and k - since >= 2 and len(line) - k >= 2)
        if gap > gap_heights * height or middle:
            cuts.append(k)
    return cuts


def _capitals(line: list[OcrWord]) -> bool:
    return is_capitals(" ".join(w.text for w in line), CAPITALS, min_letters=8)


def _under_gutter(line: list[OcrWord], near: list[tuple[list[OcrWord], list[int]]]) -> list[int]:
    """The cut of a capitals line without one: the space under a neighbouring line's gutter (reaching into it)
    nearest its middle,
    with two words or more on each side; none when no neighbour has a gutter over one of its spaces, or the
    line does not reach halfway into both of the neighbour's columns (the issuer's second line, wider than
    the number under it, ends in the gutter: it is one column)."""
    top, height = line[0].top, max(w.height for w in line)
    first, last = line[0].left, line[-1].left + line[-1].width
    for other, cuts in near:
        if not cuts or abs(other[0].top - top) > NEIGHBOUR_LINES * height:
            continue
        letters = [sum(ch.isalpha() for w in part for ch in w.text) for part in (other[: cuts[0]], other[cuts[0]:])]
        if min(letters) < 3 or float(np.median([w.height for w in other])) < 0.6 * height:
            continue  # specks read as a line: their gaps are no gutter
        start = other[cuts[0] - 1].left + other[cuts[0] - 1].width
        stop = other[cuts[0]].left
        end = other[cuts[1] - 1 if len(cuts) > 1 else -1]
        if first > start - (start - other[0].left) / 2 or last < stop + (end.left + end.width - stop) / 2:
            continue
        gutter = (start + stop) / 2
        # A space that reaches into the gutter: set one space apart, the columns' space may end just
        # where the neighbour's gutter begins ("… HƯNG CỘNG HÒA …" over "… ĐÀO TẠO   Độc lập …").
        under = [(abs(middle - gutter), k) for k, gap, middle in _spaces(line)
                 if middle - gap / 2 <= stop and middle + gap / 2 >= start and 2 <= k <= len(line) - 2]
        if under:
            return [min(under)[1]]
    return []


#: Two lines read on the same row and across the same columns are one line of print read twice when
#: they overlap this share of the lower one's height and of the narrower one's width...
TWICE_OVERLAP = 0.6
#: ... and each holds this many words and letters: a scribble read over a signer's name is the
#: post-correction's (:mod:`ocr.postcorrect`); a "Số" under a speck is not judged here.
TWICE_WORDS = 4
TWICE_LETTERS = 10


def _extent(line: Sequence[OcrWord]) -> tuple[float, float, int, int]:
    """A line's rows, its words' median top and bottom (a mark at its end makes one word tall), and columns."""
    return (float(np.median([w.top for w in line])), float(np.median([w.top + w.height for w in line])),
            min(w.left for w in line), max(w.left + w.width for w in line))


def _evidence(line: Sequence[OcrWord]) -> float:
    """Letters and digits read, each weighed by its word's confidence."""
    return sum(w.conf / 100 * sum(ch.isalnum() for ch in w.text) for w in line)


def drop_twice_read(words: Sequence[OcrWord]) -> tuple[OcrWord, ...]:
    """Words without the lesser of two readings of one line of print.

    Tesseract may find one line twice when a tall mark touches it (a seal's
    ring over "… Xây lắp Thanh Hóa được biết./."): two lines on the same row,
    across the same columns, their words interleaved, each missing some of
    the other's. The reading with less evidence (:func:`_evidence`) goes;
    the words of every other line stay, in their order.
    """
    lines = group_lines(words)
    sized = {k: line for k, line in lines.items()
             if len(line) >= TWICE_WORDS and sum(ch.isalnum() for w in line for ch in w.text) >= TWICE_LETTERS}
    keys = list(sized)
    dropped: set[tuple[int, int, int]] = set()
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a in dropped or b in dropped:
                continue
            (at, ab, al, ar), (bt, bb, bl, br) = _extent(sized[a]), _extent(sized[b])
            rows = min(ab, bb) - max(at, bt)
            cols = min(ar, br) - max(al, bl)
            if (rows >= TWICE_OVERLAP * max(min(ab - at, bb - bt), 1)
                    and cols >= TWICE_OVERLAP * max(min(ar - al, br - bl), 1)):
                dropped.add(min((a, b), key=lambda k: _evidence(sized[k])))
    return tuple(w for w in words if line_key(w) not in dropped)


def split_columns(words: Sequence[OcrWord], gap_heights: float = COLUMN_GAP_HEIGHTS) -> tuple[OcrWord, ...]:
    """Words with each line cut where a gutter runs through it.

    Tesseract joins the pieces of two columns that share a row (the number
    on the left and the place-date on the right, "Nơi nhận:" and the
    signer's title) into one line when the rest of the page is one column.
    A gap wider than ``gap_heights`` times the line's median word height, or
    a narrower one in the middle of the text (:data:`MIDDLE_GAP_HEIGHTS`)
    that is wider than the line's other spaces (:data:`MIDDLE_GAP_SPACES`),
    starts a new line (a new ``line`` number in the same block and
    paragraph, after every line number used), so each column's text is a
    line of its own. A line in capitals with no such gap, next to a line that
    has one, is cut at its space under that gutter (:data:`NEIGHBOUR_LINES`,
    :data:`CAPITALS`): header columns set one space apart. The words and
    their order are unchanged.
    """
    left = min((w.left for w in words), default=0)
    right = max((w.left + w.width for w in words), default=0)
    centre, band = (left + right) / 2, MIDDLE_BAND * (right - left)
    lines = [list(group) for _, group in groupby(words, key=line_key)]
    first = [_cuts(line, gap_heights, centre, band) for line in lines]
    cuts = [at or (_under_gutter(line, [(lines[j], first[j]) for j in (i - 1, i + 1) if 0 <= j < len(lines)])
                   if _capitals(line) else [])
            for i, (line, at) in enumerate(zip(lines, first, strict=True))]
    out: list[OcrWord] = []
    next_line = max((w.line for w in words), default=0) + 1
    for line, at in zip(lines, cuts, strict=True):
        current = line[0].line
        for k, w in enumerate(line):
            if k in at:
                current, next_line = next_line, next_line + 1
            out.append(w if current == w.line else replace(w, line=current))
    return tuple(out)


def run_ocr(image: np.ndarray, options: TesseractOptions, *, what: str = "page") -> OcrResult:
    """Recognise one page image (grayscale or BGR ``uint8``).

    Args:
        image: The page, 8-bit grayscale or BGR.
        options: Language, page segmentation, timeout and thread limit.
        what: A name for the page used in error messages.

    Returns:
        The page's text and words; an empty result for a blank page.

    Raises:
        TesseractNotFoundError: tesseract or the language model is missing.
        TesseractTimeoutError: the page took longer than the timeout.
        TesseractCrashError: tesseract failed or was killed.
    """
    return run_ocr_many([image], options, what=what)[0]


def read_digits(image: np.ndarray, options: TesseractOptions, *, what: str = "field") -> str:
    """Tesseract's digits-only reading of a field's crop, one line (``--psm 7``, digits whitelisted).

    The baseline the handwritten-digit reader must beat (:mod:`ocr.handwriting`).
    """
    with tempfile.TemporaryDirectory(prefix="sohoa-digits-") as tmp:
        path = _write_image(image, Path(tmp), "field")
        proc = _run([str(path), "-", "--psm", "7", "-l", "eng", "-c", "tessedit_char_whitelist=0123456789"],
                    options, what)
    return "".join(ch for ch in proc.stdout.decode("utf-8", "replace") if ch.isdigit())


def run_ocr_many(images: Sequence[np.ndarray], options: TesseractOptions, *, what: str = "pages") -> list[OcrResult]:
    """Recognise several page images with one Tesseract process, in order.

    Tesseract reads a list of image files in one run, so its model is loaded
    once (80 ms of CPU a start, 5% of a page) and its results are those of
    separate runs. The timeout is the per-page one times the number of
    images. One failure fails them all: the caller reads them one by one to
    learn which.

    Raises:
        The errors of :func:`run_ocr`.
    """
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="sohoa-tess-") as tmp:
        paths = [_write_image(image, Path(tmp), f"page{i:04d}") for i, image in enumerate(images)]
        if len(paths) == 1:
            src = paths[0]
        else:
            src = Path(tmp) / "pages.txt"
            src.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
            options = options.model_copy(update={"timeout_s": options.timeout_s * len(paths)})
        out = Path(tmp) / "out"
        _run(
            [
                str(src),
                str(out),
                "-l",
                options.lang,
                "--psm",
                str(options.psm),
                "--oem",
                str(options.oem),
                "-c",
                "preserve_interword_spaces=0",
                "tsv",
            ],
            options,
            what,
        )
        tsv_path = out.with_suffix(".tsv")
        tsv = tsv_path.read_text(encoding="utf-8", errors="replace") if tsv_path.exists() else ""
    return parse_tsv_pages(tsv, len(paths))


def detect_orientation(image: np.ndarray, options: TesseractOptions, *, what: str = "page") -> Orientation | None:
    """Ask Tesseract's OSD which way the page is turned.

    Returns ``None`` when OSD finds too little text to decide; that is not an
    error (blank and nearly blank pages are normal).
    """
    with tempfile.TemporaryDirectory(prefix="sohoa-osd-") as tmp:
        src = _write_image(image, Path(tmp))
        try:
            proc = _run([str(src), "stdout", "--psm", "0", "-l", "osd"], options, what)
        except TesseractCrashError as exc:
            # OSD exits non-zero when it finds too few characters.
            if "Too few characters" in str(exc) or "too few" in str(exc).lower():
                return None
            raise
    rotate = conf = None
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Rotate":
            rotate = int(value.strip())
        elif key.strip() == "Orientation confidence":
            conf = float(value.strip())
    if rotate is None or conf is None:
        return None
    return Orientation(rotate=rotate, confidence=conf)


def tesseract_version() -> str:
    """The installed Tesseract version string, e.g. ``5.3.0``."""
    try:
        return str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError as exc:
        raise TesseractNotFoundError("tesseract is not installed") from exc


def check_languages(lang: str) -> None:
    """Raise :class:`TesseractNotFoundError` unless every model in ``lang`` is installed.

    Args:
        lang: Tesseract language spec such as ``vie`` or ``vie+eng``.
    """
    try:
        installed = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as exc:
        raise TesseractNotFoundError("tesseract is not installed") from exc
    missing = [code for code in lang.split("+") if code not in installed]
    if missing:
        raise TesseractNotFoundError(
            f"Tesseract language model(s) missing: {', '.join(missing)} "
            f"(apt-get install {' '.join('tesseract-ocr-' + m for m in missing)})"
        )

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
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from core.errors import (
    TesseractCrashError,
    TesseractNotFoundError,
    TesseractTimeoutError,
)
from core.settings import TesseractOptions

__all__ = ["OcrWord", "OcrResult", "Orientation", "run_ocr", "run_ocr_many", "read_digits", "detect_orientation", "tesseract_version", "check_languages", "parse_tsv", "parse_tsv_pages", "words_to_text", "replace_line", "insert_line", "line_key", "group_lines"]

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


def insert_line(words: Sequence[OcrWord], anchor: tuple[int, int, int], new: Sequence[OcrWord], *,
                before: bool = False) -> tuple[OcrWord, ...]:
    """``words`` with ``new`` as a line of its own right after the line ``anchor`` (right before it with
    ``before``; at the end when no word is on it).

    The new line is given the anchor's block and paragraph and a line number no line has, so
    :func:`words_to_text` puts it on a line of its own beside the anchor.
    """
    line_no = max((w.line for w in words), default=0) + 1
    placed = [replace(w, block=anchor[0], par=anchor[1], line=line_no) for w in new]
    out: list[OcrWord] = []
    for i, w in enumerate(words):
        on = line_key(w) == anchor
        if on and before:
            out += placed
            placed = []
        out.append(w)
        if on and not before and (i + 1 == len(words) or line_key(words[i + 1]) != anchor):
            out += placed
            placed = []
    return tuple(out + placed)


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

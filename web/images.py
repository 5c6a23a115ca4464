"""Page images of a record: restored page, original scan, and field crops.

Files are only ever found from a record's key and a page number through the
ledger (``pages.image_path``, ``files.path``); nothing here takes a path from
a request. Original scans are rendered on demand and cached as JPEG under
``<data dir>/derived/<sha[:2]>/<sha>/pNNNN_original.jpg``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from rapidfuzz import fuzz

from ocr.derived import derived_dir_for, load_hand, load_words, write_atomic
from ocr.pdf import PdfPage
from pipeline.domain import HandField
from pipeline.folding import fold
from ledger import Ledger
from ledger.rows import RecordRow
from core.settings import Settings

__all__ = [
    "Box",
    "PageFiles",
    "page_files",
    "field_targets",
    "find_value",
    "FieldSpot",
    "locate_field",
    "crop_jpeg",
    "crop_size",
    "hand_slot",
    "original_jpeg",
    "MAX_ORIGINAL_WIDTH",
]

MAX_ORIGINAL_WIDTH = 1700
MIN_SCORE = 72.0
_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class Box:
    """A rectangle in the restored page's pixels."""

    left: int
    top: int
    right: int
    bottom: int

    def union(self, other: "Box") -> "Box":
        """The smallest box holding both."""
        return Box(min(self.left, other.left), min(self.top, other.top),
                   max(self.right, other.right), max(self.bottom, other.bottom))


@dataclass(frozen=True)
class FieldSpot:
    """Where a field's value was read: page, box, OCR confidence of its words, match score."""

    page_no: int
    box: Box
    conf: float | None
    score: float


@dataclass(frozen=True)
class PageFiles:
    """Where a record's page lives on disk, as the ledger says."""

    page_no: int
    image_path: Path | None
    words_path: Path | None
    mean_conf: float | None


def page_files(ledger: Ledger, record: RecordRow, page_no: int) -> PageFiles | None:
    """The derived files of one page of a record, or ``None`` if not its page."""
    if page_no not in record.pages:
        return None
    rows = ledger.query(
        "SELECT image_path, words_path, mean_conf FROM pages WHERE file_id=? AND page_no=?",
        (record.file_id, page_no),
    )
    if not rows:
        return PageFiles(page_no, None, None, None)
    r = rows[0]
    return PageFiles(
        page_no,
        Path(r["image_path"]) if r["image_path"] else None,
        Path(r["words_path"]) if r["words_path"] else None,
        r["mean_conf"],
    )


def pdf_pages(ledger: Ledger, record: RecordRow) -> list[PdfPage]:
    """The pages of a record's searchable PDF: restored images that exist, with their words."""
    parts = [page_files(ledger, record, n) for n in record.pages]
    return [PdfPage(pf.image_path, load_words(pf.words_path))
            for pf in parts if pf and pf.image_path and pf.image_path.is_file()]


def _norm(word: str) -> str:
    """Folded word without surrounding punctuation; numbers lose leading zeros."""
    w = _PUNCT.sub("", fold(word))
    return w.lstrip("0") or w if w.isdigit() else w


def field_targets(field: str, value: str | None) -> list[list[str]]:
    """Word sequences that may spell a field's value on the page.

    A date stored as ``2010-07-05`` is printed "ngày 05 tháng 7 năm 2010" or
    "05/7/2010"; other values are looked for as written.
    """
    if not value:
        return []
    if field in ("issue_date", "revoked_on"):
        try:
            d = dt.date.fromisoformat(value)
        except ValueError:
            return []
        return [["ngay", str(d.day), "thang", str(d.month), "nam", str(d.year)],
                [f"{d.day}/{d.month}/{d.year}"], [f"{d.day:02d}/{d.month:02d}/{d.year}"]]
    words = [_norm(w) for w in value.split()]
    return [[w for w in words if w]]


def find_value(words: list[dict[str, object]], target: list[str]) -> tuple[float, Box | None, float | None]:
    """The run of words that best spells ``target`` (fuzzy, folded).

    Returns:
        The similarity (0–100), the box around the matching words (``None``
        below :data:`MIN_SCORE`) and their mean OCR confidence.
    """
    if not target or not words:
        return 0.0, None, None
    normed = [_norm(str(w["text"])) for w in words]
    want = " ".join(target)
    best, best_span = 0.0, (0, 0)
    n = len(target)
    for size in {max(1, n - 1), n, n + 1}:
        for i in range(0, len(words) - size + 1):
            score = fuzz.ratio(" ".join(normed[i : i + size]), want)
            if score > best:
                best, best_span = score, (i, i + size)
    if best < MIN_SCORE:
        return best, None, None
    box: Box | None = None
    confs: list[float] = []
    for w in words[best_span[0] : best_span[1]]:
        left, top = int(w["left"]), int(w["top"])  # type: ignore[call-overload]
        b = Box(left, top, left + int(w["width"]), top + int(w["height"]))  # type: ignore[call-overload]
        box = b if box is None else box.union(b)
        if isinstance(w.get("conf"), (int, float)) and float(w["conf"]) >= 0:  # type: ignore[arg-type]
            confs.append(float(w["conf"]))  # type: ignore[arg-type]
    return best, box, (sum(confs) / len(confs) if confs else None)


def locate_field(ledger: Ledger, record: RecordRow, field: str, value: str | None) -> FieldSpot | None:
    """Where a field's value was read on the record's pages, or ``None``.

    Every page of the record is tried; the best match wins.
    """
    targets = field_targets(field, value)
    best: FieldSpot | None = None
    for page_no in record.pages:
        pf = page_files(ledger, record, page_no)
        hand = _handwritten_spot(pf.words_path if pf else None, field, value, page_no)
        if hand is not None:
            return hand  # written by hand: the slot the digit reader read
        words = load_words(pf.words_path if pf else None)
        for target in targets:
            score, box, conf = find_value(words, target)
            if box is not None and (best is None or score > best.score):
                best = FieldSpot(page_no, box, conf, score)
    return best


def _handwritten_spot(words_path: Path | str | None, field: str, value: str | None, page_no: int) -> FieldSpot | None:
    """The slot of a handwritten number or day the value was read from (:func:`ocr.derived.load_hand`)."""
    if not value or field not in ("number", "issue_date"):
        return None
    for h in load_hand(words_path):
        if field == "number" and h.kind == "number":
            ok = value.split("/")[0] == h.digits
        elif field == "issue_date" and h.kind == "day":
            ok = h.digits.isdigit() and value[8:10].isdigit() and int(value[8:10]) == int(h.digits)
        else:
            continue
        if ok:
            top, bottom, left, right = h.box
            return FieldSpot(page_no, Box(left, top, right, bottom), round(100 * h.confidence, 1), 100.0)
    return None


def hand_slot(ledger: Ledger, record: RecordRow, field: str) -> tuple[int, HandField] | None:
    """The digit reader's slot for a record's ``number`` or ``issue_date`` (its day), whatever it read.

    The records stage takes handwriting from the record's first page (the
    header), so only that page's hand layer is looked at.
    """
    kind = {"number": "number", "issue_date": "day"}.get(field)
    pf = page_files(ledger, record, record.pages[0]) if kind and record.pages else None
    for h in load_hand(pf.words_path if pf else None):
        if h.kind == kind:
            return pf.page_no, h  # type: ignore[union-attr]
    return None


def _crop_area(size: tuple[int, int], box: Box, pad_x: int, pad_y: int) -> tuple[int, int, int, int]:
    w, h = size
    return max(0, box.left - pad_x), max(0, box.top - pad_y), min(w, box.right + pad_x), min(h, box.bottom + pad_y)


def crop_size(image_path: Path, box: Box, *, pad_x: int = 160, pad_y: int = 45,
              max_width: int = 900) -> tuple[int, int]:
    """The pixel size of :func:`crop_jpeg`'s image, from the page's header only (nothing decoded)."""
    with Image.open(image_path) as img:
        left, top, right, bottom = _crop_area(img.size, box, pad_x, pad_y)
    w, h = max(1, right - left), max(1, bottom - top)
    return (max_width, max(1, h * max_width // w)) if w > max_width else (w, h)


def crop_jpeg(image_path: Path, box: Box, *, pad_x: int = 160, pad_y: int = 45, max_width: int = 900) -> bytes:
    """A JPEG of the page around ``box`` with some context."""
    with Image.open(image_path) as img:
        area = _crop_area(img.size, box, pad_x, pad_y)
        part = img.convert("RGB").crop(area)
        # Outline the words themselves so the eye finds them in their context.
        ImageDraw.Draw(part).rectangle(
            (box.left - area[0] - 4, box.top - area[1] - 4, box.right - area[0] + 4, box.bottom - area[1] + 4),
            outline=(230, 120, 0), width=3,
        )
        if part.width > max_width:
            part = part.resize((max_width, max(1, part.height * max_width // part.width)))
        buf = io.BytesIO()
        part.convert("RGB").save(buf, "JPEG", quality=82)
        return buf.getvalue()


def original_jpeg(settings: Settings, record: RecordRow, page_no: int) -> Path:
    """The original scan of one page as a cached JPEG (rendered once).

    Raises:
        InputError: the original file is gone or cannot be decoded.
    """
    from ocr.loader import inspect_file, load_page

    cached = derived_dir_for(settings, record.sha256) / f"p{page_no:04d}_original.jpg"
    if cached.is_file():
        return cached
    source = Path(record.path)
    info = inspect_file(source, settings.limits, settings.dpi)
    array = load_page(source, page_no, info, settings.limits, settings.dpi)
    img = Image.fromarray(array[:, :, ::-1] if array.ndim == 3 else array)
    if img.width > MAX_ORIGINAL_WIDTH:
        img = img.resize((MAX_ORIGINAL_WIDTH, img.height * MAX_ORIGINAL_WIDTH // img.width))
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=80)
    write_atomic(cached, buf.getvalue())
    return cached

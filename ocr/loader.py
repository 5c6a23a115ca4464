"""Open scanned files and turn them into page images.

Supported: PDF (rendered with pdf2image/poppler), TIFF (multi-frame), JPEG and
PNG. The type is decided by the file's content, not its name. Every problem
with an input becomes an :class:`~core.errors.InputError` naming the file
and the reason, whatever the decoders raise on damaged bytes (the fuzz tests
in ``tests/test_fuzz.py`` hold the loader to that).
"""

from __future__ import annotations

import struct
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import (
    CorruptFileError,
    DecompressionBombError,
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    InputError,
    TooManyPagesError,
    UnsupportedFileError,
)
from core.settings import Limits

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["FileInfo", "sniff_kind", "inspect_file", "load_page", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = frozenset({".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"})

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


#: What Pillow, pypdf and pdf2image raise on damaged bytes besides their own errors
#: (a TIFF whose later frame lacks its size raises TypeError, a broken PNG chunk SyntaxError).
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError, EOFError, ValueError, TypeError, SyntaxError, KeyError, IndexError, AttributeError,
    ArithmeticError, AssertionError, RecursionError, struct.error, zlib.error,
)


_F = TypeVar("_F", bound=Callable[..., Any])


def _names_file(func: _F) -> _F:
    """Let every :class:`InputError` a loader function raises name the file it is about."""

    @wraps(func)
    def wrapper(path: Path, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(path, *args, **kwargs)
        except InputError as exc:
            exc.path = exc.path or str(path)
            raise

    return cast(_F, wrapper)


@dataclass(frozen=True)
class FileInfo:
    """What a scanned file is: its kind, page count and size in bytes."""

    kind: str
    pages: int
    size: int


def sniff_kind(head: bytes) -> str:
    """The file kind from its first bytes.

    Raises:
        UnsupportedFileError: the bytes are not those of a supported format;
            the message says what they look like when that is easy to tell.
    """
    for magic, kind in _MAGIC:
        # PDF headers may follow a few bytes of junk; the spec allows 1024.
        if kind == "pdf" and magic in head[:1024]:
            return kind
        if head.startswith(magic):
            return kind
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        raise UnsupportedFileError("not a scan: the file is an HTML page")
    if head.startswith(b"GIF8"):
        raise UnsupportedFileError("unsupported type: GIF images are not accepted as scans")
    try:
        head[:512].decode("utf-8")
        is_text = all(b >= 9 for b in head[:512])
    except UnicodeDecodeError:
        is_text = False
    if is_text and head:
        raise UnsupportedFileError("not a scan: the file is plain text")
    raise UnsupportedFileError("unsupported type: not a PDF, TIFF, JPEG or PNG file")


def _check_pixels(width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels:
        raise DecompressionBombError(
            f"image of {width}×{height} pixels exceeds the limit of {limits.max_pixels:,} pixels"
        )
    if width < 16 or height < 16:
        raise CorruptFileError(f"image of {width}×{height} pixels is too small to be a scanned page")


def _open_image(path: Path, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DecompressionBombError(f"declared image size is too large ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise CorruptFileError("the image cannot be decoded") from exc
    except OSError as exc:
        raise CorruptFileError(f"the image cannot be read: {exc}") from exc
    _check_pixels(img.width, img.height, limits)
    return img


def _opens_without_password(reader: "PdfReader") -> bool:
    """Whether an encrypted PDF opens with the empty user password (permissions only)."""
    from pypdf import PasswordType
    from pypdf.errors import DependencyError, PyPdfError

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except (DependencyError, PyPdfError, NotImplementedError):
        return False


def _pdf_info(path: Path, limits: Limits, dpi: int) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path), strict=False)
        # A PDF encrypted only to restrict printing or copying (an empty user password, as scanners and
        # e-signature services write them) opens without a password: it is read like any other.
        if reader.is_encrypted and not _opens_without_password(reader):
            raise EncryptedFileError("the PDF is encrypted (password-protected)")
        count = len(reader.pages)
        if count == 0:
            raise CorruptFileError("the PDF has no pages")
        if count > limits.max_pages:
            raise TooManyPagesError(f"{count} pages exceed the limit of {limits.max_pages}")
        for page in reader.pages:
            box = page.mediabox
            width = float(box.width) / 72 * dpi
            height = float(box.height) / 72 * dpi
            _check_pixels(int(width), int(height), limits)
    except InputError:
        raise
    except (PyPdfError, *_DECODE_ERRORS) as exc:
        raise CorruptFileError(f"the PDF is damaged or truncated ({type(exc).__name__}: {exc})") from exc
    return count


@_names_file
def inspect_file(path: Path, limits: Limits, dpi: int = 300) -> FileInfo:
    """Check a file before any work is done on it.

    Args:
        path: The scanned file.
        limits: Size, page and pixel limits.
        dpi: Resolution PDFs will be rendered at (for the pixel limit).

    Returns:
        The file's kind, page count and size.

    Raises:
        InputError: any reason the file cannot be processed.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(2048)
    except PermissionError as exc:
        raise CorruptFileError("permission denied: the file cannot be read") from exc
    except OSError as exc:
        raise CorruptFileError(f"the file cannot be read: {exc.strerror or exc}") from exc
    if size == 0:
        raise EmptyFileError("the file is empty (0 bytes)")
    if size > limits.max_file_bytes:
        raise FileTooLargeError(f"{size:,} bytes exceed the limit of {limits.max_file_bytes:,}")
    kind = sniff_kind(head)
    if kind == "pdf":
        pages = _pdf_info(path, limits, dpi)
    else:
        img = _open_image(path, limits)
        with img:
            try:
                # Counting frames reads every IFD of a TIFF, where damage shows.
                pages = getattr(img, "n_frames", 1)
            except _DECODE_ERRORS as exc:
                raise CorruptFileError(f"the image's pages cannot be counted ({type(exc).__name__}: {exc})") from exc
            if pages > limits.max_pages:
                raise TooManyPagesError(f"{pages} pages exceed the limit of {limits.max_pages}")
    return FileInfo(kind=kind, pages=pages, size=size)


def _to_bgr(img: Image.Image) -> np.ndarray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        return (arr / top * 255).astype(np.uint8)
    if img.mode == "1":
        return (np.asarray(img, dtype=np.uint8) * 255).astype(np.uint8)
    if img.mode == "L":
        return np.asarray(img, dtype=np.uint8).copy()
    # No convert() copy when the page is RGB already; cvtColor flips channels ~10x faster than numpy.
    rgb = np.asarray(img if img.mode == "RGB" else img.convert("RGB"), dtype=np.uint8)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


#: Pillow modes OpenCV decodes to the same array :func:`_to_bgr` makes (alpha dropped, as ``convert("RGB")`` does).
_PLAIN_MODES = {"jpeg": frozenset({"L", "RGB"}), "png": frozenset({"L", "RGB", "RGBA"})}
#: The end-of-image marker a whole JPEG file ends with.
_JPEG_EOI = b"\xff\xd9"


def _decode_plain(path: Path, img: Image.Image) -> np.ndarray | None:
    """An 8-bit JPEG or PNG decoded by OpenCV, or ``None`` when Pillow must decode it.

    OpenCV decodes straight into the array without holding the GIL, where
    Pillow decodes, then copies the pixels into numpy with the GIL held
    (``Image.tobytes``) and needs a channel flip: 16–23 ms a scanned page
    less, and the other pages' threads are not held up meanwhile. Other
    modes, and damage, stay with Pillow, whose errors name the reason:
    OpenCV returns ``None`` for a file it cannot decode, and a JPEG without
    its end marker (cut short) is not even tried.
    """
    kind = {"JPEG": "jpeg", "PNG": "png"}.get(img.format or "")
    if kind is None or img.mode not in _PLAIN_MODES[kind] or getattr(img, "n_frames", 1) != 1:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if kind == "jpeg" and not data.rstrip(b"\0\r\n ").endswith(_JPEG_EOI):
        return None
    # ANYCOLOR keeps a gray page gray and turns the page as its EXIF orientation says (as exif_transpose does).
    flags = cv2.IMREAD_ANYCOLOR if kind == "jpeg" else cv2.IMREAD_UNCHANGED
    try:
        page = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    except cv2.error:
        return None
    if page is None or page.dtype != np.uint8:
        return None
    if page.ndim == 3 and page.shape[2] == 4:
        return cv2.cvtColor(page, cv2.COLOR_BGRA2BGR)
    return page if page.ndim == 2 or page.shape[2] == 3 else None


@_names_file
def load_page(path: Path, page_no: int, info: FileInfo, limits: Limits, dpi: int = 300) -> np.ndarray:
    """Render or decode one page (1-based) as an 8-bit grayscale or BGR array.

    Raises:
        CorruptFileError: the page cannot be decoded.
    """
    if not 1 <= page_no <= info.pages:
        raise CorruptFileError(f"page {page_no} does not exist (the file has {info.pages})")
    if info.kind == "pdf":
        from pdf2image import convert_from_path
        from pdf2image.exceptions import PDFPageCountError, PDFPopplerTimeoutError, PDFSyntaxError

        try:
            images = convert_from_path(str(path), dpi=dpi, first_page=page_no, last_page=page_no, timeout=300)
        except (PDFPageCountError, PDFSyntaxError, PDFPopplerTimeoutError, *_DECODE_ERRORS) as exc:
            raise CorruptFileError(f"page {page_no} cannot be rendered ({exc})") from exc
        if not images:
            raise CorruptFileError(f"page {page_no} cannot be rendered")
        with images[0] as img:
            return _to_bgr(img)
    img = _open_image(path, limits)
    if (fast := _decode_plain(path, img)) is not None:
        img.close()
        return fast
    try:
        with img:
            if page_no > 1:
                img.seek(page_no - 1)
            img.load()
            frame = ImageOps.exif_transpose(img) if info.kind == "jpeg" else img
            return _to_bgr(frame)
    except InputError:
        raise
    except _DECODE_ERRORS as exc:
        raise CorruptFileError(f"page {page_no} cannot be decoded ({exc})") from exc

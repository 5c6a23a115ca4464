"""Opening scans: kinds by content, page counts, and every kind of bad input."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ocr.loader import inspect_file, load_page, sniff_kind
from core.errors import (
    CorruptFileError,
    DecompressionBombError,
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    TooManyPagesError,
    UnsupportedFileError,
)
from core.settings import Limits

LIMITS = Limits()


def _page(w: int = 850, h: int = 1100, value: int = 200) -> Image.Image:
    return Image.fromarray(np.full((h, w, 3), value, np.uint8))


def make_pdf(path: Path, pages: int = 2) -> Path:
    imgs = [_page(value=100 + 40 * i) for i in range(pages)]
    imgs[0].save(path, save_all=True, append_images=imgs[1:], resolution=100)
    return path


def test_sniff_by_content_not_name() -> None:
    assert sniff_kind(b"%PDF-1.7\n") == "pdf"
    assert sniff_kind(b"II*\x00rest") == "tiff"
    assert sniff_kind(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff_kind(b"\x89PNG\r\n\x1a\nxx") == "png"
    with pytest.raises(UnsupportedFileError, match="HTML"):
        sniff_kind(b"<!DOCTYPE html><html>")
    with pytest.raises(UnsupportedFileError, match="plain text"):
        sniff_kind("Biên bản bàn giao hộp 01\n".encode())
    with pytest.raises(UnsupportedFileError, match="GIF"):
        sniff_kind(b"GIF89a....")
    with pytest.raises(UnsupportedFileError, match="not a PDF"):
        sniff_kind(bytes(range(256)))


def test_pdf_pages_render_at_requested_dpi(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "stack.pdf", pages=3)
    info = inspect_file(pdf, LIMITS, dpi=150)
    assert (info.kind, info.pages) == ("pdf", 3)
    page = load_page(pdf, 2, info, LIMITS, dpi=150)
    # 8.5 in × 11 in at 150 dpi
    assert abs(page.shape[1] - 1275) <= 2 and abs(page.shape[0] - 1650) <= 2
    assert abs(int(page.mean()) - 140) <= 3


def test_multiframe_tiff_and_modes(tmp_path: Path) -> None:
    tif = tmp_path / "record.tif"
    frames = [_page(value=60), _page(value=180).convert("L"), _page(value=90).convert("CMYK")]
    frames[0].save(tif, save_all=True, append_images=frames[1:])
    info = inspect_file(tif, LIMITS)
    assert (info.kind, info.pages) == ("tiff", 3)
    assert load_page(tif, 2, info, LIMITS).ndim == 2
    assert load_page(tif, 3, info, LIMITS).shape[2] == 3
    png16 = tmp_path / "deep.png"
    Image.fromarray(np.full((64, 64), 40000, np.uint16)).save(png16)
    info16 = inspect_file(png16, LIMITS)
    assert load_page(png16, 1, info16, LIMITS).dtype == np.uint8


def test_zero_byte_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.pdf"
    f.write_bytes(b"")
    with pytest.raises(EmptyFileError, match="0 bytes"):
        inspect_file(f, LIMITS)


def test_html_renamed_pdf(tmp_path: Path) -> None:
    f = tmp_path / "scan.pdf"
    f.write_text("<html><body>404 Not Found</body></html>")
    with pytest.raises(UnsupportedFileError, match="HTML"):
        inspect_file(f, LIMITS)


def test_truncated_pdf(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf").read_bytes()
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good[: len(good) // 3])
    with pytest.raises(CorruptFileError):
        info = inspect_file(bad, LIMITS)
        load_page(bad, 1, info, LIMITS)


def test_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(make_pdf(tmp_path / "plain.pdf")))
    writer.encrypt("mat-khau")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(EncryptedFileError, match="encrypted"):
        inspect_file(locked, LIMITS)


def test_a_pdf_restricted_by_an_owner_password_only_is_read(tmp_path: Path) -> None:
    """Scanners and e-signature services lock printing or copying, not opening: an empty user password."""
    writer = PdfWriter(clone_from=PdfReader(make_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="", owner_password="chu-so-huu", permissions_flag=0)
    restricted = tmp_path / "restricted.pdf"
    with restricted.open("wb") as fh:
        writer.write(fh)
    assert PdfReader(restricted).is_encrypted
    info = inspect_file(restricted, LIMITS)
    assert info.pages >= 1 and load_page(restricted, 1, info, LIMITS, 72).size > 0


def _png_with_declared_size(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buf, format="PNG")
    data = bytearray(buf.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_decompression_bomb(tmp_path: Path) -> None:
    f = tmp_path / "bomb.png"
    f.write_bytes(_png_with_declared_size(100_000, 100_000))
    with pytest.raises(DecompressionBombError, match="pixels"):
        inspect_file(f, LIMITS)
    with pytest.raises(DecompressionBombError):
        inspect_file(f, Limits(max_pixels=1_000_000))


def test_tiny_image(tmp_path: Path) -> None:
    f = tmp_path / "dot.png"
    Image.new("L", (1, 1)).save(f)
    with pytest.raises(CorruptFileError, match="too small"):
        inspect_file(f, LIMITS)


def test_size_and_page_limits(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "many.pdf", pages=4)
    with pytest.raises(TooManyPagesError, match="4 pages"):
        inspect_file(pdf, Limits(max_pages=3))
    with pytest.raises(FileTooLargeError):
        inspect_file(pdf, Limits(max_file_bytes=100))


def test_unreadable_file(tmp_path: Path) -> None:
    import os

    f = make_pdf(tmp_path / "secret.pdf")
    f.chmod(0)
    if os.access(f, os.R_OK):  # root reads anything; simulate with a directory in its place
        f.chmod(0o644)
        f.unlink()
        f.mkdir()
    with pytest.raises(CorruptFileError):
        inspect_file(f, LIMITS)


def _pillow_page(path: Path) -> np.ndarray:
    """The page as Pillow alone decodes it (what ``load_page`` gave before OpenCV decoded plain files)."""
    import ocr.loader as loader

    with Image.open(path) as img:
        img.load()
        return loader._to_bgr(loader.ImageOps.exif_transpose(img) if img.format == "JPEG" else img)


@pytest.mark.parametrize("name, mode, orientation", [
    ("rgb.jpg", "RGB", None), ("gray.jpg", "L", None), ("turned.jpg", "RGB", 6), ("upside.jpg", "RGB", 3),
    ("rgb.png", "RGB", None), ("gray.png", "L", None), ("alpha.png", "RGBA", None), ("palette.png", "P", None),
])
def test_opencv_decodes_plain_files_as_pillow_does(tmp_path: Path, name: str, mode: str,
                                                   orientation: int | None) -> None:
    rng = np.random.default_rng(3)
    img = Image.fromarray((rng.random((120, 80, 3)) * 255).astype(np.uint8)).convert(mode)
    exif = img.getexif()
    if orientation:
        exif[0x0112] = orientation
    path = tmp_path / name
    img.save(path, exif=exif) if name.endswith(".jpg") else img.save(path)
    page = load_page(path, 1, inspect_file(path, LIMITS), LIMITS)
    expected = _pillow_page(path)
    assert page.shape == expected.shape
    assert np.array_equal(page, expected)
    if orientation == 6:
        assert page.shape[:2] == (80, 120)  # turned upright, as Pillow's exif_transpose does


def test_truncated_jpeg_is_refused_not_half_decoded(tmp_path: Path) -> None:
    # Refused with its reason, not decoded with its missing half gray.
    path = tmp_path / "cut.jpg"
    buf = io.BytesIO()
    Image.fromarray((np.random.default_rng(4).random((400, 300, 3)) * 255).astype(np.uint8)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(CorruptFileError, match="cut.jpg"):
        load_page(path, 1, inspect_file(path, LIMITS), LIMITS)


def test_a_file_that_cannot_be_read_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan the service's account may not read. As root a mode of 000 denies nothing, so the denial is
    injected at the open the loader makes; as another user the file's mode is enough too."""
    import os

    f = tmp_path / "khoa.png"
    Image.new("L", (64, 64), 255).save(f)
    if os.geteuid() != 0:
        f.chmod(0)
        with pytest.raises(CorruptFileError, match="permission denied"):
            inspect_file(f, LIMITS)
        f.chmod(0o644)
    real_open = Path.open

    def denied(self: Path, *args: object, **kwargs: object) -> object:
        if self == f:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(CorruptFileError, match="permission denied: the file cannot be read"):
        inspect_file(f, LIMITS)

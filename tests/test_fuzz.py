"""Fuzzing the file loader and the extraction parsers with random and mutated input.

Loader contract: for any bytes, under any of the names a scan may have,
``inspect_file`` (and ``load_page`` on what it accepts) either succeeds or
raises an :class:`~core.errors.InputError` whose message names the file and
the reason; never another exception, never a hang. Parsers: any text
(random bytes decoded, any Unicode, pathological repetitions) gives a value of
the documented type, quickly. Every test has a bounded number of examples and
a deadline, so the file runs in well under 30 s.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from PIL import Image

from conftest import HP, SAMPLES
from ocr.loader import inspect_file, load_page, sniff_kind
from pipeline.domain import ProcedureType
from pipeline.extract import extract_fields
from pipeline.numbers_dates import parse_number
from pipeline.place_dates import parse_date_detail
from pipeline.subject import parse_person, parse_school, parse_subject
from pipeline.titles import parse_about, parse_title
from pipeline.validity_period import parse_validity_years
from pipeline.issuers import read_issuer
from pipeline.number_repair import snap_symbol
from core.errors import CorruptFileError, InputError, UnsupportedFileError
from core.settings import Limits

LIMITS = Limits()
#: PDFs are rendered at a low resolution: the contract is about bytes, not pixels.
DPI = 20
SUFFIXES = (".pdf", ".tif", ".jpg", ".png", "")
MAGICS = (b"%PDF-1.4\n", b"II*\x00", b"MM\x00*", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"")
FUZZ = settings(max_examples=60, deadline=dt.timedelta(seconds=10),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """One folder for every fuzzed file (hypothesis reruns a test many times in one fixture)."""
    with tempfile.TemporaryDirectory(prefix="sohoa-fuzz-") as d:
        yield Path(d)


def _small(fmt: str, **kw: object) -> bytes:
    """A small valid image of noise (noise keeps the compressed data long enough to damage)."""
    pixels = np.random.default_rng(7).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    buf = io.BytesIO()
    frames = [Image.fromarray(pixels), Image.fromarray(255 - pixels)]
    frames[0].save(buf, fmt, save_all=fmt in ("TIFF", "PDF"), append_images=frames[1:], **kw)
    return buf.getvalue()


SMALL = {
    ".png": _small("PNG"),
    ".jpg": _small("JPEG"),
    ".tif": _small("TIFF", compression="tiff_lzw"),
    ".pdf": _small("PDF", resolution=10.0),
}
#: The committed samples whose bytes are damaged by the structured mutations.
REAL = {p.suffix: p.read_bytes() for p in (SAMPLES / "scans" / "003_heavy_record.tif",
                                           SAMPLES / "scans" / "006_mild_page.jpg",
                                           SAMPLES / "scans" / "001_mild_stack.pdf")}


def check_loader_contract(path: Path, data: bytes, pages: int = 2) -> str:
    """Write ``data`` at ``path``, inspect and load it; fail unless the contract holds.

    Returns:
        ``"ok"`` or the name of the InputError raised.
    """
    path.write_bytes(data)
    try:
        info = inspect_file(path, LIMITS, DPI)
        assert info.pages >= 1 and info.size == len(data)
        for page_no in range(1, min(info.pages, pages) + 1):
            image = load_page(path, page_no, info, LIMITS, DPI)
            assert image.dtype == np.uint8 and image.ndim in (2, 3) and image.size > 0
    except InputError as exc:
        message = str(exc)
        assert str(path) in message, f"the message does not name the file: {message!r}"
        assert exc.message.strip() and exc.exit_code == 2, f"no reason given: {message!r}"
        return type(exc).__name__
    return "ok"


# -- the loader ----------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
@example(data=b"", suffix=".pdf")
@example(data=b"%PDF-", suffix="")
@example(data=b"II*\x00" + b"\xff" * 8, suffix=".tif")
def test_random_bytes_under_any_name(workdir: Path, data: bytes, suffix: str) -> None:
    check_loader_contract(workdir / f"rand{suffix}", data)


@FUZZ
@given(magic=st.sampled_from(MAGICS), tail=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_behind_a_real_header(workdir: Path, magic: bytes, tail: bytes, suffix: str) -> None:
    check_loader_contract(workdir / f"magic{suffix}", magic + tail)


def _mutate(data: bytes, draw: st.DrawFn, region: int | None = None) -> bytes:
    """Truncate, flip bits, zero or overwrite a span; ``region`` keeps edits near the start."""
    raw = bytearray(data)
    top = min(len(raw), region or len(raw))
    op = draw(st.sampled_from(("truncate", "flip", "zero", "overwrite")))
    if op == "truncate":
        return bytes(raw[: draw(st.integers(0, len(raw) - 1))])
    if op == "flip":
        for _ in range(draw(st.integers(1, 16))):
            at = draw(st.integers(0, top - 1))
            raw[at] ^= 1 << draw(st.integers(0, 7))
        return bytes(raw)
    at = draw(st.integers(0, top - 1))
    span = draw(st.integers(1, 256))
    new = bytes(span) if op == "zero" else draw(st.binary(min_size=span, max_size=span))
    raw[at : at + span] = new[: len(raw) - at]
    return bytes(raw)


@st.composite
def damaged_small_files(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(sorted(SMALL)))
    return suffix, _mutate(SMALL[suffix], draw)


@st.composite
def damaged_samples(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(sorted(REAL)))
    data = REAL[suffix]
    where = draw(st.sampled_from(("head", "anywhere", "tail")))
    if where == "tail":  # TIFF keeps its directories at the end, PDF its cross-reference table
        return suffix, data[:-4096] + _mutate(data[-4096:], draw)
    return suffix, _mutate(data, draw, 8192 if where == "head" else None)


@FUZZ
@given(case=damaged_small_files(), name_suffix=st.sampled_from(SUFFIXES))
def test_damaged_small_images_and_pdfs(workdir: Path, case: tuple[str, bytes], name_suffix: str) -> None:
    check_loader_contract(workdir / f"small{name_suffix}", case[1])


@settings(max_examples=40, deadline=dt.timedelta(seconds=20),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=damaged_samples())
def test_damaged_committed_samples(workdir: Path, case: tuple[str, bytes]) -> None:
    suffix, data = case
    check_loader_contract(workdir / f"sample{suffix}", data, pages=1)


# -- regressions the fuzzing found ------------------------------------------------------


def _tiff_without_second_frame_size() -> bytes:
    """A two-frame TIFF whose second directory lost its ImageWidth tag."""
    raw = bytearray(SMALL[".tif"])
    assert raw[:4] == b"II*\x00"
    ifd = struct.unpack_from("<I", raw, 4)[0]
    ifd = struct.unpack_from("<I", raw, ifd + 2 + 12 * struct.unpack_from("<H", raw, ifd)[0])[0]  # the second
    for i in range(struct.unpack_from("<H", raw, ifd)[0]):
        entry = ifd + 2 + 12 * i
        if struct.unpack_from("<H", raw, entry)[0] == 256:  # ImageWidth
            struct.pack_into("<H", raw, entry, 65000)  # an unknown private tag instead
    return bytes(raw)


def test_tiff_frame_without_size_is_a_corrupt_file(tmp_path: Path) -> None:
    # Pillow raised TypeError("Missing dimensions") while counting frames.
    path = tmp_path / "hop-3.tif"
    path.write_bytes(_tiff_without_second_frame_size())
    with pytest.raises(CorruptFileError, match="pages cannot be counted") as err:
        inspect_file(path, LIMITS)
    assert str(path) in str(err.value)


def test_png_with_broken_chunk_length_is_a_corrupt_page(tmp_path: Path) -> None:
    # Pillow raised SyntaxError("broken PNG file") while decoding the page.
    raw = bytearray(SMALL[".png"])
    at = raw.index(b"IDAT") - 4
    length = struct.unpack_from(">I", raw, at)[0]
    struct.pack_into(">I", raw, at, length // 3)
    path = tmp_path / "trang.png"
    path.write_bytes(bytes(raw))
    info = inspect_file(path, LIMITS)
    with pytest.raises(CorruptFileError, match="cannot be decoded") as err:
        load_page(path, 1, info, LIMITS)
    assert str(path) in str(err.value)


def test_sniff_never_raises_anything_but_unsupported() -> None:
    # A quick exhaustive pass over every one- and two-byte head.
    for a in range(256):
        for head in (bytes([a]), bytes([a, 0xD8]), bytes([a]) * 600):
            try:
                sniff_kind(head)
            except UnsupportedFileError as exc:
                assert exc.message


# -- the extraction parsers ------------------------------------------------------------

#: Text that looks like a damaged header: Vietnamese letters, digits, the punctuation of numbers and dates.
VI_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯQĐSGDĐTUBNDàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọ"
HEADERISH = st.text(alphabet=VI_ALPHABET + "0123456789/-–.:,;()& \n\t\f", max_size=600)
ANY_TEXT = st.one_of(
    st.text(max_size=600),  # any code point, combining marks, controls
    st.binary(max_size=600).map(lambda b: b.decode("utf-8", errors="replace")),
    st.binary(max_size=600).map(lambda b: b.decode("latin-1")),
    HEADERISH,
)
PATHOLOGICAL = [
    "Số: " + "1/" * 3000,
    "ngày " * 2000 + "tháng năm",
    "Hải Phòng, ngày 12 tháng 5 năm " + "2010 " * 1000,
    ("QĐ-" * 2000) + "SGDĐT",
    "\n" * 5000 + "Số: 12/QĐ-UBND",
    "Về việc " + "công nhận " * 1500,
    "Ông " + "Nguyễn " * 2000,
    "Trường " * 3000,
    "\u0301" * 5000,
]


def _check_parsers(text: str) -> None:
    number = parse_number(text, HP.codes)
    assert number is None or (isinstance(number, str) and number)
    day, note = parse_date_detail(text)
    assert day is None or isinstance(day, dt.date)
    assert isinstance(note, str)
    issuer = read_issuer(text, HP)
    assert issuer.value is None or isinstance(issuer.value, str)
    assert all(isinstance(n, str) and n.startswith("issuer") for n in issuer.notes)
    for parser in (parse_title, parse_about, parse_person, lambda t: parse_school(t, HP.gazetteer)):
        value = parser(text)
        assert value is None or isinstance(value, str)
    years = parse_validity_years(text)
    assert years is None or (isinstance(years, int) and years >= 0)
    for kind in (ProcedureType.XAC_MINH_VAN_BANG, ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA, ProcedureType.KHAC):
        subject = parse_subject(text, kind, HP.gazetteer)
        assert subject is None or isinstance(subject, str)
    if number:
        assert isinstance(snap_symbol(number, ["QĐ-UBND", "QĐ-SGDĐT"]), str)


@settings(max_examples=150, deadline=dt.timedelta(seconds=5))
@given(text=ANY_TEXT)
def test_parsers_take_any_text(text: str) -> None:
    _check_parsers(text)


@settings(max_examples=60, deadline=dt.timedelta(seconds=5))
@given(text=ANY_TEXT)
def test_extract_fields_takes_any_text(text: str) -> None:
    fields = extract_fields(text, HP)
    assert fields.number is None or isinstance(fields.number, str)
    assert fields.date is None or isinstance(fields.date, dt.date)


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_parsers_stay_fast_on_pathological_repetitions(text: str) -> None:
    # Catastrophic regex backtracking would take minutes; the budget is generous for a busy machine.
    import time

    started = time.perf_counter()
    _check_parsers(text)
    extract_fields(text, HP)
    assert time.perf_counter() - started < 10

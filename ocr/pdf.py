"""A searchable PDF of one record: restored page images with invisible text.

Built from what the ingest already keeps (the restored JPEG and the OCR words
with their boxes), so no engine runs again: each page is the JPEG as is
(``DCTDecode``) and every OCR word is placed over it in text render mode 3
(invisible), in a glyph-less CID font whose codes are the Unicode code points
(``Identity-H`` plus a ``ToUnicode`` map). Viewers then select, search and
copy the Vietnamese text where it stands on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

__all__ = ["PdfPage", "searchable_pdf"]


@dataclass(frozen=True)
class PdfPage:
    """One page: a JPEG and the words read on it (boxes in the JPEG's pixels)."""

    jpeg: Path
    words: Sequence[dict[str, object]]


def _to_unicode_cmap() -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
    ]
    highs = [h for h in range(256) if not 0xD8 <= h <= 0xDF]
    for i in range(0, len(highs), 100):
        chunk = highs[i : i + 100]
        lines.append(f"{len(chunk)} beginbfrange")
        lines += [f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in chunk]
        lines.append("endbfrange")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


def _hex(text: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in text if ord(ch) <= 0xFFFF and not 0xD800 <= ord(ch) <= 0xDFFF)


def _text_layer(words: Sequence[dict[str, object]], page_h: float, scale: float) -> str:
    ops = ["BT", "3 Tr"]
    for w in words:
        text = str(w.get("text", "")).strip()
        code = _hex(text)
        if not code:
            continue
        left, top = float(w["left"]), float(w["top"])  # type: ignore[arg-type]
        width, height = float(w["width"]), float(w["height"])  # type: ignore[arg-type]
        size = max(height * scale, 1.0)
        # Each glyph is 0.5 em wide (/DW 500); stretch the word to its box.
        stretch = 100.0 * (width * scale) / max(len(code) // 4 * size * 0.5, 0.01)
        x, y = left * scale, page_h - (top + height) * scale
        ops.append(f"/F1 {size:.2f} Tf {stretch:.1f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm <{code}> Tj")
    ops.append("ET")
    return "\n".join(ops)


def searchable_pdf(pages: Sequence[PdfPage], dpi: int = 300, title: str = "") -> bytes:
    """Build the PDF.

    Args:
        pages: The record's pages in order.
        dpi: Resolution of the images (sets the page size in points).
        title: Document title for the PDF metadata.

    Returns:
        The PDF file's bytes.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(head: str, data: bytes) -> bytes:
        return f"<< {head} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"

    catalog = add(b"")  # placeholders, filled once the page ids are known
    pages_id = add(b"")
    descriptor = add(b"<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000] "
                     b"/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>")
    cid = add(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo << /Registry "
              f"(Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 500 "
              f"/CIDToGIDMap /Identity >>".encode())
    cmap = add(stream("", _to_unicode_cmap()))
    font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H "
               f"/DescendantFonts [{cid} 0 R] /ToUnicode {cmap} 0 R >>".encode())
    scale = 72.0 / dpi
    kids = []
    for page in pages:
        data = page.jpeg.read_bytes()
        with Image.open(page.jpeg) as img:
            w_px, h_px = img.size
            space = {"L": "/DeviceGray", "CMYK": "/DeviceCMYK"}.get(img.mode, "/DeviceRGB")
        image = add(stream(f"/Type /XObject /Subtype /Image /Width {w_px} /Height {h_px} /ColorSpace {space} "
                           f"/BitsPerComponent 8 /Filter /DCTDecode", data))
        w_pt, h_pt = w_px * scale, h_px * scale
        content = f"q {w_pt:.2f} 0 0 {h_pt:.2f} 0 0 cm /Im1 Do Q\n" + _text_layer(page.words, h_pt, scale)
        contents = add(stream("", content.encode()))
        kids.append(add(
            f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {w_pt:.2f} {h_pt:.2f}] /Contents {contents} 0 R "
            f"/Resources << /XObject << /Im1 {image} 0 R >> /Font << /F1 {font} 0 R >> >> >>".encode()
        ))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    info = add(f"<< /Producer (sohoa) /Title <FEFF{_hex(title)}> >>".encode())
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)

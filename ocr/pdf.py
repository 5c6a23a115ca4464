"""A searchable PDF/A-2b of one record: restored page images with invisible text.

Built from what the ingest already keeps (the restored JPEG and the OCR words
with their boxes), so no engine runs again: each page is the JPEG as is
(``DCTDecode``) and every OCR word is placed over it in text render mode 3
(invisible), in a glyph-less CID font whose codes are the Unicode code points
(``Identity-H`` plus a ``ToUnicode`` map). Viewers then select, search and
copy the Vietnamese text where it stands on the page.

The file is PDF/A-2b, the archival profile, written with pikepdf: XMP
metadata claiming part 2 conformance B, an sRGB output intent (so the
grey or RGB JPEGs have a defined colour), a document ID, no encryption. The
font program is not embedded: PDF/A-2 (ISO 19005-2, 6.2.11.4.1) exempts fonts
used only in render mode 3, and veraPDF agrees, so the file stays as small as
the pages' JPEGs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image, ImageCms

__all__ = ["PdfPage", "searchable_pdf"]

PRODUCER = "sohoa"


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


@cache
def _srgb_profile() -> bytes:
    # Pillow's littleCMS builds the profile, so no ICC file has to be shipped.
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _output_intent(pdf: pikepdf.Pdf) -> Dictionary:
    profile = pdf.make_stream(_srgb_profile(), N=3)
    return Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier="sRGB",
                      Info="sRGB IEC61966-2.1", DestOutputProfile=profile)


def _glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name.GlyphLessFont, Flags=5,
                            FontBBox=Array([0, 0, 500, 1000]), ItalicAngle=0, Ascent=1000, Descent=0,
                            CapHeight=1000, StemV=80)
    cid = Dictionary(Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name.GlyphLessFont,
                     CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                     FontDescriptor=pdf.make_indirect(descriptor), DW=500, CIDToGIDMap=Name.Identity)
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name.GlyphLessFont, Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(cid)]), ToUnicode=pdf.make_stream(_to_unicode_cmap()),
    ))


def _jpeg(path: Path) -> tuple[bytes, int, int, Name]:
    """The page's JPEG bytes, size and colour space; anything but grey or RGB is re-encoded as RGB,
    since the sRGB output intent gives no meaning to CMYK."""
    data = path.read_bytes()
    with Image.open(path) as img:
        if img.mode in ("L", "RGB") and img.format == "JPEG":
            return data, img.width, img.height, Name.DeviceGray if img.mode == "L" else Name.DeviceRGB
        buf = io.BytesIO()
        img.convert("RGB").save(buf, "JPEG", quality=80)
        return buf.getvalue(), img.width, img.height, Name.DeviceRGB


def searchable_pdf(pages: Sequence[PdfPage], dpi: int = 300, title: str = "") -> bytes:
    """Build the PDF/A-2b file.

    Args:
        pages: The record's pages in order.
        dpi: Resolution of the images (sets the page size in points).
        title: Document title for the PDF metadata.

    Returns:
        The PDF file's bytes; the same pages and title always give the same bytes.
    """
    pdf = pikepdf.new()
    font = _glyphless_font(pdf)
    scale = 72.0 / dpi
    for page in pages:
        data, w_px, h_px, space = _jpeg(page.jpeg)
        image = pdf.make_stream(data, Type=Name.XObject, Subtype=Name.Image, Width=w_px, Height=h_px,
                                ColorSpace=space, BitsPerComponent=8, Filter=Name.DCTDecode)
        w_pt, h_pt = w_px * scale, h_px * scale
        content = f"q {w_pt:.2f} 0 0 {h_pt:.2f} 0 0 cm /Im1 Do Q\n" + _text_layer(page.words, h_pt, scale)
        pdf.pages.append(pikepdf.Page(Dictionary(
            Type=Name.Page, MediaBox=Array([0, 0, round(w_pt, 2), round(h_pt, 2)]),
            Contents=pdf.make_stream(content.encode()),
            Resources=Dictionary(XObject=Dictionary(Im1=image), Font=Dictionary(F1=font)),
        )))
    pdf.Root.OutputIntents = Array([_output_intent(pdf)])
    # No pikepdf mark: its metadata date would make every download differ.
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["pdf:Producer"] = PRODUCER
        meta["xmp:CreatorTool"] = PRODUCER
        if title:
            meta["dc:title"] = title
    out = io.BytesIO()
    # PDF/A-2 is built on PDF 1.7 (which also brings the ICC v4 profile Pillow writes).
    pdf.save(out, deterministic_id=True, min_version="1.7")
    return out.getvalue()

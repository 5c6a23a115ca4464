"""The report as a PDF (A4, ReportLab) with the same tables and charts as the HTML page.

Text is set in DejaVu Sans (or Liberation Sans), embedded, so Vietnamese
diacritics render and can be copied or searched. The charts are those of
:mod:`reporting._charts`, drawn by matplotlib as 200-dpi pictures.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

from reporting._charts import report_charts
from reporting._tables import TEXTS, Table, fmt_int, report_tables
from reporting.plotting import Chart, to_png

if TYPE_CHECKING:
    from reporting.model import Report

__all__ = ["render_pdf", "FONT_CANDIDATES"]

#: (regular, bold) font files tried in order; all of them cover Vietnamese.
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)
_FONT, _BOLD = "SohoaSans", "SohoaSans-Bold"


def _register_fonts() -> None:
    """Register the first available font pair once (ReportLab keeps a global registry)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont(_FONT, regular))
            pdfmetrics.registerFont(TTFont(_BOLD, bold))
            pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_BOLD, italic=_FONT, boldItalic=_BOLD)
            return
    raise RuntimeError("no font with Vietnamese glyphs found: install fonts-dejavu-core or fonts-liberation2")


def chart_image(chart: Chart, width: float):  # noqa: ANN201 - a ReportLab Image
    """The chart as a 200-dpi picture ``width`` points wide, its height in proportion."""
    from reportlab.platypus import Image

    return Image(io.BytesIO(to_png(chart, width)), width=width, height=width * chart.height / chart.width)


def _styles() -> dict[str, object]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    return {
        "title": ParagraphStyle("title", fontName=_BOLD, fontSize=15, leading=19, textColor=HexColor("#1f6f8b"),
                                spaceAfter=4),
        "org": ParagraphStyle("org", fontName=_FONT, fontSize=8.5, leading=11, textColor=HexColor("#666666")),
        "meta": ParagraphStyle("meta", fontName=_FONT, fontSize=9.5, leading=13, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=_BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5,
                             textColor=HexColor("#222222")),
        "body": ParagraphStyle("body", fontName=_FONT, fontSize=10.5, leading=15),
        "cell": ParagraphStyle("cell", fontName=_FONT, fontSize=7.5, leading=9.5),
        "cellb": ParagraphStyle("cellb", fontName=_BOLD, fontSize=7.5, leading=9.5),
        "caption": ParagraphStyle("caption", fontName=_FONT, fontSize=8, leading=10,
                                  textColor=HexColor("#666666"), spaceAfter=6),
    }


def _num(value: object, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt_int(value, lang)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", "," if lang == "vi" else ".")
    return str(value)


def table_flowable(table: Table, lang: str, width: float, styles: dict[str, object]):  # noqa: ANN201
    """One report table as a ReportLab ``Table`` spanning ``width`` points."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle
    from xml.sax.saxutils import escape

    ncols = len(table.columns)
    first = {"batches": 0.13, "daily": 0.16, "monthly": 0.2, "summary": 0.6}.get(table.key, 0.34)
    text_cols = table.numeric_from
    widths = [width * first]
    if text_cols == 2:
        widths.append(width * 0.14)
    rest = (width - sum(widths)) / (ncols - len(widths))
    widths += [rest] * (ncols - len(widths))
    header = [Paragraph(escape(c), styles["cellb"]) for c in table.columns]
    body = []
    for k, row in enumerate(table.all_rows()):
        style = styles["cellb"] if table.total and k == len(table.rows) else styles["cell"]
        body.append([Paragraph(escape(_num(v, lang)), style) if i < text_cols else _num(v, lang)
                     for i, v in enumerate(row)])
    t = RLTable([header, *body], colWidths=widths, repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, -1), _FONT, 7.5),
        ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#c9d2d9")),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e8eef2")),
        ("ALIGN", (text_cols, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if table.total:
        commands += [("FONT", (0, -1), (-1, -1), _BOLD, 7.5), ("BACKGROUND", (0, -1), (-1, -1), HexColor("#f5f7f9"))]
    t.setStyle(TableStyle(commands))
    return t


def render_pdf(report: Report, lang: str) -> bytes:
    """The whole report as PDF bytes in ``lang``."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer
    from xml.sax.saxutils import escape

    from reporting.model import quarterly_paragraph

    _register_fonts()
    t = TEXTS[lang]
    st = _styles()
    tables = {tb.key: tb for tb in report_tables(report, lang, compact=True)}
    charts = {c.key: c for c in report_charts(report, lang)}
    buf = io.BytesIO()
    margin = 15 * mm
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin + 4 * mm, title=t["title"], author="sohoa", lang=lang)
    width = A4[0] - 2 * margin

    def day(d: dt.date) -> str:
        return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()

    meta = f"{escape(t['as_of'])}: <b>{day(report.as_of)}</b>"
    if report.has_period:
        meta += (f" · {escape(t['period'])}: <b>{day(report.date_from) if report.date_from else '…'} – "
                 f"{day(report.date_to) if report.date_to else '…'}</b>")
    if report.batch:
        meta += f" · {escape(t['batch'])}: <b>{escape(report.batch)}</b>"

    def section(title: str, *flows: object) -> list[object]:
        return [KeepTogether([Paragraph(escape(title), st["h2"]), *flows])]

    def figure(key: str) -> list[object]:
        return [chart_image(charts[key], width), Paragraph(escape(charts[key].title), st["caption"])]

    story: list[object] = [
        Paragraph(escape(t["subtitle"]), st["org"]),
        Paragraph(escape(t["title"]), st["title"]),
        Paragraph(meta, st["meta"]),
        *section(t["paragraph"], Paragraph(escape(quarterly_paragraph(report, lang)), st["body"])),
        *section(t["summary"], table_flowable(tables["summary"], lang, width * 0.7, st)),
        *section(t["by_type"], *figure("status_by_type")),
        table_flowable(tables["by_type"], lang, width, st),
        *section(t["by_year"], *figure("by_year")),
        table_flowable(tables["by_type_year"], lang, width, st),
        *section(t["valid_by_year"], table_flowable(tables["valid_by_type_year"], lang, width, st)),
        *section(t["chart_cumulative"], *figure("cumulative"), *figure("daily")),
        *section(t["monthly"], table_flowable(tables["monthly"], lang, width * 0.7, st)),
        *section(t["batches"], *figure("batches")),
        table_flowable(tables["batches"], lang, width, st),
    ]
    if report.quarantine:
        story += section(t["quarantine"], *[Paragraph(f"{escape(p)}: {escape(r)}", st["cell"])
                                            for p, r in report.quarantine])
    story.append(Spacer(1, 4 * mm))

    def footer(canvas, doc_) -> None:  # noqa: ANN001 - ReportLab callback
        canvas.saveState()
        canvas.setFont(_FONT, 7.5)
        canvas.setFillColor(HexColor("#666666"))
        canvas.drawString(margin, 9 * mm, f"{t['generated']} · {t['as_of']} {day(report.as_of)}")
        canvas.drawRightString(A4[0] - margin, 9 * mm, str(doc_.page))
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()

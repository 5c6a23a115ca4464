"""The report's charts, laid out once as plain shapes, drawn as SVG or in a PDF.

Each chart is a :class:`Chart`: a size and a list of shapes (rectangles,
lines, polylines, text) in pixels with the origin at the top left, as in SVG.
:func:`to_svg` writes it as inline SVG for the HTML report; the PDF renderer
turns the same shapes into ReportLab drawings. So both formats show the same
picture, drawn in Python, with no JavaScript and no plotting library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from pipeline._report_tables import TEXTS, bucket_years, fmt_int, year_label, years_of
from pipeline.domain import PROCEDURE_LABELS, ProcedureType

if TYPE_CHECKING:
    from pipeline.report import Report

__all__ = ["Rect", "Line", "Poly", "Text", "Chart", "report_charts", "to_svg", "FONT_FAMILY", "STATUS_COLORS"]

FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
STATUS_COLORS = {"valid": "#2e7d32", "expired": "#e0a030", "revoked": "#c0392b", "unknown": "#9e9e9e"}
TYPE_COLORS = ("#1f6f8b", "#e6a157", "#7a9e7e", "#b5525c", "#6c5b7b", "#c0b283", "#99a8b2")
GRID = "#d9d9d9"
INK = "#222222"


@dataclass(frozen=True)
class Rect:
    """A filled rectangle; ``tip`` is a hover title in SVG."""

    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str = ""


@dataclass(frozen=True)
class Line:
    """A straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1.0


@dataclass(frozen=True)
class Poly:
    """An open polyline."""

    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2.0


@dataclass(frozen=True)
class Text:
    """Text whose baseline starts, is centred or ends at ``(x, y)``."""

    x: float
    y: float
    text: str
    size: float = 12.0
    anchor: str = "start"
    fill: str = INK
    bold: bool = False


Shape = Rect | Line | Poly | Text


@dataclass
class Chart:
    """A chart: stable key, title, size in pixels and its shapes."""

    key: str
    title: str
    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)


def nice_max(value: float) -> int:
    """A round axis maximum at or above ``value`` that divides into four round ticks."""
    if value <= 4:
        return 4
    step = 1
    while True:
        for m in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8):
            top = round(m * step)
            if top >= value and top % 4 == 0:
                return top
        step *= 10


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _legend(items: Sequence[tuple[str, str]], x: float, y: float, width: float) -> tuple[list[Shape], float]:
    """Legend swatches laid out in rows from ``(x, y)``; returns shapes and the height used."""
    shapes: list[Shape] = []
    cx, cy = x, y
    for label, color in items:
        w = 22 + 7.2 * len(label)
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 20
        shapes += [Rect(cx, cy, 12, 12, color), Text(cx + 16, cy + 11, label, 12)]
        cx += w + 14
    return shapes, cy - y + 20


def _empty(chart: Chart, lang: str) -> Chart:
    chart.shapes.append(Text(chart.width / 2, chart.height / 2, TEXTS[lang]["none"], 14, "middle", "#777777"))
    return chart


def status_by_type(report: Report, lang: str, width: int = 900) -> Chart:
    """Horizontal stacked bars: per procedure type, its results by validity status."""
    t = TEXTS[lang]
    rows = [c for c in report.by_type if c.total]
    label_w, bar_h, gap = 360, 24, 10
    legend, lh = _legend([(t[s], STATUS_COLORS[s]) for s in STATUS_COLORS], label_w, 8, width - label_w)
    top = 8 + lh + 6
    height = int(top + max(len(rows), 1) * (bar_h + gap) + 34)
    chart = Chart("status_by_type", t["chart_status"], width, height, legend)
    if not rows:
        return _empty(chart, lang)
    plot_w = width - label_w - 90
    scale = nice_max(max(c.total for c in rows))
    bottom = top + len(rows) * (bar_h + gap)
    for k in range(5):
        x = label_w + plot_w * k / 4
        chart.shapes += [Line(x, top - 4, x, bottom), Text(x, bottom + 16, fmt_int(round(scale * k / 4), lang), 11,
                                                           "middle", "#555555")]
    for i, c in enumerate(rows):
        y = top + i * (bar_h + gap)
        chart.shapes.append(Text(label_w - 8, y + bar_h * 0.7, _short(c.label, 48), 12, "end"))
        x = float(label_w)
        for s, n in (("valid", c.valid), ("expired", c.expired), ("revoked", c.revoked), ("unknown", c.unknown)):
            w = plot_w * n / scale
            if n:
                chart.shapes.append(Rect(x, y, w, bar_h, STATUS_COLORS[s], f"{c.label} — {t[s]}: {n}"))
            x += w
        chart.shapes.append(Text(x + 6, y + bar_h * 0.7, f"{fmt_int(c.valid, lang)} / {fmt_int(c.total, lang)}",
                                 12, bold=True))
    return chart


def by_year(report: Report, lang: str, width: int = 900, height: int = 340) -> Chart:
    """Vertical stacked bars: results digitized per year of issue, one colour per type."""
    t = TEXTS[lang]
    labels = PROCEDURE_LABELS[lang]
    years = years_of(report.by_type_year)
    counts = bucket_years(report.by_type_year)
    types = [pt for pt in ProcedureType if counts.get(pt.value)]
    colors = {pt: TYPE_COLORS[i % len(TYPE_COLORS)] for i, pt in enumerate(ProcedureType)}
    legend, lh = _legend([(_short(labels[pt], 44), colors[pt]) for pt in types], 60, height - 4, width - 70)
    chart = Chart("by_year", t["chart_years"], width, int(height + lh + 4))
    if not types:
        return _empty(chart, lang)
    totals = [sum(counts[pt.value].get(y, 0) for pt in types) for y in years]
    scale = nice_max(max(totals))
    left, top, bottom = 60.0, 24.0, height - 40.0
    plot_w, plot_h = width - left - 20, bottom - top
    for k in range(5):
        y = bottom - plot_h * k / 4
        chart.shapes += [Line(left, y, left + plot_w, y),
                         Text(left - 6, y + 4, fmt_int(round(scale * k / 4), lang), 11, "end", "#555555")]
    slot = plot_w / len(years)
    bw = min(60.0, slot * 0.6)
    for i, year in enumerate(years):
        x = left + slot * i + (slot - bw) / 2
        y = bottom
        for pt in types:
            n = counts[pt.value].get(year, 0)
            if n:
                h = plot_h * n / scale
                y -= h
                chart.shapes.append(Rect(x, y, bw, h, colors[pt], f"{year_label(year, lang)} — {labels[pt]}: {n}"))
        chart.shapes.append(Text(x + bw / 2, y - 5, fmt_int(totals[i], lang), 11, "middle", bold=True))
        chart.shapes.append(Text(x + bw / 2, bottom + 18, year_label(year, lang, short=True), 12, "middle"))
    chart.shapes += legend
    return chart


def _days(report: Report) -> list[tuple[dt.date, int, int]]:
    """Pages and records per day from the first to the last active day, idle days as zero;
    by week (Mondays) when the span is longer than 120 days."""
    if not report.daily:
        return []
    first, last = report.daily[0].day, report.daily[-1].day
    weekly = (last - first).days > 120
    key = (lambda d: d - dt.timedelta(days=d.weekday())) if weekly else (lambda d: d)
    step = dt.timedelta(days=7 if weekly else 1)
    out: dict[dt.date, list[int]] = {}
    d = key(first)
    while d <= last:
        out[d] = [0, 0]
        d += step
    for c in report.daily:
        out[key(c.day)][0] += c.pages_done
        out[key(c.day)][1] += c.records
    return [(d, v[0], v[1]) for d, v in out.items()]


def _time_axis(chart: Chart, days: list[dt.date], left: float, slot: float, bottom: float) -> None:
    every = max(1, len(days) // 8)
    marks = list(range(0, len(days), every))
    if len(days) - 1 - marks[-1] >= every / 2:
        marks.append(len(days) - 1)
    for i in marks:
        chart.shapes.append(Text(left + slot * (i + 0.5), bottom + 18, days[i].strftime("%d/%m/%y"), 11, "middle"))


def daily(report: Report, lang: str, width: int = 900, height: int = 260) -> Chart:
    """Vertical bars: pages read per day (per week for long campaigns)."""
    t = TEXTS[lang]
    days = _days(report)
    chart = Chart("daily", t["chart_daily"], width, height)
    if not days:
        return _empty(chart, lang)
    scale = nice_max(max(p for _, p, _ in days))
    left, top, bottom = 60.0, 16.0, height - 30.0
    plot_w, plot_h = width - left - 20, bottom - top
    for k in range(5):
        y = bottom - plot_h * k / 4
        chart.shapes += [Line(left, y, left + plot_w, y),
                         Text(left - 6, y + 4, fmt_int(round(scale * k / 4), lang), 11, "end", "#555555")]
    slot = plot_w / len(days)
    for i, (d, pages, _) in enumerate(days):
        if pages:
            h = plot_h * pages / scale
            chart.shapes.append(Rect(left + slot * i + slot * 0.1, bottom - h, max(slot * 0.8, 1.0), h,
                                     TYPE_COLORS[0], f"{d.isoformat()}: {pages}"))
    _time_axis(chart, [d for d, _, _ in days], left, slot, bottom)
    return chart


def cumulative(report: Report, lang: str, width: int = 900, height: int = 280) -> Chart:
    """Lines: cumulative pages read and records digitized over the campaign."""
    t = TEXTS[lang]
    days = _days(report)
    legend, lh = _legend([(t["pages"], TYPE_COLORS[0]), (t["records"], TYPE_COLORS[1])], 60, 6, width - 70)
    chart = Chart("cumulative", t["chart_cumulative"], width, height, legend)
    if not days:
        return _empty(chart, lang)
    pages, records, p, r = [], [], 0, 0
    for _, dp, dr in days:
        p, r = p + dp, r + dr
        pages.append(p)
        records.append(r)
    scale = nice_max(max(p, r))
    left, top, bottom = 60.0, 12.0 + lh, height - 30.0
    plot_w, plot_h = width - left - 20, bottom - top
    for k in range(5):
        y = bottom - plot_h * k / 4
        chart.shapes += [Line(left, y, left + plot_w, y),
                         Text(left - 6, y + 4, fmt_int(round(scale * k / 4), lang), 11, "end", "#555555")]
    slot = plot_w / len(days)
    for series, color in ((pages, TYPE_COLORS[0]), (records, TYPE_COLORS[1])):
        pts = tuple((left + slot * (i + 0.5), bottom - plot_h * v / scale) for i, v in enumerate(series))
        if len(pts) == 1:
            pts = ((left, bottom), pts[0])
        chart.shapes.append(Poly(pts, color, 2.5))
        chart.shapes.append(Text(pts[-1][0] - 4, pts[-1][1] - 6, fmt_int(series[-1], lang), 12, "end", color, True))
    _time_axis(chart, [d for d, _, _ in days], left, slot, bottom)
    return chart


def batches(report: Report, lang: str, width: int = 900) -> Chart:
    """Horizontal bars: per batch, the percentage of its pages read."""
    t = TEXTS[lang]
    bar_h, gap, label_w = 20, 8, 260
    rows = report.batches
    height = int(10 + max(len(rows), 1) * (bar_h + gap) + 24)
    chart = Chart("batches", t["chart_batches"], width, height)
    if not rows:
        return _empty(chart, lang)
    plot_w = width - label_w - 170
    bottom = 10 + len(rows) * (bar_h + gap)
    for k in range(5):
        x = label_w + plot_w * k / 4
        chart.shapes += [Line(x, 4, x, bottom), Text(x, bottom + 16, f"{25 * k}%", 11, "middle", "#555555")]
    for i, b in enumerate(rows):
        y = 10 + i * (bar_h + gap)
        name = f"{b.name} ({b.location})" if b.location else b.name
        chart.shapes.append(Text(label_w - 8, y + bar_h * 0.72, _short(name, 36), 12, "end"))
        chart.shapes.append(Rect(label_w, y, plot_w, bar_h, "#eeeeee"))
        w = plot_w * min(b.percent, 100.0) / 100
        if w:
            chart.shapes.append(Rect(label_w, y, w, bar_h, STATUS_COLORS["valid"], f"{b.name}: {b.percent:.1f}%"))
        chart.shapes.append(Text(label_w + plot_w + 6, y + bar_h * 0.72,
                                 f"{fmt_int(b.pages, lang)}/{fmt_int(b.pages_expected, lang)} ({b.percent:.0f}%)", 12))
    return chart


def report_charts(report: Report, lang: str) -> list[Chart]:
    """Every chart of the report, in reading order."""
    return [status_by_type(report, lang), by_year(report, lang), cumulative(report, lang), daily(report, lang),
            batches(report, lang)]


def to_svg(chart: Chart) -> str:
    """The chart as inline SVG markup, every text escaped."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id="chart-{chart.key}" '
           f'viewBox="0 0 {chart.width} {chart.height}" width="{chart.width}" height="{chart.height}" '
           f'font-family="{FONT_FAMILY}"><title>{escape(chart.title)}</title>']
    for s in chart.shapes:
        if isinstance(s, Rect):
            tip = f"<title>{escape(s.tip)}</title>" if s.tip else ""
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" fill="{s.fill}">'
                       f"{tip}</rect>")
        elif isinstance(s, Line):
            out.append(f'<line x1="{s.x1:.1f}" y1="{s.y1:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" '
                       f'stroke="{s.stroke}" stroke-width="{s.width}"/>')
        elif isinstance(s, Poly):
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in s.points)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{s.stroke}" stroke-width="{s.width}" '
                       'stroke-linejoin="round"/>')
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size}" text-anchor="{s.anchor}" '
                       f'fill="{s.fill}"{weight}>{escape(s.text)}</text>')
    out.append("</svg>")
    return "".join(out)

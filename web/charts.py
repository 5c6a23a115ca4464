"""Bar charts as inline SVG, drawn on the server (no JavaScript, no library).

Each function returns SVG markup with every label escaped, ready to be put in
a page as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["hbar_chart", "vbar_chart", "PALETTE"]

PALETTE = ("#1f6f8b", "#99a8b2", "#e6a157", "#7a9e7e", "#b5525c", "#6c5b7b", "#c0b283")


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value``."""
    if value <= 5:
        return max(value, 1)
    step = 10 ** (len(str(value)) - 1)
    return ((value + step - 1) // step) * step


def hbar_chart(items: Sequence[tuple[str, int]], *, title: str, width: int = 640, bar_h: int = 22,
               label_w: int = 300, color: str = PALETTE[0]) -> str:
    """Horizontal bars, one per ``(label, value)``, with the value at the end.

    Args:
        items: Labels and counts, drawn top to bottom.
        title: Accessible title of the chart.
        width: Total width in pixels.
        bar_h: Height of one bar.
        label_w: Room for the labels on the left.
        color: Fill of the bars.
    """
    top = max((v for _, v in items), default=0)
    scale_max = _nice_max(top)
    plot_w = width - label_w - 50
    height = max(1, len(items)) * (bar_h + 8) + 8
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 8 + i * (bar_h + 8)
        w = 0 if scale_max == 0 else round(plot_w * value / scale_max)
        short = label if len(label) <= 42 else label[:40] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.72:.0f}" text-anchor="end" class="lbl">'
                   f'{escape(short)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{color}" rx="2">'
                   f'<title>{escape(label)}: {value}</title></rect>')
        out.append(f'<text x="{label_w + w + 6}" y="{y + bar_h * 0.72:.0f}" class="val">{value}</text>')
    out.append("</svg>")
    return "".join(out)


def vbar_chart(columns: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, title: str,
               width: int = 640, height: int = 260) -> str:
    """Vertical stacked bars: one column per label, one colour per series, and a legend.

    Args:
        columns: Column labels (e.g. years), left to right.
        series: ``(name, values)`` with one value per column; stacked bottom up.
        title: Accessible title of the chart.
        width: Total width in pixels.
        height: Height of the plot area.
    """
    totals = [sum(s[1][i] for s in series) for i in range(len(columns))]
    scale_max = _nice_max(max(totals, default=0))
    left, bottom = 40, 24
    plot_w = width - left - 10
    col_w = plot_w / max(1, len(columns))
    bar_w = max(4.0, col_w * 0.6)
    legend_h = 18 * len(series) + 8
    full_h = height + bottom + legend_h
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {full_h}" width="{width}" height="{full_h}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    out.append(f'<line x1="{left}" y1="{height}" x2="{width - 10}" y2="{height}" class="axis"/>')
    out.append(f'<text x="{left - 6}" y="12" text-anchor="end" class="val">{scale_max}</text>')
    out.append(f'<text x="{left - 6}" y="{height}" text-anchor="end" class="val">0</text>')
    for i, col in enumerate(columns):
        x = left + i * col_w + (col_w - bar_w) / 2
        y = float(height)
        for k, (name, values) in enumerate(series):
            v = values[i]
            if not v:
                continue
            h = (height - 16) * v / scale_max
            y -= h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(name)} · {escape(col)}: {v}</title></rect>')
        if totals[i]:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" class="val">'
                       f'{totals[i]}</text>')
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{height + 16}" text-anchor="middle" class="lbl">'
                   f'{escape(col)}</text>')
    for k, (name, _) in enumerate(series):
        y = height + bottom + 4 + 18 * k
        out.append(f'<rect x="{left}" y="{y}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>')
        out.append(f'<text x="{left + 18}" y="{y + 10}" class="lbl">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)

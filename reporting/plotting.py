"""Charts drawn with matplotlib: the house style and the two outputs, inline SVG and PNG.

A :class:`Chart` is a key, a title, a size in pixels and a function that lays
the chart out on a fresh :class:`matplotlib.figure.Figure` (the object API:
no pyplot, no display). :func:`to_svg` gives SVG to put inline in an HTML
page, its text kept as text so Vietnamese labels stay selectable and
searchable; :func:`to_png` gives a raster for the PDF report. Both the HTML
report, the PDF report and the web dashboard draw through here.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["Chart", "Tips", "to_svg", "to_png", "plain_axes", "nice_max", "shorten", "INK", "MUTED", "GRID"]

INK = "#222222"
MUTED = "#555555"
GRID = "#d9d9d9"

#: Hover texts of a chart, by the ``gid`` given to the artist they describe.
Tips = dict[str, str]

#: One pixel of the page is one point of the figure (matplotlib's SVG unit), so sizes read as in CSS.
_PX = 72.0

_STYLE = {
    "svg.fonttype": "none",  # text as <text>, not glyph outlines: selectable, searchable, small
    "svg.hashsalt": "sohoa",  # clip-path ids from a fixed salt, so the same report gives the same SVG
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],  # all of them cover Vietnamese
    "font.size": 11.0,
    "text.color": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.major.pad": 7.0,  # room between a count under the plot and a date under it
    "ytick.major.pad": 6.0,
    "figure.constrained_layout.h_pad": 6 / 72,
    "figure.constrained_layout.w_pad": 6 / 72,
    "axes.edgecolor": GRID,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}

#: rc_context swaps matplotlib's global rcParams: one chart at a time, so concurrent web requests
#: never draw with each other's (or the defaults') settings.
_LOCK = threading.Lock()

_SVG_META = {"Creator": None, "Date": None, "Format": None, "Type": None}


@dataclass(frozen=True)
class Chart:
    """A chart: stable key, title, size in pixels and how to draw it.

    ``draw`` lays the chart out on the figure it is given and returns the hover
    texts of its bars (shown in SVG only).
    """

    key: str
    title: str
    width: int
    height: int
    draw: Callable[[Figure], Tips]


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


def shorten(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters with an ellipsis, so long procedure names fit beside a bar."""
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def plain_axes(ax: Axes, grid: str) -> None:
    """No frame, no tick marks, light grid lines along ``grid`` ("x" or "y") behind the bars."""
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    ax.set_axisbelow(True)
    ax.grid(True, axis=grid, color=GRID, linewidth=1.0)


def _render(chart: Chart, fmt: str, dpi: float) -> tuple[bytes, Tips]:
    with _LOCK, matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(chart.width / _PX, chart.height / _PX), dpi=_PX, layout="constrained")
        tips = chart.draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_SVG_META if fmt == "svg" else None)
    return buf.getvalue(), tips


def to_svg(chart: Chart) -> str:
    """The chart as SVG markup to put inline in an HTML page.

    The XML prolog goes (it is not allowed inside HTML), sizes are in pixels,
    every id is prefixed with the chart's key so several charts share a page,
    and the title and the bars' hover texts are SVG ``<title>`` elements. Text
    is escaped by matplotlib.
    """
    data, tips = _render(chart, "svg", _PX)
    svg = data.decode("utf-8")
    svg = svg[svg.index("<svg"):]
    # SVG 2 ``href`` needs no xlink namespace, so the page links nowhere.
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace("xlink:href=", "href=")
    svg = re.sub(r'(\bid="|url\(#|href="#)', rf"\g<1>{chart.key}-", svg)
    for gid, tip in tips.items():
        tag = f'<g id="{chart.key}-{gid}">'
        svg = svg.replace(tag, f"{tag}<title>{escape(tip)}</title>", 1)
    svg = re.sub(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                 rf'<svg class="chart" id="chart-{chart.key}" role="img" width="\1" height="\2"', svg, count=1)
    head = svg.index(">") + 1
    return f"{svg[:head]}<title>{escape(chart.title)}</title>{svg[head:]}".rstrip()


def to_png(chart: Chart, width_pt: float, dpi: float = 200) -> bytes:
    """The chart as PNG with ``dpi`` pixels per inch once placed ``width_pt`` points wide."""
    data, _ = _render(chart, "png", dpi * width_pt / chart.width)
    return data

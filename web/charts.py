"""The dashboard's bar charts, drawn by matplotlib on the server as inline SVG (no JavaScript).

Each function returns SVG markup (text kept as text, every label escaped)
ready to be put in a page as is; :mod:`reporting.plotting` holds the drawing
style and the SVG output the report's charts share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reporting.plotting import INK, Chart, Tips, nice_max, plain_axes, shorten, to_svg

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["hbar_chart", "vbar_chart", "PALETTE"]

PALETTE = ("#1f6f8b", "#99a8b2", "#e6a157", "#7a9e7e", "#b5525c", "#6c5b7b", "#c0b283")


def hbar_chart(items: Sequence[tuple[str, int]], *, title: str, width: int = 640, bar_h: int = 22,
               color: str = PALETTE[0], key: str = "hbar") -> str:
    """Horizontal bars, one per ``(label, value)``, with the value at the end.

    Args:
        items: Labels and counts, drawn top to bottom.
        title: Accessible title of the chart.
        width: Total width in pixels.
        bar_h: Height of one bar.
        color: Fill of the bars.
        key: Prefix of the SVG's ids, unique on the page.
    """
    def draw(fig: Figure) -> Tips:
        ax = fig.add_subplot()
        plain_axes(ax, "x")
        ax.set_xticks([])
        ys = range(len(items))
        values = [v for _, v in items]
        bars = ax.barh(ys, values, height=bar_h / (bar_h + 8), color=color)
        tips: Tips = {}
        top = nice_max(max(values, default=0))
        for (label, value), bar in zip(items, bars):
            bar.set_gid(f"tip-{len(tips)}")
            tips[bar.get_gid()] = f"{label}: {value}"
            ax.text(value + top * 0.01, bar.get_y() + bar.get_height() / 2, str(value), va="center", clip_on=False)
        ax.set_yticks(list(ys), [shorten(label, 42) for label, _ in items])
        ax.tick_params(axis="y", labelsize=12, labelcolor=INK)
        ax.set_xlim(0, top)
        ax.set_ylim(max(len(items), 1) - 0.5, -0.5)
        return tips

    return to_svg(Chart(key, title, width, max(1, len(items)) * (bar_h + 8) + 8, draw))


def vbar_chart(columns: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, title: str,
               width: int = 640, height: int = 260, key: str = "vbar") -> str:
    """Vertical stacked bars: one column per label, one colour per series, and a legend.

    Args:
        columns: Column labels (e.g. years), left to right.
        series: ``(name, values)`` with one value per column; stacked bottom up.
        title: Accessible title of the chart.
        width: Total width in pixels.
        height: Height of the plot area.
        key: Prefix of the SVG's ids, unique on the page.
    """
    def draw(fig: Figure) -> Tips:
        ax = fig.add_subplot()
        plain_axes(ax, "y")
        xs = range(len(columns))
        totals = [sum(values[i] for _, values in series) for i in xs]
        scale = nice_max(max(totals, default=0))
        tips: Tips = {}
        bottom = [0] * len(columns)
        for k, (name, values) in enumerate(series):
            bars = ax.bar(xs, values, bottom=bottom, width=0.6, color=PALETTE[k % len(PALETTE)], label=name)
            for col, v, bar in zip(columns, values, bars):
                if v:
                    bar.set_gid(f"tip-{len(tips)}")
                    tips[bar.get_gid()] = f"{name} · {col}: {v}"
            bottom = [a + b for a, b in zip(bottom, values)]
        for x, total in zip(xs, totals):
            if total:
                ax.text(x, total + scale * 0.015, str(total), ha="center", va="bottom")
        ax.set_xticks(list(xs), list(columns))
        ax.tick_params(axis="x", labelsize=12, labelcolor=INK)
        ax.set_ylim(0, scale)
        ax.set_yticks([round(scale * k / 4) for k in range(5)])
        if series:
            ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.1), fontsize=12, handlelength=1.0,
                      handleheight=1.0)
        return tips

    return to_svg(Chart(key, title, width, height + 24 + 18 * len(series) + 8, draw))

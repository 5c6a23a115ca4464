"""The report's charts, drawn with matplotlib for both the HTML and the PDF report.

Each function returns a :class:`reporting.plotting.Chart` whose drawing lays the
report's numbers on a matplotlib figure; :func:`reporting.plotting.to_svg` makes
the inline SVG of the HTML page and :func:`reporting.plotting.to_png` the picture
of the PDF, so both formats show the same chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reporting._tables import TEXTS, bucket_years, fmt_int, year_label, years_of
from reporting.plotting import INK, Chart, Tips, nice_max, plain_axes, shorten
from pipeline.domain import PROCEDURE_LABELS, ProcedureType

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from reporting.model import Report

__all__ = ["report_charts", "STATUS_COLORS", "TYPE_COLORS"]

STATUS_COLORS = {"valid": "#2e7d32", "expired": "#e0a030", "revoked": "#c0392b", "unknown": "#9e9e9e"}
TYPE_COLORS = ("#1f6f8b", "#e6a157", "#7a9e7e", "#b5525c", "#6c5b7b", "#c0b283", "#99a8b2")


def _empty(key: str, title: str, width: int, height: int, lang: str) -> Chart:
    def draw(fig: Figure) -> Tips:
        fig.text(0.5, 0.5, TEXTS[lang]["none"], ha="center", va="center", fontsize=14, color="#777777")
        return {}

    return Chart(key, title, width, height, draw)


def _legend(ax: Axes, items: Sequence[tuple[str, str]], above: bool, columns: int) -> None:
    """Colour swatches in rows above or below the plot."""
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=c, label=label) for label, c in items], frameon=False, ncols=columns,
              loc="lower left" if above else "upper left", bbox_to_anchor=(0, 1.0) if above else (0, -0.12),
              fontsize=12, handlelength=1.0, handleheight=1.0, borderaxespad=0.2, columnspacing=1.4)


def _count_axis(ax: Axes, scale: int, lang: str, axis: str) -> None:
    """Four round steps from zero to ``scale``, numbers as the language writes them."""
    ticks = [round(scale * k / 4) for k in range(5)]
    labels = [fmt_int(v, lang) for v in ticks]
    if axis == "x":
        ax.set_xlim(0, scale)
        ax.set_xticks(ticks, labels)
    else:
        ax.set_ylim(0, scale)
        ax.set_yticks(ticks, labels)


def status_by_type(report: Report, lang: str, width: int = 900) -> Chart:
    """Horizontal stacked bars: per procedure type, its results by validity status."""
    t = TEXTS[lang]
    rows = [c for c in report.by_type if c.total]
    height = 72 + max(len(rows), 1) * 34
    if not rows:
        return _empty("status_by_type", t["chart_status"], width, height, lang)

    def draw(fig: Figure) -> Tips:
        ax = fig.add_subplot()
        plain_axes(ax, "x")
        scale = nice_max(max(c.total for c in rows))
        tips: Tips = {}
        ys = range(len(rows))
        left = [0] * len(rows)
        for s in STATUS_COLORS:
            counts = [getattr(c, s) for c in rows]
            bars = ax.barh(ys, counts, left=left, height=0.7, color=STATUS_COLORS[s], label=t[s])
            for c, n, bar in zip(rows, counts, bars):
                if n:
                    bar.set_gid(f"tip-{len(tips)}")
                    tips[bar.get_gid()] = f"{c.label} — {t[s]}: {n}"
            left = [a + b for a, b in zip(left, counts)]
        for y, c in zip(ys, rows):
            ax.text(c.total + scale * 0.01, y, f"{fmt_int(c.valid, lang)} / {fmt_int(c.total, lang)}",
                    va="center", fontsize=12, fontweight="bold", clip_on=False)
        ax.set_yticks(list(ys), [shorten(c.label, 48) for c in rows])
        ax.tick_params(axis="y", labelsize=12, labelcolor=INK)
        ax.set_ylim(len(rows) - 0.5, -0.5)  # the first type on top
        _count_axis(ax, scale, lang, "x")
        ax.margins(x=0)
        _legend(ax, [(t[s], STATUS_COLORS[s]) for s in STATUS_COLORS], above=True, columns=4)
        return tips

    return Chart("status_by_type", t["chart_status"], width, height, draw)


def by_year(report: Report, lang: str, width: int = 900, height: int = 340) -> Chart:
    """Vertical stacked bars: results digitized per year of issue, one colour per type."""
    t = TEXTS[lang]
    labels = PROCEDURE_LABELS[lang]
    years = years_of(report.by_type_year)
    counts = bucket_years(report.by_type_year)
    types = [pt for pt in ProcedureType if counts.get(pt.value)]
    colors = {pt: TYPE_COLORS[i % len(TYPE_COLORS)] for i, pt in enumerate(ProcedureType)}
    full = height + 22 * ((len(types) + 1) // 2)
    if not types:
        return _empty("by_year", t["chart_years"], width, full, lang)

    def draw(fig: Figure) -> Tips:
        ax = fig.add_subplot()
        plain_axes(ax, "y")
        xs = range(len(years))
        totals = [sum(counts[pt.value].get(y, 0) for pt in types) for y in years]
        scale = nice_max(max(totals))
        tips: Tips = {}
        bottom = [0] * len(years)
        for pt in types:
            values = [counts[pt.value].get(y, 0) for y in years]
            bars = ax.bar(xs, values, bottom=bottom, width=0.6, color=colors[pt])
            for year, n, bar in zip(years, values, bars):
                if n:
                    bar.set_gid(f"tip-{len(tips)}")
                    tips[bar.get_gid()] = f"{year_label(year, lang)} — {labels[pt]}: {n}"
            bottom = [a + b for a, b in zip(bottom, values)]
        for x, total in zip(xs, totals):
            ax.text(x, total + scale * 0.015, fmt_int(total, lang), ha="center", va="bottom", fontweight="bold")
        ax.set_xticks(list(xs), [year_label(y, lang, short=True) for y in years])
        ax.tick_params(axis="x", labelsize=12, labelcolor=INK)
        _count_axis(ax, scale, lang, "y")
        _legend(ax, [(shorten(labels[pt], 44), colors[pt]) for pt in types], above=False, columns=2)
        return tips

    return Chart("by_year", t["chart_years"], width, full, draw)


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


def _time_axis(ax: Axes, days: list[dt.date]) -> None:
    """About eight dates under the bars, the last day always among them."""
    every = max(1, len(days) // 8)
    marks = list(range(0, len(days), every))
    if len(days) - 1 - marks[-1] >= every / 2:
        marks.append(len(days) - 1)
    ax.set_xticks(marks, [days[i].strftime("%d/%m/%y") for i in marks])
    ax.tick_params(axis="x", labelcolor=INK)
    ax.set_xlim(-0.5, len(days) - 0.5)


def daily(report: Report, lang: str, width: int = 900, height: int = 260) -> Chart:
    """Vertical bars: pages read per day (per week for long campaigns)."""
    t = TEXTS[lang]
    days = _days(report)
    if not days:
        return _empty("daily", t["chart_daily"], width, height, lang)

    def draw(fig: Figure) -> Tips:
        ax = fig.add_subplot()
        plain_axes(ax, "y")
        pages = [p for _, p, _ in days]
        bars = ax.bar(range(len(days)), pages, width=0.8, color=TYPE_COLORS[0])
        tips: Tips = {}
        for (d, n, _), bar in zip(days, bars):
            if n:
                bar.set_gid(f"tip-{len(tips)}")
                tips[bar.get_gid()] = f"{d.isoformat()}: {n}"
        _count_axis(ax, nice_max(max(pages)), lang, "y")
        _time_axis(ax, [d for d, _, _ in days])
        return tips

    return Chart("daily", t["chart_daily"], width, height, draw)


def cumulative(report: Report, lang: str, width: int = 900, height: int = 280) -> Chart:
    """Lines: cumulative pages read and records digitized over the campaign."""
    t = TEXTS[lang]
    days = _days(report)
    if not days:
        return _empty("cumulative", t["chart_cumulative"], width, height, lang)

    def draw(fig: Figure) -> Tips:
        ax = fig.add_subplot()
        plain_axes(ax, "y")
        pages, records, p, r = [], [], 0, 0
        for _, dp, dr in days:
            p, r = p + dp, r + dr
            pages.append(p)
            records.append(r)
        scale = nice_max(max(p, r))
        xs = list(range(len(days)))
        for series, color, name in ((pages, TYPE_COLORS[0], t["pages"]), (records, TYPE_COLORS[1], t["records"])):
            # A single day is a rise from zero at the plot's left edge.
            line_x, line_y = ([-0.5, 0], [0, series[0]]) if len(xs) == 1 else (xs, series)
            ax.plot(line_x, line_y, color=color, linewidth=2.5, solid_joinstyle="round", label=name)
            ax.annotate(fmt_int(series[-1], lang), (xs[-1], series[-1]), xytext=(-4, 6), textcoords="offset points",
                        ha="right", fontsize=12, fontweight="bold", color=color)
        _count_axis(ax, scale, lang, "y")
        _time_axis(ax, [d for d, _, _ in days])
        _legend(ax, [(t["pages"], TYPE_COLORS[0]), (t["records"], TYPE_COLORS[1])], above=True, columns=2)
        return {}

    return Chart("cumulative", t["chart_cumulative"], width, height, draw)


def batches(report: Report, lang: str, width: int = 900) -> Chart:
    """Horizontal bars: per batch, the percentage of its pages read."""
    t = TEXTS[lang]
    rows = report.batches
    height = 44 + max(len(rows), 1) * 28
    if not rows:
        return _empty("batches", t["chart_batches"], width, height, lang)

    def draw(fig: Figure) -> Tips:
        ax = fig.add_subplot()
        plain_axes(ax, "x")
        ys = range(len(rows))
        ax.barh(ys, [100] * len(rows), height=0.72, color="#eeeeee")
        percents = [min(b.percent, 100.0) for b in rows]
        bars = ax.barh(ys, percents, height=0.72, color=STATUS_COLORS["valid"])
        tips: Tips = {}
        for b, n, bar in zip(rows, percents, bars):
            if n:
                bar.set_gid(f"tip-{len(tips)}")
                tips[bar.get_gid()] = f"{b.name}: {b.percent:.1f}%"
            ax.text(101.5, bar.get_y() + bar.get_height() / 2,
                    f"{fmt_int(b.pages, lang)}/{fmt_int(b.pages_expected, lang)} ({b.percent:.0f}%)",
                    va="center", fontsize=12, clip_on=False)
        names = [shorten(f"{b.name} ({b.location})" if b.location else b.name, 36) for b in rows]
        ax.set_yticks(list(ys), names)
        ax.tick_params(axis="y", labelsize=12, labelcolor=INK)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 25, 50, 75, 100], [f"{v}%" for v in (0, 25, 50, 75, 100)])
        return tips

    return Chart("batches", t["chart_batches"], width, height, draw)


def report_charts(report: Report, lang: str) -> list[Chart]:
    """Every chart of the report, in reading order."""
    return [status_by_type(report, lang), by_year(report, lang), cumulative(report, lang), daily(report, lang),
            batches(report, lang)]


"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, no network.

Every table is ``<table id="t-<key>">`` with the keys of
:func:`reporting._tables.report_tables`; numeric cells carry the class
``n``. The page prints well (A4) from any browser.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from reporting._charts import report_charts
from reporting._tables import TEXTS, Table, fmt_int, report_tables
from reporting.plotting import to_svg

if TYPE_CHECKING:
    from reporting.model import Report

__all__ = ["render_html"]

_CSS = """
:root { --ink: #222; --muted: #666; --line: #d6dde3; --accent: #1f6f8b; --valid: #2e7d32; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink); margin: 0;
       background: #f4f6f8; font-size: 14px; line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 32px 40px; background: #fff; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 18px; padding-bottom: 10px; }
header .org { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h1 { font-size: 21px; margin: 6px 0 4px; color: var(--accent); }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0; }
.meta b { color: var(--ink); }
.quarterly { background: #eef6ee; border-left: 5px solid var(--valid); padding: 12px 16px; margin: 16px 0;
             font-size: 15px; }
.quarterly p { margin: 4px 0 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0; }
.card { flex: 1 1 160px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card .v { font-size: 26px; font-weight: bold; color: var(--accent); }
.card.valid .v { color: var(--valid); }
.card .k { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 8px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 7px; vertical-align: top; }
th { background: #e8eef2; text-align: left; font-weight: bold; }
table.types td:first-child { min-width: 230px; }
table#t-batches td:nth-child(2) { white-space: nowrap; font-size: 12px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n, table#t-batches td:first-child { white-space: nowrap; }
table#t-batches th { font-size: 12px; }
tr.total td { font-weight: bold; background: #f5f7f9; }
.chart { max-width: 100%; height: auto; display: block; margin: 6px 0 4px; }
figure { margin: 10px 0 16px; break-inside: avoid; }
figcaption { font-size: 13px; color: var(--muted); }
details summary { cursor: pointer; color: var(--accent); margin: 8px 0; }
ul.q { font-size: 13px; }
footer { margin-top: 28px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line);
         padding-top: 8px; }
@media print { body { background: #fff; } main { padding: 0; max-width: none; }
               @page { size: A4; margin: 14mm; } h2 { break-after: avoid; } table { break-inside: auto; } }
"""


def _cell(value: object, lang: str, numeric: bool) -> str:
    if value is None or value == "":
        return '<td class="n">—</td>' if numeric else "<td>—</td>"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"<td>{escape(str(value))}</td>"
    text = fmt_int(value, lang) if isinstance(value, int) else f"{value:.1f}".replace(".", "," if lang == "vi" else ".")
    return f'<td class="n">{text}</td>'


def table_html(table: Table, lang: str) -> str:
    """One table as HTML, with its stable id ``t-<key>``."""
    head = "".join(
        f'<th class="n">{escape(c)}</th>' if i >= table.numeric_from else f"<th>{escape(c)}</th>"
        for i, c in enumerate(table.columns)
    )
    body = []
    for k, row in enumerate(table.all_rows()):
        cls = ' class="total"' if table.total and k == len(table.rows) else ""
        body.append(f"<tr{cls}>" + "".join(_cell(v, lang, i >= table.numeric_from) for i, v in enumerate(row))
                    + "</tr>")
    cls = ' class="types"' if table.key in ("by_type", "by_type_year", "valid_by_type_year") else ""
    return (f'<table id="t-{table.key}"{cls}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _cards(report: Report, lang: str) -> str:
    t = TEXTS[lang]
    items = [("valid", t["valid"], report.valid_total), ("", t["records"], report.records_total),
             ("", t["pages"], report.pages_done), ("", t["review"], report.records_review)]
    return '<div class="cards">' + "".join(
        f'<div class="card {cls}"><div class="v">{fmt_int(n, lang)}</div><div class="k">{escape(k)}</div></div>'
        for cls, k, n in items
    ) + "</div>"


def _meta(report: Report, lang: str) -> str:
    t = TEXTS[lang]

    def day(d: dt.date) -> str:
        return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()

    parts = [f"{escape(t['as_of'])}: <b>{day(report.as_of)}</b>"]
    if report.has_period:
        parts.append(f"{escape(t['period'])}: <b>{day(report.date_from) if report.date_from else '…'} – "
                     f"{day(report.date_to) if report.date_to else '…'}</b>")
    if report.batch:
        parts.append(f"{escape(t['batch'])}: <b>{escape(report.batch)}</b>")
    return '<p class="meta">' + " · ".join(parts) + "</p>"


def render_html(report: Report, lang: str) -> str:
    """The whole report as one HTML document in ``lang``."""
    from reporting.model import quarterly_paragraph

    t = TEXTS[lang]
    tables = {tb.key: tb for tb in report_tables(report, lang)}
    charts = {c.key: c for c in report_charts(report, lang)}
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t['title'])} — {report.as_of.isoformat()}</title><style>{_CSS}</style></head><body><main>",
        f'<header><div class="org">{escape(t["subtitle"])}</div><h1>{escape(t["title"])}</h1>'
        f"{_meta(report, lang)}</header>",
        f'<section class="quarterly" id="quarterly"><b>{escape(t["paragraph"])}</b>'
        f"<p>{escape(quarterly_paragraph(report, lang))}</p></section>",
        _cards(report, lang),
        f"<h2>{escape(t['summary'])}</h2>",
        table_html(tables["summary"], lang),
        f"<h2>{escape(t['by_type'])}</h2>",
        _figure(to_svg(charts["status_by_type"]), charts["status_by_type"].title),
        table_html(tables["by_type"], lang),
        f"<h2>{escape(t['by_year'])}</h2>",
        _figure(to_svg(charts["by_year"]), charts["by_year"].title),
        table_html(tables["by_type_year"], lang),
        f"<h2>{escape(t['valid_by_year'])}</h2>",
        table_html(tables["valid_by_type_year"], lang),
        f"<h2>{escape(t['chart_cumulative'])}</h2>",
        _figure(to_svg(charts["cumulative"]), charts["cumulative"].title),
        _figure(to_svg(charts["daily"]), charts["daily"].title),
        f"<h2>{escape(t['monthly'])}</h2>",
        table_html(tables["monthly"], lang),
        f"<details><summary>{escape(t['daily'])}</summary>{table_html(tables['daily'], lang)}</details>",
        f"<h2>{escape(t['batches'])}</h2>",
        _figure(to_svg(charts["batches"]), charts["batches"].title),
        table_html(tables["batches"], lang),
    ]
    if report.quarantine:
        parts.append(f"<h2>{escape(t['quarantine'])}</h2><ul class=\"q\">" + "".join(
            f"<li><code>{escape(path)}</code>: {escape(reason)}</li>" for path, reason in report.quarantine
        ) + "</ul>")
    parts.append(f"<footer>{escape(t['generated'])} · sohoa</footer></main></body></html>")
    return "\n".join(parts)

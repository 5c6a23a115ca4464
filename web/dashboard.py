"""The dashboard: the campaign's progress and still-valid counts with charts, and the quarterly report.

Counts only, no personal data: the pages leave no line in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from web import charts, queries
from web.formats import parse_date
from web.i18n import translate, type_label
from web.pages import error, guarded, lang_of, render, web_state

__all__ = ["REPORT_TYPES", "dashboard", "report_download"]

#: The report's formats the dashboard offers, and what each is served as.
REPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


@guarded("view")
def dashboard(request: Request) -> Response:
    """Progress of the campaign and still-valid counts by type and year, with charts."""
    from reporting.report import build_report

    lang = lang_of(request)
    on = parse_date(request.query_params.get("on")) or dt.date.today()
    with web_state(request).ledger() as ledger:
        report = build_report(ledger, on, lang=lang)
        valid = queries.valid_by_type_year(ledger, on)
    years = sorted({y for c in valid.values() for y in c if y is not None})
    columns = [str(y) for y in years] + ([translate(lang, "unknown_year")] if any(None in c for c in valid.values()) else [])
    keys: list[int | None] = [*years, *([None] if len(columns) > len(years) else [])]
    series = [(type_label(lang, t), [valid[t].get(y, 0) for y in keys]) for t in sorted(valid)]
    type_chart = charts.hbar_chart([(tc.label, tc.valid) for tc in report.by_type],
                                   title=translate(lang, "valid_by_type"))
    year_chart = charts.vbar_chart(columns, series, title=translate(lang, "valid_by_year"))
    return render(request, "dashboard.html", report=report, on=on, valid=valid, years=keys, columns=columns,
                  type_chart=Markup(type_chart), year_chart=Markup(year_chart))


@guarded("view")
def report_download(request: Request) -> Response:
    """The quarterly report on the dashboard's date, as ``sohoa report`` writes it (counts, no personal data)."""
    from reporting.report import build_report, render as render_report

    fmt = request.path_params["fmt"]
    if fmt not in REPORT_TYPES:
        return error(request, 404, "not_found")
    lang = lang_of(request)
    on = parse_date(request.query_params.get("on")) or dt.date.today()
    with web_state(request).ledger() as ledger:
        out = render_report(build_report(ledger, on, lang=lang), fmt)
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    return Response(data, media_type=REPORT_TYPES[fmt], headers={
        "content-disposition": f'attachment; filename="bao-cao-{on.isoformat()}.{fmt}"'})

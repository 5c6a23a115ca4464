"""The search page, the start page of the app, and its hits downloaded as CSV or an Excel sheet.

:class:`SearchAsked` reads a search from the URL (each part checked) so the
page and its download run the very same search.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from indexing import SearchFilters, open_index
from pipeline.domain import ProcedureType
from web import queries
from web.formats import csv_bytes, parse_date, small_int, vn_date
from web.i18n import FIELDS, STATUS, translate, type_label
from web.pages import error, guarded, lang_of, note_audit, render, web_state

__all__ = ["PAGE_SIZE", "EXPORT_FORMATS", "SearchAsked", "home", "search_page", "search_export"]

PAGE_SIZE = 20
#: What a search's hits can be downloaded as.
EXPORT_FORMATS = ("csv", "xlsx")


async def home(request: Request) -> Response:
    """The search page is the start page."""
    return RedirectResponse("/search", status_code=303)


@dataclass(frozen=True)
class SearchAsked:
    """A search as the URL asks it (each part checked), and the link to it with a part changed."""

    q: str
    type: str | None
    year: int | None
    issuer: str | None
    status: str | None
    on: dt.date
    page: int
    #: "Also in the texts": the records holding the words only in their text too, after those named by them.
    text: bool = False

    @classmethod
    def of(cls, request: Request) -> "SearchAsked":
        """The search the request's query parameters ask (a part out of bounds is left out)."""
        qp = request.query_params
        return cls(q=qp.get("q", "").strip()[:200],
                   type=qp.get("type") if qp.get("type") in {t.value for t in ProcedureType} else None,
                   year=small_int(qp.get("year")), issuer=qp.get("issuer", "").strip()[:100] or None,
                   status=qp.get("status") if qp.get("status") in queries.STATUSES else None,
                   on=parse_date(qp.get("on")) or dt.date.today(), page=small_int(qp.get("page"), least=1) or 1,
                   text=qp.get("text") == "1")

    def params(self) -> dict[str, object]:
        """The search's words and filters (not its page), as the URL and the audit trail name them."""
        return {"q": self.q, "type": self.type, "year": self.year, "issuer": self.issuer, "status": self.status,
                "on": self.on.isoformat(), "text": 1 if self.text else None}

    def link(self, path: str = "/search", **change: object) -> str:
        """The URL of this search at ``path``, with the parts in ``change`` changed (``None`` drops one)."""
        merged = {**self.params(), "page": self.page if self.page > 1 else None, **change}
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in merged.items() if v not in ("", None))
        return f"{path}?{query}" if query else path

    def run(self, request: Request) -> queries.SearchOutcome:
        """Every hit of the search in the configured index, with the facet counts."""
        index = open_index(web_state(request).settings.resolved_index_url)
        try:
            return queries.search_records(index, self.q, SearchFilters(type=self.type, year=self.year,
                                                                       issuer=self.issuer), self.status, self.on,
                                          in_text=self.text)
        finally:
            index.close()


@guarded("view")
def search_page(request: Request) -> Response:
    """One box plus filters; hits with snippets, status badges and facet counts."""
    asked = SearchAsked.of(request)
    outcome = asked.run(request)
    page = asked.page
    shown = outcome.hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    # Every search is personal data looked at, the empty one (a list of every record) too.
    note_audit(request, "search", **asked.params(), page=page, hits=len(outcome.hits))
    pages = (len(outcome.hits) + PAGE_SIZE - 1) // PAGE_SIZE
    return render(request, "search.html", q=asked.q, ptype=asked.type, year=asked.year, issuer=asked.issuer or "",
                  status=asked.status, on=asked.on, outcome=outcome, hits=shown, page=page, pages=pages,
                  link=lambda **change: asked.link(**{"page": None, **change}), here=asked.link(),
                  export=lambda fmt: asked.link(f"/search/export.{fmt}", page=None),
                  facet_limit=queries.FACET_LIMIT)


@guarded("view")
def search_export(request: Request) -> Response:
    """The hits of a search (every one the page counts, not only a page of them) as CSV or an Excel sheet."""
    fmt = request.path_params["fmt"]
    if fmt not in EXPORT_FORMATS:
        return error(request, 404, "not_found")
    asked = SearchAsked.of(request)
    outcome = asked.run(request)
    note_audit(request, "search_export", **asked.params(), format=fmt, hits=len(outcome.hits))
    lang = lang_of(request)
    fields = FIELDS[lang]
    head = [fields["subject"], fields["type"], fields["number"], fields["issue_date"], fields["issuer"],
            translate(lang, "status_on", on=vn_date(asked.on)), fields["needs_review"], translate(lang, "location"),
            translate(lang, "file"), translate(lang, "pages"), translate(lang, "record_key")]
    rows = [[h.subject or "", type_label(lang, h.type), h.number or "", vn_date(h.issue_date), h.issuer or "",
             STATUS[lang][h.status], "✓" if h.needs_review else "", h.location or "",
             Path(h.path).name if h.path else "", ", ".join(map(str, h.pages)), h.key] for h in outcome.hits]
    stamp = dt.date.today().strftime("%Y%m%d")
    name = f"tra-cuu-{stamp}.{fmt}"
    if fmt == "csv":
        data, media = csv_bytes([head, *rows]), "text/csv; charset=utf-8"
    else:
        data, media = _xlsx(head, rows, translate(lang, "search")), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


def _xlsx(head: list[str], rows: list[list[str]], title: str) -> bytes:
    """A one-sheet workbook: a bold header row, frozen, then the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJK", (28, 26, 20, 12, 34, 14, 8, 20, 24, 8, 24)):
        sheet.column_dimensions[column].width = width
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()

"""The clerks' web app (Starlette + Jinja2, server-rendered, no JavaScript).

Pages: login, search, record, page images and the record's searchable PDF,
review queue and review form, the keyboard review of handwritten numbers and
days, dashboard, accounts and access log. Every page but the login form
needs a session; every POST needs the session's CSRF token. Files are found
from a record key and a page number through the ledger, never from a path in
the request.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import hmac
import re
import secrets
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexing import SearchFilters, open_index
from ocr.pdf import searchable_pdf
from pipeline.domain import ProcedureType
from pipeline.ledger import Ledger
from pipeline.ledger_rows import RecordRow
from sohoa.errors import SohoaError
from sohoa.settings import Settings
from web import charts, corrections, images, queries
from web.audit import ACTIONS, AuditFilter
from web.auth import ROLES, AuthError, Session, WebStore, can
from web.i18n import FIELDS, LANGS, ROLE_NAMES, STATUS, action_label, audit_detail, reason_label, translate, type_label

__all__ = ["create_app", "serve", "WEB_DB"]

HERE = Path(__file__).resolve().parent
WEB_DB = "web.sqlite"
SESSION_COOKIE = "sohoa_session"
LOGIN_CSRF_COOKIE = "sohoa_login_csrf"
PAGE_SIZE = 20
MAX_FORM_BYTES = 64 * 1024
#: The keyboard review shows a handwritten slot's crop this many times its size, at most this wide.
HAND_ZOOM, HAND_MAX_WIDTH = 3, 1200
#: The most digits a page number, a count or a year in a URL may have (more is no page of ours).
MAX_DIGITS = 6
#: The codes ``/admin/users?msg=`` may carry (any other text is not shown).
USER_MESSAGES = ("ok",)


class PageNumber(Convertor[int]):
    """A page number in a path: one to :data:`MAX_DIGITS` ASCII digits (a 5,000-digit one is a 404, not a 500)."""

    regex = "[0-9]{1,%d}" % MAX_DIGITS

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("pageno", PageNumber())


def small_int(value: str | None, *, least: int = 0) -> int | None:
    """A query parameter as a number of at most :data:`MAX_DIGITS` ASCII digits, not below ``least``;
    ``None`` for anything else ("²", "", 5,000 digits)."""
    if value is None or not re.fullmatch(r"[0-9]{1,%d}" % MAX_DIGITS, value):
        return None
    number = int(value)
    return number if number >= least else None

_HEADERS = (
    ("content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
)
_SNIPPET_MARK = re.compile(r"\[([^\[\]]*)\]")


class SecurityHeaders:
    """ASGI middleware adding security and no-cache headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class WebState:
    """What every request needs: settings, the web database and the templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = WebStore(settings.data_dir / WEB_DB, settings.web.timezone)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters["highlight"] = highlight
        self.env.filters["vndate"] = vn_date
        self.env.filters["localtime"] = functools.partial(local_iso, zone=ZoneInfo(settings.web.timezone))

    def ledger(self) -> Ledger:
        """A ledger connection for one request."""
        return Ledger(self.settings.ledger_target)


# -- small pure helpers ---------------------------------------------------------


def highlight(snippet: str) -> Markup:
    """A search snippet as HTML: text escaped, ``[…]`` matches in ``<mark>``."""
    out, pos = [], 0
    for m in _SNIPPET_MARK.finditer(snippet):
        out += [str(escape(snippet[pos : m.start()])), "<mark>", str(escape(m.group(1))), "</mark>"]
        pos = m.end()
    out.append(str(escape(snippet[pos:])))
    return Markup("".join(out))


def vn_date(value: object) -> str:
    """``2010-07-05`` (or a date) as ``05/07/2010``; anything else unchanged."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return "" if value is None else str(value)


def safe_next(target: str | None) -> str:
    """A redirect target inside this site (defaults to the search page)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/search"


def _lang(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get("lang")
    return c if c in LANGS else "vi"


def _ip(request: Request) -> str:
    """The client's address (the one a trusted proxy names: :class:`sohoa.settings.WebOptions`)."""
    return request.client.host if request.client else "?"


def _secure(request: Request) -> bool:
    """Whether cookies go out ``Secure``: an https request (as a trusted proxy says), or always by setting."""
    return request.url.scheme == "https" or _state(request).settings.web.secure_cookies


def _audit(request: Request, action: str, *, rec: RecordRow | None = None, key: str | None = None,
           user: str | None = None, **detail: object) -> None:
    """Note in the audit trail what the request's user did (:mod:`web.audit`), about whose record."""
    session: Session | None = getattr(request.state, "session", None)
    who = user if user is not None else (session.user.name if session else "-")
    if key and rec is None:  # the line names the person or school, not only the record's key
        with _state(request).ledger() as ledger:
            rec = next(iter(ledger.records([key])), None)
    _state(request).store.audit.append(who, _ip(request), action, record_key=rec.key if rec else key,
                                       subject=rec.subject if rec else None,
                                       detail={k: v for k, v in detail.items() if v not in (None, "")})


def shown_path(path: str, *, admin: bool) -> str:
    """Where a scanned file is, as a user may see it: the file's name; its full path on the server for admins."""
    return path if admin else Path(path).name


def _state(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


async def _form(request: Request) -> dict[str, str] | None:
    """The urlencoded form of a POST (first value per name), or ``None`` if it is not one."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip()
    if ctype != "application/x-www-form-urlencoded":
        return None
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    out: dict[str, str] = {}
    for k, v in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        out.setdefault(k, v)
    return out


def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a page in the request's language, with the session's user and CSRF token."""
    lang = _lang(request)
    session: Session | None = getattr(request.state, "session", None)
    other = "en" if lang == "vi" else "vi"
    html = _state(request).env.get_template(template).render(
        lang=lang, t=functools.partial(translate, lang), status_label=STATUS[lang], field_label=FIELDS[lang],
        role_label=ROLE_NAMES[lang], type_label=functools.partial(type_label, lang), types=list(ProcedureType),
        reason_label=functools.partial(reason_label, lang),
        session=session, user=session.user if session else None, csrf=session.csrf if session else "",
        can=lambda perm: bool(session and can(session.user.role, perm)),
        file_path=functools.partial(shown_path, admin=bool(session and can(session.user.role, "users"))),
        switch_url=f"{request.url.path}?{request.url.include_query_params(lang=other).query}",
        path=request.url.path, **ctx,
    )
    resp = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        resp.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True, secure=_secure(request))
    return resp


def error(request: Request, status_code: int, key: str) -> HTMLResponse:
    """An error page with a translated message."""
    return render(request, "error.html", status_code=status_code, message=translate(_lang(request), key))


Handler = Callable[[Request], Response]


def guarded(permission: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Require a session with ``permission``; POSTs also need the session's CSRF token.

    Without a session a GET is sent to the login page (and back after), any
    other method gets 401. The wrapped handler runs in a worker thread, with
    ``request.state.session`` and, for POSTs, ``request.state.form`` set.
    """

    def deco(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(fn)
        async def wrapper(request: Request) -> Response:
            session = _state(request).store.session(request.cookies.get(SESSION_COOKIE))
            if session is None:
                if request.method == "GET":
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
                return error(request, 401, "csrf")
            request.state.session = session
            if not can(session.user.role, permission):
                return error(request, 403, "forbidden")
            if request.method == "POST":
                form = await _form(request)
                if form is None or not hmac.compare_digest(form.get("csrf", ""), session.csrf):
                    return error(request, 403, "csrf")
                request.state.form = form
            return await run_in_threadpool(fn, request)

        return wrapper

    return deco


# -- login ---------------------------------------------------------------------------


async def login_page(request: Request) -> Response:
    """The login form, with a double-submit CSRF cookie (there is no session yet)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    resp = render(request, "login.html", login_csrf=token, next=safe_next(request.query_params.get("next")),
                  message=None, name="")
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request))
    return resp


async def login_submit(request: Request) -> Response:
    """Check the CSRF cookie, the rate limit and the password; open a session."""
    form = await _form(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if form is None or not cookie or not hmac.compare_digest(form.get("csrf", ""), cookie):
        return error(request, 403, "csrf")
    name, password, ip = form.get("username", "").strip(), form.get("password", ""), _ip(request)
    store = _state(request).store
    nxt = safe_next(form.get("next"))
    if await run_in_threadpool(store.login_blocked, name, ip):
        await run_in_threadpool(_audit, request, "login_blocked", user=name)
        return render(request, "login.html", status_code=429, login_csrf=cookie, next=nxt,
                      message=translate(_lang(request), "login_blocked"), name=name)
    token = await run_in_threadpool(store.login, name, password, ip)
    await run_in_threadpool(_audit, request, "login" if token else "login_failed", user=name)
    if token is None:
        return render(request, "login.html", status_code=401, login_csrf=cookie, next=nxt,
                      message=translate(_lang(request), "login_failed"), name=name)
    resp = RedirectResponse(nxt, status_code=303)
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request))
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


@guarded("view")
def logout(request: Request) -> Response:
    """End the session."""
    _audit(request, "logout")
    _state(request).store.logout(request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


async def home(request: Request) -> Response:
    """The search page is the start page."""
    return RedirectResponse("/search", status_code=303)


# -- search ----------------------------------------------------------------------------


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None
        except ValueError:
            return None


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

    @classmethod
    def of(cls, request: Request) -> "SearchAsked":
        qp = request.query_params
        return cls(q=qp.get("q", "").strip()[:200],
                   type=qp.get("type") if qp.get("type") in {t.value for t in ProcedureType} else None,
                   year=small_int(qp.get("year")), issuer=qp.get("issuer", "").strip()[:100] or None,
                   status=qp.get("status") if qp.get("status") in queries.STATUSES else None,
                   on=_parse_date(qp.get("on")) or dt.date.today(), page=small_int(qp.get("page"), least=1) or 1)

    def params(self) -> dict[str, object]:
        return {"q": self.q, "type": self.type, "year": self.year, "issuer": self.issuer, "status": self.status,
                "on": self.on.isoformat()}

    def link(self, path: str = "/search", **change: object) -> str:
        merged = {**self.params(), "page": self.page if self.page > 1 else None, **change}
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in merged.items() if v not in ("", None))
        return f"{path}?{query}" if query else path

    def run(self, request: Request) -> queries.SearchOutcome:
        index = open_index(_state(request).settings.resolved_index_url)
        try:
            return queries.search_records(index, self.q, SearchFilters(type=self.type, year=self.year,
                                                                       issuer=self.issuer), self.status, self.on)
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
    _audit(request, "search", **asked.params(), page=page, hits=len(outcome.hits))
    pages = (len(outcome.hits) + PAGE_SIZE - 1) // PAGE_SIZE
    return render(request, "search.html", q=asked.q, ptype=asked.type, year=asked.year, issuer=asked.issuer or "",
                  status=asked.status, on=asked.on, outcome=outcome, hits=shown, page=page, pages=pages,
                  link=lambda **change: asked.link(**{"page": None, **change}), here=asked.link(),
                  export=lambda fmt: asked.link(f"/search/export.{fmt}", page=None),
                  facet_limit=queries.FACET_LIMIT)


#: What a search's hits can be downloaded as.
EXPORT_FORMATS = ("csv", "xlsx")


@guarded("view")
def search_export(request: Request) -> Response:
    """The hits of a search (every one the page counts, not only a page of them) as CSV or an Excel sheet."""
    fmt = request.path_params["fmt"]
    if fmt not in EXPORT_FORMATS:
        return error(request, 404, "not_found")
    asked = SearchAsked.of(request)
    outcome = asked.run(request)
    _audit(request, "search_export", **asked.params(), format=fmt, hits=len(outcome.hits))
    lang = _lang(request)
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
        data, media = _csv([head, *rows]), "text/csv; charset=utf-8"
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


# -- records -------------------------------------------------------------------------------


def _record(request: Request, ledger: Ledger) -> RecordRow | None:
    rows = ledger.records([request.path_params["key"]])
    return rows[0] if rows else None


def _field_value(rec: RecordRow, name: str) -> str | None:
    value = getattr(rec, name)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return None if value is None else str(value)


def _field_rows(ledger: Ledger, rec: RecordRow) -> list[dict[str, object]]:
    """Each field with its value, where it was read and the OCR confidence there."""
    rows = []
    for name in ("type", "number", "issue_date", "issuer", "subject", "title", "revoked_on"):
        value = _field_value(rec, name)
        spot = images.locate_field(ledger, rec, name, value) if name != "type" else None
        rows.append({"name": name, "value": value, "spot": spot,
                     "conf": rec.confidence * 100 if name == "type" else (spot.conf if spot else None)})
    return rows


@guarded("view")
def record_page(request: Request) -> Response:
    """All fields with confidence, validity, reasons, images, PDF and provenance."""
    web = _state(request)
    with web.ledger() as ledger:
        rec = _record(request, ledger)
        if rec is None:
            return error(request, 404, "not_found")
        _audit(request, "view", rec=rec)
        return _record_view(request, ledger, rec)


def _back(request: Request) -> str | None:
    """The search a record was opened from (``?back=``), to go back to; only a search of this site."""
    target = request.query_params.get("back")
    return target if target and target.startswith("/search") and safe_next(target) == target else None


def _record_view(request: Request, ledger: Ledger, rec: RecordRow, *, status_code: int = 200,
                 refused: str | None = None, typed: dict[str, str] | None = None) -> Response:
    """The record page; after a refused correction, with the message and the values typed kept in the form."""
    fields = _field_rows(ledger, rec)
    prov = queries.provenance(ledger, rec.key)
    hist = corrections.history(ledger, rec.key)
    today = dt.date.today()
    status = queries.doc_status({"type": rec.type, "issue_date": _field_value(rec, "issue_date"),
                                 "valid_until": _field_value(rec, "valid_until"),
                                 "revoked_on": _field_value(rec, "revoked_on")}, today)
    review = [r for r in rec.reasons if r.startswith("review:")]
    trace = [r for r in rec.reasons if not r.startswith("review:")]
    return render(request, "record.html", status_code=status_code, rec=rec, fields=fields, prov=prov, history=hist,
                  status=status, review=review, trace=trace, today=today, back=_back(request),
                  saved=small_int(request.query_params.get("saved")), refused=refused, typed=typed or {})


def _page_or_404(request: Request, ledger: Ledger) -> tuple[RecordRow, images.PageFiles] | None:
    rec = _record(request, ledger)
    if rec is None:
        return None
    pf = images.page_files(ledger, rec, int(request.path_params["page"]))
    return (rec, pf) if pf else None


@guarded("view")
def restored_image(request: Request) -> Response:
    """The restored page image kept by the ingest."""
    with _state(request).ledger() as ledger:
        found = _page_or_404(request, ledger)
    if not found or not found[1].image_path or not found[1].image_path.is_file():
        return error(request, 404, "no_image")
    _audit(request, "page", rec=found[0], page=found[1].page_no, image="restored")
    return FileResponse(found[1].image_path, media_type="image/jpeg")


@guarded("view")
def original_image(request: Request) -> Response:
    """The original scan of the page, rendered once and cached."""
    web = _state(request)
    with web.ledger() as ledger:
        found = _page_or_404(request, ledger)
    if not found:
        return error(request, 404, "no_image")
    try:
        path = images.original_jpeg(web.settings, found[0], found[1].page_no)
    except (SohoaError, OSError):
        return error(request, 404, "no_image")
    _audit(request, "page", rec=found[0], page=found[1].page_no, image="original")
    return FileResponse(path, media_type="image/jpeg")


@guarded("view")
def field_crop(request: Request) -> Response:
    """The part of the page where a field's current value was read."""
    name = request.path_params["field"]
    if name not in corrections.CORRECTABLE:
        return error(request, 404, "not_found")
    with _state(request).ledger() as ledger:
        rec = _record(request, ledger)
        spot = images.locate_field(ledger, rec, name, _field_value(rec, name)) if rec else None
        pf = images.page_files(ledger, rec, spot.page_no) if rec and spot else None
    if not rec or not spot or not pf or not pf.image_path or not pf.image_path.is_file():
        return error(request, 404, "not_found_on_page")
    _audit(request, "crop", rec=rec, field=name, page=spot.page_no)
    return Response(images.crop_jpeg(pf.image_path, spot.box), media_type="image/jpeg")


@guarded("view")
def record_pdf(request: Request) -> Response:
    """The record's searchable PDF (restored pages with the OCR text layer)."""
    web = _state(request)
    with web.ledger() as ledger:
        rec = _record(request, ledger)
        if rec is None:
            return error(request, 404, "not_found")
        pages = images.pdf_pages(ledger, rec)
    if not pages:
        return error(request, 404, "no_image")
    _audit(request, "pdf", rec=rec)
    data = searchable_pdf(pages, dpi=web.settings.dpi, title=" ".join(x for x in (rec.number, rec.subject) if x))
    return Response(data, media_type="application/pdf",
                    headers={"content-disposition": pdf_disposition(rec.number, rec.key)})


def pdf_disposition(number: str | None, key: str) -> str:
    """A download named by the document's number ("45/SGDĐT-KTKĐ" → ``45-SGDĐT-KTKĐ.pdf``, with an ASCII
    fallback ``45-SGDDT-KTKD.pdf`` for old programs), or by the record's key when it has none."""
    stem = re.sub(r"[^\w.&-]+", "-", number or "").strip("-.") or key
    bare = "".join(c for c in unicodedata.normalize("NFD", stem.replace("Đ", "D").replace("đ", "d"))
                   if unicodedata.category(c) != "Mn")
    ascii_stem = re.sub(r"[^A-Za-z0-9.&-]+", "-", bare).strip("-.") or key
    return f"attachment; filename=\"{ascii_stem}.pdf\"; filename*=UTF-8''{quote(stem + '.pdf', safe='')}"


@guarded("correct")
def correct(request: Request) -> Response:
    """Apply an archivist's corrections, keep the history, re-index the record."""
    web = _state(request)
    form: dict[str, str] = request.state.form
    key = request.path_params["key"]
    values = {f: form[f] for f in corrections.CORRECTABLE if f in form and f != "needs_review"}
    if form.get("mark_reviewed"):
        values["needs_review"] = "0"
    user = request.state.session.user.name
    with web.ledger() as ledger:
        try:
            changes = corrections.apply_correction(ledger, key, values, user)
        except corrections.CorrectionError as exc:
            rows = ledger.records([key])
            if not rows:
                return error(request, 404, "not_found")
            # The page again, its form holding what was typed, the reason above it: nothing typed is lost.
            message = translate(_lang(request), f"corr_{exc.code}", **exc.params)
            view = _review_view if form.get("back") == "review" else _record_view
            return view(request, ledger, rows[0], status_code=400, refused=message, typed=values)
        if changes:
            _reindex(web, ledger, key)
    _audit(request, "correct", key=key, fields=",".join(c.field for c in changes), reviewed=form.get("mark_reviewed"))
    if form.get("mark_reviewed"):
        return RedirectResponse(f"/review?saved={len(changes)}", status_code=303)
    back = "/review/" if form.get("back") == "review" else "/records/"
    return RedirectResponse(f"{back}{key}?saved={len(changes)}", status_code=303)


def _reindex(web: WebState, ledger: Ledger, key: str) -> None:
    """Bring the index up to date for one corrected record."""
    index = open_index(web.settings.resolved_index_url)
    try:
        corrections.reindex(ledger, index, [key])
    finally:
        index.close()


# -- review ---------------------------------------------------------------------------------


@guarded("correct")
def review_list(request: Request) -> Response:
    """Records flagged for review, with the reasons."""
    page = small_int(request.query_params.get("page"), least=1) or 1
    with _state(request).ledger() as ledger:
        total, items = queries.review_queue(ledger, limit=50, offset=(page - 1) * 50)
        hand_left = queries.hand_queue(ledger)[1]
    return render(request, "review_list.html", total=total, items=items, page=page, pages=(total + 49) // 50,
                  saved=small_int(request.query_params.get("saved")), hand_left=hand_left)


@guarded("correct")
def review_page(request: Request) -> Response:
    """Each field next to the crop where it was read, and the correction form."""
    web = _state(request)
    with web.ledger() as ledger:
        rec = _record(request, ledger)
        if rec is None:
            return error(request, 404, "not_found")
        _audit(request, "review", rec=rec)
        return _review_view(request, ledger, rec)


def _review_view(request: Request, ledger: Ledger, rec: RecordRow, *, status_code: int = 200,
                 refused: str | None = None, typed: dict[str, str] | None = None) -> Response:
    """The review page; after a refused correction, with the message and the values typed kept in the form."""
    fields = _field_rows(ledger, rec)
    hist = corrections.history(ledger, rec.key)
    reasons = [r.removeprefix("review:").strip() for r in rec.reasons if r.startswith("review:")]
    return render(request, "review.html", status_code=status_code, rec=rec, fields=fields, history=hist,
                  reasons=reasons, saved=small_int(request.query_params.get("saved")), refused=refused,
                  typed=typed or {})


def _hand_crop(ledger: Ledger, item: queries.HandItem) -> tuple[int, int] | None:
    """The size to show a handwritten value's crop at (``/records/{key}/crop/{field}.jpg``), or ``None``."""
    rec = ledger.records([item.key])[0]
    spot = images.locate_field(ledger, rec, item.field, item.value)
    pf = images.page_files(ledger, rec, spot.page_no) if spot else None
    if not spot or not pf or not pf.image_path or not pf.image_path.is_file():
        return None
    w, h = images.crop_size(pf.image_path, spot.box)
    zoom = min(HAND_ZOOM, HAND_MAX_WIDTH / w)
    return round(w * zoom), round(h * zoom)


def _hand_page(request: Request, ledger: Ledger, item: queries.HandItem | None, left: int, *,
               status_code: int = 200, message: str | None = None) -> Response:
    if item is not None:
        _audit(request, "review-hand", key=item.key, field=item.field)
    return render(request, "review_hand.html", status_code=status_code, item=item, left=left,
                  crop=_hand_crop(ledger, item) if item else None, message=message,
                  after=request.query_params.get("after") or "")


@guarded("correct")
def hand_review_page(request: Request) -> Response:
    """One handwritten number or day at a time: its crop large, the digits read, Enter to confirm.

    ``?after=<record id>:<field>`` goes on past the fields already seen, so a
    skipped one does not come back until the reviewer starts over.
    """
    with _state(request).ledger() as ledger:
        item, left = queries.hand_queue(ledger, request.query_params.get("after"))
        return _hand_page(request, ledger, item, left)


@guarded("correct")
def hand_review_submit(request: Request) -> Response:
    """Confirm (nothing typed) or correct the digits shown, keep the confirmation, go on to the next."""
    web = _state(request)
    form: dict[str, str] = request.state.form
    key, field, typed = form.get("key", ""), form.get("field", ""), form.get("digits", "").strip()
    user = request.state.session.user.name
    with web.ledger() as ledger:
        rows = ledger.records([key])
        if not rows or field not in corrections.HAND_FIELDS:
            return error(request, 404, "not_found")
        onward = RedirectResponse(f"/review/handwritten?after={rows[0].id}:{field}", status_code=303)
        item = queries.hand_item(ledger, key, field)
        if item is None:
            return onward  # confirmed already (a second Enter) or reviewed meanwhile
        slot = images.hand_slot(ledger, rows[0], field)
        try:
            _, changes = corrections.confirm_handwritten(
                ledger, key, field, typed, user, shown=form.get("shown"),
                hand=slot[1] if slot else None, page_no=slot[0] if slot else None)
        except corrections.CorrectionError as exc:
            lang = _lang(request)
            if isinstance(exc, corrections.StaleValue):
                message = translate(lang, "hand_stale")
            elif field == "number":
                message = translate(lang, "hand_bad_number", typed=typed)
            else:
                message = translate(lang, "hand_bad_day", typed=typed, month=item.value[5:7])
            item, left = queries.hand_item(ledger, key, field), queries.hand_queue(ledger)[1]
            if item is None:
                return onward
            return _hand_page(request, ledger, item, left, message=message,
                              status_code=409 if isinstance(exc, corrections.StaleValue) else 400)
        if changes:
            _reindex(web, ledger, key)
    _audit(request, "hand", rec=rows[0], field=field, changed=",".join(c.field for c in changes))
    return onward


# -- dashboard ------------------------------------------------------------------------------


@guarded("view")
def dashboard(request: Request) -> Response:
    """Progress of the campaign and still-valid counts by type and year, with charts."""
    from pipeline.report import build_report

    lang = _lang(request)
    on = _parse_date(request.query_params.get("on")) or dt.date.today()
    with _state(request).ledger() as ledger:
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


#: The report's formats the dashboard offers, and what each is served as.
REPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


@guarded("view")
def report_download(request: Request) -> Response:
    """The quarterly report on the dashboard's date, as ``sohoa report`` writes it (counts, no personal data)."""
    from pipeline.report import build_report, render as render_report

    fmt = request.path_params["fmt"]
    if fmt not in REPORT_TYPES:
        return error(request, 404, "not_found")
    lang = _lang(request)
    on = _parse_date(request.query_params.get("on")) or dt.date.today()
    with _state(request).ledger() as ledger:
        out = render_report(build_report(ledger, on, lang=lang), fmt)
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    return Response(data, media_type=REPORT_TYPES[fmt], headers={
        "content-disposition": f'attachment; filename="bao-cao-{on.isoformat()}.{fmt}"'})


# -- admin ------------------------------------------------------------------------------------


def _users(request: Request, status_code: int = 200, message: str | None = None) -> Response:
    store = _state(request).store
    names, addresses = store.locked()
    return render(request, "users.html", status_code=status_code, users=store.users(), roles=ROLES,
                  message=message, locked=[("username", n) for n in names] + [("address", a) for a in addresses],
                  done=request.query_params.get("msg") in USER_MESSAGES)


@guarded("users")
def users_page(request: Request) -> Response:
    """Accounts: list, add, change role, reset password, disable; the logins locked now, to unlock."""
    return _users(request)


@guarded("users")
def users_submit(request: Request) -> Response:
    """One action on the accounts (``add``, ``role``, ``password``, ``disable``, ``enable``, ``unlock``)."""
    store = _state(request).store
    form: dict[str, str] = request.state.form
    action, name = form.get("action", ""), form.get("username", "").strip()
    me = request.state.session.user.name
    try:
        if action == "add":
            store.add_user(name, form.get("role", ""), form.get("password", ""))
        elif action == "role":
            store.set_role(name, form.get("role", ""))
        elif action == "password":
            store.set_password(name, form.get("password", ""))
        elif action in ("disable", "enable"):
            if name == me and action == "disable":
                raise AuthError("own_account")
            store.set_active(name, action == "enable")
        elif action == "unlock" and (name or form.get("address")):
            store.unlock(me, name=name or None, ip=form.get("address") or None)
        else:
            return error(request, 400, "bad_request")
    except AuthError as exc:
        return _users(request, 400, translate(_lang(request), f"auth_{exc.code}", **exc.params))
    _audit(request, "user", do=action, name=name, address=form.get("address"),
           role=form.get("role") if action in ("add", "role") else None)
    return RedirectResponse("/admin/users?msg=ok", status_code=303)


#: Lines of the audit trail a page shows.
AUDIT_PAGE = 100


def _audit_filter(request: Request) -> AuditFilter:
    qp = request.query_params
    return AuditFilter(user=qp.get("user", "").strip()[:64] or None, record=qp.get("record", "").strip()[:200] or None,
                       action=qp.get("action") if qp.get("action") in ACTIONS else None,
                       since=_parse_date(qp.get("since")), until=_parse_date(qp.get("until")))


def _filter_params(f: AuditFilter) -> dict[str, str | None]:
    """A filter of the trail as the page's query parameters."""
    return {"user": f.user, "record": f.record, "action": f.action,
            "since": f.since.isoformat() if f.since else None, "until": f.until.isoformat() if f.until else None}


def _filter_detail(f: AuditFilter) -> dict[str, object]:
    """What a look at the trail looked for (it is a line of the trail too; "user" and "action" are the line's
    own, so the filter's are named apart)."""
    renamed = {"user": "user_filter", "action": "action_filter"}
    return {renamed.get(k, k): v for k, v in _filter_params(f).items()}


def _filter_query(f: AuditFilter) -> str:
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in _filter_params(f).items() if v)


@guarded("users")
def access_log_page(request: Request) -> Response:
    """The audit trail: who looked at whose record, page or search, when (local time), from where; filtered
    by person, record, action and period, a page at a time (personal data: admins only)."""
    store = _state(request).store
    f = _audit_filter(request)
    page = small_int(request.query_params.get("page"), least=1) or 1
    total, lines = store.audit.lines(f, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    _audit(request, "audit_view", page=page, **_filter_detail(f))
    query = _filter_query(f)
    return render(request, "access_log.html", lines=lines, total=total, page=page,
                  pages=max(1, (total + AUDIT_PAGE - 1) // AUDIT_PAGE), f=f, query=query, actions=ACTIONS,
                  when=functools.partial(local_time, zone=store.audit.zone), zone=str(store.audit.zone),
                  detail=functools.partial(audit_detail, _lang(request)),
                  action_name=functools.partial(action_label, _lang(request)))


@guarded("users")
def access_log_export(request: Request) -> Response:
    """The filtered audit trail as CSV (UTF-8 with a BOM, so spreadsheet programs read the diacritics)."""
    store = _state(request).store
    f = _audit_filter(request)
    lang = _lang(request)
    _audit(request, "audit_export", **_filter_detail(f))
    data = audit_csv(store, f, lang)
    stamp = dt.datetime.now(store.audit.zone).strftime("%Y%m%d-%H%M")
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="nhat-ky-truy-cap-{stamp}.csv"'})


def audit_csv(store: WebStore, f: AuditFilter, lang: str) -> bytes:
    """The lines of the audit trail ``f`` selects, oldest first, as CSV with a BOM (``sohoa audit export`` too)."""
    head = [translate(lang, k) for k in ("when", "username", "ip", "action", "record", "subject_col", "details",
                                         "hash")]
    return _csv([head, *([local_time(line.at, zone=store.audit.zone), line.user, line.ip,
                          action_label(lang, line.action), line.record_key or "", line.subject or "",
                          audit_detail(lang, line.detail), line.hash] for line in store.audit.every(f))])


def _csv(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as CSV in UTF-8 with a BOM, so spreadsheet programs read the diacritics."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def local_iso(value: object, *, zone: dt.tzinfo) -> str:
    """A stored time (ISO text, UTC when it names no zone) as the office reads it; anything else as it is."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return local_time(value, zone=zone)


def local_time(at: dt.datetime, *, zone: dt.tzinfo) -> str:
    """A UTC time as the office reads it: ``06/12/2026 23:05:09``."""
    return at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")


# -- the app -----------------------------------------------------------------------------------


def create_app(settings: Settings) -> Starlette:
    """The web app on a data directory (ledger, index and ``web.sqlite``)."""
    routes = [
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/search", search_page),
        Route("/search/export.{fmt}", search_export),
        Route("/records/{key}", record_page),
        Route("/records/{key}/pages/{page:pageno}/restored.jpg", restored_image),
        Route("/records/{key}/pages/{page:pageno}/original.jpg", original_image),
        Route("/records/{key}/crop/{field}.jpg", field_crop),
        Route("/records/{key}/record.pdf", record_pdf),
        Route("/records/{key}/correct", correct, methods=["POST"]),
        Route("/review", review_list),
        Route("/review/handwritten", hand_review_page, methods=["GET"]),
        Route("/review/handwritten", hand_review_submit, methods=["POST"]),
        Route("/review/{key}", review_page),
        Route("/dashboard", dashboard),
        Route("/dashboard/report.{fmt}", report_download),
        Route("/admin/users", users_page, methods=["GET"]),
        Route("/admin/users", users_submit, methods=["POST"]),
        Route("/admin/access-log", access_log_page),
        Route("/admin/access-log.csv", access_log_export),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if settings.web.trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        # Outermost: every part of the app sees the client the office's proxy names, and only its word counts.
        middleware.insert(0, Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.web.trusted_proxies)))
    app = Starlette(routes=routes, middleware=middleware)
    app.state.web = WebState(settings)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    app = create_app(settings)
    # The trail keeps what the retention setting says; a long-running server is pruned at each start.
    app.state.web.store.audit.prune(dt.datetime.now(dt.timezone.utc)
                                    - dt.timedelta(days=settings.web.audit_retention_days), "serve")
    # Proxy headers are read by the app itself (create_app), from the trusted proxies of the settings only.
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)

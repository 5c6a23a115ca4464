"""What every page of the web app needs: its state, its language, its guard, its rendering, its audit line.

:func:`guarded` checks the session, the permission and a POST's CSRF token
before a handler runs; :func:`render` and :func:`error` write a page in the
request's language; :func:`note_audit` adds what the request's user did to
the audit trail. :class:`SecurityHeaders` puts the same headers on every
response.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote
from zoneinfo import ZoneInfo

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.domain import ProcedureType
from ledger import Ledger
from ledger.rows import RecordRow
from core.settings import Settings
from web.auth import Session, WebStore, can
from web.formats import MAX_DIGITS, highlight, local_iso, shown_path, vn_date
from web.i18n import FIELDS, LANGS, ROLE_NAMES, STATUS, reason_label, translate, type_label

__all__ = ["SESSION_COOKIE", "PageNumber", "SecurityHeaders", "WebState", "web_state", "lang_of", "client_ip",
           "secure_cookie", "note_audit", "read_form", "render", "error", "guarded"]

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "sohoa_session"
MAX_FORM_BYTES = 64 * 1024

_HEADERS = (
    ("content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
)


class PageNumber(Convertor[int]):
    """A page number in a path: one to :data:`MAX_DIGITS` ASCII digits (a 5,000-digit one is a 404, not a 500)."""

    regex = "[0-9]{1,%d}" % MAX_DIGITS

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("pageno", PageNumber())


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

    def __init__(self, settings: Settings, store: WebStore) -> None:
        self.settings = settings
        self.store = store
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


def web_state(request: Request) -> WebState:
    """The app's :class:`WebState` (set by :func:`web.app.create_app`)."""
    return request.app.state.web  # type: ignore[no-any-return]


def lang_of(request: Request) -> str:
    """The request's language: ``?lang=`` if it names one, else the ``lang`` cookie, else Vietnamese."""
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get("lang")
    return c if c in LANGS else "vi"


def client_ip(request: Request) -> str:
    """The client's address (the one a trusted proxy names: :class:`core.settings.WebOptions`)."""
    return request.client.host if request.client else "?"


def secure_cookie(request: Request) -> bool:
    """Whether cookies go out ``Secure``: an https request (as a trusted proxy says), or always by setting."""
    return request.url.scheme == "https" or web_state(request).settings.web.secure_cookies


def note_audit(request: Request, action: str, *, rec: RecordRow | None = None, key: str | None = None,
               user: str | None = None, **detail: object) -> None:
    """Note in the audit trail what the request's user did (:mod:`web.audit`), about whose record."""
    session: Session | None = getattr(request.state, "session", None)
    who = user if user is not None else (session.user.name if session else "-")
    if key and rec is None:  # the line names the person or school, not only the record's key
        with web_state(request).ledger() as ledger:
            rec = next(iter(ledger.records([key])), None)
    web_state(request).store.audit.append(who, client_ip(request), action, record_key=rec.key if rec else key,
                                          subject=rec.subject if rec else None,
                                          detail={k: v for k, v in detail.items() if v not in (None, "")})


async def read_form(request: Request) -> dict[str, str] | None:
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
    lang = lang_of(request)
    session: Session | None = getattr(request.state, "session", None)
    other = "en" if lang == "vi" else "vi"
    html = web_state(request).env.get_template(template).render(
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
        resp.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True,
                        secure=secure_cookie(request))
    return resp


def error(request: Request, status_code: int, key: str) -> HTMLResponse:
    """An error page with a translated message."""
    return render(request, "error.html", status_code=status_code, message=translate(lang_of(request), key))


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
            session = web_state(request).store.session(request.cookies.get(SESSION_COOKIE))
            if session is None:
                if request.method == "GET":
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
                return error(request, 401, "csrf")
            request.state.session = session
            if not can(session.user.role, permission):
                return error(request, 403, "forbidden")
            if request.method == "POST":
                form = await read_form(request)
                if form is None or not hmac.compare_digest(form.get("csrf", ""), session.csrf):
                    return error(request, 403, "csrf")
                request.state.form = form
            return await run_in_threadpool(fn, request)

        return wrapper

    return deco

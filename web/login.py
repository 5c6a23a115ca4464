"""The way in and out: the login form and its check, and logout.

The login form is the one page without a session, so its CSRF token is a
double-submit cookie; a successful login opens a session and sends the
clerk to where they were going (only a page of this site).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.formats import safe_next
from web.i18n import translate
from web.pages import (SESSION_COOKIE, client_ip, error, guarded, lang_of, note_audit, read_form, render,
                       secure_cookie, web_state)

__all__ = ["login_page", "login_submit", "logout"]

LOGIN_CSRF_COOKIE = "sohoa_login_csrf"


async def login_page(request: Request) -> Response:
    """The login form, with a double-submit CSRF cookie (there is no session yet)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    resp = render(request, "login.html", login_csrf=token, next=safe_next(request.query_params.get("next")),
                  message=None, name="")
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookie(request))
    return resp


async def login_submit(request: Request) -> Response:
    """Check the CSRF cookie, the rate limit and the password; open a session."""
    form = await read_form(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if form is None or not cookie or not hmac.compare_digest(form.get("csrf", ""), cookie):
        return error(request, 403, "csrf")
    name, password, ip = form.get("username", "").strip(), form.get("password", ""), client_ip(request)
    store = web_state(request).store
    nxt = safe_next(form.get("next"))
    if await run_in_threadpool(store.login_blocked, name, ip):
        await run_in_threadpool(note_audit, request, "login_blocked", user=name)
        return render(request, "login.html", status_code=429, login_csrf=cookie, next=nxt,
                      message=translate(lang_of(request), "login_blocked"), name=name)
    token = await run_in_threadpool(store.login, name, password, ip)
    await run_in_threadpool(note_audit, request, "login" if token else "login_failed", user=name)
    if token is None:
        return render(request, "login.html", status_code=401, login_csrf=cookie, next=nxt,
                      message=translate(lang_of(request), "login_failed"), name=name)
    resp = RedirectResponse(nxt, status_code=303)
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookie(request))
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


@guarded("view")
def logout(request: Request) -> Response:
    """End the session."""
    note_audit(request, "logout")
    web_state(request).store.logout(request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp

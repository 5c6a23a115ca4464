"""The admins' pages: accounts (and the logins locked now) and the audit trail, shown and exported.

The trail is personal data about personal data: only admins see it, and each
look at it is a line of it too. :func:`audit_csv` is also what ``sohoa audit
export`` writes.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.audit import ACTIONS, AuditFilter
from web.auth import ROLES, AuthError, WebStore
from web.formats import csv_bytes, local_time, parse_date, small_int
from web.i18n import action_label, audit_detail, translate
from web.pages import error, guarded, lang_of, note_audit, render, web_state

__all__ = ["USER_MESSAGES", "AUDIT_PAGE", "users_page", "users_submit", "access_log_page", "access_log_export",
           "audit_csv"]

#: The codes ``/admin/users?msg=`` may carry (any other text is not shown).
USER_MESSAGES = ("ok",)
#: Lines of the audit trail a page shows.
AUDIT_PAGE = 100


def _users(request: Request, status_code: int = 200, message: str | None = None) -> Response:
    store = web_state(request).store
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
    store = web_state(request).store
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
        return _users(request, 400, translate(lang_of(request), f"auth_{exc.code}", **exc.params))
    note_audit(request, "user", do=action, name=name, address=form.get("address"),
               role=form.get("role") if action in ("add", "role") else None)
    return RedirectResponse("/admin/users?msg=ok", status_code=303)


def _audit_filter(request: Request) -> AuditFilter:
    qp = request.query_params
    return AuditFilter(user=qp.get("user", "").strip()[:64] or None, record=qp.get("record", "").strip()[:200] or None,
                       action=qp.get("action") if qp.get("action") in ACTIONS else None,
                       since=parse_date(qp.get("since")), until=parse_date(qp.get("until")))


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
    store = web_state(request).store
    f = _audit_filter(request)
    page = small_int(request.query_params.get("page"), least=1) or 1
    total, lines = store.audit.lines(f, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    note_audit(request, "audit_view", page=page, **_filter_detail(f))
    query = _filter_query(f)
    return render(request, "access_log.html", lines=lines, total=total, page=page,
                  pages=max(1, (total + AUDIT_PAGE - 1) // AUDIT_PAGE), f=f, query=query, actions=ACTIONS,
                  when=functools.partial(local_time, zone=store.audit.zone), zone=str(store.audit.zone),
                  detail=functools.partial(audit_detail, lang_of(request)),
                  action_name=functools.partial(action_label, lang_of(request)))


@guarded("users")
def access_log_export(request: Request) -> Response:
    """The filtered audit trail as CSV (UTF-8 with a BOM, so spreadsheet programs read the diacritics)."""
    store = web_state(request).store
    f = _audit_filter(request)
    lang = lang_of(request)
    note_audit(request, "audit_export", **_filter_detail(f))
    data = audit_csv(store, f, lang)
    stamp = dt.datetime.now(store.audit.zone).strftime("%Y%m%d-%H%M")
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="nhat-ky-truy-cap-{stamp}.csv"'})


def audit_csv(store: WebStore, f: AuditFilter, lang: str) -> bytes:
    """The lines of the audit trail ``f`` selects, oldest first, as CSV with a BOM (``sohoa audit export`` too)."""
    head = [translate(lang, k) for k in ("when", "username", "ip", "action", "record", "subject_col", "details",
                                         "hash")]
    return csv_bytes([head, *([local_time(line.at, zone=store.audit.zone), line.user, line.ip,
                               action_label(lang, line.action), line.record_key or "", line.subject or "",
                               audit_detail(lang, line.detail), line.hash] for line in store.audit.every(f))])

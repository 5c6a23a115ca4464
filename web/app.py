"""The clerks' web app (Starlette + Jinja2, server-rendered, no JavaScript): its routes, put together.

Pages: login (:mod:`web.login`), search (:mod:`web.search`), record, page
images and the record's searchable PDF (:mod:`web.records`), review queue,
review form and the keyboard review of handwritten numbers and days
(:mod:`web.review`), dashboard (:mod:`web.dashboard`), accounts and access
log (:mod:`web.admin`). Every page but the login form needs a session; every
POST needs the session's CSRF token (:func:`web.pages.guarded`). Files are
found from a record key and a page number through the ledger, never from a
path in the request.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from core.settings import Settings
from web import admin, dashboard, login, records, review, search
from web.auth import WebStore
from web.pages import SecurityHeaders, WebState

__all__ = ["create_app", "serve", "WEB_DB"]

HERE = Path(__file__).resolve().parent
WEB_DB = "web.sqlite"


def create_app(settings: Settings) -> Starlette:
    """The web app on a data directory (ledger, index and ``web.sqlite``)."""
    routes = [
        Route("/", search.home),
        Route("/login", login.login_page, methods=["GET"]),
        Route("/login", login.login_submit, methods=["POST"]),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/search", search.search_page),
        Route("/search/export.{fmt}", search.search_export),
        Route("/records/{key}", records.record_page),
        Route("/records/{key}/pages/{page:pageno}/restored.jpg", records.restored_image),
        Route("/records/{key}/pages/{page:pageno}/original.jpg", records.original_image),
        Route("/records/{key}/crop/{field}.jpg", records.field_crop),
        Route("/records/{key}/record.pdf", records.record_pdf),
        Route("/records/{key}/correct", review.correct, methods=["POST"]),
        Route("/review", review.review_list),
        Route("/review/handwritten", review.hand_review_page, methods=["GET"]),
        Route("/review/handwritten", review.hand_review_submit, methods=["POST"]),
        Route("/review/{key}", review.review_page),
        Route("/dashboard", dashboard.dashboard),
        Route("/dashboard/report.{fmt}", dashboard.report_download),
        Route("/admin/users", admin.users_page, methods=["GET"]),
        Route("/admin/users", admin.users_submit, methods=["POST"]),
        Route("/admin/access-log", admin.access_log_page),
        Route("/admin/access-log.csv", admin.access_log_export),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if settings.web.trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        # Outermost: every part of the app sees the client the office's proxy names, and only its word counts.
        middleware.insert(0, Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.web.trusted_proxies)))
    app = Starlette(routes=routes, middleware=middleware)
    app.state.web = WebState(settings, WebStore(settings.data_dir / WEB_DB, settings.web.timezone))
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

"""The clerks' web app: search, record pages, review queue, dashboard, accounts.

Start it with ``sohoa serve``; build it in tests with :func:`create_app`.
"""

from web.app import create_app, serve

__all__ = ["create_app", "serve"]

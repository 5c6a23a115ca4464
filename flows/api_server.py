"""Prefect's API server for one data directory, which stops itself once no command has used it for a while.

Started by :class:`flows.prefect_api.SharedApi` as ``python -m
flows.api_server --port P --idle-s S --state FILE``, in a session of its own
so that it outlives the command that started it: the next ``sohoa ingest``
on the same data directory finds it in ``FILE`` and skips the seconds a
server takes to start. It is uvicorn serving Prefect's ``create_app()``
(with the switches :class:`flows.prefect_api.LocalApi` gives a server of one
command), behind a counter of the requests in flight: when none has been in
flight for ``S`` seconds (a running flow keeps calling, and its events
socket stays open), the server shuts down and removes ``FILE`` if it still
names this process.

This module must not import Prefect at module level: ``--help`` and the
tests' imports stay cheap.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["IdleWatch", "forget", "main", "read_state", "PORT_TAKEN"]

#: Exit code when the port was taken between the starter's check and the server's bind (uvicorn's own).
PORT_TAKEN = 3

_Scope = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
_Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_App = Callable[[_Scope, _Receive, _Send], Awaitable[None]]


class IdleWatch:
    """An ASGI app that counts the requests in flight through ``app`` and says how long none has been.

    Args:
        app: The application served.
        clock: Seconds, monotonic (a test passes its own).
    """

    def __init__(self, app: _App, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.in_flight = 0
        self.last = clock()

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            self.last = self.clock()

    def idle_for(self) -> float:
        """Seconds since the last request ended, 0 while one is in flight."""
        return 0.0 if self.in_flight else self.clock() - self.last


def read_state(path: Path) -> dict[str, Any] | None:
    """What a shared server wrote about itself (``pid``, ``port``, ``idle_s``, ``python``, ``prefect``), or ``None``."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("pid"), int) or not isinstance(state.get("port"), int):
        return None
    return state


def forget(state: Path, pid: int) -> None:
    """Remove the state file if it still names server ``pid`` (a newer server may have replaced it)."""
    current = read_state(state)
    if current is not None and current["pid"] == pid:
        state.unlink(missing_ok=True)


def _watch(watch: IdleWatch, server: Any, idle_s: float) -> None:
    step = max(0.2, min(5.0, idle_s / 10))
    while not server.should_exit:
        time.sleep(step)
        if watch.idle_for() >= idle_s:
            server.should_exit = True


def main(argv: Sequence[str] | None = None) -> int:
    """Serve Prefect's API on ``--port`` until idle for ``--idle-s`` seconds."""
    parser = argparse.ArgumentParser(prog="python -m flows.api_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-s", type=float, required=True)
    parser.add_argument("--state", type=Path, required=True)
    args = parser.parse_args(argv)

    import uvicorn
    from prefect.server.api.server import create_app

    watch = IdleWatch(create_app())
    server = uvicorn.Server(uvicorn.Config(watch, host="127.0.0.1", port=args.port, log_level="error",
                                           lifespan="on"))
    threading.Thread(target=_watch, args=(watch, server, args.idle_s), daemon=True).start()
    try:
        server.run()
    finally:
        forget(args.state, os.getpid())
    return 0 if server.started else PORT_TAKEN


if __name__ == "__main__":
    sys.exit(main())

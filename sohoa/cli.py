"""The ``sohoa`` command line: a thin layer over the library and the flows.

This module lists the commands (they live in :mod:`sohoa.commands`, grouped
by what they do), builds the parser from them and runs one; the commands'
errors end here as exit codes. Exit codes: 0 success; 2 some inputs were
quarantined or pages failed (they are listed); 1 the command itself failed.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sohoa import __version__
from sohoa.commands import learning, outputs, reading, searching, upkeep, webapp
from sohoa.commands.base import Command
from core.errors import ExitCode, SohoaError

__all__ = ["COMMANDS", "main", "build_parser", "run"]

#: Every command, in the order ``sohoa --help`` lists them.
COMMANDS: dict[str, Command] = {c.name: c for c in (
    reading.INGEST, reading.OCR, reading.CLASSIFY, searching.SEARCH, outputs.REPORT, reading.REPROCESS,
    searching.REINDEX, learning.TRAIN, outputs.PDF, upkeep.BACKUP, upkeep.RESTORE, webapp.SERVE, webapp.USER,
    webapp.AUDIT, upkeep.PREFECT_SERVER, learning.PROFILE,
)}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (the docs test reads it too)."""
    p = argparse.ArgumentParser(
        prog="sohoa",
        description="Digitize damaged paper archives into searchable, countable records.",
    )
    p.add_argument("--version", action="version", version=f"sohoa {__version__}")
    p.add_argument("--data-dir", type=Path, help="data directory (default: $SOHOA_DATA_DIR or ./sohoa-data)")
    p.add_argument("--index", dest="index_url", help="index URL (default: $SOHOA_INDEX_URL or the embedded index)")
    p.add_argument("--profile", help="the office's knowledge: a shipped profile (default, hai-phong), a profile.json "
                                     "or its folder (default: $SOHOA_PROFILE or default)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS.values():
        command.arguments(sub.add_parser(command.name, help=command.help, description=command.description))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sohoa`` command."""
    # Prefect's INFO logs drown the progress bar; SOHOA_VERBOSE=1 brings them back.
    if not os.environ.get("SOHOA_VERBOSE"):
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        # The Elasticsearch client logs each retry of an unreachable node with a traceback; what failed is
        # said once, by the error the command ends with.
        logging.getLogger("elastic_transport").setLevel(logging.ERROR)
        # Prefect's queue of events warns "Still processing items: N items remaining..." when it stops
        # with events left, which it then sends: a note about its own shutdown, not about the run.
        logging.getLogger("EventsWorker").setLevel(logging.ERROR)
    # The ephemeral Prefect server would try to send telemetry; offices are often offline.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # On a machine busy reading pages the ephemeral server can take longer than Prefect's 20 s to start.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except SohoaError as exc:
        print(f"sohoa: error: {exc}", file=sys.stderr)
        return exc.exit_code if exc.exit_code in (ExitCode.FAILED, ExitCode.INCOMPLETE) else ExitCode.FAILED
    except KeyboardInterrupt:
        print("sohoa: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


def run() -> None:
    """The ``sohoa`` command: :func:`main`, then exit without the interpreter's last garbage collection.

    At exit Python walks every object its cycle collector tracks; with Prefect
    and the flows imported that took half a second at the end of every
    command (0.54 s after importing ``flows.ingest``). Nothing of sohoa's waits
    for it: files, databases, servers and temporary folders are closed before
    :func:`main` returns (temporary folders' finalizers run at exit all the
    same), so the objects left are frozen instead (:func:`gc.freeze`). Tests
    call :func:`main`, which leaves the collector alone.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()

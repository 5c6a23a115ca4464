"""Keeping the data directory: ``backup`` and ``restore`` it, show or stop its ``prefect-server``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sohoa.commands.base import Command, settings_from
from core.errors import ExitCode

__all__ = ["BACKUP", "RESTORE", "PREFECT_SERVER", "cmd_backup", "cmd_restore", "cmd_prefect_server"]


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the data directory into DEST (see :mod:`sohoa.backup`)."""
    from sohoa.backup.summary import backup_summary
    from sohoa.backup.writing import plan_backup, run_backup

    settings = settings_from(args)
    result = run_backup(plan_backup(settings, args.dest))
    print(backup_summary(result, settings.data_dir, args.lang))
    return ExitCode.OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the data directory and check it; 1 when the check fails."""
    from sohoa.backup.restore import run_restore
    from sohoa.backup.summary import restore_summary

    result = run_restore(args.src, settings_from(args), force=args.force)
    print(restore_summary(result, args.src, args.lang), file=sys.stdout if result.ok else sys.stderr)
    return ExitCode.OK if result.ok else ExitCode.FAILED


def cmd_prefect_server(args: argparse.Namespace) -> int:
    """Show or stop the data directory's shared local Prefect API server."""
    from flows.prefect_api import shared_status, stop_shared

    settings = settings_from(args)
    none = f"Không có máy chủ Prefect nào đang chạy cho {settings.data_dir} / none running"
    if args.server_command == "stop":
        stopped = stop_shared(settings.data_dir)
        print(f"Đã dừng máy chủ Prefect của {settings.data_dir} / stopped" if stopped else none)
        return ExitCode.OK if stopped else ExitCode.FAILED
    status = shared_status(settings.data_dir)
    if status is None:
        print(none)
        return ExitCode.FAILED
    print(f"{status['url']} (pid {status['pid']}; tự dừng sau {float(status.get('idle_s', 0)) / 60:g} phút "
          "không dùng / stops after that many idle minutes)")
    return ExitCode.OK


# -- their arguments --------------------------------------------------------


def _backup_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dest", type=Path, metavar="DEST", help="an empty or new folder outside the data directory")
    p.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="data directory to back up")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the summary (default: vi)")


BACKUP = Command(
    "backup",
    help="back up the data directory (ledger, index, derived files)",
    description="Copy the ledger and index (SQLite online backup: consistent while an ingest "
                "runs), web accounts and derived files into DEST; manifest.json is written last.",
    arguments=_backup_arguments,
    run=cmd_backup,
)


def _restore_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("src", type=Path, metavar="SRC", help="a folder written by sohoa backup")
    p.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="data directory to restore into")
    p.add_argument("--force", action="store_true",
                   help="restore into a non-empty data directory, replacing its ledger, index and derived files")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the summary (default: vi)")


RESTORE = Command(
    "restore",
    help="restore a backup into a data directory and check it",
    description="Verify a backup against its manifest, copy it into the data directory, then "
                "check that the restored copy gives the same counts and searches.",
    arguments=_restore_arguments,
    run=cmd_restore,
)


def _prefect_server_arguments(p: argparse.ArgumentParser) -> None:
    ps = p.add_subparsers(dest="server_command", required=True, metavar="ACTION")
    ps.add_parser("status", help="its address and process; exit 1 when none runs")
    ps.add_parser("stop", help="stop it now; exit 1 when none was running")


PREFECT_SERVER = Command(
    "prefect-server",
    help="show or stop the data directory's local Prefect server",
    description="Without PREFECT_API_URL, ingest and reprocess start a local Prefect API "
                "server and leave it up for the next command on the same data directory "
                "until it has been idle SOHOA_PREFECT_IDLE_MINUTES (15); this shows or "
                "stops it.",
    arguments=_prefect_server_arguments,
    run=cmd_prefect_server,
)

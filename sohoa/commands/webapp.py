"""The clerks' web app: ``serve`` it, manage its accounts (``user``), check its ``audit`` trail."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sohoa.commands.base import Command, settings_from
from core.errors import ExitCode, SohoaError

__all__ = ["SERVE", "USER", "AUDIT", "cmd_serve", "cmd_user", "cmd_audit"]


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the clerks' web app until interrupted."""
    from web.app import serve

    settings = settings_from(args)
    if args.trusted_proxy or args.secure_cookies:
        web = settings.web.model_copy(update={"secure_cookies": args.secure_cookies or settings.web.secure_cookies,
                                              **({"trusted_proxies": tuple(args.trusted_proxy)}
                                                 if args.trusted_proxy else {})})
        settings = settings.model_copy(update={"web": web})
    serve(settings, host=args.host, port=args.port)
    return ExitCode.OK


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu / password: ")
    if getpass.getpass("Nhập lại / again: ") != first:
        raise SohoaError("passwords differ")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    """Manage web accounts in ``web.sqlite`` of the data directory."""
    from web.app import WEB_DB
    from web.auth import AuthError, WebStore

    settings = settings_from(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = WebStore(settings.data_dir / WEB_DB)
    try:
        if args.user_command == "add":
            user = store.add_user(args.name, args.role, _read_password(args))
            print(f"{user.name} ({user.role})")
        elif args.user_command == "passwd":
            store.set_password(args.name, _read_password(args))
        elif args.user_command in ("disable", "enable"):
            store.set_active(args.name, args.user_command == "enable")
        elif args.user_command == "role":
            store.set_role(args.name, args.role)
        elif args.user_command == "unlock":
            if not args.name and not args.address:
                raise SohoaError("user unlock: give a NAME or --address")
            store.unlock("cli", name=args.name, ip=args.address)
        else:
            for u in store.users():
                print(f"{u.name}\t{u.role}\t{'active' if u.active else 'disabled'}")
    except AuthError as exc:
        print(f"sohoa: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    finally:
        store.close()
    return ExitCode.OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Verify, export or prune the audit trail of ``web.sqlite``."""
    from web.admin import audit_csv
    from web.app import WEB_DB
    from web.audit import AuditFilter
    from web.auth import WebStore

    settings = settings_from(args)
    path = settings.data_dir / WEB_DB
    if not path.is_file():
        raise SohoaError(f"{path}: no web database here (the web app has not run on this data directory)")
    store = WebStore(path, settings.web.timezone)
    try:
        if args.audit_command == "verify":
            check = store.audit.verify()
            for problem in check.problems:
                print(f"{path}: {problem}", file=sys.stderr)
            print(f"{check.lines} lines, last hash {check.head}: {'ok' if check.ok else 'BROKEN'}")
            return ExitCode.OK if check.ok else ExitCode.FAILED
        if args.audit_command == "export":
            data = audit_csv(store, AuditFilter(user=args.user, record=args.record, since=args.since,
                                                until=args.until), args.lang)
            if args.out:
                args.out.write_bytes(data)
            else:
                sys.stdout.buffer.write(data)
            return ExitCode.OK
        days = args.days if args.days is not None else settings.web.audit_retention_days
        if days < 1:
            raise SohoaError("audit prune: --days must be at least 1")
        gone = store.audit.prune(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days), "cli")
        print(f"{gone} lines older than {days} days removed")
        return ExitCode.OK
    finally:
        store.close()


# -- their arguments --------------------------------------------------------


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--trusted-proxy", action="append", metavar="ADDR", default=None,
                   help="address or network (10.0.0.0/24) of the office's reverse proxy, whose X-Forwarded-For "
                        "and X-Forwarded-Proto name the client; repeat for several (default: none, or "
                        "SOHOA_TRUSTED_PROXIES, comma-separated)")
    p.add_argument("--secure-cookies", action="store_true",
                   help="mark the session cookie Secure on every answer (it is on https requests anyway)")


SERVE = Command(
    "serve",
    help="run the clerks' web app",
    description="Serve the web app (search, records, review, dashboard) in Vietnamese.",
    arguments=_serve_arguments,
    run=cmd_serve,
)


def _user_arguments(p: argparse.ArgumentParser) -> None:
    us = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    u = us.add_parser("add", help="add an account")
    u.add_argument("name", metavar="NAME")
    u.add_argument("--role", required=True, choices=("admin", "archivist", "clerk"), help="role of the account")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    u = us.add_parser("role", help="change an account's role (there is always one active admin)")
    u.add_argument("name", metavar="NAME")
    u.add_argument("role", choices=("admin", "archivist", "clerk"), metavar="ROLE", help="admin, archivist or clerk")
    u = us.add_parser("unlock", help="lift the lock failed logins put on an account (or, with --address, an address)")
    u.add_argument("name", nargs="?", metavar="NAME")
    u.add_argument("--address", metavar="ADDR", help="the client address to unlock")
    u = us.add_parser("passwd", help="set an account's password")
    u.add_argument("name", metavar="NAME")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for action in ("disable", "enable"):
        us.add_parser(action, help=f"{action} an account").add_argument("name", metavar="NAME")
    us.add_parser("list", help="list the accounts")


USER = Command(
    "user",
    help="manage web accounts (the first admin, too)",
    description="Add, list, disable or enable web accounts, change their role, lift a login lock "
                "or set their password. There is always one active admin.",
    arguments=_user_arguments,
    run=cmd_user,
)


def _audit_arguments(p: argparse.ArgumentParser) -> None:
    aus = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    aus.add_parser("verify", help="check the chain; print its lines and last hash; exit 1 naming where it breaks")
    a = aus.add_parser("export", help="the trail (or part of it) as CSV, oldest first")
    a.add_argument("--user", help="only this user's lines")
    a.add_argument("--record", help="only lines about this record key, or whose person or school contains this")
    a.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="from this local date")
    a.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="to this local date (included)")
    a.add_argument("--out", type=Path, metavar="FILE", help="write here (default: standard output)")
    a.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the headers and actions")
    a = aus.add_parser("prune", help="remove the lines older than the retention period (the chain stays checkable)")
    a.add_argument("--days", type=int, metavar="N",
                   help="keep the last N days (default: SOHOA_AUDIT_RETENTION_DAYS, or 1825)")


AUDIT = Command(
    "audit",
    help="check, export or prune the web app's audit trail",
    description="The audit trail of the web app (who looked at whose record, page or search, "
                "when, from where) is a hash chain in web.sqlite: verify finds a line changed or "
                "removed; export writes it as CSV; prune removes the lines past retention.",
    arguments=_audit_arguments,
    run=cmd_audit,
)

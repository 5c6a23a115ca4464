"""The audit trail of the web app: who looked at whose record, page or search, when and from where.

Every line is chained to the one before it: its hash covers its own fields
and the previous line's hash (:func:`line_hash`), so a line edited, deleted
or put in another place breaks the chain, and :meth:`AuditTrail.verify`
(``sohoa audit verify``) names the first line where it breaks. Lines older
than the retention period are removed only by :meth:`AuditTrail.prune`, which
appends a ``prune`` line holding the hash and id of the last line removed, so
the chain still verifies from the first line kept. What a chain cannot show
by itself is its own tail cut off: ``verify`` prints the number of lines and
the last hash, to be noted (the backup manifest keeps them too) and compared
later.

Times are stored in UTC and shown in the office's time zone
(:attr:`core.settings.WebOptions.timezone`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["ACTIONS", "GENESIS", "AuditLine", "AuditFilter", "AuditCheck", "AuditTrail", "line_hash", "verify_chain",
           "check_file"]

#: What a line says was done (labels in :mod:`web.i18n`).
ACTIONS = ("search", "search_export", "view", "page", "crop", "pdf", "review", "review-hand", "correct", "hand", "login",
           "login_failed", "login_blocked", "logout", "user", "audit_view", "audit_export", "prune")

#: The "previous hash" of the first line ever written.
GENESIS = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    record_key TEXT,
    subject TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log(user, at);
CREATE INDEX IF NOT EXISTS audit_log_record ON audit_log(record_key);
"""


@dataclass(frozen=True)
class AuditLine:
    """One line of the trail; ``detail`` holds what else there is to say (a search's words, a page number)."""

    id: int
    at: dt.datetime  # UTC
    user: str
    ip: str
    action: str
    record_key: str | None
    subject: str | None
    detail: dict[str, object]
    prev: str
    hash: str


@dataclass(frozen=True)
class AuditFilter:
    """Which lines to show: by user, by record (its key, or words of the person or school it concerns),
    by action, and by period (local dates, both ends included)."""

    user: str | None = None
    record: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditCheck:
    """What :meth:`AuditTrail.verify` found: the lines, the last hash, and where the chain breaks."""

    lines: int
    head: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def line_hash(prev: str, id_: int, at: str, user: str, ip: str, action: str, record_key: str | None,
              subject: str | None, detail: str) -> str:
    """The hash of a line: SHA-256 of the previous line's hash and this line's fields, in a fixed form."""
    payload = json.dumps([prev, id_, at, user, ip, action, record_key, subject, detail], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _detail_text(detail: dict[str, object] | None) -> str:
    return json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _stamp() -> str:
    """Now, as a line stores it (UTC to the microsecond: lines of one second keep their order by time)."""
    return _now().isoformat(timespec="microseconds")


class AuditTrail:
    """The ``audit_log`` table of ``web.sqlite``, written only by appending.

    Args:
        conn: The web database (autocommit; :class:`web.auth.WebStore`'s).
        lock: The lock every use of ``conn`` in this process takes.
        timezone: The office's time zone, for the local dates of :class:`AuditFilter`.
    """

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock, timezone: str = "Asia/Ho_Chi_Minh") -> None:
        self._conn, self._lock, self.zone = conn, lock, ZoneInfo(timezone)
        with self._lock:
            conn.executescript(_SCHEMA)
            self._adopt_old_log()

    def _adopt_old_log(self) -> None:
        """Chain the lines of the ``access_log`` of a web.sqlite from before the trail, then drop that table."""
        if not self._conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='access_log'").fetchone():
            return
        with self._immediate():
            for at, user, ip, action, key in self._conn.execute(
                    "SELECT at, user, ip, action, record_key FROM access_log ORDER BY id").fetchall():
                code, _, rest = action.partition(":")
                self._insert(at, user, ip, code, key, None, _detail_text({"old": rest} if rest else None))
            self._conn.execute("DROP TABLE access_log")

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``): no other process appends meanwhile."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _insert(self, at: str, user: str, ip: str, action: str, record_key: str | None, subject: str | None,
                detail: str) -> None:
        last = self._conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        id_, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        self._conn.execute(
            "INSERT INTO audit_log(id, at, user, ip, action, record_key, subject, detail, prev, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (id_, at, user, ip, action, record_key, subject, detail, prev,
             line_hash(prev, id_, at, user, ip, action, record_key, subject, detail)))

    def append(self, user: str, ip: str, action: str, *, record_key: str | None = None, subject: str | None = None,
               detail: dict[str, object] | None = None) -> None:
        """Add a line at the end of the chain (one transaction: two processes never fork it)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self._immediate():
            self._insert(_stamp(), user[:64], ip, action, record_key, subject, _detail_text(detail))

    # -- reading -------------------------------------------------------------------------

    def _where(self, f: AuditFilter) -> tuple[str, list[object]]:
        sql, args = ["1=1"], []
        if f.user:
            sql.append("user = ?")
            args.append(f.user)
        if f.record:
            sql.append("(record_key = ? OR subject LIKE ?)")
            args += [f.record, f"%{f.record}%"]
        if f.action:
            sql.append("action = ?")
            args.append(f.action)
        if f.since:
            sql.append("at >= ?")
            args.append(self._utc(f.since))
        if f.until:
            sql.append("at < ?")
            args.append(self._utc(f.until + dt.timedelta(days=1)))
        return " AND ".join(sql), args

    def _utc(self, day: dt.date) -> str:
        """The start of a local day, in the stored form."""
        start = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        return start.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")

    @staticmethod
    def _line(row: sqlite3.Row | tuple) -> AuditLine:
        id_, at, user, ip, action, key, subject, detail, prev, hash_ = tuple(row)
        return AuditLine(id_, dt.datetime.fromisoformat(at), user, ip, action, key, subject, json.loads(detail),
                         prev, hash_)

    _COLUMNS = "id, at, user, ip, action, record_key, subject, detail, prev, hash"

    def lines(self, f: AuditFilter = AuditFilter(), *, limit: int = 100, offset: int = 0
              ) -> tuple[int, list[AuditLine]]:
        """How many lines match, and a page of them, newest first."""
        where, args = self._where(f)
        with self._lock:
            total = self._conn.execute(f"SELECT count(*) FROM audit_log WHERE {where}", args).fetchone()[0]
            rows = self._conn.execute(f"SELECT {self._COLUMNS} FROM audit_log WHERE {where} ORDER BY id DESC "
                                      "LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        return total, [self._line(r) for r in rows]

    def _raw(self, where: str = "1=1", args: list[object] | None = None, *, chunk: int = 1000) -> Iterator[tuple]:
        """The stored rows matching ``where``, oldest first, a chunk at a time."""
        last = 0
        while True:
            with self._lock:
                rows = self._conn.execute(f"SELECT {self._COLUMNS} FROM audit_log WHERE {where} AND id > ? "
                                          "ORDER BY id LIMIT ?", [*(args or []), last, chunk]).fetchall()
            if not rows:
                return
            yield from (tuple(r) for r in rows)
            last = rows[-1][0]

    def every(self, f: AuditFilter = AuditFilter()) -> Iterator[AuditLine]:
        """Every matching line, oldest first (an export)."""
        where, args = self._where(f)
        return (self._line(r) for r in self._raw(where, args))

    # -- checking and retention -------------------------------------------------------------

    def verify(self) -> AuditCheck:
        """Recompute the chain: every line's hash, and each line's link to the one before it."""
        with self._lock:
            return verify_chain(self._conn)

    def prune(self, before: dt.datetime, by: str) -> int:
        """Remove the lines written before ``before`` (the retention period's start); how many.

        The prune is a line of its own, holding the last removed line's id and
        hash, so the chain verifies from the first line kept.
        """
        cutoff = before.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
        with self._immediate():
            last = self._conn.execute("SELECT id, hash FROM audit_log WHERE at < ? AND id < "
                                      "(SELECT max(id) FROM audit_log) ORDER BY id DESC LIMIT 1", (cutoff,)).fetchone()
            if last is None:
                return 0
            gone = self._conn.execute("DELETE FROM audit_log WHERE id <= ?", (last[0],)).rowcount
            self._insert(_stamp(), by, "-", "prune", None, None,
                         _detail_text({"through": last[0], "hash": last[1], "lines": gone, "before": cutoff}))
        return gone


def verify_chain(conn: sqlite3.Connection) -> AuditCheck:
    """Check the audit chain of an open web database (see :meth:`AuditTrail.verify`); it writes nothing."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='audit_log'").fetchone():
        return AuditCheck(0, GENESIS, ())
    vouched = set()
    for (text,) in conn.execute("SELECT detail FROM audit_log WHERE action='prune'"):
        d = json.loads(text)
        vouched.add((d.get("through"), d.get("hash")))
    problems: list[str] = []
    count, head, prev_id = 0, GENESIS, None
    for id_, at, user, ip, action, key, subject, detail, prev, hash_ in conn.execute(
            "SELECT id, at, user, ip, action, record_key, subject, detail, prev, hash FROM audit_log ORDER BY id"):
        count += 1
        if line_hash(prev, id_, at, user, ip, action, key, subject, detail) != hash_:
            problems.append(f"line {id_}: changed after it was written")
        if prev_id is None:
            if prev != GENESIS and (id_ - 1, prev) not in vouched:
                problems.append(f"line {id_}: the lines before it are missing (not removed by a prune)")
        elif id_ != prev_id + 1:
            problems.append(f"lines {prev_id + 1}–{id_ - 1} are missing")
        elif prev != head:
            problems.append(f"line {id_}: the line before it was changed")
        head, prev_id = hash_, id_
    return AuditCheck(count, head, tuple(problems))


def check_file(path: Path) -> AuditCheck:
    """The audit chain of a ``web.sqlite`` on disk (a backup's copy), opened read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return verify_chain(conn)
    finally:
        conn.close()

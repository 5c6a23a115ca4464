"""Accounts, sessions, login rate limits and the access log of the web app.

Everything lives in its own SQLite file, ``<data dir>/web.sqlite``, apart
from the ledger: these are people, not archive records, and the file can be
backed up or wiped on its own. Tables: ``users``, ``sessions``,
``login_attempts`` and ``access_log`` (who opened which record, when, from
where: personal data, shown to admins only).

Passwords are hashed with ``hashlib.scrypt`` and a random salt; session
tokens are random and only their SHA-256 is stored; each session carries its
own CSRF token for every form that changes something.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ROLES",
    "PERMISSIONS",
    "User",
    "Session",
    "WebStore",
    "AuthError",
    "hash_password",
    "verify_password",
    "can",
]

#: Roles, from least to most trusted.
ROLES: tuple[str, ...] = ("clerk", "archivist", "admin")

#: What each role may do. Admins manage users and may also correct.
PERMISSIONS: dict[str, frozenset[str]] = {
    "clerk": frozenset({"view"}),
    "archivist": frozenset({"view", "correct"}),
    "admin": frozenset({"view", "correct", "users"}),
}

SESSION_HOURS = 10
#: Failed logins allowed in the window, per user name and per client address.
MAX_FAILS_PER_USER = 5
MAX_FAILS_PER_IP = 20
FAIL_WINDOW_MIN = 15

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'archivist', 'admin')),
    password TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_attempts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    name TEXT NOT NULL,
    ip TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_attempts_name ON login_attempts(name, at);
CREATE INDEX IF NOT EXISTS login_attempts_ip ON login_attempts(ip, at);
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    record_key TEXT
);
"""


class AuthError(ValueError):
    """A user cannot be created or changed (bad name, role or password)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def hash_password(password: str) -> str:
    """A salted scrypt hash in the form ``scrypt$n$r$p$salt$hash`` (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash from :func:`hash_password`."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(got.hex(), digest)


def can(role: str, permission: str) -> bool:
    """Whether a role has a permission (``view``, ``correct``, ``users``)."""
    return permission in PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class User:
    """An account."""

    id: int
    name: str
    role: str
    active: bool


@dataclass(frozen=True)
class Session:
    """A logged-in user and the session's CSRF token."""

    user: User
    csrf: str


def _check_user(name: str, role: str | None, password: str | None) -> None:
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AuthError("user name: 1–64 characters, no spaces")
    if role is not None and role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < 8:
        raise AuthError("password: at least 8 characters")


class WebStore:
    """The web app's own database (users, sessions, attempts, access log).

    Args:
        path: The SQLite file, created with its tables when missing.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def _exec(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, params)

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- users ------------------------------------------------------------

    @staticmethod
    def _user(row: sqlite3.Row) -> User:
        return User(id=row["id"], name=row["name"], role=row["role"], active=bool(row["active"]))

    def add_user(self, name: str, role: str, password: str) -> User:
        """Create an account.

        Raises:
            AuthError: bad name, role or password, or the name is taken.
        """
        _check_user(name, role, password)
        try:
            self._exec("INSERT INTO users(name, role, password, created_at) VALUES (?,?,?,?)",
                       (name, role, hash_password(password), _iso(_now())))
        except sqlite3.IntegrityError as exc:
            raise AuthError(f"user {name!r} already exists") from exc
        user = self.get_user(name)
        assert user is not None
        return user

    def get_user(self, name: str) -> User | None:
        """An account by name."""
        rows = self._rows("SELECT * FROM users WHERE name=?", (name,))
        return self._user(rows[0]) if rows else None

    def users(self) -> list[User]:
        """Every account, by name."""
        return [self._user(r) for r in self._rows("SELECT * FROM users ORDER BY name")]

    def set_password(self, name: str, password: str) -> None:
        """Change a password and end the user's sessions."""
        _check_user(name, None, password)
        user = self.get_user(name)
        if user is None:
            raise AuthError(f"no user {name!r}")
        self._exec("UPDATE users SET password=? WHERE id=?", (hash_password(password), user.id))
        self._exec("DELETE FROM sessions WHERE user_id=?", (user.id,))

    def set_role(self, name: str, role: str) -> None:
        """Change a user's role."""
        _check_user(name, role, None)
        if self._exec("UPDATE users SET role=? WHERE name=?", (role, name)).rowcount != 1:
            raise AuthError(f"no user {name!r}")

    def set_active(self, name: str, active: bool) -> None:
        """Enable or disable an account; disabling ends its sessions."""
        user = self.get_user(name)
        if user is None:
            raise AuthError(f"no user {name!r}")
        self._exec("UPDATE users SET active=? WHERE id=?", (int(active), user.id))
        if not active:
            self._exec("DELETE FROM sessions WHERE user_id=?", (user.id,))

    # -- login and sessions -------------------------------------------------

    def login_blocked(self, name: str, ip: str) -> bool:
        """Whether too many recent failed logins came for this name or address.

        Failures count in a sliding window of ``FAIL_WINDOW_MIN`` minutes;
        for a name, only failures since its last successful login count.
        """
        since = _iso(_now() - dt.timedelta(minutes=FAIL_WINDOW_MIN))
        by_name = self._rows(
            "SELECT count(*) FROM login_attempts WHERE name=? AND ok=0 AND at>=? AND id > "
            "coalesce((SELECT max(id) FROM login_attempts WHERE name=? AND ok=1), 0)", (name, since, name),
        )[0][0]
        by_ip = self._rows("SELECT count(*) FROM login_attempts WHERE ip=? AND ok=0 AND at>=?", (ip, since))[0][0]
        return by_name >= MAX_FAILS_PER_USER or by_ip >= MAX_FAILS_PER_IP

    def login(self, name: str, password: str, ip: str) -> str | None:
        """Check a password and open a session.

        Returns:
            The session token for the cookie, or ``None`` when the login fails
            (unknown user, wrong password, disabled account). The caller checks
            :meth:`login_blocked` first.
        """
        rows = self._rows("SELECT * FROM users WHERE name=?", (name,))
        ok = bool(rows) and bool(rows[0]["active"]) and verify_password(password, rows[0]["password"])
        if not rows:
            hash_password(password)  # same cost as a real check: do not reveal which names exist
        self._exec("INSERT INTO login_attempts(at, name, ip, ok) VALUES (?,?,?,?)",
                   (_iso(_now()), name[:64], ip, int(ok)))
        if not ok:
            return None
        token = secrets.token_urlsafe(32)
        now = _now()
        self._exec(
            "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)",
            (_token_hash(token), rows[0]["id"], secrets.token_urlsafe(24), _iso(now),
             _iso(now + dt.timedelta(hours=SESSION_HOURS))),
        )
        self._exec("DELETE FROM sessions WHERE expires_at < ?", (_iso(now),))
        return token

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie token, or ``None``."""
        if not token:
            return None
        rows = self._rows(
            "SELECT u.*, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id=s.user_id WHERE s.token_hash=?",
            (_token_hash(token),),
        )
        if not rows or not rows[0]["active"] or rows[0]["expires_at"] < _iso(_now()):
            return None
        return Session(user=self._user(rows[0]), csrf=rows[0]["csrf"])

    def logout(self, token: str | None) -> None:
        """End a session."""
        if token:
            self._exec("DELETE FROM sessions WHERE token_hash=?", (_token_hash(token),))

    # -- access log -------------------------------------------------------

    def log_access(self, user: str, ip: str, action: str, record_key: str | None = None) -> None:
        """Note that a user opened or changed a record."""
        self._exec("INSERT INTO access_log(at, user, ip, action, record_key) VALUES (?,?,?,?,?)",
                   (_iso(_now()), user, ip, action, record_key))

    def access_log(self, limit: int = 200, user: str | None = None) -> list[sqlite3.Row]:
        """The latest access-log lines, newest first."""
        if user:
            return self._rows("SELECT * FROM access_log WHERE user=? ORDER BY id DESC LIMIT ?", (user, limit))
        return self._rows("SELECT * FROM access_log ORDER BY id DESC LIMIT ?", (limit,))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

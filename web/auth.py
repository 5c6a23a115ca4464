"""Accounts, sessions, login rate limits and the access log of the web app.

Everything lives in its own SQLite file, ``<data dir>/web.sqlite``, apart
from the ledger: these are people, not archive records, and the file can be
backed up or wiped on its own. Tables: ``users``, ``sessions``,
``login_attempts``, ``unlocks`` and ``audit_log`` (:mod:`web.audit`: who
looked at whose record, page or search, when, from where; personal data,
shown to admins only).

Passwords are hashed with ``hashlib.scrypt`` and a random salt, and must
be hard to guess (zxcvbn's score of :data:`MIN_PASSWORD_SCORE`); session
tokens are random and only their SHA-256 is stored; each session carries its
own CSRF token for every form that changes something, and ends after
:data:`IDLE_MINUTES` without a request or :data:`SESSION_HOURS` in all.

Failed logins lock an account (:data:`MAX_FAILS_PER_USER`) and an address
(:data:`MAX_FAILS_PER_IP`) for :data:`FAIL_WINDOW_MIN` minutes. An address's
lock does not refuse an account that logged in from that address before
(:data:`KNOWN_ADDRESS_DAYS`): behind an office's proxy every clerk has one
address, and someone guessing there must not lock the whole office out. An
admin lifts a lock with :meth:`WebStore.unlock`. There is always one active
admin: the last one can be neither demoted nor disabled.
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

from web.audit import AuditTrail

__all__ = [
    "ROLES",
    "PERMISSIONS",
    "User",
    "Session",
    "WebStore",
    "AuthError",
    "AUTH_MESSAGES",
    "check_password",
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

#: A session ends this long after its login (a working day) ...
SESSION_HOURS = 8
#: ... or after this long without a request.
IDLE_MINUTES = 30
#: A session's last request is written at most this often (a page loads several images).
_SEEN_EVERY_S = 60
#: Failed logins allowed in the window, per user name and per client address.
MAX_FAILS_PER_USER = 5
MAX_FAILS_PER_IP = 20
FAIL_WINDOW_MIN = 15
#: An address's lock spares the accounts that logged in from it within this many days.
KNOWN_ADDRESS_DAYS = 30
#: The least zxcvbn score (0-4) a password needs: 3 is "safely unguessable" (under 10^10 guesses).
#: Online guessing meets the login locks long before; a stolen web.sqlite meets scrypt.
MIN_PASSWORD_SCORE = 3
MIN_PASSWORD_LENGTH = 8

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
    expires_at TEXT NOT NULL,
    last_seen TEXT
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
CREATE TABLE IF NOT EXISTS unlocks (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    name TEXT,
    ip TEXT,
    by_user TEXT NOT NULL
);
"""


#: What :class:`AuthError` says, in English (the web app translates the code).
AUTH_MESSAGES: dict[str, str] = {
    "bad_name": "user name: 1–64 characters, no spaces",
    "bad_role": "role must be one of clerk, archivist, admin",
    "short_password": f"password: at least {MIN_PASSWORD_LENGTH} characters",
    "weak_password": "password too easy to guess: use a longer one, e.g. several words",
    "name_taken": "user {name!r} already exists",
    "no_user": "no user {name!r}",
    "last_admin": "{name!r} is the last active admin: make another admin first",
    "own_account": "you cannot disable your own account",
}


class AuthError(ValueError):
    """A user cannot be created or changed; :attr:`code` names why (a key of :data:`AUTH_MESSAGES`)."""

    def __init__(self, code: str, **params: str) -> None:
        self.code, self.params = code, params
        super().__init__(AUTH_MESSAGES[code].format(**params))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def _now_iso_fine() -> str:
    """Now to the microsecond: an unlock and the failures around it may fall in one second."""
    return _now().isoformat(timespec="microseconds")


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
        raise AuthError("bad_name")
    if role is not None and role not in ROLES:
        raise AuthError("bad_role")
    if password is not None:
        check_password(name, password)


def check_password(name: str, password: str) -> None:
    """Refuse a password that is short or easy to guess ("12345678", "matkhau123", the user's name).

    Raises:
        AuthError: ``short_password`` or ``weak_password``.
    """
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError("short_password")
    # zxcvbn's cost grows with the length; what it scores past 100 characters is strong anyway.
    if zxcvbn(password[:100], user_inputs=[name, "sohoa", "so hoa"])["score"] < MIN_PASSWORD_SCORE:
        raise AuthError("weak_password")


class WebStore:
    """The web app's own database (users, sessions, attempts, access log).

    Args:
        path: The SQLite file, created with its tables when missing.
        timezone: The office's time zone (the audit trail's local dates).
    """

    def __init__(self, path: Path, timezone: str = "Asia/Ho_Chi_Minh") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)
        if "last_seen" not in {r["name"] for r in self._conn.execute("PRAGMA table_info(sessions)")}:
            self._conn.execute("ALTER TABLE sessions ADD COLUMN last_seen TEXT")  # a web.sqlite from before
        self.audit = AuditTrail(self._conn, self._lock, timezone)

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
            raise AuthError("name_taken", name=name) from exc
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
        user = self._existing(name)
        self._exec("UPDATE users SET password=? WHERE id=?", (hash_password(password), user.id))
        self._exec("DELETE FROM sessions WHERE user_id=?", (user.id,))

    def _existing(self, name: str) -> User:
        user = self.get_user(name)
        if user is None:
            raise AuthError("no_user", name=name)
        return user

    def _keep_an_admin(self, user: User) -> None:
        """Refuse a change that would leave no active admin (nobody could manage the accounts)."""
        if user.role == "admin" and user.active and self._rows(
                "SELECT count(*) FROM users WHERE role='admin' AND active=1")[0][0] <= 1:
            raise AuthError("last_admin", name=user.name)

    def set_role(self, name: str, role: str) -> None:
        """Change a user's role (not the last active admin's to another)."""
        _check_user(name, role, None)
        with self._lock:
            user = self._existing(name)
            if role != "admin":
                self._keep_an_admin(user)
            self._exec("UPDATE users SET role=? WHERE id=?", (role, user.id))

    def set_active(self, name: str, active: bool) -> None:
        """Enable or disable an account (not the last active admin); disabling ends its sessions."""
        with self._lock:
            user = self._existing(name)
            if not active:
                self._keep_an_admin(user)
            self._exec("UPDATE users SET active=? WHERE id=?", (int(active), user.id))
        if not active:
            self._exec("DELETE FROM sessions WHERE user_id=?", (user.id,))

    # -- login and sessions -------------------------------------------------

    def login_blocked(self, name: str, ip: str) -> bool:
        """Whether too many recent failed logins came for this name, or from this address.

        Failures count in a sliding window of ``FAIL_WINDOW_MIN`` minutes,
        after the last unlock of the name or address; for a name, only those
        since its last successful login. An address's failures do not block
        a name that logged in from it in the last ``KNOWN_ADDRESS_DAYS`` days.
        """
        since = _iso(_now() - dt.timedelta(minutes=FAIL_WINDOW_MIN))
        if self._name_locked(name, since):
            return True
        if not self._ip_locked(ip, since):
            return False
        known = _iso(_now() - dt.timedelta(days=KNOWN_ADDRESS_DAYS))
        return not self._rows("SELECT 1 FROM login_attempts WHERE name=? AND ip=? AND ok=1 AND at>=? LIMIT 1",
                              (name, ip, known))

    def _name_locked(self, name: str, since: str) -> bool:
        return self._rows(
            "SELECT count(*) FROM login_attempts WHERE name=? AND ok=0 AND at>=? AND id > "
            "coalesce((SELECT max(id) FROM login_attempts WHERE name=? AND ok=1), 0) AND at >= "
            "coalesce((SELECT max(at) FROM unlocks WHERE name=?), '')", (name, since, name, name),
        )[0][0] >= MAX_FAILS_PER_USER

    def _ip_locked(self, ip: str, since: str) -> bool:
        return self._rows("SELECT count(*) FROM login_attempts WHERE ip=? AND ok=0 AND at>=? AND at >= "
                          "coalesce((SELECT max(at) FROM unlocks WHERE ip=?), '')", (ip, since, ip))[0][0] \
            >= MAX_FAILS_PER_IP

    def locked(self) -> tuple[list[str], list[str]]:
        """The accounts and the addresses failed logins lock now (for the admin's unlock)."""
        since = _iso(_now() - dt.timedelta(minutes=FAIL_WINDOW_MIN))
        names = [r[0] for r in self._rows("SELECT DISTINCT l.name FROM login_attempts l JOIN users u ON "
                                          "u.name=l.name WHERE l.ok=0 AND l.at>=? ORDER BY l.name", (since,))]
        ips = [r[0] for r in self._rows("SELECT DISTINCT ip FROM login_attempts WHERE ok=0 AND at>=? ORDER BY ip",
                                        (since,))]
        return [n for n in names if self._name_locked(n, since)], [ip for ip in ips if self._ip_locked(ip, since)]

    def unlock(self, by: str, *, name: str | None = None, ip: str | None = None) -> None:
        """Lift the lock failed logins put on an account or an address (an admin's action).

        Raises:
            AuthError: ``no_user`` for a name that is no account.
        """
        if name is not None:
            self._existing(name)
        self._exec("INSERT INTO unlocks(at, name, ip, by_user) VALUES (?,?,?,?)", (_now_iso_fine(), name, ip, by))

    def login(self, name: str, password: str, ip: str) -> str | None:
        """Check a password and open a session.

        Returns:
            The session token for the cookie, or ``None`` when the login fails
            (unknown user, wrong password, disabled account). The caller checks
            :meth:`login_blocked` first.
        """
        rows = self._rows("SELECT * FROM users WHERE name=?", (name,))
        # The password is checked for a disabled account too, and hashed for an unknown name: the same
        # cost either way, so the time of an answer does not tell which names exist or are disabled.
        if rows:
            ok = verify_password(password, rows[0]["password"]) and bool(rows[0]["active"])
        else:
            hash_password(password)
            ok = False
        self._exec("INSERT INTO login_attempts(at, name, ip, ok) VALUES (?,?,?,?)",
                   (_now_iso_fine(), name[:64], ip, int(ok)))
        if not ok:
            return None
        token = secrets.token_urlsafe(32)
        now = _now()
        self._exec(
            "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at, last_seen) VALUES (?,?,?,?,?,?)",
            (_token_hash(token), rows[0]["id"], secrets.token_urlsafe(24), _iso(now),
             _iso(now + dt.timedelta(hours=SESSION_HOURS)), _iso(now)),
        )
        self._exec("DELETE FROM sessions WHERE expires_at < ? OR coalesce(last_seen, created_at) < ?",
                   (_iso(now), _iso(now - dt.timedelta(minutes=IDLE_MINUTES))))
        return token

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie token, or ``None`` (ended, expired, idle too long, account disabled).

        A request keeps the session alive: its last request is noted (at most
        once a minute) and it ends ``IDLE_MINUTES`` after that.
        """
        if not token:
            return None
        key = _token_hash(token)
        rows = self._rows(
            "SELECT u.*, s.csrf, s.expires_at, coalesce(s.last_seen, s.created_at) AS seen "
            "FROM sessions s JOIN users u ON u.id=s.user_id WHERE s.token_hash=?", (key,),
        )
        now = _now()
        if not rows or not rows[0]["active"] or rows[0]["expires_at"] < _iso(now):
            return None
        seen = dt.datetime.fromisoformat(rows[0]["seen"])
        if now - seen > dt.timedelta(minutes=IDLE_MINUTES):
            self._exec("DELETE FROM sessions WHERE token_hash=?", (key,))
            return None
        if now - seen > dt.timedelta(seconds=_SEEN_EVERY_S):
            self._exec("UPDATE sessions SET last_seen=? WHERE token_hash=?", (_iso(now), key))
        return Session(user=self._user(rows[0]), csrf=rows[0]["csrf"])

    def logout(self, token: str | None) -> None:
        """End a session."""
        if token:
            self._exec("DELETE FROM sessions WHERE token_hash=?", (_token_hash(token),))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

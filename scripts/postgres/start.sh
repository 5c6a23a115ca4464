#!/usr/bin/env bash
# Start a PostgreSQL server for tests/development, in the background.
#
#   scripts/postgres/start.sh [PORT] [DATA_DIR]
#
# PORT      TCP port on 127.0.0.1 (default $SOHOA_PG_PORT or 5433)
# DATA_DIR  directory for the cluster, its socket and log
#           (default: a fresh temp dir, removed again by stop.sh)
#
# Creates the cluster with initdb (trust authentication, local connections
# only), starts it, creates the database $SOHOA_PG_DB (default sohoa) owned by
# the role $SOHOA_PG_ROLE (default sohoa) and prints its URL
# (postgresql://sohoa@127.0.0.1:PORT/sohoa) as the last line of stdout.
# Running it again for the same port while the server is up just prints the URL.
#
# PostgreSQL refuses to run as root: when run as root the server runs as the
# system user $SOHOA_PG_USER (default sohoa-pg), created if missing.
#
# Environment:
#   SOHOA_PG_BIN      directory of initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin, else PATH)
#   SOHOA_PG_DB       database to create (default sohoa)
#   SOHOA_PG_ROLE     superuser role of the cluster (default sohoa)
#   SOHOA_PG_USER     unprivileged system user when run as root (default sohoa-pg)
#   SOHOA_PG_OPTS     extra server options, e.g. "-c fsync=off" for throwaway test data
#   SOHOA_PG_TIMEOUT  seconds to wait for the server (default 60)
#   SOHOA_PG_STATE    where the info files live (default ${TMPDIR:-/tmp}/sohoa-pg-<uid>)
set -euo pipefail

PORT="${1:-${SOHOA_PG_PORT:-5433}}"
DATA_DIR="${2:-}"
DB="${SOHOA_PG_DB:-sohoa}"
ROLE="${SOHOA_PG_ROLE:-sohoa}"
PG_USER="${SOHOA_PG_USER:-sohoa-pg}"
TIMEOUT="${SOHOA_PG_TIMEOUT:-60}"
STATE_DIR="${SOHOA_PG_STATE:-${TMPDIR:-/tmp}/sohoa-pg-$(id -u)}"
INFOFILE="$STATE_DIR/pg-$PORT.env"
URL="postgresql://$ROLE@127.0.0.1:$PORT/$DB"

log() { echo "start.sh: $*" >&2; }
die() { log "$*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$PORT'"

# --- binaries ----------------------------------------------------------------------
BIN="${SOHOA_PG_BIN:-}"
if [[ -z "$BIN" ]]; then
    BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$BIN" ]] || BIN="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
fi
[[ -x "$BIN/initdb" && -x "$BIN/pg_ctl" ]] || die "no initdb/pg_ctl found (apt-get install postgresql, or set SOHOA_PG_BIN)"

# --- user ----------------------------------------------------------------------------
if [[ "$(id -u)" == 0 ]]; then
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
        log "creating system user $PG_USER"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
    fi
    as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
    as_pg() { "$@"; }
fi

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d "$DB" -U "$ROLE" -t 2; }

mkdir -p "$STATE_DIR"

# --- already running? -----------------------------------------------------------------
if [[ -f "$INFOFILE" ]]; then
    OLD_DIR="$(sed -n 's/^SOHOA_PG_DIR=//p' "$INFOFILE")"
    if as_pg "$BIN/pg_ctl" status -D "$OLD_DIR/data" >/dev/null 2>&1; then
        if ready; then
            log "server already running ($OLD_DIR)"
            echo "$URL"
            exit 0
        fi
        die "a server is running in $OLD_DIR but $URL does not answer; run stop.sh $PORT first"
    fi
    log "removing stale info file $INFOFILE"
    rm -f "$INFOFILE"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT is already in use by another process (not started by this script)"
fi

# --- cluster -----------------------------------------------------------------------------
AUTO_DIR=0
if [[ -z "$DATA_DIR" ]]; then
    DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sohoa-pg-$PORT.XXXXXX")"
    AUTO_DIR=1
fi
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
if [[ "$(id -u)" == 0 ]]; then
    chmod 755 "$DATA_DIR"
    chown "$PG_USER" "$DATA_DIR"
    as_pg test -w "$DATA_DIR" || die "$PG_USER cannot write to $DATA_DIR (is a parent directory private, e.g. /root?)"
fi
LOGFILE="$DATA_DIR/server.log"

fail() {
    log "$*"
    log "---- $LOGFILE (tail) ----"
    tail -n 40 "$LOGFILE" >&2 2>/dev/null || true
    as_pg "$BIN/pg_ctl" stop -D "$DATA_DIR/data" -m immediate >/dev/null 2>&1 || true
    if [[ "$AUTO_DIR" == 1 ]]; then rm -rf "$DATA_DIR"; else log "server files kept in $DATA_DIR"; fi
    exit 1
}

if [[ ! -f "$DATA_DIR/data/PG_VERSION" ]]; then
    log "initdb in $DATA_DIR/data"
    as_pg "$BIN/initdb" -D "$DATA_DIR/data" -U "$ROLE" -A trust -E UTF8 --no-locale >"$DATA_DIR/initdb.log" 2>&1 \
        || { cat "$DATA_DIR/initdb.log" >&2; fail "initdb failed"; }
fi

START=$SECONDS
log "starting PostgreSQL ($BIN) on 127.0.0.1:$PORT, dir $DATA_DIR"
# The socket lives in the cluster's own directory: no need for /var/run/postgresql.
as_pg "$BIN/pg_ctl" start -D "$DATA_DIR/data" -l "$LOGFILE" -w -t "$TIMEOUT" \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA_DIR ${SOHOA_PG_OPTS:-}" >/dev/null \
    || fail "pg_ctl could not start the server"
for _ in $(seq 1 "$TIMEOUT"); do ready && break; sleep 1; done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d postgres -t 5 || fail "the server does not answer on port $PORT"
if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" \
        | grep -q 1; then
    "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$ROLE" "$DB" || fail "createdb $DB failed"
fi

cat >"$INFOFILE" <<INFO
SOHOA_PG_URL=$URL
SOHOA_PG_DIR=$DATA_DIR
SOHOA_PG_AUTO_DIR=$AUTO_DIR
SOHOA_PG_BIN=$BIN
INFO
log "PostgreSQL up in $((SECONDS - START))s (log $LOGFILE)"
echo "$URL"

#!/usr/bin/env bash
# Stop the server started by start.sh on PORT (default $SOHOA_PG_PORT or 5433).
#
#   scripts/postgres/stop.sh [PORT]
#
# Stops it with pg_ctl (fast shutdown: open sessions are rolled back), and
# removes its directory when start.sh created it as a temp dir (a DATA_DIR
# given to start.sh is kept). Exits 0 when nothing was running.
set -euo pipefail

PORT="${1:-${SOHOA_PG_PORT:-5433}}"
PG_USER="${SOHOA_PG_USER:-sohoa-pg}"
STATE_DIR="${SOHOA_PG_STATE:-${TMPDIR:-/tmp}/sohoa-pg-$(id -u)}"
INFOFILE="$STATE_DIR/pg-$PORT.env"

log() { echo "stop.sh: $*" >&2; }

if [[ ! -f "$INFOFILE" ]]; then
    log "no server recorded for port $PORT ($INFOFILE missing); nothing to stop"
    exit 0
fi
DIR="$(sed -n 's/^SOHOA_PG_DIR=//p' "$INFOFILE")"
AUTO_DIR="$(sed -n 's/^SOHOA_PG_AUTO_DIR=//p' "$INFOFILE")"
BIN="$(sed -n 's/^SOHOA_PG_BIN=//p' "$INFOFILE")"
if [[ "$(id -u)" == 0 ]]; then as_pg() { runuser -u "$PG_USER" -- "$@"; }; else as_pg() { "$@"; }; fi

if [[ -n "$DIR" ]] && as_pg "$BIN/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1; then
    log "stopping PostgreSQL (port $PORT, $DIR)"
    as_pg "$BIN/pg_ctl" stop -D "$DIR/data" -m fast -w -t 30 >/dev/null \
        || as_pg "$BIN/pg_ctl" stop -D "$DIR/data" -m immediate -w -t 30 >/dev/null || true
else
    log "no server running in ${DIR:-?} (stale info file)"
fi
rm -f "$INFOFILE"
if [[ "$AUTO_DIR" == 1 && -n "$DIR" && -d "$DIR" ]]; then
    rm -rf "$DIR"
fi
log "stopped"

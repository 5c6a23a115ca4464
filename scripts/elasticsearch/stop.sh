#!/usr/bin/env bash
# Stop the node started by start.sh on PORT (default $SOHOA_ES_PORT or 9200).
#
#   scripts/elasticsearch/stop.sh [PORT]
#
# Sends SIGTERM, waits up to $SOHOA_ES_STOP_TIMEOUT seconds (default 30), then
# SIGKILL. Removes the node's directory when start.sh created it as a temp dir
# (a DATA_DIR given to start.sh is kept). Exits 0 when nothing was running.
set -euo pipefail

PORT="${1:-${SOHOA_ES_PORT:-9200}}"
STATE_DIR="${SOHOA_ES_STATE:-${TMPDIR:-/tmp}/sohoa-es-$(id -u)}"
PIDFILE="$STATE_DIR/es-$PORT.pid"
INFOFILE="$STATE_DIR/es-$PORT.env"
WAIT="${SOHOA_ES_STOP_TIMEOUT:-30}"

log() { echo "stop.sh: $*" >&2; }
is_es_pid() {
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null \
        && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'org.elasticsearch'
}

if [[ ! -f "$PIDFILE" ]]; then
    log "no node recorded for port $PORT ($PIDFILE missing); nothing to stop"
    exit 0
fi
PID="$(cat "$PIDFILE" 2>/dev/null || true)"
SOHOA_ES_DIR=""; SOHOA_ES_AUTO_DIR=0
if [[ -f "$INFOFILE" ]]; then
    SOHOA_ES_DIR="$(sed -n 's/^SOHOA_ES_DIR=//p' "$INFOFILE")"
    SOHOA_ES_AUTO_DIR="$(sed -n 's/^SOHOA_ES_AUTO_DIR=//p' "$INFOFILE")"
fi

if is_es_pid "$PID"; then
    log "stopping Elasticsearch (pid $PID, port $PORT)"
    kill -TERM "$PID" 2>/dev/null || true
    for ((i = 0; i < WAIT * 5; i++)); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$PID" 2>/dev/null; then
        log "still running after ${WAIT}s, sending SIGKILL"
        kill -KILL "$PID" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done
    fi
else
    log "pid ${PID:-?} is not a running Elasticsearch (stale pid file)"
fi

rm -f "$PIDFILE" "$INFOFILE"
if [[ "$SOHOA_ES_AUTO_DIR" == 1 && -n "$SOHOA_ES_DIR" && -d "$SOHOA_ES_DIR" ]]; then
    rm -rf "$SOHOA_ES_DIR"
fi
log "stopped"

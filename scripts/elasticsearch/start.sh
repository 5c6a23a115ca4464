#!/usr/bin/env bash
# Start a single-node Elasticsearch for tests/development, in the background.
#
#   scripts/elasticsearch/start.sh [PORT] [DATA_DIR]
#
# PORT      HTTP port on 127.0.0.1 (default $SOHOA_ES_PORT or 9200)
# DATA_DIR  directory for this node's config copy, data, logs and tmp
#           (default: a fresh temp dir, removed again by stop.sh)
#
# Prints the node URL (http://127.0.0.1:PORT) as the last line of stdout when
# the cluster is at least yellow. Exits non-zero (and prints the node log tail)
# when the node does not come up within $SOHOA_ES_TIMEOUT seconds (default 120).
# Running it again for the same port while the node is up just prints the URL.
#
# Elasticsearch refuses to run as root: when run as root the node runs as the
# system user $SOHOA_ES_USER (default sohoa-es), created if missing.
#
# Environment:
#   SOHOA_ES_VERSION    version to fetch (default: fetch.sh's default)
#   SOHOA_ES_HOME       use this unpacked distribution instead of fetch.sh
#   SOHOA_ES_CACHE      fetch.sh cache dir
#   SOHOA_ES_HEAP       JVM heap, -Xms = -Xmx (default 512m)
#   SOHOA_ES_TIMEOUT    seconds to wait for yellow (default 120)
#   SOHOA_ES_USER       unprivileged user when run as root (default sohoa-es)
#   SOHOA_ES_STATE      where pid/info files live (default ${TMPDIR:-/tmp}/sohoa-es-<uid>)
#   ES_JAVA_HOME        JDK to run the node (default: auto, Java 17+ for 8.x, 21+ for 9.x)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${1:-${SOHOA_ES_PORT:-9200}}"
DATA_DIR="${2:-}"
HEAP="${SOHOA_ES_HEAP:-512m}"
TIMEOUT="${SOHOA_ES_TIMEOUT:-120}"
ES_USER="${SOHOA_ES_USER:-sohoa-es}"
STATE_DIR="${SOHOA_ES_STATE:-${TMPDIR:-/tmp}/sohoa-es-$(id -u)}"
PIDFILE="$STATE_DIR/es-$PORT.pid"
INFOFILE="$STATE_DIR/es-$PORT.env"
URL="http://127.0.0.1:$PORT"

log() { echo "start.sh: $*" >&2; }
die() { log "$*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$PORT'"
command -v curl >/dev/null 2>&1 || die "curl is required"

health_ok() {
    curl -sf -m 10 "$URL/_cluster/health?wait_for_status=yellow&timeout=${1:-1s}" >/dev/null 2>&1
}
is_es_pid() {
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null \
        && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'org.elasticsearch'
}

mkdir -p "$STATE_DIR"

# --- already running? -------------------------------------------------------
if [[ -f "$PIDFILE" ]]; then
    OLD_PID="$(cat "$PIDFILE" 2>/dev/null || true)"
    if is_es_pid "$OLD_PID"; then
        if health_ok 30s; then
            log "node already running (pid $OLD_PID)"
            echo "$URL"
            exit 0
        fi
        die "node pid $OLD_PID is alive but $URL is not healthy; run stop.sh $PORT first"
    fi
    log "removing stale pid file $PIDFILE"
    rm -f "$PIDFILE" "$INFOFILE"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT is already in use by another process (not started by this script)"
fi

# --- distribution ----------------------------------------------------------------
if [[ -n "${SOHOA_ES_HOME:-}" ]]; then
    ES_HOME="$SOHOA_ES_HOME"
else
    ES_HOME="$("$SCRIPT_DIR/fetch.sh" | tail -n 1)"
fi
[[ -x "$ES_HOME/bin/elasticsearch" ]] || die "no Elasticsearch in '$ES_HOME'"
ES_JAR="$(ls "$ES_HOME"/lib/elasticsearch-[0-9]*.jar | head -n 1)"
VERSION="$(basename "$ES_JAR" .jar)"; VERSION="${VERSION#elasticsearch-}"
ES_MAJOR="${VERSION%%.*}"

# --- JDK -------------------------------------------------------------------------
java_major() {  # prints the major version of the JDK at $1
    local v
    v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = //p')"
    echo "${v%%.*}"
}
if [[ -z "${ES_JAVA_HOME:-}" ]]; then
    NEED=17; [[ "$ES_MAJOR" -ge 9 ]] && NEED=21
    CANDIDATES=("${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64
                /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*)
    if command -v java >/dev/null 2>&1; then
        CANDIDATES+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    for j in "${CANDIDATES[@]}"; do
        [[ -n "$j" && -x "$j/bin/java" ]] || continue
        m="$(java_major "$j")"
        if [[ -n "$m" && "$m" -ge "$NEED" ]]; then ES_JAVA_HOME="$j"; break; fi
    done
    [[ -n "${ES_JAVA_HOME:-}" ]] || die "no JDK >= $NEED found; set ES_JAVA_HOME"
fi

# --- user ------------------------------------------------------------------------
AS_ROOT=0
if [[ "$(id -u)" == 0 ]]; then
    AS_ROOT=1
    if ! id -u "$ES_USER" >/dev/null 2>&1; then
        log "creating system user $ES_USER"
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$ES_USER"
    fi
    as_es() { runuser -u "$ES_USER" -- "$@"; }
    # The cache usually sits under /root (mode 700): give the node user a
    # hard-linked (instant, no extra space) or copied mirror it can read.
    if ! as_es test -r "$ES_JAR"; then
        MIRROR_ROOT=/var/cache/sohoa-es
        MIRROR="$MIRROR_ROOT/elasticsearch-$VERSION"
        if [[ ! -f "$MIRROR/.sohoa-complete" ]]; then
            log "mirroring $ES_HOME to $MIRROR (readable by $ES_USER)"
            mkdir -p "$MIRROR_ROOT"; chmod 755 "$MIRROR_ROOT"
            rm -rf "$MIRROR.tmp"
            cp -al "$ES_HOME" "$MIRROR.tmp" 2>/dev/null || { rm -rf "$MIRROR.tmp"; cp -a "$ES_HOME" "$MIRROR.tmp"; }
            chmod -R a+rX "$MIRROR.tmp"
            rm -rf "$MIRROR"; mv "$MIRROR.tmp" "$MIRROR"
            touch "$MIRROR/.sohoa-complete"
        fi
        ES_HOME="$MIRROR"
    fi
    as_es test -x "$ES_JAVA_HOME/bin/java" || die "$ES_USER cannot run $ES_JAVA_HOME/bin/java"
else
    as_es() { "$@"; }
fi

# --- per-node directory --------------------------------------------------------------
AUTO_DIR=0
if [[ -z "$DATA_DIR" ]]; then
    DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sohoa-es-$PORT.XXXXXX")"
    AUTO_DIR=1
fi
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
mkdir -p "$DATA_DIR/data" "$DATA_DIR/logs" "$DATA_DIR/tmp"
# Fresh copy of the config every start (the node writes its keystore there).
rm -rf "$DATA_DIR/config"
cp -r "$ES_HOME/config" "$DATA_DIR/config"
rm -f "$DATA_DIR/es.pid"
if [[ "$AS_ROOT" == 1 ]]; then
    chmod 755 "$DATA_DIR"
    chown -R "$ES_USER" "$DATA_DIR"
    as_es test -w "$DATA_DIR/data" \
        || die "$ES_USER cannot write to $DATA_DIR (is a parent directory private, e.g. /root?)"
fi
NODE_LOG="$DATA_DIR/logs/sohoa-test.log"

# --- launch ----------------------------------------------------------------------
log "starting Elasticsearch $VERSION on $URL (java: $ES_JAVA_HOME, dir: $DATA_DIR)"
cd "$DATA_DIR/logs"   # gc.log / hs_err files land in the cwd
as_es env \
    ES_JAVA_HOME="$ES_JAVA_HOME" \
    ES_PATH_CONF="$DATA_DIR/config" \
    ES_TMPDIR="$DATA_DIR/tmp" \
    ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -XX:-HeapDumpOnOutOfMemoryError ${SOHOA_ES_JAVA_OPTS:-}" \
    setsid "$ES_HOME/bin/elasticsearch" -d -p "$DATA_DIR/es.pid" \
        -E cluster.name=sohoa-test \
        -E node.name="sohoa-test-$PORT" \
        -E discovery.type=single-node \
        -E network.host=127.0.0.1 \
        -E http.port="$PORT" \
        -E path.data="$DATA_DIR/data" \
        -E path.logs="$DATA_DIR/logs" \
        -E xpack.security.enabled=false \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        -E action.destructive_requires_name=false \
    </dev/null >"$DATA_DIR/logs/console.log" 2>&1 &
CLI_PID=$!

show_logs() {
    log "---- $DATA_DIR/logs/console.log (tail) ----"
    tail -n 40 "$DATA_DIR/logs/console.log" >&2 2>/dev/null || true
    log "---- $NODE_LOG (tail) ----"
    tail -n 60 "$NODE_LOG" >&2 2>/dev/null || true
}
fail() {
    log "$*"
    show_logs
    local p; p="$(cat "$DATA_DIR/es.pid" 2>/dev/null || true)"
    if is_es_pid "$p"; then kill "$p" 2>/dev/null || true; fi
    kill "$CLI_PID" 2>/dev/null || true
    if [[ "$AUTO_DIR" == 1 ]]; then
        sleep 1; rm -rf "$DATA_DIR"
    else
        log "node files kept in $DATA_DIR"
    fi
    exit 1
}

START=$SECONDS
CLI_DONE=0
while true; do
    if health_ok 2s; then break; fi
    if [[ "$CLI_DONE" == 0 ]] && ! kill -0 "$CLI_PID" 2>/dev/null; then
        CLI_DONE=1
        set +e; wait "$CLI_PID"; RC=$?; set -e
        [[ "$RC" == 0 ]] || fail "elasticsearch exited with status $RC before becoming ready"
    fi
    if [[ "$CLI_DONE" == 1 ]]; then
        NODE_PID="$(cat "$DATA_DIR/es.pid" 2>/dev/null || true)"
        is_es_pid "$NODE_PID" || fail "the node process is gone"
    fi
    (( SECONDS - START < TIMEOUT )) || fail "no yellow cluster health on $URL after ${TIMEOUT}s"
    sleep 1
done
# The CLI (with -d) exits once the node is ready; wait for it and the pid file.
for _ in $(seq 1 30); do
    [[ -s "$DATA_DIR/es.pid" ]] && break
    sleep 1
done
NODE_PID="$(cat "$DATA_DIR/es.pid" 2>/dev/null || true)"
is_es_pid "$NODE_PID" || fail "node is answering but its pid file $DATA_DIR/es.pid is missing"

echo "$NODE_PID" >"$PIDFILE"
cat >"$INFOFILE" <<EOF
SOHOA_ES_URL=$URL
SOHOA_ES_PID=$NODE_PID
SOHOA_ES_DIR=$DATA_DIR
SOHOA_ES_AUTO_DIR=$AUTO_DIR
SOHOA_ES_VERSION=$VERSION
EOF
log "Elasticsearch $VERSION up in $((SECONDS - START))s (pid $NODE_PID, log $NODE_LOG)"
echo "$URL"

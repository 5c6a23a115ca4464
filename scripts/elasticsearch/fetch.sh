#!/usr/bin/env bash
# Fetch and unpack the Elasticsearch test distribution from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip).
#
# Idempotent: when the unpacked distribution is already in the cache this only
# prints its path. Prints the ES home directory as the LAST line of stdout
# (all progress goes to stderr), so callers can do:
#     ES_HOME="$(scripts/elasticsearch/fetch.sh)"
#
# Environment:
#   SOHOA_ES_VERSION   Elasticsearch version (default 8.19.21)
#   SOHOA_ES_CACHE     cache dir (default $HOME/.cache/sohoa/elasticsearch)
#   MVN                maven command (default mvn)
set -euo pipefail

VERSION="${SOHOA_ES_VERSION:-8.19.21}"
CACHE="${SOHOA_ES_CACHE:-$HOME/.cache/sohoa/elasticsearch}"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${VERSION}:zip"

ES_HOME="$CACHE/elasticsearch-$VERSION"
MARKER="$ES_HOME/.sohoa-complete"

if [[ -f "$MARKER" ]]; then
    echo "$ES_HOME"
    exit 0
fi

# shellcheck source=../lib/maven_fetch.sh
source "$(dirname "$0")/../lib/maven_fetch.sh"
cache_lock "$CACHE" "$VERSION"
if [[ -f "$MARKER" ]]; then
    echo "$ES_HOME"
    exit 0
fi
if ! command -v unzip >/dev/null 2>&1; then
    echo "fetch.sh: 'unzip' is required (apt-get install unzip)" >&2
    exit 1
fi

WORK="$(mktemp -d "$CACHE/.fetch-$VERSION.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
maven_copy "$ARTIFACT" "$WORK" "elasticsearch-$VERSION.zip"
ZIP="$WORK/elasticsearch-$VERSION.zip"

echo "fetch.sh: unpacking ..." >&2
unzip -q "$ZIP" -d "$WORK/unpacked"
if [[ ! -x "$WORK/unpacked/elasticsearch-$VERSION/bin/elasticsearch" ]]; then
    echo "fetch.sh: unexpected zip layout" >&2
    ls -la "$WORK/unpacked" >&2
    exit 1
fi
# World-readable so an unprivileged node user can use a copy of it.
chmod -R a+rX "$WORK/unpacked/elasticsearch-$VERSION"
rm -rf "$ES_HOME"
mv "$WORK/unpacked/elasticsearch-$VERSION" "$ES_HOME"
touch "$MARKER"
echo "fetch.sh: Elasticsearch $VERSION ready in $ES_HOME" >&2
echo "$ES_HOME"

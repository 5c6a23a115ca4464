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
MVN="${MVN:-mvn}"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${VERSION}:zip"

ES_HOME="$CACHE/elasticsearch-$VERSION"
MARKER="$ES_HOME/.sohoa-complete"

if [[ -f "$MARKER" ]]; then
    echo "$ES_HOME"
    exit 0
fi

mkdir -p "$CACHE"
# Serialize concurrent fetches (e.g. parallel test sessions).
exec 9>"$CACHE/.fetch-$VERSION.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi
if [[ -f "$MARKER" ]]; then
    echo "$ES_HOME"
    exit 0
fi

for tool in "$MVN" unzip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fetch.sh: '$tool' is required (apt-get install maven unzip)" >&2
        exit 1
    fi
done

WORK="$(mktemp -d "$CACHE/.fetch-$VERSION.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "fetch.sh: downloading $ARTIFACT from Maven Central ..." >&2
# -B: batch mode, no colours; -q keeps the output small. The zip also lands
# in the local Maven repository (~/.m2), so a second fetch works offline.
if ! "$MVN" -B -Dstyle.color=never "$DEP_PLUGIN:copy" \
        -Dartifact="$ARTIFACT" \
        -DoutputDirectory="$WORK" \
        -Dmdep.overWriteReleases=false >"$WORK/mvn.log" 2>&1; then
    tail -n 40 "$WORK/mvn.log" >&2
    echo "fetch.sh: maven could not fetch $ARTIFACT" >&2
    exit 1
fi

ZIP="$WORK/elasticsearch-$VERSION.zip"
if [[ ! -f "$ZIP" ]]; then
    echo "fetch.sh: expected $ZIP after mvn dependency:copy" >&2
    ls -la "$WORK" >&2
    exit 1
fi

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

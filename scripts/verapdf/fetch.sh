#!/usr/bin/env bash
# Fetch the veraPDF validator (the PDF Association's reference PDF/A checker)
# from Maven Central (org.verapdf.apps:greenfield-apps:<version>, one jar with
# all its dependencies inside). The tests run it on the record PDFs to check
# they are PDF/A-2b:
#     java -cp "$JAR" org.verapdf.apps.GreenfieldCliWrapper -f 2b FILE.pdf
#
# Idempotent: when the jar is already in the cache this only prints its path.
# Prints the jar's path as the LAST line of stdout (all progress goes to
# stderr), so callers can do:
#     JAR="$(scripts/verapdf/fetch.sh | tail -n 1)"
#
# Environment:
#   SOHOA_VERAPDF_VERSION   veraPDF version (default 1.28.2)
#   SOHOA_VERAPDF_CACHE     cache dir (default $HOME/.cache/sohoa/verapdf)
#   MVN                     maven command (default mvn)
set -euo pipefail

VERSION="${SOHOA_VERAPDF_VERSION:-1.28.2}"
CACHE="${SOHOA_VERAPDF_CACHE:-$HOME/.cache/sohoa/verapdf}"
MVN="${MVN:-mvn}"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
ARTIFACT="org.verapdf.apps:greenfield-apps:${VERSION}:jar"

JAR="$CACHE/greenfield-apps-$VERSION.jar"

if [[ -f "$JAR" ]]; then
    echo "$JAR"
    exit 0
fi

mkdir -p "$CACHE"
# Serialize concurrent fetches (e.g. parallel test sessions).
exec 9>"$CACHE/.fetch-$VERSION.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi
if [[ -f "$JAR" ]]; then
    echo "$JAR"
    exit 0
fi

if ! command -v "$MVN" >/dev/null 2>&1; then
    echo "fetch.sh: '$MVN' is required (apt-get install maven)" >&2
    exit 1
fi

WORK="$(mktemp -d "$CACHE/.fetch-$VERSION.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "fetch.sh: downloading $ARTIFACT from Maven Central ..." >&2
# -B: batch mode, no colours. The jar also lands in the local Maven
# repository (~/.m2), so a second fetch works offline.
if ! "$MVN" -B -Dstyle.color=never "$DEP_PLUGIN:copy" \
        -Dartifact="$ARTIFACT" \
        -DoutputDirectory="$WORK" \
        -Dmdep.overWriteReleases=false >"$WORK/mvn.log" 2>&1; then
    tail -n 40 "$WORK/mvn.log" >&2
    echo "fetch.sh: maven could not fetch $ARTIFACT" >&2
    exit 1
fi

if [[ ! -f "$WORK/greenfield-apps-$VERSION.jar" ]]; then
    echo "fetch.sh: expected greenfield-apps-$VERSION.jar after mvn dependency:copy" >&2
    ls -la "$WORK" >&2
    exit 1
fi
# The rename is the completion marker: a jar in the cache is a whole one.
chmod a+r "$WORK/greenfield-apps-$VERSION.jar"
mv "$WORK/greenfield-apps-$VERSION.jar" "$JAR"
echo "fetch.sh: veraPDF $VERSION ready in $JAR" >&2
echo "$JAR"

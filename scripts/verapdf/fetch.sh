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
ARTIFACT="org.verapdf.apps:greenfield-apps:${VERSION}:jar"

JAR="$CACHE/greenfield-apps-$VERSION.jar"

if [[ -f "$JAR" ]]; then
    echo "$JAR"
    exit 0
fi

# shellcheck source=../lib/maven_fetch.sh
source "$(dirname "$0")/../lib/maven_fetch.sh"
cache_lock "$CACHE" "$VERSION"
if [[ -f "$JAR" ]]; then
    echo "$JAR"
    exit 0
fi

WORK="$(mktemp -d "$CACHE/.fetch-$VERSION.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
maven_copy "$ARTIFACT" "$WORK" "greenfield-apps-$VERSION.jar"
# The rename is the completion marker: a jar in the cache is a whole one.
chmod a+r "$WORK/greenfield-apps-$VERSION.jar"
mv "$WORK/greenfield-apps-$VERSION.jar" "$JAR"
echo "fetch.sh: veraPDF $VERSION ready in $JAR" >&2
echo "$JAR"

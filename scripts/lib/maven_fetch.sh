# Shared by the fetch scripts (scripts/elasticsearch/fetch.sh, scripts/verapdf/fetch.sh): a lock
# on the cache, and one artifact copied from Maven Central. Source it; progress goes to stderr.

# cache_lock CACHE NAME: wait for any other fetch of NAME into CACHE (parallel test sessions).
cache_lock() {
    mkdir -p "$1"
    exec 9>"$1/.fetch-$2.lock"
    if command -v flock >/dev/null 2>&1; then
        flock 9
    fi
}

# maven_copy ARTIFACT DIR FILE: copy ARTIFACT (group:artifact:version:type) into DIR with Maven's
# dependency plugin, and fail (with the end of Maven's log) unless DIR/FILE is then there. The
# artifact also lands in the local Maven repository (~/.m2), so a second fetch works offline.
maven_copy() {
    local artifact="$1" dir="$2" file="$3" mvn="${MVN:-mvn}"
    if ! command -v "$mvn" >/dev/null 2>&1; then
        echo "fetch.sh: '$mvn' is required (apt-get install maven)" >&2
        return 1
    fi
    echo "fetch.sh: downloading $artifact from Maven Central ..." >&2
    # -B: batch mode, no colours.
    if ! "$mvn" -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
            -Dartifact="$artifact" -DoutputDirectory="$dir" -Dmdep.overWriteReleases=false \
            >"$dir/mvn.log" 2>&1; then
        tail -n 40 "$dir/mvn.log" >&2
        echo "fetch.sh: maven could not fetch $artifact" >&2
        return 1
    fi
    if [[ ! -f "$dir/$file" ]]; then
        echo "fetch.sh: expected $file after mvn dependency:copy" >&2
        ls -la "$dir" >&2
        return 1
    fi
}

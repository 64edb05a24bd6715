#!/usr/bin/env bash
# metrics-server-cost.sh - what serving Prometheus metrics costs an idle server, in resident memory and threads, for
# the two HTTP servers that issue 8 weighed: the JDK's own (what bundles/metrics-prometheus uses, --metrics) and the
# OSGi HTTP Whiteboard on Felix's Jetty (org.apache.felix.http.jetty with its servlet API, from Maven Central, added
# to bundle/ and serving nothing yet). Each: `serve` in a namespace of the demo topology, 20 s after it serves
# (the metrics endpoint scraped once a second meanwhile), VmRSS and Threads of its JVM. Removes everything after.
#
#   sudo ROUNDS=3 bench/metrics-server-cost.sh [--dist DIR]
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
JETTY=org.apache.felix:org.apache.felix.http.jetty:5.1.26
SERVLET_API=org.apache.felix:org.apache.felix.http.servlet-api:2.1.0
ROUNDS=${ROUNDS:-3}
PREFIX=npmc$$
PREFIX=${PREFIX:0:10}
DIST=""
SCRATCH=""
PID=""

die() { echo "metrics-server-cost: $*" >&2; exit 1; }

cleanup() {
    set +e
    [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    [[ -n $SCRATCH ]] && "$REPO/scripts/netns-topology.sh" down "$PREFIX" && rm -rf "$SCRATCH"
}

get() { ip netns exec "$PREFIX-srv" bash -c 'exec 3<>/dev/tcp/127.0.0.1/$0 && printf "GET %s HTTP/1.0\r\n\r\n" "$1" >&3 && cat <&3' "$@"; }

# NAME DIST [serve options]: prints "NAME RSS_KIB THREADS"
measure() {
    local name=$1 dist=$2 java="" pid i
    shift 2
    NETPROXY_RUN_DIR=$SCRATCH/run-$name NETPROXY_STATE_DIR=$SCRATCH/state-$name ip netns exec "$PREFIX-srv" \
        "$dist/bin/netproxy" serve --password-file "$SCRATCH/password" --pool 198.18.0.0/24 "$@" >"$SCRATCH/$name.log" 2>&1 &
    PID=$!
    for ((i = 0; i < 300; i++)); do grep -q "serving tunnel" "$SCRATCH/$name.log" && break; sleep 0.1; done
    for pid in $(ip netns pids "$PREFIX-srv"); do
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q io.netproxy.launcher.Main && java=$pid
    done
    [[ -n $java ]] || die "$name: the server did not start: $(tail -5 "$SCRATCH/$name.log")"
    local port=""
    case $name in metrics) port=9586 ;; jetty) port=8080 ;; esac
    for ((i = 0; i < 20; i++)); do
        [[ -n $port ]] && { get "$port" /metrics >/dev/null 2>&1 || true; }
        sleep 1
    done
    # the server measured is up: /metrics answers 200, Jetty answers at all (it has nothing to serve)
    if [[ -n $port ]] && ! get "$port" /metrics 2>/dev/null | head -1 | grep -q "^HTTP/1.1 "; then
        die "$name: nothing answers on port $port: $(tail -5 "$SCRATCH/$name.log")"
    fi
    echo "$name $(awk '/^VmRSS:/ { print $2 }' "/proc/$java/status") $(awk '/^Threads:/ { print $2 }' "/proc/$java/status")"
    kill "$PID"
    wait "$PID" || true
    PID=""
}

main() {
    [[ ${1:-} == --dist ]] && DIST=${2:?--dist needs a directory}
    [[ $EUID -eq 0 ]] || die "must run as root (it creates network namespaces): sudo $0"
    if [[ -z $DIST ]]; then
        DIST=$(ls -d "$REPO"/distribution/target/netproxy-*/netproxy-* 2>/dev/null | head -1)
        [[ -n $DIST ]] || die "no distribution under distribution/target: build one with 'mvn -q package', or pass --dist"
    fi
    trap cleanup EXIT
    SCRATCH=$(mktemp -d /tmp/netproxy-metrics-cost.XXXXXX)
    head -c 24 /dev/urandom | base64 >"$SCRATCH/password"
    cp -a "$DIST" "$SCRATCH/plain"
    cp -a "$DIST" "$SCRATCH/jetty"
    local artifact group name version jar
    for artifact in "$JETTY" "$SERVLET_API"; do
        IFS=: read -r group name version <<<"$artifact"
        jar=$HOME/.m2/repository/${group//.//}/$name/$version/$name-$version.jar
        if [[ -f $jar ]]; then
            cp "$jar" "$SCRATCH/jetty/bundle/"
        else
            mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$SCRATCH/jetty/bundle" >/dev/null ||
                die "cannot fetch $artifact with mvn"
        fi
    done
    "$REPO/scripts/netns-topology.sh" up "$PREFIX"
    local round results=()
    for ((round = 1; round <= ROUNDS; round++)); do
        results+=("$(measure plain "$SCRATCH/plain")")
        results+=("$(measure metrics "$SCRATCH/plain" --metrics 127.0.0.1:9586)")
        results+=("$(measure jetty "$SCRATCH/jetty")")
    done
    echo "| server, idle ($ROUNDS rounds, distribution $DIST) | resident memory (MiB) | threads |"
    echo "|---|---|---|"
    local name
    for name in plain metrics jetty; do
        printf '%s\n' "${results[@]}" | awk -v n="$name" '$1 == n { rss = rss sep sprintf("%.1f", $2 / 1024); th = th sep $3; sep = ", " }
            END { label = n == "plain" ? "without metrics" : n == "metrics" ? "--metrics (JDK HTTP server), scraped once a second" : "Felix HTTP Jetty 5.1.26 + servlet API, nothing registered"
                  printf "| %s | %s | %s |\n", label, rss, th }'
    done
}

main "$@"

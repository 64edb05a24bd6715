#!/usr/bin/env bash
# handshakes.sh - how many handshakes a netproxy server completes per second on one core. A server runs pinned to one
# CPU in the demo topology's server namespace (scripts/netns-topology.sh, namespaces of its own); bench/HandshakeLoad.java
# runs pinned to another CPU in a client namespace and keeps many handshakes in flight for a fixed time. Each phase
# starts a fresh server:
#
#   limited   password mode with the engine's default rate limit (one source address, as the generator has)
#   password  password mode with the limit raised in etc/io.netproxy.engine.cfg (the server's own capacity)
#   key       key mode (--key, one --peer per simulated client) with the limit raised
#   flood     the key phase while scripts/SpoofFlood.java sends FLOOD_RATE initiations/s (valid mac1, no mac2) from
#             4096 spoofed sources of 198.19.0.0/20 in another client namespace, on the generator's CPU; the router
#             blackholes the replies to them. The server goes under load and answers the flood with cookie replies
#
#   sudo bench/handshakes.sh                               # all three phases, 3 s warm-up + 10 s each
#   sudo DURATION=3 WARMUP=1 bench/handshakes.sh password  # a quick look
#
# Knobs: DURATION, WARMUP (seconds), CLIENTS (simulated clients = handshakes in flight, 128), FLOOD_RATE (20000), SERVER_CPU (0),
# LOAD_CPU (1), LOAD_JAVA (the generator's JDK; java on the PATH), NETPROXY_JAVA (the server's), --dist DIR.
# Prints a markdown report and writes it to bench/results/netproxy-handshakes-<stamp>.md.
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=bench/demo-network.sh
source "$REPO/bench/demo-network.sh"
OUT=${NETPROXY_BENCH_OUT:-$REPO/bench/results}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CLIENTS=${CLIENTS:-128}
FLOOD_RATE=${FLOOD_RATE:-20000}
FLOOD_PID=""
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
LOAD_JAVA=${LOAD_JAVA:-java}
PREFIX=nphs$$
PREFIX=${PREFIX:0:10}
SERVER=198.51.100.10
PORT=6767
# a pool far larger than the simulated clients: each keeps its lease across its handshakes, none runs out
POOL=198.18.0.0/16
# the rate limiter's ceilings (EngineConfiguration): one source address may then send far more than one core answers
RAISED_RATE=10000
RAISED_BURST=100000
DIST=""
SCRATCH=""
SERVER_PID=""
SERVER_JDK="?"

log() { printf '[%s] handshakes: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    stop_flood
    stop_server
    # ends the generator and whatever else still runs in the namespaces by pid
    demo_network_down
    [[ -n $SCRATCH ]] && rm -rf "$SCRATCH"
    exit "$rc"
}

stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i=0
    while kill -0 "$SERVER_PID" 2>/dev/null && ((i++ < 200)); do sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

stop_flood() {
    [[ -n $FLOOD_PID ]] || return 0
    kill -TERM "$FLOOD_PID" 2>/dev/null || true
    wait "$FLOOD_PID" 2>/dev/null || true
    FLOOD_PID=""
}

# start_flood: spoofed initiations from c2 until stop_flood (the generator first spends seconds building initiations)
start_flood() {
    # the router drops what goes back to the spoofed sources and does not filter them by reverse path
    ns rtr ip route replace blackhole 198.19.0.0/16
    ns rtr sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.c2.rp_filter=0
    local classpath
    classpath=$(ls "$SCRATCH"/dist/bundle/{jna,bcprov}-*.jar | paste -sd: -)
    ip netns exec "$PREFIX-c2" taskset -c "$LOAD_CPU" "$LOAD_JAVA" -cp "$classpath" "$REPO/scripts/SpoofFlood.java" \
        --server "$SERVER:$PORT" --server-key "$(cat "$SCRATCH/server.pub")" --sources 198.19.0.0/20 \
        --rate "$FLOOD_RATE" --seconds $((WARMUP + DURATION + 120)) >"$SCRATCH/flood.log" 2>&1 &
    FLOOD_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do
        grep -q flooding "$SCRATCH/flood.log" && return 0
        kill -0 "$FLOOD_PID" 2>/dev/null || die "the flooder exited: $(tail -5 "$SCRATCH/flood.log")"
        sleep 0.1
    done
    die "the flooder did not start in 30 s"
}

# start_server PHASE: a fresh server in srv on SERVER_CPU; the phase picks the credentials and the engine's limits
start_server() {
    local phase=$1 args=(serve --bind "$SERVER" --port "$PORT" --pool "$POOL")
    if [[ $phase == key || $phase == flood ]]; then
        args+=(--key "$SCRATCH/server.key")
        local peer
        while read -r peer; do args+=(--peer "$peer"); done <"$SCRATCH/clients.pub"
    else
        args+=(--password-file "$SCRATCH/password")
    fi
    if [[ $phase == limited ]]; then
        rm -f "$SCRATCH/dist/etc/io.netproxy.engine.cfg"
    else
        printf 'handshakesPerSecond = %s\nhandshakeBurst = %s\n' "$RAISED_RATE" "$RAISED_BURST" \
            >"$SCRATCH/dist/etc/io.netproxy.engine.cfg"
    fi
    # ip netns exec, taskset and bin/netproxy all exec (not a shell function, which would fork): the pid of this job is the server's JVM
    ip netns exec "$PREFIX-srv" taskset -c "$SERVER_CPU" "$SCRATCH/dist/bin/netproxy" "${args[@]}" \
        >"$SCRATCH/server-$phase.log" 2>&1 &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 600; i++)); do
        grep -q "serving on" "$SCRATCH/server-$phase.log" && break
        kill -0 "$SERVER_PID" 2>/dev/null || die "the $phase server exited: $(tail -5 "$SCRATCH/server-$phase.log")"
        sleep 0.1
    done
    grep -q "serving on" "$SCRATCH/server-$phase.log" || die "the $phase server did not start in 60 s"
    tr '\0' ' ' <"/proc/$SERVER_PID/cmdline" | grep -q "io.netproxy.launcher.Main" || die "pid $SERVER_PID is not the server's JVM"
    SERVER_JDK=$(awk -F'"' '/^JAVA_VERSION=/ { print $2 }' "$(dirname "$(dirname "$(readlink -f "/proc/$SERVER_PID/exe")")")/release" 2>/dev/null || echo '?')
}

load() { ns c1 taskset -c "$LOAD_CPU" "$LOAD_JAVA" -cp "$CLASSPATH_LOAD" "$REPO/bench/HandshakeLoad.java" "$@"; }

# run_phase PHASE: one server, one load run; appends a row to $SCRATCH/rows
run_phase() {
    local phase=$1 credentials
    if [[ $phase == key || $phase == flood ]]; then
        credentials=(--server-key "$(cat "$SCRATCH/server.pub")" --client-keys "$SCRATCH/clients.key")
    else
        credentials=(--password-file "$SCRATCH/password")
    fi
    start_server "$phase"
    [[ $phase == flood ]] && start_flood
    log "$phase: server pid $SERVER_PID on CPU $SERVER_CPU; $CLIENTS clients in flight, ${WARMUP} s warm-up, ${DURATION} s measured"
    load run --server "$SERVER:$PORT" "${credentials[@]}" --clients "$CLIENTS" --warmup "$WARMUP" \
        --duration "$DURATION" --server-pid "$SERVER_PID" >"$SCRATCH/$phase.result" 2>"$SCRATCH/$phase.err" ||
        die "the load generator failed: $(tail -5 "$SCRATCH/$phase.err")"
    cat "$SCRATCH/$phase.err" >&2
    # the server's drop counters (only those above zero are listed), e.g. rate-limited:120,overload:3
    local drops="?"
    if ns srv "$SCRATCH/dist/bin/netproxy" status --json >"$SCRATCH/$phase.status" 2>&1; then
        drops=$(tr -d '\n' <"$SCRATCH/$phase.status" | grep -o '"drops": *{[^}]*}' | sed 's/"drops": *//; s/[{}" ]//g' | head -1) || true
        drops=${drops:-none}
    fi
    stop_server
    stop_flood
    # seconds=.. completed=.. rate=.. ...: one line of key=value
    local -A r
    local pair
    for pair in $(cat "$SCRATCH/$phase.result"); do r[${pair%%=*}]=${pair#*=}; done
    local limits="raised ($RAISED_RATE/s, burst $RAISED_BURST per source)"
    [[ $phase == limited ]] && limits="default (20/s, burst 40 per source)"
    local mode=password
    [[ $phase == key ]] && mode=key
    [[ $phase == flood ]] && mode="key, under a flood of $FLOOD_RATE spoofed initiations/s"
    local note=""
    [[ ${r[exhausted]} == true ]] && note=" (initiations ran out early)"
    printf '| %s | %s | %s%s | %s | %s | %s / %s / %s | %s | %s | %s |\n' \
        "$mode" "$limits" "${r[rate]}" "$note" "${r[unanswered_rate]}" \
        "${r[invalid]}" \
        "${r[p50_ms]}" "${r[p99_ms]}" "${r[max_ms]}" "${r[server_cpu_ms_per_handshake]}" "${r[server_core_busy]}" \
        "$drops" >>"$SCRATCH/rows"
}

main() {
    local phases=()
    while (($#)); do
        case $1 in
            --dist) DIST=${2:?--dist needs a directory}; shift 2 ;;
            limited | password | key | flood) phases+=("$1"); shift ;;
            -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
            *) die "unknown argument $1" ;;
        esac
    done
    ((${#phases[@]})) || phases=(limited password key flood)
    [[ $EUID -eq 0 ]] || die "must run as root (it creates network namespaces): sudo $0"
    require_dist
    local tool
    for tool in ip taskset getconf "$LOAD_JAVA"; do
        command -v "$tool" >/dev/null || die "$tool is missing: apt-get install iproute2 util-linux libc-bin openjdk-17-jdk-headless"
    done
    (($(nproc) >= 2)) || die "needs two CPUs: one for the server, one for the load generator"
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    SCRATCH=$(mktemp -d /tmp/netproxy-handshakes.XXXXXX)
    # a private copy of the distribution, so the engine's configuration of etc/ is the bench's alone
    cp -a "$DIST" "$SCRATCH/dist"
    CLASSPATH_LOAD=$(ls "$SCRATCH"/dist/bundle/{engine,api,bcprov}-*.jar | paste -sd: -)
    head -c 24 /dev/urandom | base64 >"$SCRATCH/password"
    demo_network_up
    if [[ " ${phases[*]} " == *" key "* || " ${phases[*]} " == *" flood "* ]]; then
        load keys "$SCRATCH/server.key" 1 >"$SCRATCH/server.pub"
        load keys "$SCRATCH/clients.key" "$CLIENTS" >"$SCRATCH/clients.pub"
    fi

    local phase
    for phase in "${phases[@]}"; do run_phase "$phase"; done

    local stamp report
    stamp=$(date +%Y%m%d-%H%M%S)
    report=$(
        echo "# netproxy handshake rate, $(date '+%Y-%m-%d %H:%M:%S %Z')"
        echo
        echo "- command: \`$0 ${phases[*]}\` (DURATION=$DURATION WARMUP=$WARMUP CLIENTS=$CLIENTS), distribution \`$DIST\`, commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "- server: \`serve --bind $SERVER --pool $POOL\` in its namespace under \`taskset -c $SERVER_CPU\` (the whole JVM on one CPU), JDK $SERVER_JDK; generator: bench/HandshakeLoad.java (JDK $("$LOAD_JAVA" -version 2>&1 | awk -F'"' 'NR == 1 { print $2 }')) under \`taskset -c $LOAD_CPU\` in a client namespace, one source address, $CLIENTS handshakes in flight, initiations built before and responses checked after the run"
        echo "- server CPU is utime + stime of the JVM (all threads) over the measured window; 'core busy' near 1.00 means the server was the limit"
        echo
        echo "| mode | rate limit | handshakes/s | unanswered/s | responses that failed the check | latency p50 / p99 / max ms | server CPU ms per handshake | server core busy | server drops |"
        echo "|---|---|---|---|---|---|---|---|---|"
        cat "$SCRATCH/rows"
    )
    echo "$report"
    (umask 022 && mkdir -p "$OUT" && echo "$report" >"$OUT/netproxy-handshakes-$stamp.md")
    log "written to $OUT/netproxy-handshakes-$stamp.md"
}

main "$@"

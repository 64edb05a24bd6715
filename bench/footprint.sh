#!/usr/bin/env bash
# footprint.sh - what a netproxy instance costs besides throughput, measured the way a newcomer runs it: the time
# from launching `connect` to the first packet through the tunnel, and the resident memory and threads of the server
# and the client, idle and during a transfer. Runs on the demo topology (scripts/netns-topology.sh), in namespaces of
# its own, with the default directories, and removes everything afterwards.
#
#   sudo bench/footprint.sh                      # 5 connects, the built distribution
#   sudo ROUNDS=9 bench/footprint.sh --dist DIR --tun-backend linux-offload
#   sudo bench/footprint.sh --metrics            # both ends serve Prometheus metrics, scraped once a second
#
# Prints a markdown report and writes it to bench/results/netproxy-footprint-<stamp>.md.
set -euo pipefail
umask 077

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=bench/demo-network.sh
source "$REPO/bench/demo-network.sh"
OUT=${NETPROXY_BENCH_OUT:-$REPO/bench/results}
ROUNDS=${ROUNDS:-5}
TRANSFER_SECONDS=${TRANSFER_SECONDS:-10}
PREFIX=npfp$$
PREFIX=${PREFIX:0:10}
SERVER=198.51.100.10
INTERNET=203.0.113.10
# the server's own tunnel address: reachable through the tunnel only, so a reply proves the tunnel carries packets
SERVER_TUNNEL=198.18.0.1
DIST=""
EXTRA=()
SCRATCH=""
SERVER_PID=""
IPERF_PID=""
METRICS=false
SCRAPERS=()

log() { printf '[%s] footprint: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local pid
    for pid in "${SCRAPERS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    if [[ -n $SCRATCH ]]; then
        ns c1 "$DIST/bin/netproxy" disconnect >/dev/null 2>&1
        ns srv "$DIST/bin/netproxy" disconnect >/dev/null 2>&1
        # the server writes bin/netproxy's class data archive as it exits, when there was none: not killed meanwhile
        local i
        for ((i = 0; i < 300; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    # ends iperf3 and whatever else still runs in the namespaces by pid
    demo_network_down
    [[ -n $SCRATCH ]] && rm -rf "$SCRATCH"
    exit "$rc"
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Scrapes the metrics endpoint of a namespace's instance once a second, as Prometheus would, for at most 20 minutes.
scrape_loop() {
    local i
    for ((i = 0; i < 1200; i++)); do
        ns "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9586 && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
            >/dev/null 2>&1
        sleep 1
    done
}

# Seconds from launching connect until the first ping reply from the server's tunnel address.
connect_seconds() {
    local start end
    start=$(date +%s.%N)
    ns c1 "$DIST/bin/netproxy" connect "$SERVER" --password-file "$SCRATCH/password" -d "${EXTRA[@]}" \
        >"$SCRATCH/connect.log" 2>&1 &
    until ns c1 ping -c 1 -W 0.05 -n "$SERVER_TUNNEL" >/dev/null 2>&1; do
        (($(date +%s) - ${start%.*} < 30)) || die "no packet through the tunnel 30 s after connect: $(cat "$SCRATCH/connect.log")"
    done
    end=$(date +%s.%N)
    wait
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }'
}

main() {
    while (($#)); do
        case $1 in
            --dist) DIST=${2:?--dist needs a directory}; shift 2 ;;
            --tun-backend | --transport | --cipher) EXTRA+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
            --metrics) METRICS=true; EXTRA+=(--metrics 127.0.0.1:9586); shift ;;
            -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
            *) die "unknown argument $1" ;;
        esac
    done
    [[ $EUID -eq 0 ]] || die "must run as root (it creates network namespaces): sudo $0"
    require_dist
    local tool
    for tool in ip ping iperf3 awk; do
        command -v "$tool" >/dev/null || die "$tool is missing: apt-get install iproute2 iputils-ping iperf3 gawk"
    done
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    SCRATCH=$(mktemp -d /tmp/netproxy-footprint.XXXXXX)
    head -c 24 /dev/urandom | base64 >"$SCRATCH/password"

    demo_network_up
    ns net iperf3 -s -D -I "$SCRATCH/iperf.pid" >/dev/null
    ns srv "$DIST/bin/netproxy" serve --password-file "$SCRATCH/password" --pool 198.18.0.0/24 "${EXTRA[@]}" >"$SCRATCH/server.log" 2>&1 &
    SERVER_PID=$(await_server srv "$SCRATCH/server.log")
    if $METRICS; then
        scrape_loop srv &
        SCRAPERS+=($!)
        scrape_loop c1 &
        SCRAPERS+=($!)
    fi

    # bin/netproxy's class data archive (JDK 19+), which makes a start faster when it is there before it
    local archive
    archive=$(tr '\0' '\n' <"/proc/$SERVER_PID/cmdline" | sed -n 's/^-XX:SharedArchiveFile=//p')
    if [[ -z $archive ]]; then archive="none (JDK 18 or older, NETPROXY_CACHE_DIR empty, or another instance is making it)"
    elif [[ -f $archive ]]; then archive="\`$archive\`, there before the first connect"
    else archive="\`$archive\`, made only when the server exits, so not used here"; fi

    local times=() t client
    for ((i = 1; i <= ROUNDS; i++)); do
        t=$(connect_seconds)
        log "connect $i/$ROUNDS: first packet through the tunnel after $t s"
        times+=("$t")
        if ((i < ROUNDS)); then
            ns c1 "$DIST/bin/netproxy" disconnect >/dev/null
            # the next connect starts a JVM as a user's does: one that the exiting instance took up would take 0.95 s
            await_instance_gone c1
        fi
    done
    client=$(instance_pid c1) || die "no client instance"

    sleep 5
    local idle_server idle_client idle_server_threads idle_client_threads
    idle_server=$(rss_kib "$SERVER_PID") idle_client=$(rss_kib "$client")
    idle_server_threads=$(threads "$SERVER_PID") idle_client_threads=$(threads "$client")

    ns c1 iperf3 -c "$INTERNET" -t "$TRANSFER_SECONDS" -J >"$SCRATCH/iperf.json" &
    IPERF_PID=$!
    local peak_server=0 peak_client=0 r
    while kill -0 "$IPERF_PID" 2>/dev/null; do
        r=$(rss_kib "$SERVER_PID"); ((r > peak_server)) && peak_server=$r
        r=$(rss_kib "$client"); ((r > peak_client)) && peak_client=$r
        sleep 0.2
    done
    wait "$IPERF_PID" || die "iperf3 through the tunnel failed: $(head -c 500 "$SCRATCH/iperf.json")"
    local gbits
    gbits=$(awk -F'[:,]' '/"bits_per_second"/ { v = $2 } END { printf "%.2f", v / 1e9 }' "$SCRATCH/iperf.json")

    local stamp report java
    stamp=$(date +%Y%m%d-%H%M%S)
    java=$(awk -F'"' '/^JAVA_VERSION=/ { print $2 }' "$(dirname "$(dirname "$(readlink -f "/proc/$client/exe")")")/release" 2>/dev/null || echo '?')
    report=$(
        echo "# netproxy footprint, $(date '+%Y-%m-%d %H:%M:%S %Z')"
        echo
        echo "- command: \`$0 ${EXTRA[*]}\` (ROUNDS=$ROUNDS), distribution \`$DIST\`, JDK $java, $(nproc) CPUs"
        echo "- class data archive: $archive"
        echo "- setup: scripts/netns-topology.sh; \`serve --password-file F --pool 198.18.0.0/24 ${EXTRA[*]}\` in srv, \`connect $SERVER --password-file F -d ${EXTRA[*]}\` in c1, default directories and JVM options$($METRICS && echo "; each end's /metrics scraped once a second")"
        echo
        echo "| measure | value |"
        echo "|---|---|"
        echo "| launching \`connect\` (a new instance each round) to the first ping reply through the tunnel, median of $ROUNDS (min-max) | $(printf '%s\n' "${times[@]}" | median) s ($(printf '%s\n' "${times[@]}" | sort -n | head -1)-$(printf '%s\n' "${times[@]}" | sort -n | tail -1)) |"
        echo "| server resident memory, idle / peak during a ${TRANSFER_SECONDS} s iperf3 upload | $((idle_server / 1024)) MiB / $((peak_server / 1024)) MiB |"
        echo "| client resident memory, idle / peak during the upload | $((idle_client / 1024)) MiB / $((peak_client / 1024)) MiB |"
        echo "| threads, server / client (idle) | $idle_server_threads / $idle_client_threads |"
        echo "| upload throughput meanwhile (1 stream, not a benchmark: see bench.sh) | $gbits Gbit/s |"
    )
    echo "$report"
    (umask 022 && mkdir -p "$OUT" && echo "$report" >"$OUT/netproxy-footprint-$stamp.md")
    log "written to $OUT/netproxy-footprint-$stamp.md"
}

main "$@"
